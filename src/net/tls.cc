#include "net/tls.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <utility>

namespace redoubt::net {

namespace {

using util::Status;

// OpenSSL's queued errors as one line (and the queue cleared).
std::string OpenSslErrors() {
  std::string out;
  unsigned long e;
  while ((e = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "unknown error" : out;
}

// Readable by us, with a message naming the directive and the file otherwise.
Status CheckReadable(const char* directive, const std::string& path) {
  if (::access(path.c_str(), R_OK) != 0) {
    return Status::Error(std::string(directive) + " '" + path + "': " + std::strerror(errno));
  }
  return Status::Ok();
}

// A private key readable by group or others is a finding, not an error (as ssh would have it,
// but Redis starts anyway; operators get the warning).
void CheckKeyPermissions(const char* directive, const std::string& path,
                         std::vector<std::string>* warnings) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return;
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(st.st_mode & 07777));
    warnings->push_back(std::string(directive) + " '" + path +
                        "' is readable by group/others (mode " + mode + "); chmod 600 it");
  }
}

int PasswordCallback(char* buf, int size, int, void* userdata) {
  const auto* pass = static_cast<const std::string*>(userdata);
  if (pass == nullptr || size <= 0) return 0;
  int n = static_cast<int>(std::min<size_t>(pass->size(), static_cast<size_t>(size)));
  std::memcpy(buf, pass->data(), static_cast<size_t>(n));
  return n;
}

int64_t AsnTimeToUnix(const ASN1_TIME* t) {
  struct tm tm {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<int64_t>(timegm(&tm));
}

CertInfo DescribeCert(X509* cert) {
  CertInfo info;
  if (cert == nullptr) return info;
  if (BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr)) {
    if (char* hex = BN_bn2hex(bn)) {
      info.serial = hex;
      OPENSSL_free(hex);
    }
    BN_free(bn);
  }
  info.not_after = AsnTimeToUnix(X509_get0_notAfter(cert));
  char subject[256];
  X509_NAME_oneline(X509_get_subject_name(cert), subject, sizeof(subject));
  info.subject = subject;
  return info;
}

// The first certificate of a PEM file (the CA's, for INFO), or an empty CertInfo.
CertInfo DescribeCertFile(const std::string& path) {
  CertInfo info;
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return info;
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  info = DescribeCert(cert);
  X509_free(cert);
  return info;
}

// Certificate chain and key into ctx, checked against each other.
Status LoadKeyPair(SSL_CTX* ctx, const char* cert_directive, const std::string& cert_file,
                   const char* key_directive, const std::string& key_file,
                   const std::string& pass) {
  if (Status s = CheckReadable(cert_directive, cert_file); !s.ok()) return s;
  if (Status s = CheckReadable(key_directive, key_file); !s.ok()) return s;
  SSL_CTX_set_default_passwd_cb(ctx, PasswordCallback);
  SSL_CTX_set_default_passwd_cb_userdata(ctx, const_cast<std::string*>(&pass));
  ERR_clear_error();
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1) {
    return Status::Error(std::string(cert_directive) + " '" + cert_file +
                         "': cannot load the certificate: " + OpenSslErrors());
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    SSL_CTX_set_default_passwd_cb_userdata(ctx, nullptr);
    if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
      ERR_clear_error();
      return Status::Error(std::string(key_directive) + " '" + key_file +
                           "' does not match the certificate in " + cert_directive + " '" +
                           cert_file + "'");
    }
    return Status::Error(std::string(key_directive) + " '" + key_file +
                         "': cannot load the private key: " + OpenSslErrors());
  }
  SSL_CTX_set_default_passwd_cb_userdata(ctx, nullptr);
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return Status::Error(std::string(key_directive) + " '" + key_file +
                         "' does not match the certificate in " + cert_directive + " '" +
                         cert_file + "': " + OpenSslErrors());
  }
  return Status::Ok();
}

