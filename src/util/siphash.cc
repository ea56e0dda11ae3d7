#include "util/siphash.h"

#include <openssl/rand.h>

#include <cstring>

namespace redoubt::util {

namespace {

uint8_t g_seed[16];

inline uint64_t Rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

inline uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;  // little-endian hosts only (x86-64, aarch64), as the rest of the server assumes
}

#define SIPROUND       \
  do {                 \
    v0 += v1;          \
    v1 = Rotl(v1, 13); \
    v1 ^= v0;          \
    v0 = Rotl(v0, 32); \
    v2 += v3;          \
    v3 = Rotl(v3, 16); \
    v3 ^= v2;          \
    v0 += v3;          \
    v3 = Rotl(v3, 21); \
    v3 ^= v0;          \
    v2 += v1;          \
    v1 = Rotl(v1, 17); \
    v1 ^= v2;          \
    v2 = Rotl(v2, 32); \
  } while (0)

}  // namespace

uint64_t SipHash13(const void* data, size_t len, const uint8_t key[16]) {
  const uint8_t* in = static_cast<const uint8_t*>(data);
  uint64_t k0 = Load64(key);
  uint64_t k1 = Load64(key + 8);
  uint64_t v0 = 0x736f6d6570736575ULL ^ k0;
  uint64_t v1 = 0x646f72616e646f6dULL ^ k1;
  uint64_t v2 = 0x6c7967656e657261ULL ^ k0;
  uint64_t v3 = 0x7465646279746573ULL ^ k1;
  const uint8_t* end = in + len - (len % 8);
  for (; in != end; in += 8) {
    uint64_t m = Load64(in);
    v3 ^= m;
    SIPROUND;
    v0 ^= m;
  }
  uint64_t b = static_cast<uint64_t>(len) << 56;
  switch (len & 7) {
    case 7:
      b |= static_cast<uint64_t>(in[6]) << 48;
      [[fallthrough]];
    case 6:
      b |= static_cast<uint64_t>(in[5]) << 40;
      [[fallthrough]];
    case 5:
      b |= static_cast<uint64_t>(in[4]) << 32;
      [[fallthrough]];
    case 4:
      b |= static_cast<uint64_t>(in[3]) << 24;
      [[fallthrough]];
    case 3:
      b |= static_cast<uint64_t>(in[2]) << 16;
      [[fallthrough]];
    case 2:
      b |= static_cast<uint64_t>(in[1]) << 8;
      [[fallthrough]];
    case 1:
      b |= static_cast<uint64_t>(in[0]);
      break;
    case 0:
      break;
  }
  v3 ^= b;
  SIPROUND;
  v0 ^= b;
  v2 ^= 0xff;
  SIPROUND;
  SIPROUND;
  SIPROUND;
  return v0 ^ v1 ^ v2 ^ v3;
}

const uint8_t* HashSeed() { return g_seed; }

void InitHashSeed() {
  if (RAND_bytes(g_seed, sizeof(g_seed)) != 1) {
    // Without a random source the table still works; it only loses flooding resistance.
    for (size_t i = 0; i < sizeof(g_seed); ++i) g_seed[i] = static_cast<uint8_t>(i * 131 + 7);
  }
}

}  // namespace redoubt::util
