// The state command handlers work on: clients (sessions), databases, config, statistics.
// The event loop and sockets live in server/ and net/; this layer sees a client only as a
// session with buffers, so handlers stay testable without sockets.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/config.h"
#include "config/server_config.h"
#include "protocol/reply_builder.h"
#include "runtime/client.h"
#include "runtime/command.h"
#include "runtime/indexes.h"
#include "runtime/keyspace.h"
#include "runtime/latency.h"
#include "runtime/persistence_state.h"
#include "runtime/security_state.h"
#include "runtime/sessions.h"
#include "runtime/slowlog.h"
#include "runtime/tls_status.h"
#include "runtime/tracking_state.h"
#include "store/db.h"
#include "util/cycle_clock.h"

namespace redoubt::commands {

// The Redis version whose behaviour Redoubt implements, reported where clients gate features
// on it (HELLO, INFO redis_version).
inline constexpr std::string_view kCompatVersion = "7.0.15";

struct CommandStats {
  uint64_t calls = 0;
  uint64_t cycles = 0;  // util::CycleClock ticks; INFO converts to microseconds
  uint64_t usec() const { return util::CycleClock::ToMicros(cycles); }
  uint64_t rejected_calls = 0;
  uint64_t failed_calls = 0;
};

// An INFO instantaneous_* rate (Redis's inst_metric): per-second rates sampled every 100 ms
// by SampleServerStats (server_family.h), averaged over the last kSamples samples.
struct InstantMetric {
  static constexpr int kSamples = 16;
  int64_t last_sample_ms = 0;
  uint64_t last_reading = 0;
  uint64_t samples[kSamples] = {};
  int index = 0;
};

struct ServerStats {
  uint64_t total_connections_received = 0;
  uint64_t total_commands_processed = 0;
  uint64_t rejected_connections = 0;
  uint64_t total_net_input_bytes = 0;
  uint64_t total_net_output_bytes = 0;
  uint64_t expired_stale_perc = 0;
  uint64_t evicted_keys = 0;
  uint64_t evicted_clients = 0;  // maxmemory-clients
  uint64_t auth_failures = 0;    // "total_auth_failures"? see INFO: acl_access_denied_auth
  uint64_t protected_mode_denied = 0;
  uint64_t total_error_replies = 0;
  uint64_t unexpected_error_replies = 0;
  uint64_t io_threaded_reads = 0;
  uint64_t protocol_errors = 0;
  store::DbStats db;
  InstantMetric inst_ops, inst_net_input, inst_net_output;
};

// The server's state as the composition of parts with one owner each: keyspace (databases,
// eviction, lazy freeing), sessions (clients, ids, pause), indexes (WATCH, blocking, Pub/Sub),
// security (ACL, throttle, allow-from, audit) and persistence (dirty counter, RDB/AOF, write
// feed). What is left here is server-wide: config, clock, statistics, identity, scripting.
class ServerState {
 public:
  ServerState();
  ~ServerState();

  // Creates the databases, wired to the clock, the statistics, the dirty counter, lazy
  // freeing and the expiry hook (the parts that meet in a db).
  void InitDatabases(int n);
  store::Db& db(int i) { return keyspace.db(i); }
  int db_count() const { return keyspace.db_count(); }

  config::Config* config = nullptr;     // the config table (CONFIG GET/SET/REWRITE)
  config::ServerConfig* cfg = nullptr;  // its live values, read on the hot path
  store::Clock clock;
  ServerStats stats;

  Keyspace keyspace;
  Sessions sessions;
  Indexes indexes;
  SecurityState security{&clock};
  PersistenceState persistence;

  std::vector<CommandStats> command_stats;                   // indexed by CommandSpec::id
  std::map<std::string, uint64_t, std::less<>> error_stats;  // error prefix -> count
  SlowLog slowlog;                                           // SLOWLOG (runtime/slowlog.h)
  LatencyMonitor latency;  // LATENCY, INFO latencystats (runtime/latency.h)
  TlsStatus tls;           // TLS listener, handshakes, certificate reloads (INFO)
  TrackingState tracking;  // client-side caching tables (runtime/tracking.h owns them)

