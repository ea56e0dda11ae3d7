#include "store/listpack.h"

#include <charconv>
#include <cstdlib>
#include <new>

#include "util/numbers.h"

namespace redoubt::store::listpack {

namespace {

// Encoding bytes, as Redis's LP_ENCODING_*.
constexpr uint8_t k7BitUint = 0x00;  // 0xxxxxxx
constexpr uint8_t k6BitStr = 0x80;   // 10xxxxxx
constexpr uint8_t k13BitInt = 0xC0;  // 110xxxxx
constexpr uint8_t k12BitStr = 0xE0;  // 1110xxxx
constexpr uint8_t k32BitStr = 0xF0;
constexpr uint8_t k16BitInt = 0xF1;
constexpr uint8_t k24BitInt = 0xF2;
constexpr uint8_t k32BitInt = 0xF3;
constexpr uint8_t k64BitInt = 0xF4;

// Redis lpStringToInt64 accepts what string2ll does, below 21 characters.
bool AsInt(std::string_view v, int64_t* out) {
  return !v.empty() && v.size() < 21 && util::ParseInt64(v, out);
}

uint8_t* Allocate(size_t n) {
  auto* p = static_cast<uint8_t*>(std::malloc(n));
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

uint8_t* Resize(uint8_t* lp, size_t n) {
  auto* p = static_cast<uint8_t*>(std::realloc(lp, n));
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

void SetHeader(uint8_t* lp, uint32_t bytes, uint32_t count) {
  std::memcpy(lp, &bytes, 4);
  lp[4] = static_cast<uint8_t>(count & 0xFF);
  lp[5] = static_cast<uint8_t>(count >> 8);
}

size_t BacklenSize(uint64_t l) {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

// Writes the backlen of an entry whose encoding+data is l bytes (Redis lpEncodeBacklen).
size_t EncodeBacklen(uint8_t* buf, uint64_t l) {
  size_t n = BacklenSize(l);
  // Most significant 7-bit group first; every byte but the first has its high bit set.
  for (size_t i = 0; i < n; ++i) {
    uint8_t b = static_cast<uint8_t>((l >> (7 * (n - 1 - i))) & 127);
    buf[i] = i == 0 ? b : static_cast<uint8_t>(b | 128);
  }
  return n;
}

// Reads the backlen ending at p (its last byte), Redis lpDecodeBacklen.
uint64_t DecodeBacklen(const uint8_t* p) {
  uint64_t val = 0;
  uint64_t shift = 0;
  for (;;) {
    val |= static_cast<uint64_t>(p[0] & 127) << shift;
    if (!(p[0] & 128)) break;
    shift += 7;
    --p;
  }
  return val;
}

// Size of the encoding+data part of the entry at p.
size_t EncodedLen(const uint8_t* p) {
  uint8_t b = p[0];
  if ((b & 0x80) == k7BitUint) return 1;
  if ((b & 0xC0) == k6BitStr) return 1 + (b & 0x3F);
  if ((b & 0xE0) == k13BitInt) return 2;
  if ((b & 0xF0) == k12BitStr) return 2 + (((b & 0x0F) << 8) | p[1]);
  switch (b) {
    case k16BitInt:
      return 3;
    case k24BitInt:
      return 4;
    case k32BitInt:
      return 5;
    case k64BitInt:
      return 9;
    case k32BitStr: {
      uint32_t len;
      std::memcpy(&len, p + 1, 4);
      return 5 + size_t{len};
    }
    default:
      return 1;  // EOF; never asked for
  }
}

// Writes the encoding+data of v into buf (which has EncodedSize bytes); returns its size.
size_t EncodeValue(uint8_t* buf, std::string_view v) {
  int64_t iv;
  if (AsInt(v, &iv)) {
    if (iv >= 0 && iv <= 127) {
      buf[0] = static_cast<uint8_t>(iv);
      return 1;
    }
    if (iv >= -4096 && iv <= 4095) {
      uint64_t u = iv < 0 ? (uint64_t{1} << 13) + iv : static_cast<uint64_t>(iv);
      buf[0] = static_cast<uint8_t>((u >> 8) | k13BitInt);
      buf[1] = static_cast<uint8_t>(u & 0xFF);
      return 2;
    }
    int width;
    uint8_t tag;
    if (iv >= -32768 && iv <= 32767) {
      width = 2, tag = k16BitInt;
    } else if (iv >= -8388608 && iv <= 8388607) {
      width = 3, tag = k24BitInt;
    } else if (iv >= INT32_MIN && iv <= INT32_MAX) {
      width = 4, tag = k32BitInt;
    } else {
      width = 8, tag = k64BitInt;
    }
    auto u = static_cast<uint64_t>(iv);  // two's complement: the low bytes are the encoding
    buf[0] = tag;
    for (int i = 0; i < width; ++i) buf[1 + i] = static_cast<uint8_t>(u >> (8 * i));
    return 1 + width;
  }
  size_t n = v.size();
  size_t h;
  if (n < 64) {
    buf[0] = static_cast<uint8_t>(k6BitStr | n);
    h = 1;
  } else if (n < 4096) {
    buf[0] = static_cast<uint8_t>(k12BitStr | (n >> 8));
    buf[1] = static_cast<uint8_t>(n & 0xFF);
    h = 2;
  } else {
    auto len = static_cast<uint32_t>(n);
    buf[0] = k32BitStr;
    std::memcpy(buf + 1, &len, 4);
    h = 5;
  }
  if (n > 0) std::memcpy(buf + h, v.data(), n);
  return h + n;
}

size_t EncodedSize(std::string_view v) {
  int64_t iv;
  if (AsInt(v, &iv)) {
    if (iv >= 0 && iv <= 127) return 1;
    if (iv >= -4096 && iv <= 4095) return 2;
    if (iv >= -32768 && iv <= 32767) return 3;
    if (iv >= -8388608 && iv <= 8388607) return 4;
    if (iv >= INT32_MIN && iv <= INT32_MAX) return 5;
    return 9;
  }
  if (v.size() < 64) return 1 + v.size();
  if (v.size() < 4096) return 2 + v.size();
  return 5 + v.size();
}

// Writes the whole entry for v (encoding, data, backlen) at buf; returns its size.
size_t WriteEntry(uint8_t* buf, std::string_view v) {
  size_t n = EncodeValue(buf, v);
  return n + EncodeBacklen(buf + n, n);
}

// Decodes an integer entry; false for a string entry.
bool GetInt(const uint8_t* p, int64_t* out) {
  uint8_t b = p[0];
  if ((b & 0x80) == k7BitUint) {
    *out = b & 0x7F;
    return true;
  }
  if ((b & 0xE0) == k13BitInt) {
    uint64_t u = (uint64_t{b & 0x1Fu} << 8) | p[1];
    *out = u >= (1u << 12) ? static_cast<int64_t>(u) - (1 << 13) : static_cast<int64_t>(u);
    return true;
  }
  int width;
  switch (b) {
    case k16BitInt:
      width = 2;
      break;
    case k24BitInt:
      width = 3;
      break;
    case k32BitInt:
      width = 4;
      break;
    case k64BitInt:
      width = 8;
      break;
    default:
      return false;
  }
  uint64_t u = 0;
  for (int i = 0; i < width; ++i) u |= uint64_t{p[1 + i]} << (8 * i);
  if (width < 8 && (u >> (8 * width - 1))) u |= ~uint64_t{0} << (8 * width);  // sign-extend
  *out = static_cast<int64_t>(u);
  return true;
}

}  // namespace

uint8_t* New() {
  uint8_t* lp = Allocate(kHeaderSize + 1);
  SetHeader(lp, kHeaderSize + 1, 0);
  lp[kHeaderSize] = kEof;
  return lp;
}

uint8_t* NewFromRange(const uint8_t* from, const uint8_t* to, uint32_t count) {
  size_t n = static_cast<size_t>(to - from);
  uint8_t* lp = Allocate(kHeaderSize + n + 1);
  SetHeader(lp, static_cast<uint32_t>(kHeaderSize + n + 1), count);
  if (n > 0) std::memcpy(lp + kHeaderSize, from, n);
  lp[kHeaderSize + n] = kEof;
  return lp;
}

uint8_t* Copy(const uint8_t* lp) {
  uint8_t* c = Allocate(Bytes(lp));
  std::memcpy(c, lp, Bytes(lp));
  return c;
}

size_t EntrySize(std::string_view v) {
  size_t n = EncodedSize(v);
  return n + BacklenSize(n);
}

size_t EntryLen(const uint8_t* p) {
  size_t n = EncodedLen(p);
  return n + BacklenSize(n);
}

const uint8_t* Last(const uint8_t* lp) {
  const uint8_t* eof = lp + Bytes(lp) - 1;
  return Prev(lp, eof);
}

const uint8_t* Next(const uint8_t* lp, const uint8_t* p) {
  (void)lp;
  p += EntryLen(p);
  return *p == kEof ? nullptr : p;
}

const uint8_t* Prev(const uint8_t* lp, const uint8_t* p) {
  if (p == lp + kHeaderSize) return nullptr;
  uint64_t prev_len = DecodeBacklen(p - 1);
  return p - prev_len - BacklenSize(prev_len);
}

const uint8_t* Seek(const uint8_t* lp, uint32_t i) {
  uint32_t n = Count(lp);
  if (i < n / 2) {
    const uint8_t* p = First(lp);
    while (i-- > 0) p = Next(lp, p);
    return p;
  }
  const uint8_t* p = Last(lp);
  for (uint32_t k = n - 1; k > i; --k) p = Prev(lp, p);
  return p;
}

std::string_view Get(const uint8_t* p, char (&scratch)[kScratchSize]) {
  int64_t v;
  if (GetInt(p, &v)) {
    auto res = std::to_chars(scratch, scratch + kScratchSize, v);
    return {scratch, static_cast<size_t>(res.ptr - scratch)};
  }
  uint8_t b = p[0];
  if ((b & 0xC0) == k6BitStr) return {reinterpret_cast<const char*>(p + 1), size_t{b & 0x3Fu}};
  if ((b & 0xF0) == k12BitStr) {
    return {reinterpret_cast<const char*>(p + 2), (size_t{b & 0x0Fu} << 8) | p[1]};
  }
  uint32_t len;
  std::memcpy(&len, p + 1, 4);
  return {reinterpret_cast<const char*>(p + 5), len};
}

bool Equals(const uint8_t* p, std::string_view v) {
  int64_t have;
  if (GetInt(p, &have)) {
    int64_t want;
    return AsInt(v, &want) && want == have;
  }
  char scratch[kScratchSize];
  return Get(p, scratch) == v;
}

uint8_t* Insert(uint8_t* lp, size_t at, std::string_view v) {
  size_t bytes = Bytes(lp);
  size_t esz = EntrySize(v);
  lp = Resize(lp, bytes + esz);
  std::memmove(lp + at + esz, lp + at, bytes - at);
  WriteEntry(lp + at, v);
  SetHeader(lp, static_cast<uint32_t>(bytes + esz), Count(lp) + 1);
  return lp;
}

uint8_t* DeleteRange(uint8_t* lp, size_t at, size_t nbytes, uint32_t count) {
  size_t bytes = Bytes(lp);
  std::memmove(lp + at, lp + at + nbytes, bytes - at - nbytes);
  SetHeader(lp, static_cast<uint32_t>(bytes - nbytes), Count(lp) - count);
  return Resize(lp, bytes - nbytes);
}

uint8_t* Delete(uint8_t* lp, size_t at) { return DeleteRange(lp, at, EntryLen(lp + at), 1); }

uint8_t* Replace(uint8_t* lp, size_t at, std::string_view v) {
  size_t bytes = Bytes(lp);
  size_t old_len = EntryLen(lp + at);
  size_t esz = EntrySize(v);
  if (esz > old_len) lp = Resize(lp, bytes - old_len + esz);
  if (esz != old_len) std::memmove(lp + at + esz, lp + at + old_len, bytes - at - old_len);
  WriteEntry(lp + at, v);
  SetHeader(lp, static_cast<uint32_t>(bytes - old_len + esz), Count(lp));
  if (esz < old_len) lp = Resize(lp, bytes - old_len + esz);
  return lp;
}

uint8_t* Truncate(uint8_t* lp, size_t eof_at, uint32_t count) {
  lp[eof_at] = kEof;
  SetHeader(lp, static_cast<uint32_t>(eof_at + 1), count);
  return Resize(lp, eof_at + 1);
}

}  // namespace redoubt::store::listpack
