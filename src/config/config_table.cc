// The config table: one row per directive, Redis 7.0.15's set plus Redoubt's own. Names,
// aliases, bounds, defaults and flags (immutable, protected, sensitive, ...) are Redis's; where
// a default differs (bind), server_config.h and the README say why.
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "config/config_internal.h"
#include "util/fd_limit.h"
#include "util/log.h"

namespace redoubt::config::internal {
namespace {

using S = ServerConfig;
using T = ConfigType;
using namespace flag;  // NOLINT(build/namespaces): the table reads better with short flag names

constexpr int64_t kIntMax = INT_MAX;
constexpr int64_t kIntMin = INT_MIN;
constexpr int64_t kUintMax = UINT_MAX;
constexpr int64_t kLongMax = INT64_MAX;  // LONG_MAX, LLONG_MAX, SSIZE_MAX on LP64
constexpr int64_t kMb = 1024 * 1024;

// Rows without a typed ServerConfig field are stored in ServerConfig::other.
constexpr uint32_t kGen = kNotYetActedOn;

constexpr EnumValue kLogLevels[] = {{"debug", kLogDebug},
                                    {"verbose", kLogVerbose},
                                    {"notice", kLogNotice},
                                    {"warning", kLogWarning}};
constexpr EnumValue kMaxmemoryPolicies[] = {
    {"volatile-lru", 0}, {"volatile-lfu", 1}, {"volatile-random", 2}, {"volatile-ttl", 3},
    {"allkeys-lru", 4},  {"allkeys-lfu", 5},  {"allkeys-random", 6},  {"noeviction", 7}};
constexpr EnumValue kSyslogFacilities[] = {{"user", 8},     {"local0", 128}, {"local1", 136},
                                           {"local2", 144}, {"local3", 152}, {"local4", 160},
                                           {"local5", 168}, {"local6", 176}, {"local7", 184}};
constexpr EnumValue kSupervisedModes[] = {{"upstart", 1}, {"systemd", 2}, {"auto", 3}, {"no", 0}};
constexpr EnumValue kAofFsync[] = {
    {"everysec", kFsyncEverysec}, {"always", kFsyncAlways}, {"no", kFsyncNo}};
constexpr EnumValue kReplDisklessLoad[] = {{"disabled", 0}, {"on-empty-db", 1}, {"swapdb", 2}};
constexpr EnumValue kTlsAuthClients[] = {
    {"no", kTlsAuthNo}, {"yes", kTlsAuthYes}, {"optional", kTlsAuthOptional}};
constexpr EnumValue kTlsAuthClientsUser[] = {
    {"off", kTlsUserOff}, {"CN", kTlsUserCn}, {"SAN", kTlsUserSan}};
constexpr EnumValue kEventLoop[] = {{"auto", 0}, {"io_uring", 1}, {"epoll", 2}};
constexpr EnumValue kOomScoreAdj[] = {{"no", 0}, {"yes", 1}, {"relative", 1}, {"absolute", 2}};
constexpr EnumValue kAclPubsubDefault[] = {{"allchannels", kAclPubsubAllChannels},
                                           {"resetchannels", kAclPubsubResetChannels}};
constexpr EnumValue kSanitizeDumpPayload[] = {{"no", 0}, {"yes", 1}, {"clients", 2}};
constexpr EnumValue kProtectedAction[] = {
    {"no", kAllowNo}, {"yes", kAllowYes}, {"local", kAllowLocal}};
constexpr EnumValue kClusterEndpointType[] = {{"ip", 0}, {"hostname", 1}, {"unknown-endpoint", 2}};
constexpr EnumValue kPropagationErrorBehavior[] = {
    {"ignore", 0}, {"panic", 1}, {"panic-on-replicas", 2}};
constexpr EnumValue kShutdownOnSignal[] = {{"default", 0},
                                           {"save", kShutdownSave},
                                           {"nosave", kShutdownNoSave},
                                           {"now", kShutdownNow},
                                           {"force", kShutdownForce}};

// clang-format off
const ConfigDef kTable[] = {
    // --- Network ---
    {.name = "bind", .type = T::kSpecial, .flags = kMultiArg,
     .default_value = "127.0.0.1 -::1", .binding = &kBindOps},
    {.name = "bind-source-addr", .type = T::kString, .flags = kGen | kEmptyIsUnset},
    {.name = "protected-mode", .type = T::kBool, .default_value = "yes",
     .binding = &S::protected_mode},
    {.name = "enable-protected-configs", .type = T::kEnum, .flags = kImmutable,
     .default_value = "no", .enum_values = kProtectedAction,
     .binding = &S::enable_protected_configs},
    {.name = "enable-debug-command", .type = T::kEnum, .flags = kImmutable, .default_value = "no",
     .enum_values = kProtectedAction, .binding = &S::enable_debug_command},
    {.name = "enable-module-command", .type = T::kEnum, .flags = kImmutable,
     .default_value = "no", .enum_values = kProtectedAction,
     .binding = &S::enable_module_command},
    {.name = "port", .type = T::kInt, .default_value = "6379", .min = 0, .max = 65535,
     .binding = &S::port},
    {.name = "tcp-backlog", .type = T::kInt, .flags = kImmutable, .default_value = "511",
     .min = 0, .max = kIntMax, .binding = &S::tcp_backlog},
    {.name = "unixsocket", .type = T::kString, .flags = kImmutable | kEmptyIsUnset,
     .binding = &S::unixsocket},
    {.name = "unixsocketperm", .type = T::kInt, .flags = kImmutable | kOctal,
     .default_value = "0", .min = 0, .max = 0777, .binding = &S::unixsocketperm},
    {.name = "timeout", .type = T::kInt, .default_value = "0", .min = 0, .max = kIntMax,
     .binding = &S::timeout},
    {.name = "tcp-keepalive", .type = T::kInt, .default_value = "300", .min = 0, .max = kIntMax,
     .binding = &S::tcp_keepalive},
    {.name = "socket-mark-id", .type = T::kInt, .flags = kImmutable | kGen,
     .default_value = "0", .min = 0, .max = kUintMax},

    // --- TLS ---
    {.name = "tls-port", .type = T::kInt, .default_value = "0", .min = 0, .max = 65535,
     .binding = &S::tls_port},
    {.name = "tls-cert-file", .type = T::kString, .flags = kEmptyIsUnset | kApplyUnchanged,
     .binding = &S::tls_cert_file},
    {.name = "tls-key-file", .type = T::kString, .flags = kEmptyIsUnset | kApplyUnchanged,
     .binding = &S::tls_key_file},
    {.name = "tls-key-file-pass", .type = T::kString, .flags = kEmptyIsUnset | kSensitive,
     .binding = &S::tls_key_file_pass},
    {.name = "tls-client-cert-file", .type = T::kString, .flags = kEmptyIsUnset | kApplyUnchanged,
     .binding = &S::tls_client_cert_file},
    {.name = "tls-client-key-file", .type = T::kString, .flags = kEmptyIsUnset | kApplyUnchanged,
     .binding = &S::tls_client_key_file},
    {.name = "tls-client-key-file-pass", .type = T::kString,
     .flags = kEmptyIsUnset | kSensitive, .binding = &S::tls_client_key_file_pass},
    {.name = "tls-dh-params-file", .type = T::kString, .flags = kEmptyIsUnset | kApplyUnchanged,
     .binding = &S::tls_dh_params_file},
    {.name = "tls-ca-cert-file", .type = T::kString, .flags = kEmptyIsUnset | kApplyUnchanged,
     .binding = &S::tls_ca_cert_file},
    {.name = "tls-ca-cert-dir", .type = T::kString, .flags = kEmptyIsUnset | kApplyUnchanged,
     .binding = &S::tls_ca_cert_dir},
    {.name = "tls-auth-clients", .type = T::kEnum, .default_value = "yes",
     .enum_values = kTlsAuthClients, .binding = &S::tls_auth_clients},
    {.name = "tls-auth-clients-user", .type = T::kEnum, .flags = kRedoubtOnly,
     .default_value = "off", .enum_values = kTlsAuthClientsUser,
     .binding = &S::tls_auth_clients_user},
    {.name = "tls-replication", .type = T::kBool, .default_value = "no",
     .binding = &S::tls_replication},
    {.name = "tls-cluster", .type = T::kBool, .flags = kGen, .default_value = "no"},
    {.name = "tls-protocols", .type = T::kString, .flags = kEmptyIsUnset,
     .binding = &S::tls_protocols},
    {.name = "tls-ciphers", .type = T::kString, .flags = kEmptyIsUnset,
     .binding = &S::tls_ciphers},
    {.name = "tls-ciphersuites", .type = T::kString, .flags = kEmptyIsUnset,
     .binding = &S::tls_ciphersuites},
    {.name = "tls-prefer-server-ciphers", .type = T::kBool, .default_value = "no",
     .binding = &S::tls_prefer_server_ciphers},
    {.name = "tls-session-caching", .type = T::kBool, .default_value = "yes",
     .binding = &S::tls_session_caching},
    {.name = "tls-session-cache-size", .type = T::kInt, .default_value = "20480", .min = 0,
     .max = kIntMax, .binding = &S::tls_session_cache_size},
    {.name = "tls-session-cache-timeout", .type = T::kInt, .default_value = "300", .min = 0,
     .max = kIntMax, .binding = &S::tls_session_cache_timeout},
    {.name = "tls-auto-reload-interval", .type = T::kInt, .flags = kRedoubtOnly,
     .default_value = "0", .min = 0, .max = kIntMax, .binding = &S::tls_auto_reload_interval},

    // --- General ---
    {.name = "daemonize", .type = T::kBool, .flags = kImmutable, .default_value = "no",
     .binding = &S::daemonize},
    {.name = "supervised", .type = T::kEnum, .flags = kImmutable, .default_value = "no",
     .enum_values = kSupervisedModes, .binding = &S::supervised},
    {.name = "pidfile", .type = T::kString, .flags = kImmutable | kEmptyIsUnset,
     .binding = &S::pidfile},
    {.name = "loglevel", .type = T::kEnum, .default_value = "notice",
     .enum_values = kLogLevels, .binding = &S::loglevel},
    {.name = "logfile", .type = T::kString, .flags = kImmutable, .binding = &S::logfile},
    {.name = "syslog-enabled", .type = T::kBool, .flags = kImmutable | kGen,
     .default_value = "no"},
    {.name = "syslog-ident", .type = T::kString, .flags = kImmutable | kGen,
     .default_value = "redis"},
    {.name = "syslog-facility", .type = T::kEnum, .flags = kImmutable | kGen,
     .default_value = "local0", .enum_values = kSyslogFacilities},
    {.name = "crash-log-enabled", .type = T::kBool, .flags = kGen, .default_value = "yes"},
    {.name = "crash-memcheck-enabled", .type = T::kBool, .flags = kGen, .default_value = "yes"},
    {.name = "databases", .type = T::kInt, .flags = kImmutable, .default_value = "16", .min = 1,
     .max = kIntMax, .binding = &S::databases},
    {.name = "always-show-logo", .type = T::kBool, .flags = kImmutable, .default_value = "no",
     .binding = &S::always_show_logo},
    {.name = "set-proc-title", .type = T::kBool, .flags = kImmutable | kGen,
     .default_value = "yes"},
    {.name = "proc-title-template", .type = T::kString, .flags = kGen,
     .default_value = "\"{title} {listen-addr} {server-mode}\"",
     .check_string = CheckProcTitleTemplate},
    {.name = "run-as-user", .type = T::kString, .flags = kImmutable | kRedoubtOnly,
     .binding = &S::run_as_user},
    {.name = "run-as-group", .type = T::kString, .flags = kImmutable | kRedoubtOnly,
     .binding = &S::run_as_group},

    // --- Snapshotting ---
    {.name = "save", .type = T::kSpecial, .flags = kMultiArg,
     .default_value = "3600 1 300 100 60 10000", .binding = &kSaveOps},
    {.name = "stop-writes-on-bgsave-error", .type = T::kBool, .default_value = "yes",
     .binding = &S::stop_writes_on_bgsave_error},
    {.name = "rdbcompression", .type = T::kBool, .default_value = "yes",
     .binding = &S::rdbcompression},
    {.name = "rdbchecksum", .type = T::kBool, .flags = kImmutable, .default_value = "yes",
     .binding = &S::rdbchecksum},
    {.name = "sanitize-dump-payload", .type = T::kEnum, .default_value = "yes",
     .enum_values = kSanitizeDumpPayload, .binding = &S::sanitize_dump_payload},
    {.name = "dbfilename", .type = T::kString, .flags = kProtected,
     .default_value = "dump.rdb", .binding = &S::dbfilename, .check_string = CheckDbFilename},
    {.name = "rdb-del-sync-files", .type = T::kBool, .flags = kGen, .default_value = "no"},
    {.name = "dir", .type = T::kSpecial, .flags = kProtected | kDenyLoading,
     .default_value = "./", .binding = &kDirOps},

    // --- Replication ---
    {.name = "replicaof", .alias = "slaveof", .type = T::kSpecial,
     .flags = kImmutable | kMultiArg, .binding = &kReplicaOfOps},
    {.name = "masterauth", .type = T::kString, .flags = kSensitive | kEmptyIsUnset,
     .binding = &S::masterauth},
    {.name = "masteruser", .type = T::kString, .flags = kSensitive | kEmptyIsUnset,
     .binding = &S::masteruser},
    {.name = "replica-serve-stale-data", .alias = "slave-serve-stale-data", .type = T::kBool,
     .default_value = "yes", .binding = &S::replica_serve_stale_data},
    {.name = "replica-read-only", .alias = "slave-read-only", .type = T::kBool,
     .default_value = "yes", .binding = &S::replica_read_only},
    {.name = "repl-diskless-sync", .type = T::kBool, .default_value = "yes",
     .binding = &S::repl_diskless_sync},
    {.name = "repl-diskless-sync-delay", .type = T::kInt, .default_value = "5", .min = 0,
     .max = kIntMax, .binding = &S::repl_diskless_sync_delay},
    {.name = "repl-diskless-sync-max-replicas", .type = T::kInt, .flags = kGen,
     .default_value = "0", .min = 0, .max = kIntMax},
    {.name = "repl-diskless-load", .type = T::kEnum, .flags = kDenyLoading | kGen,
     .default_value = "disabled", .enum_values = kReplDisklessLoad},
    {.name = "repl-ping-replica-period", .alias = "repl-ping-slave-period", .type = T::kInt,
     .default_value = "10", .min = 1, .max = kIntMax, .binding = &S::repl_ping_replica_period},
    {.name = "repl-timeout", .type = T::kInt, .default_value = "60", .min = 1, .max = kIntMax,
     .binding = &S::repl_timeout},
    {.name = "repl-disable-tcp-nodelay", .type = T::kBool, .default_value = "no",
     .binding = &S::repl_disable_tcp_nodelay},
    {.name = "repl-backlog-size", .type = T::kMemory, .default_value = "1mb", .min = 1,
     .max = kLongMax, .binding = &S::repl_backlog_size},
    {.name = "repl-backlog-ttl", .type = T::kInt, .default_value = "3600", .min = 0,
     .max = kLongMax, .binding = &S::repl_backlog_ttl},
    {.name = "replica-priority", .alias = "slave-priority", .type = T::kInt,
     .default_value = "100", .min = 0, .max = kIntMax, .binding = &S::replica_priority},
    {.name = "propagation-error-behavior", .type = T::kEnum, .flags = kGen,
     .default_value = "ignore", .enum_values = kPropagationErrorBehavior},
    {.name = "replica-ignore-disk-write-errors", .type = T::kBool, .flags = kGen,
     .default_value = "no"},
    {.name = "replica-announced", .type = T::kBool, .flags = kGen, .default_value = "yes"},
    {.name = "min-replicas-to-write", .alias = "min-slaves-to-write", .type = T::kInt,
     .default_value = "0", .min = 0, .max = kIntMax, .binding = &S::min_replicas_to_write},
    {.name = "min-replicas-max-lag", .alias = "min-slaves-max-lag", .type = T::kInt,
     .default_value = "10", .min = 0, .max = kIntMax, .binding = &S::min_replicas_max_lag},
    {.name = "replica-announce-ip", .alias = "slave-announce-ip", .type = T::kString,
     .flags = kEmptyIsUnset, .binding = &S::replica_announce_ip},
    {.name = "replica-announce-port", .alias = "slave-announce-port", .type = T::kInt,
     .default_value = "0", .min = 0, .max = 65535, .binding = &S::replica_announce_port},
    {.name = "tracking-table-max-keys", .type = T::kInt, .flags = kGen,
     .default_value = "1000000", .min = 0, .max = kLongMax,
     .binding = &S::tracking_table_max_keys},

    // --- Security ---
    {.name = "acllog-max-len", .type = T::kInt, .default_value = "128", .min = 0,
     .max = kLongMax, .binding = &S::acllog_max_len},
    {.name = "aclfile", .type = T::kString, .flags = kImmutable, .binding = &S::aclfile},
    {.name = "requirepass", .type = T::kString, .flags = kSensitive | kEmptyIsUnset,
     .binding = &S::requirepass},
    {.name = "acl-pubsub-default", .type = T::kEnum, .default_value = "resetchannels",
     .enum_values = kAclPubsubDefault, .binding = &S::acl_pubsub_default},
    // Secrets read from a file or the environment at start-up (config_special.cc).
    {.name = "requirepass-file", .type = T::kSpecial, .flags = kImmutable | kRedoubtOnly,
     .binding = &kRequirepassFileOps},
    {.name = "requirepass-env", .type = T::kSpecial, .flags = kImmutable | kRedoubtOnly,
     .binding = &kRequirepassEnvOps},
    {.name = "masterauth-file", .type = T::kSpecial, .flags = kImmutable | kRedoubtOnly,
     .binding = &kMasterauthFileOps},
    {.name = "masterauth-env", .type = T::kSpecial, .flags = kImmutable | kRedoubtOnly,
     .binding = &kMasterauthEnvOps},
    // AUTH brute-force defence (security/auth_throttle.h).
    {.name = "auth-max-failures", .type = T::kInt, .flags = kRedoubtOnly, .default_value = "10",
     .min = 0, .max = kIntMax, .binding = &S::auth_max_failures},
    {.name = "auth-failure-window", .type = T::kInt, .flags = kRedoubtOnly,
     .default_value = "60", .min = 1, .max = 86400, .binding = &S::auth_failure_window},
    {.name = "auth-backoff-base-ms", .type = T::kInt, .flags = kRedoubtOnly,
     .default_value = "1000", .min = 1, .max = 86400000, .binding = &S::auth_backoff_base_ms},
    {.name = "auth-backoff-max-ms", .type = T::kInt, .flags = kRedoubtOnly,
     .default_value = "60000", .min = 1, .max = 86400000, .binding = &S::auth_backoff_max_ms},
    {.name = "auth-throttle-exempt-loopback", .type = T::kBool, .flags = kRedoubtOnly,
     .default_value = "no", .binding = &S::auth_throttle_exempt_loopback},
    {.name = "auth-throttle-max-addresses", .type = T::kInt, .flags = kRedoubtOnly,
     .default_value = "65536", .min = 1, .max = 16777216,
     .binding = &S::auth_throttle_max_addresses},
    {.name = "auth-timeout", .type = T::kInt, .flags = kRedoubtOnly, .default_value = "10",
     .min = 0, .max = 86400, .binding = &S::auth_timeout},
    // Source-address allow-list (security/cidr.h) and audit trail (security/audit_log.h).
    {.name = "allow-from", .type = T::kSpecial, .flags = kMultiArg | kRedoubtOnly,
     .binding = &kAllowFromOps},
    {.name = "replicaof-allow", .type = T::kSpecial,
     .flags = kMultiArg | kProtected | kRedoubtOnly,
     .binding = &kReplicaOfAllowOps},
    {.name = "audit-log", .type = T::kString, .flags = kProtected | kEmptyIsUnset | kRedoubtOnly,
     .binding = &S::audit_log},

    // --- Clients and memory management ---
    {.name = "maxclients", .type = T::kInt, .default_value = "10000", .min = 1,
     .max = kUintMax, .binding = &S::maxclients},
    {.name = "maxmemory", .type = T::kMemory, .default_value = "0", .min = 0, .max = kLongMax,
     .binding = &S::maxmemory},
    {.name = "maxmemory-policy", .type = T::kEnum, .default_value = "noeviction",
     .enum_values = kMaxmemoryPolicies, .binding = &S::maxmemory_policy},
    {.name = "maxmemory-samples", .type = T::kInt, .default_value = "5", .min = 1,
     .max = kIntMax, .binding = &S::maxmemory_samples},
    {.name = "maxmemory-eviction-tenacity", .type = T::kInt, .default_value = "10", .min = 0,
     .max = 100, .binding = &S::maxmemory_eviction_tenacity},
    {.name = "replica-ignore-maxmemory", .alias = "slave-ignore-maxmemory", .type = T::kBool,
     .default_value = "yes", .binding = &S::replica_ignore_maxmemory},
    {.name = "active-expire-effort", .type = T::kInt, .default_value = "1", .min = 1, .max = 10,
     .binding = &S::active_expire_effort},
    {.name = "active-expire-enabled", .type = T::kBool, .flags = kRedoubtOnly,
     .default_value = "yes", .binding = &S::active_expire_enabled},

    // --- Lazy freeing ---
    {.name = "lazyfree-lazy-eviction", .type = T::kBool, .default_value = "no",
     .binding = &S::lazyfree_lazy_eviction},
    {.name = "lazyfree-lazy-expire", .type = T::kBool, .default_value = "no",
     .binding = &S::lazyfree_lazy_expire},
    {.name = "lazyfree-lazy-server-del", .type = T::kBool, .default_value = "no",
     .binding = &S::lazyfree_lazy_server_del},
    {.name = "replica-lazy-flush", .alias = "slave-lazy-flush", .type = T::kBool,
     .default_value = "no", .binding = &S::replica_lazy_flush},
    {.name = "lazyfree-lazy-user-del", .type = T::kBool, .default_value = "no",
     .binding = &S::lazyfree_lazy_user_del},
    {.name = "lazyfree-lazy-user-flush", .type = T::kBool, .default_value = "no",
     .binding = &S::lazyfree_lazy_user_flush},

    // --- Threaded I/O, kernel ---
    // Read once at start-up by the server (config->GetValue), hence no typed field.
    {.name = "event-loop", .type = T::kEnum, .flags = kImmutable | kRedoubtOnly | kGen,
     .default_value = "auto", .enum_values = kEventLoop},
    {.name = "io-threads", .type = T::kInt, .flags = kImmutable | kGen, .default_value = "1",
     .min = 1, .max = 128},
    {.name = "io-threads-do-reads", .type = T::kBool, .flags = kImmutable | kGen,
     .default_value = "no"},
    {.name = "oom-score-adj", .type = T::kEnum, .flags = kGen, .default_value = "no",
     .enum_values = kOomScoreAdj},
    {.name = "oom-score-adj-values", .type = T::kSpecial, .flags = kMultiArg | kNotYetActedOn,
     .default_value = "0 200 800", .binding = &kOomScoreAdjValuesOps},
    {.name = "disable-thp", .type = T::kBool, .flags = kImmutable | kGen,
     .default_value = "yes"},

    // --- Append only file ---
    {.name = "appendonly", .type = T::kBool, .flags = kDenyLoading, .default_value = "no",
     .binding = &S::appendonly},
    {.name = "appendfilename", .type = T::kString, .flags = kImmutable,
     .default_value = "appendonly.aof", .binding = &S::appendfilename,
     .check_string = CheckAofFilename},
    {.name = "appenddirname", .type = T::kString, .flags = kImmutable,
     .default_value = "appendonlydir", .binding = &S::appenddirname,
     .check_string = CheckAofDirname},
    {.name = "appendfsync", .type = T::kEnum, .default_value = "everysec",
     .enum_values = kAofFsync, .binding = &S::appendfsync},
    {.name = "no-appendfsync-on-rewrite", .type = T::kBool, .default_value = "no",
     .binding = &S::no_appendfsync_on_rewrite},
    {.name = "auto-aof-rewrite-percentage", .type = T::kInt, .default_value = "100", .min = 0,
     .max = kIntMax, .binding = &S::auto_aof_rewrite_percentage},
    {.name = "auto-aof-rewrite-min-size", .type = T::kMemory, .default_value = "64mb",
     .min = 0, .max = kLongMax, .binding = &S::auto_aof_rewrite_min_size},
    {.name = "aof-load-truncated", .type = T::kBool, .default_value = "yes",
     .binding = &S::aof_load_truncated},
    {.name = "aof-use-rdb-preamble", .type = T::kBool, .default_value = "yes",
     .binding = &S::aof_use_rdb_preamble},
    {.name = "aof-timestamp-enabled", .type = T::kBool, .flags = kGen, .default_value = "no"},
    {.name = "aof-disable-auto-gc", .type = T::kBool, .flags = kGen, .default_value = "no"},

    // --- Shutdown ---
    {.name = "shutdown-timeout", .type = T::kInt, .default_value = "10", .min = 0,
     .max = kIntMax, .binding = &S::shutdown_timeout},
    {.name = "shutdown-on-sigint", .type = T::kEnum, .flags = kMultiArg,
     .default_value = "default", .enum_values = kShutdownOnSignal,
     .binding = &S::shutdown_on_sigint, .check_number = CheckShutdownFlags},
    {.name = "shutdown-on-sigterm", .type = T::kEnum, .flags = kMultiArg,
     .default_value = "default", .enum_values = kShutdownOnSignal,
     .binding = &S::shutdown_on_sigterm, .check_number = CheckShutdownFlags},

    // --- Long blocking commands ---
    {.name = "busy-reply-threshold", .alias = "lua-time-limit", .type = T::kInt,
     .default_value = "5000", .min = 0, .max = kLongMax, .binding = &S::busy_reply_threshold},
    // Redoubt: the Lua heap cap (0 = none); a script that reaches it gets an error.
    // Redoubt: scripting can be switched off entirely (EVAL, FCALL, SCRIPT LOAD and
    // FUNCTION LOAD then fail); on by default because clients' lock helpers need it.
    {.name = "enable-scripting", .type = T::kBool, .flags = kRedoubtOnly, .default_value = "yes",
     .binding = &S::enable_scripting},
    {.name = "lua-memory-limit", .type = T::kMemory, .flags = kRedoubtOnly,
     .default_value = "256mb", .min = 0,
     .max = kLongMax, .binding = &S::lua_memory_limit},

    // --- Cluster (Redoubt runs standalone: all stored, none acted on) ---
    {.name = "cluster-enabled", .type = T::kBool, .flags = kImmutable | kGen,
     .default_value = "no"},
    {.name = "cluster-config-file", .type = T::kString, .flags = kImmutable | kGen,
     .default_value = "nodes.conf"},
    {.name = "cluster-node-timeout", .type = T::kInt, .flags = kGen, .default_value = "15000",
     .min = 0, .max = kLongMax},
    {.name = "cluster-port", .type = T::kInt, .flags = kImmutable | kGen, .default_value = "0",
     .min = 0, .max = 65535},
    {.name = "cluster-replica-validity-factor", .alias = "cluster-slave-validity-factor",
     .type = T::kInt, .flags = kGen, .default_value = "10", .min = 0, .max = kIntMax},
    {.name = "cluster-migration-barrier", .type = T::kInt, .flags = kGen, .default_value = "1",
     .min = 0, .max = kIntMax},
    {.name = "cluster-allow-replica-migration", .type = T::kBool, .flags = kGen,
     .default_value = "yes"},
    {.name = "cluster-require-full-coverage", .type = T::kBool, .flags = kGen,
     .default_value = "yes"},
    {.name = "cluster-replica-no-failover", .alias = "cluster-slave-no-failover",
     .type = T::kBool, .flags = kGen, .default_value = "no"},
    {.name = "cluster-allow-reads-when-down", .type = T::kBool, .flags = kGen,
     .default_value = "no"},
    {.name = "cluster-allow-pubsubshard-when-down", .type = T::kBool, .flags = kGen,
     .default_value = "yes"},
    {.name = "cluster-link-sendbuf-limit", .type = T::kMemory, .flags = kGen,
     .default_value = "0", .min = 0, .max = kLongMax},
    {.name = "cluster-announce-hostname", .type = T::kString, .flags = kGen | kEmptyIsUnset,
     .check_string = CheckAnnouncedHostname},
    {.name = "cluster-preferred-endpoint-type", .type = T::kEnum, .flags = kGen,
     .default_value = "ip", .enum_values = kClusterEndpointType},
    {.name = "cluster-announce-ip", .type = T::kString, .flags = kGen | kEmptyIsUnset},
    {.name = "cluster-announce-port", .type = T::kInt, .flags = kGen, .default_value = "0",
     .min = 0, .max = 65535},
    {.name = "cluster-announce-tls-port", .type = T::kInt, .flags = kGen, .default_value = "0",
     .min = 0, .max = 65535},
    {.name = "cluster-announce-bus-port", .type = T::kInt, .flags = kGen, .default_value = "0",
     .min = 0, .max = 65535},

    // --- Slow log, latency monitor and tracking, notifications ---
    {.name = "slowlog-log-slower-than", .type = T::kInt, .default_value = "10000", .min = -1,
     .max = kLongMax, .binding = &S::slowlog_log_slower_than},
    {.name = "slowlog-max-len", .type = T::kInt, .default_value = "128", .min = 0,
     .max = kLongMax, .binding = &S::slowlog_max_len},
    {.name = "latency-monitor-threshold", .type = T::kInt, .default_value = "0", .min = 0,
     .max = kLongMax, .binding = &S::latency_monitor_threshold},
    {.name = "latency-tracking", .type = T::kBool, .default_value = "yes",
     .binding = &S::latency_tracking},
    {.name = "latency-tracking-info-percentiles", .type = T::kSpecial,
     .flags = kMultiArg, .default_value = "50 99 99.9",
     .binding = &kLatencyPercentilesOps},
    {.name = "notify-keyspace-events", .type = T::kSpecial, .default_value = "\"\"",
     .binding = &kNotifyKeyspaceEventsOps},

    // --- Advanced: encodings ---
    {.name = "hash-max-listpack-entries", .alias = "hash-max-ziplist-entries", .type = T::kInt,
     .default_value = "512", .min = 0, .max = kLongMax,
     .binding = &S::hash_max_listpack_entries},
    {.name = "hash-max-listpack-value", .alias = "hash-max-ziplist-value", .type = T::kMemory,
     .default_value = "64", .min = 0, .max = kLongMax, .binding = &S::hash_max_listpack_value},
    {.name = "list-max-listpack-size", .alias = "list-max-ziplist-size", .type = T::kInt,
     .default_value = "-2", .min = kIntMin, .max = kIntMax,
     .binding = &S::list_max_listpack_size},
    {.name = "list-compress-depth", .type = T::kInt, .flags = kGen, .default_value = "0",
     .min = 0, .max = kIntMax},
    {.name = "set-max-intset-entries", .type = T::kInt, .default_value = "512", .min = 0,
     .max = kLongMax, .binding = &S::set_max_intset_entries},
    {.name = "zset-max-listpack-entries", .alias = "zset-max-ziplist-entries", .type = T::kInt,
     .default_value = "128", .min = 0, .max = kLongMax,
     .binding = &S::zset_max_listpack_entries},
    {.name = "zset-max-listpack-value", .alias = "zset-max-ziplist-value", .type = T::kMemory,
     .default_value = "64", .min = 0, .max = kLongMax, .binding = &S::zset_max_listpack_value},
    {.name = "hll-sparse-max-bytes", .type = T::kMemory, .default_value = "3000", .min = 0,
     .max = kLongMax, .binding = &S::hll_sparse_max_bytes},
    {.name = "stream-node-max-bytes", .type = T::kMemory,
     .default_value = "4096", .min = 0, .max = kLongMax, .binding = &S::stream_node_max_bytes},
    {.name = "stream-node-max-entries", .type = T::kInt, .default_value = "100",
     .min = 0, .max = kLongMax, .binding = &S::stream_node_max_entries},
    {.name = "activerehashing", .type = T::kBool, .default_value = "yes",
     .binding = &S::activerehashing},

    // --- Advanced: client limits, event loop ---
    {.name = "client-output-buffer-limit", .type = T::kSpecial, .flags = kMultiArg,
     .default_value = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
     .binding = &kClientOutputBufferLimitOps},
    {.name = "client-query-buffer-limit", .type = T::kMemory, .default_value = "1gb",
     .min = kMb, .max = kLongMax, .binding = &S::client_query_buffer_limit},
    {.name = "maxmemory-clients", .type = T::kMemory, .flags = kPercent,
     .default_value = "0", .min = -100, .max = kLongMax, .binding = &S::maxmemory_clients},
    {.name = "proto-max-bulk-len", .type = T::kMemory, .default_value = "512mb", .min = kMb,
     .max = kLongMax, .binding = &S::proto_max_bulk_len},
    {.name = "hz", .type = T::kInt, .default_value = "10", .min = 0, .max = kIntMax,
     .binding = &S::hz, .normalize = ClampHz},
    {.name = "dynamic-hz", .type = T::kBool, .default_value = "yes", .binding = &S::dynamic_hz},
    {.name = "aof-rewrite-incremental-fsync", .type = T::kBool, .default_value = "yes",
     .binding = &S::aof_rewrite_incremental_fsync},
    {.name = "rdb-save-incremental-fsync", .type = T::kBool, .default_value = "yes",
     .binding = &S::rdb_save_incremental_fsync},
    {.name = "lfu-log-factor", .type = T::kInt, .default_value = "10", .min = 0,
     .max = kIntMax, .binding = &S::lfu_log_factor},
    {.name = "lfu-decay-time", .type = T::kInt, .default_value = "1", .min = 0,
     .max = kIntMax, .binding = &S::lfu_decay_time},

    // --- Active defragmentation, CPU affinity, warnings (stored only) ---
    {.name = "activedefrag", .type = T::kBool, .flags = kGen, .default_value = "no"},
    {.name = "active-defrag-ignore-bytes", .type = T::kMemory, .flags = kGen,
     .default_value = "100mb", .min = 1, .max = kLongMax},
    {.name = "active-defrag-threshold-lower", .type = T::kInt, .flags = kGen,
     .default_value = "10", .min = 0, .max = 1000},
    {.name = "active-defrag-threshold-upper", .type = T::kInt, .flags = kGen,
     .default_value = "100", .min = 0, .max = 1000},
    {.name = "active-defrag-cycle-min", .type = T::kInt, .flags = kGen, .default_value = "1",
     .min = 1, .max = 99},
    {.name = "active-defrag-cycle-max", .type = T::kInt, .flags = kGen, .default_value = "25",
     .min = 1, .max = 99},
    {.name = "active-defrag-max-scan-fields", .type = T::kInt, .flags = kGen,
     .default_value = "1000", .min = 1, .max = kLongMax},
    {.name = "jemalloc-bg-thread", .type = T::kBool, .flags = kGen, .default_value = "yes"},
    {.name = "server_cpulist", .type = T::kString, .flags = kImmutable | kGen | kEmptyIsUnset},
    {.name = "bio_cpulist", .type = T::kString, .flags = kImmutable | kGen | kEmptyIsUnset},
    {.name = "aof_rewrite_cpulist", .type = T::kString,
     .flags = kImmutable | kGen | kEmptyIsUnset},
    {.name = "bgsave_cpulist", .type = T::kString, .flags = kImmutable | kGen | kEmptyIsUnset},
    {.name = "ignore-warnings", .type = T::kString, .flags = kGen},

    // --- Testing and debugging (hidden from CONFIG GET patterns, as in Redis) ---
    {.name = "use-exit-on-panic", .type = T::kBool, .flags = kHidden | kGen,
     .default_value = "no"},
    {.name = "rdb-key-save-delay", .type = T::kInt, .flags = kHidden,
     .default_value = "0", .min = kIntMin, .max = kIntMax, .binding = &S::rdb_key_save_delay},
    {.name = "key-load-delay", .type = T::kInt, .flags = kHidden, .default_value = "0",
     .min = kIntMin, .max = kIntMax, .binding = &S::key_load_delay},
    {.name = "watchdog-period", .type = T::kInt, .flags = kHidden | kGen,
     .default_value = "0", .min = 0, .max = kIntMax},
    {.name = "loading-process-events-interval-bytes", .type = T::kInt,
     .flags = kHidden, .default_value = "2097152", .min = 1024, .max = kIntMax,
     .binding = &S::loading_process_events_interval_bytes},
};
// clang-format on

Status ApplyLoglevel(const ServerConfig& cfg) {
  util::LogSetLevel(static_cast<util::LogLevel>(cfg.loglevel));
  return Status::Ok();
}

// The table has already checked that the directory exists; chdir() can still fail (EACCES).
Status ApplyDir(const ServerConfig& cfg) {
  if (chdir(cfg.dir.c_str()) != 0) return Status::Error(std::strerror(errno));
  return Status::Ok();
}

// Raises the descriptor limit again, or fails with Redis's reason.
Status ApplyMaxclients(const ServerConfig& cfg) {
  util::FdLimitResult r = util::AdjustOpenFilesLimit(cfg.maxclients);
  if (r.maxclients < cfg.maxclients) {
    return Status::Error(
        "The operating system is not able to handle the specified number of clients, try "
        "with " +
        std::to_string(r.maxclients));
  }
  return Status::Ok();
}

constexpr ApplyStep kApplySteps[] = {
    {"loglevel", ApplyLoglevel},
    {"dir", ApplyDir},
    {"maxclients", ApplyMaxclients},
};

}  // namespace

std::span<const ConfigDef> Table() { return kTable; }
std::span<const ApplyStep> ApplySteps() { return kApplySteps; }

}  // namespace redoubt::config::internal
