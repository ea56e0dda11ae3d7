// Redis's argument splitting (sdssplitargs) and quoting (sdscatrepr), byte for byte. The config
// file parser and the inline-command protocol parser both split with it, so both accept exactly
// what Redis accepts.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redoubt::util {

// Splits `line` into arguments exactly as Redis 7.0's sdssplitargs does:
//  - arguments are separated by C-locale whitespace; an empty line gives an empty vector;
//  - "double quotes" understand \n \r \t \b \a, \xHH (two hex digits) and \<any> = <any>;
//  - 'single quotes' understand only \' ;
//  - a closing quote must be followed by whitespace or the end of the line;
//  - quotes may start in the middle of an argument (foo"bar" is "foobar");
//  - a NUL byte ends the line, as it does for Redis's C strings.
// Returns nullopt for unbalanced quotes or a closing quote followed by another character.
std::optional<std::vector<std::string>> SplitArgs(std::string_view line);

// Same as SplitArgs but reuses `out`'s storage (the inline protocol parser calls it per line).
// On failure returns false and leaves `out` in an unspecified state.
bool SplitArgsInto(std::string_view line, std::vector<std::string>* out);

// Redis's sdscatrepr: `s` in double quotes with \\ \" \n \r \t \a \b escaped and every other
// non-printable byte as \xhh. SplitArgs(QuoteArg(s)) == {s} for every s.
std::string QuoteArg(std::string_view s);

// Appends QuoteArg(s) to *out.
void AppendQuotedArg(std::string_view s, std::string* out);

}  // namespace redoubt::util
