#include "config/config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "config/config_internal.h"

namespace redoubt::config {
namespace {

namespace fs = std::filesystem;

// CONFIG GET * of Debian's redis-server 7.0.15 with its built-in defaults (dir left out: it is
// the working directory).
const std::map<std::string, std::string> kRedis70Defaults = {
    {"acl-pubsub-default", "resetchannels"},
    {"aclfile", ""},
    {"acllog-max-len", "128"},
    {"active-defrag-cycle-max", "25"},
    {"active-defrag-cycle-min", "1"},
    {"active-defrag-ignore-bytes", "104857600"},
    {"active-defrag-max-scan-fields", "1000"},
    {"active-defrag-threshold-lower", "10"},
    {"active-defrag-threshold-upper", "100"},
    {"active-expire-effort", "1"},
    {"activedefrag", "no"},
    {"activerehashing", "yes"},
    {"always-show-logo", "no"},
    {"aof-disable-auto-gc", "no"},
    {"aof-load-truncated", "yes"},
    {"aof-rewrite-incremental-fsync", "yes"},
    {"aof-timestamp-enabled", "no"},
    {"aof-use-rdb-preamble", "yes"},
    {"aof_rewrite_cpulist", ""},
    {"appenddirname", "appendonlydir"},
    {"appendfilename", "appendonly.aof"},
    {"appendfsync", "everysec"},
    {"appendonly", "no"},
    {"auto-aof-rewrite-min-size", "67108864"},
    {"auto-aof-rewrite-percentage", "100"},
    {"bgsave_cpulist", ""},
    {"bind", "* -::*"},
    {"bind-source-addr", ""},
    {"bio_cpulist", ""},
    {"busy-reply-threshold", "5000"},
    {"client-output-buffer-limit",
     "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"},
    {"client-query-buffer-limit", "1073741824"},
    {"cluster-allow-pubsubshard-when-down", "yes"},
    {"cluster-allow-reads-when-down", "no"},
    {"cluster-allow-replica-migration", "yes"},
    {"cluster-announce-bus-port", "0"},
    {"cluster-announce-hostname", ""},
    {"cluster-announce-ip", ""},
    {"cluster-announce-port", "0"},
    {"cluster-announce-tls-port", "0"},
    {"cluster-config-file", "nodes.conf"},
    {"cluster-enabled", "no"},
    {"cluster-link-sendbuf-limit", "0"},
    {"cluster-migration-barrier", "1"},
    {"cluster-node-timeout", "15000"},
    {"cluster-port", "0"},
    {"cluster-preferred-endpoint-type", "ip"},
    {"cluster-replica-no-failover", "no"},
    {"cluster-replica-validity-factor", "10"},
    {"cluster-require-full-coverage", "yes"},
    {"cluster-slave-no-failover", "no"},
    {"cluster-slave-validity-factor", "10"},
    {"crash-log-enabled", "yes"},
    {"crash-memcheck-enabled", "yes"},
    {"daemonize", "no"},
    {"databases", "16"},
    {"dbfilename", "dump.rdb"},
    {"disable-thp", "yes"},
    {"dynamic-hz", "yes"},
    {"enable-debug-command", "no"},
    {"enable-module-command", "no"},
    {"enable-protected-configs", "no"},
    {"hash-max-listpack-entries", "512"},
    {"hash-max-listpack-value", "64"},
    {"hash-max-ziplist-entries", "512"},
    {"hash-max-ziplist-value", "64"},
    {"hll-sparse-max-bytes", "3000"},
    {"hz", "10"},
    {"ignore-warnings", ""},
    {"io-threads", "1"},
    {"io-threads-do-reads", "no"},
    {"jemalloc-bg-thread", "yes"},
    {"latency-monitor-threshold", "0"},
    {"latency-tracking", "yes"},
    {"latency-tracking-info-percentiles", "50 99 99.9"},
    {"lazyfree-lazy-eviction", "no"},
    {"lazyfree-lazy-expire", "no"},
    {"lazyfree-lazy-server-del", "no"},
    {"lazyfree-lazy-user-del", "no"},
    {"lazyfree-lazy-user-flush", "no"},
    {"lfu-decay-time", "1"},
    {"lfu-log-factor", "10"},
    {"list-compress-depth", "0"},
    {"list-max-listpack-size", "-2"},
    {"list-max-ziplist-size", "-2"},
    {"logfile", ""},
    {"loglevel", "notice"},
    {"lua-time-limit", "5000"},
    {"masterauth", ""},
    {"masteruser", ""},
    {"maxclients", "10000"},
    {"maxmemory", "0"},
    {"maxmemory-clients", "0"},
    {"maxmemory-eviction-tenacity", "10"},
    {"maxmemory-policy", "noeviction"},
    {"maxmemory-samples", "5"},
    {"min-replicas-max-lag", "10"},
    {"min-replicas-to-write", "0"},
    {"min-slaves-max-lag", "10"},
    {"min-slaves-to-write", "0"},
    {"no-appendfsync-on-rewrite", "no"},
    {"notify-keyspace-events", ""},
    {"oom-score-adj", "no"},
    {"oom-score-adj-values", "0 200 800"},
    {"pidfile", ""},
    {"port", "6379"},
    {"proc-title-template", "{title} {listen-addr} {server-mode}"},
    {"propagation-error-behavior", "ignore"},
    {"protected-mode", "yes"},
    {"proto-max-bulk-len", "536870912"},
    {"rdb-del-sync-files", "no"},
    {"rdb-save-incremental-fsync", "yes"},
    {"rdbchecksum", "yes"},
    {"rdbcompression", "yes"},
    {"repl-backlog-size", "1048576"},
    {"repl-backlog-ttl", "3600"},
    {"repl-disable-tcp-nodelay", "no"},
    {"repl-diskless-load", "disabled"},
    {"repl-diskless-sync", "yes"},
    {"repl-diskless-sync-delay", "5"},
    {"repl-diskless-sync-max-replicas", "0"},
    {"repl-ping-replica-period", "10"},
    {"repl-ping-slave-period", "10"},
    {"repl-timeout", "60"},
    {"replica-announce-ip", ""},
    {"replica-announce-port", "0"},
    {"replica-announced", "yes"},
    {"replica-ignore-disk-write-errors", "no"},
    {"replica-ignore-maxmemory", "yes"},
    {"replica-lazy-flush", "no"},
    {"replica-priority", "100"},
    {"replica-read-only", "yes"},
    {"replica-serve-stale-data", "yes"},
    {"replicaof", ""},
    {"requirepass", ""},
    {"sanitize-dump-payload", "no"},
    {"save", "3600 1 300 100 60 10000"},
    {"server_cpulist", ""},
    {"set-max-intset-entries", "512"},
    {"set-proc-title", "yes"},
    {"shutdown-on-sigint", "default"},
    {"shutdown-on-sigterm", "default"},
    {"shutdown-timeout", "10"},
    {"slave-announce-ip", ""},
    {"slave-announce-port", "0"},
    {"slave-ignore-maxmemory", "yes"},
    {"slave-lazy-flush", "no"},
    {"slave-priority", "100"},
    {"slave-read-only", "yes"},
    {"slave-serve-stale-data", "yes"},
    {"slaveof", ""},
    {"slowlog-log-slower-than", "10000"},
    {"slowlog-max-len", "128"},
    {"socket-mark-id", "0"},
    {"stop-writes-on-bgsave-error", "yes"},
    {"stream-node-max-bytes", "4096"},
    {"stream-node-max-entries", "100"},
    {"supervised", "no"},
    {"syslog-enabled", "no"},
    {"syslog-facility", "local0"},
    {"syslog-ident", "redis"},
    {"tcp-backlog", "511"},
    {"tcp-keepalive", "300"},
    {"timeout", "0"},
    {"tls-auth-clients", "yes"},
    {"tls-ca-cert-dir", ""},
    {"tls-ca-cert-file", ""},
    {"tls-cert-file", ""},
    {"tls-ciphers", ""},
    {"tls-ciphersuites", ""},
    {"tls-client-cert-file", ""},
    {"tls-client-key-file", ""},
    {"tls-client-key-file-pass", ""},
    {"tls-cluster", "no"},
    {"tls-dh-params-file", ""},
    {"tls-key-file", ""},
    {"tls-key-file-pass", ""},
    {"tls-port", "0"},
    {"tls-prefer-server-ciphers", "no"},
    {"tls-protocols", ""},
    {"tls-replication", "no"},
    {"tls-session-cache-size", "20480"},
    {"tls-session-cache-timeout", "300"},
    {"tls-session-caching", "yes"},
    {"tracking-table-max-keys", "1000000"},
    {"unixsocket", ""},
    {"unixsocketperm", "0"},
    {"zset-max-listpack-entries", "128"},
    {"zset-max-listpack-value", "64"},
    {"zset-max-ziplist-entries", "128"},
    {"zset-max-ziplist-value", "64"},
};

// Directives whose default Redoubt changes on purpose (README "Differences from Redis").
const std::map<std::string, std::string> kRedoubtDefaults = {
    {"bind", "127.0.0.1 -::1"},
    {"sanitize-dump-payload", "yes"},
};

const std::set<std::string> kRedoubtOnly = {"active-expire-enabled",
                                            "lua-memory-limit",
                                            "enable-scripting",
                                            "event-loop",
                                            "run-as-user",
                                            "run-as-group",
                                            "tls-auth-clients-user",
                                            "tls-auto-reload-interval",
                                            "requirepass-file",
                                            "requirepass-env",
                                            "masterauth-file",
                                            "replicaof-allow",
                                            "masterauth-env",
                                            "auth-max-failures",
                                            "auth-failure-window",
                                            "auth-backoff-base-ms",
                                            "auth-backoff-max-ms",
                                            "auth-throttle-exempt-loopback",
                                            "auth-throttle-max-addresses",
                                            "auth-timeout",
                                            "allow-from",
                                            "audit-log"};

// Setting `dir` chdir()s the process, as Redis does; the destructor returns to the directory
// the test started in, so later tests that read files relative to it still find them.
class TempDir {
 public:
  TempDir() : cwd_(fs::current_path()) {
    std::string tmpl = (fs::temp_directory_path() / "redoubt_config_test.XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::current_path(cwd_, ec);
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& text) const {
    const std::string file = path_ + "/" + name;
    std::ofstream(file) << text;
    return file;
  }

 private:
  fs::path cwd_;
  std::string path_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Value(const Config& c, std::string_view name) {
  return c.GetValue(name, /*reveal_sensitive=*/true).value_or("<unknown>");
}

std::string LoadError(std::string_view text) {
  Config c;
  Status s = c.LoadString(text, "test.conf");
  return s.ok() ? "<ok>" : s.message();
}

std::map<std::string, std::string> GetAll(const Config& c) {
  std::map<std::string, std::string> all;
  for (auto& [k, v] : c.Get("*", true)) all[k] = v;
  return all;
}

// --- The table -------------------------------------------------------------------------------

TEST(ConfigTableTest, AcceptsEveryRedis70DirectiveWithRedisDefaults) {
  Config c;
  auto ours = GetAll(c);
  for (const auto& [name, redis_default] : kRedis70Defaults) {
    ASSERT_NE(Config::Find(name), nullptr) << name;
    auto it = kRedoubtDefaults.find(name);
    const std::string& expected = it == kRedoubtDefaults.end() ? redis_default : it->second;
    EXPECT_EQ(ours[name], expected) << name;
  }
  // Everything else CONFIG GET * shows is Redoubt's own (or dir).
  for (const auto& [name, value] : ours) {
    if (kRedis70Defaults.count(name) || name == "dir") continue;
    EXPECT_TRUE(kRedoubtOnly.count(name)) << "unexpected directive " << name;
  }
  EXPECT_EQ(ours["dir"], fs::current_path().string());
}

TEST(ConfigTableTest, RowsAreWellFormed) {
  std::set<std::string> names;
  std::set<std::string> redoubt_only;
  for (const ConfigDef& def : Config::Defs()) {
    const std::string name(def.name);
    EXPECT_TRUE(names.insert(name).second) << "duplicate " << name;
    if (!def.alias.empty()) {
      EXPECT_TRUE(names.insert(std::string(def.alias)).second) << name;
    }
    for (char ch : name) {
      EXPECT_FALSE(ch >= 'A' && ch <= 'Z') << name;
    }
    EXPECT_EQ(Config::Find(name), &def);
    if (!def.alias.empty()) {
      EXPECT_EQ(Config::Find(def.alias), &def);
    }
    // Directives Redoubt has no typed field for cannot be acted on.
    if (def.IsGeneric()) {
      EXPECT_TRUE(def.Has(flag::kNotYetActedOn)) << name;
    }
    if (def.Has(flag::kRedoubtOnly)) redoubt_only.insert(name);
    if (std::holds_alternative<int ServerConfig::*>(def.binding) &&
        (def.type == ConfigType::kInt || def.type == ConfigType::kMemory)) {
      EXPECT_GE(def.min, INT_MIN) << name;
      EXPECT_LE(def.max, INT_MAX) << name;
    }
    if (def.type == ConfigType::kInt || def.type == ConfigType::kMemory) {
      EXPECT_LE(def.min, def.max) << name;
    }
    EXPECT_EQ(def.type == ConfigType::kSpecial,
              std::holds_alternative<const SpecialOps*>(def.binding))
        << name;
    if (def.type == ConfigType::kEnum) {
      EXPECT_FALSE(def.enum_values.empty()) << name;
    }
  }
  EXPECT_EQ(redoubt_only, kRedoubtOnly);
  EXPECT_EQ(Config::Find("SLAVE-READ-ONLY"), Config::Find("replica-read-only"));
  EXPECT_EQ(Config::Find("no-such-directive"), nullptr);
}

TEST(ConfigTableTest, ServerConfigInitializersEqualTableDefaults) {
  // Loading "name <default>" must not change anything: the struct's initializers and the
  // table's default column agree.
  const Config defaults;
  for (const ConfigDef& def : Config::Defs()) {
    if (def.name == "replicaof" || def.name == "dir") continue;  // no default line form
    Config c;
    const std::string line = std::string(def.name) + " " +
                             (def.default_value.empty() ? "\"\"" : std::string(def.default_value));
    Status s = c.LoadString(line, "defaults");
    ASSERT_TRUE(s.ok()) << s.message();
    EXPECT_EQ(Value(c, def.name), Value(defaults, def.name)) << def.name;
  }
}

// --- Parsing values --------------------------------------------------------------------------

TEST(ConfigParseTest, BooleansAreCaseInsensitive) {
  Config c;
  ASSERT_TRUE(c.LoadString("protected-mode NO\nappendonly Yes\n", "t").ok());
  EXPECT_FALSE(c.values().protected_mode);
  EXPECT_TRUE(c.values().appendonly);
  EXPECT_EQ(LoadError("daemonize maybe"),
            "test.conf:1: 'daemonize maybe': argument must be 'yes' or 'no'");
}

TEST(ConfigParseTest, IntegersUseRedisStrictRules) {
  Config c;
  ASSERT_TRUE(c.LoadString("maxclients 20\ntimeout 5\nlist-max-listpack-size -5", "t").ok());
  EXPECT_EQ(c.values().maxclients, 20);
  EXPECT_EQ(c.values().timeout, 5);
  EXPECT_EQ(c.values().list_max_listpack_size, -5);
  for (const char* bad : {"abc", "+5", " 5", "05", "5x", "-0", ""}) {
    EXPECT_EQ(LoadError("timeout \"" + std::string(bad) + "\""),
              "test.conf:1: 'timeout \"" + std::string(bad) +
                  "\"': argument couldn't be parsed into an integer")
        << bad;
  }
}

TEST(ConfigParseTest, Bounds) {
  EXPECT_EQ(LoadError("port 65536"),
            "test.conf:1: 'port 65536': argument must be between 0 and 65535 inclusive");
  EXPECT_EQ(LoadError("maxclients 0"),
            "test.conf:1: 'maxclients 0': argument must be between 1 and 4294967295 inclusive");
  EXPECT_EQ(LoadError("slowlog-log-slower-than -2"),
            "test.conf:1: 'slowlog-log-slower-than -2': argument must be between -1 and "
            "9223372036854775807 inclusive");
  EXPECT_EQ(LoadError("proto-max-bulk-len 1000"),
            "test.conf:1: 'proto-max-bulk-len 1000': argument must be between 1048576 and "
            "9223372036854775807 inclusive");
  Config c;
  ASSERT_TRUE(c.LoadString("maxclients 4294967295", "t").ok());
  EXPECT_EQ(c.values().maxclients, 4294967295LL);
}

TEST(ConfigParseTest, MemoryUnits) {
  Config c;
  ASSERT_TRUE(c.LoadString("maxmemory 1k", "t").ok());
  EXPECT_EQ(c.values().maxmemory, 1000);
  ASSERT_TRUE(c.LoadString("maxmemory 1kb", "t").ok());
  EXPECT_EQ(c.values().maxmemory, 1024);
  ASSERT_TRUE(c.LoadString("maxmemory 5MB", "t").ok());
  EXPECT_EQ(c.values().maxmemory, 5 * 1024 * 1024);
  ASSERT_TRUE(c.LoadString("maxmemory 2g", "t").ok());
  EXPECT_EQ(c.values().maxmemory, 2000000000);
  ASSERT_TRUE(c.LoadString("maxmemory 3Gb", "t").ok());
  EXPECT_EQ(c.values().maxmemory, 3LL << 30);
  EXPECT_EQ(Value(c, "maxmemory"), "3221225472");  // CONFIG GET prints plain bytes
  ASSERT_TRUE(c.LoadString("maxmemory 100b", "t").ok());
  EXPECT_EQ(c.values().maxmemory, 100);
  EXPECT_EQ(LoadError("maxmemory 1x"),
            "test.conf:1: 'maxmemory 1x': argument must be a memory value");
  EXPECT_EQ(LoadError("maxmemory -1"),
            "test.conf:1: 'maxmemory -1': argument must be a memory value");
  ASSERT_TRUE(c.LoadString("maxmemory-clients 10%", "t").ok());
  EXPECT_EQ(Value(c, "maxmemory-clients"), "10%");
  EXPECT_EQ(LoadError("maxmemory-clients 101%"),
            "test.conf:1: 'maxmemory-clients 101%': percentage argument must be less or equal to "
            "100");
  EXPECT_EQ(LoadError("maxmemory-clients x%"),
            "test.conf:1: 'maxmemory-clients x%': argument must be a memory or percent value");
}

TEST(ConfigParseTest, OctalAndEnums) {
  Config c;
  ASSERT_TRUE(
      c.LoadString("unixsocketperm 770\nloglevel WARNING\nmaxmemory-policy allkeys-LRU", "t").ok());
  EXPECT_EQ(c.values().unixsocketperm, 0770);
  EXPECT_EQ(Value(c, "unixsocketperm"), "770");
  EXPECT_EQ(c.values().loglevel, kLogWarning);
  EXPECT_EQ(Value(c, "loglevel"), "warning");
  EXPECT_EQ(c.values().maxmemory_policy, "allkeys-lru");
  EXPECT_EQ(LoadError("unixsocketperm 1777"),
            "test.conf:1: 'unixsocketperm 1777': argument must be between 0 and 777 inclusive");
  EXPECT_EQ(LoadError("unixsocketperm 9"),
            "test.conf:1: 'unixsocketperm 9': argument couldn't be parsed as an octal number");
  EXPECT_EQ(LoadError("loglevel loud"),
            "test.conf:1: 'loglevel loud': argument(s) must be one of the following: debug, "
            "verbose, notice, warning");
  // "yes" and "relative" are one value; Redis prints the first name.
  ASSERT_TRUE(c.LoadString("oom-score-adj relative", "t").ok());
  EXPECT_EQ(Value(c, "oom-score-adj"), "yes");
  ASSERT_TRUE(c.LoadString("tls-auth-clients-user cn", "t").ok());
  EXPECT_EQ(Value(c, "tls-auth-clients-user"), "CN");
  EXPECT_EQ(c.values().tls_auth_clients_user, kTlsUserCn);
}

TEST(ConfigParseTest, MultiArgumentEnum) {
  Config c;
  ASSERT_TRUE(c.LoadString("shutdown-on-sigint save now", "t").ok());
  EXPECT_EQ(c.values().shutdown_on_sigint, kShutdownSave | kShutdownNow);
  EXPECT_EQ(Value(c, "shutdown-on-sigint"), "save now");
  ASSERT_TRUE(c.LoadString("shutdown-on-sigint default nosave", "t").ok());
  EXPECT_EQ(Value(c, "shutdown-on-sigint"), "nosave");
  EXPECT_EQ(LoadError("shutdown-on-sigterm save nosave"),
            "test.conf:1: 'shutdown-on-sigterm save nosave': shutdown options SAVE and NOSAVE "
            "can't be used simultaneously");
}

TEST(ConfigParseTest, StringValidators) {
  EXPECT_EQ(LoadError("dbfilename a/b.rdb"),
            "test.conf:1: 'dbfilename a/b.rdb': dbfilename can't be a path, just a filename");
  EXPECT_EQ(LoadError("appendfilename \"\""),
            "test.conf:1: 'appendfilename \"\"': appendfilename can't be empty");
  EXPECT_EQ(LoadError("appenddirname ../x"),
            "test.conf:1: 'appenddirname ../x': appenddirname can't be a path, just a dirname");
  EXPECT_EQ(LoadError("cluster-announce-hostname a_b"),
            "test.conf:1: 'cluster-announce-hostname a_b': Hostnames may only contain "
            "alphanumeric characters, hyphens or dots");
  for (const char* bad : {"{title}", "{title", "{nope}", "  ", "{server-mode}"}) {
    EXPECT_NE(LoadError("proc-title-template \"" + std::string(bad) + "\""), "<ok>") << bad;
  }
  for (const char* good : {"{title} {port}", "x{{y", "a}", "{tls-port}"}) {
    EXPECT_EQ(LoadError("proc-title-template \"" + std::string(good) + "\""), "<ok>") << good;
  }
}

TEST(ConfigParseTest, QuotingFollowsSdssplitargs) {
  Config c;
  ASSERT_TRUE(c.LoadString("requirepass \"p a\\x41\\\"ss\"\nmasterauth 'it\\'s'\n"
                           "  logfile   \"\"  \r\n",
                           "t")
                  .ok());
  EXPECT_EQ(c.values().requirepass, "p aA\"ss");
  EXPECT_EQ(c.values().masterauth, "it's");
  EXPECT_EQ(c.values().logfile, "");
  EXPECT_EQ(LoadError("port \"6379\"x"),
            "test.conf:1: 'port \"6379\"x': Unbalanced quotes in configuration line");
}

TEST(ConfigParseTest, HzIsClampedLikeRedis) {
  Config c;
  ASSERT_TRUE(c.LoadString("hz 1000", "t").ok());
  EXPECT_EQ(c.values().hz, 500);
  ASSERT_TRUE(c.LoadString("hz 0", "t").ok());
  EXPECT_EQ(c.values().hz, 1);
}

// --- Loading files ---------------------------------------------------------------------------

TEST(ConfigLoadTest, CommentsBlankLinesAndCaseInsensitiveNames) {
  Config c;
  ASSERT_TRUE(
      c.LoadString("# comment\n\n   # indented comment\nPORT 7000\nMaxClients 9\n", "t").ok());
  EXPECT_EQ(c.values().port, 7000);
  EXPECT_EQ(c.values().maxclients, 9);
}

TEST(ConfigLoadTest, ErrorsNameFileAndLine) {
  TempDir dir;
  const std::string file =
      dir.Write("redoubt.conf", "# a comment\nport 7000\n\nmaxclients abc\nport 7001\n");
  Config c;
  Status s = c.LoadFile(file);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            file + ":4: 'maxclients abc': argument couldn't be parsed into an integer");
  EXPECT_EQ(LoadError("\n\nno-such-thing 1"),
            "test.conf:3: 'no-such-thing 1': Bad directive or wrong number of arguments");
  EXPECT_EQ(LoadError("port 1 2"), "test.conf:1: 'port 1 2': wrong number of arguments");
  EXPECT_EQ(LoadError("port"), "test.conf:1: 'port': wrong number of arguments");
  Status missing = Config().LoadFile(dir.path() + "/missing.conf");
  EXPECT_EQ(missing.message(),
            "can't open config file '" + dir.path() + "/missing.conf': No such file or directory");
}

TEST(ConfigLoadTest, SecretsAreRedactedFromErrors) {
  const std::string err = LoadError("requirepass hunter2 extra");
  EXPECT_EQ(err, "test.conf:1: 'requirepass (redacted)': wrong number of arguments");
  EXPECT_EQ(LoadError("masterauth \"hunter2"),
            "test.conf:1: 'masterauth (redacted)': Unbalanced quotes in configuration line");
  EXPECT_EQ(LoadError("user"),
            "test.conf:1: 'user (redacted)': Bad directive or wrong number "
            "of arguments");
}

TEST(ConfigLoadTest, Include) {
  TempDir dir;
  dir.Write("inner.conf", "port 7100\nmaxclients 77\n");
  fs::create_directory(dir.path() + "/conf.d");
  dir.Write("conf.d/a.conf", "timeout 11\n");
  dir.Write("conf.d/b.conf", "timeout 22\n");
  const std::string main_conf = dir.Write(
      "main.conf", "port 7000\ninclude " + dir.path() + "/inner.conf\ninclude " + dir.path() +
                       "/conf.d/*.conf\ninclude " + dir.path() + "/empty.d/*.conf\nport 7200\n");
  Config c;
  Status s = c.LoadFile(main_conf);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(c.values().port, 7200);
  EXPECT_EQ(c.values().maxclients, 77);
  EXPECT_EQ(c.values().timeout, 22);  // glob matches load in order

  // An error inside an included file names that file.
  dir.Write("bad.conf", "\ntimeout x\n");
  const std::string with_bad = dir.Write("with_bad.conf", "include " + dir.path() + "/bad.conf\n");
  EXPECT_EQ(Config().LoadFile(with_bad).message(),
            dir.path() + "/bad.conf:2: 'timeout x': argument couldn't be parsed into an integer");

  // A missing include names the include line.
  const std::string with_missing =
      dir.Write("with_missing.conf", "\ninclude " + dir.path() + "/nope.conf\n");
  EXPECT_EQ(Config().LoadFile(with_missing).message(),
            with_missing + ":2: 'include " + dir.path() + "/nope.conf': can't open config file '" +
                dir.path() + "/nope.conf': No such file or directory");

  // Relative includes follow `dir`, as Redis (which chdir()s) does.
  const std::string relative =
      dir.Write("relative.conf", "dir " + dir.path() + "\ninclude inner.conf\n");
  Config r;
  ASSERT_TRUE(r.LoadFile(relative).ok());
  EXPECT_EQ(r.values().maxclients, 77);
}

TEST(ConfigLoadTest, IncludeLoopIsBounded) {
  TempDir dir;
  const std::string loop = dir.Write("loop.conf", "include " + dir.path() + "/loop.conf\n");
  Status s = Config().LoadFile(loop);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("levels deep"), std::string::npos) << s.message();
}

TEST(ConfigLoadTest, SaveLinesAccumulateAndEmptyClears) {
  Config defaults;
  EXPECT_EQ(Value(defaults, "save"), "3600 1 300 100 60 10000");
  Config c;
  ASSERT_TRUE(c.LoadString("save 900 1\nsave 300 10 60 10000\n", "t").ok());
  EXPECT_EQ(Value(c, "save"), "900 1 300 10 60 10000");
  ASSERT_TRUE(c.LoadString("save \"\"\nsave 900 1\n", "t").ok());
  EXPECT_EQ(Value(c, "save"), "900 1");
  ASSERT_TRUE(c.LoadString("save 900 1\nsave \"\"\n", "t").ok());
  EXPECT_EQ(Value(c, "save"), "");
  EXPECT_TRUE(c.values().save_params.empty());
  EXPECT_EQ(LoadError("save 1 2 3"), "test.conf:1: 'save 1 2 3': Invalid save parameters");
  EXPECT_EQ(LoadError("save 0 1"), "test.conf:1: 'save 0 1': Invalid save parameters");
}

TEST(ConfigLoadTest, SpecialForms) {
  Config c;
  ASSERT_TRUE(c.LoadString("bind 10.0.0.1 -::1 192.168.1.1\n"
                           "client-output-buffer-limit replica 1mb 2mb 3\n"
                           "client-output-buffer-limit pubsub 1 2 3 normal 4 5 6\n"
                           "oom-score-adj-values 0 100 900\n"
                           "notify-keyspace-events \"Kx\"\n"
                           "slaveof 10.0.0.2 6380\n"
                           "latency-tracking-info-percentiles 50 99.99 100\n",
                           "t")
                  .ok());
  EXPECT_EQ(c.values().bind, (std::vector<std::string>{"10.0.0.1", "-::1", "192.168.1.1"}));
  EXPECT_EQ(Value(c, "bind"), "10.0.0.1 -::1 192.168.1.1");
  EXPECT_EQ(Value(c, "client-output-buffer-limit"),
            "normal 4 5 6 slave 1048576 2097152 3 pubsub 1 2 3");
  EXPECT_EQ(c.values().client_output_buffer_limits[kClientClassReplica].hard_limit_bytes, 1 << 20);
  EXPECT_EQ(Value(c, "oom-score-adj-values"), "0 100 900");
  EXPECT_EQ(Value(c, "notify-keyspace-events"), "xK");
  EXPECT_EQ(c.values().notify_keyspace_events, notify::kKeyspace | notify::kExpired);
  EXPECT_EQ(Value(c, "replicaof"), "10.0.0.2 6380");
  EXPECT_EQ(Value(c, "slaveof"), "10.0.0.2 6380");
  EXPECT_EQ(c.values().masterhost, "10.0.0.2");
  EXPECT_EQ(Value(c, "latency-tracking-info-percentiles"), "50 99.99 100");
  ASSERT_TRUE(c.LoadString("notify-keyspace-events KEA\nreplicaof no one\nbind \"\"", "t").ok());
  EXPECT_EQ(Value(c, "notify-keyspace-events"), "AKE");
  EXPECT_EQ(Value(c, "replicaof"), "");
  EXPECT_TRUE(c.values().bind.empty());

  EXPECT_EQ(LoadError("bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17"),
            "test.conf:1: 'bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17': Too many bind "
            "addresses specified.");
  EXPECT_EQ(LoadError("client-output-buffer-limit master 0 0 0"),
            "test.conf:1: 'client-output-buffer-limit master 0 0 0': Invalid client class "
            "specified in buffer limit configuration.");
  EXPECT_EQ(LoadError("client-output-buffer-limit normal 1 2"),
            "test.conf:1: 'client-output-buffer-limit normal 1 2': Wrong number of arguments in "
            "buffer limit configuration.");
  EXPECT_EQ(LoadError("client-output-buffer-limit normal 1mb 2 -1"),
            "test.conf:1: 'client-output-buffer-limit normal 1mb 2 -1': Error in hard, soft or "
            "soft_seconds setting in buffer limit configuration.");
  EXPECT_EQ(LoadError("oom-score-adj-values 1 2"),
            "test.conf:1: 'oom-score-adj-values 1 2': wrong number of arguments");
  EXPECT_EQ(LoadError("oom-score-adj-values 0 0 3000"),
            "test.conf:1: 'oom-score-adj-values 0 0 3000': Invalid oom-score-adj-values, "
            "elements must be between -2000 and 2000.");
  EXPECT_EQ(LoadError("notify-keyspace-events Q"),
            "test.conf:1: 'notify-keyspace-events Q': Invalid event class character. Use "
            "'Ag$lshzxeKEtmdn'.");
  EXPECT_EQ(LoadError("replicaof 127.0.0.1 abc"),
            "test.conf:1: 'replicaof 127.0.0.1 abc': Invalid master port");
  EXPECT_EQ(LoadError("dir /nonexistent/dir"),
            "test.conf:1: 'dir /nonexistent/dir': No such file or directory");
}

TEST(ConfigLoadTest, NonTableDirectives) {
  Config c;
  ASSERT_TRUE(c.LoadString("rename-command CONFIG \"\"\nrename-command FLUSHALL f1a9\n"
                           "user alice on >secret ~* +@all\n"
                           "user bob off\n"
                           "list-max-ziplist-entries 512\nlua-replicate-commands yes\n",
                           "t")
                  .ok());
  using Rename = std::pair<std::string, std::string>;
  EXPECT_EQ(c.values().rename_commands,
            (std::vector<Rename>{{"CONFIG", ""}, {"FLUSHALL", "f1a9"}}));
  EXPECT_EQ(c.values().user_lines,
            (std::vector<std::string>{"user alice on >secret ~* +@all", "user bob off"}));
  EXPECT_EQ(LoadError("loadmodule /x.so"),
            "test.conf:1: 'loadmodule /x.so': modules are not supported by Redoubt; remove the "
            "loadmodule line");
  EXPECT_NE(LoadError("mymodule.option 1").find("not supported"), std::string::npos);
  EXPECT_EQ(LoadError("sentinel monitor m 127.0.0.1 6379 2"),
            "test.conf:1: 'sentinel monitor m 127.0.0.1 6379 2': sentinel directive while not in "
            "sentinel mode (Redoubt has no sentinel)");
  EXPECT_EQ(LoadError("rename-command CONFIG"),
            "test.conf:1: 'rename-command CONFIG': Bad directive or wrong number of arguments");
  EXPECT_EQ(LoadError("lua-replicate-commands"),
            "test.conf:1: 'lua-replicate-commands': Bad directive or wrong number of arguments");
}

TEST(ConfigLoadTest, ReplicaofNotAllowedInClusterMode) {
  EXPECT_EQ(LoadError("cluster-enabled yes\nreplicaof 10.0.0.1 6379"),
            "replicaof directive not allowed in cluster mode");
}

TEST(ConfigLoadTest, LoadsDebianRedisConf) {
  const std::string path = "/etc/redis/redis.conf";
  if (!fs::exists(path)) GTEST_SKIP() << path << " is absent (Debian's redis-server package)";
  Config c;
  Status s = c.LoadFile(path);
  if (!s.ok() && geteuid() != 0 && s.message().find("'dir ") != std::string::npos) {
    GTEST_SKIP() << "not root, and Debian's dir is not accessible: " << s.message();
  }
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_TRUE(c.values().daemonize);
  EXPECT_EQ(c.values().bind, (std::vector<std::string>{"127.0.0.1", "-::1"}));
  EXPECT_EQ(c.values().auto_aof_rewrite_min_size, 64LL << 20);
}

// --- Command line ----------------------------------------------------------------------------

TEST(ConfigCommandLineTest, ParsesLikeRedisServer) {
  CommandLine cl = Config::ParseCommandLine(
      std::vector<std::string>{"conf/redoubt.conf", "--port", "6380", "--save", "--bind",
                               "127.0.0.1", "::1", "--maxmemory 1gb", "--requirepass", "a b\"c"});
  EXPECT_EQ(cl.config_file, (fs::current_path() / "conf/redoubt.conf").string());
  EXPECT_FALSE(cl.config_from_stdin);
  EXPECT_EQ(cl.options,
            "port \"6380\" \nsave \"\"\nbind \"127.0.0.1\" \"::1\" \nmaxmemory 1gb \n"
            "requirepass \"a b\\\"c\" ");

  cl = Config::ParseCommandLine(std::vector<std::string>{"--port", "7000", "--save"});
  EXPECT_EQ(cl.config_file, "");
  EXPECT_EQ(cl.options, "port \"7000\" \nsave \"\"");

  cl = Config::ParseCommandLine(std::vector<std::string>{"-", "--port", "7000"});
  EXPECT_TRUE(cl.config_from_stdin);
  cl = Config::ParseCommandLine(std::vector<std::string>{"--port", "7000", "-"});
  EXPECT_TRUE(cl.config_from_stdin);
  // A value that starts with "--" is taken as the value of the option before it.
  cl = Config::ParseCommandLine(std::vector<std::string>{"--ignore-warnings", "--x"});
  EXPECT_EQ(cl.options, "ignore-warnings \"--x\" ");
}

TEST(ConfigCommandLineTest, OptionsOverrideTheFile) {
  TempDir dir;
  const std::string file = dir.Write("r.conf", "port 7000\nsave 900 1\nmaxclients 5\n");
  Config c;
  Status s = c.LoadCommandLine(Config::ParseCommandLine(
      std::vector<std::string>{file, "--port", "7001", "--save", "", "--timeout", "3"}));
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(c.values().port, 7001);
  EXPECT_EQ(c.values().maxclients, 5);
  EXPECT_EQ(c.values().timeout, 3);
  EXPECT_TRUE(c.values().save_params.empty());
  EXPECT_EQ(c.config_file(), file);

  Config bad;
  s = bad.LoadCommandLine(
      Config::ParseCommandLine(std::vector<std::string>{file, "--maxclients", "abc"}));
  EXPECT_EQ(s.message(),
            "(command line):1: 'maxclients \"abc\"': argument couldn't be parsed into an "
            "integer");
}

// --- CONFIG GET ------------------------------------------------------------------------------

TEST(ConfigGetTest, PatternsNamesAndAliases) {
  Config c;
  auto r = c.Get("maxmemory*");
  std::map<std::string, std::string> m(r.begin(), r.end());
  EXPECT_EQ(m.size(), 5u);
  EXPECT_EQ(m["maxmemory"], "0");
  EXPECT_EQ(m["maxmemory-policy"], "noeviction");
  EXPECT_TRUE(m.count("maxmemory-clients"));
  // Aliases match on their own.
  r = c.Get("slave-read-only");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0], (std::pair<std::string, std::string>{"slave-read-only", "yes"}));
  r = c.Get("*slave*");
  m = {r.begin(), r.end()};
  EXPECT_TRUE(m.count("slaveof"));
  EXPECT_TRUE(m.count("slave-priority"));
  EXPECT_FALSE(m.count("replica-priority"));
  // An exact name comes back as spelled; a pattern is case-insensitive.
  r = c.Get("MAXCLIENTS");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].first, "MAXCLIENTS");
  EXPECT_EQ(c.Get("MAXCLIENT?").at(0).first, "maxclients");
  EXPECT_TRUE(c.Get("nothing-matches-*").empty());
  EXPECT_TRUE(c.Get("no-such").empty());
}

