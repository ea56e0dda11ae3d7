// Full syncs on the primary: one forked child at a time (a BGSAVE or AOF rewrite child makes
// replicas wait, as in Redis 7.0), writing the RDB either straight to the replicas' sockets
// framed by `$EOF:<mark>` (diskless: repl-diskless-sync, replicas announcing capa eof) or to an
// unlinked file the parent then streams as `$<size>`; replicas arriving during
// repl-diskless-sync-delay share one child.
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "persistence/rdb_writer.h"
#include "replication/primary.h"
#include "runtime/rdb_persistence.h"
#include "util/log.h"

namespace redoubt::replication {

namespace {

constexpr size_t kBulkChunk = 1 << 20;  // queued per refill of a disk-target transfer

// In the snapshot child: one replica's socket and whether it took every byte so far.
struct SocketTarget {
  int fd;
  std::string prefix;  // what the parent had not sent yet (+FULLRESYNC), then $EOF:<mark>
  bool ok = true;
};

// Writes all of data to the socket (non-blocking: polls while it is full), giving up after
// `timeout_ms` without progress.
void WriteFully(SocketTarget& t, const char* data, size_t n, int timeout_ms) {
  size_t off = 0;
  while (t.ok && off < n) {
    ssize_t w = write(t.fd, data + off, n - off);
    if (w > 0) {
      off += static_cast<size_t>(w);
    } else if (w < 0 && errno == EINTR) {
      continue;
    } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{t.fd, POLLOUT, 0};
      if (poll(&p, 1, timeout_ms) <= 0) t.ok = false;
    } else {
      t.ok = false;
    }
  }
}

void WriteAll(std::vector<SocketTarget>& ts, const char* data, size_t n, int timeout_ms) {
  for (SocketTarget& t : ts) WriteFully(t, data, n, timeout_ms);
}

// The child of a diskless sync: the RDB is produced by a thread into a pipe, and this thread
// copies each chunk to every replica's socket (one slow replica slows the others, never the
// parent). Reports one byte per target ('1' delivered, '0' not) on result_fd.
int ChildToSockets(std::vector<SocketTarget>& targets, const std::string& mark,
                   std::vector<store::Db*> dbs, const persistence::RdbSaveOptions& opts,
                   int64_t now, int timeout_ms, int result_fd) {
  int p[2];
  if (pipe(p) != 0) return 1;
  util::Status st = util::Status::Ok();
  std::thread writer([&] {
    st = persistence::WriteRdb(p[1], dbs, opts, now);
    close(p[1]);
  });
  for (SocketTarget& t : targets) WriteFully(t, t.prefix.data(), t.prefix.size(), timeout_ms);
  std::string buf(64 * 1024, '\0');
  for (;;) {
    ssize_t n = read(p[0], buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    WriteAll(targets, buf.data(), static_cast<size_t>(n), timeout_ms);
  }
  writer.join();
  if (!st.ok()) {
    LOG_WARNING("%s", st.message().c_str());
    return 1;
  }
  WriteAll(targets, mark.data(), mark.size(), timeout_ms);
  std::string results;
  for (const SocketTarget& t : targets) results.push_back(t.ok ? '1' : '0');
  if (write(result_fd, results.data(), results.size()) != static_cast<ssize_t>(results.size())) {
    return 1;
  }
  return 0;
}

int MaxReplicasSetting(const ServerState& state) {
  if (state.config == nullptr) return 0;
  auto v = state.config->GetValue("repl-diskless-sync-max-replicas");
  return v ? std::atoi(v->c_str()) : 0;
}

}  // namespace

bool Primary::AttachToRunningSnapshot(Client& c, Replica& r) {
  if (state_->persistence.rdb.child_pid != -1) {
    // A BGSAVE of the user's: its file is not one the replicas are sent (Redis 7.0 attaches
    // only to a snapshot started for another replica).
    LOG_NOTICE("Can't attach the replica to the current BGSAVE. Waiting for next BGSAVE for SYNC");
    return true;
  }
  if (child_pid_ < 0) return false;
  if (child_socket_target_) {
    LOG_NOTICE("Current BGSAVE has socket target. Waiting for next BGSAVE for SYNC");
    return true;
  }
  // A disk-target snapshot for replication serves a newcomer too, with the stream another
  // replica has accumulated since the fork.
  for (uint64_t id : child_replicas_) {
    auto it = replicas_.find(id);
    if (it == replicas_.end() || it->second.state != Replica::State::kWaitBgsaveEnd) continue;
    r.pending = it->second.pending;
    r.state = Replica::State::kWaitBgsaveEnd;
    child_replicas_.push_back(c.id);
    if (r.psync) {
      SendTo(c, "+FULLRESYNC " + replid_ + " " + std::to_string(child_offset_) + "\r\n");
    }
    LOG_NOTICE("Waiting for end of BGSAVE for SYNC");
    return true;
  }
  LOG_NOTICE("Can't attach the replica to the current BGSAVE. Waiting for next BGSAVE for SYNC");
  return true;
}

void Primary::MaybeStartSnapshot(bool now) {
  if (child_pid_ > 0) return;
  int waiting = 0;
  int64_t max_idle = 0;
  bool all_eof = true;
  for (const auto& [id, r] : replicas_) {
    if (r.state != Replica::State::kWaitBgsaveStart) continue;
    Client* c = ClientOf(id);
    if (c == nullptr) continue;
    ++waiting;
    max_idle = std::max(max_idle, state_->clock.now_ms - r.sync_request_ms);
    // TLS links cannot be written by the child: they get the file instead.
    all_eof = all_eof && r.capa_eof && !c->tls;
  }
  if (waiting == 0) return;
  const config::ServerConfig& cfg = *state_->cfg;
  if (!now && cfg.repl_diskless_sync) {
    int max_replicas = MaxReplicasSetting(*state_);
    bool enough = max_replicas > 0 && waiting >= max_replicas;
    if (!enough && max_idle < static_cast<int64_t>(cfg.repl_diskless_sync_delay) * 1000) return;
  }
  // One child at a time: a BGSAVE or an AOF rewrite running makes the replicas wait.
  if (commands::RdbChildActive(*state_) || commands::AofChildActive(*state_)) {
    if (now) {
      LOG_NOTICE(
          "No BGSAVE in progress, but another BG operation is active. BGSAVE for "
          "replication delayed");
    }
    return;
  }
  StartSnapshot(cfg.repl_diskless_sync && all_eof);
}

bool Primary::StartSnapshot(bool socket_target) {
  std::shared_ptr<BulkFile> file;
  if (!socket_target) {
    char path[] = "temp-repl-XXXXXX.rdb";
    file = std::make_shared<BulkFile>();
    file->fd = mkstemps(path, 4);
    if (file->fd < 0) {
      LOG_WARNING("Can't create the replication RDB file: %s", std::strerror(errno));
      return false;
    }
    unlink(path);  // only the open descriptor holds it: nothing left behind
  }
  int result_pipe[2] = {-1, -1};
  if (socket_target && pipe(result_pipe) != 0) return false;
  // Every waiting replica gets this snapshot: +FULLRESYNC with the offset it is taken at.
  std::vector<SocketTarget> targets;
  std::vector<uint64_t> attached;
  std::string mark = RandomHex40();
  for (auto& [id, r] : replicas_) {
    Client* c = ClientOf(id);
    if (r.state != Replica::State::kWaitBgsaveStart || c == nullptr) continue;
    r.state = Replica::State::kWaitBgsaveEnd;
    r.pending.clear();
    attached.push_back(id);
    std::string head;
    if (r.psync) head = "+FULLRESYNC " + replid_ + " " + std::to_string(offset_) + "\r\n";
    if (!socket_target) {
      SendTo(*c, head);
      continue;
    }
    // The child owns the socket until it exits: it sends what the parent had not.
    std::string prefix = c->reply_buf.substr(c->reply_pos) + head + "$EOF:" + mark + "\r\n";
    targets.push_back({c->fd, std::move(prefix)});
    c->reply_buf.clear();
    c->reply_pos = 0;
  }
  std::vector<store::Db*> dbs = commands::AllDbs(*state_);
  persistence::RdbSaveOptions opts = commands::RdbSaveOptionsFor(*state_);
  int64_t now = state_->clock.now_ms;
  int timeout_ms = state_->cfg->repl_timeout * 1000;
  pid_t pid = fork();
  if (pid < 0) {
    LOG_WARNING("Can't fork for the replication RDB: %s", std::strerror(errno));
    if (socket_target) {
      close(result_pipe[0]);
      close(result_pipe[1]);
    }
    child_replicas_ = attached;
    SnapshotDone(false, {});
    return false;
  }
  if (pid == 0) {
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGUSR1, SIG_DFL);
    if (state_->persistence.rdb.in_child_after_fork) state_->persistence.rdb.in_child_after_fork();
    if (socket_target) {
      close(result_pipe[0]);
      _exit(ChildToSockets(targets, mark, dbs, opts, now, timeout_ms, result_pipe[1]));
    }
    util::Status st = persistence::WriteRdb(file->fd, dbs, opts, now);
    if (!st.ok()) LOG_WARNING("%s", st.message().c_str());
    _exit(st.ok() ? 0 : 1);
  }
  LOG_NOTICE("Starting BGSAVE for SYNC with target: %s",
             socket_target ? "replicas sockets" : "disk");
  if (socket_target) {
    close(result_pipe[1]);
    child_result_fd_ = result_pipe[0];
  }
  child_pid_ = pid;
  state_->persistence.rdb.repl_child_pid = pid;
  child_socket_target_ = socket_target;
  child_file_ = std::move(file);
  child_offset_ = offset_;
  child_replicas_ = std::move(attached);
  return true;
}

