// Hash commands against an in-process server state: replies, encodings, key removal when a
// hash empties, and the change hook, as Redis 7.0.15 behaves.
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

class HashFamilyTest : public ::testing::Test {
 protected:
  CommandTester t_;
};

TEST_F(HashFamilyTest, SetGetDelete) {
  EXPECT_EQ(t_.RunInt({"HSET", "h", "a", "1", "b", "2"}), 2);
  EXPECT_EQ(t_.RunInt({"HSET", "h", "a", "3"}), 0);
  EXPECT_EQ(t_.RunBulk({"HGET", "h", "a"}), "3");
  EXPECT_EQ(t_.RunBulk({"HGET", "h", "x"}), "(nil)");
  EXPECT_EQ(t_.RunArray({"HMGET", "h", "a", "x", "b"}),
            (std::vector<std::string>{"3", "(nil)", "2"}));
  EXPECT_EQ(t_.RunInt({"HLEN", "h"}), 2);
  EXPECT_EQ(t_.RunInt({"HDEL", "h", "a", "b", "c"}), 2);
  EXPECT_EQ(t_.RunInt({"EXISTS", "h"}), 0);
}

TEST_F(HashFamilyTest, HmsetOkAndArity) {
  EXPECT_EQ(t_.Run({"HMSET", "h", "a", "1"}), "+OK\r\n");
  EXPECT_EQ(t_.RunError({"HSET", "h", "a", "1", "b"}),
            "ERR wrong number of arguments for 'hset' command");
}

TEST_F(HashFamilyTest, WrongType) {
  t_.Run({"SET", "s", "v"});
  EXPECT_EQ(t_.RunError({"HSET", "s", "a", "1"}), kWrongType);
  EXPECT_EQ(t_.RunError({"HGET", "s", "a"}), kWrongType);
  EXPECT_EQ(t_.RunError({"HGETALL", "s"}), kWrongType);
  t_.Run({"HSET", "h", "a", "1"});
  EXPECT_EQ(t_.RunError({"GET", "h"}), kWrongType);
  EXPECT_EQ(t_.Run({"TYPE", "h"}), "+hash\r\n");
}

TEST_F(HashFamilyTest, GetAllRespVersions) {
  t_.Run({"HSET", "h", "a", "1"});
  EXPECT_EQ(t_.Run({"HGETALL", "h"}), "*2\r\n$1\r\na\r\n$1\r\n1\r\n");
  t_.client().resp = 3;
  EXPECT_EQ(t_.Run({"HGETALL", "h"}), "%1\r\n$1\r\na\r\n$1\r\n1\r\n");
  EXPECT_EQ(t_.Run({"HGETALL", "nope"}), "%0\r\n");
}

TEST_F(HashFamilyTest, Counters) {
  EXPECT_EQ(t_.RunInt({"HINCRBY", "h", "n", "5"}), 5);
  EXPECT_EQ(t_.RunInt({"HINCRBY", "h", "n", "-6"}), -1);
  EXPECT_EQ(t_.RunBulk({"HINCRBYFLOAT", "h", "f", "1.5"}), "1.5");
  EXPECT_EQ(t_.RunBulk({"HINCRBYFLOAT", "h", "n", "0.25"}), "-0.75");
  EXPECT_EQ(t_.RunError({"HINCRBY", "h", "n", "1"}), "ERR hash value is not an integer");
  t_.Run({"HSET", "h", "max", "9223372036854775807"});
  EXPECT_EQ(t_.RunError({"HINCRBY", "h", "max", "1"}), "ERR increment or decrement would overflow");
  EXPECT_EQ(t_.RunError({"HINCRBYFLOAT", "h", "f", "inf"}), "ERR value is NaN or Infinity");
}

TEST_F(HashFamilyTest, EncodingConversionFollowsConfig) {
  t_.cfg().hash_max_listpack_entries = 2;
  t_.Run({"HSET", "h", "a", "1", "b", "2"});
  EXPECT_EQ(t_.RunBulk({"OBJECT", "ENCODING", "h"}), "listpack");
  t_.Run({"HSET", "h", "c", "3"});
  EXPECT_EQ(t_.RunBulk({"OBJECT", "ENCODING", "h"}), "hashtable");
  t_.cfg().hash_max_listpack_value = 3;
  t_.Run({"HSET", "h2", "a", "1234"});
  EXPECT_EQ(t_.RunBulk({"OBJECT", "ENCODING", "h2"}), "hashtable");
}