TEST(ConfigGetTest, SeveralPatternsAreDeduplicated) {
  Config c;
  std::vector<std::string_view> patterns = {"port", "p*rt", "port", "tls-port"};
  auto r = c.Get(patterns);
  std::vector<std::string> names;
  for (auto& [k, v] : r) names.push_back(k);
  EXPECT_EQ(names, (std::vector<std::string>{"port", "tls-port"}));
}

TEST(ConfigGetTest, HiddenOnlyByExactName) {
  Config c;
  EXPECT_TRUE(c.Get("key-load-*").empty());
  auto r = c.Get("key-load-delay");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].second, "0");
}

TEST(ConfigGetTest, SensitiveValuesAreRedacted) {
  Config c;
  EXPECT_EQ(c.Get("requirepass")[0].second, "");  // unset shows as empty
  ASSERT_TRUE(
      c.LoadString("requirepass s3cret\nmasterauth m4ster\ntls-key-file-pass k3y", "t").ok());
  EXPECT_EQ(c.Get("requirepass")[0].second, "(redacted)");
  EXPECT_EQ(c.Get("requirepass", /*reveal_sensitive=*/true)[0].second, "s3cret");
  for (auto& [k, v] : c.Get("*")) {
    EXPECT_EQ(v.find("s3cret"), std::string::npos) << k;
    EXPECT_EQ(v.find("m4ster"), std::string::npos) << k;
    EXPECT_EQ(v.find("k3y"), std::string::npos) << k;
  }
  EXPECT_EQ(c.GetValue("masterauth"), "(redacted)");
  EXPECT_EQ(c.GetValue("masterauth", true), "m4ster");
  EXPECT_EQ(c.GetValue("nope"), std::nullopt);
}