Status LoadDhParams(SSL_CTX* ctx, const std::string& path) {
  if (path.empty()) {
    SSL_CTX_set_dh_auto(ctx, 1);
    return Status::Ok();
  }
  if (Status s = CheckReadable("tls-dh-params-file", path); !s.ok()) return s;
  BIO* bio = BIO_new_file(path.c_str(), "r");
  EVP_PKEY* dh = bio != nullptr ? PEM_read_bio_Parameters(bio, nullptr) : nullptr;
  BIO_free(bio);
  if (dh == nullptr || SSL_CTX_set0_tmp_dh_pkey(ctx, dh) != 1) {
    EVP_PKEY_free(dh);
    return Status::Error("tls-dh-params-file '" + path +
                         "': cannot load DH parameters: " + OpenSslErrors());
  }
  return Status::Ok();  // ctx owns dh now
}

Status Configure(SSL_CTX* ctx, const TlsOptions& o, std::vector<std::string>* warnings) {
  int min_version = 0;
  int max_version = 0;
  if (Status s = ParseTlsProtocols(o.protocols, &min_version, &max_version); !s.ok()) return s;
  SSL_CTX_set_min_proto_version(ctx, min_version);
  SSL_CTX_set_max_proto_version(ctx, max_version);
  uint64_t opts = SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_SINGLE_DH_USE |
                  SSL_OP_SINGLE_ECDH_USE;
  if (o.prefer_server_ciphers) opts |= SSL_OP_CIPHER_SERVER_PREFERENCE;
  if (!o.session_caching) opts |= SSL_OP_NO_TICKET;
  SSL_CTX_set_options(ctx, opts);
  // The reply buffer may move (grow) between a partial write and its retry.
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  // One read(2) per burst of records instead of two per record (header, then body); what is
  // read ahead is announced by HasPendingInput and re-read before the loop sleeps.
  SSL_CTX_set_read_ahead(ctx, 1);
  if (o.session_caching) {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    SSL_CTX_sess_set_cache_size(ctx, o.session_cache_size);
    SSL_CTX_set_timeout(ctx, o.session_cache_timeout);
    static const unsigned char kSessionContext[] = "redoubt";
    SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof(kSessionContext) - 1);
  } else {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  }
  if (Status s = CheckCipherLists(o.ciphers, o.ciphersuites); !s.ok()) return s;
  if (!o.ciphers.empty() && SSL_CTX_set_cipher_list(ctx, o.ciphers.c_str()) != 1) {
    return Status::Error("tls-ciphers '" + o.ciphers + "': no usable cipher: " + OpenSslErrors());
  }
  if (!o.ciphersuites.empty() && SSL_CTX_set_ciphersuites(ctx, o.ciphersuites.c_str()) != 1) {
    return Status::Error("tls-ciphersuites '" + o.ciphersuites +
                         "': no usable cipher suite: " + OpenSslErrors());
  }
  if (o.cert_file.empty()) return Status::Error("tls-cert-file is not set");
  if (o.key_file.empty()) return Status::Error("tls-key-file is not set");
  if (Status s = LoadKeyPair(ctx, "tls-cert-file", o.cert_file, "tls-key-file", o.key_file,
                             o.key_file_pass);
      !s.ok()) {
    return s;
  }
  CheckKeyPermissions("tls-key-file", o.key_file, warnings);
  if (o.ca_cert_file.empty() && o.ca_cert_dir.empty()) {
    if (o.auth_clients != 0) {
      return Status::Error(
          "either tls-ca-cert-file or tls-ca-cert-dir must be set when tls-auth-clients is yes "
          "or optional (the CA that signs client certificates)");
    }
  } else {
    if (!o.ca_cert_file.empty()) {
      if (Status s = CheckReadable("tls-ca-cert-file", o.ca_cert_file); !s.ok()) return s;
    }
    if (!o.ca_cert_dir.empty()) {
      if (Status s = CheckReadable("tls-ca-cert-dir", o.ca_cert_dir); !s.ok()) return s;
    }
    ERR_clear_error();
    if (SSL_CTX_load_verify_locations(
            ctx, o.ca_cert_file.empty() ? nullptr : o.ca_cert_file.c_str(),
            o.ca_cert_dir.empty() ? nullptr : o.ca_cert_dir.c_str()) != 1) {
      std::string which = !o.ca_cert_file.empty() ? "tls-ca-cert-file '" + o.ca_cert_file + "'"
                                                  : "tls-ca-cert-dir '" + o.ca_cert_dir + "'";
      return Status::Error(which + ": cannot load CA certificates: " + OpenSslErrors());
    }
    // The CAs a client may pick its certificate by.
    if (!o.ca_cert_file.empty()) {
      if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(o.ca_cert_file.c_str())) {
        SSL_CTX_set_client_CA_list(ctx, names);
      }
    }
  }
  int verify = SSL_VERIFY_NONE;
  if (o.auth_clients == 1) verify = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  if (o.auth_clients == 2) verify = SSL_VERIFY_PEER;
  SSL_CTX_set_verify(ctx, verify, nullptr);
  return LoadDhParams(ctx, o.dh_params_file);
}

