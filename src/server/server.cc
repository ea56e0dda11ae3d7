#include "server/server.h"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "commands/server_family.h"
#include "runtime/admission.h"
#include "runtime/aof_persistence.h"
#include "runtime/blocking.h"
#include "runtime/command_table.h"
#include "runtime/dispatch.h"
#include "runtime/eviction.h"
#include "runtime/input.h"
#include "runtime/latency_hook.h"
#include "runtime/output_limits.h"
#include "runtime/pause.h"
#include "runtime/security_config.h"
#include "runtime/tracking.h"
#include "scripting/engine_bridge.h"
#include "security/hardening.h"
#include "util/clock.h"
#include "util/crypto.h"
#include "util/log.h"
#include "util/string_util.h"

namespace redoubt::server {

namespace {

constexpr size_t kReadChunk = 16 * 1024;
constexpr size_t kMaxReadChunk = 1024 * 1024;
// Streams: receiving stops while this much input is held, and starts again below a quarter.
constexpr size_t kHeldInputPause = 1024 * 1024;

// What one read takes on epoll: the chunk, or the bulk the parser waits for (bounded).
size_t ReadShare(const commands::Client& c) {
  return std::min(std::max(kReadChunk, c.parser.bytes_wanted()), kMaxReadChunk);
}

volatile sig_atomic_t g_signal_shutdown = 0;

void UpdateClock(commands::ServerState& state) {
  store::Clock& clock = state.clock;
  clock.now_ms = util::UnixMs();
  clock.lru_clock = static_cast<uint32_t>(clock.now_ms / 1000) & ((1u << 24) - 1);
  commands::UpdateExpiryPause(state);
}

bool IsLoopbackBind(std::string_view a) {
  if (!a.empty() && a[0] == '-') a.remove_prefix(1);
  return a == "::1" || a.substr(0, 4) == "127." || a == "localhost";
}

}  // namespace

void ClientConn::OnEvent(uint32_t events) {
  // Its script is running (events are served from inside it): its input and output wait.
  if (client.flags & commands::client_flag::kInScript) return;
  // A TLS read (or handshake) may be waiting for the socket to become writable.
  if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) || ((events & EPOLLOUT) && conn_->WantsWrite())) {
    server_->HandleReadable(this);
  }
  if ((events & EPOLLOUT) && !(client.flags & commands::client_flag::kCloseAsap)) {
    server_->FlushOrDefer(this);  // a reply to a write just read waits for the AOF
  }
}

void ClientConn::OnData(const char* data, size_t len) { server_->HandleData(this, data, len); }

void ClientConn::OnClosed(int) { server_->ScheduleClose(this); }

void ClientConn::OnSent(int err) { server_->HandleSent(this, err); }

void Listener::OnEvent(uint32_t) { server_->AcceptFrom(fd_, unix_, tls_); }

void Listener::OnAccept(int fd, int err) {
  if (fd < 0) {
    LOG_VERBOSE("Accepting client connection: %s", std::strerror(err));
    return;
  }
  server_->AdmitConnection(net::DescribeAccepted(fd, unix_), unix_, tls_);
}

Server::Server(config::Config* config) : cfg_(&config->mutable_values()) {
  loop_ = net::EventLoop::Create(config->GetValue("event-loop").value_or("auto"), &loop_note_);
  state_.config = config;
  state_.cfg = cfg_;
  commands::InstallSecurityConfigHooks(state_);
  commands::InstallMemoryHooks(state_);
  // Redis's texts for a port or addresses it cannot listen on (the values are rolled back).
  config->OnChange("port", [this](const config::ServerConfig& c) {
    return RebindTcp(c, "Unable to listen on this port");
  });
  config->OnChange("bind", [this](const config::ServerConfig& c) {
    util::Status s = RebindTcp(c, "Failed to bind to specified addresses.");
    if (!s.ok() || c.tls_port == 0) return s;
    CloseListeners(true);  // the TLS port moves to the new addresses too
    return OpenTls(c);
  });
  config->OnChange("hz", [this](const config::ServerConfig& c) {
    if (loop_ != nullptr) loop_->SetTickPeriod(1000 / std::max(1, c.hz));
    return util::Status::Ok();
  });
  state_.request_shutdown = [this](bool) { RequestShutdown(); };
  commands::InstallScriptingHooks(state_);
  // A script past busy-reply-threshold: serve clients (they get -BUSY but for allow-busy
  // commands); SHUTDOWN NOSAVE stops the script.
  state_.process_events_while_busy = [this] {
    UpdateClock(state_);
    loop_->PollOnce();
    BeforeSleep();
    if (shutdown_requested_) state_.script_kill = true;
  };
  state_.persistence.rdb.in_child_after_fork = [this] {
    for (auto& l : listeners_) ::close(l->fd());
  };
  primary_ = std::make_unique<replication::Primary>(&state_);
}