// --- CONFIG SET ------------------------------------------------------------------------------

TEST(ConfigSetTest, SetsTypedValues) {
  Config c;
  ASSERT_TRUE(c.Set({{"maxmemory", "100mb"},
                     {"maxmemory-policy", "allkeys-lru"},
                     {"SLAVE-READ-ONLY", "no"},
                     {"save", "100 1 200 2"}})
                  .ok());
  EXPECT_EQ(c.values().maxmemory, 100LL << 20);
  EXPECT_EQ(c.values().maxmemory_policy, "allkeys-lru");
  EXPECT_FALSE(c.values().replica_read_only);
  EXPECT_EQ(Value(c, "save"), "100 1 200 2");  // CONFIG SET save replaces
  ASSERT_TRUE(c.Set({{"save", ""}, {"bind", "127.0.0.1 ::1"}}).ok());
  EXPECT_TRUE(c.values().save_params.empty());
  EXPECT_EQ(c.values().bind, (std::vector<std::string>{"127.0.0.1", "::1"}));
  ASSERT_TRUE(c.Set({{"hz", "0"}}).ok());
  EXPECT_EQ(Value(c, "hz"), "1");
  ASSERT_TRUE(c.Set({{"lua-time-limit", "100"}}).ok());
  EXPECT_EQ(Value(c, "busy-reply-threshold"), "100");
}