TEST_F(HashFamilyTest, RandFieldCounts) {
  for (int i = 0; i < 20; ++i) t_.Run({"HSET", "h", Numbered("f", i), "v"});
  for (const char* count : {"1", "5", "7", "19", "20", "100"}) {
    std::vector<std::string> got = t_.RunArray({"HRANDFIELD", "h", count});
    EXPECT_EQ(got.size(), std::min<size_t>(std::stoul(count), 20));
    std::sort(got.begin(), got.end());
    EXPECT_EQ(std::unique(got.begin(), got.end()), got.end());
  }
  EXPECT_EQ(t_.RunArray({"HRANDFIELD", "h", "-30"}).size(), 30u);
  EXPECT_EQ(t_.RunArray({"HRANDFIELD", "h", "-3", "WITHVALUES"}).size(), 6u);
  EXPECT_EQ(t_.RunError({"HRANDFIELD", "h", "-9223372036854775807", "WITHVALUES"}),
            "ERR value is out of range");
  // A reply the client alone sizes is refused past the cap instead of buffered.
  EXPECT_EQ(t_.RunError({"HRANDFIELD", "h", "-100000000"}),
            "ERR count is too large for a reply (at most 16777216 elements)");
}

TEST_F(HashFamilyTest, ScanCompactAndTable) {
  t_.Run({"HSET", "h", "a", "1", "b", "2"});
  EXPECT_EQ(t_.RunResp({"HSCAN", "h", "0", "COUNT", "1"}).elems[1].elems.size(), 4u);
  for (int i = 0; i < 600; ++i) t_.Run({"HSET", "big", Numbered("f", i), "v"});
  std::string cursor = "0";
  size_t seen = 0;
  do {
    testing::Resp r = t_.RunResp({"HSCAN", "big", cursor});
    cursor = r.elems[0].str;
    seen += r.elems[1].elems.size() / 2;
  } while (cursor != "0");
  EXPECT_GE(seen, 600u);
  EXPECT_EQ(t_.RunError({"HSCAN", "h", "x"}), "ERR invalid cursor");
}

TEST_F(HashFamilyTest, WritesReachTheHookReadsDoNot) {
  size_t calls = 0;
  std::function<void(store::Db&, std::string_view)> hook = [&calls](store::Db&,
                                                                    std::string_view k) {
    EXPECT_EQ(k, "h");
    ++calls;
  };
  t_.db().on_key_change = &hook;
  auto changes = [&](std::initializer_list<std::string_view> args) {
    size_t before = calls;
    t_.Run(args);
    return calls > before;
  };
  EXPECT_TRUE(changes({"HSET", "h", "a", "1"}));
  EXPECT_TRUE(changes({"HSET", "h", "b", "2"}));
  EXPECT_TRUE(changes({"HINCRBY", "h", "n", "1"}));
  EXPECT_FALSE(changes({"HGET", "h", "a"}));
  EXPECT_FALSE(changes({"HGETALL", "h"}));
  EXPECT_FALSE(changes({"HDEL", "h", "zz"}));
  EXPECT_FALSE(changes({"HSETNX", "h", "a", "9"}));
  EXPECT_TRUE(changes({"HDEL", "h", "a"}));
  EXPECT_TRUE(changes({"HDEL", "h", "b", "n"}));  // deletes the key
  t_.db().on_key_change = nullptr;
}

TEST_F(HashFamilyTest, CopyIsIndependent) {
  t_.Run({"HSET", "h", "a", "1"});
  EXPECT_EQ(t_.RunInt({"COPY", "h", "c"}), 1);
  t_.Run({"HSET", "c", "a", "2"});
  EXPECT_EQ(t_.RunBulk({"HGET", "h", "a"}), "1");
  EXPECT_EQ(t_.RunBulk({"HGET", "c", "a"}), "2");
}

}  // namespace
}  // namespace redoubt::commands
