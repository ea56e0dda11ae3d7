// Set commands against an in-process server state: replies, encodings, key removal when a set
// empties, the store forms and the change hook, as Redis 7.0.15 behaves.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "commands/test_util.h"

namespace redoubt::commands {
namespace {

using testing::CommandTester;

constexpr const char* kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";

// "prefix" + number, written so that GCC 12 does not raise a false -Wrestrict (PR 105651).
std::string Numbered(const char* prefix, int64_t n) {
  std::string s(prefix);
  s += std::to_string(n);
  return s;
}

class SetFamilyTest : public ::testing::Test {
 protected:
  std::vector<std::string> Sorted(std::initializer_list<std::string_view> args) {
    std::vector<std::string> v = t_.RunArray(args);
    std::sort(v.begin(), v.end());
    return v;
  }
  CommandTester t_;
};

TEST_F(SetFamilyTest, AddRemMembership) {
  EXPECT_EQ(t_.RunInt({"SADD", "s", "b", "a", "b"}), 2);
  EXPECT_EQ(t_.RunInt({"SCARD", "s"}), 2);
  EXPECT_EQ(t_.RunInt({"SISMEMBER", "s", "a"}), 1);
  EXPECT_EQ(t_.RunArray({"SMISMEMBER", "s", "a", "z"}), (std::vector<std::string>{"1", "0"}));
  EXPECT_EQ(Sorted({"SMEMBERS", "s"}), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(t_.RunInt({"SREM", "s", "a", "b", "c"}), 2);
  EXPECT_EQ(t_.RunInt({"EXISTS", "s"}), 0);
}

TEST_F(SetFamilyTest, IntsetThenHashtable) {
  t_.cfg().set_max_intset_entries = 3;
  t_.Run({"SADD", "s", "3", "1", "2"});
  EXPECT_EQ(t_.RunBulk({"OBJECT", "ENCODING", "s"}), "intset");
  EXPECT_EQ(t_.RunArray({"SMEMBERS", "s"}), (std::vector<std::string>{"1", "2", "3"}));
  t_.Run({"SADD", "s", "4"});
  EXPECT_EQ(t_.RunBulk({"OBJECT", "ENCODING", "s"}), "hashtable");
  t_.Run({"SADD", "t", "x"});
  EXPECT_EQ(t_.RunBulk({"OBJECT", "ENCODING", "t"}), "hashtable");
}

TEST_F(SetFamilyTest, WrongType) {
  t_.Run({"SET", "str", "v"});
  t_.Run({"SADD", "s", "a"});
  EXPECT_EQ(t_.RunError({"SADD", "str", "a"}), kWrongType);
  EXPECT_EQ(t_.RunError({"SINTER", "s", "str"}), kWrongType);
  EXPECT_EQ(t_.RunError({"SMOVE", "s", "str", "a"}), kWrongType);
  EXPECT_EQ(t_.Run({"TYPE", "s"}), "+set\r\n");
}

TEST_F(SetFamilyTest, PopAndRandom) {
  for (int i = 0; i < 50; ++i) t_.Run({"SADD", "s", Numbered("m", i)});
  EXPECT_EQ(t_.RunArray({"SPOP", "s", "10"}).size(), 10u);
  EXPECT_EQ(t_.RunInt({"SCARD", "s"}), 40);
  for (const char* count : {"1", "5", "13", "39", "40", "41"}) {
    std::vector<std::string> got = t_.RunArray({"SRANDMEMBER", "s", count});
    EXPECT_EQ(got.size(), std::min<size_t>(std::stoul(count), 40));
    std::sort(got.begin(), got.end());
    EXPECT_EQ(std::unique(got.begin(), got.end()), got.end());
  }
  EXPECT_EQ(t_.RunArray({"SRANDMEMBER", "s", "-100"}).size(), 100u);
  EXPECT_EQ(t_.RunError({"SRANDMEMBER", "s", "-9223372036854775808"}),
            "ERR value is out of range, value must between -9223372036854775807 and "
            "9223372036854775807");
  EXPECT_EQ(t_.RunError({"SRANDMEMBER", "s", "-9223372036854775807"}),
            "ERR count is too large for a reply (at most 16777216 elements)");
  EXPECT_EQ(t_.RunError({"SPOP", "s", "-1"}), "ERR value is out of range, must be positive");
  EXPECT_EQ(t_.RunArray({"SPOP", "s", "100"}).size(), 40u);
  EXPECT_EQ(t_.RunInt({"EXISTS", "s"}), 0);
}

TEST_F(SetFamilyTest, Resp3Sets) {
  t_.client().resp = 3;
  t_.Run({"SADD", "s", "a"});
  EXPECT_EQ(t_.Run({"SMEMBERS", "s"}), "~1\r\n$1\r\na\r\n");
  EXPECT_EQ(t_.Run({"SMEMBERS", "nope"}), "~0\r\n");
  EXPECT_EQ(t_.Run({"SRANDMEMBER", "s", "5"}), "*1\r\n$1\r\na\r\n");
}

TEST_F(SetFamilyTest, Algebra) {
  t_.Run({"SADD", "a", "1", "2", "3"});
  t_.Run({"SADD", "b", "2", "3", "x"});
  EXPECT_EQ(Sorted({"SINTER", "a", "b"}), (std::vector<std::string>{"2", "3"}));
  EXPECT_EQ(Sorted({"SUNION", "a", "b"}), (std::vector<std::string>{"1", "2", "3", "x"}));
  EXPECT_EQ(Sorted({"SDIFF", "b", "a"}), (std::vector<std::string>{"x"}));
  EXPECT_EQ(t_.RunInt({"SINTERCARD", "2", "a", "b", "LIMIT", "1"}), 1);
  EXPECT_EQ(t_.RunInt({"SINTERSTORE", "d", "a", "b"}), 2);
  EXPECT_EQ(t_.RunBulk({"OBJECT", "ENCODING", "d"}), "intset");
  EXPECT_EQ(t_.RunInt({"SUNIONSTORE", "d", "a", "b"}), 4);
  EXPECT_EQ(t_.RunBulk({"OBJECT", "ENCODING", "d"}), "hashtable");
  EXPECT_EQ(t_.RunInt({"SDIFFSTORE", "d", "a", "a"}), 0);
  EXPECT_EQ(t_.RunInt({"EXISTS", "d"}), 0);
  EXPECT_EQ(t_.RunError({"SINTERCARD", "0", "a"}), "ERR numkeys should be greater than 0");
}

TEST_F(SetFamilyTest, MoveAndHook) {
  std::vector<std::string> changed;
  std::function<void(store::Db&, std::string_view)> hook = [&changed](store::Db&,
                                                                      std::string_view k) {
    if (changed.empty() || changed.back() != k) changed.emplace_back(k);
  };
  t_.Run({"SADD", "a", "m", "n"});
  t_.db().on_key_change = &hook;
  EXPECT_EQ(t_.RunInt({"SMOVE", "a", "b", "m"}), 1);
  EXPECT_EQ(t_.RunArray({"SMEMBERS", "b"}), (std::vector<std::string>{"m"}));
  EXPECT_EQ(t_.RunInt({"SADD", "b", "m"}), 0);
  EXPECT_EQ(t_.RunInt({"SISMEMBER", "a", "n"}), 1);
  EXPECT_EQ(changed, (std::vector<std::string>{"a", "b"}));
  t_.db().on_key_change = nullptr;
}

TEST_F(SetFamilyTest, ScanIntsetAtOnce) {
  t_.Run({"SADD", "s", "1", "2", "3"});
  testing::Resp r = t_.RunResp({"SSCAN", "s", "0", "COUNT", "1"});
  EXPECT_EQ(r.elems[0].str, "0");
  EXPECT_EQ(r.elems[1].elems.size(), 3u);
}

}  // namespace
}  // namespace redoubt::commands