TEST(ConfigSetTest, RedisErrorTexts) {
  Config c;
  EXPECT_EQ(c.Set({{"nosuch", "1"}}).message(),
            "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'");
  EXPECT_EQ(c.Set({{"daemonize", "yes"}}).message(),
            "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set "
            "immutable config");
  EXPECT_EQ(c.Set({{"Slaveof", "a 1"}}).message(),
            "ERR CONFIG SET failed (possibly related to argument 'Slaveof') - can't set "
            "immutable config");
  EXPECT_EQ(c.Set({{"dir", "/tmp"}}).message(),
            "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected "
            "config");
  EXPECT_EQ(c.Set({{"port", "7000"}, {"port", "7001"}}).message(),
            "ERR CONFIG SET failed (possibly related to argument 'port') - duplicate parameter");
  EXPECT_EQ(c.Set({{"replica-read-only", "no"}, {"slave-read-only", "no"}}).message(),
            "ERR CONFIG SET failed (possibly related to argument 'slave-read-only') - duplicate "
            "parameter");
  EXPECT_EQ(c.Set({{"maxmemory", "1x"}}).message(),
            "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be "
            "a memory value");
  EXPECT_EQ(c.Set({{"SLAVE-PRIORITY", "x"}}).message(),
            "ERR CONFIG SET failed (possibly related to argument 'slave-priority') - argument "
            "couldn't be parsed into an integer");
  EXPECT_EQ(c.Set({{"loglevel", "bad"}}).message(),
            "ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must "
            "be one of the following: debug, verbose, notice, warning");
  EXPECT_EQ(c.Set({{"save", "10"}}).message(),
            "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save "
            "parameters");
  EXPECT_EQ(c.Set({{"save", "100 1  200 2"}}).message(),  // two spaces: an empty word
            "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save "
            "parameters");
  EXPECT_EQ(c.Set({{"appendonly", "yes"}}, {.loading = true}).message(),
            "LOADING Redis is loading the dataset in memory");
  // The first problem wins.
  EXPECT_EQ(c.Set({{"daemonize", "yes"}, {"nosuch", "1"}}).message(),
            "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set "
            "immutable config");
}

