// Server commands (INFO, TIME, LASTSAVE, SHUTDOWN, DEBUG, MONITOR) against an in-process
// server state: Redis 7.0.15's replies and error texts.
#include "commands/server_family.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "commands/test_util.h"
#include "util/numbers.h"

namespace redoubt::commands {
namespace {

using testing::CommandTester;

// The "# Name" lines of an INFO text, in order.
std::vector<std::string> Headers(const std::string& info) {
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = info.find("# ", pos)) != std::string::npos) {
    if (pos == 0 || info[pos - 1] == '\n') {
      out.push_back(info.substr(pos + 2, info.find("\r\n", pos) - pos - 2));
    }
    pos += 2;
  }
  return out;
}

// The value of `field` in an INFO text, or "(none)".
std::string Field(const std::string& info, const std::string& field) {
  size_t pos = info.find("\r\n" + field + ":");
  if (pos == std::string::npos) return "(none)";
  pos += field.size() + 3;
  return info.substr(pos, info.find("\r\n", pos) - pos);
}

TEST(InfoCommandTest, DefaultSectionsInRedisOrder) {
  CommandTester t;
  std::string info = t.RunBulk({"INFO"});
  EXPECT_EQ(Headers(info), (std::vector<std::string>{"Server", "Clients", "Memory", "Persistence",
                                                     "Stats", "Replication", "CPU", "Modules",
                                                     "Errorstats", "Cluster", "Keyspace"}));
  EXPECT_EQ(Headers(t.RunBulk({"INFO", "default"})), Headers(info));
  std::vector<std::string> all = Headers(t.RunBulk({"INFO", "everything"}));
  EXPECT_NE(std::find(all.begin(), all.end(), "Commandstats"), all.end());
  EXPECT_EQ(Headers(t.RunBulk({"INFO", "ALL"})), all);
  // Every line ends with CRLF; sections are separated by one blank line.
  EXPECT_EQ(info.rfind("# Server\r\n", 0), 0u);
  EXPECT_EQ(info.substr(info.size() - 2), "\r\n");
  for (size_t i = 0; i < info.size(); ++i) {
    if (info[i] == '\n') {
      EXPECT_EQ(info[i - 1], '\r') << "bare LF at " << i;
    }
  }
  EXPECT_NE(info.find("\r\n\r\n# Clients\r\n"), std::string::npos);
}

TEST(InfoCommandTest, ChosenSectionsKeepTheFixedOrder) {
  CommandTester t;
  EXPECT_EQ(Headers(t.RunBulk({"INFO", "cpu", "SERVER", "nosuch"})),
            (std::vector<std::string>{"Server", "CPU"}));
  EXPECT_EQ(t.RunBulk({"INFO", "nosuch"}), "");
  EXPECT_EQ(t.RunBulk({"INFO", "modules"}), "");  // module-generated sections: none
  EXPECT_EQ(t.RunBulk({"INFO", "module_list"}), "# Modules\r\n");
  EXPECT_EQ(t.RunBulk({"INFO", "cluster"}), "# Cluster\r\ncluster_enabled:0\r\n");
  t.client().resp = 3;
  EXPECT_EQ(t.Run({"INFO", "cluster"}), "=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n");
}

TEST(InfoCommandTest, ServerFields) {
  CommandTester t;
  t.state().port = 6400;
  t.state().run_id_hex = std::string(40, 'a');
  t.state().redoubt_version = "1.2.3";
  t.state().start_time_ms = t.now_ms() - 90061000;
  std::string info = "\r\n" + t.RunBulk({"INFO", "server"});
  EXPECT_EQ(Field(info, "redis_version"), "7.0.15");
  EXPECT_EQ(Field(info, "redoubt_version"), "1.2.3");
  EXPECT_EQ(Field(info, "redis_mode"), "standalone");
  EXPECT_EQ(Field(info, "arch_bits"), "64");
  EXPECT_EQ(Field(info, "tcp_port"), "6400");
  EXPECT_EQ(Field(info, "run_id"), std::string(40, 'a'));
  EXPECT_EQ(Field(info, "uptime_in_seconds"), "90061");
  EXPECT_EQ(Field(info, "uptime_in_days"), "1");
  EXPECT_EQ(Field(info, "hz"), "10");
  EXPECT_EQ(Field(info, "process_id"), std::to_string(getpid()));
}

