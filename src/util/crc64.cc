#include "util/crc64.h"

#include <cstring>

namespace redoubt::util {
namespace {

// Slicing-by-8 tables for the reflected polynomial, built once.
struct Tables {
  uint64_t t[8][256];
  Tables() {
    constexpr uint64_t kPoly = 0xad93d23594c935a9ULL;
    uint64_t rev = 0;
    for (int i = 0; i < 64; ++i) {
      if (kPoly & (1ULL << i)) rev |= 1ULL << (63 - i);
    }
    for (int i = 0; i < 256; ++i) {
      uint64_t crc = static_cast<uint64_t>(i);
      for (int k = 0; k < 8; ++k) crc = (crc & 1) ? (crc >> 1) ^ rev : crc >> 1;
      t[0][i] = crc;
    }
    for (int i = 0; i < 256; ++i) {
      for (int s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
    }
  }
};

const Tables& GetTables() {
  static const Tables tables;
  return tables;
}

}  // namespace

uint64_t Crc64(uint64_t crc, const void* data, size_t len) {
  const Tables& tb = GetTables();
  const auto* p = static_cast<const uint8_t*>(data);
  while (len >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);  // little endian
    w ^= crc;
    crc = tb.t[7][w & 0xff] ^ tb.t[6][(w >> 8) & 0xff] ^ tb.t[5][(w >> 16) & 0xff] ^
          tb.t[4][(w >> 24) & 0xff] ^ tb.t[3][(w >> 32) & 0xff] ^ tb.t[2][(w >> 40) & 0xff] ^
          tb.t[1][(w >> 48) & 0xff] ^ tb.t[0][w >> 56];
    p += 8;
    len -= 8;
  }
  while (len--) crc = tb.t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return crc;
}

}  // namespace redoubt::util