TEST(ConfigSetTest, ProtectedConfigsFollowEnableProtectedConfigs) {
  TempDir dir;
  Config yes;
  ASSERT_TRUE(yes.LoadString("enable-protected-configs yes", "t").ok());
  ASSERT_TRUE(yes.Set({{"dir", dir.path()}, {"dbfilename", "x.rdb"}}).ok());
  EXPECT_EQ(yes.values().dir, fs::canonical(dir.path()).string());
  EXPECT_EQ(Value(yes, "dir"), fs::canonical(dir.path()).string());
  EXPECT_EQ(yes.values().dbfilename, "x.rdb");

  Config local;
  ASSERT_TRUE(local.LoadString("enable-protected-configs local", "t").ok());
  EXPECT_FALSE(local.Set({{"dbfilename", "x.rdb"}}).ok());
  EXPECT_TRUE(local.Set({{"dbfilename", "x.rdb"}}, {.local_client = true}).ok());
}

TEST(ConfigSetTest, AllOrNothing) {
  Config c;
  Status s = c.Set({{"maxmemory", "1mb"}, {"timeout", "10"}, {"maxclients", "abc"}});
  EXPECT_EQ(s.message(),
            "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument "
            "couldn't be parsed into an integer");
  EXPECT_EQ(c.values().maxmemory, 0);
  EXPECT_EQ(c.values().timeout, 0);
}