bool Server::StartAof() {
  aof_ = std::make_unique<commands::Aof>(&state_);
  state_.persistence.aof = aof_.get();
  state_.config->OnChange("appendonly", [this](const config::ServerConfig& c) {
    if (c.appendonly) return aof_->Enable();
    aof_->Disable();
    return util::Status::Ok();
  });
  if (!cfg_->appendonly) return true;
  UpdateClock(state_);
  // While loading, clients are served between chunks (-LOADING for most commands), as for
  // the RDB.
  commands::RdbState& r = state_.persistence.rdb;
  r.process_events_while_loading = [this] {
    loop_->PollOnce();
    BeforeSleep();
  };
  r.loading = true;
  r.loading_start_ms = state_.clock.now_ms;
  r.loading_loaded_bytes = 0;
  int64_t last_log = 0;
  auto st = aof_->StartUp([this, &last_log](size_t done, size_t total) {
    commands::RdbState& rs = state_.persistence.rdb;
    rs.loading_loaded_bytes = done;
    rs.loading_total_bytes = total;
    UpdateClock(state_);
    if (state_.clock.now_ms - last_log >= 1000) {
      last_log = state_.clock.now_ms;
      LOG_NOTICE("Loading the AOF: %zu of %zu bytes", done, total);
    }
    if (rs.process_events_while_loading) rs.process_events_while_loading();
  });
  r.loading = false;
  r.process_events_while_loading = nullptr;
  r.dirty_at_last_save = state_.persistence.dirty;  // loading is not a change to save again
  if (!st.ok()) {
    LOG_WARNING("%s", st.message().c_str());
    return false;
  }
  return true;
}

Server::~Server() {
  for (auto& [id, c] : conns_) c->conn_->Close();
}

bool Server::Bind(const std::string& spec, bool optional) {
  auto fd = net::ListenTcp(spec, cfg_->port, cfg_->tcp_backlog);
  if (!fd.ok()) {
    if (optional && net::AddressUnavailable(errno)) {
      LOG_NOTICE("Skipping optional bind address %s: %s", spec.c_str(),
                 fd.status().message().c_str());
      return true;
    }
    LOG_WARNING("Warning: Could not create server TCP listening socket %s:%d: %s", spec.c_str(),
                cfg_->port, fd.status().message().c_str());
    return false;
  }
  listeners_.push_back(std::make_unique<Listener>(this, *fd, false));
  WatchListener(listeners_.back().get());
  if (state_.port == 0) state_.port = static_cast<uint16_t>(net::BoundPort(*fd));
  return true;
}

bool Server::WatchListener(Listener* l) {
  if (loop_->SupportsStreams()) return loop_->AddAcceptor(l->fd(), l);
  return loop_->Add(l->fd(), true, false, l);
}

void Server::CloseListeners(bool tls) {
  for (auto it = listeners_.begin(); it != listeners_.end();) {
    if ((*it)->tls() == tls && !(*it)->unix_socket()) {
      loop_->Remove((*it)->fd());
      ::close((*it)->fd());
      it = listeners_.erase(it);
    } else {
      ++it;
    }
  }
}

// As Redis's changeListenPort/changeBindAddr: the old listeners close first (the new
// addresses may overlap them); when listening fails, Config::Set restores the old values and
// runs this again with them. Open connections stay.
util::Status Server::RebindTcp(const config::ServerConfig& c, const char* failure) {
  CloseListeners(false);
  state_.port = 0;
  std::vector<int> fds;
  if (c.port != 0) {
    if (util::Status s = net::ListenTcpAll(c.bind, c.port, c.tcp_backlog, &fds); !s.ok()) {
      LOG_WARNING("Could not create server TCP listening socket %s", s.message().c_str());
      return util::Status::Error(failure);
    }
  }
  if (c.port != 0 && fds.empty()) return util::Status::Error(failure);
  for (int fd : fds) {
    listeners_.push_back(std::make_unique<Listener>(this, fd, false));
    WatchListener(listeners_.back().get());
    if (state_.port == 0) state_.port = static_cast<uint16_t>(net::BoundPort(fd));
  }
  return util::Status::Ok();
}

