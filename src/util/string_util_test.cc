#include "util/string_util.h"

#include <gtest/gtest.h>

#include <string>

namespace redoubt::util {
namespace {

TEST(EqualsIgnoreCase, AsciiFolding) {
  EXPECT_TRUE(EqualsIgnoreCase("", ""));
  EXPECT_TRUE(EqualsIgnoreCase("GET", "get"));
  EXPECT_TRUE(EqualsIgnoreCase("ZRangeByScore", "zrangebyscore"));
  EXPECT_TRUE(EqualsIgnoreCase("a-1_b", "A-1_B"));
  EXPECT_FALSE(EqualsIgnoreCase("get", "gets"));
  EXPECT_FALSE(EqualsIgnoreCase("get", "set"));
  EXPECT_FALSE(EqualsIgnoreCase("", "a"));
  // Only letters fold: '@' (0x40) and '`' (0x60) differ by the case bit but are not letters.
  EXPECT_FALSE(EqualsIgnoreCase("@", "`"));
  EXPECT_FALSE(EqualsIgnoreCase("[", "{"));
  // No locale-dependent folding of non-ASCII bytes.
  EXPECT_FALSE(EqualsIgnoreCase("\xc4", "\xe4"));
  EXPECT_TRUE(EqualsIgnoreCase("\xc4", "\xc4"));
  using namespace std::string_literals;
  EXPECT_TRUE(EqualsIgnoreCase("A\0b"s, "a\0B"s));
  EXPECT_FALSE(EqualsIgnoreCase("A\0b"s, "a\0c"s));
}

TEST(ToLower, LowersOnlyAsciiLetters) {
  EXPECT_EQ(ToLower(""), "");
  EXPECT_EQ(ToLower("MaxMemory-Policy"), "maxmemory-policy");
  EXPECT_EQ(ToLower("ABC@[`{xyz"), "abc@[`{xyz");
  EXPECT_EQ(ToLower("\xc4\xd6"), "\xc4\xd6");
  std::string s = "HeLLo WORLD 123";
  ToLowerInPlace(s);
  EXPECT_EQ(s, "hello world 123");
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  const std::string lowered = ToLower(all);
  ASSERT_EQ(lowered.size(), 256u);
  for (int c = 0; c < 256; ++c) {
    const int expected = (c >= 'A' && c <= 'Z') ? c + 32 : c;
    EXPECT_EQ(static_cast<unsigned char>(lowered[c]), expected) << c;
  }
}

}  // namespace
}  // namespace redoubt::util