TEST(ConfigSetTest, HooksRunOnceAndFailuresRollBack) {
  Config c;
  int memory_calls = 0, net_calls = 0;
  std::vector<int> seen_timeouts;
  c.OnChange({"maxmemory", "maxmemory-policy"}, [&](const ServerConfig&) {
    ++memory_calls;
    return Status::Ok();
  });
  c.OnChange("timeout", [&](const ServerConfig& cfg) {
    ++net_calls;
    seen_timeouts.push_back(cfg.timeout);
    return cfg.timeout == 13 ? Status::Error("Unable to apply timeout 13") : Status::Ok();
  });

  ASSERT_TRUE(c.Set({{"maxmemory", "1mb"}, {"maxmemory-policy", "allkeys-lru"}}).ok());
  EXPECT_EQ(memory_calls, 1);  // one hook, two of its directives: one call
  ASSERT_TRUE(c.Set({{"maxmemory", "1mb"}}).ok());
  EXPECT_EQ(memory_calls, 1);  // unchanged value: no call

  ASSERT_TRUE(c.Set({{"timeout", "5"}}).ok());
  Status s = c.Set({{"maxmemory", "2mb"}, {"timeout", "13"}});
  EXPECT_EQ(s.message(),
            "ERR CONFIG SET failed (possibly related to argument 'timeout') - Unable to apply "
            "timeout 13");
  // Everything is back, and the hooks saw the restored values.
  EXPECT_EQ(c.values().maxmemory, 1 << 20);
  EXPECT_EQ(c.values().timeout, 5);
  EXPECT_EQ(seen_timeouts, (std::vector<int>{5, 13, 5}));
  EXPECT_EQ(memory_calls, 3);  // applied, then re-applied with the old value
}