// tls-client-cert-file (outgoing connections: replication) is checked the same way so that a
// broken one is found at start-up rather than at the first replica link.
Status CheckClientPair(const TlsOptions& o, std::vector<std::string>* warnings) {
  if (o.client_cert_file.empty() && o.client_key_file.empty()) return Status::Ok();
  if (o.client_cert_file.empty() || o.client_key_file.empty()) {
    return Status::Error("tls-client-cert-file and tls-client-key-file must be set together");
  }
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) return Status::Error("cannot create an SSL context: " + OpenSslErrors());
  Status s = LoadKeyPair(ctx, "tls-client-cert-file", o.client_cert_file, "tls-client-key-file",
                         o.client_key_file, o.client_key_file_pass);
  SSL_CTX_free(ctx);
  if (s.ok()) CheckKeyPermissions("tls-client-key-file", o.client_key_file, warnings);
  return s;
}

// The ciphers `ctx` would offer up to `max_version`: (usable, unsafe) counts, where unsafe ones
// lack authentication or encryption.
std::pair<int, int> CountCiphers(SSL_CTX* ctx, int max_version) {
  SSL_CTX_set_max_proto_version(ctx, max_version);
  if (max_version == TLS1_3_VERSION) SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
  SSL* ssl = SSL_new(ctx);
  if (ssl == nullptr) return {0, 0};
  STACK_OF(SSL_CIPHER)* list = SSL_get1_supported_ciphers(ssl);
  int usable = 0;
  int unsafe = 0;
  for (int i = 0; list != nullptr && i < sk_SSL_CIPHER_num(list); ++i) {
    const SSL_CIPHER* c = sk_SSL_CIPHER_value(list, i);
    if (max_version != TLS1_3_VERSION && SSL_CIPHER_get_kx_nid(c) == NID_kx_any) continue;
    if (SSL_CIPHER_get_auth_nid(c) == NID_auth_null || SSL_CIPHER_get_cipher_nid(c) == NID_undef) {
      ++unsafe;
    } else {
      ++usable;
    }
  }
  sk_SSL_CIPHER_free(list);
  SSL_free(ssl);
  return {usable, unsafe};
}

Status CheckOneList(const char* directive, const std::string& list, bool suites) {
  if (list.empty()) return Status::Ok();
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) return Status::Error("cannot create a TLS context: " + OpenSslErrors());
  const int set = suites ? SSL_CTX_set_ciphersuites(ctx, list.c_str())
                         : SSL_CTX_set_cipher_list(ctx, list.c_str());
  std::pair<int, int> counts{0, 0};
  if (set == 1) counts = CountCiphers(ctx, suites ? TLS1_3_VERSION : TLS1_2_VERSION);
  SSL_CTX_free(ctx);
  const std::string what = std::string(directive) + " '" + list + "': ";
  if (set != 1) {
    return Status::Error(what + "no usable cipher" + (suites ? " suite" : "") + ": " +
                         OpenSslErrors());
  }
  if (counts.second > 0) {
    return Status::Error(what + std::to_string(counts.second) +
                         " cipher(s) without authentication or encryption (aNULL/eNULL); "
                         "remove them (e.g. append :!aNULL:!eNULL)");
  }
  if (counts.first == 0) {
    return Status::Error(what +
                         "leaves no cipher OpenSSL would negotiate (at its security "
                         "level), so every " +
                         (suites ? "TLSv1.3" : "TLSv1.2") + " handshake would fail");
  }
  return Status::Ok();
}

}  // namespace

