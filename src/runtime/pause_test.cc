#include "runtime/pause.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "commands/test_util.h"

namespace redoubt::commands {
namespace {

using testing::CommandTester;

bool Held(CommandTester& t, std::vector<std::string_view> args) {
  return HeldByPause(t.state(), t.client(), args);
}

TEST(Pause, WritePauseHoldsWritesAndMayReplicateOnly) {
  CommandTester t;
  EXPECT_FALSE(Held(t, {"SET", "k", "v"}));  // no pause
  ASSERT_EQ(t.Run({"CLIENT", "PAUSE", "10000", "WRITE"}), "+OK\r\n");
  EXPECT_TRUE(PauseActive(t.state()));
  EXPECT_TRUE(Held(t, {"SET", "k", "v"}));
  EXPECT_FALSE(Held(t, {"GET", "k"}));
  EXPECT_FALSE(Held(t, {"no-such-command"}));
  t.AdvanceTime(10001);
  EXPECT_FALSE(Held(t, {"SET", "k", "v"}));
}

TEST(Pause, AllPauseHoldsEverything) {
  CommandTester t;
  ASSERT_EQ(t.Run({"CLIENT", "PAUSE", "10000"}), "+OK\r\n");
  EXPECT_TRUE(Held(t, {"GET", "k"}));
  EXPECT_TRUE(Held(t, {"PING"}));
}

TEST(Pause, ExecIsHeldWhenItsQueueWrites) {
  CommandTester t;
  ASSERT_EQ(t.Run({"MULTI"}), "+OK\r\n");
  ASSERT_EQ(t.Run({"GET", "k"}), "+QUEUED\r\n");
  t.state().sessions.pause_end_ms = t.now_ms() + 10000;
  t.state().sessions.pause_write_only = true;
  EXPECT_FALSE(Held(t, {"EXEC"}));
  t.state().sessions.pause_end_ms = 0;
  ASSERT_EQ(t.Run({"INCR", "k"}), "+QUEUED\r\n");
  t.state().sessions.pause_end_ms = t.now_ms() + 10000;
  EXPECT_TRUE(Held(t, {"EXEC"}));
}

uint64_t ReadOnlyScripts(const ServerState&, const CommandSpec&,
                         std::span<const std::string_view> args, uint64_t flags) {
  if (args.size() > 1 && args[1] == "read-only-script") {
    return flags & ~(flag::kWrite | flag::kMayReplicate);
  }
  return flags;
}

TEST(Pause, ScriptingHookDecidesForScripts) {
  CommandTester t;
  t.state().sessions.pause_end_ms = t.now_ms() + 10000;
  t.state().sessions.pause_write_only = true;
  // No scripting yet: a write command stands in for EVAL.
  EXPECT_TRUE(Held(t, {"SET", "read-only-script", "0"}));
  SetScriptFlagsHook(ReadOnlyScripts);
  EXPECT_FALSE(Held(t, {"SET", "read-only-script", "0"}));
  EXPECT_TRUE(Held(t, {"SET", "other", "0"}));
  SetScriptFlagsHook(nullptr);
}

TEST(Pause, ExpiryIsPausedWithTheClients) {
  CommandTester t;
  t.db().SetString("k", "v", t.now_ms() + 10);
  ASSERT_EQ(t.Run({"CLIENT", "PAUSE", "10000", "WRITE"}), "+OK\r\n");
  UpdateExpiryPause(t.state());
  t.AdvanceTime(100);
  EXPECT_EQ(t.RunBulk({"GET", "k"}), "(nil)");  // logically expired
  EXPECT_EQ(t.db().size(), 1u);                 // but still there
  EXPECT_EQ(t.db().ActiveExpire(1000, &ServerState::Random), 0u) << "store keeps it too";
  t.Run({"CLIENT", "UNPAUSE"});
  t.AdvanceTime(1);
  UpdateExpiryPause(t.state());
  EXPECT_EQ(t.RunBulk({"GET", "k"}), "(nil)");
  EXPECT_EQ(t.db().size(), 0u);
}

}  // namespace
}  // namespace redoubt::commands
