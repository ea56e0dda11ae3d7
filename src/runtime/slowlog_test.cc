#include "runtime/slowlog.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace redoubt::commands {
namespace {

TEST(SlowLogTest, TruncatesArgumentsAndCountsAsRedis) {
  SlowLog log;
  std::vector<std::string> owned;
  for (int i = 0; i < 40; ++i) {
    owned.emplace_back("a");  // appended: g++ 12 warns falsely (-Wrestrict) on "a" + ...
    owned.back() += std::to_string(i);
  }
  owned[1] = std::string(200, 'x');
  std::vector<std::string_view> args(owned.begin(), owned.end());
  log.Push(
      args, [](size_t i) { return i == 2; }, 100, 5, "1.2.3.4:5", "n", 10);
  ASSERT_EQ(log.size(), 1u);
  const SlowLog::Entry& e = log.entries().front();
  ASSERT_EQ(e.args.size(), 32u);
  EXPECT_EQ(e.args[0], "a0");
  EXPECT_EQ(e.args[1], std::string(128, 'x') + "... (72 more bytes)");
  EXPECT_EQ(e.args[2], "(redacted)");
  EXPECT_EQ(e.args[31], "... (9 more arguments)");
  EXPECT_EQ(e.peer, "1.2.3.4:5");
  EXPECT_EQ(e.name, "n");
}

TEST(SlowLogTest, KeepsNewestFirstAndIdsAcrossReset) {
  SlowLog log;
  std::vector<std::string_view> args = {"get", "k"};
  auto none = [](size_t) { return false; };
  for (int i = 0; i < 5; ++i) log.Push(args, none, 1, i, "", "", 3);
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log.entries().front().id, 4u);
  EXPECT_EQ(log.entries().back().id, 2u);
  log.Reset();
  log.Push(args, none, 1, 1, "", "", 3);
  EXPECT_EQ(log.entries().front().id, 5u);
  log.Push(args, none, 1, 1, "", "", 0);  // slowlog-max-len 0: nothing kept
  EXPECT_EQ(log.size(), 1u);
}

}  // namespace
}  // namespace redoubt::commands
