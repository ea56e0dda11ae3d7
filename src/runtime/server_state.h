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
#include "protocol/resp_parser.h"
#include "runtime/acl.h"
#include "runtime/command.h"
#include "runtime/rdb_persistence.h"
#include "runtime/slowlog.h"
#include "runtime/tls_status.h"
#include "security/audit_log.h"
#include "security/auth_throttle.h"
#include "security/cidr.h"
#include "store/db.h"
#include "store/evict.h"
#include "store/lazyfree.h"
#include "util/buffer.h"
#include "util/cycle_clock.h"

namespace redoubt::commands {

class Aof;

// The Redis version whose behaviour Redoubt implements, reported where clients gate features
// on it (HELLO, INFO redis_version).
inline constexpr std::string_view kCompatVersion = "7.0.15";

namespace client_flag {
inline constexpr uint32_t kMonitor = 1 << 0;
inline constexpr uint32_t kCloseAfterReply = 1 << 1;
inline constexpr uint32_t kCloseAsap = 1 << 2;
inline constexpr uint32_t kUnixSocket = 1 << 3;
inline constexpr uint32_t kNoEvict = 1 << 4;
inline constexpr uint32_t kPaused = 1 << 5;        // waiting for CLIENT UNPAUSE
inline constexpr uint32_t kProtected = 1 << 6;     // connected from a non-loopback address
inline constexpr uint32_t kPendingWrite = 1 << 7;  // queued in ServerState::pending_writes
inline constexpr uint32_t kReplica = 1 << 8;       // a replica's link (after SYNC/PSYNC)
// Its script is running: the server neither reads from nor closes it until the script ends
// (clients are served from inside a long script).
inline constexpr uint32_t kInScript = 1 << 9;
// The link to this server's primary (no socket of its own here: replication/replica.h feeds
// it the stream; its replies are dropped).
inline constexpr uint32_t kMaster = 1 << 10;
}  // namespace client_flag

enum class ReplyMode : uint8_t { kOn, kOff, kSkipNext, kSkipThis };

struct Client {
  uint64_t id = 0;
  int fd = -1;
  std::string name;
  std::string addr;  // "ip:port" or "path:0" for Unix sockets
  std::string laddr;
  int db_index = 0;
  int resp = 2;
  bool authenticated = false;
  bool ever_authenticated = false;  // auth-timeout spares a client that RESET after a login
  std::string user = "default";     // the ACL user's name (CLIENT LIST, ACL LOG)
  // The ACL user whose rules apply (SetClientUser); nullptr only for internal sessions that may
  // run anything (in-process tests, later AOF loading), never for a network client.
  const security::AclUser* acl_user = nullptr;
  uint32_t flags = 0;
  ReplyMode reply_mode = ReplyMode::kOn;
  int64_t ctime_ms = 0;
  int64_t last_interaction_ms = 0;
  const CommandSpec* last_cmd = nullptr;
  // Arguments of the running command hidden from MONITOR: bit i for argument i, and bit 63
  // for every argument from the 63rd on (so ~0ULL << n hides all from n, whatever the arity).
  uint64_t redact_mask = 0;

  // Input: bytes read and not yet parsed.
  util::Buffer query_buf;
  size_t query_peak = 0;
  protocol::RequestParser parser;
  // Output: bytes not yet written start at reply_pos.
  std::string reply_buf;
  size_t reply_pos = 0;
  // MULTI/EXEC: queued commands (copied: the read buffer moves on), and WATCHed keys.
  struct QueuedCommand {
    const CommandSpec* cmd;
    std::vector<std::string> args;
  };
  struct WatchedKey {
    int db;
    std::string key;
    bool expired_at_watch;  // already logically expired when WATCH ran
  };
  bool in_multi = false;
  bool multi_error = false;  // a command failed to queue: EXEC answers EXECABORT
  bool watch_dirty = false;  // a watched key changed: EXEC answers null
  std::vector<QueuedCommand> multi_queue;
  std::vector<WatchedKey> watched_keys;

  // Blocking commands (BLPOP...): while blocked, the client's later input waits and the
  // command is run again each time one of its keys is signalled ready.
  bool blocked = false;
  bool in_exec = false;           // running EXEC's queue: blocking commands do not block
  int64_t block_deadline_ms = 0;  // unix ms; 0 = no timeout
  int block_db = 0;
  std::vector<std::string> block_args;  // the command, to run again
  std::vector<std::string> block_keys;

  // Pub/Sub subscriptions (channel names and patterns).
  std::set<std::string, std::less<>> channels;
  std::set<std::string, std::less<>> patterns;
  size_t subscriptions() const { return channels.size() + patterns.size(); }
  int64_t obuf_soft_limit_since_ms = 0;  // when output first exceeded the soft limit, or 0

