#include "store/set_object.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "util/siphash.h"

namespace redoubt::store {
namespace {

// "prefix" + number, written so that GCC 12 does not raise a false -Wrestrict (PR 105651).
std::string Numbered(const char* prefix, int64_t n) {
  std::string s(prefix);
  s += std::to_string(n);
  return s;
}

uint64_t TestRng() {
  static uint64_t s = 88172645463325252ULL;
  s ^= s << 13;
  s ^= s >> 7;
  s ^= s << 17;
  return s;
}

std::vector<std::string> Members(const SetObject& s) {
  std::vector<std::string> out;
  s.ForEach([&out](std::string_view m) { out.emplace_back(m); });
  return out;
}

TEST(SetObject, IntsetSortedAndUpgradesWidth) {
  SetObject s;
  EXPECT_TRUE(s.Add("5", 512));
  EXPECT_TRUE(s.Add("-3", 512));
  EXPECT_FALSE(s.Add("5", 512));
  EXPECT_TRUE(s.Add("70000", 512));                 // 32-bit
  EXPECT_TRUE(s.Add("-9223372036854775808", 512));  // 64-bit, goes first
  EXPECT_TRUE(s.Add("9223372036854775807", 512));
  EXPECT_TRUE(s.Add("0", 512));
  EXPECT_STREQ(s.EncodingName(), "intset");
  EXPECT_EQ(Members(s), (std::vector<std::string>{"-9223372036854775808", "-3", "0", "5", "70000",
                                                  "9223372036854775807"}));
  EXPECT_TRUE(s.Contains("70000"));
  EXPECT_FALSE(s.Contains("7"));
  EXPECT_FALSE(s.Contains("05"));
  EXPECT_TRUE(s.Remove("0"));
  EXPECT_FALSE(s.Remove("0"));
  EXPECT_FALSE(s.Remove("abc"));
  EXPECT_EQ(s.size(), 5u);
}

TEST(SetObject, UpgradeFromSixteenToThirtyTwoKeepsValues) {
  SetObject s;
  for (int i = -100; i <= 100; i += 7) s.Add(std::to_string(i), 512);
  s.Add("-40000", 512);
  std::vector<std::string> want = {"-40000"};
  for (int i = -100; i <= 100; i += 7) want.push_back(std::to_string(i));
  EXPECT_EQ(Members(s), want);
}

TEST(SetObject, ConvertsOnStringAndOnSize) {
  util::InitHashSeed();
  SetObject a;
  a.Add("1", 512);
  a.Add("x", 512);
  EXPECT_STREQ(a.EncodingName(), "hashtable");
  EXPECT_TRUE(a.Contains("1"));
  SetObject b;
  for (int i = 0; i < 4; ++i) b.Add(std::to_string(i), 4);
  EXPECT_TRUE(b.is_intset());
  b.Add("4", 4);
  EXPECT_FALSE(b.is_intset());
  EXPECT_EQ(b.size(), 5u);
  SetObject c(false);
  EXPECT_STREQ(c.EncodingName(), "hashtable");
  EXPECT_EQ(c.size(), 0u);
}

TEST(SetObject, PopRandomEmptiesAndCloneIsDeep) {
  util::InitHashSeed();
  for (const char* prefix : {"", "m"}) {
    SetObject s;
    std::set<std::string> all;
    for (int i = 0; i < 100; ++i) {
      std::string m = Numbered(prefix, i);
      s.Add(m, 512);
      all.insert(m);
    }
    std::unique_ptr<SetObject> c(static_cast<SetObject*>(s.Clone()));
    EXPECT_EQ(c->EncodingName(), s.EncodingName());
    for (int i = 0; i < 20; ++i) EXPECT_TRUE(all.count(s.Random(&TestRng)));
    std::set<std::string> popped;
    while (s.size() > 0) popped.insert(s.PopRandom(&TestRng));
    EXPECT_EQ(popped, all);
    EXPECT_EQ(c->size(), 100u);
    std::set<std::string> scanned;
    uint64_t cursor = 0;
    do {
      cursor = c->Scan(cursor, [&scanned](std::string_view m) { scanned.emplace(m); });
    } while (cursor != 0);
    EXPECT_EQ(scanned, all);
    EXPECT_GT(c->MemoryUsage(0), 0u);
  }
}

}  // namespace
}  // namespace redoubt::store