TEST(InfoCommandTest, ClientsMemoryAndStats) {
  CommandTester t;
  t.Run({"SET", "k", "v"});
  t.Run({"GET", "k"});
  t.Run({"GET", "nosuch"});
  t.Run({"GET"});
  t.state().stats.auth_failures = 3;
  t.state().stats.protected_mode_denied = 2;
  t.state().used_memory = [] { return uint64_t{1536}; };
  std::string info = "\r\n" + t.RunBulk({"INFO", "clients", "memory", "stats"});
  EXPECT_EQ(Field(info, "connected_clients"), "1");
  EXPECT_EQ(Field(info, "maxclients"), "10000");
  EXPECT_EQ(Field(info, "used_memory"), "1536");
  EXPECT_EQ(Field(info, "used_memory_human"), "1.50K");
  EXPECT_NE(Field(info, "used_memory_rss"), "(none)");
  EXPECT_EQ(Field(info, "maxmemory_human"), "0B");
  EXPECT_EQ(Field(info, "maxmemory_policy"), "noeviction");
  EXPECT_EQ(Field(info, "mem_allocator"), "libc");
  EXPECT_EQ(Field(info, "total_commands_processed"), "3");
  EXPECT_EQ(Field(info, "keyspace_hits"), "1");
  EXPECT_EQ(Field(info, "keyspace_misses"), "1");
  EXPECT_EQ(Field(info, "total_error_replies"), "1");
  EXPECT_EQ(Field(info, "acl_access_denied_auth"), "3");
  EXPECT_EQ(Field(info, "protected_mode_denied_connections"), "2");
  EXPECT_EQ(Field(info, "instantaneous_ops_per_sec"), "0");
}

TEST(InfoCommandTest, KeyspaceListsNonEmptyDatabases) {
  CommandTester t;
  EXPECT_EQ(t.RunBulk({"INFO", "keyspace"}), "# Keyspace\r\n");
  t.Run({"SET", "a", "1"});
  t.Run({"SET", "b", "1", "EX", "100"});
  t.Run({"SELECT", "3"});
  t.Run({"SET", "c", "1"});
  EXPECT_EQ(t.RunBulk({"INFO", "keyspace"}),
            "# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n");
}

TEST(InfoCommandTest, CommandStats) {
  CommandTester t;
  t.Run({"SET", "k", "v"});
  t.Run({"SET", "k", "v", "NX", "XX"});  // fails
  t.Run({"CONFIG", "GET", "port"});
  t.Run({"CONFIG", "GET"});  // rejected by arity
  std::string info = "\r\n" + t.RunBulk({"INFO", "commandstats"});
  EXPECT_EQ(info.rfind("\r\n# Commandstats\r\n", 0), 0u);
  std::string set = Field(info, "cmdstat_set");
  EXPECT_EQ(set.rfind("calls=2,usec=", 0), 0u) << set;
  EXPECT_NE(set.find(",usec_per_call="), std::string::npos);
  EXPECT_EQ(set.substr(set.find(",rejected_calls=")), ",rejected_calls=0,failed_calls=1");
  std::string get = Field(info, "cmdstat_config|get");
  EXPECT_EQ(get.substr(get.find(",rejected_calls=")), ",rejected_calls=1,failed_calls=0");
  EXPECT_EQ(get.rfind("calls=1,", 0), 0u);
  EXPECT_EQ(Field(info, "cmdstat_get"), "(none)");  // never called
}

TEST(InfoCommandTest, ErrorStatsByPrefix) {
  CommandTester t;
  EXPECT_EQ(t.RunBulk({"INFO", "errorstats"}), "# Errorstats\r\n");
  t.Run({"GET"});
  t.Run({"NOSUCH"});
  t.Run({"SET", "k", "v"});
  t.db().Add(store::NewObjectEntry("l", store::ValueType::kList, nullptr, false));
  t.Run({"GET", "l"});
  EXPECT_EQ(t.RunBulk({"INFO", "errorstats"}),
            "# Errorstats\r\nerrorstat_ERR:count=2\r\nerrorstat_WRONGTYPE:count=1\r\n");
  EXPECT_EQ(t.Run({"CONFIG", "RESETSTAT"}), "+OK\r\n");
  EXPECT_EQ(t.RunBulk({"INFO", "errorstats"}), "# Errorstats\r\n");
  t.db().Delete("l");
}

