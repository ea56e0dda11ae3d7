// List commands against an in-process server state: replies and error texts as Redis 7.0.15
// sends them.
#include "commands/list_family.h"

#include <gtest/gtest.h>

#include <functional>
#include <initializer_list>
#include <set>
#include <string>
#include <vector>

#include "commands/test_util.h"
#include "runtime/command_table.h"

namespace redoubt::commands {
namespace {

using testing::CommandTester;
using V = std::vector<std::string>;

constexpr const char* kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
constexpr const char* kNotInteger = "ERR value is not an integer or out of range";
constexpr const char* kSyntax = "ERR syntax error";
constexpr const char* kMustBePositive = "ERR value is out of range, must be positive";

class ListFamilyTest : public ::testing::Test {
 protected:
  CommandTester t_;
};

struct Row {
  const char* name;
  int arity;
  uint64_t flags;
  int first, last, step;
};

TEST(ListFamilyTableTest, RowsMatchRedis) {
  using namespace flag;
  const Row rows[] = {
      {"lpush", -3, kWrite | kDenyOom | kFast, 1, 1, 1},
      {"rpush", -3, kWrite | kDenyOom | kFast, 1, 1, 1},
      {"lpushx", -3, kWrite | kDenyOom | kFast, 1, 1, 1},
      {"rpushx", -3, kWrite | kDenyOom | kFast, 1, 1, 1},
      {"lpop", -2, kWrite | kFast, 1, 1, 1},
      {"rpop", -2, kWrite | kFast, 1, 1, 1},
      {"llen", 2, kReadonly | kFast, 1, 1, 1},
      {"lrange", 4, kReadonly, 1, 1, 1},
      {"lindex", 3, kReadonly, 1, 1, 1},
      {"lset", 4, kWrite | kDenyOom, 1, 1, 1},
      {"linsert", 5, kWrite | kDenyOom, 1, 1, 1},
      {"lrem", 4, kWrite, 1, 1, 1},
      {"ltrim", 4, kWrite, 1, 1, 1},
      {"lpos", -3, kReadonly, 1, 1, 1},
      {"lmove", 5, kWrite | kDenyOom, 1, 2, 1},
      {"rpoplpush", 3, kWrite | kDenyOom, 1, 2, 1},
      {"lmpop", -4, kWrite | kMovableKeys, 0, 0, 0},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    const CommandSpec* c = CommandTable::Get().LookupCanonical(row.name);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->arity, row.arity);
    EXPECT_EQ(c->flags, row.flags);
    EXPECT_EQ(c->legacy_first, row.first);
    EXPECT_EQ(c->legacy_last, row.last);
    EXPECT_EQ(c->legacy_step, row.step);
    uint64_t want = cat::kList | ((row.flags & kWrite) ? cat::kWrite : cat::kRead) |
                    ((row.flags & kFast) ? cat::kFast : cat::kSlow);
    EXPECT_EQ(c->categories, want);
  }
}

TEST_F(ListFamilyTest, PushAndRange) {
  EXPECT_EQ(t_.RunInt({"RPUSH", "l", "a", "b"}), 2);
  EXPECT_EQ(t_.RunInt({"LPUSH", "l", "1", "2"}), 4);
  EXPECT_EQ(t_.RunArray({"LRANGE", "l", "0", "-1"}), (V{"2", "1", "a", "b"}));
  EXPECT_EQ(t_.RunArray({"LRANGE", "l", "-100", "1"}), (V{"2", "1"}));
  EXPECT_EQ(t_.RunArray({"LRANGE", "l", "2", "100"}), (V{"a", "b"}));
  EXPECT_EQ(t_.Run({"LRANGE", "l", "3", "2"}), "*0\r\n");
  EXPECT_EQ(t_.Run({"LRANGE", "l", "4", "10"}), "*0\r\n");
  EXPECT_EQ(t_.Run({"LRANGE", "l", "-9223372036854775808", "9223372036854775807"}),
            "*4\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\nb\r\n");
  EXPECT_EQ(t_.Run({"LRANGE", "nope", "0", "-1"}), "*0\r\n");
  EXPECT_EQ(t_.RunError({"LRANGE", "l", "0", "x"}), kNotInteger);
  EXPECT_EQ(t_.RunInt({"LLEN", "l"}), 4);
  EXPECT_EQ(t_.RunInt({"LLEN", "nope"}), 0);
  EXPECT_EQ(t_.Run({"TYPE", "l"}), "+list\r\n");
  EXPECT_EQ(t_.RunBulk({"OBJECT", "ENCODING", "l"}), "quicklist");
}

TEST_F(ListFamilyTest, PushXOnlyOnExisting) {
  EXPECT_EQ(t_.RunInt({"LPUSHX", "l", "a"}), 0);
  EXPECT_EQ(t_.RunInt({"EXISTS", "l"}), 0);
  t_.Run({"RPUSH", "l", "a"});
  EXPECT_EQ(t_.RunInt({"RPUSHX", "l", "b", "c"}), 3);
  EXPECT_EQ(t_.RunInt({"LPUSHX", "l", "z"}), 4);
  EXPECT_EQ(t_.RunArray({"LRANGE", "l", "0", "-1"}), (V{"z", "a", "b", "c"}));
}

TEST_F(ListFamilyTest, WrongType) {
  t_.Run({"SET", "s", "v"});
  for (auto args : std::vector<std::vector<std::string>>{{"LPUSH", "s", "a"},
                                                         {"RPUSHX", "s", "a"},
                                                         {"LPOP", "s"},
                                                         {"RPOP", "s", "2"},
                                                         {"LLEN", "s"},
                                                         {"LRANGE", "s", "0", "1"},
                                                         {"LINDEX", "s", "0"},
                                                         {"LSET", "s", "0", "a"},
                                                         {"LINSERT", "s", "BEFORE", "a", "b"},
                                                         {"LREM", "s", "0", "a"},
                                                         {"LTRIM", "s", "0", "1"},
                                                         {"LPOS", "s", "a"},
                                                         {"LMOVE", "s", "d", "LEFT", "LEFT"},
                                                         {"LMPOP", "1", "s", "LEFT"}}) {
    SCOPED_TRACE(args[0]);
    EXPECT_EQ(t_.RunResp(args).str, kWrongType);
  }
  t_.Run({"RPUSH", "l", "a"});
  EXPECT_EQ(t_.RunResp({"RPOPLPUSH", "l", "s"}).str, kWrongType);
  EXPECT_EQ(t_.RunInt({"LLEN", "l"}), 1);  // nothing popped
}

TEST_F(ListFamilyTest, PopWithCount) {
  t_.Run({"RPUSH", "l", "a", "b", "c", "d"});
  EXPECT_EQ(t_.RunBulk({"LPOP", "l"}), "a");
  EXPECT_EQ(t_.RunArray({"RPOP", "l", "2"}), (V{"d", "c"}));
  EXPECT_EQ(t_.Run({"LPOP", "l", "0"}), "*0\r\n");
  EXPECT_EQ(t_.RunError({"LPOP", "l", "-1"}), kMustBePositive);
  EXPECT_EQ(t_.RunError({"LPOP", "l", "x"}), kMustBePositive);
  EXPECT_EQ(t_.RunError({"LPOP", "l", "1", "2"}),
            "ERR wrong number of arguments for 'lpop' command");
  EXPECT_EQ(t_.RunArray({"LPOP", "l", "9223372036854775807"}), (V{"b"}));
  EXPECT_EQ(t_.RunInt({"EXISTS", "l"}), 0);
  EXPECT_EQ(t_.Run({"LPOP", "l"}), "$-1\r\n");
  EXPECT_EQ(t_.Run({"LPOP", "l", "0"}), "*-1\r\n");
  EXPECT_EQ(t_.Run({"RPOP", "l", "3"}), "*-1\r\n");
}

TEST_F(ListFamilyTest, IndexAndSet) {
  t_.Run({"RPUSH", "l", "a", "b", "c"});
  EXPECT_EQ(t_.RunBulk({"LINDEX", "l", "0"}), "a");
  EXPECT_EQ(t_.RunBulk({"LINDEX", "l", "-1"}), "c");
  EXPECT_EQ(t_.RunBulk({"LINDEX", "l", "3"}), "(nil)");
  EXPECT_EQ(t_.RunBulk({"LINDEX", "l", "-4"}), "(nil)");
  EXPECT_EQ(t_.RunBulk({"LINDEX", "l", "-9223372036854775808"}), "(nil)");
  EXPECT_EQ(t_.RunError({"LINDEX", "l", "x"}), kNotInteger);
  EXPECT_EQ(t_.RunBulk({"LINDEX", "nope", "x"}), "(nil)");
  EXPECT_EQ(t_.Run({"LSET", "l", "-1", "z"}), "+OK\r\n");
  EXPECT_EQ(t_.RunBulk({"LINDEX", "l", "2"}), "z");
  EXPECT_EQ(t_.RunError({"LSET", "l", "3", "z"}), "ERR index out of range");
  EXPECT_EQ(t_.RunError({"LSET", "l", "-9223372036854775808", "z"}), "ERR index out of range");
  EXPECT_EQ(t_.RunError({"LSET", "nope", "0", "z"}), "ERR no such key");
  EXPECT_EQ(t_.RunError({"LSET", "l", "x", "z"}), kNotInteger);
}

TEST_F(ListFamilyTest, InsertRemTrim) {
  t_.Run({"RPUSH", "l", "a", "b", "a", "c", "a"});
  EXPECT_EQ(t_.RunInt({"LINSERT", "l", "before", "b", "x"}), 6);
  EXPECT_EQ(t_.RunInt({"LINSERT", "l", "AFTER", "c", "y"}), 7);
  EXPECT_EQ(t_.RunInt({"LINSERT", "l", "AFTER", "zz", "y"}), -1);
  EXPECT_EQ(t_.RunInt({"LINSERT", "nope", "AFTER", "zz", "y"}), 0);
  EXPECT_EQ(t_.RunError({"LINSERT", "l", "middle", "a", "y"}), kSyntax);
  EXPECT_EQ(t_.RunArray({"LRANGE", "l", "0", "-1"}), (V{"a", "x", "b", "a", "c", "y", "a"}));
  EXPECT_EQ(t_.RunInt({"LREM", "l", "-1", "a"}), 1);
  EXPECT_EQ(t_.RunArray({"LRANGE", "l", "0", "-1"}), (V{"a", "x", "b", "a", "c", "y"}));
  EXPECT_EQ(t_.RunInt({"LREM", "l", "0", "a"}), 2);
  EXPECT_EQ(t_.RunInt({"LREM", "nope", "0", "a"}), 0);
  EXPECT_EQ(t_.RunError({"LREM", "l", "x", "a"}), kNotInteger);
  EXPECT_EQ(t_.Run({"LTRIM", "l", "1", "-2"}), "+OK\r\n");
  EXPECT_EQ(t_.RunArray({"LRANGE", "l", "0", "-1"}), (V{"b", "c"}));
  EXPECT_EQ(t_.Run({"LTRIM", "l", "5", "10"}), "+OK\r\n");
  EXPECT_EQ(t_.RunInt({"EXISTS", "l"}), 0);
  EXPECT_EQ(t_.Run({"LTRIM", "l", "0", "1"}), "+OK\r\n");
  t_.Run({"RPUSH", "m", "1", "1", "1"});
  EXPECT_EQ(t_.RunInt({"LREM", "m", "-9223372036854775808", "1"}), 3);
  EXPECT_EQ(t_.RunInt({"EXISTS", "m"}), 0);
}

TEST_F(ListFamilyTest, Lpos) {
  t_.Run({"RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c"});
  EXPECT_EQ(t_.RunInt({"LPOS", "l", "c"}), 2);
  EXPECT_EQ(t_.RunInt({"LPOS", "l", "c", "RANK", "2"}), 6);
  EXPECT_EQ(t_.RunInt({"LPOS", "l", "c", "RANK", "-1"}), 7);
  EXPECT_EQ(t_.RunBulk({"LPOS", "l", "c", "RANK", "4"}), "(nil)");
  EXPECT_EQ(t_.RunArray({"LPOS", "l", "c", "COUNT", "0"}), (V{"2", "6", "7"}));
  EXPECT_EQ(t_.RunArray({"LPOS", "l", "c", "COUNT", "2", "RANK", "-1"}), (V{"7", "6"}));
  EXPECT_EQ(t_.RunArray({"LPOS", "l", "c", "COUNT", "0", "MAXLEN", "7"}), (V{"2", "6"}));
  EXPECT_EQ(t_.RunInt({"LPOS", "l", "1"}), 3);
  EXPECT_EQ(t_.RunBulk({"LPOS", "l", "c", "MAXLEN", "2"}), "(nil)");
  // Redis 7.0 negates LONG_MIN into itself: the first match from the tail, COUNT ignored.
  EXPECT_EQ(t_.RunInt({"LPOS", "l", "c", "RANK", "-9223372036854775808"}), 7);
  EXPECT_EQ(t_.RunArray({"LPOS", "l", "c", "RANK", "-9223372036854775808", "COUNT", "1"}),
            (V{"7", "6", "2"}));
  EXPECT_EQ(t_.RunError({"LPOS", "l", "c", "RANK", "0"}),
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
            "or use negative to start from the end of the list");
  EXPECT_EQ(t_.RunError({"LPOS", "l", "c", "RANK", "x"}), kNotInteger);
  EXPECT_EQ(t_.RunError({"LPOS", "l", "c", "COUNT", "-1"}), "ERR COUNT can't be negative");
  EXPECT_EQ(t_.RunError({"LPOS", "l", "c", "MAXLEN", "-1"}), "ERR MAXLEN can't be negative");
  EXPECT_EQ(t_.RunError({"LPOS", "l", "c", "RANK"}), kSyntax);
  EXPECT_EQ(t_.RunBulk({"LPOS", "nope", "c"}), "(nil)");
  EXPECT_EQ(t_.Run({"LPOS", "nope", "c", "COUNT", "1"}), "*0\r\n");
}

TEST_F(ListFamilyTest, MoveAndRotate) {
  t_.Run({"RPUSH", "src", "a", "b", "c"});
  EXPECT_EQ(t_.RunBulk({"RPOPLPUSH", "src", "dst"}), "c");
  EXPECT_EQ(t_.RunBulk({"LMOVE", "src", "dst", "LEFT", "RIGHT"}), "a");
  EXPECT_EQ(t_.RunArray({"LRANGE", "dst", "0", "-1"}), (V{"c", "a"}));
  EXPECT_EQ(t_.RunBulk({"LMOVE", "dst", "dst", "left", "right"}), "c");
  EXPECT_EQ(t_.RunArray({"LRANGE", "dst", "0", "-1"}), (V{"a", "c"}));
  EXPECT_EQ(t_.RunBulk({"LMOVE", "src", "src", "LEFT", "RIGHT"}), "b");  // one element
  EXPECT_EQ(t_.RunArray({"LRANGE", "src", "0", "-1"}), (V{"b"}));
  EXPECT_EQ(t_.RunBulk({"LMOVE", "src", "dst", "RIGHT", "LEFT"}), "b");
  EXPECT_EQ(t_.RunInt({"EXISTS", "src"}), 0);
  EXPECT_EQ(t_.RunBulk({"RPOPLPUSH", "src", "dst"}), "(nil)");
  EXPECT_EQ(t_.RunError({"LMOVE", "dst", "x", "UP", "LEFT"}), kSyntax);
}

TEST_F(ListFamilyTest, Lmpop) {
  t_.Run({"RPUSH", "b", "1", "2", "3"});
  auto r = t_.RunResp({"LMPOP", "2", "a", "b", "RIGHT", "COUNT", "2"});
  ASSERT_EQ(r.elems.size(), 2u);
  EXPECT_EQ(r.elems[0].str, "b");
  EXPECT_EQ(CommandTester::Strings(r.elems[1]), (V{"3", "2"}));
  EXPECT_EQ(t_.Run({"LMPOP", "1", "a", "LEFT"}), "*-1\r\n");
  EXPECT_EQ(t_.RunError({"LMPOP", "0", "a", "LEFT"}), "ERR numkeys should be greater than 0");
  EXPECT_EQ(t_.RunError({"LMPOP", "x", "a", "LEFT"}), "ERR numkeys should be greater than 0");
  EXPECT_EQ(t_.RunError({"LMPOP", "9223372036854775807", "a", "LEFT"}), kSyntax);
  EXPECT_EQ(t_.RunError({"LMPOP", "2", "a", "LEFT"}), kSyntax);
  EXPECT_EQ(t_.RunError({"LMPOP", "1", "a", "UP"}), kSyntax);
  EXPECT_EQ(t_.RunError({"LMPOP", "1", "a", "LEFT", "COUNT", "0"}),
            "ERR count should be greater than 0");
  EXPECT_EQ(t_.RunError({"LMPOP", "1", "a", "LEFT", "COUNT", "1", "COUNT", "1"}), kSyntax);
  r = t_.RunResp({"LMPOP", "1", "b", "LEFT", "COUNT", "10"});
  EXPECT_EQ(CommandTester::Strings(r.elems[1]), (V{"1"}));
  EXPECT_EQ(t_.RunInt({"EXISTS", "b"}), 0);
}

TEST_F(ListFamilyTest, IntegersAndBinaryElementsRoundTrip) {
  std::string bin("a\0b\r\n", 5);
  t_.Run({"RPUSH", "l", "-9223372036854775808", "007", "-0", "12345678901", bin, ""});
  EXPECT_EQ(t_.RunArray({"LRANGE", "l", "0", "-1"}),
            (V{"-9223372036854775808", "007", "-0", "12345678901", bin, ""}));
  EXPECT_EQ(t_.RunInt({"LPOS", "l", "12345678901"}), 3);
  EXPECT_EQ(t_.RunBulk({"LPOS", "l", "7"}), "(nil)");
}

TEST_F(ListFamilyTest, CopyRenameAndExpiry) {
  t_.Run({"RPUSH", "l", "a", "b"});
  EXPECT_EQ(t_.RunInt({"COPY", "l", "c"}), 1);
  t_.Run({"RPOP", "l"});
  EXPECT_EQ(t_.RunArray({"LRANGE", "c", "0", "-1"}), (V{"a", "b"}));
  EXPECT_EQ(t_.Run({"RENAME", "c", "d"}), "+OK\r\n");
  EXPECT_EQ(t_.RunInt({"LLEN", "d"}), 2);
  EXPECT_EQ(t_.RunInt({"PEXPIRE", "d", "100"}), 1);
  t_.AdvanceTime(200);
  EXPECT_EQ(t_.RunInt({"LLEN", "d"}), 0);
  EXPECT_EQ(t_.RunInt({"LPUSHX", "d", "x"}), 0);
}

TEST_F(ListFamilyTest, ChangesAreReported) {
  std::set<std::string> seen;
  std::function<void(store::Db&, std::string_view)> hook = [&](store::Db&, std::string_view k) {
    seen.emplace(k);
  };
  t_.db().on_key_change = &hook;
  auto changed = [&](std::initializer_list<std::string_view> cmd) {
    seen.clear();
    t_.Run(cmd);
    return seen;
  };
  using S = std::set<std::string>;
  EXPECT_EQ(changed({"RPUSH", "l", "a", "b"}), S{"l"});
  EXPECT_EQ(changed({"LSET", "l", "0", "z"}), S{"l"});
  EXPECT_EQ(changed({"LPOS", "l", "z"}), S{});  // reads report nothing
  EXPECT_EQ(changed({"LINSERT", "l", "BEFORE", "z", "y"}), S{"l"});
  EXPECT_EQ(changed({"LMOVE", "l", "m", "LEFT", "LEFT"}), (S{"l", "m"}));
  EXPECT_EQ(changed({"LREM", "l", "0", "nothing"}), S{});
  EXPECT_EQ(changed({"LTRIM", "l", "0", "-1"}), S{"l"});
  EXPECT_EQ(changed({"RPOP", "l", "5"}), S{"l"});
  t_.db().on_key_change = nullptr;
}

}  // namespace
}  // namespace redoubt::commands