Status CheckCipherLists(const std::string& ciphers, const std::string& ciphersuites) {
  if (Status s = CheckOneList("tls-ciphers", ciphers, false); !s.ok()) return s;
  return CheckOneList("tls-ciphersuites", ciphersuites, true);
}

Status ParseTlsProtocols(const std::string& spec, int* min_version, int* max_version) {
  std::string s = spec.empty() ? "TLSv1.2 TLSv1.3" : spec;
  bool v12 = false;
  bool v13 = false;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(' ', i);
    if (j == std::string::npos) j = s.size();
    std::string word = s.substr(i, j - i);
    i = j + 1;
    if (word.empty()) continue;
    if (strcasecmp(word.c_str(), "TLSv1.2") == 0) {
      v12 = true;
    } else if (strcasecmp(word.c_str(), "TLSv1.3") == 0) {
      v13 = true;
    } else if (strcasecmp(word.c_str(), "TLSv1") == 0 || strcasecmp(word.c_str(), "TLSv1.1") == 0) {
      return Status::Error("tls-protocols: " + word +
                           " is refused (broken protocol); use TLSv1.2 and/or TLSv1.3");
    } else {
      return Status::Error("tls-protocols: unknown protocol '" + word + "'");
    }
  }
  if (!v12 && !v13) return Status::Error("tls-protocols: no protocol given");
  *min_version = v12 ? TLS1_2_VERSION : TLS1_3_VERSION;
  *max_version = v13 ? TLS1_3_VERSION : TLS1_2_VERSION;
  return Status::Ok();
}

std::string FileSignature(const std::string& path) {
  if (path.empty()) return {};
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "missing";
  char buf[128];
  std::snprintf(buf, sizeof(buf), "%llu:%lld:%lld.%09ld",
                static_cast<unsigned long long>(st.st_ino), static_cast<long long>(st.st_size),
                static_cast<long long>(st.st_mtim.tv_sec), st.st_mtim.tv_nsec);
  return buf;
}

util::StatusOr<std::shared_ptr<TlsContext>> TlsContext::Create(const TlsOptions& options) {
  std::shared_ptr<TlsContext> c(new TlsContext());
  c->ctx_ = SSL_CTX_new(TLS_server_method());
  if (c->ctx_ == nullptr) return Status::Error("cannot create an SSL context: " + OpenSslErrors());
  if (Status s = Configure(c->ctx_, options, &c->warnings_); !s.ok()) return s;
  if (Status s = CheckClientPair(options, &c->warnings_); !s.ok()) return s;
  c->server_cert_ = DescribeCert(SSL_CTX_get0_certificate(c->ctx_));
  if (!options.ca_cert_file.empty()) c->ca_cert_ = DescribeCertFile(options.ca_cert_file);
  ERR_clear_error();
  return c;
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

// --------------------------------------------------------------------------- connection

TlsConnection::TlsConnection(int fd, std::shared_ptr<TlsContext> ctx) : fd_(fd) {
  ssl_ = SSL_new(ctx->ctx());  // holds its own reference to the SSL_CTX
  if (ssl_ == nullptr) return;
  SSL_set_fd(ssl_, fd);
  SSL_set_accept_state(ssl_);
}

TlsConnection::~TlsConnection() { Close(); }

ssize_t TlsConnection::Failed(std::string why) {
  if (state_ == State::kHandshake) state_ = State::kFailed;
  error_ = std::move(why);
  want_write_ = false;
  errno = EPROTO;
  return -1;
}

ssize_t TlsConnection::Handshake() {
  if (state_ == State::kFailed || state_ == State::kPlaintext || ssl_ == nullptr) {
    errno = EPROTO;
    return -1;
  }
  if (!first_byte_checked_) {
    // Every TLS session opens with a handshake record (content type 22). Anything else is a
    // client speaking plain RESP (or HTTP) to the TLS port: drop it now instead of letting the
    // handshake wait for bytes that never come.
    unsigned char first;
    ssize_t n;
    do {
      n = ::recv(fd_, &first, 1, MSG_PEEK);
    } while (n < 0 && errno == EINTR);
    if (n == 0) return 0;
    if (n < 0) return -1;  // EAGAIN or a socket error, as read(2)
    first_byte_checked_ = true;
    if (first != 0x16) {
      state_ = State::kPlaintext;
      error_ = "plain-text (non-TLS) client on the TLS port";
      errno = EPROTO;
      return -1;
    }
  }
  ERR_clear_error();
  int r = SSL_do_handshake(ssl_);
  if (r == 1) {
    state_ = State::kReady;
    want_write_ = false;
    return 1;
  }
  int e = SSL_get_error(ssl_, r);
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
    want_write_ = e == SSL_ERROR_WANT_WRITE;
    errno = EAGAIN;
    return -1;
  }
  if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
    if (errno == 0) return Failed("connection closed during the handshake");
    return Failed(std::string("handshake: ") + std::strerror(errno));
  }
  return Failed(OpenSslErrors());
}

