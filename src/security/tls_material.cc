#include "security/tls_material.h"

#include <arpa/inet.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cctype>
#include <memory>
#include <string_view>

#include "util/crypto.h"

namespace redoubt::security {

namespace {

template <class T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

void FreeNames(GENERAL_NAMES* names) { GENERAL_NAMES_free(names); }
using NamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES, FreeNames>>;

// The OpenSSL error queue's first entry, for a message that says which step failed.
util::Status OpensslError(const std::string& what) {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  char buf[256] = "unknown error";
  if (e != 0) ERR_error_string_n(e, buf, sizeof(buf));
  return util::Status::Error("TLS material: " + what + " failed: " + buf);
}

bool IsIpAddress(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

KeyPtr NewKey() { return KeyPtr(EVP_EC_gen("P-256")); }

// A certificate with its version, random serial, validity, subject, issuer and public key set;
// extensions and the signature come after.
CertPtr NewCert(const std::string& cn, EVP_PKEY* key, X509* issuer, int days) {
  CertPtr x(X509_new());
  BnPtr serial(BN_new());
  if (!x || !serial || X509_set_version(x.get(), X509_VERSION_3) != 1) return nullptr;
  // 159 random bits: positive, unique in practice, within RFC 5280's 20 octets.
  if (BN_rand(serial.get(), 159, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(x.get())) == nullptr) {
    return nullptr;
  }
  // Back-dated five minutes, so a client whose clock lags a little accepts it at once.
  if (X509_gmtime_adj(X509_getm_notBefore(x.get()), -300) == nullptr ||
      X509_time_adj_ex(X509_getm_notAfter(x.get()), days, 0, nullptr) == nullptr) {
    return nullptr;
  }
  X509_NAME* name = X509_get_subject_name(x.get());
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                 0) != 1 ||
      X509_set_issuer_name(x.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name) !=
          1 ||
      X509_set_pubkey(x.get(), key) != 1) {
    return nullptr;
  }
  return x;
}

// Adds extensions written in openssl.cnf syntax; `issuer` is the signing certificate (the
// certificate itself for the CA), for the authority key identifier.
bool AddExtensions(X509* x, X509* issuer,
                   std::initializer_list<std::pair<int, const char*>> extensions) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, x, nullptr, nullptr, 0);
  for (const auto& [nid, value] : extensions) {
    ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    if (!ext || X509_add_ext(x, ext.get(), -1) != 1) return false;
  }
  return true;
}

bool AddName(GENERAL_NAMES* names, const std::string& value) {
  GENERAL_NAME* gn = GENERAL_NAME_new();
  if (gn == nullptr) return false;
  if (IsIpAddress(value)) {
    ASN1_OCTET_STRING* ip = a2i_IPADDRESS(value.c_str());
    if (ip == nullptr) {
      GENERAL_NAME_free(gn);
      return false;
    }
    GENERAL_NAME_set0_value(gn, GEN_IPADD, ip);
  } else {
    ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
    if (dns == nullptr || ASN1_STRING_set(dns, value.data(), static_cast<int>(value.size())) != 1) {
      ASN1_IA5STRING_free(dns);
      GENERAL_NAME_free(gn);
      return false;
    }
    GENERAL_NAME_set0_value(gn, GEN_DNS, dns);
  }
  if (sk_GENERAL_NAME_push(names, gn) == 0) {
    GENERAL_NAME_free(gn);
    return false;
  }
  return true;
}

bool AddServerNames(X509* x, const std::vector<std::string>& extra) {
  NamesPtr names(sk_GENERAL_NAME_new_null());
  if (!names) return false;
  std::vector<std::string> all = {"localhost", "127.0.0.1", "::1"};
  for (const std::string& n : extra) {
    bool seen = false;
    for (const std::string& a : all) seen = seen || a == n;
    if (!seen) all.push_back(n);
  }
  for (const std::string& n : all) {
    if (!AddName(names.get(), n)) return false;
  }
  return X509_add1_ext_i2d(x, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) == 1;
}

