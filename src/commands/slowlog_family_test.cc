#include <gtest/gtest.h>

#include <string>

#include "commands/test_util.h"

namespace redoubt::commands {
namespace {

TEST(SlowLogFamilyTest, LogsRedactedSecretsOnly) {
  testing::CommandTester t;
  t.cfg().slowlog_log_slower_than = 0;
  t.Run({"SLOWLOG", "RESET"});
  t.Run({"AUTH", "user", "hunter2", "extra"});
  t.Run({"CONFIG", "SET", "requirepass", "hunter2", "no-such-directive", "x"});
  t.Run({"ACL", "SETUSER", "bob", ">hunter2"});
  t.Run({"SET", "k", "v"});
  std::string raw = t.Run({"SLOWLOG", "GET", "-1"});
  EXPECT_EQ(raw.find("hunter2"), std::string::npos) << raw;
  EXPECT_NE(raw.find("(redacted)"), std::string::npos) << raw;
  EXPECT_EQ(t.RunInt({"SLOWLOG", "LEN"}), 6);  // RESET, AUTH, CONFIG, ACL, SET, GET
  EXPECT_EQ(t.RunError({"SLOWLOG", "GET", "-2"}),
            "ERR count should be greater than or equal to -1");
}

TEST(SlowLogFamilyTest, ThresholdAndSkipSlowlog) {
  testing::CommandTester t;
  t.cfg().slowlog_log_slower_than = -1;
  t.Run({"SET", "k", "v"});
  EXPECT_EQ(t.RunInt({"SLOWLOG", "LEN"}), 0);
  t.cfg().slowlog_log_slower_than = 0;
  t.Run({"MULTI"});
  t.Run({"SET", "k", "v"});
  t.Run({"EXEC"});  // skip_slowlog; the queued SET is logged
  auto entries = t.RunResp({"SLOWLOG", "GET"});
  ASSERT_EQ(entries.elems.size(), 2u);
  EXPECT_EQ(entries.elems[0].elems[3].elems[0].str, "SET");
  EXPECT_EQ(entries.elems[1].elems[3].elems[0].str, "MULTI");
}

}  // namespace
}  // namespace redoubt::commands