ssize_t TlsConnection::Read(char* buf, size_t len) {
  if (state_ != State::kReady) {
    ssize_t h = Handshake();
    if (h <= 0) return h;
  }
  ERR_clear_error();
  int n = SSL_read(ssl_, buf, static_cast<int>(std::min<size_t>(len, 1 << 30)));
  if (n > 0) {
    want_write_ = false;
    return n;
  }
  switch (SSL_get_error(ssl_, n)) {
    case SSL_ERROR_WANT_READ:
      want_write_ = false;
      errno = EAGAIN;
      return -1;
    case SSL_ERROR_WANT_WRITE:
      want_write_ = true;
      errno = EAGAIN;
      return -1;
    case SSL_ERROR_ZERO_RETURN:
      return 0;  // close_notify
    case SSL_ERROR_SYSCALL:
      if (ERR_peek_error() == 0) {
        if (errno == 0) return 0;  // EOF without close_notify
        return -1;
      }
      return Failed(OpenSslErrors());
    default:
      return Failed(OpenSslErrors());
  }
}

ssize_t TlsConnection::Write(const char* buf, size_t len) {
  if (state_ != State::kReady) {
    ssize_t h = Handshake();
    if (h == 0) {
      errno = EPIPE;
      return -1;
    }
    if (h < 0) return h;
  }
  if (len == 0) return 0;
  ERR_clear_error();
  int n = SSL_write(ssl_, buf, static_cast<int>(std::min<size_t>(len, 1 << 30)));
  if (n > 0) return n;
  switch (SSL_get_error(ssl_, n)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
      errno = EAGAIN;
      return -1;
    case SSL_ERROR_SYSCALL:
      if (ERR_peek_error() == 0) {
        if (errno == 0) errno = EPIPE;
        return -1;
      }
      return Failed(OpenSslErrors());
    default:
      return Failed(OpenSslErrors());
  }
}

void TlsConnection::Close() {
  if (ssl_ != nullptr) {
    // One close_notify, without waiting for the peer's (the socket is non-blocking).
    if (state_ == State::kReady) {
      ERR_clear_error();
      SSL_shutdown(ssl_);
    }
    SSL_free(ssl_);
    ssl_ = nullptr;
    ERR_clear_error();
  }
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

bool TlsConnection::HasPeerCertificate() const {
  return ssl_ != nullptr && SSL_get0_peer_certificate(ssl_) != nullptr;
}

std::string TlsConnection::PeerIdentity(int field) const {
  if (ssl_ == nullptr || state_ != State::kReady) return {};
  X509* cert = SSL_get0_peer_certificate(ssl_);
  if (cert == nullptr || SSL_get_verify_result(ssl_) != X509_V_OK) return {};
  if (field == 1) {
    X509_NAME* subject = X509_get_subject_name(cert);
    int idx = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
    if (idx < 0) return {};
    ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, idx));
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, data);
    if (n < 0) return {};
    std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
    OPENSSL_free(utf8);
    return out;
  }
  if (field == 2) {
    auto* names =
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    if (names == nullptr) return {};
    std::string out;
    for (int i = 0; i < sk_GENERAL_NAME_num(names) && out.empty(); ++i) {
      const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
      if (g->type == GEN_DNS || g->type == GEN_EMAIL || g->type == GEN_URI) {
        const ASN1_IA5STRING* s = g->d.ia5;
        out.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                   static_cast<size_t>(ASN1_STRING_length(s)));
      }
    }
    GENERAL_NAMES_free(names);
    return out;
  }
  return {};
}

}  // namespace redoubt::net
