// TLS with OpenSSL: the context built from the tls-* directives (validated, swapped whole on a
// reload) and TlsConnection, one more implementation of Connection that the event loop drives
// exactly as a plain socket (non-blocking, read(2)/write(2) results with EAGAIN).
#pragma once

#include <openssl/ssl.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "net/socket.h"
#include "util/status.h"

namespace redoubt::net {

// The tls-* directives TlsContext needs (filled from ServerConfig by the server layer).
struct TlsOptions {
  std::string cert_file, key_file, key_file_pass;
  std::string client_cert_file, client_key_file, client_key_file_pass;
  std::string dh_params_file, ca_cert_file, ca_cert_dir;
  std::string protocols;     // "" = "TLSv1.2 TLSv1.3"
  std::string ciphers;       // TLSv1.2 and below; "" = OpenSSL's default
  std::string ciphersuites;  // TLSv1.3; "" = OpenSSL's default
  int auth_clients = 1;      // 0 no, 1 yes, 2 optional (config::kTlsAuth*)
  bool prefer_server_ciphers = false;
  bool session_caching = true;
  int session_cache_size = 20480;
  int session_cache_timeout = 300;
};

// Facts about one certificate, for INFO and logs.
struct CertInfo {
  std::string serial;     // upper-case hex, as openssl x509 -serial prints it
  int64_t not_after = 0;  // unix seconds
  std::string subject;    // one line
};

// An SSL_CTX with everything loaded and checked. Immutable once built: a reload builds a new
// one and swaps the shared_ptr; connections keep the SSL_CTX they were accepted with alive.
class TlsContext {
 public:
  // Builds and validates (files readable, key matches certificate, CA present when client
  // certificates are checked, protocol names known). Errors name the directive and the file.
  static util::StatusOr<std::shared_ptr<TlsContext>> Create(const TlsOptions& options);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  SSL_CTX* ctx() const { return ctx_; }
  const CertInfo& server_cert() const { return server_cert_; }
  const CertInfo& ca_cert() const { return ca_cert_; }
  // Non-fatal findings (key files readable by group/others), to log.
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  TlsContext() = default;
  SSL_CTX* ctx_ = nullptr;
  CertInfo server_cert_;
  CertInfo ca_cert_;
  std::vector<std::string> warnings_;
};

// Parses tls-protocols into OpenSSL's minimum and maximum versions; TLSv1 and TLSv1.1 are
// refused (broken protocols), as are unknown names.
util::Status ParseTlsProtocols(const std::string& spec, int* min_version, int* max_version);

// tls-ciphers (TLSv1.2 and below) and tls-ciphersuites (TLSv1.3), "" meaning OpenSSL's default:
// an error naming the reason when a list is not understood, leaves no cipher OpenSSL would
// negotiate, or admits one without authentication (aNULL) or without encryption (eNULL), since
// every handshake would then fail or be open to anyone on the path.
util::Status CheckCipherLists(const std::string& ciphers, const std::string& ciphersuites);

// A file's identity for change detection (tls-auto-reload-interval): inode, size, mtime.
std::string FileSignature(const std::string& path);

class TlsConnection : public Connection {
 public:
  enum class State : uint8_t { kHandshake, kReady, kFailed, kPlaintext };

  TlsConnection(int fd, std::shared_ptr<TlsContext> ctx);
  ~TlsConnection() override;
  // False when SSL_new failed (out of memory): close the socket.
  bool ok() const { return ssl_ != nullptr; }

  int fd() const override { return fd_; }
  // Runs the handshake first while it is not done. Errors: errno EAGAIN (try again, see
  // WantsWrite), EPROTO (TLS failure or a plain-text client, see state()).
  ssize_t Read(char* buf, size_t len) override;
  ssize_t Write(const char* buf, size_t len) override;
  bool IsTls() const override { return true; }
  bool WantsWrite() const override { return want_write_; }
  bool HasPendingInput() const override { return ssl_ != nullptr && SSL_has_pending(ssl_) == 1; }
  void Close() override;

  State state() const { return state_; }
  // Why the handshake failed (OpenSSL's reason), for the log.
  const std::string& error() const { return error_; }
  // The verified client certificate's identity: field 1 = subject CN, 2 = first SAN entry
  // (DNS, email or URI). "" when no certificate was presented or it did not verify.
  std::string PeerIdentity(int field) const;
  bool HasPeerCertificate() const;
  const char* Version() const { return ssl_ != nullptr ? SSL_get_version(ssl_) : ""; }

 private:
  ssize_t Handshake();
  ssize_t Failed(std::string why);

  int fd_;
  SSL* ssl_ = nullptr;
  State state_ = State::kHandshake;
  bool want_write_ = false;
  bool first_byte_checked_ = false;
  std::string error_;
};

}  // namespace redoubt::net