bool Server::Start() {
  if (loop_ == nullptr) {
    LOG_WARNING("event-loop io_uring: %s", loop_note_.c_str());
    return false;
  }
  if (!loop_note_.empty()) {
    LOG_NOTICE("io_uring is not available (%s); using epoll", loop_note_.c_str());
  }
  LOG_VERBOSE("Event loop: %s", loop_->name());
  UpdateClock(state_);
  state_.start_time_ms = state_.clock.now_ms;
  state_.run_id_hex = util::RandomHex(20);
  auto allow = security::CidrList::Parse(std::span<const std::string>(cfg_->allow_from));
  if (!allow.ok()) {
    LOG_WARNING("allow-from: %s", allow.status().message().c_str());
    return false;
  }
  state_.security.allow_from = std::move(*allow);
  if (auto st = state_.security.audit.Open(cfg_->audit_log); !st.ok()) {
    LOG_WARNING("audit-log: %s", st.message().c_str());
    return false;
  }
  state_.persistence.last_save_time = state_.clock.now_ms / 1000;
  state_.InitDatabases(cfg_->databases);
  state_.command_stats.resize(commands::CommandTable::Get().by_id().size());
  state_.latency.ResizeCommands(commands::CommandTable::Get().by_id().size());

  if (cfg_->port != 0) {
    bool has_public = false;
    for (const std::string& a : cfg_->bind) {
      bool optional = !a.empty() && a[0] == '-';
      if (!Bind(optional ? a.substr(1) : a, optional)) return false;
      if (!IsLoopbackBind(a)) has_public = true;
    }
    if (listeners_.empty()) {
      LOG_WARNING("Failed listening on port %d (tcp), aborting.", cfg_->port);
      return false;
    }
    if (has_public && commands::DefaultUserIsOpen(state_)) {
      LOG_WARNING(
          "WARNING: Redoubt is listening on a non-loopback address while the default user has no "
          "password. Anyone who can reach this port can read and change all data. Set "
          "requirepass (or configure ACL users) before exposing the server.");
    }
  }
  if (!cfg_->unixsocket.empty()) {
    // With run-as-user the socket belongs to that user and group (its clients run as it).
    uid_t uid = 0;
    gid_t gid = 0;
    const bool give =
        !cfg_->run_as_user.empty() && geteuid() == 0 &&
        security::ResolveRunAs(cfg_->run_as_user, cfg_->run_as_group, &uid, &gid).ok();
    auto fd = net::ListenUnix(cfg_->unixsocket, cfg_->unixsocketperm, cfg_->tcp_backlog,
                              give ? static_cast<int>(uid) : -1, give ? static_cast<int>(gid) : -1);
    if (!fd.ok()) {
      LOG_WARNING("Failed opening Unix socket: %s", fd.status().message().c_str());
      return false;
    }
    listeners_.push_back(std::make_unique<Listener>(this, *fd, true));
    WatchListener(listeners_.back().get());
  }
  if (!StartTls()) return false;
  if (listeners_.empty()) {
    LOG_WARNING("Configured to not listen anywhere, exiting.");
    return false;
  }
  loop_->SetBeforeSleep([this] { BeforeSleep(); });
  loop_->SetPendingWork([this] { return !held_.empty(); });
  loop_->SetTick(1000 / std::max(1, cfg_->hz), [this] { Cron(); });
  return true;
}

bool Server::LoadDataset() {
  if (cfg_->appendonly) return true;  // the AOF is the source of truth then
  // While loading, clients are served between chunks: commands flagged `loading` run, the
  // others get -LOADING.
  state_.persistence.rdb.process_events_while_loading = [this] {
    loop_->PollOnce();
    BeforeSleep();
  };
  util::Status st = commands::RdbLoadAtStartup(state_);
  state_.persistence.rdb.process_events_while_loading = nullptr;
  if (!st.ok()) {
    LOG_WARNING("%s", st.message().c_str());
    return false;
  }
  return true;
}