TEST(InfoCommandTest, InstantaneousOpsFromSamples) {
  CommandTester t;
  int64_t now = 1'000'000;
  SampleServerStats(t.state(), now);
  for (int i = 0; i < 16; ++i) {
    t.state().stats.total_commands_processed += 100;  // 1000 ops/s
    t.state().stats.total_net_input_bytes += 1024;    // 10 KiB/s
    now += 100;
    SampleServerStats(t.state(), now);
    SampleServerStats(t.state(), now + 50);  // too soon: ignored
  }
  std::string info = "\r\n" + t.RunBulk({"INFO", "stats"});
  EXPECT_EQ(Field(info, "instantaneous_ops_per_sec"), "1000");
  EXPECT_EQ(Field(info, "instantaneous_input_kbps"), "10.00");
}

TEST(TimeCommandTest, SecondsAndMicroseconds) {
  CommandTester t;
  std::vector<std::string> r = t.RunArray({"TIME"});
  ASSERT_EQ(r.size(), 2u);
  int64_t sec, usec;
  ASSERT_TRUE(util::ParseInt64(r[0], &sec));
  ASSERT_TRUE(util::ParseInt64(r[1], &usec));
  EXPECT_NEAR(static_cast<double>(sec), static_cast<double>(time(nullptr)), 2);
  EXPECT_GE(usec, 0);
  EXPECT_LT(usec, 1000000);
  EXPECT_EQ(t.RunError({"TIME", "x"}), "ERR wrong number of arguments for 'time' command");
}

TEST(LastSaveCommandTest, ReportsLastSaveTime) {
  CommandTester t;
  t.state().persistence.last_save_time = 1700000000;
  EXPECT_EQ(t.Run({"LASTSAVE"}), ":1700000000\r\n");
}

TEST(MonitorCommandTest, JoinsMonitorsOnce) {
  CommandTester t;
  EXPECT_EQ(t.Run({"MONITOR"}), "+OK\r\n");
  EXPECT_TRUE(t.client().flags & client_flag::kMonitor);
  ASSERT_EQ(t.state().sessions.monitors.size(), 1u);
  EXPECT_EQ(t.state().sessions.monitors[0], &t.client());
  EXPECT_EQ(t.Run({"MONITOR"}), "");  // already monitoring: no reply
  EXPECT_EQ(t.state().sessions.monitors.size(), 1u);
  t.state().sessions.monitors.clear();
}

TEST(ShutdownCommandTest, RequestsShutdownWithoutReply) {
  CommandTester t;
  int calls = 0;
  bool nosave = false;
  t.state().request_shutdown = [&](bool n) {
    ++calls;
    nosave = n;
  };
  EXPECT_EQ(t.Run({"SHUTDOWN"}), "");
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(nosave);
  EXPECT_EQ(t.Run({"SHUTDOWN", "nosave", "now", "force"}), "");
  EXPECT_TRUE(nosave);
  EXPECT_EQ(t.Run({"SHUTDOWN", "SAVE"}), "");
  EXPECT_FALSE(nosave);
  EXPECT_EQ(calls, 3);
}

TEST(ShutdownCommandTest, Errors) {
  CommandTester t;
  int calls = 0;
  t.state().request_shutdown = [&](bool) { ++calls; };
  EXPECT_EQ(t.RunError({"SHUTDOWN", "foo"}), "ERR syntax error");
  EXPECT_EQ(t.RunError({"SHUTDOWN", "SAVE", "NOSAVE"}), "ERR syntax error");
  EXPECT_EQ(t.RunError({"SHUTDOWN", "ABORT", "NOW"}), "ERR syntax error");
  EXPECT_EQ(t.RunError({"SHUTDOWN", "ABORT"}), "ERR No shutdown in progress.");
  EXPECT_EQ(calls, 0);
  t.state().request_shutdown = nullptr;
  EXPECT_EQ(t.RunError({"SHUTDOWN"}), "ERR Errors trying to SHUTDOWN. Check logs.");
}

class DebugCommandTest : public ::testing::Test {
 protected:
  void SetUp() override { t_.cfg().enable_debug_command = config::kAllowYes; }
  CommandTester t_;
};

TEST(DebugCommandRefusedTest, NeedsEnableDebugCommand) {
  CommandTester t;
  EXPECT_EQ(t.RunError({"DEBUG", "HELP"}),
            "ERR DEBUG command not allowed. If the enable-debug-command option is set to "
            "\"local\", you can run it from a local connection, otherwise you need to set this "
            "option in the configuration file, and then restart the server.");
}

