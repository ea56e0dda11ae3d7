#include "util/glob.h"

#include <cstddef>
#include <utility>

namespace redoubt::util {
namespace {

// Redis walks a NUL-terminated pattern and sometimes peeks at the terminator; several of its
// quirks (unterminated classes, a trailing '\') depend on reading '\0' there.
char At(std::string_view s, size_t i) { return i < s.size() ? s[i] : '\0'; }

// Redis runs in the C locale, where tolower() only folds ASCII letters.
int FoldAscii(int c) { return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c; }

// glibc's C-locale tolower() on a negative (signed char) argument: -128..-2 come back as
// 128..254 while -1 is EOF and stays -1. Redis feeds it signed range bounds, so a nocase range
// over high bytes can reorder or even become empty; reproduced for parity.
int GlibcToLower(int c) { return (c < -1) ? c + 256 : FoldAscii(c); }

bool CharEquals(char a, char b, bool nocase) {
  if (!nocase) return a == b;
  return FoldAscii(static_cast<unsigned char>(a)) == FoldAscii(static_cast<unsigned char>(b));
}

// Matches the class starting at pattern[pos] == '[' against c and stores the index just past
// the class in *next. The walk mirrors Redis step for step so that malformed classes consume
// exactly the same pattern bytes.
bool MatchClass(std::string_view pattern, size_t pos, char c, bool nocase, size_t* next) {
  size_t i = pos + 1;
  const bool negate = At(pattern, i) == '^';
  if (negate) ++i;
  bool match = false;
  while (true) {
    const size_t remaining = pattern.size() - i;
    const char pc = At(pattern, i);
    if (pc == '\\' && remaining >= 2) {
      ++i;
      // Redis compares escaped class members case-sensitively even under nocase.
      if (pattern[i] == c) match = true;
    } else if (pc == ']') {
      break;
    } else if (remaining == 0) {
      // Unterminated class: step back so the shared "advance past token" lands on the end.
      --i;
      break;
    } else if (remaining >= 3 && pattern[i + 1] == '-') {
      // Redis compares plain (signed on x86) chars, so bytes >= 0x80 sort below ASCII.
      int start = static_cast<signed char>(pattern[i]);
      int end = static_cast<signed char>(pattern[i + 2]);
      int ch = static_cast<signed char>(c);
      if (start > end) std::swap(start, end);
      if (nocase) {
        start = GlibcToLower(start);
        end = GlibcToLower(end);
        ch = GlibcToLower(ch);
      }
      i += 2;
      if (ch >= start && ch <= end) match = true;
    } else if (CharEquals(pc, c, nocase)) {
      match = true;
    }
    ++i;
  }
  *next = i + 1;
  return negate ? !match : match;
}

// Matches the single-character token (anything but '*') at pattern[pos] against c. Every such
// token consumes exactly one input byte, which is what makes the linear backtracking in
// GlobMatch equivalent to Redis's recursive search.
bool MatchToken(std::string_view pattern, size_t pos, char c, bool nocase, size_t* next) {
  switch (pattern[pos]) {
    case '?':
      *next = pos + 1;
      return true;
    case '[':
      return MatchClass(pattern, pos, c, nocase, next);
    case '\\':
      // A trailing lone backslash matches itself.
      if (pattern.size() - pos >= 2) {
        *next = pos + 2;
        return CharEquals(pattern[pos + 1], c, nocase);
      }
      [[fallthrough]];
    default:
      *next = pos + 1;
      return CharEquals(pattern[pos], c, nocase);
  }
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase) {
  // Redis's main loop only runs while both sides are non-empty, so "*" does not match "".
  if (str.empty()) return pattern.empty();

  // Greedy matching with one backtrack point (the most recent star). Redis's recursion tries
  // every split for every star, which is exponential without its skipLongerMatches cut-off
  // (CVE-2022-36021); retrying only the latest star gives the same answer in O(p * s) since
  // a later star can absorb anything an earlier one could.
  constexpr size_t kNoStar = std::string_view::npos;
  size_t p = 0;
  size_t s = 0;
  size_t star_p = kNoStar;
  size_t star_s = 0;
  while (s < str.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      while (p < pattern.size() && pattern[p] == '*') ++p;
      star_p = p;
      star_s = s;
      continue;
    }
    size_t next = 0;
    if (p < pattern.size() && MatchToken(pattern, p, str[s], nocase, &next)) {
      p = next;
      ++s;
      continue;
    }
    if (star_p == kNoStar) return false;
    p = star_p;
    s = ++star_s;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool GlobIsLiteral(std::string_view pattern) {
  return pattern.find_first_of("*?[\\") == std::string_view::npos;
}

}  // namespace redoubt::util