void Server::Run() {
  // Redis 7.0's wording: one line, whatever the listeners (harnesses count these lines).
  LOG_NOTICE("Ready to accept connections");
  // The link to a primary lives on the loop, made by now.
  replica_ = std::make_unique<replication::ReplicaLink>(&state_, loop_.get(), primary_.get());
  replica_->Start();
  loop_->Run();
  Shutdown();
}

void Server::AcceptFrom(int listen_fd, bool unix_socket, bool tls) {
  // Bounded per wake-up so one busy listener cannot starve established clients.
  for (int i = 0; i < 1000; ++i) {
    int err = 0;
    net::Accepted a = net::Accept(listen_fd, unix_socket, &err);
    if (a.fd < 0) {
      if (err != EAGAIN && err != EWOULDBLOCK && err != EINTR) {
        // ECONNABORTED, EMFILE ...: this connection is lost, the others carry on.
        LOG_VERBOSE("Accepting client connection: %s", std::strerror(err));
        if (err == EMFILE || err == ENFILE) return;
        continue;
      }
      return;
    }
    AdmitConnection(a, unix_socket, tls);
  }
}

void Server::AdmitConnection(const net::Accepted& a, bool unix_socket, bool tls) {
  ++state_.stats.total_connections_received;
  // Clients already closed but not yet freed (they go at the end of this loop turn) do not
  // count against the limit.
  std::string refusal = commands::AdmitConnection(
      state_, conns_.size() - to_close_.size(),
      {.addr = a.addr, .loopback = a.loopback, .unix_socket = unix_socket});
  if (!refusal.empty()) {
    [[maybe_unused]] ssize_t n = ::write(a.fd, refusal.data(), refusal.size());
    ::close(a.fd);
    return;
  }
  if (!unix_socket) {
    net::SetNoDelay(a.fd);
    if (cfg_->tcp_keepalive > 0) net::SetKeepAlive(a.fd, cfg_->tcp_keepalive);
  }
  std::unique_ptr<net::Connection> nc;
  if (tls) {
    nc = NewTlsConnection(a.fd);
    if (nc == nullptr) {
      ::close(a.fd);
      return;
    }
  } else {
    nc = std::make_unique<net::PlainConnection>(a.fd);
  }
  auto conn = std::make_unique<ClientConn>(this, std::move(nc));
  commands::Client& c = conn->client;
  c.tls = tls;
  c.id = state_.sessions.next_client_id++;
  c.fd = a.fd;
  c.addr = a.addr;
  c.laddr = a.laddr;
  c.ctime_ms = c.last_interaction_ms = state_.clock.now_ms;
  commands::SetInitialUser(state_, c);
  if (unix_socket) c.flags |= commands::client_flag::kUnixSocket;
  if (!a.loopback) c.flags |= commands::client_flag::kProtected;
  if (!tls && loop_->SupportsStreams()) {
    conn->stream_ = loop_->AddStream(a.fd, conn.get());
    if (conn->stream_ == 0) return;
  } else if (!loop_->Add(a.fd, true, false, conn.get())) {
    return;
  }
  state_.sessions.clients[c.id] = &c;
  conns_[c.id] = std::move(conn);
}

void Server::HandleReadable(ClientConn* cc) {
  commands::Client& c = cc->client;
  if (c.flags & (commands::client_flag::kCloseAsap | commands::client_flag::kInScript)) return;
  size_t want = ReadShare(c);
  char* p = c.query_buf.Reserve(want);
  ssize_t n = cc->conn_->Read(p, want);
  if (c.tls && !cc->tls_handshake_seen_) {
    int err = errno;
    OnTlsProgress(cc);  // the handshake just ended (or failed): identity, counters
    errno = err;
  }
  if (n == 0) {
    ScheduleClose(cc);
    return;
  }
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      ScheduleClose(cc);
    } else if (cc->conn_->WantsWrite() && !cc->want_write_) {
      cc->want_write_ = true;
      loop_->Modify(c.fd, true, true, cc);
    }
    return;
  }
  c.query_buf.Commit(static_cast<size_t>(n));
  AfterInput(cc, static_cast<size_t>(n));
}

