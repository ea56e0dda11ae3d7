#include "util/glob.h"

#include <gtest/gtest.h>

#include <cctype>
#include <random>
#include <string>

namespace redoubt::util {
namespace {

// Redis 7.0.15's stringmatchlen_impl (util.c), kept verbatim in shape as the reference the
// linear matcher is checked against. It needs NUL-terminated inputs, as Redis's sds strings
// are, because it peeks at the terminator.
int RedisStringMatchLen(const char* pattern, int patternLen, const char* string, int stringLen,
                        int nocase, int* skipLongerMatches) {
  while (patternLen && stringLen) {
    switch (pattern[0]) {
      case '*':
        while (patternLen && pattern[1] == '*') {
          pattern++;
          patternLen--;
        }
        if (patternLen == 1) return 1;
        while (stringLen) {
          if (RedisStringMatchLen(pattern + 1, patternLen - 1, string, stringLen, nocase,
                                  skipLongerMatches))
            return 1;
          if (*skipLongerMatches) return 0;
          string++;
          stringLen--;
        }
        *skipLongerMatches = 1;
        return 0;
      case '?':
        string++;
        stringLen--;
        break;
      case '[': {
        int no, match;
        pattern++;
        patternLen--;
        no = pattern[0] == '^';
        if (no) {
          pattern++;
          patternLen--;
        }
        match = 0;
        while (1) {
          if (pattern[0] == '\\' && patternLen >= 2) {
            pattern++;
            patternLen--;
            if (pattern[0] == string[0]) match = 1;
          } else if (pattern[0] == ']') {
            break;
          } else if (patternLen == 0) {
            pattern--;
            patternLen++;
            break;
          } else if (patternLen >= 3 && pattern[1] == '-') {
            int start = pattern[0];
            int end = pattern[2];
            int c = string[0];
            if (start > end) {
              int t = start;
              start = end;
              end = t;
            }
            if (nocase) {
              start = tolower(start);
              end = tolower(end);
              c = tolower(c);
            }
            pattern += 2;
            patternLen -= 2;
            if (c >= start && c <= end) match = 1;
          } else {
            if (!nocase) {
              if (pattern[0] == string[0]) match = 1;
            } else {
              if (tolower((int)pattern[0]) == tolower((int)string[0])) match = 1;
            }
          }
          pattern++;
          patternLen--;
        }
        if (no) match = !match;
        if (!match) return 0;
        string++;
        stringLen--;
        break;
      }
      case '\\':
        if (patternLen >= 2) {
          pattern++;
          patternLen--;
        }
        [[fallthrough]];
      default:
        if (!nocase) {
          if (pattern[0] != string[0]) return 0;
        } else {
          if (tolower((int)pattern[0]) != tolower((int)string[0])) return 0;
        }
        string++;
        stringLen--;
        break;
    }
    pattern++;
    patternLen--;
    if (stringLen == 0) {
      while (*pattern == '*') {
        pattern++;
        patternLen--;
      }
      break;
    }
  }
  return patternLen == 0 && stringLen == 0;
}

bool RedisMatch(const std::string& pattern, const std::string& str, bool nocase) {
  int skip = 0;
  return RedisStringMatchLen(pattern.c_str(), static_cast<int>(pattern.size()), str.c_str(),
                             static_cast<int>(str.size()), nocase ? 1 : 0, &skip) != 0;
}

TEST(GlobMatch, LiteralsAndWildcards) {
  EXPECT_TRUE(GlobMatch("hello", "hello"));
  EXPECT_FALSE(GlobMatch("hello", "hell"));
  EXPECT_FALSE(GlobMatch("hell", "hello"));
  EXPECT_TRUE(GlobMatch("h?llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h?llo", "hllo"));
  EXPECT_TRUE(GlobMatch("h*llo", "hllo"));
  EXPECT_TRUE(GlobMatch("h*llo", "heeeello"));
  EXPECT_TRUE(GlobMatch("user:*", "user:1000"));
  EXPECT_FALSE(GlobMatch("user:*", "use"));
  EXPECT_TRUE(GlobMatch("*:1000", "user:1000"));
  EXPECT_TRUE(GlobMatch("*a*b*c*", "xxaxxbxxcxx"));
  EXPECT_FALSE(GlobMatch("*a*b*c*", "xxcxxbxxaxx"));
  EXPECT_TRUE(GlobMatch("a**b", "ab"));
}

TEST(GlobMatch, EmptyInputsFollowRedis) {
  EXPECT_TRUE(GlobMatch("", ""));
  EXPECT_FALSE(GlobMatch("", "a"));
  // Redis's matcher never matches an empty subject against a non-empty pattern; KEYS gets
  // the empty key back for "*" only through its own match-all shortcut.
  EXPECT_FALSE(GlobMatch("*", ""));
  EXPECT_FALSE(GlobMatch("**", ""));
  EXPECT_FALSE(GlobMatch("?", ""));
  EXPECT_TRUE(GlobMatch("*", "a"));
  EXPECT_TRUE(GlobMatch("a*", "a"));
  EXPECT_TRUE(GlobMatch("a***", "a"));
}

TEST(GlobMatch, Classes) {
  EXPECT_TRUE(GlobMatch("h[ae]llo", "hello"));
  EXPECT_TRUE(GlobMatch("h[ae]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[ae]llo", "hillo"));
  EXPECT_TRUE(GlobMatch("h[^e]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[^e]llo", "hello"));
  EXPECT_TRUE(GlobMatch("h[a-b]llo", "hbllo"));
  EXPECT_FALSE(GlobMatch("h[a-b]llo", "hcllo"));
  EXPECT_TRUE(GlobMatch("[z-a]", "m"));  // Reversed ranges are swapped.
  EXPECT_FALSE(GlobMatch("[z-a]", "A"));
  EXPECT_TRUE(GlobMatch("[\\]]", "]"));
  EXPECT_TRUE(GlobMatch("[\\-]", "-"));
  EXPECT_FALSE(GlobMatch("[]", "]"));  // "[]" is an empty class.
  EXPECT_FALSE(GlobMatch("[]a]", "]"));
}

TEST(GlobMatch, MalformedPatternsMatchRedisQuirks) {
  // Verified against redis-server 7.0.15 with KEYS.
  EXPECT_TRUE(GlobMatch("[\\", "\\"));
  EXPECT_FALSE(GlobMatch("[", "["));
  EXPECT_TRUE(GlobMatch("[abc", "b"));  // Unterminated class takes the rest.
  EXPECT_TRUE(GlobMatch("[a-", "-"));
  EXPECT_TRUE(GlobMatch("[a-", "a"));
  EXPECT_TRUE(GlobMatch("[^", "x"));
  EXPECT_TRUE(GlobMatch("[^a", "b"));
  EXPECT_FALSE(GlobMatch("[^a", "a"));
  // "[a-]" is the range ']'..'a', and the class then runs on to the end of the pattern.
  for (const char* s : {"]", "^", "_", "`", "a"}) EXPECT_TRUE(GlobMatch("[a-]", s)) << s;
  EXPECT_FALSE(GlobMatch("[a-]", "-"));
  EXPECT_FALSE(GlobMatch("[a-]", "b"));
  EXPECT_TRUE(GlobMatch("\\", "\\"));  // A trailing backslash is literal.
  EXPECT_FALSE(GlobMatch("a\\", "a"));
  EXPECT_TRUE(GlobMatch("a\\", "a\\"));
  EXPECT_TRUE(GlobMatch("\\*", "*"));
  EXPECT_FALSE(GlobMatch("\\*", "a"));
  EXPECT_TRUE(GlobMatch("\\?x", "?x"));
}

TEST(GlobMatch, NoCase) {
  EXPECT_TRUE(GlobMatch("HeLLo", "hello", true));
  EXPECT_FALSE(GlobMatch("HeLLo", "hello", false));
  EXPECT_TRUE(GlobMatch("[A-C]x", "bX", true));
  EXPECT_TRUE(GlobMatch("[abc]", "B", true));
  EXPECT_TRUE(GlobMatch("\\A", "a", true));
  // Redis compares escaped class members case-sensitively even with nocase.
  EXPECT_FALSE(GlobMatch("[\\A]", "a", true));
  EXPECT_TRUE(GlobMatch("maxmemory*", "MAXMEMORY-POLICY", true));
}

TEST(GlobMatch, BinarySafe) {
  using namespace std::string_literals;
  EXPECT_TRUE(GlobMatch("a\0b"s, "a\0b"s));
  EXPECT_FALSE(GlobMatch("a\0b"s, "a\0c"s));
  EXPECT_TRUE(GlobMatch("*\0"s, "xyz\0"s));
  EXPECT_TRUE(GlobMatch("[\x80-\xff]", "\x90"));
  // Ranges compare signed chars, as Redis does on x86: 0x80..0xff sort below ASCII.
  EXPECT_TRUE(GlobMatch("[a-\xff]", "0"));
  EXPECT_FALSE(GlobMatch("[a-\xff]", "\x80"));
  // Under nocase Redis passes those signed bounds through glibc's tolower(), which maps
  // -128..-2 back to 128..254, so this swapped range (-128..'a') becomes the empty 128..97.
  EXPECT_TRUE(GlobMatch("[a-\x80]", "0"));
  EXPECT_FALSE(GlobMatch("[a-\x80]", "0", true));
}

// CVE-2022-36021: naive backtracking takes exponential time here.
TEST(GlobMatch, PathologicalPatternsStayFast) {
  std::string pattern;
  for (int i = 0; i < 40; ++i) pattern += "a*";
  pattern += "b";
  const std::string subject(100000, 'a');
  EXPECT_FALSE(GlobMatch(pattern, subject));
  EXPECT_TRUE(GlobMatch(pattern, subject + "b"));
  EXPECT_FALSE(GlobMatch(std::string(2000, '*') + "?b", std::string(2000, 'a')));
  EXPECT_FALSE(GlobMatch("*[a-z]*[a-z]*[a-z]*[a-z]*[a-z]*[a-z]*1", std::string(50000, 'q')));
}

TEST(GlobIsLiteral, DetectsMetacharacters) {
  EXPECT_TRUE(GlobIsLiteral(""));
  EXPECT_TRUE(GlobIsLiteral("user:1000"));
  EXPECT_TRUE(GlobIsLiteral("a]b^c-d"));
  EXPECT_FALSE(GlobIsLiteral("user:*"));
  EXPECT_FALSE(GlobIsLiteral("a?"));
  EXPECT_FALSE(GlobIsLiteral("[a]"));
  EXPECT_FALSE(GlobIsLiteral("a\\b"));
}

// Differential check against the Redis algorithm over small alphabets rich in metacharacters,
// where the malformed-pattern corner cases are dense.
TEST(GlobMatch, AgreesWithRedisOnRandomInputs) {
  std::mt19937 rng(12345);
  const std::string pattern_alphabet = "ab*?[]^-\\Az\x80\xff";
  const std::string subject_alphabet = "abAz-]^\\*?[\x80\xff";
  auto random_string = [&](const std::string& alphabet, size_t max_len) {
    std::string s(rng() % (max_len + 1), ' ');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    return s;
  };
  for (int i = 0; i < 300000; ++i) {
    const std::string pattern = random_string(pattern_alphabet, 10);
    const std::string subject = random_string(subject_alphabet, 8);
    const bool nocase = (i & 1) != 0;
    ASSERT_EQ(GlobMatch(pattern, subject, nocase), RedisMatch(pattern, subject, nocase))
        << "pattern=" << pattern << " subject=" << subject << " nocase=" << nocase;
  }
}

TEST(GlobIsLiteral, LiteralPatternsMatchOnlyThemselves) {
  std::mt19937 rng(7);
  const std::string alphabet = "abAB]^-";
  for (int i = 0; i < 20000; ++i) {
    std::string p(rng() % 5, ' ');
    std::string s(rng() % 5, ' ');
    for (char& c : p) c = alphabet[rng() % alphabet.size()];
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    ASSERT_TRUE(GlobIsLiteral(p));
    ASSERT_EQ(GlobMatch(p, s), p == s) << p << " / " << s;
  }
}

}  // namespace
}  // namespace redoubt::util
