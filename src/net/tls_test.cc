#include "net/tls.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace redoubt::net {
namespace {

// Certificates made in-process: a CA, a server and a client certificate (P-256 keys).
class TlsFiles {
 public:
  TlsFiles() {
    char tmpl[] = "/tmp/redoubt-tls-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
    ca_key_ = EVP_EC_gen("P-256");
    ca_ = MakeCert(ca_key_, "Test-CA", nullptr, ca_key_, 1000, true);
    Write("ca.crt", ca_);
    MakePair("server", "redis.internal", 12345);
    MakePair("client", "appuser", 12346);
    MakePair("other", "other", 12347);
  }
  ~TlsFiles() {
    X509_free(ca_);
    EVP_PKEY_free(ca_key_);
    std::string cmd = "rm -rf '" + dir_ + "'";
    [[maybe_unused]] int rc = std::system(cmd.c_str());
  }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  TlsOptions Options() const {
    TlsOptions o;
    o.cert_file = Path("server.crt");
    o.key_file = Path("server.key");
    o.ca_cert_file = Path("ca.crt");
    return o;
  }

 private:
  static X509* MakeCert(EVP_PKEY* key, const char* cn, X509* issuer, EVP_PKEY* signer, long serial,
                        bool ca) {
    X509* x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
    X509_gmtime_adj(X509_getm_notBefore(x), -60);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_set_pubkey(x, key);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                               -1, -1, 0);
    X509_set_issuer_name(x, issuer != nullptr ? X509_get_subject_name(issuer) : name);
    if (ca) {
      X509V3_CTX v3;
      X509V3_set_ctx(&v3, x, x, nullptr, nullptr, 0);
      X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, NID_basic_constraints, "CA:TRUE");
      X509_add_ext(x, ext, -1);
      X509_EXTENSION_free(ext);
    }
    X509_sign(x, signer, EVP_sha256());
    return x;
  }
  void Write(const std::string& name, X509* cert) {
    FILE* f = std::fopen(Path(name).c_str(), "w");
    PEM_write_X509(f, cert);
    std::fclose(f);
  }
  void MakePair(const std::string& name, const char* cn, long serial) {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = MakeCert(key, cn, ca_, ca_key_, serial, false);
    Write(name + ".crt", cert);
    FILE* f = std::fopen(Path(name + ".key").c_str(), "w");
    PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
    chmod(Path(name + ".key").c_str(), 0600);
    X509_free(cert);
    EVP_PKEY_free(key);
  }

  std::string dir_;
  EVP_PKEY* ca_key_ = nullptr;
  X509* ca_ = nullptr;
};

TlsFiles& Files() {
  signal(SIGPIPE, SIG_IGN);  // as the server: a write to a closed peer is an error, not death
  static TlsFiles files;     // removed at exit
  return files;
}

TEST(TlsProtocols, DefaultsAndRefusals) {
  int lo = 0;
  int hi = 0;
  ASSERT_TRUE(ParseTlsProtocols("", &lo, &hi).ok());
  EXPECT_EQ(lo, TLS1_2_VERSION);
  EXPECT_EQ(hi, TLS1_3_VERSION);
  ASSERT_TRUE(ParseTlsProtocols("TLSv1.3", &lo, &hi).ok());
  EXPECT_EQ(lo, TLS1_3_VERSION);
  EXPECT_EQ(hi, TLS1_3_VERSION);
  ASSERT_TRUE(ParseTlsProtocols("tlsv1.2", &lo, &hi).ok());
  EXPECT_EQ(hi, TLS1_2_VERSION);
  EXPECT_FALSE(ParseTlsProtocols("TLSv1.1 TLSv1.2", &lo, &hi).ok());
  EXPECT_FALSE(ParseTlsProtocols("TLSv1", &lo, &hi).ok());
  EXPECT_FALSE(ParseTlsProtocols("SSLv3", &lo, &hi).ok());
  EXPECT_FALSE(ParseTlsProtocols("   ", &lo, &hi).ok());
}

TEST(TlsContext, BuildsAndDescribesTheCertificate) {
  auto ctx = TlsContext::Create(Files().Options());
  ASSERT_TRUE(ctx.ok()) << ctx.status().message();
  EXPECT_EQ((*ctx)->server_cert().serial, "3039");  // 12345
  EXPECT_GT((*ctx)->server_cert().not_after, 0);
  EXPECT_EQ((*ctx)->ca_cert().serial, "03E8");  // 1000
  EXPECT_TRUE((*ctx)->warnings().empty());
}

TEST(TlsContext, MissingFileIsNamed) {
  TlsOptions o = Files().Options();
  o.cert_file = "/nonexistent/server.crt";
  auto ctx = TlsContext::Create(o);
  ASSERT_FALSE(ctx.ok());
  EXPECT_NE(ctx.status().message().find("tls-cert-file '/nonexistent/server.crt'"),
            std::string::npos)
      << ctx.status().message();
}

