// Keyspace commands against an in-process server state: replies and error texts as Redis
// 7.0.15 sends them, TTL handling, and SCAN's guarantee while the table resizes.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "commands/test_util.h"
#include "runtime/command_table.h"

namespace redoubt::commands {
namespace {

// "prefix" + number, written so that GCC 12 does not raise a false -Wrestrict (PR 105651).
std::string Numbered(const char* prefix, int64_t n) {
  std::string s(prefix);
  s += std::to_string(n);
  return s;
}

using testing::CommandTester;
using testing::Resp;

class KeysFamilyTest : public ::testing::Test {
 protected:
  CommandTester t_;
};

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// --- Table rows ----------------------------------------------------------------------------

struct RowFacts {
  const char* name;
  int arity;
  uint64_t flags;
  int first, last, step;
  uint64_t categories;
};

TEST(KeysFamilyTableTest, RowsMatchRedis) {
  using namespace flag;
  const uint64_t ks = cat::kKeyspace, w = cat::kWrite, r = cat::kRead, f = cat::kFast,
                 s = cat::kSlow, d = cat::kDangerous;
  const RowFacts rows[] = {
      {"del", -2, kWrite, 1, -1, 1, ks | w | s},
      {"unlink", -2, kWrite | kFast, 1, -1, 1, ks | w | f},
      {"exists", -2, kReadonly | kFast, 1, -1, 1, ks | r | f},
      {"touch", -2, kReadonly | kFast, 1, -1, 1, ks | r | f},
      {"type", 2, kReadonly | kFast, 1, 1, 1, ks | r | f},
      {"rename", 3, kWrite, 1, 2, 1, ks | w | s},
      {"renamenx", 3, kWrite | kFast, 1, 2, 1, ks | w | f},
      {"copy", -3, kWrite | kDenyOom, 1, 2, 1, ks | w | s},
      {"move", 3, kWrite | kFast, 1, 1, 1, ks | w | f},
      {"keys", 2, kReadonly, 0, 0, 0, ks | r | s | d},
      {"scan", -2, kReadonly, 0, 0, 0, ks | r | s},
      {"randomkey", 1, kReadonly, 0, 0, 0, ks | r | s},
      {"dbsize", 1, kReadonly | kFast, 0, 0, 0, ks | r | f},
      {"flushdb", -1, kWrite, 0, 0, 0, ks | w | s | d},
      {"flushall", -1, kWrite, 0, 0, 0, ks | w | s | d},
      {"swapdb", 3, kWrite | kFast, 0, 0, 0, ks | w | f | d},
      {"expire", -3, kWrite | kFast, 1, 1, 1, ks | w | f},
      {"pexpire", -3, kWrite | kFast, 1, 1, 1, ks | w | f},
      {"expireat", -3, kWrite | kFast, 1, 1, 1, ks | w | f},
      {"pexpireat", -3, kWrite | kFast, 1, 1, 1, ks | w | f},
      {"ttl", 2, kReadonly | kFast, 1, 1, 1, ks | r | f},
      {"pttl", 2, kReadonly | kFast, 1, 1, 1, ks | r | f},
      {"expiretime", 2, kReadonly | kFast, 1, 1, 1, ks | r | f},
      {"pexpiretime", 2, kReadonly | kFast, 1, 1, 1, ks | r | f},
      {"persist", 2, kWrite | kFast, 1, 1, 1, ks | w | f},
      {"object", -2, 0, 0, 0, 0, s},
  };
  for (const RowFacts& row : rows) {
    SCOPED_TRACE(row.name);
    const CommandSpec* c = CommandTable::Get().LookupCanonical(row.name);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->arity, row.arity);
    EXPECT_EQ(c->flags, row.flags);
    EXPECT_EQ(c->legacy_first, row.first);
    EXPECT_EQ(c->legacy_last, row.last);
    EXPECT_EQ(c->legacy_step, row.step);
    EXPECT_EQ(c->categories, row.categories);
  }
}

TEST(KeysFamilyTableTest, ObjectSubcommandsMatchRedis) {
  const CommandSpec* object = CommandTable::Get().LookupCanonical("object");
  ASSERT_NE(object, nullptr);
  for (const char* name : {"encoding", "freq", "idletime", "refcount"}) {
    SCOPED_TRACE(name);
    const CommandSpec* c = CommandTable::LookupSub(*object, name);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->full_name, std::string("object|") + name);
    EXPECT_EQ(c->arity, 3);
    EXPECT_EQ(c->flags, flag::kReadonly);
    EXPECT_EQ(c->legacy_first, 2);
    EXPECT_EQ(c->legacy_last, 2);
    EXPECT_EQ(c->legacy_step, 1);
    EXPECT_EQ(c->categories, cat::kKeyspace | cat::kRead | cat::kSlow);
  }
  const CommandSpec* help = CommandTable::LookupSub(*object, "help");
  ASSERT_NE(help, nullptr);
  EXPECT_EQ(help->arity, 2);
  EXPECT_EQ(help->flags, flag::kLoading | flag::kStale);
  EXPECT_EQ(help->legacy_first, 0);
  EXPECT_EQ(help->categories, cat::kKeyspace | cat::kSlow);
}

TEST(KeysFamilyTableTest, KeySpecsFindTheKeys) {
  std::vector<KeyRef> keys;
  const CommandSpec* rename = CommandTable::Get().LookupCanonical("rename");
  std::string_view args[] = {"RENAME", "a", "b"};
  GetKeys(*rename, args, &keys);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].index, 1);
  EXPECT_EQ(keys[0].flags, keyflag::kRW | keyflag::kAccess | keyflag::kDelete);
  EXPECT_EQ(keys[1].index, 2);
  EXPECT_EQ(keys[1].flags, keyflag::kOW | keyflag::kUpdate);

  const CommandSpec* del = CommandTable::Get().LookupCanonical("del");
  std::string_view del_args[] = {"DEL", "a", "b", "c"};
  GetKeys(*del, del_args, &keys);
  ASSERT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys[2].index, 3);
  EXPECT_EQ(keys[2].flags, keyflag::kRM | keyflag::kDelete);

  const CommandSpec* copy = CommandTable::Get().LookupCanonical("copy");
  std::string_view copy_args[] = {"COPY", "a", "b", "DB", "1", "REPLACE"};
  GetKeys(*copy, copy_args, &keys);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].flags, keyflag::kRO | keyflag::kAccess);
  EXPECT_EQ(copy->flags & flag::kMovableKeys, 0u);
}

// --- DEL, UNLINK, EXISTS, TOUCH, TYPE ------------------------------------------------------

