#include "replication/replica.h"

#include <netdb.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "net/socket.h"
#include "persistence/aof_format.h"
#include "runtime/client_info.h"
#include "runtime/dispatch.h"
#include "security/cidr.h"
#include "util/log.h"
#include "util/string_util.h"

namespace redoubt::replication {

namespace {

ReplicaLink* g_link = nullptr;

constexpr size_t kMaxLine = 64 * 1024;  // a handshake reply line
constexpr size_t kReadChunk = 64 * 1024;

bool ParseInt64(std::string_view s, int64_t* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

std::string Command(std::initializer_list<std::string_view> args) {
  std::string out;
  persistence::AppendCommand(&out, args);
  return out;
}

std::vector<std::string_view> SplitSpaces(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(' ', i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// Every address host resolves to (numeric hosts resolve to themselves).
std::vector<security::IpAddress> Resolve(const std::string& host) {
  std::vector<security::IpAddress> out;
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0) return out;
  for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
    if (auto ip = security::FromSockaddr(*a->ai_addr)) out.push_back(*ip);
  }
  freeaddrinfo(res);
  return out;
}

}  // namespace

ReplicaLink::ReplicaLink(ServerState* state, net::EventLoop* loop, Primary* primary)
    : server_(state), loop_(loop), primary_(primary) {
  g_link = this;
  primary_->replica_info = [this](std::string* out) { return InfoLines(out); };
  primary_->replica_role = [this](protocol::ReplyBuilder& r) { return RoleReply(r); };
  primary_->stream_db = [this] { return master_ != nullptr ? master_->db_index : stream_db_; };
}

ReplicaLink::~ReplicaLink() {
  FreeMasterClient();
  if (fd_ >= 0) close(fd_);
  primary_->replica_info = nullptr;
  primary_->replica_role = nullptr;
  primary_->stream_db = nullptr;
  if (g_link == this) g_link = nullptr;
}

ReplicaLink* ReplicaLink::For(const ServerState& state) {
  return g_link != nullptr && g_link->server_ == &state ? g_link : nullptr;
}

void ReplicaLink::Start() {
  const config::ServerConfig& cfg = *server_->cfg;
  configured_host_ = cfg.masterhost;
  if (cfg.masterhost.empty()) return;
  const commands::RdbState& rdb = server_->persistence.rdb;
  if (!rdb.loaded_repl_id.empty() && rdb.loaded_repl_offset >= 0) {
    // The loaded file recorded the history it matches: resume it with PSYNC.
    primary_->Adopt(rdb.loaded_repl_id, rdb.loaded_repl_offset);
    have_cached_ = true;
    stream_db_ = std::max(rdb.loaded_repl_stream_db, 0);
    LOG_NOTICE("Using the replication id %s and offset %lld of the loaded file",
               rdb.loaded_repl_id.c_str(), static_cast<long long>(rdb.loaded_repl_offset));
  }
  host_ = cfg.masterhost;
  port_ = cfg.masterport;
  primary_->SetUpstream(true);
  state_ = State::kConnect;
  link_down_since_ms_ = 0;
}

// --- replicaof-allow ------------------------------------------------------------------------

util::Status ReplicaLink::CheckAllowed(const std::string& host,
                                       const std::vector<security::IpAddress>* checked) const {
  const std::vector<std::string>& allow = server_->cfg->replicaof_allow;
  std::vector<security::CidrBlock> nets;
  if (allow.empty()) {
    if (!configured_host_.empty() && util::EqualsIgnoreCase(host, configured_host_)) {
      return util::Status::Ok();
    }
    nets.push_back(*security::ParseCidr("127.0.0.0/8"));
    nets.push_back(*security::ParseCidr("::1"));
  }
  for (const std::string& item : allow) {
    if (auto net = security::ParseCidr(item); net.ok()) {
      nets.push_back(*net);
    } else if (util::EqualsIgnoreCase(item, host)) {
      return util::Status::Ok();
    }
  }
  std::vector<security::IpAddress> addrs = checked != nullptr ? *checked : Resolve(host);
  if (addrs.empty()) return util::Status::Error("'" + host + "' does not resolve");
  for (const security::IpAddress& a : addrs) {
    bool in = false;
    for (const security::CidrBlock& n : nets) in = in || n.Contains(a);
    if (!in) {
      return util::Status::Error("'" + host + "' (" + a.ToString() + ") is not in replicaof-allow" +
                                 (allow.empty() ? " (default: the configured replicaof and "
                                                  "loopback)"
                                                : ""));
    }
  }
  return util::Status::Ok();
}

// --- REPLICAOF ------------------------------------------------------------------------------

void ReplicaLink::ReplicaOf(commands::CommandContext& cx) {
  std::string_view a1 = cx.args[1], a2 = cx.args[2];
  // Never from the stream: a primary cannot re-point (or free) the link it is speaking on.
  if (cx.client.flags & commands::client_flag::kMaster) {
    cx.reply.Error("ERR Command is not valid when client is a master.");
    return;
  }
  std::string who = commands::ClientInfoString(cx, cx.client);
  if (util::EqualsIgnoreCase(a1, "no") && util::EqualsIgnoreCase(a2, "one")) {
    if (!server_->cfg->masterhost.empty()) {
      Unset();
      LOG_NOTICE("MASTER MODE enabled (user request from '%s')", who.c_str());
    }
    cx.reply.Ok();
    return;
  }
  if (cx.client.flags & commands::client_flag::kReplica) {
    cx.reply.Error("ERR Command is not valid when client is a replica.");
    return;
  }
  int64_t port = 0;
  if (!ParseInt64(a2, &port) || port < 0 || port > 65535) {
    cx.reply.Error("ERR Invalid master port");
    return;
  }
  std::string host(a1);
  if (!server_->cfg->masterhost.empty() && util::EqualsIgnoreCase(host, server_->cfg->masterhost) &&
      server_->cfg->masterport == port) {
    LOG_NOTICE(
        "REPLICAOF would result into synchronization with the master we are already "
        "connected with. No operation performed.");
    cx.reply.SimpleString("OK Already connected to specified master");
    return;
  }
  if (util::Status st = CheckAllowed(host); !st.ok()) {
    LOG_WARNING("REPLICAOF %s:%lld refused: %s", host.c_str(), static_cast<long long>(port),
                st.message().c_str());
    server_->security.Audit(security::AuditEvent::kReplicaOfRefused, cx.client, cx.cmd.full_name,
                            st.message(), host + ":" + std::to_string(port));
    cx.reply.Error("ERR REPLICAOF refused: " + st.message());
    return;
  }
  SetPrimary(host, static_cast<int>(port));
  LOG_NOTICE("REPLICAOF %s:%d enabled (user request from '%s')", host.c_str(), port_, who.c_str());
  cx.reply.Ok();
}

void ReplicaLink::SetPrimary(const std::string& host, int port) {
  bool was_primary = server_->cfg->masterhost.empty();
  server_->cfg->masterhost = host;
  server_->cfg->masterport = port;
  if (state_ != State::kNone && state_ != State::kConnect) DropLink("switching primaries");
  // A former primary resumes its own history: the new primary may know it (a failover).
  if (was_primary) {
    have_cached_ = true;
    stream_db_ = 0;
  }
  host_ = host;
  port_ = port;
  primary_->SetUpstream(true);
  server_->master_link_up = false;
  link_down_since_ms_ = 0;
  state_ = State::kConnect;
  Connect();
}

void ReplicaLink::Unset() {
  if (state_ != State::kNone && state_ != State::kConnect) DropLink("promoted to primary");
  server_->cfg->masterhost.clear();
  server_->cfg->masterport = 0;
  host_.clear();
  port_ = 0;
  state_ = State::kNone;
  have_cached_ = false;
  server_->master_link_up = false;
  // The history goes on under a new id; replicas of the old one resume partially.
  primary_->SetUpstream(false);
  std::string old_id = primary_->replid();
  primary_->ShiftReplId();
  LOG_NOTICE(
      "Setting secondary replication ID to %s, valid up to offset: %lld. New replication "
      "ID is %s",
      old_id.c_str(), static_cast<long long>(primary_->offset() + 1), primary_->replid().c_str());
}

// --- The link -------------------------------------------------------------------------------

void ReplicaLink::Connect() {
  last_connect_ms_ = server_->clock.now_ms;
  last_io_ms_ = server_->clock.now_ms;
  LOG_NOTICE("Connecting to MASTER %s:%d", host_.c_str(), port_);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::string port = std::to_string(port_);
  int rc = getaddrinfo(host_.c_str(), port.c_str(), &hints, &res);
  if (rc != 0) {
    LOG_WARNING("Unable to connect to MASTER: %s", gai_strerror(rc));
    return;
  }
  std::vector<security::IpAddress> addrs;
  for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
    if (auto ip = security::FromSockaddr(*a->ai_addr)) addrs.push_back(*ip);
  }
  if (util::Status st = CheckAllowed(host_, &addrs); !st.ok()) {
    freeaddrinfo(res);
    LOG_WARNING("Not connecting to MASTER: %s", st.message().c_str());
    return;
  }
  for (addrinfo* a = res; a != nullptr && fd_ < 0; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
      close(fd);
      continue;
    }
    fd_ = fd;
  }
  freeaddrinfo(res);
  if (fd_ < 0) {
    LOG_WARNING("Unable to connect to MASTER: %s", std::strerror(errno));
    return;
  }
  if (!server_->cfg->repl_disable_tcp_nodelay) net::SetNoDelay(fd_);
  loop_->Add(fd_, false, true, this);
  watching_write_ = true;
  state_ = State::kConnecting;
  LOG_NOTICE("MASTER <-> REPLICA sync started");
}