TEST(TlsContext, KeyMustMatchCertificate) {
  TlsOptions o = Files().Options();
  o.key_file = Files().Path("client.key");
  auto ctx = TlsContext::Create(o);
  ASSERT_FALSE(ctx.ok());
  EXPECT_NE(ctx.status().message().find("does not match"), std::string::npos)
      << ctx.status().message();
}

TEST(TlsContext, CaRequiredOnlyWhenClientsAreChecked) {
  TlsOptions o = Files().Options();
  o.ca_cert_file.clear();
  EXPECT_FALSE(TlsContext::Create(o).ok());
  o.auth_clients = 2;
  EXPECT_FALSE(TlsContext::Create(o).ok());
  o.auth_clients = 0;
  EXPECT_TRUE(TlsContext::Create(o).ok());
}

TEST(TlsContext, CorruptCertificateRefused) {
  std::string path = Files().Path("corrupt.crt");
  FILE* f = std::fopen(path.c_str(), "w");
  std::fputs("-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n", f);
  std::fclose(f);
  TlsOptions o = Files().Options();
  o.cert_file = path;
  EXPECT_FALSE(TlsContext::Create(o).ok());
}

TEST(TlsContext, WarnsAboutReadableKey) {
  std::string path = Files().Path("open.key");
  std::string cmd = "cp '" + Files().Path("server.key") + "' '" + path + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  chmod(path.c_str(), 0644);
  TlsOptions o = Files().Options();
  o.key_file = path;
  auto ctx = TlsContext::Create(o);
  ASSERT_TRUE(ctx.ok());
  ASSERT_EQ((*ctx)->warnings().size(), 1u);
  EXPECT_NE((*ctx)->warnings()[0].find("readable by group/others"), std::string::npos);
}

TEST(TlsContext, EncryptedKeyNeedsItsPassphrase) {
  FILE* in = std::fopen(Files().Path("server.key").c_str(), "r");
  EVP_PKEY* key = PEM_read_PrivateKey(in, nullptr, nullptr, nullptr);
  std::fclose(in);
  ASSERT_NE(key, nullptr);
  std::string path = Files().Path("enc.key");
  FILE* out = std::fopen(path.c_str(), "w");
  static unsigned char kPass[] = "s3cret";
  PEM_write_PrivateKey(out, key, EVP_aes_256_cbc(), kPass, 6, nullptr, nullptr);
  std::fclose(out);
  chmod(path.c_str(), 0600);
  EVP_PKEY_free(key);
  TlsOptions o = Files().Options();
  o.key_file = path;
  o.key_file_pass = "s3cret";
  auto ok = TlsContext::Create(o);
  EXPECT_TRUE(ok.ok()) << ok.status().message();
  o.key_file_pass = "wrong";
  auto bad = TlsContext::Create(o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("tls-key-file '" + path + "'"), std::string::npos);
}

TEST(TlsContext, BadCipherListRefused) {
  TlsOptions o = Files().Options();
  o.ciphers = "NO-SUCH-CIPHER";
  EXPECT_FALSE(TlsContext::Create(o).ok());
}

// A client SSL on one end of a socketpair, the server's TlsConnection on the other, both
// non-blocking; Pump() drives the client handshake and the server's reads in turn.
class TlsPair {
 public:
  explicit TlsPair(const char* client_cert, int auth_clients = 1) {
    TlsOptions o = Files().Options();
    o.auth_clients = auth_clients;
    auto ctx = TlsContext::Create(o);
    EXPECT_TRUE(ctx.ok());
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    server_ = std::make_unique<TlsConnection>(fds[0], *ctx);
    client_fd_ = fds[1];
    cctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(cctx_, Files().Path("ca.crt").c_str(), nullptr);
    if (client_cert != nullptr) {
      std::string name = client_cert;
      SSL_CTX_use_certificate_file(cctx_, Files().Path(name + ".crt").c_str(), SSL_FILETYPE_PEM);
      SSL_CTX_use_PrivateKey_file(cctx_, Files().Path(name + ".key").c_str(), SSL_FILETYPE_PEM);
    }
    client_ = SSL_new(cctx_);
    SSL_set_fd(client_, client_fd_);
    SSL_set_connect_state(client_);
  }
  ~TlsPair() {
    server_.reset();  // its close_notify goes to a peer still open
    SSL_free(client_);
    SSL_CTX_free(cctx_);
    close(client_fd_);
  }