TEST_F(KeysFamilyTest, DelCountsDeletedKeysOnce) {
  t_.Run({"SET", "a", "1"});
  t_.Run({"SET", "b", "2"});
  EXPECT_EQ(t_.RunInt({"DEL", "a", "b", "a", "missing"}), 2);
  EXPECT_EQ(t_.RunInt({"EXISTS", "a", "b"}), 0);
  EXPECT_EQ(t_.RunInt({"DEL", "a"}), 0);
  EXPECT_EQ(t_.RunError({"DEL"}), "ERR wrong number of arguments for 'del' command");
}

TEST_F(KeysFamilyTest, UnlinkDeletesLikeDel) {
  t_.Run({"SET", "a", "1"});
  t_.Run({"SET", "b", "2"});
  EXPECT_EQ(t_.RunInt({"UNLINK", "a", "b", "c"}), 2);
  EXPECT_EQ(t_.RunInt({"DBSIZE"}), 0);
}

TEST_F(KeysFamilyTest, DelDoesNotCountExpiredKeys) {
  t_.Run({"SET", "a", "1", "PX", "100"});
  t_.AdvanceTime(100);
  EXPECT_EQ(t_.RunInt({"DEL", "a"}), 0);
  EXPECT_EQ(t_.db().size(), 0u);
}

TEST_F(KeysFamilyTest, ExistsCountsDuplicates) {
  t_.Run({"SET", "a", "1"});
  EXPECT_EQ(t_.RunInt({"EXISTS", "a", "a", "a", "b"}), 3);
  EXPECT_EQ(t_.RunInt({"EXISTS", "b"}), 0);
}

TEST_F(KeysFamilyTest, ExistsCountsHitsWithoutTouchingLru) {
  t_.Run({"SET", "a", "1"});
  t_.AdvanceTime(5000);
  uint64_t hits = t_.state().stats.db.keyspace_hits;
  uint64_t misses = t_.state().stats.db.keyspace_misses;
  EXPECT_EQ(t_.RunInt({"EXISTS", "a", "nope"}), 1);
  EXPECT_EQ(t_.state().stats.db.keyspace_hits, hits + 1);
  EXPECT_EQ(t_.state().stats.db.keyspace_misses, misses + 1);
  EXPECT_EQ(t_.RunInt({"OBJECT", "IDLETIME", "a"}), 5);
}

TEST_F(KeysFamilyTest, TouchUpdatesLruAndCountsExisting) {
  t_.Run({"SET", "a", "1"});
  t_.Run({"SET", "b", "1"});
  t_.AdvanceTime(3000);
  EXPECT_EQ(t_.RunInt({"OBJECT", "IDLETIME", "a"}), 3);
  EXPECT_EQ(t_.RunInt({"TOUCH", "a", "b", "c", "a"}), 3);
  EXPECT_EQ(t_.RunInt({"OBJECT", "IDLETIME", "a"}), 0);
}

TEST_F(KeysFamilyTest, TypeNamesTheValueType) {
  t_.Run({"SET", "s", "v"});
  EXPECT_EQ(t_.Run({"TYPE", "s"}), "+string\r\n");
  EXPECT_EQ(t_.Run({"TYPE", "missing"}), "+none\r\n");
  t_.Run({"SET", "e", "v", "PX", "10"});
  t_.AdvanceTime(10);
  EXPECT_EQ(t_.Run({"TYPE", "e"}), "+none\r\n");
}

// --- RENAME, RENAMENX ----------------------------------------------------------------------

TEST_F(KeysFamilyTest, RenameMovesValueAndReplacesTarget) {
  t_.Run({"SET", "a", "hello"});
  t_.Run({"SET", "b", "old"});
  EXPECT_EQ(t_.Run({"RENAME", "a", "b"}), "+OK\r\n");
  EXPECT_EQ(t_.RunBulk({"GET", "b"}), "hello");
  EXPECT_EQ(t_.RunInt({"EXISTS", "a"}), 0);
  EXPECT_EQ(t_.RunInt({"DBSIZE"}), 1);
}

TEST_F(KeysFamilyTest, RenameKeepsEncodingAndValue) {
  t_.Run({"SET", "i", "12345"});
  t_.Run({"SET", "r", std::string(100, 'x')});
  t_.Run({"RENAME", "i", "i2"});
  t_.Run({"RENAME", "r", "a-much-longer-key-name-than-before"});
  EXPECT_EQ(t_.RunBulk({"OBJECT", "ENCODING", "i2"}), "int");
  EXPECT_EQ(t_.RunBulk({"GET", "i2"}), "12345");
  EXPECT_EQ(t_.RunBulk({"OBJECT", "ENCODING", "a-much-longer-key-name-than-before"}), "raw");
  EXPECT_EQ(t_.RunBulk({"GET", "a-much-longer-key-name-than-before"}), std::string(100, 'x'));
}

TEST_F(KeysFamilyTest, RenameMovesTheTtl) {
  t_.Run({"SET", "a", "v", "PX", "10000"});
  t_.Run({"SET", "b", "v"});
  t_.Run({"SET", "c", "v", "PX", "50000"});
  t_.Run({"RENAME", "a", "b"});
  EXPECT_EQ(t_.RunInt({"PTTL", "b"}), 10000);
  // A target with a TTL loses it when the source has none.
  t_.Run({"SET", "d", "v"});
  t_.Run({"RENAME", "d", "c"});
  EXPECT_EQ(t_.RunInt({"TTL", "c"}), -1);
  EXPECT_EQ(t_.db().expires(), 1u);
  t_.AdvanceTime(10000);
  EXPECT_EQ(t_.RunInt({"EXISTS", "b"}), 0);
}

TEST_F(KeysFamilyTest, RenameMissingKeyIsAnError) {
  EXPECT_EQ(t_.RunError({"RENAME", "nope", "b"}), "ERR no such key");
  EXPECT_EQ(t_.RunError({"RENAME", "nope", "nope"}), "ERR no such key");
  EXPECT_EQ(t_.RunError({"RENAMENX", "nope", "b"}), "ERR no such key");
  EXPECT_EQ(t_.RunError({"RENAMENX", "nope", "nope"}), "ERR no such key");
  t_.Run({"SET", "e", "v", "PX", "5"});
  t_.AdvanceTime(5);
  EXPECT_EQ(t_.RunError({"RENAME", "e", "f"}), "ERR no such key");
}

TEST_F(KeysFamilyTest, RenameSameKey) {
  t_.Run({"SET", "k", "v", "EX", "100"});
  EXPECT_EQ(t_.Run({"RENAME", "k", "k"}), "+OK\r\n");
  EXPECT_EQ(t_.RunInt({"RENAMENX", "k", "k"}), 0);
  EXPECT_EQ(t_.RunBulk({"GET", "k"}), "v");
  EXPECT_EQ(t_.RunInt({"TTL", "k"}), 100);
}

