#include "util/crc64.h"

#include <gtest/gtest.h>

#include <string>

namespace redoubt::util {
namespace {

TEST(Crc64, RedisCheckValue) {
  // The check value Redis's crc64.c tests against.
  EXPECT_EQ(Crc64(0, "123456789", 9), 0xe9c6d914c4b8d9caULL);
}

TEST(Crc64, IncrementalEqualsOneShot) {
  std::string s;
  for (int i = 0; i < 1000; ++i) s.push_back(static_cast<char>(i * 7));
  uint64_t whole = Crc64(0, s.data(), s.size());
  uint64_t part = Crc64(0, s.data(), 13);
  part = Crc64(part, s.data() + 13, s.size() - 13);
  EXPECT_EQ(whole, part);
  EXPECT_EQ(Crc64(0, "", 0), 0u);
}

}  // namespace
}  // namespace redoubt::util
