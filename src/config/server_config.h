// The live configuration values, typed, in one plain struct that the server reads directly on
// the hot path. Only config::Config writes it (file loading and CONFIG SET); the member
// initializers below equal the table defaults in config_table.cc (a unit test checks this).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace redoubt::config {

// loglevel (same numbering as util::LogLevel).
inline constexpr int kLogDebug = 0;
inline constexpr int kLogVerbose = 1;
inline constexpr int kLogNotice = 2;
inline constexpr int kLogWarning = 3;

// enable-debug-command, enable-protected-configs, enable-module-command.
inline constexpr int kAllowNo = 0;
inline constexpr int kAllowYes = 1;
inline constexpr int kAllowLocal = 2;

// appendfsync (Redis's AOF_FSYNC_* values).
inline constexpr int kFsyncNo = 0;
inline constexpr int kFsyncAlways = 1;
inline constexpr int kFsyncEverysec = 2;

// supervised.
inline constexpr int kSupervisedNo = 0;
inline constexpr int kSupervisedUpstart = 1;
inline constexpr int kSupervisedSystemd = 2;
inline constexpr int kSupervisedAuto = 3;

// tls-auth-clients.
inline constexpr int kTlsAuthNo = 0;
inline constexpr int kTlsAuthYes = 1;
inline constexpr int kTlsAuthOptional = 2;

// tls-auth-clients-user (Redoubt): which certificate field names the ACL user.
inline constexpr int kTlsUserOff = 0;
inline constexpr int kTlsUserCn = 1;
inline constexpr int kTlsUserSan = 2;

// acl-pubsub-default.
inline constexpr int kAclPubsubResetChannels = 0;
inline constexpr int kAclPubsubAllChannels = 1;

// shutdown-on-sigint / shutdown-on-sigterm bit flags ("default" is 0).
inline constexpr int kShutdownSave = 1;
inline constexpr int kShutdownNoSave = 2;
inline constexpr int kShutdownNow = 4;
inline constexpr int kShutdownForce = 8;

// notify-keyspace-events bits (Redis's NOTIFY_* values).
namespace notify {
inline constexpr int kKeyspace = 1 << 0;  // K
inline constexpr int kKeyevent = 1 << 1;  // E
inline constexpr int kGeneric = 1 << 2;   // g
inline constexpr int kString = 1 << 3;    // $
inline constexpr int kList = 1 << 4;      // l
inline constexpr int kSet = 1 << 5;       // s
inline constexpr int kHash = 1 << 6;      // h
inline constexpr int kZset = 1 << 7;      // z
inline constexpr int kExpired = 1 << 8;   // x
inline constexpr int kEvicted = 1 << 9;   // e
inline constexpr int kStream = 1 << 10;   // t
inline constexpr int kKeyMiss = 1 << 11;  // m
inline constexpr int kModule = 1 << 13;   // d
inline constexpr int kNew = 1 << 14;      // n
// 'A': every class except m and n.
inline constexpr int kAll =
    kGeneric | kString | kList | kSet | kHash | kZset | kExpired | kEvicted | kStream | kModule;
}  // namespace notify

// client-output-buffer-limit classes.
inline constexpr int kClientClassNormal = 0;
inline constexpr int kClientClassReplica = 1;
inline constexpr int kClientClassPubsub = 2;
inline constexpr int kClientClassCount = 3;

struct OutputBufferLimit {
  int64_t hard_limit_bytes = 0;
  int64_t soft_limit_bytes = 0;
  int64_t soft_limit_seconds = 0;
  bool operator==(const OutputBufferLimit&) const = default;
};

struct ServerConfig {
  // --- Network -------------------------------------------------------------------------------
  // Loopback only by default (Redis's default is "* -::*"). A leading '-' marks an address
  // that may fail to bind without stopping start-up.
  std::vector<std::string> bind = {"127.0.0.1", "-::1"};
  int port = 6379;
  bool protected_mode = true;
  std::string unixsocket;
  int unixsocketperm = 0;  // octal in the file, e.g. 700
  int tcp_backlog = 511;
  int timeout = 0;
  int tcp_keepalive = 300;
  int64_t maxclients = 10000;                 // 1..4294967295, as Redis
  int64_t tracking_table_max_keys = 1000000;  // keys remembered for client-side caching