void Server::HandleData(ClientConn* cc, const char* data, size_t len) {
  commands::Client& c = cc->client;
  if ((c.flags & commands::client_flag::kCloseAsap) || draining_) return;
  if (cc->input_turn_ != turn_) {
    cc->input_turn_ = turn_;
    cc->turn_bytes_ = 0;
  }
  // One share per turn, as epoll reads it, so that a client sending without pause cannot
  // hold the loop; a client in a script (this loop runs from inside it) waits for it to end.
  if (cc->held_pos_ < cc->held_in_.size() || cc->turn_bytes_ >= ReadShare(c) ||
      (c.flags & commands::client_flag::kInScript)) {
    HoldInput(cc, data, len);
    return;
  }
  cc->turn_bytes_ += len;
  std::memcpy(c.query_buf.Reserve(len), data, len);
  c.query_buf.Commit(len);
  AfterInput(cc, len);
}

void Server::HoldInput(ClientConn* cc, const char* data, size_t len) {
  commands::Client& c = cc->client;
  cc->held_in_.append(data, len);
  if (!cc->held_queued_) {
    cc->held_queued_ = true;
    held_.push_back(c.id);
  }
  size_t held = cc->held_in_.size() - cc->held_pos_;
  if (held > kHeldInputPause && !cc->recv_paused_) {
    cc->recv_paused_ = true;
    loop_->PauseReceive(cc->stream_);
  }
}

void Server::ReleaseHeldInput() {
  std::vector<uint64_t> ids;
  ids.swap(held_);
  for (uint64_t id : ids) {
    auto it = conns_.find(id);
    if (it == conns_.end()) continue;
    ClientConn* cc = it->second.get();
    commands::Client& c = cc->client;
    cc->held_queued_ = false;
    if (c.flags & commands::client_flag::kCloseAsap) continue;
    if (c.flags & commands::client_flag::kInScript) {
      cc->held_queued_ = true;
      held_.push_back(id);
      continue;
    }
    size_t n = std::min(ReadShare(c), cc->held_in_.size() - cc->held_pos_);
    std::memcpy(c.query_buf.Reserve(n), cc->held_in_.data() + cc->held_pos_, n);
    c.query_buf.Commit(n);
    cc->held_pos_ += n;
    size_t left = cc->held_in_.size() - cc->held_pos_;
    if (left == 0) {
      cc->held_pos_ = 0;
      if (cc->held_in_.capacity() > kReadChunk * 4) {
        std::string().swap(cc->held_in_);
      } else {
        cc->held_in_.clear();
      }
    } else {
      if (cc->held_pos_ > cc->held_in_.size() / 2) {
        cc->held_in_.erase(0, cc->held_pos_);
        cc->held_pos_ = 0;
      }
      cc->held_queued_ = true;
      held_.push_back(id);
    }
    if (cc->recv_paused_ && left < kHeldInputPause / 4) {
      cc->recv_paused_ = false;
      loop_->ResumeReceive(cc->stream_);
    }
    AfterInput(cc, n);
  }
}

void Server::HandleSent(ClientConn* cc, int err) {
  if (cc->client.flags & commands::client_flag::kCloseAsap) return;
  if (err != 0) {
    ScheduleClose(cc);
    return;
  }
  // Replies produced while the last send was in flight, or the close it was waiting for.
  if (cc->client.flags & commands::client_flag::kInScript) {
    state_.sessions.MarkPendingWrite(&cc->client);
    return;
  }
  if (cc->client.pending_reply() > 0 ||
      (cc->client.flags & commands::client_flag::kCloseAfterReply)) {
    FlushOrDefer(cc);
  }
}

void Server::AfterInput(ClientConn* cc, size_t n) {
  commands::Client& c = cc->client;
  c.query_peak = std::max(c.query_peak, c.query_buf.size());
  c.net_input_bytes += n;
  state_.stats.total_net_input_bytes += n;
  UpdateClock(state_);
  c.last_interaction_ms = state_.clock.now_ms;
  if (static_cast<int64_t>(c.query_buf.size()) > cfg_->client_query_buffer_limit) {
    LOG_WARNING("Closing client that reached max query buffer length: id=%llu addr=%s",
                static_cast<unsigned long long>(c.id), c.addr.c_str());
    ScheduleClose(cc);
    return;
  }
  ProcessInput(cc);
  if (c.pending_reply() > 0) FlushOrDefer(cc);
  if (commands::EnforceUnauthenticatedHold(state_, c)) return;
  if (cc->conn_->HasPendingInput()) tls_pending_.push_back(c.id);
}