TEST_F(KeysFamilyTest, RenameNxOnlyWhenTargetIsFree) {
  t_.Run({"SET", "a", "1"});
  t_.Run({"SET", "b", "2"});
  EXPECT_EQ(t_.RunInt({"RENAMENX", "a", "b"}), 0);
  EXPECT_EQ(t_.RunBulk({"GET", "b"}), "2");
  EXPECT_EQ(t_.RunInt({"RENAMENX", "a", "c"}), 1);
  EXPECT_EQ(t_.RunBulk({"GET", "c"}), "1");
  EXPECT_EQ(t_.RunInt({"EXISTS", "a"}), 0);
  // An expired target counts as free.
  t_.Run({"SET", "x", "v", "PX", "5"});
  t_.AdvanceTime(5);
  EXPECT_EQ(t_.RunInt({"RENAMENX", "c", "x"}), 1);
}

// --- COPY ----------------------------------------------------------------------------------

TEST_F(KeysFamilyTest, CopyDuplicatesValueAndTtl) {
  t_.Run({"SET", "a", std::string(60, 'z'), "PX", "20000"});
  EXPECT_EQ(t_.RunInt({"COPY", "a", "b"}), 1);
  EXPECT_EQ(t_.RunBulk({"GET", "b"}), std::string(60, 'z'));
  EXPECT_EQ(t_.RunInt({"PTTL", "b"}), 20000);
  // Independent copies.
  t_.Run({"APPEND", "a", "!"});
  EXPECT_EQ(t_.RunBulk({"GET", "b"}), std::string(60, 'z'));
}

TEST_F(KeysFamilyTest, CopyNeedsReplaceForExistingTarget) {
  t_.Run({"SET", "a", "1"});
  t_.Run({"SET", "b", "2", "EX", "100"});
  EXPECT_EQ(t_.RunInt({"COPY", "a", "b"}), 0);
  EXPECT_EQ(t_.RunBulk({"GET", "b"}), "2");
  EXPECT_EQ(t_.RunInt({"COPY", "a", "b", "REPLACE"}), 1);
  EXPECT_EQ(t_.RunBulk({"GET", "b"}), "1");
  EXPECT_EQ(t_.RunInt({"TTL", "b"}), -1);
  EXPECT_EQ(t_.db().expires(), 0u);
}

TEST_F(KeysFamilyTest, CopyMissingSourceReturnsZero) {
  EXPECT_EQ(t_.RunInt({"COPY", "nope", "b"}), 0);
  EXPECT_EQ(t_.RunInt({"EXISTS", "b"}), 0);
}

TEST_F(KeysFamilyTest, CopyToAnotherDb) {
  t_.Run({"SET", "a", "v", "EX", "50"});
  EXPECT_EQ(t_.RunInt({"COPY", "a", "a", "DB", "3"}), 1);
  EXPECT_EQ(t_.RunInt({"COPY", "a", "a", "db", "3"}), 0);
  EXPECT_EQ(t_.RunInt({"COPY", "a", "a", "REPLACE", "DB", "3"}), 1);
  store::Db& d3 = t_.state().db(3);
  ASSERT_NE(d3.Peek("a"), nullptr);
  EXPECT_EQ(store::Db::GetExpire(d3.Peek("a")), t_.now_ms() + 50000);
  EXPECT_EQ(t_.state().db(0).size(), 1u);
}

TEST_F(KeysFamilyTest, CopyErrors) {
  t_.Run({"SET", "a", "v"});
  EXPECT_EQ(t_.RunError({"COPY", "a", "a"}), "ERR source and destination objects are the same");
  EXPECT_EQ(t_.RunError({"COPY", "a", "a", "DB", "0"}),
            "ERR source and destination objects are the same");
  EXPECT_EQ(t_.RunError({"COPY", "nope", "nope"}),
            "ERR source and destination objects are the same");
  EXPECT_EQ(t_.RunError({"COPY", "a", "b", "DB", "16"}), "ERR DB index is out of range");
  EXPECT_EQ(t_.RunError({"COPY", "a", "b", "DB", "-1"}), "ERR DB index is out of range");
  EXPECT_EQ(t_.RunError({"COPY", "a", "b", "DB", "x"}),
            "ERR value is not an integer or out of range");
  EXPECT_EQ(t_.RunError({"COPY", "a", "b", "DB", "99999999999"}),
            "ERR value is out of range, value must between -2147483648 and 2147483647");
  EXPECT_EQ(t_.RunError({"COPY", "a", "b", "DB"}), "ERR syntax error");
  EXPECT_EQ(t_.RunError({"COPY", "a", "b", "foo"}), "ERR syntax error");
  EXPECT_EQ(t_.RunError({"COPY", "a"}), "ERR wrong number of arguments for 'copy' command");
  EXPECT_EQ(t_.RunInt({"EXISTS", "b"}), 0);
}

// --- MOVE ----------------------------------------------------------------------------------

TEST_F(KeysFamilyTest, MoveToAnotherDbKeepsTtl) {
  t_.Run({"SET", "a", "v", "PX", "7000"});
  EXPECT_EQ(t_.RunInt({"MOVE", "a", "2"}), 1);
  EXPECT_EQ(t_.RunInt({"EXISTS", "a"}), 0);
  store::Db& d2 = t_.state().db(2);
  ASSERT_NE(d2.Peek("a"), nullptr);
  EXPECT_EQ(store::Db::GetExpire(d2.Peek("a")), t_.now_ms() + 7000);
  EXPECT_EQ(d2.expires(), 1u);
  EXPECT_EQ(t_.db().expires(), 0u);
}

TEST_F(KeysFamilyTest, MoveReturnsZeroWhenTargetExistsOrSourceMissing) {
  t_.Run({"SET", "a", "here"});
  t_.state().db(1).SetString("a", "there");
  EXPECT_EQ(t_.RunInt({"MOVE", "a", "1"}), 0);
  EXPECT_EQ(t_.RunBulk({"GET", "a"}), "here");
  EXPECT_EQ(t_.RunInt({"MOVE", "nope", "1"}), 0);
}

TEST_F(KeysFamilyTest, MoveErrors) {
  t_.Run({"SET", "a", "v"});
  EXPECT_EQ(t_.RunError({"MOVE", "a", "0"}), "ERR source and destination objects are the same");
  EXPECT_EQ(t_.RunError({"MOVE", "a", "16"}), "ERR DB index is out of range");
  EXPECT_EQ(t_.RunError({"MOVE", "a", "-1"}), "ERR DB index is out of range");
  EXPECT_EQ(t_.RunError({"MOVE", "a", "x"}), "ERR value is not an integer or out of range");
  EXPECT_EQ(t_.RunError({"MOVE", "a", "99999999999"}),
            "ERR value is out of range, value must between -2147483648 and 2147483647");
}