  uint64_t net_input_bytes = 0;
  uint64_t net_output_bytes = 0;
  uint64_t commands_processed = 0;
  bool tls = false;  // connected over TLS (CLIENT LIST tls=1)
  // Certificate identity (tls-auth-clients-user on this TLS connection): the user comes only
  // from the certificate (cert_user, "" when it named none) or a proved password, never from
  // nopass (commands::LoginAllowed holds the rule).
  bool no_implicit_auth = false;
  std::string cert_user;

  size_t pending_reply() const { return reply_buf.size() - reply_pos; }
};

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

// Where executed writes go: the AOF now, replication later. Installed only while such a
// consumer is on, so that Execute pays one branch otherwise.
class WriteFeed {
 public:
  virtual ~WriteFeed() = default;
  // A command that changed the dataset (the dirty counter moved while it ran), with the
  // arguments it ran with; args[0] is the name the client used, cmd the canonical command.
  virtual void Command(int db, const CommandSpec& cmd, std::span<const std::string_view> args) = 0;
  // A key removed by the server itself rather than by a command (expiry, eviction).
  virtual void Deleted(int db, std::string_view key) = 0;
  // A command in the form it must be replayed in (CommandContext::PropagateAs); args[0] is
  // already the canonical name.
  virtual void Propagate(int db, std::span<const std::string_view> args) = 0;
  // EXEC runs its queue between these two calls (the AOF wraps its writes in MULTI/EXEC).
  virtual void BeginTransaction() {}
  virtual void EndTransaction() {}
  // Bytes the feed holds for writes not yet handed to the kernel (the AOF buffer): not
  // counted against maxmemory, as Redis's mem_not_counted_for_evict.
  virtual uint64_t BufferedBytes() const { return 0; }
};

// Both write consumers at once: the AOF first (it is written before replies go out), then the
// replication stream, each seeing the same calls in the same order.
class WriteFeedTee : public WriteFeed {
 public:
  WriteFeed* first = nullptr;
  WriteFeed* second = nullptr;
  void Command(int db, const CommandSpec& cmd, std::span<const std::string_view> args) override {
    first->Command(db, cmd, args);
    second->Command(db, cmd, args);
  }
  void Deleted(int db, std::string_view key) override {
    first->Deleted(db, key);
    second->Deleted(db, key);
  }
  void Propagate(int db, std::span<const std::string_view> args) override {
    first->Propagate(db, args);
    second->Propagate(db, args);
  }
  void BeginTransaction() override {
    first->BeginTransaction();
    second->BeginTransaction();
  }
  void EndTransaction() override {
    first->EndTransaction();
    second->EndTransaction();
  }
  uint64_t BufferedBytes() const override {
    return first->BufferedBytes() + second->BufferedBytes();
  }
};

class ServerState {
 public:
  ServerState();
  ~ServerState();

  void InitDatabases(int n);
  store::Db& db(int i) { return *dbs_[i]; }
  int db_count() const { return static_cast<int>(dbs_.size()); }

  config::Config* config = nullptr;     // the config table (CONFIG GET/SET/REWRITE)
  config::ServerConfig* cfg = nullptr;  // its live values, read on the hot path
  store::Clock clock;
  ServerStats stats;
  security::AclStore acl{AclCatalog()};                      // users, rules, ACL LOG
  std::vector<CommandStats> command_stats;                   // indexed by CommandSpec::id
  std::map<std::string, uint64_t, std::less<>> error_stats;  // error prefix -> count
  SlowLog slowlog;                                           // SLOWLOG (runtime/slowlog.h)

  // Beyond Redis: AUTH brute-force throttling per source address, the allow-from network
  // list checked at accept, and the JSON-lines audit trail.
  security::AuthThrottle auth_throttle;
  security::CidrList allow_from;
  security::AuditLog audit;
  uint64_t allow_from_rejected = 0;
  TlsStatus tls;  // TLS listener, handshakes, certificate reloads (INFO)
  // Writes one audit record for the client (no-op when audit-log is off).
  void Audit(security::AuditEvent event, const Client& c, std::string_view command,
             std::string_view reason = {}, std::string_view object = {},
             std::span<const std::string_view> params = {});