void Server::FlushOrDefer(ClientConn* cc) {
  // A reply to a write leaves only after the write reached the AOF (and, with appendfsync
  // always, the disk): BeforeSleep writes the AOF first, then the pending clients.
  if (aof_ != nullptr && aof_->has_pending()) {
    state_.sessions.MarkPendingWrite(&cc->client);
  } else {
    FlushOutput(cc);
  }
}

void Server::ProcessInput(ClientConn* cc) {
  commands::Client& c = cc->client;
  switch (commands::ProcessInput(state_, c)) {
    case commands::InputOutcome::kPaused:
      HoldForPause(c);
      break;
    case commands::InputOutcome::kClose:
      ScheduleClose(cc);
      break;
    case commands::InputOutcome::kDone:
      break;
  }
  if (c.query_buf.empty()) c.query_buf.ShrinkIfIdle(kReadChunk * 2);
}

bool Server::QueueSend(ClientConn* cc) {
  commands::Client& c = cc->client;
  if (loop_->Sending(cc->stream_)) return false;  // sent when the one in flight has left
  if (c.reply_pos > 0) {
    c.reply_buf.erase(0, c.reply_pos);
    c.reply_pos = 0;
  }
  if (!c.reply_buf.empty()) {
    c.net_output_bytes += c.reply_buf.size();
    state_.stats.total_net_output_bytes += c.reply_buf.size();
    loop_->Send(cc->stream_, &c.reply_buf);  // takes the bytes; submitted with the next wait
    return false;
  }
  if (c.flags & commands::client_flag::kCloseAfterReply) ScheduleClose(cc);
  return true;
}

bool Server::FlushOutput(ClientConn* cc) {
  commands::Client& c = cc->client;
  if (cc->stream_ != 0) return QueueSend(cc);
  while (c.reply_pos < c.reply_buf.size()) {
    ssize_t n =
        cc->conn_->Write(c.reply_buf.data() + c.reply_pos, c.reply_buf.size() - c.reply_pos);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      ScheduleClose(cc);
      return false;
    }
    c.reply_pos += n;
    c.net_output_bytes += n;
    state_.stats.total_net_output_bytes += n;
  }
  bool done = c.reply_pos == c.reply_buf.size();
  if (done) {
    c.reply_buf.clear();
    c.reply_pos = 0;
    if (c.reply_buf.capacity() > 64 * 1024 && state_.debug.reply_buffer_resizing) {
      c.reply_buf.shrink_to_fit();
    }
    if (c.flags & commands::client_flag::kCloseAfterReply) {
      ScheduleClose(cc);
      return true;
    }
  }
  bool need_write = !done || cc->conn_->WantsWrite();
  if (need_write != cc->want_write_) {
    cc->want_write_ = need_write;
    loop_->Modify(c.fd, true, cc->want_write_, cc);
  }
  return done;
}

void Server::ScheduleClose(ClientConn* cc) {
  if (cc->client.flags & commands::client_flag::kCloseAsap) return;
  cc->client.flags |= commands::client_flag::kCloseAsap;
  QueueClose(cc);
}

void Server::QueueClose(ClientConn* cc) {
  if (cc->queued_close_) return;
  cc->queued_close_ = true;
  if (cc->stream_ == 0) loop_->Remove(cc->client.fd);
  to_close_.push_back(cc);
}

void Server::CloseClient(ClientConn* cc) {
  uint64_t id = cc->client.id;
  commands::DetachClient(state_, cc->client);
  if (cc->stream_ != 0) {
    // The loop closes the socket once the last reply queued for it has left.
    static_cast<net::PlainConnection*>(cc->conn_.get())->Release();
    loop_->RemoveStream(cc->stream_);
  } else {
    cc->conn_->Close();
  }
  conns_.erase(id);
}

