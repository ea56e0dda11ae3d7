#include "store/hash_object.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "store/packed_list.h"
#include "util/siphash.h"

namespace redoubt::store {
namespace {

uint64_t TestRng() {
  static uint64_t s = 88172645463325252ULL;
  s ^= s << 13;
  s ^= s >> 7;
  s ^= s << 17;
  return s;
}

// "prefix" + number, written so that GCC 12 does not raise a false -Wrestrict (PR 105651).
std::string Numbered(const char* prefix, int64_t n) {
  std::string s(prefix);
  s += std::to_string(n);
  return s;
}

std::map<std::string, std::string> Contents(const HashObject& h) {
  std::map<std::string, std::string> out;
  h.ForEach([&out](std::string_view f, std::string_view v) { out.emplace(f, v); });
  return out;
}

TEST(PackedList, AppendReplaceEraseKeepOrder) {
  PackedList p;
  p.Append2("a", "1");
  p.Append(std::string(200, 'x'));  // a two-byte length
  p.Append("");
  EXPECT_EQ(p.count(), 4u);
  size_t pos = 0;
  EXPECT_EQ(p.Next(&pos), "a");
  size_t one = pos;
  EXPECT_EQ(p.Next(&pos), "1");
  EXPECT_EQ(p.Next(&pos), std::string(200, 'x'));
  EXPECT_EQ(p.Next(&pos), "");
  EXPECT_TRUE(p.AtEnd(pos));

  p.ReplaceAt(one, std::string(300, 'y'));
  p.ReplaceAt(one, "22");
  pos = 0;
  p.Next(&pos);
  EXPECT_EQ(p.Next(&pos), "22");
  p.EraseAt(0, 2);
  EXPECT_EQ(p.count(), 2u);
  pos = 0;
  EXPECT_EQ(p.Next(&pos), std::string(200, 'x'));
  PackedList c;
  c.CopyFrom(p);
  EXPECT_EQ(c.bytes(), p.bytes());
  p.Clear();
  EXPECT_EQ(p.bytes(), 0u);
  EXPECT_EQ(c.count(), 2u);
}

TEST(HashObject, SetGetDeleteCompact) {
  HashObject h;
  HashLimits lim;
  EXPECT_TRUE(h.Set("a", "1", lim));
  EXPECT_TRUE(h.Set("b", "2", lim));
  EXPECT_FALSE(h.Set("a", "10", lim));
  std::string_view v;
  ASSERT_TRUE(h.Get("a", &v));
  EXPECT_EQ(v, "10");
  EXPECT_FALSE(h.Get("c", &v));
  EXPECT_EQ(h.size(), 2u);
  EXPECT_STREQ(h.EncodingName(), "listpack");
  EXPECT_TRUE(h.Delete("a"));
  EXPECT_FALSE(h.Delete("a"));
  EXPECT_EQ(Contents(h), (std::map<std::string, std::string>{{"b", "2"}}));
}

TEST(HashObject, ConvertsPastEntryLimit) {
  util::InitHashSeed();
  HashObject h;
  HashLimits lim{.max_entries = 4, .max_value = 64};
  for (int i = 0; i < 4; ++i) h.Set(Numbered("f", i), std::to_string(i), lim);
  EXPECT_TRUE(h.compact());
  h.Set("f3", "again", lim);
  EXPECT_TRUE(h.compact());
  h.Set("f4", "4", lim);
  EXPECT_FALSE(h.compact());
  EXPECT_STREQ(h.EncodingName(), "hashtable");
  EXPECT_EQ(h.size(), 5u);
  std::string_view v;
  ASSERT_TRUE(h.Get("f3", &v));
  EXPECT_EQ(v, "again");
  h.Set("f3", std::string(100, 'z'), lim);
  ASSERT_TRUE(h.Get("f3", &v));
  EXPECT_EQ(v, std::string(100, 'z'));
}

TEST(HashObject, ConvertsOnLongFieldOrValue) {
  util::InitHashSeed();
  HashLimits lim{.max_entries = 512, .max_value = 8};
  HashObject a;
  a.Set("f", "12345678", lim);
  EXPECT_TRUE(a.compact());
  a.Set("g", "123456789", lim);
  EXPECT_FALSE(a.compact());
  HashObject b;
  b.Set("123456789", "v", lim);
  EXPECT_FALSE(b.compact());
  EXPECT_EQ(Contents(a).size(), 2u);
}

TEST(HashObject, CloneIsDeepInBothEncodings) {
  util::InitHashSeed();
  HashLimits lim{.max_entries = 2, .max_value = 64};
  for (int n : {2, 10}) {
    auto h = std::make_unique<HashObject>();  // MemoryUsage asks the allocator about it
    for (int i = 0; i < n; ++i) h->Set(Numbered("f", i), "v", lim);
    std::unique_ptr<HashObject> c(static_cast<HashObject*>(h->Clone()));
    EXPECT_EQ(Contents(*c), Contents(*h));
    EXPECT_STREQ(c->EncodingName(), h->EncodingName());
    c->Set("f0", "changed", lim);
    std::string_view v;
    ASSERT_TRUE(h->Get("f0", &v));
    EXPECT_EQ(v, "v");
    EXPECT_GT(h->MemoryUsage(0), 0u);
  }
}

TEST(HashObject, RandomAndScanCoverEverything) {
  util::InitHashSeed();
  HashLimits lim{.max_entries = 16, .max_value = 64};
  for (int n : {10, 200}) {
    HashObject h;
    for (int i = 0; i < n; ++i) h.Set(Numbered("f", i), std::to_string(i), lim);
    std::map<std::string, std::string> seen;
    uint64_t cursor = 0;
    do {
      cursor =
          h.Scan(cursor, [&seen](std::string_view f, std::string_view v) { seen.emplace(f, v); });
    } while (cursor != 0);
    EXPECT_EQ(seen, Contents(h));
    for (int i = 0; i < 50; ++i) {
      std::string_view f, v;
      h.Random(&TestRng, &f, &v);
      EXPECT_EQ(seen.at(std::string(f)), v);
    }
  }
}

}  // namespace
}  // namespace redoubt::store
