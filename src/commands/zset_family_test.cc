#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "commands/test_util.h"

namespace redoubt::commands {
namespace {

using testing::CommandTester;
using V = std::vector<std::string>;

TEST(ZSetFamilyTest, AddScoreAndRange) {
  CommandTester t;
  EXPECT_EQ(t.RunInt({"ZADD", "z", "1", "a", "2", "b", "0.1", "c"}), 3);
  EXPECT_EQ(t.RunBulk({"ZSCORE", "z", "c"}), "0.10000000000000001");
  EXPECT_EQ(t.RunArray({"ZRANGE", "z", "0", "-1"}), (V{"c", "a", "b"}));
  EXPECT_EQ(t.RunArray({"ZRANGE", "z", "0", "-1", "WITHSCORES"}),
            (V{"c", "0.10000000000000001", "a", "1", "b", "2"}));
  EXPECT_EQ(t.RunArray({"ZREVRANGE", "z", "0", "0"}), (V{"b"}));
  EXPECT_EQ(t.RunArray({"ZRANGEBYSCORE", "z", "(0.1", "+inf"}), (V{"a", "b"}));
  EXPECT_EQ(t.RunArray({"ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "1", "1"}),
            (V{"a"}));
  EXPECT_EQ(t.RunInt({"ZCOUNT", "z", "-inf", "(2"}), 2);
  EXPECT_EQ(t.RunInt({"ZRANK", "z", "b"}), 2);
  EXPECT_EQ(t.RunInt({"ZREVRANK", "z", "b"}), 0);
  EXPECT_EQ(t.RunBulk({"OBJECT", "ENCODING", "z"}), "listpack");
  EXPECT_EQ(t.Run({"TYPE", "z"}), "+zset\r\n");
}

TEST(ZSetFamilyTest, AddOptionErrors) {
  CommandTester t;
  EXPECT_EQ(t.RunError({"ZADD", "z", "NX", "XX", "1", "a"}),
            "ERR XX and NX options at the same time are not compatible");
  EXPECT_EQ(t.RunError({"ZADD", "z", "GT", "LT", "1", "a"}),
            "ERR GT, LT, and/or NX options at the same time are not compatible");
  EXPECT_EQ(t.RunError({"ZADD", "z", "INCR", "1", "a", "2", "b"}),
            "ERR INCR option supports a single increment-element pair");
  EXPECT_EQ(t.RunError({"ZADD", "z", "1", "a", "2"}), "ERR syntax error");
  EXPECT_EQ(t.RunError({"ZADD", "z", "x", "a"}), "ERR value is not a valid float");
  EXPECT_EQ(t.RunInt({"ZADD", "z", "inf", "a"}), 1);
  EXPECT_EQ(t.RunError({"ZINCRBY", "z", "-inf", "a"}), "ERR resulting score is not a number (NaN)");
  EXPECT_EQ(t.RunBulk({"ZADD", "z", "XX", "INCR", "1", "nope"}), "(nil)");
}

TEST(ZSetFamilyTest, LexRanges) {
  CommandTester t;
  t.Run({"ZADD", "z", "0", "a", "0", "b", "0", "c", "0", "d"});
  EXPECT_EQ(t.RunArray({"ZRANGEBYLEX", "z", "[b", "(d"}), (V{"b", "c"}));
  EXPECT_EQ(t.RunArray({"ZREVRANGEBYLEX", "z", "+", "-", "LIMIT", "0", "2"}), (V{"d", "c"}));
  EXPECT_EQ(t.RunInt({"ZLEXCOUNT", "z", "-", "+"}), 4);
  EXPECT_EQ(t.RunError({"ZLEXCOUNT", "z", "a", "+"}), "ERR min or max not valid string range item");
  EXPECT_EQ(t.RunInt({"ZREMRANGEBYLEX", "z", "(a", "[c"}), 2);
  EXPECT_EQ(t.RunArray({"ZRANGE", "z", "0", "-1"}), (V{"a", "d"}));
}

TEST(ZSetFamilyTest, PopsAndAlgebra) {
  CommandTester t;
  t.Run({"ZADD", "a", "1", "x", "2", "y", "3", "z"});
  t.Run({"ZADD", "b", "10", "y", "20", "z", "30", "w"});
  EXPECT_EQ(t.RunArray({"ZUNION", "2", "a", "b", "WITHSCORES"}),
            (V{"x", "1", "y", "12", "z", "23", "w", "30"}));
  EXPECT_EQ(t.RunArray({"ZINTER", "2", "a", "b", "AGGREGATE", "MAX"}), (V{"y", "z"}));
  EXPECT_EQ(t.RunArray({"ZDIFF", "2", "a", "b"}), (V{"x"}));
  EXPECT_EQ(t.RunInt({"ZINTERCARD", "2", "a", "b", "LIMIT", "1"}), 1);
  EXPECT_EQ(t.RunInt({"ZUNIONSTORE", "d", "2", "a", "b", "WEIGHTS", "2", "0"}), 4);
  EXPECT_EQ(t.RunError({"ZUNION", "1", "a", "WEIGHTS", "x"}), "ERR weight value is not a float");
  EXPECT_EQ(t.RunArray({"ZPOPMIN", "a"}), (V{"x", "1"}));
  EXPECT_EQ(t.RunArray({"ZPOPMAX", "a", "5"}), (V{"z", "3", "y", "2"}));
  EXPECT_EQ(t.RunInt({"EXISTS", "a"}), 0);
  testing::Resp r = t.RunResp({"ZMPOP", "2", "a", "b", "MIN"});
  ASSERT_EQ(r.elems.size(), 2u);
  EXPECT_EQ(r.elems[0].str, "b");
  EXPECT_TRUE(t.RunResp({"ZMPOP", "1", "a", "MIN"}).null);
}

TEST(ZSetFamilyTest, SkiplistEncodingBehavesTheSame) {
  CommandTester t;
  std::vector<std::string> args = {"ZADD", "z"};
  for (int i = 0; i < 200; ++i) {
    args.push_back(std::to_string(i));
    args.push_back(std::to_string(1000 + i).insert(0, 1, 'm'));
  }
  EXPECT_EQ(t.RunResp(args).integer, 200);
  EXPECT_EQ(t.RunBulk({"OBJECT", "ENCODING", "z"}), "skiplist");
  EXPECT_EQ(t.RunArray({"ZRANGE", "z", "10", "12"}), (V{"m1010", "m1011", "m1012"}));
  EXPECT_EQ(t.RunInt({"ZCOUNT", "z", "(10", "20"}), 10);
  EXPECT_EQ(t.RunInt({"ZREMRANGEBYRANK", "z", "0", "99"}), 100);
  EXPECT_EQ(t.RunInt({"ZRANK", "z", "m1100"}), 0);
  EXPECT_EQ(t.RunInt({"ZCARD", "z"}), 100);
}

TEST(ZSetFamilyTest, Resp3RepliesDoubles) {
  CommandTester t;
  t.client().resp = 3;
  t.Run({"ZADD", "z", "1.5", "a"});
  EXPECT_EQ(t.Run({"ZSCORE", "z", "a"}), ",1.5\r\n");
  EXPECT_EQ(t.Run({"ZRANGE", "z", "0", "-1", "WITHSCORES"}), "*1\r\n*2\r\n$1\r\na\r\n,1.5\r\n");
}

}  // namespace
}  // namespace redoubt::commands
