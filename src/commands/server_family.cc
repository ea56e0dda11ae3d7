// Server commands: INFO, TIME, LASTSAVE, SHUTDOWN, MONITOR (DEBUG: debug_family.cc).
// INFO keeps Redis 7.0's section names, field names and field order, because monitoring tools
// parse them; figures Redoubt does not have yet (replication, persistence, pub/sub) read as
// Redis reports them when those features are idle.
#include "commands/server_family.h"

#include <sys/resource.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <string>

#include "net/event_loop.h"
#include "protocol/errors.h"
#include "replication/primary.h"
#include "runtime/aof_persistence.h"
#include "runtime/command_table.h"
#include "runtime/eviction.h"
#include "scripting/engine_bridge.h"
#include "store/evict.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/memory.h"
#include "util/numbers.h"
#include "util/string_util.h"

namespace redoubt::commands {

namespace {

// --- INFO ------------------------------------------------------------------------------------

// INFO sections, in the order Redis prints them.
namespace section {
inline constexpr uint32_t kServer = 1 << 0;
inline constexpr uint32_t kClients = 1 << 1;
inline constexpr uint32_t kMemory = 1 << 2;
inline constexpr uint32_t kPersistence = 1 << 3;
inline constexpr uint32_t kStats = 1 << 4;
inline constexpr uint32_t kReplication = 1 << 5;
inline constexpr uint32_t kCpu = 1 << 6;
inline constexpr uint32_t kModuleList = 1 << 7;
inline constexpr uint32_t kCommandStats = 1 << 8;
inline constexpr uint32_t kErrorStats = 1 << 9;
inline constexpr uint32_t kCluster = 1 << 10;
inline constexpr uint32_t kKeyspace = 1 << 11;
inline constexpr uint32_t kLatencyStats = 1 << 12;
inline constexpr uint32_t kDefault = kServer | kClients | kMemory | kPersistence | kStats |
                                     kReplication | kCpu | kModuleList | kErrorStats | kCluster |
                                     kKeyspace;
inline constexpr uint32_t kAll = kDefault | kCommandStats | kLatencyStats;
}  // namespace section

struct SectionName {
  std::string_view name;
  uint32_t bit;
};
constexpr SectionName kSectionNames[] = {
    {"server", section::kServer},
    {"clients", section::kClients},
    {"memory", section::kMemory},
    {"persistence", section::kPersistence},
    {"stats", section::kStats},
    {"replication", section::kReplication},
    {"cpu", section::kCpu},
    {"module_list", section::kModuleList},
    {"commandstats", section::kCommandStats},
    {"errorstats", section::kErrorStats},
    {"latencystats", section::kLatencyStats},
    {"cluster", section::kCluster},
    {"keyspace", section::kKeyspace},
};

// Unknown names select nothing, as in Redis ("modules" among them: there are no modules).
uint32_t ParseSections(std::span<const std::string_view> args) {
  if (args.empty()) return section::kDefault;
  uint32_t mask = 0;
  for (std::string_view a : args) {
    if (util::EqualsIgnoreCase(a, "default")) {
      mask |= section::kDefault;
    } else if (util::EqualsIgnoreCase(a, "all") || util::EqualsIgnoreCase(a, "everything")) {
      mask |= section::kAll;
    } else {
      for (const SectionName& s : kSectionNames) {
        if (util::EqualsIgnoreCase(a, s.name)) mask |= s.bit;
      }
    }
  }
  return mask;
}

// Builds "key:value\r\n" lines under "# Header" lines, sections separated by a blank line.
class InfoWriter {
 public:
  explicit InfoWriter(std::string* out) : out_(out) {}