// --- KEYS ----------------------------------------------------------------------------------

TEST_F(KeysFamilyTest, KeysMatchesGlobPatterns) {
  for (const char* k : {"foo", "foobar", "bar", "f?o", "fao"}) t_.Run({"SET", k, "1"});
  EXPECT_EQ(Sorted(t_.RunArray({"KEYS", "*"})),
            (std::vector<std::string>{"bar", "f?o", "fao", "foo", "foobar"}));
  EXPECT_EQ(Sorted(t_.RunArray({"KEYS", "foo*"})), (std::vector<std::string>{"foo", "foobar"}));
  EXPECT_EQ(Sorted(t_.RunArray({"KEYS", "f?o"})), (std::vector<std::string>{"f?o", "fao", "foo"}));
  EXPECT_EQ(t_.RunArray({"KEYS", "f\\?o"}), (std::vector<std::string>{"f?o"}));
  EXPECT_EQ(t_.RunArray({"KEYS", "bar"}), (std::vector<std::string>{"bar"}));
  EXPECT_EQ(t_.RunArray({"KEYS", "nothing"}), (std::vector<std::string>{}));
  EXPECT_EQ(t_.Run({"KEYS", "zz*"}), "*0\r\n");
}

TEST_F(KeysFamilyTest, KeysStarReturnsTheEmptyKey) {
  t_.Run({"SET", "", "v"});
  EXPECT_EQ(t_.RunArray({"KEYS", "*"}), (std::vector<std::string>{""}));
  EXPECT_EQ(t_.RunArray({"KEYS", "*?"}), (std::vector<std::string>{}));
}

TEST_F(KeysFamilyTest, KeysSkipsExpiredKeys) {
  t_.Run({"SET", "live", "v"});
  t_.Run({"SET", "dead", "v", "PX", "10"});
  t_.AdvanceTime(10);
  EXPECT_EQ(t_.RunArray({"KEYS", "*"}), (std::vector<std::string>{"live"}));
  EXPECT_EQ(t_.RunArray({"KEYS", "dead"}), (std::vector<std::string>{}));
}

// --- SCAN ----------------------------------------------------------------------------------

// Runs a whole SCAN iteration, returning every key seen (with duplicates).
std::vector<std::string> ScanAll(CommandTester& t, std::vector<std::string> extra = {}) {
  std::vector<std::string> seen;
  std::string cursor = "0";
  for (int calls = 0; calls < 100000; ++calls) {
    std::vector<std::string> args = {"SCAN", cursor};
    args.insert(args.end(), extra.begin(), extra.end());
    Resp r = t.RunResp(args);
    EXPECT_EQ(r.type, '*');
    if (r.elems.size() != 2) return seen;
    cursor = r.elems[0].str;
    for (const Resp& k : r.elems[1].elems) seen.push_back(k.str);
    if (cursor == "0") break;
  }
  return seen;
}

TEST_F(KeysFamilyTest, ScanReturnsEveryKey) {
  std::set<std::string> want;
  for (int i = 0; i < 1000; ++i) {
    std::string k = Numbered("key:", i);
    t_.Run({"SET", k, "v"});
    want.insert(k);
  }
  std::vector<std::string> seen = ScanAll(t_);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), want);
}