  // --- TLS -----------------------------------------------------------------------------------
  int tls_port = 0;
  std::string tls_cert_file, tls_key_file, tls_key_file_pass;
  std::string tls_client_cert_file, tls_client_key_file, tls_client_key_file_pass;
  std::string tls_dh_params_file, tls_ca_cert_file, tls_ca_cert_dir;
  std::string tls_protocols, tls_ciphers, tls_ciphersuites;
  int tls_auth_clients = kTlsAuthYes;
  bool tls_replication = false;
  bool tls_prefer_server_ciphers = false;
  bool tls_session_caching = true;
  int tls_session_cache_size = 20480;
  int tls_session_cache_timeout = 300;
  int tls_auth_clients_user = kTlsUserOff;  // Redoubt
  int tls_auto_reload_interval = 0;         // Redoubt, seconds; 0 = off

  // --- General -------------------------------------------------------------------------------
  bool daemonize = false;
  int supervised = 0;  // kSupervised*: systemd readiness notification (sd_notify)
  std::string pidfile;
  std::string logfile;
  int loglevel = kLogNotice;
  bool always_show_logo = false;  // the start-up banner (server/banner.h)
  int databases = 16;
  std::string dir = "./";                 // after a `dir` directive: the absolute path
  std::string run_as_user, run_as_group;  // Redoubt: drop privileges after binding
  int hz = 10;                            // clamped to 1..500 as Redis does
  bool dynamic_hz = true;
  bool active_expire_enabled = true;  // Redoubt (Redis has it only as DEBUG SET-ACTIVE-EXPIRE)
  int active_expire_effort = 1;
  bool activerehashing = true;
  int shutdown_on_sigint = 0;  // kShutdown* bits
  int shutdown_on_sigterm = 0;
  int shutdown_timeout = 10;

  // --- Security ------------------------------------------------------------------------------
  std::string requirepass;
  std::string aclfile;
  int64_t acllog_max_len = 128;
  int acl_pubsub_default = kAclPubsubResetChannels;
  int enable_debug_command = kAllowNo;
  int enable_protected_configs = kAllowNo;
  int enable_module_command = kAllowNo;
  // rename-command lines in order: {command, new name}; an empty new name disables it.
  std::vector<std::pair<std::string, std::string>> rename_commands;
  // `user ...` lines, verbatim (trimmed), for the ACL module to parse with SplitArgs.
  std::vector<std::string> user_lines;

  // --- Security beyond Redis (Redoubt; see src/security/{auth_throttle,cidr,audit_log}.h) -----
  // Global client-network allow-list, checked at accept time; empty = every address.
  std::vector<std::string> allow_from;
  // The primaries REPLICAOF may name: host names and networks; empty = the replicaof of the
  // config file and loopback.
  std::vector<std::string> replicaof_allow;
  int64_t auth_max_failures = 10;  // failed AUTHs per source within the window; 0 = off
  int auth_failure_window = 60;    // seconds
  int64_t auth_backoff_base_ms = 1000;
  int64_t auth_backoff_max_ms = 60000;
  bool auth_throttle_exempt_loopback = false;
  int64_t auth_throttle_max_addresses = 65536;
  // Seconds a client that must authenticate may stay connected without doing so; 0 = forever.
  int auth_timeout = 10;
  std::string audit_log;  // JSON-lines audit trail; empty = off
  // Where requirepass / masterauth were read from at start-up (the secret itself is stored in
  // requirepass / masterauth). Kept so CONFIG GET and CONFIG REWRITE show the source, never the
  // secret.
  std::string requirepass_file, requirepass_env;
  std::string masterauth_file, masterauth_env;

  // --- Limits --------------------------------------------------------------------------------
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;
  int64_t client_query_buffer_limit = 1024LL * 1024 * 1024;
  std::array<OutputBufferLimit, kClientClassCount> client_output_buffer_limits = {{
      {0, 0, 0},
      {256LL * 1024 * 1024, 64LL * 1024 * 1024, 60},
      {32LL * 1024 * 1024, 8LL * 1024 * 1024, 60},
  }};
  int64_t maxmemory = 0;
  // Scripting: a script running longer than busy-reply-threshold ms lets other clients in
  // (with -BUSY); lua-memory-limit caps the Lua heap (256mb leaves room for scripts that read
  // big values while a runaway script cannot take the server's memory; 0 = no cap).
  int64_t busy_reply_threshold = 5000;
  int64_t lua_memory_limit = 256LL * 1024 * 1024;
  bool enable_scripting = true;
  int64_t maxmemory_clients = 0;  // bytes, or -N for N% of maxmemory; 0 = no client eviction
  std::string maxmemory_policy = "noeviction";
  int maxmemory_samples = 5;
  int maxmemory_eviction_tenacity = 10;
  int lfu_log_factor = 10;
  int lfu_decay_time = 1;
  bool lazyfree_lazy_eviction = false;
  bool lazyfree_lazy_expire = false;
  bool lazyfree_lazy_server_del = false;
  bool lazyfree_lazy_user_del = false;
  bool lazyfree_lazy_user_flush = false;

