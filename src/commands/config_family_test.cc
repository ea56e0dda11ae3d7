// CONFIG and its subcommands against an in-process server state: Redis 7.0.15's replies and
// error texts, with Redoubt's redaction of secrets.

#include <gtest/gtest.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "commands/test_util.h"
#include "util/log.h"

namespace redoubt::commands {
namespace {

using testing::CommandTester;

TEST(ConfigGetCommandTest, MapOfMatches) {
  CommandTester t;
  EXPECT_EQ(t.Run({"CONFIG", "GET", "port"}), "*2\r\n$4\r\nport\r\n$4\r\n6379\r\n");
  t.client().resp = 3;
  EXPECT_EQ(t.Run({"CONFIG", "GET", "port"}), "%1\r\n$4\r\nport\r\n$4\r\n6379\r\n");
  EXPECT_EQ(t.Run({"CONFIG", "GET", "nosuch"}), "%0\r\n");
  // Several patterns, each name once.
  std::vector<std::string> kv = t.RunArray({"CONFIG", "GET", "port", "maxmemory*", "port"});
  ASSERT_EQ(kv.size() % 2, 0u);
  EXPECT_EQ(kv[0], "port");
  EXPECT_EQ(std::count(kv.begin(), kv.end(), "port"), 1);
  EXPECT_NE(std::find(kv.begin(), kv.end(), "maxmemory-policy"), kv.end());
  EXPECT_EQ(t.RunError({"CONFIG", "GET"}),
            "ERR wrong number of arguments for 'config|get' command");
}

TEST(ConfigGetCommandTest, SecretsAreRedacted) {
  CommandTester t;
  t.client().authenticated = true;  // stays so after requirepass is set, as in Redis
  // Unset secrets read as empty, set ones as "(redacted)" (Redis would show the password).
  EXPECT_EQ(t.RunArray({"CONFIG", "GET", "requirepass"}),
            (std::vector<std::string>{"requirepass", ""}));
  EXPECT_EQ(t.Run({"CONFIG", "SET", "requirepass", "s3cret"}), "+OK\r\n");
  EXPECT_EQ(t.RunArray({"CONFIG", "GET", "requirepass"}),
            (std::vector<std::string>{"requirepass", "(redacted)"}));
  std::string all = t.Run({"CONFIG", "GET", "*"});
  EXPECT_EQ(all.find("s3cret"), std::string::npos);
  EXPECT_EQ(t.cfg().requirepass, "s3cret");
}

TEST(ConfigSetCommandTest, SetsValuesAtomically) {
  CommandTester t;
  EXPECT_EQ(t.Run({"CONFIG", "SET", "maxmemory", "10mb", "maxmemory-policy", "allkeys-lru"}),
            "+OK\r\n");
  EXPECT_EQ(t.cfg().maxmemory, 10 * 1024 * 1024);
  EXPECT_EQ(t.cfg().maxmemory_policy, "allkeys-lru");
  // One bad value: nothing changes.
  EXPECT_EQ(t.RunError({"CONFIG", "SET", "maxmemory", "20mb", "maxmemory-policy", "nosuch"}),
            "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) "
            "must be one of the following: volatile-lru, volatile-lfu, volatile-random, "
            "volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction");
  EXPECT_EQ(t.cfg().maxmemory, 10 * 1024 * 1024);
}

TEST(ConfigSetCommandTest, ErrorsLikeRedis) {
  CommandTester t;
  EXPECT_EQ(t.RunError({"CONFIG", "SET", "port"}),
            "ERR wrong number of arguments for 'config|set' command");
  EXPECT_EQ(t.RunError({"CONFIG", "SET", "port", "1", "2"}), "ERR syntax error");
  EXPECT_EQ(t.RunError({"CONFIG", "SET", "nosuch", "1"}),
            "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'");
  EXPECT_EQ(t.RunError({"CONFIG", "SET", "maxmemory", "10", "maxmemory", "20"}),
            "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate "
            "parameter");
  EXPECT_EQ(t.RunError({"CONFIG", "SET", "daemonize", "yes"}),
            "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set "
            "immutable config");
  EXPECT_EQ(t.RunError({"CONFIG", "SET", "maxmemory", "abc"}),
            "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be "
            "a memory value");
}

TEST(ConfigSetCommandTest, ProtectedConfigsFollowEnableProtectedConfigs) {
  CommandTester t;
  const char* kRefused =
      "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected "
      "config";
  EXPECT_EQ(t.RunError({"CONFIG", "SET", "dbfilename", "x.rdb"}), kRefused);
  t.cfg().enable_protected_configs = config::kAllowLocal;
  t.client().flags |= client_flag::kProtected;  // a non-loopback client
  EXPECT_EQ(t.RunError({"CONFIG", "SET", "dbfilename", "x.rdb"}), kRefused);
  t.client().flags &= ~client_flag::kProtected;
  EXPECT_EQ(t.Run({"CONFIG", "SET", "dbfilename", "x.rdb"}), "+OK\r\n");
  EXPECT_EQ(t.cfg().dbfilename, "x.rdb");
}

TEST(ConfigSetCommandTest, SecretArgumentsAreRedactedForMonitors) {
  CommandTester t;
  EXPECT_EQ(t.Run({"CONFIG", "SET", "maxmemory", "1mb", "requirepass", "pw"}), "+OK\r\n");
  EXPECT_EQ(t.client().redact_mask, 1ULL << 5);
}

TEST(ConfigResetStatCommandTest, ZeroesCounters) {
  CommandTester t;
  t.Run({"SET", "k", "v"});
  t.Run({"GET", "k"});
  t.Run({"GET", "nosuch"});
  t.Run({"GET"});  // rejected
  t.state().stats.total_connections_received = 7;
  ASSERT_GT(t.state().stats.total_commands_processed, 0u);
  EXPECT_EQ(t.Run({"CONFIG", "RESETSTAT"}), "+OK\r\n");
  const ServerStats& st = t.state().stats;
  EXPECT_EQ(st.total_connections_received, 0u);
  EXPECT_EQ(st.db.keyspace_hits, 0u);
  EXPECT_EQ(st.db.keyspace_misses, 0u);
  // Only RESETSTAT itself has been counted since (after it ran), as in Redis.
  EXPECT_EQ(st.total_commands_processed, 1u);
  const CommandSpec* get = CommandTable::Get().LookupCanonical("get");
  EXPECT_EQ(t.state().command_stats[get->id].calls, 0u);
  EXPECT_EQ(t.state().command_stats[get->id].rejected_calls, 0u);
  EXPECT_EQ(t.RunError({"CONFIG", "RESETSTAT", "x"}),
            "ERR wrong number of arguments for 'config|resetstat' command");
}

class ConfigRewriteCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/redoubt_config_rewrite_XXXXXX";
    int fd = mkstemp(tmpl);
    ASSERT_GE(fd, 0);
    close(fd);
    path_ = tmpl;
    std::ofstream(path_) << "# test config\nport 6379\n";
  }
  void TearDown() override { std::remove(path_.c_str()); }