  void Header(std::string_view name) {
    if (!out_->empty()) out_->append("\r\n");
    out_->append("# ");
    out_->append(name);
    out_->append("\r\n");
  }
  void Str(std::string_view key, std::string_view value) {
    out_->append(key);
    out_->push_back(':');
    out_->append(value);
    out_->append("\r\n");
  }
  void Int(std::string_view key, int64_t v) { Str(key, std::to_string(v)); }
  // Lines already formatted as "key:value\r\n" (sections written by other modules).
  void Lines(std::string_view lines) { out_->append(lines); }
  void UInt(std::string_view key, uint64_t v) { Str(key, std::to_string(v)); }
  // "%.2f" and friends.
  void Fixed(std::string_view key, double v, const char* fmt = "%.2f") {
    char buf[64];
    std::snprintf(buf, sizeof(buf), fmt, v);
    Str(key, buf);
  }
  void Bytes(std::string_view key, uint64_t v) {
    UInt(key, v);
    Str(std::string(key) + "_human", util::FormatBytesHuman(v));
  }
  // Fields that are zero until the feature they count exists.
  void Zeros(std::initializer_list<std::string_view> keys) {
    for (std::string_view k : keys) Str(k, "0");
  }

 private:
  std::string* out_;
};

// "12.34%", as Redis prints a share.
std::string Percent(uint64_t part, uint64_t whole) {
  char buf[32];
  double v = whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0;
  std::snprintf(buf, sizeof(buf), "%.2f%%", v);
  return buf;
}

uint64_t UsedMemory(const ServerState& s) {
  return s.used_memory ? s.used_memory() : util::UsedMemory();
}

void InfoServer(const ServerState& s, InfoWriter& w) {
  w.Header("Server");
  w.Str("redis_version", kCompatVersion);
  w.Str("redoubt_version", s.redoubt_version);
  w.Str("redis_git_sha1", "00000000");
  w.Str("redis_git_dirty", "0");
  w.Str("redis_build_id", "0");
  w.Str("redis_mode", "standalone");
  utsname u;
  if (uname(&u) == 0) {
    w.Str("os", std::string(u.sysname) + " " + u.release + " " + u.machine);
  }
  w.Int("arch_bits", sizeof(void*) * 8);
  w.Str("monotonic_clock", "POSIX clock_gettime");
  w.Str("multiplexing_api", net::EventLoop::InUse());
  w.Str("event_loop", net::EventLoop::InUse());
  w.Str("atomicvar_api", "c11-builtin");
  w.Str("gcc_version", std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
                           std::to_string(__GNUC_PATCHLEVEL__));
  w.Int("process_id", getpid());
  w.Str("process_supervised", "no");
  w.Str("run_id", s.run_id_hex);
  w.Int("tcp_port", s.port);
  w.Int("server_time_usec", util::UnixMicros());
  int64_t uptime = std::max<int64_t>(0, (s.clock.now_ms - s.start_time_ms) / 1000);
  w.Int("uptime_in_seconds", uptime);
  w.Int("uptime_in_days", uptime / 86400);
  w.Int("hz", s.cfg->hz);
  w.Int("configured_hz", s.cfg->hz);
  w.UInt("lru_clock", s.clock.lru_clock);
  w.Str("executable", s.executable);
  w.Str("config_file", s.config_file);
  w.Str("io_threads_active", "0");
}

void InfoClients(const ServerState& s, InfoWriter& w) {
  size_t max_in = 0, max_out = 0, paused = 0;
  for (const auto& [id, c] : s.sessions.clients) {
    max_in = std::max({max_in, c->query_peak, c->query_buf.size()});
    max_out = std::max(max_out, c->pending_reply());
    if (c->flags & client_flag::kPaused) ++paused;
  }
  w.Header("Clients");
  w.UInt("connected_clients", s.sessions.clients.size());
  w.Str("cluster_connections", "0");
  w.Int("maxclients", s.cfg->maxclients);
  w.UInt("client_recent_max_input_buffer", max_in);
  w.UInt("client_recent_max_output_buffer", max_out);
  // Clients held by CLIENT PAUSE count as blocked, as in Redis 7.0 (BLOCKED_POSTPONE).
  w.UInt("blocked_clients", s.indexes.blocked_count + paused);
  w.UInt("tracking_clients", s.tracking.clients);
  w.UInt("clients_in_timeout_table", s.indexes.blocked_count);
}

void InfoMemory(const ServerState& s, InfoWriter& w) {
  uint64_t used = UsedMemory(s);
  uint64_t peak = util::UpdatePeakMemory(used);
  uint64_t rss = util::ResidentSetSize();
  uint64_t clients_mem = 0;
  for (const auto& [id, c] : s.sessions.clients) {
    clients_mem += c->query_buf.capacity() + c->reply_buf.capacity();
  }
  w.Header("Memory");
  w.Bytes("used_memory", used);
  w.Bytes("used_memory_rss", rss);
  w.Bytes("used_memory_peak", peak);
  w.Str("used_memory_peak_perc", Percent(used, peak));
  uint64_t overhead = s.keyspace.startup_allocated + clients_mem + MemNotCountedForEvict(s);
  for (int i = 0; i < s.db_count(); ++i) {
    store::Db& db = const_cast<ServerState&>(s).db(i);
    overhead += db.table().OverheadBytes() + db.expires() * sizeof(void*);
  }
  uint64_t dataset = used > overhead ? used - overhead : 0;
  w.UInt("used_memory_overhead", overhead);
  w.UInt("used_memory_startup", s.keyspace.startup_allocated);
  w.UInt("used_memory_dataset", dataset);
  w.Str("used_memory_dataset_perc",
        Percent(dataset,
                used > s.keyspace.startup_allocated ? used - s.keyspace.startup_allocated : 0));
  util::AllocatorStats a = util::GetAllocatorStats();
  if (a.available) {
    w.UInt("allocator_allocated", a.allocated);
    w.UInt("allocator_active", a.active);
    w.UInt("allocator_resident", a.resident);
  }
  w.Bytes("total_system_memory", util::TotalSystemMemory());
  // The Lua heap (EVAL) and the script cache; no FUNCTION libraries yet.
  ScriptStats lua = GetScriptStats(s);
  w.UInt("used_memory_lua", lua.vm_bytes);
  w.UInt("used_memory_vm_eval", lua.vm_bytes);
  w.Str("used_memory_lua_human", util::FormatBytesHuman(lua.vm_bytes));
  w.UInt("used_memory_scripts_eval", lua.cache_bytes);
  w.UInt("number_of_cached_scripts", lua.scripts);
  w.Zeros({"number_of_functions", "number_of_libraries", "used_memory_vm_functions"});
  w.UInt("used_memory_vm_total", lua.vm_bytes);
  w.Str("used_memory_vm_total_human", util::FormatBytesHuman(lua.vm_bytes));
  w.UInt("used_memory_functions", 0);
  w.UInt("used_memory_scripts", lua.cache_bytes);
  w.Str("used_memory_scripts_human", util::FormatBytesHuman(lua.cache_bytes));
  w.Bytes("maxmemory", static_cast<uint64_t>(std::max<int64_t>(0, s.cfg->maxmemory)));
  w.Str("maxmemory_policy", s.cfg->maxmemory_policy);
  w.Fixed("mem_fragmentation_ratio",
          used ? static_cast<double>(rss) / static_cast<double>(used) : 0.0);
  w.Int("mem_fragmentation_bytes", static_cast<int64_t>(rss) - static_cast<int64_t>(used));
  uint64_t aof_buffer = MemNotCountedForEvict(s);
  w.UInt("mem_not_counted_for_evict", aof_buffer);
  w.Zeros({"mem_replication_backlog", "mem_total_replication_buffers", "mem_clients_slaves"});
  w.UInt("mem_clients_normal", clients_mem);
  w.Zeros({"mem_cluster_links"});
  w.UInt("mem_aof_buffer", aof_buffer);
  w.Str("mem_allocator", util::AllocatorName());
  w.Zeros({"active_defrag_running"});
  w.UInt("lazyfree_pending_objects", s.keyspace.lazy_free.pending());
  w.UInt("lazyfreed_objects", s.keyspace.lazy_free.freed());
}

// The RDB and loading fields, then the AOF's (its own writer once the AOF engine is set up;
// Redis's "appendonly no" values before that).
void InfoPersistence(const ServerState& s, InfoWriter& w) {
  w.Header("Persistence");
  std::string rdb;
  AppendInfoPersistenceRdb(s, &rdb);
  w.Lines(rdb);
  if (s.persistence.aof != nullptr) {
    std::string aof;
    s.persistence.aof->Info(&aof);
    return w.Lines(aof);
  }
  w.Int("aof_enabled", s.cfg->appendonly ? 1 : 0);
  w.Zeros({"aof_rewrite_in_progress", "aof_rewrite_scheduled"});
  w.Str("aof_last_rewrite_time_sec", "-1");
  w.Str("aof_current_rewrite_time_sec", "-1");
  w.Str("aof_last_bgrewrite_status", "ok");
  w.Zeros({"aof_rewrites", "aof_rewrites_consecutive_failures"});
  w.Str("aof_last_write_status", "ok");
  w.Zeros({"aof_last_cow_size", "module_fork_in_progress", "module_fork_last_cow_size"});
}

uint64_t InstantRate(const InstantMetric& m) {
  uint64_t sum = 0;
  for (uint64_t v : m.samples) sum += v;
  return sum / InstantMetric::kSamples;
}

// TLS (only while a TLS port is open): handshakes, refusals, the certificates in use.
void InfoTls(const TlsStatus& t, InfoWriter& w) {
  w.Int("tls_port", t.port);
  w.UInt("tls_connections_received", t.connections_received);
  w.UInt("tls_handshake_failures", t.handshake_failures);
  w.UInt("tls_plaintext_rejected_connections", t.plaintext_rejected);
  w.UInt("tls_cert_identity_logins", t.cert_identity_logins);
  w.UInt("tls_reloads", t.reloads);
  w.UInt("tls_reload_failures", t.reload_failures);
  w.Int("tls_last_reload_time", t.last_reload_time);
  w.Str("tls_server_cert_serial", t.server_cert_serial);
  w.Int("tls_server_cert_expire_time", t.server_cert_expire_time);
  w.Str("tls_ca_cert_serial", t.ca_cert_serial);
  w.Int("tls_ca_cert_expire_time", t.ca_cert_expire_time);
}

void InfoStats(const ServerState& s, InfoWriter& w) {
  const ServerStats& st = s.stats;
  w.Header("Stats");
  w.UInt("total_connections_received", st.total_connections_received);
  w.UInt("total_commands_processed", st.total_commands_processed);
  w.UInt("instantaneous_ops_per_sec", InstantRate(st.inst_ops));
  w.UInt("total_net_input_bytes", st.total_net_input_bytes);
  w.UInt("total_net_output_bytes", st.total_net_output_bytes);
  w.Zeros({"total_net_repl_input_bytes", "total_net_repl_output_bytes"});
  w.Fixed("instantaneous_input_kbps", static_cast<double>(InstantRate(st.inst_net_input)) / 1024);
  w.Fixed("instantaneous_output_kbps", static_cast<double>(InstantRate(st.inst_net_output)) / 1024);
  w.Str("instantaneous_input_repl_kbps", "0.00");
  w.Str("instantaneous_output_repl_kbps", "0.00");
  w.UInt("rejected_connections", st.rejected_connections);
  if (const replication::Primary* p = replication::Primary::For(s)) {
    w.UInt("sync_full", p->sync_full());
    w.UInt("sync_partial_ok", p->sync_partial_ok());
    w.UInt("sync_partial_err", p->sync_partial_err());
  } else {
    w.Zeros({"sync_full", "sync_partial_ok", "sync_partial_err"});
  }
  w.UInt("expired_keys", st.db.expired_keys);
  w.Fixed("expired_stale_perc", static_cast<double>(st.expired_stale_perc));
  w.Zeros({"expired_time_cap_reached_count", "expire_cycle_cpu_milliseconds"});
  w.UInt("evicted_keys", st.evicted_keys);
  w.UInt("evicted_clients", st.evicted_clients);
  w.Zeros({"total_eviction_exceeded_time", "current_eviction_exceeded_time"});
  w.UInt("keyspace_hits", st.db.keyspace_hits);
  w.UInt("keyspace_misses", st.db.keyspace_misses);
  w.UInt("pubsub_channels", s.indexes.pubsub_channels.size());
  w.UInt("pubsub_patterns", s.indexes.pubsub_patterns.size());
  w.UInt("pubsubshard_channels", s.indexes.pubsub_shard_channels.size());
  w.Zeros({"latest_fork_usec", "total_forks", "migrate_cached_sockets",
           "slave_expires_tracked_keys", "active_defrag_hits", "active_defrag_misses",
           "active_defrag_key_hits", "active_defrag_key_misses", "total_active_defrag_time",
           "current_active_defrag_time"});
  w.UInt("tracking_total_keys", s.tracking.keys.size());
  w.UInt("tracking_total_items", s.tracking.items);
  w.UInt("tracking_total_prefixes", s.tracking.prefixes.size());
  w.UInt("unexpected_error_replies", st.unexpected_error_replies);
  w.UInt("total_error_replies", st.total_error_replies);
  w.Str("dump_payload_sanitizations", "0");
  w.UInt("io_threaded_reads_processed", st.io_threaded_reads);
  w.Str("io_threaded_writes_processed", "0");
  // Redoubt's own counters (the first name is the one Redis 7.2 later gave it).
  w.UInt("acl_access_denied_auth", st.auth_failures);
  w.UInt("protected_mode_denied_connections", st.protected_mode_denied);
  {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    auto th = s.security.auth_throttle.GetStats(ts.tv_sec * 1000LL + ts.tv_nsec / 1000000);
    w.UInt("auth_throttled_attempts", th.throttled_attempts);
    w.UInt("auth_throttled_addresses", th.throttled_addresses);
    w.UInt("auth_throttle_tracked_addresses", th.tracked_addresses);
  }
  w.UInt("allow_from_rejected_connections", s.security.allow_from_rejected);
  w.UInt("audit_log_write_errors", s.security.audit.write_errors());
  if (s.tls.port != 0) InfoTls(s.tls, w);
}

void InfoReplication(const ServerState& s, InfoWriter& w) {
  w.Header("Replication");
  if (const replication::Primary* p = replication::Primary::For(s)) {
    std::string lines;
    p->Info(&lines);
    w.Lines(lines);
    return;
  }
  // No replication engine (in-process tests): a primary without replicas.
  w.Str("role", "master");
  w.Str("connected_slaves", "0");
  w.Str("master_failover_state", "no-failover");
  w.Str("master_replid", s.debug.replid.empty() ? s.run_id_hex : s.debug.replid);
  w.Str("master_replid2", "0000000000000000000000000000000000000000");
  w.Str("master_repl_offset", "0");
  w.Str("second_repl_offset", "-1");
  w.Str("repl_backlog_active", "0");
  w.Int("repl_backlog_size", s.cfg->repl_backlog_size);
  w.Zeros({"repl_backlog_first_byte_offset", "repl_backlog_histlen"});
}

std::string CpuTime(const timeval& tv) {
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%ld.%06ld", static_cast<long>(tv.tv_sec),
                static_cast<long>(tv.tv_usec));
  return buf;
}

void InfoCpu(InfoWriter& w) {
  rusage self{}, children{}, thread{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  getrusage(RUSAGE_THREAD, &thread);  // commands run on the main thread
  w.Header("CPU");
  w.Str("used_cpu_sys", CpuTime(self.ru_stime));
  w.Str("used_cpu_user", CpuTime(self.ru_utime));
  w.Str("used_cpu_sys_children", CpuTime(children.ru_stime));
  w.Str("used_cpu_user_children", CpuTime(children.ru_utime));
  w.Str("used_cpu_sys_main_thread", CpuTime(thread.ru_stime));
  w.Str("used_cpu_user_main_thread", CpuTime(thread.ru_utime));
}

void InfoCommandStats(const ServerState& s, InfoWriter& w) {
  w.Header("Commandstats");
  const auto& by_id = CommandTable::Get().by_id();
  for (size_t i = 0; i < by_id.size() && i < s.command_stats.size(); ++i) {
    const CommandStats& cs = s.command_stats[i];
    if (cs.calls == 0 && cs.failed_calls == 0 && cs.rejected_calls == 0) continue;
    char buf[256];
    std::snprintf(buf, sizeof(buf),
                  "calls=%llu,usec=%llu,usec_per_call=%.2f,rejected_calls=%llu,failed_calls=%llu",
                  static_cast<unsigned long long>(cs.calls),
                  static_cast<unsigned long long>(cs.usec()),
                  cs.calls ? static_cast<double>(cs.usec()) / static_cast<double>(cs.calls) : 0.0,
                  static_cast<unsigned long long>(cs.rejected_calls),
                  static_cast<unsigned long long>(cs.failed_calls));
    w.Str("cmdstat_" + std::string(by_id[i]->full_name), buf);
  }
}

// One line per error prefix, in prefix order (Redis keeps them in a radix tree).
void InfoErrorStats(const ServerState& s, InfoWriter& w) {
  w.Header("Errorstats");
  for (const auto& [prefix, count] : s.error_stats) {
    w.Str("errorstat_" + prefix, "count=" + std::to_string(count));
  }
}

// A percentile as INFO names it: "%f" without trailing zeros ("50", "99.9").
std::string PercentileName(double p) {
  char buf[512];
  const int n = std::snprintf(buf, sizeof(buf), "%f", p);
  std::string s(buf, static_cast<size_t>(std::clamp(n, 0, static_cast<int>(sizeof(buf)) - 1)));
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

// Per command that ran: "latency_percentiles_usec_<name>:p50=1.003,p99=...", the percentiles
// latency-tracking-info-percentiles lists.
void InfoLatencyStats(const ServerState& s, InfoWriter& w) {
  w.Header("Latencystats");
  const std::vector<double>& percentiles = s.cfg->latency_tracking_info_percentiles;
  for (const CommandSpec* cmd : CommandTable::Get().by_id()) {
    const LatencyHistogram* h = s.latency.histogram(cmd->id);
    if (h == nullptr || h->empty()) continue;
    std::string value;
    for (double p : percentiles) {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%.3f", h->ValueAtPercentile(p));
      if (!value.empty()) value.push_back(',');
      value.append("p").append(PercentileName(p)).append("=").append(buf);
    }
    w.Str("latency_percentiles_usec_" + std::string(cmd->full_name), value);
  }
}

void InfoKeyspace(ServerState& s, InfoWriter& w) {
  w.Header("Keyspace");
  for (int i = 0; i < s.db_count(); ++i) {
    store::Db& db = s.db(i);
    if (db.size() == 0) continue;
    w.Str("db" + std::to_string(i), "keys=" + std::to_string(db.size()) +
                                        ",expires=" + std::to_string(db.expires()) + ",avg_ttl=0");
  }
}

void Info(CommandContext& cx) { cx.reply.Verbatim(InfoText(cx.server, cx.args.subspan(1))); }

// --- TIME, LASTSAVE, MONITOR, SHUTDOWN -------------------------------------------------------

void Time(CommandContext& cx) {
  int64_t us = util::UnixMicros();
  cx.reply.Array(2);
  cx.reply.Bulk(std::to_string(us / 1000000));
  cx.reply.Bulk(std::to_string(us % 1000000));
}

void LastSave(CommandContext& cx) { cx.reply.Integer(cx.server.persistence.last_save_time); }

void Monitor(CommandContext& cx) {
  if (cx.client.flags & client_flag::kMonitor) return;  // already monitoring: no reply
  cx.client.flags |= client_flag::kMonitor;
  cx.server.sessions.monitors.push_back(&cx.client);
  cx.reply.Ok();
}

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. Shutdown here is immediate (no replicas to
// wait for), so NOW changes nothing and there is never a shutdown to abort. The final save
// runs when save points are set or SAVE is given, not with NOSAVE; FORCE shuts down even when
// that save fails.
void Shutdown(CommandContext& cx) {
  bool nosave = false, save = false, abort = false, other = false, force = false;
  for (size_t i = 1; i < cx.argc(); ++i) {
    std::string_view a = cx.args[i];
    if (util::EqualsIgnoreCase(a, "NOSAVE")) {
      nosave = true;
    } else if (util::EqualsIgnoreCase(a, "SAVE")) {
      save = true;
    } else if (util::EqualsIgnoreCase(a, "NOW") || util::EqualsIgnoreCase(a, "FORCE")) {
      other = true;
      force = force || util::EqualsIgnoreCase(a, "FORCE");
    } else if (util::EqualsIgnoreCase(a, "ABORT")) {
      abort = true;
    } else {
      return cx.reply.Error(errors::kSyntax);
    }
  }
  if ((abort && (nosave || save || other)) || (nosave && save)) {
    return cx.reply.Error(errors::kSyntax);
  }
  if (abort) return cx.reply.Error("ERR No shutdown in progress.");
  // A script past busy-reply-threshold: only SHUTDOWN NOSAVE, never a save of its half-done
  // changes (as Redis).
  if (cx.server.script_busy && !nosave) {
    return cx.reply.Error(cx.server.script_is_eval ? errors::kBusyScript : errors::kBusyFunction);
  }
  if (!cx.server.request_shutdown || (!RdbShutdownSave(cx.server, save, nosave) && !force)) {
    return cx.reply.Error("ERR Errors trying to SHUTDOWN. Check logs.");
  }
  // As in Redis, a successful SHUTDOWN answers nothing: the connection just closes.
  cx.server.security.Audit(security::AuditEvent::kShutdown, cx.client, cx.cmd.full_name);
  cx.server.request_shutdown(nosave);
}

void TrackInstant(InstantMetric& m, uint64_t reading, int64_t now_ms) {
  int64_t elapsed = now_ms - m.last_sample_ms;
  uint64_t delta = reading >= m.last_reading ? reading - m.last_reading : 0;
  m.samples[m.index] = elapsed > 0 ? delta * 1000 / static_cast<uint64_t>(elapsed) : 0;
  m.index = (m.index + 1) % InstantMetric::kSamples;
  m.last_sample_ms = now_ms;
  m.last_reading = reading;
}

}  // namespace

void SampleServerStats(ServerState& server, int64_t now_ms) {
  ServerStats& st = server.stats;
  if (now_ms - st.inst_ops.last_sample_ms < 100) return;
  TrackInstant(st.inst_ops, st.total_commands_processed, now_ms);
  TrackInstant(st.inst_net_input, st.total_net_input_bytes, now_ms);
  TrackInstant(st.inst_net_output, st.total_net_output_bytes, now_ms);
  util::UpdatePeakMemory(UsedMemory(server));
}

std::string InfoText(ServerState& server, std::span<const std::string_view> sections) {
  uint32_t mask = ParseSections(sections);
  std::string out;
  InfoWriter w(&out);
  if (mask & section::kServer) InfoServer(server, w);
  if (mask & section::kClients) InfoClients(server, w);
  if (mask & section::kMemory) InfoMemory(server, w);
  if (mask & section::kPersistence) InfoPersistence(server, w);
  if (mask & section::kStats) InfoStats(server, w);
  if (mask & section::kReplication) InfoReplication(server, w);
  if (mask & section::kCpu) InfoCpu(w);
  if (mask & section::kModuleList) w.Header("Modules");
  if (mask & section::kCommandStats) InfoCommandStats(server, w);
  if (mask & section::kErrorStats) InfoErrorStats(server, w);
  if (mask & section::kLatencyStats) InfoLatencyStats(server, w);
  if (mask & section::kCluster) {
    w.Header("Cluster");
    w.Str("cluster_enabled", "0");
  }
  if (mask & section::kKeyspace) InfoKeyspace(server, w);
  return out;
}

void RegisterServerFamily(CommandTable& t) {
  const char* g = "server";
  constexpr uint64_t kLoadingStale = flag::kLoading | flag::kStale;
  constexpr uint64_t kAdmin = flag::kAdmin | flag::kNoscript | kLoadingStale;
  t.Register({
      {.name = "info",
       .arity = -1,
       .flags = kLoadingStale,
       .categories = cat::kDangerous,
       .handler = Info,
       .group = g,
       .summary = "Get information and statistics about the server"},
      {.name = "time",
       .arity = 1,
       .flags = kLoadingStale | flag::kFast,
       .handler = Time,
       .group = g,
       .summary = "Return the current server time",
       .since = "2.6.0"},
      {.name = "lastsave",
       .arity = 1,
       .flags = kLoadingStale | flag::kFast,
       .categories = cat::kAdmin | cat::kDangerous,
       .handler = LastSave,
       .group = g,
       .summary = "Get the UNIX time stamp of the last successful save to disk"},
      {.name = "monitor",
       .arity = 1,
       .flags = kAdmin,
       .handler = Monitor,
       .group = g,
       .summary = "Listen for all requests received by the server in real time"},
      {.name = "shutdown",
       .arity = -1,
       .flags = kAdmin | flag::kNoMulti | flag::kAllowBusy,
       .handler = Shutdown,
       .group = g,
       .summary = "Synchronously save the dataset to disk and then shut down the server"},
  });
}

}  // namespace redoubt::commands