void Server::BeforeSleep() {
  if (g_signal_shutdown) {
    LOG_WARNING("Received SIGTERM scheduling shutdown...");
    g_signal_shutdown = 0;
    // The final save (when save points are set); never of a half-loaded dataset.
    bool nosave =
        state_.persistence.rdb.loading || (cfg_->shutdown_on_sigterm & config::kShutdownNoSave);
    bool force_save = cfg_->shutdown_on_sigterm & config::kShutdownSave;
    if (commands::RdbShutdownSave(state_, force_save, nosave) ||
        (cfg_->shutdown_on_sigterm & config::kShutdownForce)) {
      shutdown_requested_ = true;
    } else {
      LOG_WARNING("SIGTERM received but errors trying to shut down the server, check the logs");
    }
  }
  ++turn_;
  ResumePausedClients();
  ResumeUnblockedClients();
  if (!held_.empty()) ReleaseHeldInput();
  commands::MemoryBeforeSleep(state_);
  if (!tls_pending_.empty()) ProcessTlsPending();
  // BCAST invalidations of this turn's changes, before the output below goes out.
  commands::TrackingBroadcast(state_);
  if (aof_ != nullptr) aof_->FlushBeforeSleep();
  if (primary_ != nullptr) primary_->BeforeSleep();  // refills replicas' RDB transfers
  // Output queued for clients other than the one whose input produced it (MONITOR feeds,
  // CLIENT KILL targets...).
  std::vector<commands::Client*> pending;
  pending.swap(state_.sessions.pending_writes);
  for (commands::Client* c : pending) {
    c->flags &= ~commands::client_flag::kPendingWrite;
    auto it = conns_.find(c->id);
    if (it == conns_.end()) continue;
    ClientConn* cc = it->second.get();
    if (c->flags & commands::client_flag::kCloseAsap) continue;
    if (c->flags & commands::client_flag::kInScript) {
      state_.sessions.MarkPendingWrite(c);  // after its script
      continue;
    }
    if (c->pending_reply() > 0 || (c->flags & commands::client_flag::kCloseAfterReply)) {
      FlushOutput(cc);
    }
  }
  // CLIENT KILL and friends mark clients; they are closed here, outside any handler.
  std::vector<uint64_t> requests;
  requests.swap(state_.sessions.close_requests);
  for (uint64_t id : requests) {
    auto it = conns_.find(id);
    if (it != conns_.end()) QueueClose(it->second.get());
  }
  std::vector<ClientConn*> closing;
  closing.swap(to_close_);
  for (ClientConn* cc : closing) {
    if (cc->client.flags & commands::client_flag::kInScript) {
      to_close_.push_back(cc);  // closed once its script ends
    } else {
      CloseClient(cc);
    }
  }
  if (shutdown_requested_) loop_->Stop();
}

void Server::Cron() {
  UpdateClock(state_);
  if (state_.debug.pause_cron) return;  // DEBUG PAUSE-CRON 1
  ++cron_loops_;
  TlsCron();
  if (aof_ != nullptr) aof_->Cron();
  if (primary_ != nullptr) primary_->Cron();
  if (replica_ != nullptr) replica_->Cron();
  commands::SampleServerStats(state_, state_.clock.now_ms);
  commands::ExpireBlockedClients(state_, state_.clock.now_ms);
  // Also here: a CONFIG SET lowering tracking-table-max-keys takes effect on an idle server.
  if (state_.tracking.clients != 0) commands::TrackingLimitKeys(state_);
  // No active expiry while CLIENT PAUSE runs (Redis 7.0): a paused primary must not change
  // its dataset, nor send DELs to its replicas.
  if (cfg_->active_expire_enabled && !commands::PauseActive(state_)) {
    // As Redis's slow cycle: at most a quarter of each cron period.
    int64_t budget = 250000 / std::max(1, cfg_->hz);
    const uint64_t expire_start = commands::LatencyStart(state_);
    for (int i = 0; i < state_.db_count(); ++i) {
      state_.db(i).ActiveExpire(budget / state_.db_count() + 1, &commands::ServerState::Random);
    }
    commands::LatencyEnd(state_, "expire-cycle", expire_start);
  }
  for (int i = 0; i < state_.db_count(); ++i) state_.db(i).Cron();
  commands::RdbCron(state_);
  commands::MemoryCron(state_);
  commands::CloseUnauthenticatedAfter(state_, static_cast<int64_t>(cfg_->auth_timeout) * 1000);
  if (cfg_->timeout > 0) {
    int64_t limit = static_cast<int64_t>(cfg_->timeout) * 1000;
    for (auto& [id, cc] : conns_) {
      commands::Client& c = cc->client;
      // As Redis: replicas are never idle-closed (repl-timeout governs them).
      if (c.flags & (commands::client_flag::kMonitor | commands::client_flag::kReplica)) continue;
      if (state_.clock.now_ms - c.last_interaction_ms > limit) {
        LOG_VERBOSE("Closing idle client");
        state_.sessions.CloseAsap(&c);
      }
    }
  }
  // A client marked without CloseAsap() (a flag set directly) is still closed, a tick later.
  for (auto& [id, cc] : conns_) {
    if ((cc->client.flags & commands::client_flag::kCloseAsap) && !cc->queued_close_) {
      QueueClose(cc.get());
    }
  }
}

