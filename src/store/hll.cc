#include "store/hll.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace redoubt::store::hll {

namespace {

// Sparse opcodes: ZERO 00xxxxxx (1..64 zero registers), XZERO 01xxxxxx yyyyyyyy (1..16384),
// VAL 1vvvvvxx (1..4 registers of value 1..32).
constexpr int kZeroMaxLen = 64;
constexpr int kXZeroMaxLen = 16384;
constexpr int kValMaxValue = 32;
constexpr int kValMaxLen = 4;

bool IsZero(const uint8_t* p) { return (*p & 0xc0) == 0; }
bool IsXZero(const uint8_t* p) { return (*p & 0xc0) == 0x40; }
bool IsVal(const uint8_t* p) { return (*p & 0x80) != 0; }
int ZeroLen(const uint8_t* p) { return (*p & 0x3f) + 1; }
int XZeroLen(const uint8_t* p) { return (((*p & 0x3f) << 8) | p[1]) + 1; }
int ValValue(const uint8_t* p) { return ((*p >> 2) & 0x1f) + 1; }
int ValLen(const uint8_t* p) { return (*p & 0x3) + 1; }
void SetVal(uint8_t* p, int value, int len) {
  *p = static_cast<uint8_t>(((value - 1) << 2 | (len - 1)) | 0x80);
}
void SetZero(uint8_t* p, int len) { *p = static_cast<uint8_t>(len - 1); }
void SetXZero(uint8_t* p, int len) {
  *p = static_cast<uint8_t>(((len - 1) >> 8) | 0x40);
  p[1] = static_cast<uint8_t>((len - 1) & 0xff);
}

uint8_t* Bytes(std::string* s) { return reinterpret_cast<uint8_t*>(s->data()); }
const uint8_t* Bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

// Writes a run of `len` zero registers (ZERO or XZERO) at n; returns the bytes written.
int PutZeros(uint8_t* n, int len) {
  if (len > kZeroMaxLen) {
    SetXZero(n, len);
    return 2;
  }
  SetZero(n, len);
  return 1;
}

double Sigma(double x) {
  if (x == 1.) return INFINITY;
  double z_prime;
  double y = 1;
  double z = x;
  do {
    x *= x;
    z_prime = z;
    z += x * y;
    y += y;
  } while (z_prime != z);
  return z;
}

double Tau(double x) {
  if (x == 0. || x == 1.) return 0.;
  double z_prime;
  double y = 1.0;
  double z = 1 - x;
  do {
    x = std::sqrt(x);
    z_prime = z;
    y *= 0.5;
    z -= std::pow(1 - x, 2) * y;
  } while (z_prime != z);
  return z / 3;
}

// Ertl's estimator over the register histogram, as Redis 7.0's hllCount.
uint64_t Estimate(const int* histo) {
  const double m = kRegisters;
  double z = m * Tau((m - histo[kQ + 1]) / m);
  for (int j = kQ; j >= 1; --j) {
    z += histo[j];
    z *= 0.5;
  }
  z += m * Sigma(histo[0] / m);
  constexpr double kAlphaInf = 0.721347520444481703680;
  return static_cast<uint64_t>(std::llroundl(kAlphaInf * m * m / z));
}

bool SparseSet(std::string* s, uint32_t index, uint8_t count, size_t sparse_max_bytes);

}  // namespace