TEST_F(KeysFamilyTest, ScanReplyShape) {
  EXPECT_EQ(t_.Run({"SCAN", "0"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  t_.Run({"SET", "a", "1"});
  EXPECT_EQ(t_.Run({"SCAN", "0"}), "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n");
}

TEST_F(KeysFamilyTest, ScanCountBoundsTheWork) {
  for (int i = 0; i < 1000; ++i) t_.Run({"SET", Numbered("k", i), "v"});
  Resp r = t_.RunResp({"SCAN", "0", "COUNT", "10"});
  ASSERT_EQ(r.elems.size(), 2u);
  EXPECT_NE(r.elems[0].str, "0");
  // About COUNT keys: whole buckets are returned, so a few more are possible.
  EXPECT_GE(r.elems[1].elems.size(), 10u);
  EXPECT_LT(r.elems[1].elems.size(), 30u);
  Resp all = t_.RunResp({"SCAN", "0", "COUNT", "100000"});
  EXPECT_EQ(all.elems[0].str, "0");
  EXPECT_EQ(all.elems[1].elems.size(), 1000u);
}

TEST_F(KeysFamilyTest, ScanMatchAndType) {
  for (int i = 0; i < 50; ++i) t_.Run({"SET", Numbered("user:", i), "v"});
  for (int i = 0; i < 50; ++i) t_.Run({"SET", Numbered("item:", i), "v"});
  std::vector<std::string> users = ScanAll(t_, {"MATCH", "user:*", "COUNT", "7"});
  EXPECT_EQ(users.size(), 50u);
  for (const std::string& k : users) EXPECT_EQ(k.rfind("user:", 0), 0u) << k;
  EXPECT_EQ(ScanAll(t_, {"TYPE", "string"}).size(), 100u);
  EXPECT_EQ(ScanAll(t_, {"TYPE", "STRING"}).size(), 100u);
  EXPECT_EQ(ScanAll(t_, {"TYPE", "hash"}).size(), 0u);
  EXPECT_EQ(ScanAll(t_, {"TYPE", "nosuchtype"}).size(), 0u);
  EXPECT_EQ(ScanAll(t_, {"MATCH", "*"}).size(), 100u);
}

TEST_F(KeysFamilyTest, ScanMatchStarReturnsTheEmptyKey) {
  t_.Run({"SET", "", "v"});
  EXPECT_EQ(ScanAll(t_, {"MATCH", "*"}), (std::vector<std::string>{""}));
}

TEST_F(KeysFamilyTest, ScanFiltersAndDeletesExpiredKeys) {
  t_.Run({"SET", "live", "v"});
  for (int i = 0; i < 20; ++i) t_.Run({"SET", Numbered("dead", i), "v", "PX", "10"});
  t_.AdvanceTime(10);
  EXPECT_EQ(ScanAll(t_, {"COUNT", "1000"}), (std::vector<std::string>{"live"}));
  EXPECT_EQ(t_.db().size(), 1u);
}

TEST_F(KeysFamilyTest, ScanCursorParsing) {
  t_.Run({"SET", "a", "1"});
  // strtoul's rules, as Redis: "" is 0, a sign is taken, leading zeros too.
  for (const char* c : {"", "0", "+0", "-0", "000", "-1", "18446744073709551615"}) {
    Resp r = t_.RunResp({"SCAN", c});
    EXPECT_EQ(r.type, '*') << c;
  }
  for (const char* c : {" 5", "5x", "x", "+", "-", "18446744073709551616", "0x10", "1.5"}) {
    EXPECT_EQ(t_.RunError({"SCAN", c}), "ERR invalid cursor") << c;
  }
}

TEST_F(KeysFamilyTest, ScanOptionErrors) {
  EXPECT_EQ(t_.RunError({"SCAN", "0", "COUNT", "0"}), "ERR syntax error");
  EXPECT_EQ(t_.RunError({"SCAN", "0", "COUNT", "-5"}), "ERR syntax error");
  EXPECT_EQ(t_.RunError({"SCAN", "0", "COUNT", "x"}),
            "ERR value is not an integer or out of range");
  EXPECT_EQ(t_.RunError({"SCAN", "0", "COUNT", "99999999999999999999"}),
            "ERR value is not an integer or out of range");
  EXPECT_EQ(t_.RunError({"SCAN", "0", "MATCH"}), "ERR syntax error");
  EXPECT_EQ(t_.RunError({"SCAN", "0", "TYPE"}), "ERR syntax error");
  EXPECT_EQ(t_.RunError({"SCAN", "0", "FOO", "bar"}), "ERR syntax error");
  EXPECT_EQ(t_.RunError({"SCAN"}), "ERR wrong number of arguments for 'scan' command");
  // A huge COUNT is accepted (the work bound must not overflow).
  EXPECT_EQ(t_.RunResp({"SCAN", "0", "COUNT", "9223372036854775807"}).type, '*');
}

// SCAN's guarantee: a key present for the whole iteration is returned at least once, however
// the table grows, shrinks or rehashes between calls.
TEST_F(KeysFamilyTest, ScanGuaranteeWhileTableGrowsAndShrinks) {
  std::set<std::string> stable;
  for (int i = 0; i < 200; ++i) {
    std::string k = Numbered("stable:", i);
    t_.Run({"SET", k, "v"});
    stable.insert(k);
  }
  store::Db& db = t_.db();
  std::set<std::string> seen;
  std::string cursor = "0";
  std::vector<std::string> temps;
  int next_temp = 0;
  bool saw_rehash = false, saw_grow = false, saw_shrink = false;
  size_t last_buckets = db.table().buckets();
  for (int round = 0;; ++round) {
    ASSERT_LT(round, 100000);
    Resp r = t_.RunResp({"SCAN", cursor, "COUNT", "10"});
    ASSERT_EQ(r.elems.size(), 2u);
    cursor = r.elems[0].str;
    for (const Resp& k : r.elems[1].elems) seen.insert(k.str);
    if (cursor == "0") break;
    // Between calls, three rounds add 1500 keys each (the table grows to 8192 buckets), then
    // three rounds delete them (it shrinks back to 256 once mostly empty).
    if (round % 6 < 3) {
      for (int i = 0; i < 1500; ++i) {
        temps.push_back(Numbered("temp:", next_temp++));
        db.SetString(temps.back(), "v");
      }
    } else {
      for (int i = 0; i < 1500 && !temps.empty(); ++i) {
        db.Delete(temps.back());
        temps.pop_back();
      }
      db.table().MaybeShrink();
    }
    saw_rehash |= db.table().rehashing();
    size_t b = db.table().buckets();
    saw_grow |= b > last_buckets;
    saw_shrink |= b < last_buckets;
    last_buckets = b;
  }
  EXPECT_TRUE(saw_rehash);
  EXPECT_TRUE(saw_grow);
  EXPECT_TRUE(saw_shrink);
  for (const std::string& k : stable) EXPECT_TRUE(seen.count(k)) << k << " was never returned";
}

// --- RANDOMKEY, DBSIZE ---------------------------------------------------------------------

TEST_F(KeysFamilyTest, RandomKey) {
  EXPECT_EQ(t_.Run({"RANDOMKEY"}), "$-1\r\n");
  t_.Run({"SET", "a", "1"});
  t_.Run({"SET", "b", "1"});
  std::set<std::string> got;
  for (int i = 0; i < 200; ++i) got.insert(t_.RunBulk({"RANDOMKEY"}));
  EXPECT_EQ(got, (std::set<std::string>{"a", "b"}));
  t_.Run({"PEXPIRE", "a", "1"});
  t_.Run({"PEXPIRE", "b", "1"});
  t_.AdvanceTime(1);
  std::string r = t_.Run({"RANDOMKEY"});
  // Expired keys are deleted as they are drawn; with only volatile keys Redis may still
  // return one after many tries, so only the reply type is pinned.
  EXPECT_TRUE(r == "$-1\r\n" || r[0] == '$') << r;
}

TEST_F(KeysFamilyTest, DbSize) {
  EXPECT_EQ(t_.RunInt({"DBSIZE"}), 0);
  t_.Run({"SET", "a", "1"});
  t_.Run({"SET", "b", "1"});
  EXPECT_EQ(t_.RunInt({"DBSIZE"}), 2);
  EXPECT_EQ(t_.RunError({"DBSIZE", "x"}), "ERR wrong number of arguments for 'dbsize' command");
}

// --- FLUSHDB, FLUSHALL, SWAPDB -------------------------------------------------------------

TEST_F(KeysFamilyTest, FlushDbOnlyTheCurrentDb) {
  t_.Run({"SET", "a", "1", "EX", "100"});
  t_.state().db(1).SetString("b", "2");
  EXPECT_EQ(t_.Run({"FLUSHDB"}), "+OK\r\n");
  EXPECT_EQ(t_.RunInt({"DBSIZE"}), 0);
  EXPECT_EQ(t_.db().expires(), 0u);
  EXPECT_EQ(t_.state().db(1).size(), 1u);
  EXPECT_EQ(t_.Run({"FLUSHDB", "async"}), "+OK\r\n");
  EXPECT_EQ(t_.Run({"FLUSHDB", "SYNC"}), "+OK\r\n");
  EXPECT_EQ(t_.RunError({"FLUSHDB", "foo"}), "ERR syntax error");
  EXPECT_EQ(t_.RunError({"FLUSHDB", "async", "sync"}), "ERR syntax error");
}

TEST_F(KeysFamilyTest, FlushAllEveryDb) {
  t_.Run({"SET", "a", "1"});
  for (int i = 1; i < t_.state().db_count(); ++i) t_.state().db(i).SetString("k", "v");
  EXPECT_EQ(t_.Run({"FLUSHALL", "ASYNC"}), "+OK\r\n");
  for (int i = 0; i < t_.state().db_count(); ++i) EXPECT_EQ(t_.state().db(i).size(), 0u);
  EXPECT_EQ(t_.Run({"FLUSHALL"}), "+OK\r\n");
  EXPECT_EQ(t_.Run({"FLUSHALL", "sync"}), "+OK\r\n");
  EXPECT_EQ(t_.RunError({"FLUSHALL", "foo"}), "ERR syntax error");
  EXPECT_EQ(t_.RunError({"FLUSHALL", "async", "sync"}), "ERR syntax error");
}

TEST_F(KeysFamilyTest, SwapDbSwapsContentsAndTtls) {
  t_.Run({"SET", "a", "zero", "EX", "100"});
  t_.state().db(1).SetString("b", "one");
  EXPECT_EQ(t_.Run({"SWAPDB", "0", "1"}), "+OK\r\n");
  EXPECT_EQ(t_.RunBulk({"GET", "b"}), "one");
  EXPECT_EQ(t_.RunInt({"EXISTS", "a"}), 0);
  store::Db& d1 = t_.state().db(1);
  ASSERT_NE(d1.Peek("a"), nullptr);
  EXPECT_EQ(d1.expires(), 1u);
  EXPECT_EQ(t_.Run({"SWAPDB", "1", "1"}), "+OK\r\n");
}

TEST_F(KeysFamilyTest, SwapDbErrors) {
  EXPECT_EQ(t_.RunError({"SWAPDB", "x", "1"}), "ERR invalid first DB index");
  EXPECT_EQ(t_.RunError({"SWAPDB", "1", "x"}), "ERR invalid second DB index");
  EXPECT_EQ(t_.RunError({"SWAPDB", "99999999999", "1"}), "ERR invalid first DB index");
  EXPECT_EQ(t_.RunError({"SWAPDB", "0", "16"}), "ERR DB index is out of range");
  EXPECT_EQ(t_.RunError({"SWAPDB", "-1", "0"}), "ERR DB index is out of range");
  EXPECT_EQ(t_.RunError({"SWAPDB", "0"}), "ERR wrong number of arguments for 'swapdb' command");
}

// --- EXPIRE family -------------------------------------------------------------------------

TEST_F(KeysFamilyTest, ExpireSetsRelativeTtl) {
  t_.Run({"SET", "a", "v"});
  EXPECT_EQ(t_.RunInt({"EXPIRE", "a", "100"}), 1);
  EXPECT_EQ(t_.RunInt({"TTL", "a"}), 100);
  EXPECT_EQ(t_.RunInt({"PTTL", "a"}), 100000);
  EXPECT_EQ(t_.RunInt({"PEXPIRE", "a", "1500"}), 1);
  EXPECT_EQ(t_.RunInt({"PTTL", "a"}), 1500);
  EXPECT_EQ(t_.RunInt({"TTL", "a"}), 2);  // rounded
  t_.AdvanceTime(1499);
  EXPECT_EQ(t_.RunInt({"PTTL", "a"}), 1);
  EXPECT_EQ(t_.RunInt({"TTL", "a"}), 0);
  t_.AdvanceTime(1);
  EXPECT_EQ(t_.RunInt({"TTL", "a"}), -2);
  EXPECT_EQ(t_.db().size(), 0u);
}

TEST_F(KeysFamilyTest, ExpireAtSetsAbsoluteTime) {
  t_.Run({"SET", "a", "v"});
  int64_t at = t_.now_ms() / 1000 + 1000;
  EXPECT_EQ(t_.RunInt({"EXPIREAT", "a", std::to_string(at)}), 1);
  EXPECT_EQ(t_.RunInt({"EXPIRETIME", "a"}), at);
  EXPECT_EQ(t_.RunInt({"PEXPIRETIME", "a"}), at * 1000);
  int64_t pat = t_.now_ms() + 12345;
  EXPECT_EQ(t_.RunInt({"PEXPIREAT", "a", std::to_string(pat)}), 1);
  EXPECT_EQ(t_.RunInt({"PEXPIRETIME", "a"}), pat);
  EXPECT_EQ(t_.RunInt({"PTTL", "a"}), 12345);
}

TEST_F(KeysFamilyTest, ExpireMissingKeyReturnsZero) {
  EXPECT_EQ(t_.RunInt({"EXPIRE", "nope", "10"}), 0);
  EXPECT_EQ(t_.RunInt({"PEXPIREAT", "nope", "10"}), 0);
  EXPECT_EQ(t_.RunInt({"EXISTS", "nope"}), 0);
}

TEST_F(KeysFamilyTest, ExpireInThePastDeletesAndReturnsOne) {
  for (const char* cmd : {"EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"}) {
    SCOPED_TRACE(cmd);
    t_.Run({"SET", "a", "v"});
    EXPECT_EQ(t_.RunInt({cmd, "a", "-1"}), 1);
    EXPECT_EQ(t_.RunInt({"EXISTS", "a"}), 0);
    t_.Run({"SET", "a", "v"});
    EXPECT_EQ(t_.RunInt({cmd, "a", "0"}), 1);
    EXPECT_EQ(t_.RunInt({"EXISTS", "a"}), 0);
  }
  EXPECT_EQ(t_.db().expires(), 0u);
  t_.Run({"SET", "a", "v"});
  EXPECT_EQ(t_.RunInt({"PEXPIREAT", "a", "-9223372036854775808"}), 1);
  EXPECT_EQ(t_.RunInt({"EXISTS", "a"}), 0);
}

TEST_F(KeysFamilyTest, ExpireOverflowErrors) {
  t_.Run({"SET", "a", "v"});
  EXPECT_EQ(t_.RunError({"EXPIRE", "a", "99999999999999999"}),
            "ERR invalid expire time in 'expire' command");
  EXPECT_EQ(t_.RunError({"EXPIRE", "a", "-9223372036854775808"}),
            "ERR invalid expire time in 'expire' command");
  EXPECT_EQ(t_.RunError({"PEXPIRE", "a", "9223372036854775807"}),
            "ERR invalid expire time in 'pexpire' command");
  EXPECT_EQ(t_.RunError({"EXPIREAT", "a", "9223372036854775807"}),
            "ERR invalid expire time in 'expireat' command");
  // The largest absolute ms time is accepted.
  EXPECT_EQ(t_.RunInt({"PEXPIREAT", "a", "9223372036854775807"}), 1);
  EXPECT_EQ(t_.RunInt({"PEXPIRETIME", "a"}), INT64_MAX);
  EXPECT_EQ(t_.RunError({"EXPIRE", "a", "x"}), "ERR value is not an integer or out of range");
  EXPECT_EQ(t_.RunError({"EXPIRE", "a", "1.5"}), "ERR value is not an integer or out of range");
  EXPECT_EQ(t_.RunError({"EXPIRE", "a"}), "ERR wrong number of arguments for 'expire' command");
}

TEST_F(KeysFamilyTest, ExpireOptionErrors) {
  t_.Run({"SET", "a", "v"});
  const char* kNx = "ERR NX and XX, GT or LT options at the same time are not compatible";
  EXPECT_EQ(t_.RunError({"EXPIRE", "a", "10", "NX", "XX"}), kNx);
  EXPECT_EQ(t_.RunError({"EXPIRE", "a", "10", "nx", "gt"}), kNx);
  EXPECT_EQ(t_.RunError({"EXPIRE", "a", "10", "lt", "nx"}), kNx);
  EXPECT_EQ(t_.RunError({"EXPIRE", "nope", "10", "NX", "XX"}), kNx);
  EXPECT_EQ(t_.RunError({"EXPIRE", "a", "10", "GT", "LT"}),
            "ERR GT and LT options at the same time are not compatible");
  EXPECT_EQ(t_.RunError({"EXPIRE", "a", "10", "foo"}), "ERR Unsupported option foo");
  EXPECT_EQ(t_.RunError({"PEXPIRE", "a", "10", "XX", "bar"}), "ERR Unsupported option bar");
  // Options are checked before the time.
  EXPECT_EQ(t_.RunError({"EXPIRE", "a", "x", "foo"}), "ERR Unsupported option foo");
  EXPECT_EQ(t_.RunError({"EXPIRE", "a", "10", std::string("fo\0o", 4)}),
            "ERR Unsupported option fo");
  EXPECT_EQ(t_.RunError({"EXPIRE", "a", "10", "fo\r\no"}), "ERR Unsupported option fo  o");
  EXPECT_EQ(t_.RunInt({"TTL", "a"}), -1);
}

TEST_F(KeysFamilyTest, ExpireNxXx) {
  t_.Run({"SET", "a", "v"});
  EXPECT_EQ(t_.RunInt({"EXPIRE", "a", "100", "XX"}), 0);
  EXPECT_EQ(t_.RunInt({"TTL", "a"}), -1);
  EXPECT_EQ(t_.RunInt({"EXPIRE", "a", "100", "NX"}), 1);
  EXPECT_EQ(t_.RunInt({"EXPIRE", "a", "200", "NX"}), 0);
  EXPECT_EQ(t_.RunInt({"TTL", "a"}), 100);
  EXPECT_EQ(t_.RunInt({"EXPIRE", "a", "200", "XX"}), 1);
  EXPECT_EQ(t_.RunInt({"TTL", "a"}), 200);
}

TEST_F(KeysFamilyTest, ExpireGtLt) {
  t_.Run({"SET", "a", "v"});
  // No TTL is an infinite TTL: GT never applies, LT always does.
  EXPECT_EQ(t_.RunInt({"EXPIRE", "a", "100", "GT"}), 0);
  EXPECT_EQ(t_.RunInt({"TTL", "a"}), -1);
  EXPECT_EQ(t_.RunInt({"EXPIRE", "a", "100", "LT"}), 1);
  EXPECT_EQ(t_.RunInt({"EXPIRE", "a", "200", "LT"}), 0);
  EXPECT_EQ(t_.RunInt({"EXPIRE", "a", "100", "LT"}), 0);
  EXPECT_EQ(t_.RunInt({"EXPIRE", "a", "50", "LT"}), 1);
  EXPECT_EQ(t_.RunInt({"EXPIRE", "a", "50", "GT"}), 0);
  EXPECT_EQ(t_.RunInt({"EXPIRE", "a", "300", "gt", "xx"}), 1);
  EXPECT_EQ(t_.RunInt({"TTL", "a"}), 300);
  EXPECT_EQ(t_.RunInt({"EXPIRE", "a", "10", "GT"}), 0);
  // LT with a time in the past deletes.
  EXPECT_EQ(t_.RunInt({"EXPIRE", "a", "-1", "LT"}), 1);
  EXPECT_EQ(t_.RunInt({"EXISTS", "a"}), 0);
}

TEST_F(KeysFamilyTest, TtlFamilyOnMissingAndPersistentKeys) {
  for (const char* cmd : {"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"}) {
    EXPECT_EQ(t_.RunInt({cmd, "nope"}), -2) << cmd;
  }
  t_.Run({"SET", "a", "v"});
  for (const char* cmd : {"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"}) {
    EXPECT_EQ(t_.RunInt({cmd, "a"}), -1) << cmd;
  }
}

TEST_F(KeysFamilyTest, ExpireTimeRoundsSeconds) {
  t_.Run({"SET", "a", "v"});
  t_.Run({"PEXPIREAT", "a", "1999999999499"});
  EXPECT_EQ(t_.RunInt({"EXPIRETIME", "a"}), 1999999999);
  t_.Run({"PEXPIREAT", "a", "1999999999500"});
  EXPECT_EQ(t_.RunInt({"EXPIRETIME", "a"}), 2000000000);
}

TEST_F(KeysFamilyTest, SetDropsTtlAndExpireSurvivesAppend) {
  t_.Run({"SET", "a", "v", "EX", "100"});
  t_.Run({"APPEND", "a", "w"});
  EXPECT_EQ(t_.RunInt({"TTL", "a"}), 100);
  t_.Run({"SET", "a", "x"});
  EXPECT_EQ(t_.RunInt({"TTL", "a"}), -1);
}

TEST_F(KeysFamilyTest, Persist) {
  t_.Run({"SET", "a", "v", "EX", "100"});
  EXPECT_EQ(t_.RunInt({"PERSIST", "a"}), 1);
  EXPECT_EQ(t_.RunInt({"TTL", "a"}), -1);
  EXPECT_EQ(t_.RunInt({"PERSIST", "a"}), 0);
  EXPECT_EQ(t_.RunInt({"PERSIST", "nope"}), 0);
  EXPECT_EQ(t_.db().expires(), 0u);
  t_.AdvanceTime(200000);
  EXPECT_EQ(t_.RunBulk({"GET", "a"}), "v");
}

TEST_F(KeysFamilyTest, VolatileIndexStaysConsistent) {
  // Many keys gaining, changing and losing TTLs: the db's TTL index must track every move.
  for (int i = 0; i < 200; ++i) t_.Run({"SET", Numbered("k", i), "v"});
  for (int i = 0; i < 200; i += 2) t_.Run({"EXPIRE", Numbered("k", i), "100"});
  for (int i = 0; i < 200; i += 4) t_.Run({"PERSIST", Numbered("k", i)});
  for (int i = 0; i < 200; i += 3) t_.Run({"RENAME", Numbered("k", i), Numbered("r", i)});
  size_t want = 0;
  for (int i = 0; i < 200; ++i) {
    std::string k = Numbered(i % 3 == 0 ? "r" : "k", i);
    int64_t ttl = t_.RunInt({"TTL", k});
    if (i % 2 == 0 && i % 4 != 0) {
      EXPECT_EQ(ttl, 100) << k;
      ++want;
    } else {
      EXPECT_EQ(ttl, -1) << k;
    }
  }
  EXPECT_EQ(t_.db().expires(), want);
  t_.AdvanceTime(100000);
  t_.state().db(0).ActiveExpire(1000000, &ServerState::Random);
  EXPECT_EQ(t_.db().expires(), 0u);
  EXPECT_EQ(t_.RunInt({"DBSIZE"}), static_cast<int64_t>(200 - want));
}

// --- OBJECT --------------------------------------------------------------------------------

TEST_F(KeysFamilyTest, ObjectEncodingOfStrings) {
  t_.Run({"SET", "i", "12345"});
  t_.Run({"SET", "neg", "-7"});
  t_.Run({"SET", "e", "hello"});
  t_.Run({"SET", "e44", std::string(44, 'a')});
  t_.Run({"SET", "r45", std::string(45, 'a')});
  t_.Run({"SET", "notint", "0123"});
  t_.Run({"SET", "a", "x"});
  t_.Run({"APPEND", "a", "y"});
  EXPECT_EQ(t_.RunBulk({"OBJECT", "ENCODING", "i"}), "int");
  EXPECT_EQ(t_.RunBulk({"OBJECT", "ENCODING", "neg"}), "int");
  EXPECT_EQ(t_.RunBulk({"OBJECT", "ENCODING", "e"}), "embstr");
  EXPECT_EQ(t_.RunBulk({"OBJECT", "ENCODING", "e44"}), "embstr");
  EXPECT_EQ(t_.RunBulk({"OBJECT", "ENCODING", "r45"}), "raw");
  EXPECT_EQ(t_.RunBulk({"OBJECT", "ENCODING", "notint"}), "embstr");
  EXPECT_EQ(t_.RunBulk({"object", "encoding", "a"}), "raw");
  EXPECT_EQ(t_.Run({"OBJECT", "ENCODING", "nope"}), "$-1\r\n");
}

TEST_F(KeysFamilyTest, ObjectRefCount) {
  t_.Run({"SET", "small", "9999"});
  t_.Run({"SET", "zero", "0"});
  t_.Run({"SET", "big", "10000"});
  t_.Run({"SET", "neg", "-1"});
  t_.Run({"SET", "s", "abc"});
  EXPECT_EQ(t_.RunInt({"OBJECT", "REFCOUNT", "small"}), 2147483647);
  EXPECT_EQ(t_.RunInt({"OBJECT", "REFCOUNT", "zero"}), 2147483647);
  EXPECT_EQ(t_.RunInt({"OBJECT", "REFCOUNT", "big"}), 1);
  EXPECT_EQ(t_.RunInt({"OBJECT", "REFCOUNT", "neg"}), 1);
  EXPECT_EQ(t_.RunInt({"OBJECT", "REFCOUNT", "s"}), 1);
  EXPECT_EQ(t_.Run({"OBJECT", "REFCOUNT", "nope"}), "$-1\r\n");
  // With maxmemory and an LRU policy Redis stops sharing integers.
  t_.cfg().maxmemory = 1 << 30;
  t_.cfg().maxmemory_policy = "allkeys-lru";
  EXPECT_EQ(t_.RunInt({"OBJECT", "REFCOUNT", "small"}), 1);
  t_.cfg().maxmemory_policy = "noeviction";
  EXPECT_EQ(t_.RunInt({"OBJECT", "REFCOUNT", "small"}), 2147483647);
}

TEST_F(KeysFamilyTest, ObjectIdleTimeDoesNotTouch) {
  t_.Run({"SET", "a", "v"});
  t_.AdvanceTime(10000);
  EXPECT_EQ(t_.RunInt({"OBJECT", "IDLETIME", "a"}), 10);
  EXPECT_EQ(t_.RunInt({"OBJECT", "IDLETIME", "a"}), 10);
  EXPECT_EQ(t_.RunInt({"TTL", "a"}), -1);  // TTL does not touch either
  EXPECT_EQ(t_.RunInt({"OBJECT", "IDLETIME", "a"}), 10);
  t_.Run({"GET", "a"});
  EXPECT_EQ(t_.RunInt({"OBJECT", "IDLETIME", "a"}), 0);
  EXPECT_EQ(t_.Run({"OBJECT", "IDLETIME", "nope"}), "$-1\r\n");
}

TEST_F(KeysFamilyTest, ObjectFreqAndIdleTimeDependOnPolicy) {
  t_.Run({"SET", "a", "v"});
  EXPECT_EQ(t_.RunError({"OBJECT", "FREQ", "a"}),
            "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please "
            "note that when switching between policies at runtime LRU and LFU data will take "
            "some time to adjust.");
  EXPECT_EQ(t_.Run({"OBJECT", "FREQ", "nope"}), "$-1\r\n");
  t_.cfg().maxmemory_policy = "allkeys-lfu";
  EXPECT_EQ(t_.RunError({"OBJECT", "IDLETIME", "a"}),
            "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that "
            "when switching between policies at runtime LRU and LFU data will take some time "
            "to adjust.");
  EXPECT_EQ(t_.RunResp({"OBJECT", "FREQ", "a"}).type, ':');
}

TEST_F(KeysFamilyTest, ObjectHelpAndErrors) {
  std::vector<std::string> help = t_.RunArray({"OBJECT", "HELP"});
  ASSERT_EQ(help.size(), 15u);
  EXPECT_EQ(help[0], "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  EXPECT_EQ(help[1], "ENCODING <key>");
  EXPECT_EQ(help[13], "HELP");
  EXPECT_EQ(help[14], "    Prints this help.");
  EXPECT_EQ(t_.Run({"OBJECT", "HELP"}).substr(0, 9), "*15\r\n+OBJ");
  EXPECT_EQ(t_.RunError({"OBJECT"}), "ERR wrong number of arguments for 'object' command");
  EXPECT_EQ(t_.RunError({"OBJECT", "foo"}), "ERR unknown subcommand 'foo'. Try OBJECT HELP.");
  EXPECT_EQ(t_.RunError({"OBJECT", "ENCODING"}),
            "ERR wrong number of arguments for 'object|encoding' command");
  EXPECT_EQ(t_.RunError({"OBJECT", "ENCODING", "a", "b"}),
            "ERR wrong number of arguments for 'object|encoding' command");
  EXPECT_EQ(t_.RunError({"OBJECT", "HELP", "x"}),
            "ERR wrong number of arguments for 'object|help' command");
}

TEST_F(KeysFamilyTest, Resp3NullReplies) {
  t_.client().resp = 3;
  EXPECT_EQ(t_.Run({"RANDOMKEY"}), "_\r\n");
  EXPECT_EQ(t_.Run({"OBJECT", "ENCODING", "nope"}), "_\r\n");
}

}  // namespace
}  // namespace redoubt::commands
