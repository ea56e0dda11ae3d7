// The --init --tls material, checked with OpenSSL itself: the chain verifies, the names and
// key usages are the ones promised, and each key belongs to its certificate.
#include "security/tls_material.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <vector>

namespace redoubt::security {
namespace {

struct CertFree {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Cert = std::unique_ptr<X509, CertFree>;
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;

Cert ParseCert(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  Cert c(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return c;
}

Key ParseKey(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  Key k(PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return k;
}

std::string CommonName(X509* x) {
  char buf[256] = "";
  X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, buf, sizeof(buf));
  return buf;
}

// X509_V_OK when `leaf` chains to `ca` for `purpose`.
int Verify(X509* ca, X509* leaf, int purpose) {
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, leaf, nullptr);
  X509_STORE_CTX_set_purpose(ctx, purpose);
  int rc = X509_verify_cert(ctx) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  return rc;
}

class TlsMaterialTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto made = MakeTlsMaterial({.extra_server_names = {"db.example", "10.1.2.3", "fd00::7"}});
    ASSERT_TRUE(made.ok()) << made.status().message();
    m_ = new TlsMaterial(std::move(*made));
  }
  static void TearDownTestSuite() { delete m_; }
  static TlsMaterial* m_;
};
TlsMaterial* TlsMaterialTest::m_ = nullptr;

TEST_F(TlsMaterialTest, ServerAndClientChainToTheCa) {
  Cert ca = ParseCert(m_->ca_cert), server = ParseCert(m_->server_cert),
       client = ParseCert(m_->client_cert);
  ASSERT_TRUE(ca && server && client);
  EXPECT_EQ(X509_check_ca(ca.get()), 1);
  EXPECT_EQ(Verify(ca.get(), server.get(), X509_PURPOSE_SSL_SERVER), X509_V_OK);
  EXPECT_EQ(Verify(ca.get(), client.get(), X509_PURPOSE_SSL_CLIENT), X509_V_OK);
}

TEST_F(TlsMaterialTest, NeitherLeafCanStandInForTheOther) {
  Cert ca = ParseCert(m_->ca_cert), server = ParseCert(m_->server_cert),
       client = ParseCert(m_->client_cert);
  EXPECT_NE(Verify(ca.get(), server.get(), X509_PURPOSE_SSL_CLIENT), X509_V_OK);
  EXPECT_NE(Verify(ca.get(), client.get(), X509_PURPOSE_SSL_SERVER), X509_V_OK);
  EXPECT_EQ(X509_check_ca(server.get()), 0);
  EXPECT_EQ(X509_check_ca(client.get()), 0);
}

TEST_F(TlsMaterialTest, ServerNamesAndClientCommonName) {
  Cert server = ParseCert(m_->server_cert), client = ParseCert(m_->client_cert);
  EXPECT_EQ(CommonName(client.get()), "admin");
  for (const char* host : {"localhost", "db.example"}) {
    EXPECT_EQ(X509_check_host(server.get(), host, 0, 0, nullptr), 1) << host;
  }
  for (const char* ip : {"127.0.0.1", "::1", "10.1.2.3", "fd00::7"}) {
    EXPECT_EQ(X509_check_ip_asc(server.get(), ip, 0), 1) << ip;
  }
  EXPECT_NE(X509_check_host(server.get(), "other.example", 0, 0, nullptr), 1);
  EXPECT_NE(X509_check_ip_asc(server.get(), "10.1.2.4", 0), 1);
}

TEST_F(TlsMaterialTest, EachKeyMatchesItsCertificate) {
  std::pair<const std::string*, const std::string*> pairs[] = {{&m_->ca_cert, &m_->ca_key},
                                                               {&m_->server_cert, &m_->server_key},
                                                               {&m_->client_cert, &m_->client_key}};
  for (auto [cert_pem, key_pem] : pairs) {
    Cert c = ParseCert(*cert_pem);
    Key k = ParseKey(*key_pem);
    ASSERT_TRUE(c && k);
    EXPECT_EQ(X509_check_private_key(c.get(), k.get()), 1);
  }
  Cert server = ParseCert(m_->server_cert);
  Key client_key = ParseKey(m_->client_key);
  EXPECT_NE(X509_check_private_key(server.get(), client_key.get()), 1);
}

TEST_F(TlsMaterialTest, FreshSerialsAndKeysEachTime) {
  auto again = MakeTlsMaterial({});
  ASSERT_TRUE(again.ok());
  Cert a = ParseCert(m_->ca_cert), b = ParseCert(again->ca_cert);
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(a.get()), X509_get0_serialNumber(b.get())), 0);
  EXPECT_NE(m_->ca_key, again->ca_key);
}

TEST(CheckServerNameTest, AcceptsAddressesAndDnsNamesOnly) {
  for (const char* ok : {"db.example", "a-b.c", "*.example.org", "10.0.0.1", "::1", "fe80::1"}) {
    EXPECT_TRUE(CheckServerName(ok).ok()) << ok;
  }
  for (const char* bad : {"", "a b", "a,IP:1.2.3.4", "a..b", ".a", "a.", "*", "x/y", "é.fr"}) {
    EXPECT_FALSE(CheckServerName(bad).ok()) << bad;
  }
  EXPECT_FALSE(CheckServerName(std::string(64, 'a') + ".example").ok());
  EXPECT_FALSE(MakeTlsMaterial({.extra_server_names = {"a b"}}).ok());
}

}  // namespace
}  // namespace redoubt::security