util::StatusOr<std::string> ToPem(X509* cert, EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) return OpensslError("BIO_new");
  int ok = cert != nullptr
               ? PEM_write_bio_X509(bio.get(), cert)
               : PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  if (ok != 1) return OpensslError("PEM encoding");
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

struct Leaf {
  KeyPtr key;
  CertPtr cert;
};

// A certificate signed by the CA: `server` selects serverAuth and the SANs, else clientAuth.
util::StatusOr<Leaf> MakeLeaf(const std::string& cn, bool server, X509* ca, EVP_PKEY* ca_key,
                              const TlsMaterialOptions& o) {
  Leaf leaf{NewKey(), nullptr};
  if (!leaf.key) return OpensslError("key generation");
  leaf.cert = NewCert(cn, leaf.key.get(), ca, o.leaf_days);
  if (!leaf.cert) return OpensslError("certificate fields");
  if (!AddExtensions(leaf.cert.get(), ca,
                     {{NID_basic_constraints, "critical,CA:FALSE"},
                      {NID_key_usage, "critical,digitalSignature"},
                      {NID_ext_key_usage, server ? "serverAuth" : "clientAuth"},
                      {NID_subject_key_identifier, "hash"},
                      {NID_authority_key_identifier, "keyid:always"}}) ||
      (server && !AddServerNames(leaf.cert.get(), o.extra_server_names))) {
    return OpensslError("certificate extensions");
  }
  if (X509_sign(leaf.cert.get(), ca_key, EVP_sha256()) == 0) return OpensslError("signing");
  return leaf;
}

}  // namespace

util::Status CheckServerName(const std::string& name) {
  if (IsIpAddress(name)) return util::Status::Ok();
  std::string_view rest = name;
  if (rest.substr(0, 2) == "*.") rest.remove_prefix(2);
  bool ok = !rest.empty() && name.size() <= 253;
  size_t label = 0;
  for (char c : rest) {
    if (c == '.') {
      ok = ok && label > 0;
      label = 0;
    } else {
      ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-') && ++label <= 63;
    }
  }
  if (ok && label > 0) return util::Status::Ok();
  return util::Status::Error("--tls-san '" + name +
                             "' is neither an IP address nor a DNS name (letters, digits, '-', "
                             "'.', an optional leading '*.')");
}

util::StatusOr<TlsMaterial> MakeTlsMaterial(const TlsMaterialOptions& o) {
  for (const std::string& n : o.extra_server_names) {
    if (util::Status st = CheckServerName(n); !st.ok()) return st;
  }
  KeyPtr ca_key = NewKey();
  if (!ca_key) return OpensslError("key generation");
  // A distinct name per CA, so several set-ups on one machine are told apart.
  CertPtr ca =
      NewCert("Redoubt private CA " + util::RandomHex(4), ca_key.get(), nullptr, o.ca_days);
  if (!ca) return OpensslError("certificate fields");
  if (!AddExtensions(ca.get(), ca.get(),
                     {{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                      {NID_key_usage, "critical,keyCertSign,cRLSign"},
                      {NID_subject_key_identifier, "hash"}})) {
    return OpensslError("CA extensions");
  }
  if (X509_sign(ca.get(), ca_key.get(), EVP_sha256()) == 0) return OpensslError("CA signing");
  auto server = MakeLeaf("Redoubt server", true, ca.get(), ca_key.get(), o);
  if (!server.ok()) return server.status();
  auto client = MakeLeaf(o.client_cn, false, ca.get(), ca_key.get(), o);
  if (!client.ok()) return client.status();

  TlsMaterial m;
  std::pair<std::string*, util::StatusOr<std::string>> parts[] = {
      {&m.ca_cert, ToPem(ca.get(), nullptr)},
      {&m.ca_key, ToPem(nullptr, ca_key.get())},
      {&m.server_cert, ToPem(server->cert.get(), nullptr)},
      {&m.server_key, ToPem(nullptr, server->key.get())},
      {&m.client_cert, ToPem(client->cert.get(), nullptr)},
      {&m.client_key, ToPem(nullptr, client->key.get())},
  };
  for (auto& [out, pem] : parts) {
    if (!pem.ok()) return pem.status();
    *out = std::move(*pem);
  }
  return m;
}

}  // namespace redoubt::security
