#include "replication/primary.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "persistence/aof_format.h"
#include "persistence/rdb_writer.h"
#include "runtime/acl.h"
#include "runtime/blocking.h"
#include "runtime/rdb_persistence.h"
#include "util/log.h"

namespace redoubt::replication {

namespace {

Primary* g_primary = nullptr;

std::string RandomHex40() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  while (out.size() < 40) {
    uint64_t r = ServerState::Random();
    for (int i = 0; i < 16 && out.size() < 40; ++i, r >>= 4) out.push_back(kHex[r & 15]);
  }
  return out;
}

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
    case Replica::State::kWaitBgsave:
      return "wait_bgsave";
    case Replica::State::kOnline:
      return "online";
    default:
      return "handshake";
  }
}

}  // namespace

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
  if (child_pid_ > 0) {
    kill(child_pid_, SIGUSR1);
    waitpid(child_pid_, nullptr, 0);
  }
  if (child_fd_ >= 0) close(child_fd_);
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
  if (!backlog_active_) CreateBacklog();
  // The stream after the snapshot starts with a SELECT for the replica, whatever came before.
  selected_db_ = -1;
  r.state = Replica::State::kWaitBgsave;
  r.ack_time_ms = state_->clock.now_ms;
  c.flags |= commands::client_flag::kReplica;
  if (psync) reply.SimpleString("FULLRESYNC " + replid_ + " " + std::to_string(offset_));
  LOG_NOTICE("Replica %s asks for synchronization", c.addr.c_str());
  // A replica arriving while a snapshot runs waits for the next one; one child at a time.
  if (child_pid_ < 0) StartSnapshot();
}

bool Primary::TryPartial(Client& c, Replica& r, std::span<const std::string_view> args,
                         protocol::ReplyBuilder& reply) {
  int64_t want = 0;
  if (args.size() < 3 || !backlog_active_ || !ParseInt64(args[2], &want)) return false;
  // The current history, or the one before a promotion up to where it ended.
  bool known = args[1] == replid_ || (args[1] == replid2_ && want <= second_replid_offset_);
  if (!known) return false;
  int64_t histlen = static_cast<int64_t>(backlog_.size());
  if (want < backlog_off_ || want > backlog_off_ + histlen) return false;
  r.state = Replica::State::kOnline;
  r.ack_time_ms = state_->clock.now_ms;
  c.flags |= commands::client_flag::kReplica;
  reply.SimpleString(r.capa_psync2 ? "CONTINUE " + replid_ : std::string("CONTINUE"));
  c.reply_buf.append(backlog_, static_cast<size_t>(want - backlog_off_));
  LOG_NOTICE("Partial resynchronization request from %s accepted, sending %lld bytes",
             c.addr.c_str(), static_cast<long long>(backlog_off_ + histlen - want));
  return true;
}

void Primary::CreateBacklog() {
  backlog_active_ = true;
  backlog_.clear();
  backlog_off_ = offset_ + 1;
  state_->persistence.replication_feed = this;
  state_->persistence.UpdateWriteFeed();
}

void Primary::StartSnapshot() {
  char path[] = "temp-repl-XXXXXX.rdb";
  int fd = mkstemps(path, 4);
  if (fd < 0) {
    LOG_WARNING("Can't create the replication RDB file: %s", std::strerror(errno));
    SnapshotDone(false);
    return;
  }
  unlink(path);  // only the open descriptor holds it: nothing left behind
  std::vector<store::Db*> dbs = commands::AllDbs(*state_);
  persistence::RdbSaveOptions opts = commands::RdbSaveOptionsFor(*state_);
  int64_t now = state_->clock.now_ms;
  pid_t pid = fork();
  if (pid < 0) {
    LOG_WARNING("Can't fork for the replication RDB: %s", std::strerror(errno));
    close(fd);
    SnapshotDone(false);
    return;
  }
  if (pid == 0) {
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    if (state_->persistence.rdb.in_child_after_fork) state_->persistence.rdb.in_child_after_fork();
    util::Status st = persistence::WriteRdb(fd, dbs, opts, now);
    if (!st.ok()) LOG_WARNING("%s", st.message().c_str());
    _exit(st.ok() ? 0 : 1);
  }
  LOG_NOTICE("Starting BGSAVE for SYNC with target: disk, pid %ld", static_cast<long>(pid));
  child_pid_ = pid;
  child_fd_ = fd;
}

void Primary::SnapshotDone(bool ok) {
  std::string rdb;
  if (ok) {
    struct stat st {};
    ok = fstat(child_fd_, &st) == 0;
    if (ok) {
      rdb.resize(static_cast<size_t>(st.st_size));
      ok = pread(child_fd_, rdb.data(), rdb.size(), 0) == static_cast<ssize_t>(rdb.size());
    }
  }
  if (child_fd_ >= 0) close(child_fd_);
  child_fd_ = -1;
  child_pid_ = -1;
  for (auto& [id, r] : replicas_) {
    if (r.state != Replica::State::kWaitBgsave) continue;
    Client* c = ClientOf(id);
    if (c == nullptr) continue;
    if (!ok) {
      state_->sessions.CloseAsap(c);
      continue;
    }
    char header[32];
    int n = std::snprintf(header, sizeof(header), "$%zu\r\n", rdb.size());
    c->reply_buf.append(header, static_cast<size_t>(n));
    c->reply_buf.append(rdb);
    c->reply_buf.append(r.pending);
    r.pending.clear();
    r.pending.shrink_to_fit();
    r.state = Replica::State::kOnline;
    state_->sessions.MarkPendingWrite(c);
    LOG_NOTICE("Synchronization with replica %s succeeded", c->addr.c_str());
  }
}

