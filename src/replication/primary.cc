#include "replication/primary.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "persistence/aof_format.h"
#include "runtime/blocking.h"
#include "runtime/rdb_persistence.h"
#include "util/log.h"

namespace redoubt::replication {

namespace {

Primary* g_primary = nullptr;

// Redis's CONFIG_REPL_BACKLOG_MIN_SIZE: a smaller repl-backlog-size is raised to it.
constexpr int64_t kBacklogMinSize = 16 * 1024;

bool ParseInt64(std::string_view s, int64_t* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::string PeerIp(const Client& c) {
  size_t colon = c.addr.rfind(':');
  return colon == std::string::npos ? c.addr : c.addr.substr(0, colon);
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

const char* StateName(Replica::State s) {
  switch (s) {
    case Replica::State::kWaitBgsaveStart:
    case Replica::State::kWaitBgsaveEnd:
      return "wait_bgsave";
    case Replica::State::kSendBulk:
      return "send_bulk";
    case Replica::State::kOnline:
      return "online";
    default:
      return "handshake";
  }
}

}  // namespace

std::string RandomHex40() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  while (out.size() < 40) {
    uint64_t r = ServerState::Random();
    for (int i = 0; i < 16 && out.size() < 40; ++i, r >>= 4) out.push_back(kHex[r & 15]);
  }
  return out;
}

BulkFile::~BulkFile() {
  if (fd >= 0) close(fd);
}

Primary::Primary(ServerState* state) : state_(state), replid_(RandomHex40()) {
  g_primary = this;
  // Snapshots carry the replication id and offset they match (restart -> partial resync),
  // and the db the stream continues in.
  state_->persistence.rdb.repl_info = [this](persistence::RdbSaveOptions* o) {
    o->repl_id = replid_;
    o->repl_offset = offset_;
    o->repl_stream_db = stream_db ? stream_db() : 0;
  };
}

void Primary::ChangeReplId() { replid_ = RandomHex40(); }

Primary::~Primary() {
  if (child_pid_ > 0 && state_->persistence.rdb.repl_child_pid == child_pid_) {
    kill(child_pid_, SIGUSR1);
    waitpid(child_pid_, nullptr, 0);
    state_->persistence.rdb.repl_child_pid = -1;
  }
  if (child_result_fd_ >= 0) close(child_result_fd_);
  if (state_->persistence.replication_feed == this) {
    state_->persistence.replication_feed = nullptr;
    state_->persistence.UpdateWriteFeed();
  }
  if (g_primary == this) g_primary = nullptr;
  state_->persistence.rdb.repl_info = nullptr;
}

Primary* Primary::For(const ServerState& state) {
  return g_primary != nullptr && g_primary->state_ == &state ? g_primary : nullptr;
}

Client* Primary::ClientOf(uint64_t id) const {
  auto it = state_->sessions.clients.find(id);
  return it == state_->sessions.clients.end() ? nullptr : it->second;
}

// --- REPLCONF -------------------------------------------------------------------------------

void Primary::Replconf(Client& c, std::span<const std::string_view> args,
                       protocol::ReplyBuilder& reply) {
  if (args.size() % 2 == 0) {
    reply.Error("ERR syntax error");
    return;
  }
  Replica& r = replicas_[c.id];
  for (size_t i = 1; i + 1 < args.size(); i += 2) {
    std::string_view opt = args[i], val = args[i + 1];
    if (EqualsNoCase(opt, "listening-port")) {
      int64_t port = 0;
      if (!ParseInt64(val, &port)) {
        reply.Error("ERR value is not an integer or out of range");
        return;
      }
      r.listening_port = static_cast<int>(port);
    } else if (EqualsNoCase(opt, "ip-address")) {
      if (val.size() >= 46) {
        reply.Error("ERR REPLCONF ip-address provided by replica instance is too long: " +
                    std::to_string(val.size()) + " bytes");
        return;
      }
      r.ip = std::string(val);
    } else if (EqualsNoCase(opt, "capa")) {
      if (EqualsNoCase(val, "eof")) r.capa_eof = true;
      if (EqualsNoCase(val, "psync2")) r.capa_psync2 = true;
    } else if (EqualsNoCase(opt, "ack")) {
      // From a replica only; never a reply on the replication link.
      int64_t off = 0;
      if (r.state == Replica::State::kHandshake || !ParseInt64(val, &off)) return;
      if (off > r.ack_offset) r.ack_offset = off;
      r.ack_time_ms = state_->clock.now_ms;
      if (state_->cfg->min_replicas_to_write > 0) RefreshGoodReplicas();
      if (!waiters_.empty()) ServeWaiters(0);
      return;
    } else if (EqualsNoCase(opt, "getack")) {
      return;  // meaningful only on a replica's link to its primary
    } else {
      reply.Error("ERR Unrecognized REPLCONF option: " + std::string(opt));
      return;
    }
  }
  reply.Ok();
}

// --- PSYNC / SYNC ---------------------------------------------------------------------------

void Primary::Sync(Client& c, std::span<const std::string_view> args, bool psync,
                   protocol::ReplyBuilder& reply) {
  Replica& r = replicas_[c.id];
  if (r.state != Replica::State::kHandshake) return;  // already a replica
  if (c.pending_reply() > 0) {
    reply.Error("ERR SYNC and PSYNC are invalid with pending output");
    return;
  }
  if (psync) {
    if (TryPartial(c, r, args, reply)) {
      ++sync_partial_ok_;
      return;
    }
    // A replica that named a replication id wanted a partial resync and did not get one.
    if (args.size() > 1 && args[1] != "?") ++sync_partial_err_;
  }
  ++sync_full_;
  LOG_NOTICE("Replica %s asks for synchronization", c.addr.c_str());
  if (!backlog_active_) {
    // As Redis: the first replica of a primary starts a new history, so no replica of an
    // older one resumes into it. (A replica's backlog keeps its primary's id: Adopt.)
    ChangeReplId();
    CreateBacklog();
  }
  r.psync = psync;
  r.state = Replica::State::kWaitBgsaveStart;
  r.ack_time_ms = state_->clock.now_ms;
  r.sync_request_ms = state_->clock.now_ms;
  c.flags |= commands::client_flag::kReplica;
  // +FULLRESYNC goes out when the snapshot starts: its offset is where that snapshot is taken.
  if (AttachToRunningSnapshot(c, r)) return;
  const config::ServerConfig& cfg = *state_->cfg;
  bool delay = cfg.repl_diskless_sync && r.capa_eof && !c.tls && cfg.repl_diskless_sync_delay > 0;
  if (delay) {
    LOG_NOTICE("Delay next BGSAVE for diskless SYNC");
  } else {
    MaybeStartSnapshot(true);
  }
}

bool Primary::TryPartial(Client& c, Replica& r, std::span<const std::string_view> args,
                         protocol::ReplyBuilder& reply) {
  int64_t want = 0;
  if (args.size() < 3 || !backlog_active_ || !ParseInt64(args[2], &want)) return false;
  // The current history, or the one before a promotion up to where it ended.
  bool known = args[1] == replid_ || (args[1] == replid2_ && want <= second_replid_offset_);
  if (!known) return false;
  int64_t histlen = std::min(static_cast<int64_t>(backlog_.size()), BacklogLimit());
  int64_t first = offset_ + 1 - histlen;  // the offset of the oldest byte still kept
  if (want < first || want > offset_ + 1) return false;
  r.state = Replica::State::kOnline;
  r.psync = true;
  r.ack_time_ms = state_->clock.now_ms;
  c.flags |= commands::client_flag::kReplica;
  reply.SimpleString(r.capa_psync2 ? "CONTINUE " + replid_ : std::string("CONTINUE"));
  c.reply_buf.append(backlog_, static_cast<size_t>(want - backlog_off_));
  LOG_NOTICE("Partial resynchronization request from %s accepted, sending %lld bytes",
             c.addr.c_str(), static_cast<long long>(offset_ + 1 - want));
  return true;
}

int64_t Primary::BacklogLimit() const {
  return std::max<int64_t>(state_->cfg->repl_backlog_size, kBacklogMinSize);
}

void Primary::CreateBacklog() {
  backlog_active_ = true;
  backlog_.clear();
  backlog_off_ = offset_ + 1;
  selected_db_ = -1;
  state_->persistence.replication_feed = this;
  state_->persistence.UpdateWriteFeed();
  LOG_NOTICE("Replication backlog created, my new replication IDs are '%s' and '%s'",
             replid_.c_str(), "0000000000000000000000000000000000000000");
}

void Primary::FreeBacklog() {
  ChangeReplId();
  backlog_active_ = false;
  std::string().swap(backlog_);
  backlog_off_ = 0;
  selected_db_ = -1;
  state_->persistence.replication_feed = nullptr;
  state_->persistence.UpdateWriteFeed();
  LOG_NOTICE("Replication backlog freed after %lld seconds without connected replicas.",
             static_cast<long long>(state_->cfg->repl_backlog_ttl));
}

// --- The stream -----------------------------------------------------------------------------

void Primary::Feed(std::string_view bytes) {
  offset_ += static_cast<int64_t>(bytes.size());
  state_->persistence.repl_offset = offset_;
  backlog_.append(bytes);
  size_t limit = static_cast<size_t>(BacklogLimit());
  if (backlog_.size() > 2 * limit) {  // trimmed in steps, not on every write
    size_t drop = backlog_.size() - limit;
    backlog_.erase(0, drop);
    backlog_off_ += static_cast<int64_t>(drop);
  }
  for (auto& [id, r] : replicas_) {
    if (r.state == Replica::State::kHandshake || r.state == Replica::State::kWaitBgsaveStart) {
      continue;
    }
    Client* c = ClientOf(id);
    if (c == nullptr || (c->flags & commands::client_flag::kCloseAsap)) continue;
    if (r.state == Replica::State::kOnline) {
      SendTo(*c, bytes);
    } else {
      r.pending.append(bytes);
      OverLimit(*c, r.pending.size());
    }
  }
}

void Primary::SendTo(Client& c, std::string_view bytes) {
  c.reply_buf.append(bytes);
  state_->sessions.MarkPendingWrite(&c);
  OverLimit(c, c.pending_reply());
}

bool Primary::OverLimit(Client& c, size_t used) {
  const config::OutputBufferLimit& lim =
      state_->cfg->client_output_buffer_limits[config::kClientClassReplica];
  auto u = static_cast<int64_t>(used);
  bool over_hard = lim.hard_limit_bytes > 0 && u >= lim.hard_limit_bytes;
  bool over_soft = lim.soft_limit_bytes > 0 && u >= lim.soft_limit_bytes;
  bool soft_expired = false;
  if (!over_soft) {
    c.obuf_soft_limit_since_ms = 0;
  } else if (c.obuf_soft_limit_since_ms == 0) {
    c.obuf_soft_limit_since_ms = state_->clock.now_ms;
  } else {
    soft_expired =
        (state_->clock.now_ms - c.obuf_soft_limit_since_ms) / 1000 > lim.soft_limit_seconds;
  }
  if (!over_hard && !soft_expired) return false;
  CloseReplica(c, "overcoming of output buffer limits");
  return true;
}

void Primary::CloseReplica(Client& c, const char* why) {
  LOG_WARNING("Client id=%llu addr=%s (replica) scheduled to be closed ASAP for %s.",
              static_cast<unsigned long long>(c.id), c.addr.c_str(), why);
  auto it = replicas_.find(c.id);
  if (it != replicas_.end()) std::string().swap(it->second.pending);
  c.reply_buf.clear();
  c.reply_pos = 0;
  state_->sessions.CloseAsap(&c);
}

void Primary::BeforeWrite(int db) {
  std::string out;
  if (tx_open_ && !tx_written_) {
    if (db != selected_db_) {
      persistence::AppendCommand(&out, {"SELECT", std::to_string(db)});
      selected_db_ = db;
    }
    persistence::AppendCommand(&out, {"MULTI"});
    tx_written_ = true;
  }
  if (db != selected_db_) {
    persistence::AppendCommand(&out, {"SELECT", std::to_string(db)});
    selected_db_ = db;
  }
  if (!out.empty()) Feed(out);
}

void Primary::FeedCommand(int db, std::span<const std::string_view> args) {
  BeforeWrite(db);
  encoded_.clear();  // reused: no allocation per write once it has grown
  persistence::AppendCommand(&encoded_, args);
  Feed(encoded_);
  if (encoded_.capacity() > (1u << 20)) std::string().swap(encoded_);  // after a huge value
}

void Primary::Command(int db, const CommandSpec& cmd, std::span<const std::string_view> args) {
  if (upstream_) return;
  argv_.assign(args.begin(), args.end());
  argv_[0] = commands::CanonicalCommandName(cmd);  // never a rename-command alias
  FeedCommand(db, argv_);
}

void Primary::Deleted(int db, std::string_view key, bool lazy) {
  if (upstream_) return;
  std::array<std::string_view, 2> args{lazy ? "UNLINK" : "DEL", key};
  FeedCommand(db, args);
}

void Primary::Propagate(int db, std::span<const std::string_view> args) {
  if (!upstream_) FeedCommand(db, args);
}

void Primary::BeginTransaction() {
  if (upstream_) return;
  tx_open_ = true;
  tx_written_ = false;
}

void Primary::EndTransaction() {
  if (upstream_) return;
  if (tx_written_) {
    std::string out;
    persistence::AppendCommand(&out, {"EXEC"});
    Feed(out);
  }
  tx_open_ = false;
  tx_written_ = false;
}

// --- The replica side's hooks ---------------------------------------------------------------

void Primary::FeedUpstream(std::string_view bytes) {
  if (!backlog_active_) CreateBacklog();
  Feed(bytes);
}

void Primary::DropReplicas() {
  for (auto& [id, r] : replicas_) {
    if (Client* c = ClientOf(id)) state_->sessions.CloseAsap(c);
  }
}

void Primary::Adopt(std::string_view replid, int64_t offset) {
  replid_ = std::string(replid);
  replid2_ = std::string(40, '0');
  second_replid_offset_ = -1;
  offset_ = offset;
  if (!backlog_active_) CreateBacklog();
  backlog_.clear();
  backlog_off_ = offset_ + 1;
  selected_db_ = -1;
  DropReplicas();
}

void Primary::ShiftReplId(std::string_view new_id) {
  replid2_ = replid_;
  second_replid_offset_ = offset_ + 1;
  replid_ = new_id.empty() ? RandomHex40() : std::string(new_id);
  selected_db_ = -1;
  DropReplicas();
}

// --- Cron -----------------------------------------------------------------------------------

void Primary::Prune() {
  for (auto it = replicas_.begin(); it != replicas_.end();) {
    it = ClientOf(it->first) == nullptr ? replicas_.erase(it) : std::next(it);
  }
}

void Primary::Cron() {
  const int64_t now = state_->clock.now_ms;
  ReapSnapshot();
  Prune();
  if (!waiters_.empty()) ServeWaiters(now);
  MaybeStartSnapshot(false);
  KeepAlive();
  DropTimedOut();
  RefreshGoodReplicas();
  bool any = false;
  for (const auto& [id, r] : replicas_) any |= r.state != Replica::State::kHandshake;
  int64_t period = static_cast<int64_t>(state_->cfg->repl_ping_replica_period) * 1000;
  if (backlog_active_ && !upstream_ && any && now - last_ping_ms_ >= period) {
    last_ping_ms_ = now;
    std::string out;
    persistence::AppendCommand(&out, {"PING"});
    Feed(out);
  }
  // repl-backlog-ttl: a primary without replicas for that long frees its backlog (and, as
  // Redis, takes a new replication id: nobody can resume the old history from it anyway).
  // A replica keeps its backlog: it may be promoted, or get sub-replicas.
  if (any || !backlog_active_ || upstream_) {
    no_replicas_since_ms_ = 0;
  } else if (no_replicas_since_ms_ == 0) {
    no_replicas_since_ms_ = now;
  } else if (state_->cfg->repl_backlog_ttl > 0 &&
             now - no_replicas_since_ms_ > state_->cfg->repl_backlog_ttl * 1000) {
    FreeBacklog();
    no_replicas_since_ms_ = 0;
  }
}

void Primary::DropTimedOut() {
  int64_t limit = static_cast<int64_t>(state_->cfg->repl_timeout) * 1000;
  for (auto& [id, r] : replicas_) {
    // Replicas of the old SYNC protocol never ACK: as Redis, they are not timed out.
    if (r.state != Replica::State::kOnline || !r.psync) continue;
    if (state_->clock.now_ms - r.ack_time_ms <= limit) continue;
    Client* c = ClientOf(id);
    if (c == nullptr || (c->flags & commands::client_flag::kCloseAsap)) continue;
    LOG_WARNING("Disconnecting timedout replica (streaming sync): %s", c->addr.c_str());
    state_->sessions.CloseAsap(c);
  }
}

void Primary::RefreshGoodReplicas() {
  int good = 0;
  int64_t now_s = state_->clock.now_ms / 1000;
  for (const auto& [id, r] : replicas_) {
    if (r.state != Replica::State::kOnline) continue;
    if (now_s - r.ack_time_ms / 1000 <= state_->cfg->min_replicas_max_lag) ++good;
  }
  state_->persistence.repl_good_replicas = good;
}

// --- WAIT -----------------------------------------------------------------------------------

int Primary::CountAcked(int64_t offset) const {
  int n = 0;
  for (const auto& [id, r] : replicas_) {
    if (r.state == Replica::State::kOnline && r.ack_offset >= offset) ++n;
  }
  return n;
}

void Primary::Wait(commands::CommandContext& cx) {
  int64_t numreplicas = 0, timeout = 0;
  if (!ParseInt64(cx.args[1], &numreplicas)) {
    cx.reply.Error("ERR value is not an integer or out of range");
    return;
  }
  if (!ParseInt64(cx.args[2], &timeout)) {
    cx.reply.Error("ERR timeout is not an integer or out of range");
    return;
  }
  if (timeout < 0) {
    cx.reply.Error("ERR timeout is negative");
    return;
  }
  Client& c = cx.client;
  // As Redis: the client's own last write, not whatever others wrote since.
  int64_t target = c.woff;
  int acked = CountAcked(target);
  if (acked >= numreplicas || c.in_multi || c.in_exec) {
    cx.reply.Integer(acked);
    return;
  }
  c.blocked = true;
  c.block_deadline_ms = 0;  // the timeout is ours: blocking.cc would reply a null array
  ++state_->indexes.blocked_count;
  waiters_.push_back({c.id, target, numreplicas, timeout == 0 ? 0 : cx.now_ms() + timeout});
  // As Redis: the GETACK goes out before the loop sleeps, not as part of this command (its
  // bytes are nobody's write: they must not move the client's woff).
  getack_pending_ = true;
}

void Primary::ServeWaiters(int64_t now_ms) {
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    Client* c = ClientOf(it->client_id);
    if (c == nullptr || !c->blocked) {  // gone, or CLIENT UNBLOCK answered it
      it = waiters_.erase(it);
      continue;
    }
    int acked = CountAcked(it->target);
    bool timed_out = now_ms != 0 && it->deadline_ms != 0 && now_ms >= it->deadline_ms;
    if (acked < it->numreplicas && !timed_out) {
      ++it;
      continue;
    }
    commands::Unblock(*state_, *c);
    protocol::ReplyBuilder reply(&c->reply_buf, c->resp);
    reply.Integer(acked);
    state_->sessions.MarkPendingWrite(c);
    it = waiters_.erase(it);
  }
}

void Primary::RequestAcks() {
  if (!backlog_active_ || upstream_) return;
  std::string out;
  persistence::AppendCommand(&out, {"REPLCONF", "GETACK", "*"});
  Feed(out);
}

// --- ROLE, INFO -----------------------------------------------------------------------------

void Primary::Role(protocol::ReplyBuilder& reply) const {
  if (replica_role && replica_role(reply)) return;
  reply.Array(3);
  reply.Bulk("master");
  reply.Integer(offset_);
  int online = 0;
  for (const auto& [id, r] : replicas_) online += r.state == Replica::State::kOnline;
  reply.Array(online);
  for (const auto& [id, r] : replicas_) {
    if (r.state != Replica::State::kOnline) continue;
    Client* c = ClientOf(id);
    reply.Array(3);
    reply.Bulk(!r.ip.empty() || c == nullptr ? r.ip : PeerIp(*c));
    reply.Bulk(std::to_string(r.listening_port));
    reply.Bulk(std::to_string(r.ack_offset));
  }
}

void Primary::Info(std::string* out) const {
  auto line = [out](std::string_view k, std::string_view v) {
    out->append(k);
    out->push_back(':');
    out->append(v);
    out->append("\r\n");
  };
  int n = 0;
  std::string slaves;
  int64_t now_s = state_->clock.now_ms / 1000;
  for (const auto& [id, r] : replicas_) {
    Client* c = ClientOf(id);
    if (r.state == Replica::State::kHandshake || c == nullptr) continue;
    char buf[256];
    int64_t lag = now_s - r.ack_time_ms / 1000;
    std::snprintf(buf, sizeof(buf), "slave%d:ip=%s,port=%d,state=%s,offset=%lld,lag=%lld\r\n", n,
                  (r.ip.empty() ? PeerIp(*c) : r.ip).c_str(), r.listening_port, StateName(r.state),
                  static_cast<long long>(r.ack_offset), static_cast<long long>(lag));
    slaves.append(buf);
    ++n;
  }
  if (!replica_info || !replica_info(out)) line("role", "master");
  line("connected_slaves", std::to_string(n));
  if (state_->cfg->min_replicas_to_write > 0 && state_->cfg->min_replicas_max_lag > 0) {
    line("min_slaves_good_slaves", std::to_string(state_->persistence.repl_good_replicas));
  }
  out->append(slaves);
  line("master_failover_state", "no-failover");
  line("master_replid", replid_);
  line("master_replid2", replid2_);
  line("master_repl_offset", std::to_string(offset_));
  line("second_repl_offset", std::to_string(second_replid_offset_));
  int64_t histlen = std::min(static_cast<int64_t>(backlog_.size()), BacklogLimit());
  line("repl_backlog_active", backlog_active_ ? "1" : "0");
  line("repl_backlog_size", std::to_string(BacklogLimit()));
  line("repl_backlog_first_byte_offset",
       std::to_string(backlog_active_ ? offset_ + 1 - histlen : 0));
  line("repl_backlog_histlen", std::to_string(backlog_active_ ? histlen : 0));
}

}  // namespace redoubt::replication