void ReplicaLink::OnEvent(uint32_t events) {
  if (fd_ < 0) return;
  if (state_ == State::kConnecting) {
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err != 0) {
      LOG_WARNING("Error condition on socket for SYNC: %s", std::strerror(err));
      DropLink(nullptr);
      return;
    }
    OnConnected();
    return;
  }
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) OnReadable();
  if (fd_ >= 0 && (events & EPOLLOUT)) FlushOut();
}

void ReplicaLink::OnConnected() {
  LOG_NOTICE("Non blocking connect for SYNC fired the event.");
  state_ = State::kHandshake;
  WatchWrite(false);
  handshake_step_ = 1;
  last_io_ms_ = server_->clock.now_ms;
  Send(Command({"PING"}));
}

void ReplicaLink::WatchWrite(bool on) {
  if (fd_ < 0 || watching_write_ == on) return;
  watching_write_ = on;
  loop_->Modify(fd_, true, on, this);
}

void ReplicaLink::Send(std::string_view bytes) {
  out_.append(bytes);
  FlushOut();
}

void ReplicaLink::FlushOut() {
  while (!out_.empty() && fd_ >= 0) {
    ssize_t n = write(fd_, out_.data(), out_.size());
    if (n > 0) {
      out_.erase(0, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    out_.clear();  // the read side sees the broken connection and drops the link
    break;
  }
  WatchWrite(!out_.empty());
}

void ReplicaLink::OnReadable() {
  for (int i = 0; i < 16 && fd_ >= 0; ++i) {
    size_t old = in_.size();
    in_.resize(old + kReadChunk);
    ssize_t n = read(fd_, in_.data() + old, kReadChunk);
    in_.resize(old + static_cast<size_t>(std::max<ssize_t>(n, 0)));
    if (n == 0) {
      DropLink(state_ == State::kTransfer ? "the primary closed the link during the transfer"
                                          : "connection closed by the primary");
      return;
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        DropLink(std::strerror(errno));
        return;
      }
      break;
    }
    last_io_ms_ = server_->clock.now_ms;
    server_->stats.total_net_input_bytes += static_cast<uint64_t>(n);
    // Each state consumes what it can; a state change may leave bytes for the next one.
    State before;
    do {
      before = state_;
      if (state_ == State::kHandshake) Handshake();
      if (state_ == State::kTransfer) ReadTransfer();
      if (state_ == State::kConnected) ProcessStream();
    } while (fd_ >= 0 && state_ != before && !in_.empty());
    if (static_cast<size_t>(n) < kReadChunk) break;
  }
}

bool ReplicaLink::ReadLine(std::string* line, bool* failed) {
  size_t nl = in_.find('\n');
  if (nl == std::string::npos) {
    *failed = in_.size() > kMaxLine;
    return false;
  }
  *failed = false;
  size_t end = nl > 0 && in_[nl - 1] == '\r' ? nl - 1 : nl;
  line->assign(in_, 0, end);
  in_.erase(0, nl + 1);
  return true;
}

void ReplicaLink::Handshake() {
  std::string line;
  bool failed = false;
  while (state_ == State::kHandshake && ReadLine(&line, &failed)) {
    if (handshake_step_ == 1) {  // PING
      if (!line.empty() && line[0] == '-' && line.rfind("-NOAUTH", 0) != 0 &&
          line.rfind("-NOPERM", 0) != 0 && line.rfind("-ERR operation not permitted", 0) != 0) {
        LOG_WARNING("Error reply to PING from master: '%s'", line.c_str());
        DropLink(nullptr);
        return;
      }
      LOG_NOTICE("Master replied to PING, replication can continue...");
      SendHandshake();
    } else if (handshake_step_ == 2) {  // AUTH (when sent), then the REPLCONFs
      char kind = expect_.empty() ? 'r' : expect_.front();
      if (!expect_.empty()) expect_.erase(0, 1);
      if (!line.empty() && line[0] == '-') {
        if (kind == 'a') {  // the reply names no secret
          LOG_WARNING("Unable to AUTH to MASTER: %s", line.c_str());
          DropLink(nullptr);
          return;
        }
        LOG_NOTICE("(Non critical) Master does not understand REPLCONF: %s", line.c_str());
      }
      if (expect_.empty()) SendPsync();
    } else if (handshake_step_ == 3) {  // PSYNC
      if (line.empty()) continue;       // a keep-alive newline
      HandlePsyncReply(line);
    }
  }
  if (failed) DropLink("a reply line from the primary is too long");
}

void ReplicaLink::SendHandshake() {
  const config::ServerConfig& cfg = *server_->cfg;
  std::string out;
  expect_.clear();
  if (!cfg.masterauth.empty()) {
    if (cfg.masteruser.empty()) {
      persistence::AppendCommand(&out, {"AUTH", cfg.masterauth});
    } else {
      persistence::AppendCommand(&out, {"AUTH", cfg.masteruser, cfg.masterauth});
    }
    expect_.push_back('a');
  }
  int port = cfg.replica_announce_port != 0 ? cfg.replica_announce_port : server_->port;
  persistence::AppendCommand(&out, {"REPLCONF", "listening-port", std::to_string(port)});
  expect_.push_back('r');
  if (!cfg.replica_announce_ip.empty()) {
    persistence::AppendCommand(&out, {"REPLCONF", "ip-address", cfg.replica_announce_ip});
    expect_.push_back('r');
  }
  persistence::AppendCommand(&out, {"REPLCONF", "capa", "eof", "capa", "psync2"});
  expect_.push_back('r');
  handshake_step_ = 2;
  Send(out);
}

void ReplicaLink::SendPsync() {
  handshake_step_ = 3;
  if (have_cached_) {
    std::string off = std::to_string(primary_->offset() + 1);
    LOG_NOTICE("Trying a partial resynchronization (request %s:%s).", primary_->replid().c_str(),
               off.c_str());
    Send(Command({"PSYNC", primary_->replid(), off}));
  } else {
    LOG_NOTICE("Partial resynchronization not possible (no cached master)");
    Send(Command({"PSYNC", "?", "-1"}));
  }
}

void ReplicaLink::HandlePsyncReply(const std::string& line) {
  if (line.rfind("+FULLRESYNC", 0) == 0) {
    std::vector<std::string_view> w = SplitSpaces(line);
    int64_t off = 0;
    if (w.size() != 3 || w[1].size() != 40 || !ParseInt64(w[2], &off) || off < 0) {
      LOG_WARNING("Master replied with wrong +FULLRESYNC syntax.");
      DropLink(nullptr);
      return;
    }
    LOG_NOTICE("Full resync from master: %.*s:%lld", 40, w[1].data(), static_cast<long long>(off));
    BeginTransfer(w[1], off);
    return;
  }
  if (line.rfind("+CONTINUE", 0) == 0) {
    std::string_view id = std::string_view(line).substr(9);
    while (!id.empty() && id.front() == ' ') id.remove_prefix(1);
    if (id.size() == 40 && id != primary_->replid()) {
      LOG_NOTICE("Master replication ID changed to %.*s", 40, id.data());
      primary_->ShiftReplId(id);
    }
    LOG_NOTICE("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
    BecomeConnected();
    return;
  }
  if (line.rfind("-NOMASTERLINK", 0) == 0 || line.rfind("-LOADING", 0) == 0) {
    LOG_NOTICE("Master is currently unable to PSYNC but should be in the future: %s", line.c_str());
  } else {
    LOG_WARNING("Unexpected reply to PSYNC from master: %s", line.c_str());
  }
  DropLink(nullptr);
}

void ReplicaLink::BecomeConnected() {
  CreateMasterClient();
  state_ = State::kConnected;
  server_->master_link_up = true;
  link_down_since_ms_ = 0;
  SendAck();
}

void ReplicaLink::CreateMasterClient() {
  master_ = std::make_unique<commands::Client>();
  commands::Client& c = *master_;
  c.id = server_->sessions.next_client_id++;
  c.fd = fd_;
  c.addr = host_ + ":" + std::to_string(port_);
  c.authenticated = true;
  c.ever_authenticated = true;
  c.flags = commands::client_flag::kMaster;
  c.db_index = stream_db_ < server_->db_count() ? stream_db_ : 0;
  c.ctime_ms = server_->clock.now_ms;
  c.last_interaction_ms = server_->clock.now_ms;
  server_->sessions.clients[c.id] = &c;
}

void ReplicaLink::FreeMasterClient() {
  if (master_ == nullptr) return;
  stream_db_ = master_->db_index;
  commands::DetachClient(*server_, *master_);
  master_.reset();
  proxy_.clear();  // an unfinished transaction is sent again by the primary
}

void ReplicaLink::DropLink(const char* why) {
  if (state_ == State::kTransfer) {
    ++failed_syncs_;
    LOG_WARNING("MASTER <-> REPLICA sync failed, the dataset is kept as it was: %s",
                why != nullptr ? why : "the link was lost");
  } else if (why != nullptr) {
    LOG_NOTICE("Connection with master lost (%s).", why);
  }
  bool was_connected = state_ == State::kConnected;
  if (fd_ >= 0) {
    loop_->Remove(fd_);
    close(fd_);
    fd_ = -1;
  }
  watching_write_ = false;
  in_.clear();
  out_.clear();
  temp_.reset();  // removes a half-received RDB
  if (was_connected) {
    LOG_NOTICE("Caching the disconnected master state.");
    have_cached_ = true;
  }
  FreeMasterClient();
  if (server_->master_link_up || link_down_since_ms_ == 0) {
    link_down_since_ms_ = server_->clock.now_ms;
  }
  server_->master_link_up = false;
  if (state_ != State::kNone) state_ = State::kConnect;
}

// --- The stream -----------------------------------------------------------------------------

void ReplicaLink::ProcessStream() {
  size_t pos = 0;
  protocol::ParseLimits limits{server_->cfg->proto_max_bulk_len, true};
  while (state_ == State::kConnected && master_ != nullptr) {
    size_t consumed = 0;
    auto r = master_->parser.Parse(in_.data() + pos, in_.size() - pos, limits, &consumed);
    if (r == protocol::RequestParser::Result::kIncomplete) break;
    if (r == protocol::RequestParser::Result::kError) {
      LOG_WARNING("Protocol error in the stream from the primary: %s",
                  master_->parser.error().c_str());
      DropLink(nullptr);
      return;
    }
    if (r == protocol::RequestParser::Result::kCommand) {
      auto args = master_->parser.args();
      master_->last_interaction_ms = server_->clock.now_ms;
      if (args.size() >= 2 && util::EqualsIgnoreCase(args[0], "replconf") &&
          util::EqualsIgnoreCase(args[1], "getack")) {
        SendAck();  // the offset before this command, as Redis
      } else {
        server_->clock.ignore_expiry = true;
        commands::Dispatch(*server_, *master_, args);
        server_->clock.ignore_expiry = false;
        master_->reply_buf.clear();  // nothing goes back to the primary
      }
    }
    proxy_.append(in_, pos, consumed);
    pos += consumed;
    // The offset moves by whole transactions: a link lost inside one resumes before it.
    if (!master_->in_multi) {
      primary_->FeedUpstream(proxy_);
      proxy_.clear();
    }
  }
  if (state_ == State::kConnected) in_.erase(0, pos);
}

void ReplicaLink::SendAck() {
  last_ack_ms_ = server_->clock.now_ms;
  Send(Command({"REPLCONF", "ACK", std::to_string(primary_->offset())}));
}

void ReplicaLink::Cron() {
  if (state_ == State::kNone) return;
  int64_t now = server_->clock.now_ms;
  int64_t timeout = static_cast<int64_t>(server_->cfg->repl_timeout) * 1000;
  if (master_ != nullptr && (master_->flags & commands::client_flag::kCloseAsap)) {
    DropLink("the master client was killed");
    return;
  }
  if (state_ == State::kConnect) {
    if (now - last_connect_ms_ >= 1000) Connect();
    return;
  }
  if (now - last_io_ms_ > timeout) {
    DropLink(state_ == State::kConnected ? "MASTER timeout: no data nor PING received"
                                         : "Timeout connecting to the MASTER");
    return;
  }
  if (state_ == State::kConnected && now - last_ack_ms_ >= 1000) SendAck();
}

// --- ROLE, INFO -----------------------------------------------------------------------------

const char* ReplicaLink::RoleState() const {
  switch (state_) {
    case State::kConnect:
      return "connect";
    case State::kConnecting:
      return "connecting";
    case State::kHandshake:
      return "handshake";
    case State::kTransfer:
      return "sync";
    case State::kConnected:
      return "connected";
    default:
      return "none";
  }
}

bool ReplicaLink::RoleReply(protocol::ReplyBuilder& reply) const {
  if (state_ == State::kNone) return false;
  reply.Array(5);
  reply.Bulk("slave");
  reply.Bulk(host_);
  reply.Integer(port_);
  reply.Bulk(RoleState());
  reply.Integer(master_ != nullptr ? primary_->offset() : -1);
  return true;
}

bool ReplicaLink::InfoLines(std::string* out) const {
  if (state_ == State::kNone) return false;
  const config::ServerConfig& cfg = *server_->cfg;
  int64_t now = server_->clock.now_ms;
  char buf[512];
  auto add = [&](const char* fmt, auto... v) {
    std::snprintf(buf, sizeof(buf), fmt, v...);
    out->append(buf);
  };
  bool up = state_ == State::kConnected;
  int64_t off = primary_->offset();
  add("role:slave\r\nmaster_host:%s\r\nmaster_port:%d\r\nmaster_link_status:%s\r\n", host_.c_str(),
      port_, up ? "up" : "down");
  add("master_last_io_seconds_ago:%lld\r\n",
      static_cast<long long>(master_ != nullptr ? (now - last_io_ms_) / 1000 : -1));
  add("master_sync_in_progress:%d\r\n", state_ == State::kTransfer ? 1 : 0);
  add("slave_read_repl_offset:%lld\r\nslave_repl_offset:%lld\r\n",
      static_cast<long long>(off + static_cast<int64_t>(up ? in_.size() + proxy_.size() : 0)),
      static_cast<long long>(off));
  if (state_ == State::kTransfer) {
    long long total = eof_mode_ ? -1 : static_cast<long long>(transfer_size_);
    long long read = static_cast<long long>(transfer_read_);
    add("master_sync_total_bytes:%lld\r\nmaster_sync_read_bytes:%lld\r\n", total, read);
    add("master_sync_left_bytes:%lld\r\n", eof_mode_ ? -1 : total - read);
    add("master_sync_perc:%.2f\r\n",
        eof_mode_ || total <= 0 ? 0.0 : 100.0 * static_cast<double>(read) / total);
    add("master_sync_last_io_seconds_ago:%lld\r\n",
        static_cast<long long>((now - last_io_ms_) / 1000));
  }
  if (!up) {
    add("master_link_down_since_seconds:%lld\r\n",
        static_cast<long long>(link_down_since_ms_ == 0 ? -1 : (now - link_down_since_ms_) / 1000));
  }
  add("slave_priority:%d\r\nslave_read_only:%d\r\nreplica_announced:1\r\n", cfg.replica_priority,
      cfg.replica_read_only ? 1 : 0);
  return true;
}

}  // namespace redoubt::replication