  // --- Snapshotting (RDB) --------------------------------------------------------------------
  // {seconds, changes} pairs; empty = no automatic snapshots.
  std::vector<std::pair<int64_t, int64_t>> save_params = {{3600, 1}, {300, 100}, {60, 10000}};
  bool stop_writes_on_bgsave_error = true;
  bool rdbcompression = true;
  bool rdbchecksum = true;
  std::string dbfilename = "dump.rdb";
  bool rdb_save_incremental_fsync = true;
  // sanitize-dump-payload: 0 no, 1 yes, 2 clients. Redoubt validates RDB and RESTORE input in
  // full whatever the value; the default is yes (Redis's is no), so CONFIG GET says so.
  int sanitize_dump_payload = 1;
  // Hidden test knobs, as Redis's: a delay per key saved / loaded (microseconds) and how often
  // a long load serves clients.
  int rdb_key_save_delay = 0;
  int key_load_delay = 0;
  int loading_process_events_interval_bytes = 2097152;

  // --- Append only file ----------------------------------------------------------------------
  bool appendonly = false;
  std::string appendfilename = "appendonly.aof";
  std::string appenddirname = "appendonlydir";
  int appendfsync = kFsyncEverysec;
  bool no_appendfsync_on_rewrite = false;
  int auto_aof_rewrite_percentage = 100;
  int64_t auto_aof_rewrite_min_size = 64LL * 1024 * 1024;
  bool aof_load_truncated = true;
  bool aof_use_rdb_preamble = true;
  bool aof_rewrite_incremental_fsync = true;

  // --- Replication ---------------------------------------------------------------------------
  std::string masterhost;  // replicaof; empty = this is a primary
  int masterport = 0;
  std::string masterauth;
  std::string masteruser;
  bool replica_serve_stale_data = true;
  bool replica_read_only = true;
  bool replica_ignore_maxmemory = true;
  bool replica_lazy_flush = false;
  bool repl_diskless_sync = true;
  int repl_diskless_sync_delay = 5;
  int repl_ping_replica_period = 10;
  int repl_timeout = 60;
  bool repl_disable_tcp_nodelay = false;
  int64_t repl_backlog_size = 1024 * 1024;
  int64_t repl_backlog_ttl = 3600;
  int replica_priority = 100;
  std::string replica_announce_ip;
  int replica_announce_port = 0;
  int min_replicas_to_write = 0;
  int min_replicas_max_lag = 10;

  // --- Monitoring and notifications ----------------------------------------------------------
  int64_t slowlog_log_slower_than = 10000;
  int64_t slowlog_max_len = 128;
  int64_t latency_monitor_threshold = 0;  // ms; 0: the latency monitor is off
  bool latency_tracking = true;           // per-command latency histograms
  int notify_keyspace_events = 0;         // notify::* bits

  // --- Encodings -----------------------------------------------------------------------------
  int64_t hash_max_listpack_entries = 512;
  int64_t hash_max_listpack_value = 64;
  int list_max_listpack_size = -2;
  int64_t set_max_intset_entries = 512;
  int64_t zset_max_listpack_entries = 128;
  int64_t zset_max_listpack_value = 64;
  int64_t stream_node_max_bytes = 4096;
  int64_t stream_node_max_entries = 100;
  int64_t hll_sparse_max_bytes = 3000;

  // --- Typed but not yet acted on (multi-argument forms) -------------------------------------
  std::array<int, 3> oom_score_adj_values = {0, 200, 800};
  // INFO latencystats prints these percentiles (latency-tracking-info-percentiles).
  std::vector<double> latency_tracking_info_percentiles = {50.0, 99.0, 99.9};

  // Every directive without a typed field above (rows flagged kNotYetActedOn): primary name ->
  // value in the canonical form CONFIG GET prints. Validated like the typed ones.
  std::map<std::string, std::string, std::less<>> other;
};

}  // namespace redoubt::config