  // Runs both sides until the server has read `want` bytes or nothing moves any more.
  std::string Pump(size_t want) {
    std::string got;
    for (int i = 0; i < 200 && got.size() < want; ++i) {
      if (!SSL_is_init_finished(client_)) SSL_do_handshake(client_);
      char buf[256];
      ssize_t n = server_->Read(buf, sizeof(buf));
      if (n > 0) got.append(buf, static_cast<size_t>(n));
      if (n == 0 || (n < 0 && errno != EAGAIN)) break;
      if (!pending_.empty() && SSL_is_init_finished(client_)) {
        int w = SSL_write(client_, pending_.data(), static_cast<int>(pending_.size()));
        if (w > 0) pending_.erase(0, static_cast<size_t>(w));
      }
    }
    return got;
  }
  void ClientSend(std::string s) { pending_ += std::move(s); }
  std::string ClientRead() {
    char buf[256];
    std::string out;
    for (int i = 0; i < 50; ++i) {
      int n = SSL_read(client_, buf, sizeof(buf));
      if (n > 0) return out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }

  std::unique_ptr<TlsConnection> server_;
  int client_fd_;
  SSL_CTX* cctx_;
  SSL* client_;
  std::string pending_;
};

TEST(TlsConnection, HandshakeThenBytesBothWays) {
  TlsPair p("client");
  p.ClientSend("*1\r\n$4\r\nPING\r\n");
  EXPECT_EQ(p.Pump(14), "*1\r\n$4\r\nPING\r\n");
  EXPECT_EQ(p.server_->state(), TlsConnection::State::kReady);
  EXPECT_TRUE(p.server_->IsTls());
  EXPECT_EQ(p.server_->PeerIdentity(1), "appuser");
  EXPECT_EQ(p.server_->PeerIdentity(2), "");  // no SAN
  ASSERT_EQ(p.server_->Write("+PONG\r\n", 7), 7);
  EXPECT_EQ(p.ClientRead(), "+PONG\r\n");
  EXPECT_FALSE(p.server_->HasPendingInput());
}

// Bytes decrypted but not yet handed out are announced by HasPendingInput (no fd event will).
TEST(TlsConnection, PartialReadLeavesPendingInput) {
  TlsPair p("client");
  p.ClientSend("x");
  EXPECT_EQ(p.Pump(1), "x");
  ASSERT_EQ(SSL_write(p.client_, "hello world", 11), 11);
  char buf[4];
  ssize_t n = -1;
  for (int i = 0; i < 50 && n < 0; ++i) n = p.server_->Read(buf, sizeof(buf));
  ASSERT_EQ(n, 4);
  EXPECT_TRUE(p.server_->HasPendingInput());
  char rest[16];
  EXPECT_EQ(p.server_->Read(rest, sizeof(rest)), 7);
  EXPECT_FALSE(p.server_->HasPendingInput());
}

TEST(TlsConnection, ClientWithoutCertificateRefusedWhenRequired) {
  TlsPair p(nullptr);
  p.ClientSend("*1\r\n$4\r\nPING\r\n");
  EXPECT_EQ(p.Pump(14), "");
  EXPECT_EQ(p.server_->state(), TlsConnection::State::kFailed);
  EXPECT_FALSE(p.server_->error().empty());
}

TEST(TlsConnection, OptionalClientCertificateHasNoIdentity) {
  TlsPair p(nullptr, 2);
  p.ClientSend("PING\r\n");
  EXPECT_EQ(p.Pump(6), "PING\r\n");
  EXPECT_FALSE(p.server_->HasPeerCertificate());
  EXPECT_EQ(p.server_->PeerIdentity(1), "");
}

TEST(TlsConnection, PlainTextClientDetectedOnFirstByte) {
  TlsPair p("client");
  ASSERT_EQ(write(p.client_fd_, "P", 1), 1);
  char buf[16];
  EXPECT_EQ(p.server_->Read(buf, sizeof(buf)), -1);
  EXPECT_EQ(errno, EPROTO);
  EXPECT_EQ(p.server_->state(), TlsConnection::State::kPlaintext);
}

TEST(TlsConnection, NothingSentYetIsEagain) {
  TlsPair p("client");
  char buf[16];
  EXPECT_EQ(p.server_->Read(buf, sizeof(buf)), -1);
  EXPECT_EQ(errno, EAGAIN);
  EXPECT_EQ(p.server_->state(), TlsConnection::State::kHandshake);
}

TEST(TlsConnection, ConnectionOutlivesAReplacedContext) {
  TlsPair p("client");
  p.ClientSend("hello");
  // The server's context is only held by the connection now (the TlsPair dropped its copy):
  // a reload swapping the server's shared_ptr cannot pull it away from under the connection.
  EXPECT_EQ(p.Pump(5), "hello");
  ASSERT_EQ(p.server_->Write("ok", 2), 2);
  EXPECT_EQ(p.ClientRead(), "ok");
}

}  // namespace
}  // namespace redoubt::net