  // Attaches the dbs' change hooks while anything needs them (WATCH, blocked clients) and
  // detaches them otherwise, so that writes cost nothing extra in the common case.
  void UpdateKeyHooks();

  int64_t start_time_ms = 0;
  // This server replicates (replicaof set) and its link to the primary is up: the admission
  // pipeline's -MASTERDOWN check (replica-serve-stale-data no) reads it.
  bool master_link_up = false;
  uint16_t port = 0;        // the plain port actually bound
  std::string config_file;  // absolute path, "" when started without one
  std::string executable;
  std::string redoubt_version = "0.0.0";  // INFO redoubt_version; main sets REDOUBT_VERSION
  uint8_t run_id[20] = {};
  std::string run_id_hex;
  // Switches DEBUG sets (commands/debug_family.cc) and the server loop reads.
  struct DebugSwitches {
    bool pause_cron = false;            // DEBUG PAUSE-CRON 1: the cron does nothing
    bool reply_buffer_resizing = true;  // DEBUG REPLYBUFFER RESIZING 0: buffers keep their size
    int64_t reply_buffer_peak_reset_ms = 5000;  // DEBUG REPLYBUFFER PEAK-RESET-TIME
    uint64_t quicklist_packed_threshold = 1ULL << 30;
    std::string replid;  // master_replid after DEBUG CHANGE-REPL-ID ("" = the run id)
  } debug;

  // Hooks the server layer installs.
  std::function<void(bool nosave)> request_shutdown;
  std::function<uint64_t()> used_memory;

  // Scripting (EVAL): the engine, owned by the scripting family and opaque here, and the
  // state of the script running now. Past busy-reply-threshold (`script_busy`), other
  // clients get -BUSY except for allow-busy commands, served through
  // process_events_while_busy (installed by the server).
  std::shared_ptr<void> scripting;
  bool script_running = false;
  bool script_busy = false;
  bool script_wrote = false;  // a write ran: SCRIPT KILL refuses (-UNKILLABLE)
  bool script_kill = false;   // SCRIPT KILL or SHUTDOWN NOSAVE asked the script to stop
  bool script_is_eval = true;
  std::function<void()> process_events_while_busy;
  static uint64_t Random();
};

// What a handler gets: the invocation, the session, and where to write the reply.
struct CommandContext {
  ServerState& server;
  Client& client;
  const CommandSpec& cmd;
  std::span<const std::string_view> args;
  protocol::ReplyBuilder& reply;

  store::Db& db() { return server.db(client.db_index); }
  // The entry at key if it holds `type` (*out = nullptr when there is no key); replies
  // WRONGTYPE and returns false when it holds another type. `read` counts keyspace hits and
  // misses (read commands). Every family's typed lookup goes through here.
  bool LookupTyped(std::string_view key, store::ValueType type, bool read, store::Entry** out) {
    store::Entry* e = read ? db().LookupRead(key) : db().Lookup(key);
    if (e != nullptr && e->type != type) {
      reply.Error("WRONGTYPE Operation against a key holding the wrong kind of value");
      return false;
    }
    *out = e;
    return true;
  }
  int64_t now_ms() const { return server.clock.now_ms; }
  size_t argc() const { return args.size(); }
  // Whether writes are being fed (AOF on): only then is PropagateAs worth its allocation.
  bool feeding() const { return server.persistence.write_feed != nullptr; }
  // Feeds `args` (canonical name first) instead of this command; may be called several times.
  // For commands whose replay must not depend on when or where it runs (relative TTLs become
  // absolute, random picks become the members picked).
  void PropagateAs(std::vector<std::string> args) {
    if (feeding()) server.persistence.propagate_as.push_back(std::move(args));
  }
};

// Replies the arity error for a command: "ERR wrong number of arguments for 'x' command".
void ReplyWrongArity(protocol::ReplyBuilder& reply, const CommandSpec& cmd);

}  // namespace redoubt::commands
