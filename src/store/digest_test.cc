#include "store/digest.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/db.h"
#include "store/hash_object.h"
#include "store/list_object.h"
#include "store/set_object.h"
#include "store/zset_object.h"
#include "util/siphash.h"

namespace redoubt::store {
namespace {

struct TestDb {
  Clock clock{.now_ms = 1000000};
  DbStats stats;
  Db db{0, &clock, &stats};
  TestDb() { util::InitHashSeed(); }

  void List(std::string_view key, const std::vector<std::string>& items) {
    auto* l = new ListObject(-2);
    for (const auto& v : items) l->PushBack(v);
    db.Add(NewObjectEntry(key, ValueType::kList, l, false));
  }
  void Set(std::string_view key, const std::vector<std::string>& members, bool intset = true) {
    auto* s = new SetObject(intset);
    for (const auto& m : members) s->Add(m, intset ? 512 : 0);
    db.Add(NewObjectEntry(key, ValueType::kSet, s, false));
  }
  void ZSet(std::string_view key, const std::vector<std::pair<std::string, double>>& items,
            bool listpack = true) {
    auto* z = new ZSetObject(listpack);
    int out = 0;
    double score = 0;
    for (const auto& [m, s] : items) z->Add(m, s, 0, ZSetLimits{}, &out, &score);
    db.Add(NewObjectEntry(key, ValueType::kZSet, z, false));
  }
  void Hash(std::string_view key, const std::vector<std::pair<std::string, std::string>>& items,
            int64_t max_entries = 512) {
    auto* h = new HashObject();
    for (const auto& [f, v] : items) h->Set(f, v, HashLimits{.max_entries = max_entries});
    db.Add(NewObjectEntry(key, ValueType::kHash, h, false));
  }
  std::string Value(std::string_view key) { return DigestHex(ValueDigest(*db.Peek(key))); }
  std::string Dataset() {
    Digest d{};
    AddDatabaseDigest(d, 0, db.table());
    return DigestHex(d);
  }
};

// The expected values are what Redis 7.0.15 answers to DEBUG DIGEST / DIGEST-VALUE for the
// same commands (SET foo bar; RPUSH l a b 1; SADD s 1 x; ZADD z 1.5 m 2 n; HSET h f v;
// SET n 12345; SET e 1 EX 100).
TEST(Digest, MatchesRedisForEveryType) {
  TestDb t;
  t.db.SetString("foo", "bar");
  EXPECT_EQ(t.Dataset(), "d2ab4820c1be0580ea28efbfe8bfa1dc05bb802a");
  t.List("l", {"a", "b", "1"});
  t.Set("s", {"1", "x"});
  t.ZSet("z", {{"m", 1.5}, {"n", 2}});
  t.Hash("h", {{"f", "v"}});
  t.db.SetString("n", "12345");
  t.db.SetString("e", "1", t.clock.now_ms + 100000);
  EXPECT_EQ(t.Value("foo"), "68467c70ae30376e7ce005bcc8827f5ba7fd67dc");
  EXPECT_EQ(t.Value("l"), "981fd62c1655c074205cff40b800bd5a5bfdcd41");
  EXPECT_EQ(t.Value("s"), "96257d5cc29f1c46ff96a88360b5c99de66ae13f");
  EXPECT_EQ(t.Value("z"), "908aeffe4e922542b456cb5c8f5b1961a763d7dd");
  EXPECT_EQ(t.Value("h"), "90c76e9e9f4c62d642a34fc97c7dad503b51f906");
  EXPECT_EQ(t.Value("n"), "e1cf90774e995ae03de66e8109dc5cb9d9c2dc83");
  EXPECT_EQ(t.Value("e"), "5279988c5d1911f474bcbbf2f0a87012d40f8459");
  EXPECT_EQ(t.Dataset(), "09a09ef04fbb741a11945215f69d440999d29d22");
}

TEST(Digest, EmptyDatasetIsZeros) {
  TestDb t;
  EXPECT_EQ(t.Dataset(), std::string(40, '0'));
}

TEST(Digest, InsertionOrderOfKeysAndUnorderedElementsDoesNotMatter) {
  TestDb a, b;
  a.db.SetString("k1", "v1");
  a.Set("s", {"x", "y", "z"}, false);
  a.Hash("h", {{"f1", "1"}, {"f2", "2"}});
  a.db.SetString("k2", "v2");
  b.db.SetString("k2", "v2");
  b.Hash("h", {{"f2", "2"}, {"f1", "1"}});
  b.Set("s", {"z", "x", "y"}, false);
  b.db.SetString("k1", "v1");
  EXPECT_EQ(a.Dataset(), b.Dataset());
}

TEST(Digest, ListOrderMatters) {
  TestDb t;
  t.List("a", {"1", "2"});
  t.List("b", {"2", "1"});
  EXPECT_NE(t.Value("a"), t.Value("b"));
}

TEST(Digest, EncodingDoesNotMatter) {
  TestDb t;
  t.Set("intset", {"1", "2", "3"}, true);
  t.Set("table", {"3", "2", "1"}, false);
  EXPECT_EQ(t.Value("intset"), t.Value("table"));
  t.ZSet("lp", {{"a", 0.1}, {"b", -3}}, true);
  t.ZSet("sl", {{"b", -3}, {"a", 0.1}}, false);
  EXPECT_EQ(t.Value("lp"), t.Value("sl"));
  t.Hash("small", {{"f", "v"}, {"g", "w"}});
  t.Hash("big", {{"g", "w"}, {"f", "v"}}, 1);
  EXPECT_EQ(t.Value("small"), t.Value("big"));
  t.db.SetString("int", "42");
  t.db.SetString("str", "42", Db::kNoExpire, false);
  EXPECT_EQ(t.Value("int"), t.Value("str"));
}

TEST(Digest, OneChangeChangesTheDigest) {
  TestDb t;
  t.db.SetString("k", "v");
  t.ZSet("z", {{"m", 1}});
  std::string before = t.Dataset();
  t.db.Delete("z");
  t.ZSet("z", {{"m", 1.0000000000000002}});
  EXPECT_NE(t.Dataset(), before);
  t.db.Delete("z");
  t.ZSet("z", {{"m", 1}});
  EXPECT_EQ(t.Dataset(), before);
  t.db.SetExpire(t.db.Peek("k"), t.clock.now_ms + 5000);
  EXPECT_NE(t.Dataset(), before);
}

TEST(Digest, DatabaseIndexIsPartOfTheDigest) {
  TestDb t;
  t.db.SetString("k", "v");
  Digest d0{}, d1{};
  AddDatabaseDigest(d0, 0, t.db.table());
  AddDatabaseDigest(d1, 1, t.db.table());
  EXPECT_NE(d0, d1);
}

}  // namespace
}  // namespace redoubt::store
