#include "util/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace redoubt::util {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

[[noreturn]] void Fatal(const char* what) {
  std::fprintf(stderr, "fatal: OpenSSL %s failed\n", what);
  std::abort();
}

// Fetched once: with OpenSSL 3, passing EVP_sha256() to every digest call repeats the
// provider lookup (and its locking) on each AUTH.
const EVP_MD* Sha256Md() {
  static const EVP_MD* const md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (fetched == nullptr) Fatal("EVP_MD_fetch(SHA256)");
    return fetched;
  }();
  return md;
}

std::string ToHex(const uint8_t* data, size_t len) {
  std::string out(len * 2, '\0');
  for (size_t i = 0; i < len; ++i) {
    out[2 * i] = kHexDigits[data[i] >> 4];
    out[2 * i + 1] = kHexDigits[data[i] & 0x0f];
  }
  return out;
}

}  // namespace

std::array<uint8_t, kSha256Size> Sha256(std::string_view data) {
  std::array<uint8_t, kSha256Size> digest{};
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  unsigned int digest_len = 0;
  if (ctx == nullptr || EVP_DigestInit_ex(ctx.get(), Sha256Md(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest.data(), &digest_len) != 1 ||
      digest_len != digest.size()) {
    Fatal("SHA-256");
  }
  return digest;
}

std::array<uint8_t, kSha1Size> Sha1(std::string_view data) {
  static const EVP_MD* const md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA1", nullptr);
    if (fetched == nullptr) Fatal("EVP_MD_fetch(SHA1)");
    return fetched;
  }();
  std::array<uint8_t, kSha1Size> digest{};
  unsigned int digest_len = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &digest_len, md, nullptr) != 1 ||
      digest_len != digest.size()) {
    Fatal("SHA-1");
  }
  return digest;
}

std::string Sha256Hex(std::string_view data) {
  const auto digest = Sha256(data);
  return ToHex(digest.data(), digest.size());
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  const bool same_size = a.size() == b.size();
  // On a size mismatch still scan a.size() bytes (against a itself), so the time taken does
  // not depend on where the contents would have differed.
  const char* other = same_size ? b.data() : a.data();
  const int diff = a.empty() ? 0 : CRYPTO_memcmp(a.data(), other, a.size());
  return same_size && diff == 0;
}

std::string RandomHex(size_t bytes) {
  std::string out;
  out.reserve(bytes * 2);
  unsigned char chunk[256];
  while (bytes > 0) {
    const size_t n = std::min(bytes, sizeof(chunk));
    if (RAND_bytes(chunk, static_cast<int>(n)) != 1) Fatal("RAND_bytes");
    out += ToHex(chunk, n);
    bytes -= n;
  }
  OPENSSL_cleanse(chunk, sizeof(chunk));
  return out;
}

}  // namespace redoubt::util
