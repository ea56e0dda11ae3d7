// The server's TLS side: the TLS listeners, the context new connections use (reloaded on
// CONFIG SET, SIGHUP or changed files), what happens when a handshake ends (certificate
// identity -> ACL user, counters), and decrypted input that no poll will announce.
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/acl.h"
#include "server/server.h"
#include "util/log.h"

namespace redoubt::server {

namespace {

volatile sig_atomic_t g_tls_reload_signal = 0;

// A connection that has not finished its handshake by then is dropped: a client that opens
// sockets and sends nothing (or a byte at a time) must not hold them for ever.
constexpr int64_t kHandshakeTimeoutMs = 10000;

net::TlsOptions TlsOptionsFrom(const config::ServerConfig& c) {
  net::TlsOptions o;
  o.cert_file = c.tls_cert_file;
  o.key_file = c.tls_key_file;
  o.key_file_pass = c.tls_key_file_pass;
  o.client_cert_file = c.tls_client_cert_file;
  o.client_key_file = c.tls_client_key_file;
  o.client_key_file_pass = c.tls_client_key_file_pass;
  o.dh_params_file = c.tls_dh_params_file;
  o.ca_cert_file = c.tls_ca_cert_file;
  o.ca_cert_dir = c.tls_ca_cert_dir;
  o.protocols = c.tls_protocols;
  o.ciphers = c.tls_ciphers;
  o.ciphersuites = c.tls_ciphersuites;
  o.auth_clients = c.tls_auth_clients;
  o.prefer_server_ciphers = c.tls_prefer_server_ciphers;
  o.session_caching = c.tls_session_caching;
  o.session_cache_size = c.tls_session_cache_size;
  o.session_cache_timeout = c.tls_session_cache_timeout;
  return o;
}

// Identity of every file the context is built from: a change means "reload".
std::string TlsFilesSignature(const config::ServerConfig& c) {
  std::string s;
  for (const std::string* f :
       {&c.tls_cert_file, &c.tls_key_file, &c.tls_ca_cert_file, &c.tls_ca_cert_dir,
        &c.tls_dh_params_file, &c.tls_client_cert_file, &c.tls_client_key_file}) {
    s += net::FileSignature(*f);
    s += '|';
  }
  return s;
}

constexpr std::string_view kPlaintextRefused =
    "-ERR this port only accepts TLS connections (redis-cli --tls)\r\n";

}  // namespace

bool Server::StartTls() {
  config::Config* config = state_.config;
  config->OnChange({"tls-cert-file", "tls-key-file", "tls-key-file-pass", "tls-client-cert-file",
                    "tls-client-key-file", "tls-client-key-file-pass", "tls-dh-params-file",
                    "tls-ca-cert-file", "tls-ca-cert-dir", "tls-auth-clients", "tls-protocols",
                    "tls-ciphers", "tls-ciphersuites", "tls-prefer-server-ciphers",
                    "tls-session-caching", "tls-session-cache-size", "tls-session-cache-timeout"},
                   [this](const config::ServerConfig& c) { return ReloadTls(c, "CONFIG SET"); });
  config->OnChange("tls-port", [this](const config::ServerConfig& c) {
    if (c.tls_port != 0 && c.tls_port == state_.tls.port) return util::Status::Ok();
    return OpenTls(c);
  });
  if (auto s = net::CheckCipherLists(cfg_->tls_ciphers, cfg_->tls_ciphersuites); !s.ok()) {
    LOG_WARNING("Failed to configure TLS: %s", s.message().c_str());
    return false;
  }
  if (cfg_->tls_port == 0) return true;
  if (util::Status s = OpenTls(*cfg_); !s.ok()) {
    LOG_WARNING("Failed to configure TLS: %s", s.message().c_str());
    return false;
  }
  return true;
}

// Listens on c.tls_port (0: stops listening for TLS) with a context built from c. All or
// nothing: on an error the listeners and context in use stay. Open TLS connections stay too.
util::Status Server::OpenTls(const config::ServerConfig& c) {
  std::shared_ptr<net::TlsContext> ctx;
  std::vector<int> fds;
  if (c.tls_port != 0) {
    auto built = net::TlsContext::Create(TlsOptionsFrom(c));
    if (!built.ok()) return built.status();
    ctx = std::move(*built);
    if (util::Status s = net::ListenTcpAll(c.bind, c.tls_port, c.tcp_backlog, &fds); !s.ok()) {
      return util::Status::Error("Could not create server TLS listening socket " + s.message());
    }
    if (fds.empty()) {
      return util::Status::Error("Failed listening on port " + std::to_string(c.tls_port) +
                                 " (tls)");
    }
  }
  // Commit: the old TLS listeners go, the new ones come.
  for (auto it = listeners_.begin(); it != listeners_.end();) {
    if ((*it)->tls()) {
      loop_->Remove((*it)->fd());
      ::close((*it)->fd());
      it = listeners_.erase(it);
    } else {
      ++it;
    }
  }
  state_.tls.port = 0;
  for (int fd : fds) {
    listeners_.push_back(std::make_unique<Listener>(this, fd, false, true));
    WatchListener(listeners_.back().get());
    if (state_.tls.port == 0) state_.tls.port = net::BoundPort(fd);
  }
  tls_ctx_ = std::move(ctx);
  if (tls_ctx_ == nullptr) {
    LOG_NOTICE("TLS port closed");
    return util::Status::Ok();
  }
  for (const std::string& w : tls_ctx_->warnings()) LOG_WARNING("WARNING: TLS: %s", w.c_str());
  tls_files_signature_ = TlsFilesSignature(c);
  state_.tls.server_cert_serial = tls_ctx_->server_cert().serial;
  state_.tls.server_cert_expire_time = tls_ctx_->server_cert().not_after;
  state_.tls.ca_cert_serial = tls_ctx_->ca_cert().serial;
  state_.tls.ca_cert_expire_time = tls_ctx_->ca_cert().not_after;
  state_.tls.last_reload_time = state_.clock.now_ms / 1000;
  LOG_NOTICE("TLS on port %d: certificate %s, serial %s", state_.tls.port,
             tls_ctx_->server_cert().subject.c_str(), tls_ctx_->server_cert().serial.c_str());
  return util::Status::Ok();
}

util::Status Server::ReloadTls(const config::ServerConfig& c, const char* why) {
  if (tls_ctx_ == nullptr) {
    // TLS off: the values are only stored, but a cipher list that could never work is refused
    // now rather than when TLS is turned on.
    if (auto s = net::CheckCipherLists(c.tls_ciphers, c.tls_ciphersuites); !s.ok()) {
      return util::Status::Error("Unable to update TLS configuration: " + s.message());
    }
    return util::Status::Ok();
  }
  auto ctx = net::TlsContext::Create(TlsOptionsFrom(c));
  if (!ctx.ok()) {
    ++state_.tls.reload_failures;
    LOG_WARNING("TLS reload (%s) failed, still serving the previous certificates: %s", why,
                ctx.status().message().c_str());
    return util::Status::Error("Unable to update TLS configuration: " + ctx.status().message());
  }
  for (const std::string& w : (*ctx)->warnings()) LOG_WARNING("WARNING: TLS: %s", w.c_str());
  tls_ctx_ = std::move(*ctx);  // connections already open keep the context they started with
  tls_files_signature_ = TlsFilesSignature(c);
  tls_failed_signature_.clear();
  ++state_.tls.reloads;
  state_.tls.server_cert_serial = tls_ctx_->server_cert().serial;
  state_.tls.server_cert_expire_time = tls_ctx_->server_cert().not_after;
  state_.tls.ca_cert_serial = tls_ctx_->ca_cert().serial;
  state_.tls.ca_cert_expire_time = tls_ctx_->ca_cert().not_after;
  state_.tls.last_reload_time = state_.clock.now_ms / 1000;
  LOG_NOTICE("TLS material reloaded (%s): certificate %s, serial %s", why,
             tls_ctx_->server_cert().subject.c_str(), tls_ctx_->server_cert().serial.c_str());
  return util::Status::Ok();
}

void Server::TlsCron() {
  if (g_tls_reload_signal) {
    g_tls_reload_signal = 0;
    if (tls_ctx_ != nullptr) {
      LOG_NOTICE("Received SIGHUP, reloading the TLS certificates");
      (void)ReloadTls(*cfg_, "SIGHUP");
    }
  }
  if (tls_ctx_ == nullptr) return;
  int64_t now = state_.clock.now_ms;
  if (now / 1000 != tls_last_sweep_s_) {
    tls_last_sweep_s_ = now / 1000;
    for (auto& [id, cc] : conns_) {
      commands::Client& c = cc->client;
      if (c.tls && !cc->tls_handshake_seen_ && now - c.ctime_ms > kHandshakeTimeoutMs &&
          !(c.flags & commands::client_flag::kCloseAsap)) {
        ++state_.tls.handshake_failures;
        LOG_VERBOSE("TLS handshake timeout, closing %s", c.addr.c_str());
        state_.sessions.CloseAsap(&c);
      }
    }
  }
  if (cfg_->tls_auto_reload_interval <= 0) return;
  if (now - tls_last_check_ms_ < static_cast<int64_t>(cfg_->tls_auto_reload_interval) * 1000) {
    return;
  }
  tls_last_check_ms_ = now;
  std::string sig = TlsFilesSignature(*cfg_);
  if (sig == tls_files_signature_ || sig == tls_failed_signature_) return;
  // A half-written pair fails here and is tried again when the next file lands.
  if (!ReloadTls(*cfg_, "files changed").ok()) tls_failed_signature_ = sig;
}

std::unique_ptr<net::Connection> Server::NewTlsConnection(int fd) {
  if (tls_ctx_ == nullptr) return nullptr;
  auto conn = std::make_unique<net::TlsConnection>(fd, tls_ctx_);
  if (!conn->ok()) {
    LOG_WARNING("Error creating a TLS connection: out of memory");
    return nullptr;
  }
  ++state_.tls.connections_received;
  return conn;
}

void Server::OnTlsProgress(ClientConn* cc) {
  auto* t = static_cast<net::TlsConnection*>(cc->conn_.get());
  commands::Client& c = cc->client;
  switch (t->state()) {
    case net::TlsConnection::State::kHandshake:
      return;
    case net::TlsConnection::State::kFailed:
      cc->tls_handshake_seen_ = true;
      ++state_.tls.handshake_failures;
      LOG_VERBOSE("Error accepting a TLS client connection from %s: %s", c.addr.c_str(),
                  t->error().c_str());
      return;
    case net::TlsConnection::State::kPlaintext: {
      cc->tls_handshake_seen_ = true;
      ++state_.tls.plaintext_rejected;
      LOG_VERBOSE("Closing a plain-text client on the TLS port: %s", c.addr.c_str());
      // What it sent is read and dropped first: closing with unread input would send a reset
      // and the client might never see the reason.
      char sink[4096];
      while (::recv(c.fd, sink, sizeof(sink), MSG_DONTWAIT) > 0) {
      }
      [[maybe_unused]] ssize_t n =
          ::write(c.fd, kPlaintextRefused.data(), kPlaintextRefused.size());
      return;
    }
    case net::TlsConnection::State::kReady:
      break;
  }
  cc->tls_handshake_seen_ = true;
  if (cfg_->tls_auth_clients_user == config::kTlsUserOff) return;
  // Certificate identity: the ACL user named by the verified certificate, with no AUTH. A
  // connection without one (tls-auth-clients optional) or naming no enabled user must AUTH
  // with a real password, whatever the default user allows (commands::LoginAllowed).
  c.no_implicit_auth = true;
  c.cert_user = t->PeerIdentity(cfg_->tls_auth_clients_user);
  commands::SetInitialUser(state_, c);
  if (c.authenticated) {
    ++state_.tls.cert_identity_logins;
    state_.security.Audit(security::AuditEvent::kAuthSuccess, c, "TLS", "client certificate");
    LOG_VERBOSE("TLS client %s logged in as '%s' by its certificate", c.addr.c_str(),
                c.cert_user.c_str());
  } else if (!c.cert_user.empty()) {
    LOG_VERBOSE("TLS client %s: certificate names '%s', no such enabled user; AUTH required",
                c.addr.c_str(), c.cert_user.c_str());
  }
}

void Server::ProcessTlsPending() {
  std::vector<uint64_t> keep;
  for (int round = 0; round < 16 && !tls_pending_.empty(); ++round) {
    std::vector<uint64_t> ids;
    ids.swap(tls_pending_);
    for (uint64_t id : ids) {
      auto it = conns_.find(id);
      if (it == conns_.end()) continue;
      ClientConn* cc = it->second.get();
      if (cc->client.flags & commands::client_flag::kCloseAsap) continue;
      if (cc->client.blocked || (cc->client.flags & commands::client_flag::kInScript)) {
        keep.push_back(id);  // its input waits anyway; looked at again next turn
        continue;
      }
      HandleReadable(cc);  // re-queues it while bytes remain buffered
    }
  }
  tls_pending_.insert(tls_pending_.end(), keep.begin(), keep.end());
}

void InstallTlsReloadSignal() {
  struct sigaction sa {};
  sa.sa_handler = [](int) { g_tls_reload_signal = 1; };
  sigemptyset(&sa.sa_mask);
  sigaction(SIGHUP, &sa, nullptr);
}

}  // namespace redoubt::server