  std::string ReadFile() {
    std::ifstream in(path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  std::string path_;
  CommandTester t_;
};

TEST_F(ConfigRewriteCommandTest, WithoutConfigFile) {
  EXPECT_EQ(t_.RunError({"CONFIG", "REWRITE"}), "ERR The server is running without a config file");
}

TEST_F(ConfigRewriteCommandTest, RewritesTheFile) {
  t_.state().config_file = path_;
  EXPECT_EQ(t_.Run({"CONFIG", "SET", "port", "7000", "maxmemory-policy", "allkeys-lru"}),
            "+OK\r\n");
  EXPECT_EQ(t_.Run({"CONFIG", "REWRITE"}), "+OK\r\n");
  std::string text = ReadFile();
  EXPECT_NE(text.find("# test config"), std::string::npos) << text;
  EXPECT_NE(text.find("port 7000"), std::string::npos) << text;
  EXPECT_EQ(text.find("port 6379"), std::string::npos) << text;
  EXPECT_NE(text.find("maxmemory-policy allkeys-lru"), std::string::npos) << text;
}

TEST(ConfigHelpCommandTest, HelpText) {
  CommandTester t;
  std::vector<std::string> help = t.RunArray({"CONFIG", "HELP"});
  ASSERT_EQ(help.size(), 11u);
  EXPECT_EQ(help[0], "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  EXPECT_EQ(help[1], "GET <pattern>");
  EXPECT_EQ(help[10], "    Prints this help.");
  EXPECT_EQ(t.RunError({"CONFIG", "foo"}), "ERR unknown subcommand 'foo'. Try CONFIG HELP.");
}

TEST(ConfigSetHooksTest, LoglevelChangesTheLogger) {
  CommandTester t;
  EXPECT_EQ(t.Run({"CONFIG", "SET", "loglevel", "warning"}), "+OK\r\n");
  EXPECT_FALSE(util::LogEnabled(util::LogLevel::kNotice));
  EXPECT_EQ(t.Run({"CONFIG", "SET", "loglevel", "debug"}), "+OK\r\n");
  EXPECT_TRUE(util::LogEnabled(util::LogLevel::kDebug));
  EXPECT_EQ(t.Run({"CONFIG", "SET", "loglevel", "notice"}), "+OK\r\n");
  EXPECT_FALSE(util::LogEnabled(util::LogLevel::kVerbose));
  EXPECT_TRUE(util::LogEnabled(util::LogLevel::kNotice));
}

TEST(ConfigSetHooksTest, DirChangesTheWorkingDirectory) {
  char old_cwd[PATH_MAX];
  ASSERT_NE(getcwd(old_cwd, sizeof(old_cwd)), nullptr);
  char tmpl[] = "/tmp/redoubt_config_dir_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  char real[PATH_MAX];
  ASSERT_NE(realpath(tmpl, real), nullptr);
  {
    CommandTester t;
    t.cfg().enable_protected_configs = config::kAllowYes;
    EXPECT_EQ(t.Run({"CONFIG", "SET", "dir", tmpl}), "+OK\r\n");
    char cwd[PATH_MAX];
    ASSERT_NE(getcwd(cwd, sizeof(cwd)), nullptr);
    EXPECT_STREQ(cwd, real);
  }
  ASSERT_EQ(chdir(old_cwd), 0);
  rmdir(tmpl);
}

}  // namespace
}  // namespace redoubt::commands