void Primary::ReapSnapshot() {
  if (child_pid_ <= 0) return;
  int status = 0;
  pid_t r = waitpid(child_pid_, &status, WNOHANG);
  if (r == 0 || (r < 0 && errno == EINTR)) return;
  // r < 0 (ECHILD): the shutdown path reaped it; a failure as far as the replicas go.
  bool ok = r == child_pid_ && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  std::string results;
  if (child_result_fd_ >= 0) {
    char buf[256];
    ssize_t n;
    while ((n = read(child_result_fd_, buf, sizeof(buf))) > 0) results.append(buf, n);
    close(child_result_fd_);
    child_result_fd_ = -1;
  }
  if (ok) {
    LOG_NOTICE("Background RDB transfer terminated with success");
  } else if (r == child_pid_ && WIFSIGNALED(status)) {
    LOG_WARNING("Background transfer terminated by signal %d", WTERMSIG(status));
  } else {
    LOG_WARNING("Background transfer error");
  }
  SnapshotDone(ok, results);
}

void Primary::SnapshotDone(bool ok, const std::string& results) {
  std::shared_ptr<BulkFile> file = std::move(child_file_);
  if (ok && file != nullptr) {
    struct stat st {};
    ok = fstat(file->fd, &st) == 0;
    file->size = ok ? static_cast<uint64_t>(st.st_size) : 0;
  }
  std::vector<uint64_t> attached = std::move(child_replicas_);
  child_replicas_.clear();
  child_pid_ = -1;
  state_->persistence.rdb.repl_child_pid = -1;
  for (size_t i = 0; i < attached.size(); ++i) {
    auto it = replicas_.find(attached[i]);
    Client* c = ClientOf(attached[i]);
    if (it == replicas_.end() || c == nullptr) continue;
    Replica& r = it->second;
    if (r.state != Replica::State::kWaitBgsaveEnd) continue;
    bool delivered = ok && (file != nullptr || (i < results.size() && results[i] == '1'));
    if (!delivered) {
      CloseReplica(*c, "a failed full synchronization");
      continue;
    }
    if (file == nullptr) {
      LOG_NOTICE("Streamed RDB transfer with replica %s succeeded (socket).", c->addr.c_str());
      PutOnline(*c, r);
      continue;
    }
    r.state = Replica::State::kSendBulk;
    r.bulk = file;
    r.bulk_sent = 0;
    char header[32];
    int n = std::snprintf(header, sizeof(header), "$%llu\r\n",
                          static_cast<unsigned long long>(file->size));
    SendTo(*c, std::string_view(header, static_cast<size_t>(n)));
  }
  BeforeSleep();
}