  // Clients by id (CLIENT LIST order is by id).
  std::unordered_map<uint64_t, Client*> clients;
  std::vector<Client*> monitors;
  // WATCH: clients by "<db>:<key>"; while empty, the dbs' change hooks are off (no cost).
  std::unordered_map<std::string, std::vector<Client*>> watched;
  std::function<void(store::Db&, std::string_view)> key_hook;
  std::function<void(store::Db&)> flush_hook;
  std::function<void(store::Db&, std::string_view)> expired_hook;  // "expired" events
  // Attaches the dbs' change hooks while anything needs them (WATCH, blocked clients) and
  // detaches them otherwise, so that writes cost nothing extra in the common case.
  void UpdateKeyHooks();

  // Blocking: clients waiting per "<db>:<key>" in arrival order, keys signalled ready by the
  // command that just ran, and clients whose blocking ended with input left to process.
  std::unordered_map<std::string, std::vector<Client*>> blocking_keys;
  std::vector<std::string> ready_keys;
  std::vector<uint64_t> unblocked_clients;
  size_t blocked_count = 0;

  // Pub/Sub: subscribers by channel and by pattern, in subscription order.
  std::unordered_map<std::string, std::vector<Client*>> pubsub_channels;
  std::unordered_map<std::string, std::vector<Client*>> pubsub_patterns;
  std::vector<Client*> pending_writes;   // clients with output to flush before the next poll
  std::vector<uint64_t> close_requests;  // ids of clients marked kCloseAsap by a command
  // Marks a client to be closed at the end of this loop turn (CLIENT KILL, deleted users...).
  void CloseAsap(Client* c) {
    if (!(c->flags & client_flag::kCloseAsap)) {
      c->flags |= client_flag::kCloseAsap;
      close_requests.push_back(c->id);
    }
  }
  void MarkPendingWrite(Client* c) {
    if (!(c->flags & client_flag::kPendingWrite)) {
      c->flags |= client_flag::kPendingWrite;
      pending_writes.push_back(c);
    }
  }
  uint64_t next_client_id = 1;

  int64_t start_time_ms = 0;
  int64_t last_save_time = 0;  // unix seconds
  // Changes to the dataset since start (Redis's server.dirty); every db adds to it.
  uint64_t dirty = 0;
  RdbState rdb;  // snapshots and loading (runtime/rdb_persistence.h)
  // What the engine feeds executed writes to: nullptr while nothing consumes them, else the
  // AOF, the replication stream, or a tee of both. The consumers install themselves in their
  // own slot and call UpdateWriteFeed(); nothing else writes write_feed.
  WriteFeed* write_feed = nullptr;
  WriteFeed* aof_feed = nullptr;
  WriteFeed* replication_feed = nullptr;
  void UpdateWriteFeed();
  int64_t pause_end_ms = 0;              // CLIENT PAUSE
  int64_t last_security_warning_ms = 0;  // the cross-protocol warning is logged once a minute
  bool pause_write_only = false;
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

  // maxmemory and lazy freeing (runtime/eviction.h, store/evict.h, store/lazyfree.h).
  store::EvictPolicy evict_policy = store::EvictPolicy::kNoEviction;
  store::EvictionPool evict_pool;
  store::LazyFree lazy_free;
  bool eviction_running = false;  // over maxmemory when the last pass ran out of time
  int next_evict_db = 0;          // round-robin for the random policies
  std::string evict_key_scratch;
  uint64_t startup_allocated = 0;  // used memory when the server started (MEMORY STATS)
  // Commands the running command asked to be fed instead of itself (PropagateAs).
  std::vector<std::vector<std::string>> propagate_as;
  // The AOF engine (runtime/aof_persistence.h), owned by the server; nullptr when none runs
  // (in-process tests). And the last AOF write error (non-empty: writes are refused with
  // -MISCONF, as Redis).
  Aof* aof = nullptr;
  std::string aof_write_error;

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
  // FUNCTION libraries for the RDB functions records (scripting/ installs both; unset, a file
  // holding functions is refused).
  std::function<std::vector<std::string>()> function_library_codes;
  std::function<bool(std::string_view code, std::string* err)> load_function_library;

  static uint64_t Random();

 private:
  WriteFeedTee feed_tee_;
  std::vector<std::unique_ptr<store::Db>> dbs_;
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
  bool feeding() const { return server.write_feed != nullptr; }
  // Feeds `args` (canonical name first) instead of this command; may be called several times.
  // For commands whose replay must not depend on when or where it runs (relative TTLs become
  // absolute, random picks become the members picked).
  void PropagateAs(std::vector<std::string> args) {
    if (feeding()) server.propagate_as.push_back(std::move(args));
  }
};

// Replies the arity error for a command: "ERR wrong number of arguments for 'x' command".
void ReplyWrongArity(protocol::ReplyBuilder& reply, const CommandSpec& cmd);

}  // namespace redoubt::commands