// --- CONFIG REWRITE --------------------------------------------------------------------------

TEST(ConfigRewriteTest, KeepsCommentsRewritesInPlaceAndAppends) {
  TempDir dir;
  dir.Write("extra.conf", "");
  const std::string loadable =
      "# Top comment\n"
      "port 7000\n"
      "\n"
      "# Memory\n"
      "maxmemory 100mb\n"
      "maxmemory 200mb\n"
      "slave-read-only yes\n"
      "rename-command FLUSHALL \"\"\n"
      "include " +
      dir.path() +
      "/extra.conf\n"
      "save 900 1\n"
      "save 300 10\n";
  Config ok;
  ASSERT_TRUE(ok.LoadString(loadable, "r").ok());
  ASSERT_TRUE(ok.Set({{"maxmemory", "1gb"}, {"replica-read-only", "no"}, {"timeout", "30"}}).ok());
  // The file on disk also has a line that is no longer a directive: it becomes a comment.
  const std::string path = dir.Write("r.conf", loadable.substr(0, loadable.find("save 900")) +
                                                   "no-longer-a-directive 5\n" +
                                                   loadable.substr(loadable.find("save 900")));
  chmod(path.c_str(), 0640);
  ASSERT_TRUE(ok.Rewrite(path).ok());
  const std::string text = ReadFile(path);
  const std::string expected_head =
      "# Top comment\n"
      "port 7000\n"
      "\n"
      "# Memory\n"
      "maxmemory 1gb\n"
      "\n"
      "replica-read-only no\n"
      "rename-command FLUSHALL \"\"\n"
      "include " +
      dir.path() +
      "/extra.conf\n"
      "# ??? no-longer-a-directive 5\n"
      "save 900 1\n"
      "save 300 10\n"
      "\n"
      "# Generated by CONFIG REWRITE\n";
  EXPECT_EQ(text.substr(0, expected_head.size()), expected_head) << text;
  EXPECT_NE(text.find("\ntimeout 30\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\ndir \""), std::string::npos) << text;
  EXPECT_EQ(text.find("protected-mode"), std::string::npos) << "defaults are not appended";
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);

  // Rewriting again changes nothing.
  ASSERT_TRUE(ok.Rewrite(path).ok());
  EXPECT_EQ(ReadFile(path), text);
}