// --- The stream -----------------------------------------------------------------------------

void Primary::Feed(std::string_view bytes) {
  offset_ += static_cast<int64_t>(bytes.size());
  backlog_.append(bytes);
  size_t limit = static_cast<size_t>(std::max<int64_t>(state_->cfg->repl_backlog_size, 1));
  if (backlog_.size() > 2 * limit) {
    size_t drop = backlog_.size() - limit;
    backlog_.erase(0, drop);
    backlog_off_ += static_cast<int64_t>(drop);
  }
  for (auto& [id, r] : replicas_) {
    if (r.state == Replica::State::kWaitBgsave) {
      r.pending.append(bytes);
    } else if (r.state == Replica::State::kOnline) {
      Client* c = ClientOf(id);
      if (c == nullptr) continue;
      c->reply_buf.append(bytes);
      state_->sessions.MarkPendingWrite(c);
    }
  }
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
  std::string out;
  persistence::AppendCommand(&out, args);
  Feed(out);
}

void Primary::Command(int db, const CommandSpec& cmd, std::span<const std::string_view> args) {
  if (upstream_) return;
  std::vector<std::string_view> v(args.begin(), args.end());
  v[0] = commands::CanonicalCommandName(cmd);  // never a rename-command alias
  FeedCommand(db, v);
}

void Primary::Deleted(int db, std::string_view key) {
  if (upstream_) return;
  std::array<std::string_view, 2> args{"DEL", key};
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

// --- Cron, WAIT -----------------------------------------------------------------------------

void Primary::Prune() {
  for (auto it = replicas_.begin(); it != replicas_.end();) {
    it = ClientOf(it->first) == nullptr ? replicas_.erase(it) : std::next(it);
  }
}

void Primary::Cron() {
  if (child_pid_ > 0) {
    int status = 0;
    pid_t r = waitpid(child_pid_, &status, WNOHANG);
    if (r == child_pid_) {
      bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
      LOG_NOTICE("Background RDB transfer %s", ok ? "terminated with success" : "failed");
      SnapshotDone(ok);
    }
  }
  Prune();
  if (!waiters_.empty()) ServeWaiters(state_->clock.now_ms);
  // A replica that arrived while the last snapshot ran gets the next one.
  if (child_pid_ < 0) {
    for (auto& [id, r] : replicas_) {
      if (r.state == Replica::State::kWaitBgsave) {
        StartSnapshot();
        break;
      }
    }
  }
  int64_t period = static_cast<int64_t>(state_->cfg->repl_ping_replica_period) * 1000;
  if (backlog_active_ && !upstream_ && !replicas_.empty() &&
      state_->clock.now_ms - last_ping_ms_ >= period) {
    last_ping_ms_ = state_->clock.now_ms;
    std::string out;
    persistence::AppendCommand(&out, {"PING"});
    Feed(out);
  }
}

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
  // Every write so far, the client's own included, is at or before the current offset.
  int64_t target = offset_;
  int acked = CountAcked(target);
  if (acked >= numreplicas || cx.client.in_multi || cx.client.in_exec) {
    cx.reply.Integer(acked);
    return;
  }
  Client& c = cx.client;
  c.blocked = true;
  c.block_deadline_ms = 0;  // the timeout is ours: blocking.cc would reply a null array
  ++state_->indexes.blocked_count;
  waiters_.push_back({c.id, target, numreplicas, timeout == 0 ? 0 : cx.now_ms() + timeout});
  RequestAcks();
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
  for (const auto& [id, r] : replicas_) {
    Client* c = ClientOf(id);
    if (r.state == Replica::State::kHandshake || c == nullptr) continue;
    char buf[256];
    int64_t lag = (state_->clock.now_ms - r.ack_time_ms) / 1000;
    std::snprintf(buf, sizeof(buf), "slave%d:ip=%s,port=%d,state=%s,offset=%lld,lag=%lld\r\n", n,
                  (r.ip.empty() ? PeerIp(*c) : r.ip).c_str(), r.listening_port, StateName(r.state),
                  static_cast<long long>(r.ack_offset), static_cast<long long>(lag));
    slaves.append(buf);
    ++n;
  }
  if (!replica_info || !replica_info(out)) line("role", "master");
  line("connected_slaves", std::to_string(n));
  out->append(slaves);
  line("master_failover_state", "no-failover");
  line("master_replid", replid_);
  line("master_replid2", replid2_);
  line("master_repl_offset", std::to_string(offset_));
  line("second_repl_offset", std::to_string(second_replid_offset_));
  line("repl_backlog_active", backlog_active_ ? "1" : "0");
  line("repl_backlog_size", std::to_string(state_->cfg->repl_backlog_size));
  line("repl_backlog_first_byte_offset", std::to_string(backlog_active_ ? backlog_off_ : 0));
  line("repl_backlog_histlen", std::to_string(backlog_.size()));
}

}  // namespace redoubt::replication