void Primary::BeforeSleep() {
  if (getack_pending_) {
    getack_pending_ = false;
    RequestAcks();
  }
  for (auto& [id, r] : replicas_) {
    if (r.state != Replica::State::kSendBulk) continue;
    Client* c = ClientOf(id);
    if (c == nullptr || (c->flags & commands::client_flag::kCloseAsap)) continue;
    bool queued = false;
    while (c->pending_reply() < kBulkChunk && r.bulk_sent < r.bulk->size) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(kBulkChunk, r.bulk->size - r.bulk_sent));
      size_t at = c->reply_buf.size();
      c->reply_buf.resize(at + n);
      ssize_t got = pread(r.bulk->fd, c->reply_buf.data() + at, n, static_cast<off_t>(r.bulk_sent));
      if (got != static_cast<ssize_t>(n)) {
        CloseReplica(*c, "a failed read of the replication RDB file");
        break;
      }
      r.bulk_sent += n;
      queued = true;
    }
    if (c->flags & commands::client_flag::kCloseAsap) continue;
    if (r.bulk_sent == r.bulk->size) {
      LOG_NOTICE("Synchronization with replica %s succeeded", c->addr.c_str());
      PutOnline(*c, r);
    } else if (queued) {
      state_->sessions.MarkPendingWrite(c);
    }
  }
}

void Primary::PutOnline(Client& c, Replica& r) {
  r.bulk.reset();
  r.state = Replica::State::kOnline;
  r.ack_time_ms = state_->clock.now_ms;
  std::string pending;
  pending.swap(r.pending);
  SendTo(c, pending);
  RefreshGoodReplicas();
}

void Primary::KeepAlive() {
  // As Redis: a newline a second to replicas waiting for their RDB, so that neither side's
  // timeout fires during a long snapshot (never while the child owns the socket).
  if (state_->clock.now_ms - last_keepalive_ms_ < 1000) return;
  last_keepalive_ms_ = state_->clock.now_ms;
  for (auto& [id, r] : replicas_) {
    bool presync = r.state == Replica::State::kWaitBgsaveStart ||
                   (r.state == Replica::State::kWaitBgsaveEnd && !child_socket_target_);
    if (!presync) continue;
    Client* c = ClientOf(id);
    if (c != nullptr && !(c->flags & commands::client_flag::kCloseAsap)) SendTo(*c, "\n");
  }
}

}  // namespace redoubt::replication
