#include "store/lcs.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace redoubt::store {
namespace {

TEST(LcsTest, RedisDocumentationExample) {
  LcsResult r = Lcs("ohmytext", "mynewtext", true, 0);
  EXPECT_EQ(r.len, 6u);
  EXPECT_EQ(r.lcs, "mytext");
  ASSERT_EQ(r.matches.size(), 2u);
  EXPECT_EQ(r.matches[0].a_start, 4u);
  EXPECT_EQ(r.matches[0].a_end, 7u);
  EXPECT_EQ(r.matches[0].b_start, 5u);
  EXPECT_EQ(r.matches[0].b_end, 8u);
  EXPECT_EQ(r.matches[0].len, 4u);
  EXPECT_EQ(r.matches[1].a_start, 2u);
  EXPECT_EQ(r.matches[1].a_end, 3u);
  EXPECT_EQ(r.matches[1].b_start, 0u);
  EXPECT_EQ(r.matches[1].b_end, 1u);
  EXPECT_EQ(Lcs("ohmytext", "mynewtext", true, 4).matches.size(), 1u);
}

TEST(LcsTest, LengthAgreesWithTable) {
  const std::string a = "ACCGGTCGAGTGCGCGGAAGCCGGCCGAA", b = "GTCGTTCGGAATGCCGTTGCTCTGTAAA";
  EXPECT_EQ(LcsLength(a, b), Lcs(a, b, false, 0).len);
  EXPECT_EQ(LcsLength(a, b), 20u);
  EXPECT_EQ(LcsLength("", "abc"), 0u);
  EXPECT_EQ(Lcs("", "", true, 0).lcs, "");
}

TEST(LcsTest, TableBytesSaturates) {
  EXPECT_EQ(LcsTableBytes(1, 1), 16u);
  EXPECT_EQ(LcsTableBytes(UINT64_MAX - 1, 2), UINT64_MAX);
  EXPECT_EQ(LcsTableBytes(uint64_t{1} << 32, uint64_t{1} << 32), UINT64_MAX);
}

}  // namespace
}  // namespace redoubt::store