uint64_t MurmurHash64A(const void* key, size_t len, uint64_t seed) {
  const uint64_t m = 0xc6a4a7935bd1e995ULL;
  const int r = 47;
  uint64_t h = seed ^ (len * m);
  const auto* data = static_cast<const uint8_t*>(key);
  const uint8_t* end = data + (len - (len & 7));
  for (; data != end; data += 8) {
    uint64_t k = 0;
    for (int i = 7; i >= 0; --i) k = (k << 8) | data[i];  // little-endian, as Redis reads it
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  switch (len & 7) {
    case 7:
      h ^= static_cast<uint64_t>(data[6]) << 48;
      [[fallthrough]];
    case 6:
      h ^= static_cast<uint64_t>(data[5]) << 40;
      [[fallthrough]];
    case 5:
      h ^= static_cast<uint64_t>(data[4]) << 32;
      [[fallthrough]];
    case 4:
      h ^= static_cast<uint64_t>(data[3]) << 24;
      [[fallthrough]];
    case 3:
      h ^= static_cast<uint64_t>(data[2]) << 16;
      [[fallthrough]];
    case 2:
      h ^= static_cast<uint64_t>(data[1]) << 8;
      [[fallthrough]];
    case 1:
      h ^= static_cast<uint64_t>(data[0]);
      h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

int PatLen(std::string_view element, uint32_t* index) {
  uint64_t hash = MurmurHash64A(element.data(), element.size(), 0xadc83b19ULL);
  *index = static_cast<uint32_t>(hash & (kRegisters - 1));
  hash >>= kP;
  hash |= uint64_t{1} << kQ;  // so that the count is at most Q+1
  int count = 1;
  for (uint64_t bit = 1; (hash & bit) == 0; bit <<= 1) ++count;
  return count;
}

uint8_t DenseGet(const uint8_t* regs, uint32_t i) {
  const uint32_t byte = i * 6 / 8;
  const unsigned fb = i * 6 & 7;
  unsigned v = regs[byte] >> fb;
  // The last register ends inside the last byte: never read past the buffer.
  if (fb > 2) v |= static_cast<unsigned>(regs[byte + 1]) << (8 - fb);
  return static_cast<uint8_t>(v & 63);
}

void DenseSet(uint8_t* regs, uint32_t i, uint8_t v) {
  const uint32_t byte = i * 6 / 8;
  const unsigned fb = i * 6 & 7;
  regs[byte] = static_cast<uint8_t>((regs[byte] & ~(63u << fb)) | (static_cast<unsigned>(v) << fb));
  if (fb > 2) {
    const unsigned fb8 = 8 - fb;
    regs[byte + 1] = static_cast<uint8_t>((regs[byte + 1] & ~(63u >> fb8)) | (v >> fb8));
  }
}

Check Validate(std::string_view s) {
  if (s.size() < kHeaderSize || s.substr(0, 4) != "HYLL") return Check::kNotHll;
  const uint8_t enc = static_cast<uint8_t>(s[4]);
  if (enc > kSparse) return Check::kNotHll;
  if (enc == kDense) return s.size() == kDenseSize ? Check::kValid : Check::kNotHll;
  const uint8_t* p = Bytes(s) + kHeaderSize;
  const uint8_t* end = Bytes(s) + s.size();
  uint64_t idx = 0;
  while (p < end) {
    if (IsZero(p)) {
      idx += ZeroLen(p++);
    } else if (IsXZero(p)) {
      if (p + 1 >= end) return Check::kCorrupt;
      idx += XZeroLen(p);
      p += 2;
    } else {
      idx += ValLen(p++);
    }
    if (idx > kRegisters) return Check::kCorrupt;
  }
  return idx == kRegisters ? Check::kValid : Check::kCorrupt;
}

std::string CreateEmpty() {
  std::string s(kHeaderSize + 2, '\0');
  std::memcpy(s.data(), "HYLL", 4);
  s[4] = static_cast<char>(kSparse);
  SetXZero(Bytes(&s) + kHeaderSize, kXZeroMaxLen);
  return s;
}

uint8_t Encoding(std::string_view s) { return static_cast<uint8_t>(s[4]); }

bool CachedCardinality(std::string_view s, uint64_t* card) {
  const uint8_t* c = Bytes(s) + 8;
  if (c[7] & 0x80) return false;
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | c[i];
  *card = v;
  return true;
}

void SetCachedCardinality(char* s, uint64_t card) {
  for (int i = 0; i < 8; ++i) s[8 + i] = static_cast<char>((card >> (8 * i)) & 0xff);
}

void InvalidateCache(char* s) { s[15] = static_cast<char>(static_cast<uint8_t>(s[15]) | 0x80); }

void ToDense(std::string* s) {
  if (Encoding(*s) == kDense) return;
  std::string dense(kDenseSize, '\0');
  std::memcpy(dense.data(), s->data(), kHeaderSize);  // magic and cached cardinality
  dense[4] = static_cast<char>(kDense);
  uint8_t* regs = Bytes(&dense) + kHeaderSize;
  const uint8_t* p = Bytes(*s) + kHeaderSize;
  const uint8_t* end = Bytes(*s) + s->size();
  uint32_t idx = 0;
  while (p < end && idx < kRegisters) {
    if (IsZero(p)) {
      idx += ZeroLen(p++);
    } else if (IsXZero(p)) {
      idx += XZeroLen(p);
      p += 2;
    } else {
      const int v = ValValue(p);
      for (int n = ValLen(p++); n > 0 && idx < kRegisters; --n) DenseSet(regs, idx++, v);
    }
  }
  *s = std::move(dense);
}

bool Add(std::string* s, std::string_view element, size_t sparse_max_bytes) {
  uint32_t index;
  const int count = PatLen(element, &index);
  return Set(s, index, static_cast<uint8_t>(count), sparse_max_bytes);
}

bool Set(std::string* s, uint32_t index, uint8_t count, size_t sparse_max_bytes) {
  if (Encoding(*s) == kSparse) {
    if (count <= kValMaxValue) return SparseSet(s, index, count, sparse_max_bytes);
    ToDense(s);
  }
  uint8_t* regs = Bytes(s) + kHeaderSize;
  if (DenseGet(regs, index) >= count) return false;
  DenseSet(regs, index, count);
  return true;
}

namespace {

// Merges adjacent VAL opcodes of the same value (up to 5 opcodes from `from`), as Redis does
// after each sparse update, so that the bytes stay Redis's.
void MergeAdjacentVals(std::string* s, size_t from) {
  size_t p = from;
  int scan = 5;
  while (p < s->size() && scan--) {
    uint8_t* b = Bytes(s);
    if (IsXZero(b + p)) {
      p += 2;
      continue;
    }
    if (IsZero(b + p)) {
      ++p;
      continue;
    }
    if (p + 1 < s->size() && IsVal(b + p + 1) && ValValue(b + p) == ValValue(b + p + 1)) {
      const int len = ValLen(b + p) + ValLen(b + p + 1);
      if (len <= kValMaxLen) {
        SetVal(b + p + 1, ValValue(b + p), len);
        s->erase(p, 1);
        continue;
      }
    }
    ++p;
  }
}

bool SparseSet(std::string* s, uint32_t index, uint8_t count, size_t sparse_max_bytes) {
  // Step 1: the opcode covering `index`, and the one before it.
  const size_t end = s->size();
  size_t p = kHeaderSize, prev = 0;
  bool has_prev = false;
  uint32_t first = 0, span = 0;
  while (p < end) {
    const uint8_t* b = Bytes(s) + p;
    size_t oplen = 1;
    span = IsZero(b) ? ZeroLen(b) : IsVal(b) ? ValLen(b) : (oplen = 2, XZeroLen(b));
    if (index <= first + span - 1) break;
    prev = p;
    has_prev = true;
    p += oplen;
    first += span;
  }
  uint8_t* b = Bytes(s) + p;
  const bool is_zero = IsZero(b), is_xzero = IsXZero(b), is_val = IsVal(b);
  const int runlen = is_zero ? ZeroLen(b) : is_xzero ? XZeroLen(b) : ValLen(b);
  // Step 2: the trivial cases, in place.
  if (is_val) {
    if (ValValue(b) >= count) return false;
    if (runlen == 1) {
      SetVal(b, count, 1);
      MergeAdjacentVals(s, has_prev ? prev : kHeaderSize);
      InvalidateCache(s->data());
      return true;
    }
  }
  if (is_zero && runlen == 1) {
    SetVal(b, count, 1);
    MergeAdjacentVals(s, has_prev ? prev : kHeaderSize);
    InvalidateCache(s->data());
    return true;
  }
  // General case: split the opcode into up to three (at most 5 bytes).
  uint8_t seq[5];
  int n = 0;
  const uint32_t last = first + span - 1;
  if (is_zero || is_xzero) {
    if (index != first) n += PutZeros(seq + n, static_cast<int>(index - first));
    SetVal(seq + n++, count, 1);
    if (index != last) n += PutZeros(seq + n, static_cast<int>(last - index));
  } else {
    const int cur = ValValue(b);
    if (index != first) SetVal(seq + n++, cur, static_cast<int>(index - first));
    SetVal(seq + n++, count, 1);
    if (index != last) SetVal(seq + n++, cur, static_cast<int>(last - index));
  }
  // Step 3: replace the old opcode, unless the value would outgrow hll-sparse-max-bytes.
  const int oldlen = is_xzero ? 2 : 1;
  if (n - oldlen > 0 && s->size() + (n - oldlen) > sparse_max_bytes) {
    ToDense(s);
    return Set(s, index, count, sparse_max_bytes);
  }
  s->replace(p, oldlen, reinterpret_cast<const char*>(seq), n);
  MergeAdjacentVals(s, has_prev ? prev : kHeaderSize);
  InvalidateCache(s->data());
  return true;
}

}  // namespace

void MergeInto(std::string_view s, uint8_t* max) {
  const uint8_t* regs = Bytes(s) + kHeaderSize;
  if (Encoding(s) == kDense) {
    for (uint32_t i = 0; i < kRegisters; ++i) max[i] = std::max(max[i], DenseGet(regs, i));
    return;
  }
  const uint8_t* p = regs;
  const uint8_t* end = Bytes(s) + s.size();
  uint32_t i = 0;
  while (p < end && i < kRegisters) {
    if (IsZero(p)) {
      i += ZeroLen(p++);
    } else if (IsXZero(p)) {
      i += XZeroLen(p);
      p += 2;
    } else {
      const uint8_t v = static_cast<uint8_t>(ValValue(p));
      for (int n = ValLen(p++); n > 0 && i < kRegisters; --n, ++i) max[i] = std::max(max[i], v);
    }
  }
}

uint64_t Count(std::string_view s) {
  int histo[64] = {};
  const uint8_t* regs = Bytes(s) + kHeaderSize;
  if (Encoding(s) == kDense) {
    for (uint32_t i = 0; i < kRegisters; ++i) ++histo[DenseGet(regs, i)];
    return Estimate(histo);
  }
  const uint8_t* end = Bytes(s) + s.size();
  for (const uint8_t* p = regs; p < end;) {
    if (IsZero(p)) {
      histo[0] += ZeroLen(p++);
    } else if (IsXZero(p)) {
      if (p + 1 >= end) break;
      histo[0] += XZeroLen(p);
      p += 2;
    } else {
      histo[ValValue(p)] += ValLen(p);
      ++p;
    }
  }
  return Estimate(histo);
}

uint64_t CountRaw(const uint8_t* regs) {
  int histo[64] = {};
  for (uint32_t i = 0; i < kRegisters; ++i) ++histo[regs[i] & 63];
  return Estimate(histo);
}

std::string DecodeSparse(std::string_view s) {
  std::string out;
  const uint8_t* p = Bytes(s) + kHeaderSize;
  const uint8_t* end = Bytes(s) + s.size();
  while (p < end) {
    if (IsZero(p)) {
      out += "z:" + std::to_string(ZeroLen(p++)) + " ";
    } else if (IsXZero(p)) {
      if (p + 1 >= end) break;
      out += "Z:" + std::to_string(XZeroLen(p)) + " ";
      p += 2;
    } else {
      out += "v:" + std::to_string(ValValue(p)) + "," + std::to_string(ValLen(p)) + " ";
      ++p;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace redoubt::store::hll
