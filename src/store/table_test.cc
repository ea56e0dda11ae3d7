#include "store/table.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "store/db.h"
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

TEST(Table, InsertFindUnlinkAcrossRehash) {
  util::InitHashSeed();
  Table t;
  for (int i = 0; i < 10000; ++i) {
    std::string k = Numbered("key:", i);
    t.Insert(NewStringEntry(k, "v", false));
  }
  EXPECT_EQ(t.size(), 10000u);
  for (int i = 0; i < 10000; ++i) {
    ASSERT_NE(t.Find(Numbered("key:", i)), nullptr) << i;
  }
  for (int i = 0; i < 10000; i += 2) {
    Entry* e = t.Unlink(Numbered("key:", i));
    ASSERT_NE(e, nullptr);
    FreeEntry(e);
  }
  EXPECT_EQ(t.size(), 5000u);
  EXPECT_EQ(t.Find("key:0"), nullptr);
  EXPECT_NE(t.Find("key:1"), nullptr);
}

// SCAN's guarantee: every element present for the whole iteration is returned, even while the
// table grows and shrinks between calls.
TEST(Table, ScanGuaranteeWhileResizing) {
  util::InitHashSeed();
  Table t;
  std::set<std::string> stable;
  for (int i = 0; i < 500; ++i) {
    std::string k = Numbered("stable:", i);
    t.Insert(NewStringEntry(k, "v", false));
    stable.insert(k);
  }
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int step = 0;
  do {
    cursor = t.Scan(cursor, [&](Entry* e) { seen.insert(std::string(e->key())); });
    // Grow hard, then shrink back, in the middle of the iteration.
    if (step % 3 == 0) {
      for (int i = 0; i < 300; ++i) {
        t.Insert(NewStringEntry(Numbered("tmp:", step) + Numbered(":", i), "v", false));
      }
    } else if (step % 3 == 2) {
      for (int s = step - 2; s < step; ++s) {
        for (int i = 0; i < 300; ++i) {
          Entry* e = t.Unlink(Numbered("tmp:", s) + Numbered(":", i));
          if (e) FreeEntry(e);
        }
      }
      t.MaybeShrink();
    }
    t.RehashStep(3);
    ++step;
  } while (cursor != 0 && step < 100000);
  for (const std::string& k : stable) EXPECT_TRUE(seen.count(k)) << k;
}

TEST(Db, ExpiryIndexFollowsReshapedEntries) {
  util::InitHashSeed();
  Clock clock{.now_ms = 1000, .lru_clock = 1};
  DbStats stats;
  Db db(0, &clock, &stats);
  for (int i = 0; i < 100; ++i) db.SetString(Numbered("k", i), "v", Db::kNoExpire);
  for (int i = 0; i < 100; i += 2) db.SetExpire(db.Lookup(Numbered("k", i)), 2000);
  EXPECT_EQ(db.expires(), 50u);
  // Overwrite with and without KEEPTTL, persist some.
  db.SetString("k0", "longer value", Db::kKeepTtl);
  db.SetString("k2", "x", Db::kNoExpire);
  db.Persist(db.Lookup("k4"));
  EXPECT_EQ(db.expires(), 48u);
  EXPECT_EQ(Db::GetExpire(db.Lookup("k0")), 2000);
  clock.now_ms = 3000;
  size_t deleted = 0;
  while (db.expires() > 0) deleted += db.ActiveExpire(1000000, TestRng);
  EXPECT_EQ(deleted, 48u);
  EXPECT_EQ(db.size(), 52u);
  EXPECT_EQ(db.Lookup("k0"), nullptr);
  EXPECT_NE(db.Lookup("k2"), nullptr);
  EXPECT_EQ(stats.expired_keys, 48u);
}

TEST(Db, LazyExpiryOnLookup) {
  util::InitHashSeed();
  Clock clock{.now_ms = 1000, .lru_clock = 1};
  DbStats stats;
  Db db(0, &clock, &stats);
  db.SetString("a", "1", 1500);
  EXPECT_NE(db.Lookup("a"), nullptr);
  clock.now_ms = 1500;
  EXPECT_EQ(db.Lookup("a"), nullptr);
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(db.expires(), 0u);
}

TEST(Db, MutableStringKeepsTtlAndContent) {
  util::InitHashSeed();
  Clock clock{.now_ms = 1000, .lru_clock = 1};
  DbStats stats;
  Db db(0, &clock, &stats);
  Entry* e = db.SetString("s", "12", 5000);
  RawString* r = db.MutableString(&e, 100);
  EXPECT_EQ(r->view(), "12");
  EXPECT_EQ(e->encoding, Encoding::kRaw);
  EXPECT_EQ(Db::GetExpire(db.Lookup("s")), 5000);
}

}  // namespace
}  // namespace redoubt::store