TEST(ConfigRewriteTest, RoundTrip) {
  TempDir dir;
  Config c;
  ASSERT_TRUE(c.LoadString("enable-protected-configs yes\nrename-command KEYS \"\"\n"
                           "user default on nopass ~* +@all\n",
                           "t")
                  .ok());
  ASSERT_TRUE(c.Set({{"maxmemory", "3000"},
                     {"save", ""},
                     {"bind", "10.0.0.1 -::1"},
                     {"client-output-buffer-limit", "pubsub 64mb 16mb 90 normal 1kb 0 0"},
                     {"notify-keyspace-events", "Ex"},
                     {"oom-score-adj-values", "-100 300 900"},
                     {"latency-tracking-info-percentiles", ""},
                     {"shutdown-on-sigterm", "nosave force"},
                     {"maxmemory-clients", "5%"},
                     {"proc-title-template", "{title} {port}"},
                     {"tls-ciphers", "HIGH:!aNULL"},
                     {"dir", dir.path()},
                     {"dbfilename", "my dump.rdb"},
                     {"cluster-node-timeout", "5000"},
                     {"hash-max-listpack-value", "1kb"}})
                  .ok());
  const std::string path = dir.path() + "/new.conf";
  ASSERT_TRUE(c.Rewrite(path).ok());
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);  // a new file is private: it may hold secrets

  Config reloaded;
  Status s = reloaded.LoadFile(path);
  ASSERT_TRUE(s.ok()) << s.message() << "\n" << ReadFile(path);
  EXPECT_EQ(GetAll(reloaded), GetAll(c)) << ReadFile(path);
  const std::string text = ReadFile(path);
  EXPECT_NE(text.find("client-output-buffer-limit normal 1kb 0 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("client-output-buffer-limit pubsub 64mb 16mb 90\n"), std::string::npos);
  EXPECT_EQ(text.find("client-output-buffer-limit replica"), std::string::npos);
  EXPECT_NE(text.find("save \"\"\n"), std::string::npos);
  EXPECT_NE(text.find("user default on nopass ~* +@all\n"), std::string::npos);
}

TEST(ConfigRewriteTest, UnsetStringsAndPrimaryDropTheirLines) {
  TempDir dir;
  const std::string path =
      dir.Write("r.conf", "requirepass old\nslaveof 10.0.0.1 6379\nunixsocket /tmp/x.sock\n");
  Config c;
  ASSERT_TRUE(c.LoadFile(path).ok());
  ASSERT_TRUE(c.Set({{"requirepass", ""}}).ok());
  c.mutable_values().masterhost.clear();  // REPLICAOF NO ONE
  auto text = c.RewriteText(path);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->find("requirepass"), std::string::npos) << *text;
  EXPECT_EQ(text->find("slaveof"), std::string::npos) << *text;
  EXPECT_EQ(text->find("replicaof"), std::string::npos) << *text;
  EXPECT_NE(text->find("unixsocket \"/tmp/x.sock\"\n"), std::string::npos) << *text;
}

// --- The shipped redoubt.conf ----------------------------------------------------------------

std::string ShippedConfPath() { return (fs::path(REDOUBT_SOURCE_DIR) / "redoubt.conf").string(); }

TEST(ShippedConfTest, ListsEveryDirective) {
  const std::string text = ReadFile(ShippedConfPath());
  ASSERT_FALSE(text.empty()) << ShippedConfPath();
  std::set<std::string> mentioned;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    // "name ..." or "# name ..." (a commented-out default).
    std::string_view rest = line;
    if (rest.starts_with("# ")) {
      rest.remove_prefix(2);
    } else if (rest.starts_with("#")) {
      rest.remove_prefix(1);
    }
    const std::string_view word = rest.substr(0, rest.find(' '));
    const bool is_name =
        !word.empty() &&
        word.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") == std::string_view::npos;
    if (is_name) mentioned.insert(std::string(word));
  }
  for (const ConfigDef& def : Config::Defs()) {
    EXPECT_TRUE(mentioned.count(std::string(def.name))) << def.name << " missing in redoubt.conf";
  }
  for (const char* other : {"include", "rename-command", "user", "loadmodule"}) {
    EXPECT_TRUE(mentioned.count(other)) << other;
  }
}

TEST(ShippedConfTest, LoadsWithSecureDefaults) {
  Config c;
  Status s = c.LoadFile(ShippedConfPath());
  ASSERT_TRUE(s.ok()) << s.message();
  const ServerConfig& v = c.values();
  EXPECT_EQ(v.bind, (std::vector<std::string>{"127.0.0.1", "-::1"}));
  EXPECT_TRUE(v.protected_mode);
  EXPECT_EQ(v.port, 6379);
  EXPECT_TRUE(v.requirepass.empty());
  EXPECT_EQ(v.enable_debug_command, kAllowNo);
  EXPECT_EQ(v.enable_protected_configs, kAllowNo);
  EXPECT_EQ(v.enable_module_command, kAllowNo);
  EXPECT_EQ(Value(c, "save"), "3600 1 300 100 60 10000");
  // Every uncommented line sets its default: the shipped file is the defaults, written out,
  // except that its users come from the ACL file `redoubt-server --init` creates in `dir`.
  EXPECT_EQ(v.aclfile, "users.acl");
  const Config defaults;
  EXPECT_EQ(defaults.values().aclfile, "");
  auto shipped = GetAll(c);
  shipped["aclfile"] = "";
  EXPECT_EQ(shipped, GetAll(defaults));
}

}  // namespace
}  // namespace redoubt::config