TEST_F(DebugCommandTest, Object) {
  t_.Run({"SET", "n", "123"});
  t_.Run({"SET", "s", "hello"});
  t_.Run({"SET", "r", std::string(50, 'x')});
  std::string n = t_.Run({"DEBUG", "OBJECT", "n"});
  EXPECT_EQ(n.rfind("+Value at:0x", 0), 0u) << n;
  EXPECT_NE(n.find(" refcount:1 encoding:int serializedlength:2 lru:"), std::string::npos) << n;
  EXPECT_NE(n.find(" lru_seconds_idle:0\r\n"), std::string::npos) << n;
  EXPECT_NE(t_.Run({"DEBUG", "OBJECT", "s"}).find(" encoding:embstr serializedlength:6 "),
            std::string::npos);
  EXPECT_NE(t_.Run({"DEBUG", "OBJECT", "r"}).find(" encoding:raw serializedlength:51 "),
            std::string::npos);
  t_.AdvanceTime(7000);
  EXPECT_NE(t_.Run({"DEBUG", "OBJECT", "s"}).find(" lru_seconds_idle:7\r\n"), std::string::npos);
  EXPECT_EQ(t_.RunError({"DEBUG", "OBJECT", "nosuch"}), "ERR no such key");
}

TEST_F(DebugCommandTest, SleepLogErrorAndActiveExpire) {
  EXPECT_EQ(t_.Run({"DEBUG", "SLEEP", "0"}), "+OK\r\n");
  EXPECT_EQ(t_.Run({"DEBUG", "SLEEP", "0.001"}), "+OK\r\n");
  EXPECT_EQ(t_.Run({"DEBUG", "SLEEP", "abc"}), "+OK\r\n");  // strtod: 0
  EXPECT_EQ(t_.Run({"DEBUG", "LOG", "hello"}), "+OK\r\n");
  EXPECT_EQ(t_.Run({"DEBUG", "ERROR", "FOO bar\nbaz"}), "-FOO bar baz\r\n");
  EXPECT_EQ(t_.Run({"DEBUG", "SET-ACTIVE-EXPIRE", "0"}), "+OK\r\n");
  EXPECT_FALSE(t_.cfg().active_expire_enabled);
  EXPECT_EQ(t_.Run({"debug", "set-active-expire", "2"}), "+OK\r\n");
  EXPECT_TRUE(t_.cfg().active_expire_enabled);
}

TEST_F(DebugCommandTest, Populate) {
  t_.Run({"SET", "key:1", "mine"});
  EXPECT_EQ(t_.Run({"DEBUG", "POPULATE", "3"}), "+OK\r\n");
  EXPECT_EQ(t_.db().size(), 3u);
  EXPECT_EQ(t_.RunBulk({"GET", "key:0"}), "value:0");
  EXPECT_EQ(t_.RunBulk({"GET", "key:1"}), "mine");  // existing keys are kept
  EXPECT_EQ(t_.Run({"DEBUG", "POPULATE", "2", "p", "3"}), "+OK\r\n");
  EXPECT_EQ(t_.RunBulk({"GET", "p:1"}), "val");
  EXPECT_EQ(t_.Run({"DEBUG", "POPULATE", "1", "q", "10"}), "+OK\r\n");
  EXPECT_EQ(t_.RunBulk({"GET", "q:0"}), std::string("value:0\0\0\0", 10));
  EXPECT_EQ(t_.RunError({"DEBUG", "POPULATE", "-1"}),
            "ERR value is out of range, must be positive");
  EXPECT_EQ(t_.RunError({"DEBUG", "POPULATE", "a"}), "ERR value is out of range, must be positive");
  EXPECT_EQ(t_.RunError({"DEBUG", "POPULATE", "1", "x", "-1"}),
            "ERR value is out of range, must be positive");
}

TEST_F(DebugCommandTest, HelpAndErrors) {
  std::vector<std::string> help = t_.RunArray({"DEBUG", "HELP"});
  ASSERT_GE(help.size(), 3u);
  EXPECT_EQ(help.front(), "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  EXPECT_EQ(help.back(), "    Prints this help.");
  EXPECT_EQ(t_.RunError({"DEBUG", "foo"}),
            "ERR unknown subcommand or wrong number of arguments for 'foo'. Try DEBUG HELP.");
  EXPECT_EQ(t_.RunError({"debug", "Sleep"}),
            "ERR unknown subcommand or wrong number of arguments for 'Sleep'. Try DEBUG HELP.");
  EXPECT_EQ(t_.RunError({"DEBUG", "OBJECT", "k", "extra"}),
            "ERR unknown subcommand or wrong number of arguments for 'OBJECT'. Try DEBUG HELP.");
  EXPECT_EQ(t_.RunError({"DEBUG"}), "ERR wrong number of arguments for 'debug' command");
}

}  // namespace
}  // namespace redoubt::commands