void Server::ResumeUnblockedClients() {
  std::vector<uint64_t> deferred;
  while (!state_.indexes.unblocked_clients.empty()) {
    std::vector<uint64_t> ids;
    ids.swap(state_.indexes.unblocked_clients);
    for (uint64_t id : ids) {
      auto it = conns_.find(id);
      if (it == conns_.end()) continue;
      ClientConn* cc = it->second.get();
      if ((cc->client.flags & commands::client_flag::kCloseAsap) || cc->client.blocked) continue;
      if (cc->client.flags & commands::client_flag::kInScript) {
        deferred.push_back(id);  // resumed after its script
        continue;
      }
      if (!cc->client.query_buf.empty()) ProcessInput(cc);
      if (cc->client.pending_reply() > 0) FlushOrDefer(cc);
    }
  }
  state_.indexes.unblocked_clients.insert(state_.indexes.unblocked_clients.end(), deferred.begin(),
                                          deferred.end());
}

void Server::HoldForPause(commands::Client& c) {
  if (c.flags & commands::client_flag::kPaused) return;  // already in the queue
  c.flags |= commands::client_flag::kPaused;
  paused_clients_.push_back(c.id);
}

void Server::ResumePausedClients() {
  if (paused_clients_.empty()) return;
  UpdateClock(state_);
  if (commands::PauseActive(state_)) return;
  // In the order the clients were held, as Redis releases its postponed clients. One that
  // pauses again holds the rest anew, in the same order.
  std::vector<uint64_t> ids;
  ids.swap(paused_clients_);
  for (uint64_t id : ids) {
    auto it = conns_.find(id);
    if (it == conns_.end()) continue;
    ClientConn* cc = it->second.get();
    cc->client.flags &= ~commands::client_flag::kPaused;
    if (cc->client.flags & commands::client_flag::kCloseAsap) continue;
    if (cc->client.flags & commands::client_flag::kInScript) {
      paused_clients_.push_back(id);  // resumed after its script
      continue;
    }
    ProcessInput(cc);
    if (cc->client.pending_reply() > 0) FlushOrDefer(cc);
  }
}

void Server::Shutdown() {
  LOG_WARNING("User requested shutdown...");
  if (aof_ != nullptr) aof_->Shutdown();
  // shutdown() first: on io_uring an armed accept holds the socket past close() and past the
  // process's exit (the ring is torn down asynchronously), which would keep the port bound
  // for a moment after we are gone, so a restart on the same port could fail.
  for (auto& l : listeners_) {
    ::shutdown(l->fd(), SHUT_RDWR);
    ::close(l->fd());
  }
  if (!cfg_->unixsocket.empty()) unlink(cfg_->unixsocket.c_str());
  if (!cfg_->pidfile.empty()) unlink(cfg_->pidfile.c_str());
  draining_ = true;
  for (auto& [id, cc] : conns_) {
    if (cc->client.pending_reply() > 0) FlushOutput(cc.get());
  }
  loop_->DrainSends(1000);
  LOG_WARNING("Redoubt is now ready to exit, bye bye...");
}

void InstallSignalHandlers(Server*) {
  struct sigaction sa {};
  sa.sa_handler = [](int) { g_signal_shutdown = 1; };
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  InstallTlsReloadSignal();
}

}  // namespace redoubt::server
