// Redis-compatible glob matching (KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET, ACL patterns):
// the exact results of Redis 7.0's stringmatchlen, computed in O(pattern * string) time.
#pragma once

#include <string_view>

namespace redoubt::util {

// Returns what Redis 7.0's stringmatchlen(pattern, str, nocase) returns, including its quirks:
//  - an empty `str` matches only an empty pattern, so "*" does NOT match "". Redis's KEYS and
//    SCAN special-case the bare pattern "*" before calling the matcher, which is why they
//    still return an empty key; callers that need that behaviour must do the same.
//  - an unterminated class ("[abc", "[^") takes the rest of the pattern as its members.
//  - "[a-]" reads ']' as the end of a range, so the class runs on past that ']'.
//  - ranges compare signed chars and swap reversed bounds ("[z-a]" == "[a-z]").
//  - inside a class "\x" is always compared case-sensitively, even with nocase.
// nocase folds ASCII only, as Redis does in the C locale (plus glibc's tolower() remapping of
// signed high bytes inside ranges, which can empty a nocase range like "[a-\x80]").
bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase = false);

// True when the pattern has no glob metacharacter ('*', '?', '[', '\'), so that
// GlobMatch(pattern, s) == (pattern == s) (ASCII-case-insensitively with nocase) and callers
// can use a hash lookup instead of a scan.
bool GlobIsLiteral(std::string_view pattern);

}  // namespace redoubt::util
