// Bitmap commands: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO. Bitmaps are
// plain strings, bit 0 being the most significant bit of byte 0. Every client-supplied offset is
// checked against the 512 MB cap before any arithmetic or allocation touches it.
#include <algorithm>
#include <climits>
#include <cstring>
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "runtime/command_table.h"
#include "runtime/notify.h"
#include "runtime/server_state.h"
#include "util/numbers.h"
#include "util/string_util.h"

namespace redoubt::commands {

namespace {

using store::Db;
using store::Entry;
using store::RawString;
using store::ValueType;

constexpr int kNotifyString = config::notify::kString;
constexpr int kNotifyGeneric = config::notify::kGeneric;

// Error texts of Redis 7.0's bitops.c, byte for byte.
constexpr std::string_view kBitValueError = "ERR bit is not an integer or out of range";
constexpr std::string_view kBitArgError = "ERR The bit argument must be 1 or 0.";
constexpr std::string_view kBitfieldTypeError =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 "
    "is.";
constexpr std::string_view kOverflowTypeError = "ERR Invalid OVERFLOW type specified";
constexpr std::string_view kBitfieldRoError = "ERR BITFIELD_RO only supports the GET subcommand";
constexpr std::string_view kBitopNotError =
    "ERR BITOP NOT must be called with a single source key.";

// Bit offsets are below 2^32 whatever proto-max-bulk-len says: bitmaps stop at 512 MB.
constexpr uint64_t kMaxBitOffset = uint64_t{1} << 32;

// ---------------------------------------------------------------------------------------------
// Bit kernels over raw bytes; they know nothing of keys or replies.

// Loads 8 bytes as a big-endian word, so bit 0 of the bitmap is the word's top bit.
inline uint64_t LoadBigEndian(const uint8_t* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return __builtin_bswap64(w);
}

// Set bits in n bytes, a 64-bit word at a time (POPCNT where the CPU has it).
__attribute__((target_clones("popcnt", "default"))) uint64_t Popcount(const uint8_t* p, size_t n) {
  uint64_t c0 = 0, c1 = 0, c2 = 0, c3 = 0;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    uint64_t w[4];
    std::memcpy(w, p + i, 32);
    c0 += __builtin_popcountll(w[0]);
    c1 += __builtin_popcountll(w[1]);
    c2 += __builtin_popcountll(w[2]);
    c3 += __builtin_popcountll(w[3]);
  }
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    c0 += __builtin_popcountll(w);
  }
  for (; i < n; ++i) c0 += __builtin_popcount(p[i]);
  return c0 + c1 + c2 + c3;
}

// Set bits among bits [first, last] (inclusive) of p.
uint64_t CountBits(const uint8_t* p, uint64_t first, uint64_t last) {
  uint64_t first_byte = first >> 3, last_byte = last >> 3;
  uint64_t count = Popcount(p + first_byte, last_byte - first_byte + 1);
  // Take away the bits of the edge bytes that lie outside the range.
  uint8_t head = static_cast<uint8_t>(0xFF00 >> (first & 7));     // bits before `first`
  uint8_t tail = static_cast<uint8_t>(0xFF >> ((last & 7) + 1));  // bits after `last`
  count -= __builtin_popcount(p[first_byte] & head);
  count -= __builtin_popcount(p[last_byte] & tail);
  return count;
}

// The first bit equal to `bit` among bits [first, last] (inclusive) of p, or -1.
int64_t FindBit(const uint8_t* p, uint64_t first, uint64_t last, bool bit) {
  const uint8_t flip = bit ? 0 : 0xFF;  // search for set bits in p ^ flip
  uint64_t pos = first;
  while (pos <= last && (pos & 7) != 0) {
    if (((p[pos >> 3] >> (7 - (pos & 7))) & 1) == bit) return static_cast<int64_t>(pos);
    ++pos;
  }
  const uint64_t word_flip = bit ? 0 : ~uint64_t{0};
  while (pos <= last && last - pos + 1 >= 64) {
    uint64_t w = LoadBigEndian(p + (pos >> 3)) ^ word_flip;
    if (w != 0) return static_cast<int64_t>(pos + __builtin_clzll(w));
    pos += 64;
  }
  while (pos <= last && last - pos + 1 >= 8) {
    uint8_t b = p[pos >> 3] ^ flip;
    if (b != 0) return static_cast<int64_t>(pos + __builtin_clz(b) - 24);
    pos += 8;
  }
  for (; pos <= last; ++pos) {
    if (((p[pos >> 3] >> (7 - (pos & 7))) & 1) == bit) return static_cast<int64_t>(pos);
  }
  return -1;
}

// The `bits`-wide (1..64) unsigned field at bit `offset`; the bytes it spans must exist.
uint64_t GetField(const uint8_t* p, uint64_t offset, int bits) {
  const uint8_t* b = p + (offset >> 3);
  int shift = static_cast<int>(offset & 7);
  int nbytes = (shift + bits + 7) / 8;  // at most 9
  unsigned __int128 acc = 0;
  for (int i = 0; i < nbytes; ++i) acc = (acc << 8) | b[i];
  acc >>= nbytes * 8 - shift - bits;
  uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  return static_cast<uint64_t>(acc) & mask;
}

// Writes the low `bits` bits of v as the field at bit `offset`; the bytes must exist.
void SetField(uint8_t* p, uint64_t offset, int bits, uint64_t v) {
  uint8_t* b = p + (offset >> 3);
  int shift = static_cast<int>(offset & 7);
  int nbytes = (shift + bits + 7) / 8;
  int low = nbytes * 8 - shift - bits;  // bits after the field in its last byte
  unsigned __int128 acc = 0;
  for (int i = 0; i < nbytes; ++i) acc = (acc << 8) | b[i];
  unsigned __int128 mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  acc = (acc & ~(mask << low)) | ((static_cast<unsigned __int128>(v) & mask) << low);
  for (int i = nbytes - 1; i >= 0; --i) {
    b[i] = static_cast<uint8_t>(acc);
    acc >>= 8;
  }
}

enum class Overflow : uint8_t { kWrap, kSat, kFail };

// value + incr for a `bits`-wide field with Redis's overflow rules. Returns false when the result
// does not fit (*out then holds the wrapped or saturated value; FAIL callers ignore it).
bool AddSigned(int64_t value, int64_t incr, int bits, Overflow ow, int64_t* out) {
  const __int128 max = (static_cast<__int128>(1) << (bits - 1)) - 1;
  const __int128 min = -max - 1;
  const __int128 sum = static_cast<__int128>(value) + incr;
  if (sum >= min && sum <= max) {
    *out = static_cast<int64_t>(sum);
    return true;
  }
  if (ow == Overflow::kSat) {
    *out = static_cast<int64_t>(sum > max ? max : min);
  } else {
    // Keep the low `bits` bits and sign-extend them.
    uint64_t c = static_cast<uint64_t>(value) + static_cast<uint64_t>(incr);
    if (bits < 64) {
      uint64_t high = ~uint64_t{0} << bits;
      c = (c & (uint64_t{1} << (bits - 1))) ? (c | high) : (c & ~high);
    }
    *out = static_cast<int64_t>(c);
  }
  return false;
}

bool AddUnsigned(uint64_t value, int64_t incr, int bits, Overflow ow, uint64_t* out) {
  const uint64_t max = (uint64_t{1} << bits) - 1;  // bits <= 63
  const __int128 sum = static_cast<__int128>(value) + incr;
  if (sum >= 0 && sum <= static_cast<__int128>(max)) {
    *out = static_cast<uint64_t>(sum);
    return true;
  }
  if (ow == Overflow::kSat) {
    *out = sum > 0 ? max : 0;
  } else {
    *out = (value + static_cast<uint64_t>(incr)) & max;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Argument parsing.

// Looks up a string key; replies WRONGTYPE and returns false when the key holds another type.
bool LookupString(CommandContext& cx, std::string_view key, bool read, Entry** out) {
  return cx.LookupTyped(key, ValueType::kString, read, out);
}

// A bit offset: "<n>", or "#<n>" meaning n * field_bits when field_bits > 0 (BITFIELD). Must be
// below 2^32 and address a byte below proto-max-bulk-len.
bool ParseBitOffset(CommandContext& cx, std::string_view arg, int field_bits, uint64_t* out) {
  bool positional = field_bits > 0 && !arg.empty() && arg[0] == '#';
  int64_t v;
  if (!util::ParseInt64(positional ? arg.substr(1) : arg, &v) ||
      (positional && __builtin_mul_overflow(v, int64_t{field_bits}, &v)) || v < 0 ||
      static_cast<uint64_t>(v) >= kMaxBitOffset || (v >> 3) >= cx.server.cfg->proto_max_bulk_len) {
    cx.reply.Error(errors::kBitOffset);
    return false;
  }
  *out = static_cast<uint64_t>(v);
  return true;
}

// A BITCOUNT/BITPOS range, resolved against a string of `len` bytes to bits [first, last].
struct BitRange {
  bool empty = true;
  uint64_t first = 0, last = 0;
};

// Redis's index rules: negatives count from the end, then both are clamped into the string.
// `start`/`end` are in bits when `in_bits`, else in bytes.
BitRange ResolveRange(int64_t start, int64_t end, uint64_t len, bool in_bits) {
  const int64_t total = static_cast<int64_t>(in_bits ? len * 8 : len);
  if (start < 0) start += total;
  if (end < 0) end += total;
  start = std::max<int64_t>(start, 0);
  end = std::max<int64_t>(end, 0);
  end = std::min(end, total - 1);
  BitRange r;
  if (start > end) return r;
  r.empty = false;
  r.first = in_bits ? static_cast<uint64_t>(start) : static_cast<uint64_t>(start) * 8;
  r.last = in_bits ? static_cast<uint64_t>(end) : static_cast<uint64_t>(end) * 8 + 7;
  return r;
}

// BYTE|BIT; replies a syntax error for anything else.
bool ParseUnit(CommandContext& cx, std::string_view arg, bool* in_bits) {
  if (util::EqualsIgnoreCase(arg, "bit")) {
    *in_bits = true;
  } else if (util::EqualsIgnoreCase(arg, "byte")) {
    *in_bits = false;
  } else {
    cx.reply.Error(errors::kSyntax);
    return false;
  }
  return true;
}

bool ParseIndex(CommandContext& cx, std::string_view arg, int64_t* out) {
  if (!util::ParseInt64(arg, out)) {
    cx.reply.Error(errors::kNotInteger);
    return false;
  }
  return true;
}

// The key's value for in-place bit edits, created or zero-extended so that bit `max_bit`
// exists. `e` is the key's entry (nullptr when absent; a string otherwise).
RawString* StringForBits(CommandContext& cx, Entry* e, uint64_t max_bit) {
  const size_t need = static_cast<size_t>(max_bit >> 3) + 1;
  if (e == nullptr) e = cx.db().SetString(cx.args[1], "", Db::kNoExpire, /*try_int=*/false);
  RawString* r = cx.db().MutableString(&e, need);
  if (r->len < need) {
    std::memset(r->data + r->len, 0, need - r->len);
    r->len = need;
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// SETBIT / GETBIT / BITCOUNT / BITPOS

void SetBit(CommandContext& cx) {
  uint64_t offset;
  if (!ParseBitOffset(cx, cx.args[2], 0, &offset)) return;
  int64_t on;
  if (!util::ParseInt64(cx.args[3], &on) || (on & ~int64_t{1}) != 0) {
    return cx.reply.Error(kBitValueError);
  }
  Entry* e;
  if (!LookupString(cx, cx.args[1], false, &e)) return;
  const int shift = 7 - static_cast<int>(offset & 7);
  // As Redis, writing the bit it already has changes nothing (no dirty, event or WATCH touch).
  if (e != nullptr) {
    char scratch[24];
    std::string_view s = e->string_value(scratch);
    if ((offset >> 3) < s.size()) {
      const int cur = (static_cast<uint8_t>(s[offset >> 3]) >> shift) & 1;
      if (cur == on) return cx.reply.Integer(cur);
    }
  }
  const uint64_t dirty_before = cx.server.persistence.dirty;
  RawString* r = StringForBits(cx, e, offset);
  auto* byte = reinterpret_cast<uint8_t*>(r->data) + (offset >> 3);
  const int old = (*byte >> shift) & 1;
  *byte = static_cast<uint8_t>((*byte & ~(1 << shift)) | (on << shift));
  cx.server.persistence.dirty =
      dirty_before + 1;  // one change, even when the key was created for it
  Notify(cx, kNotifyString, "setbit", cx.args[1]);
  cx.reply.Integer(old);
}

void GetBit(CommandContext& cx) {
  uint64_t offset;
  if (!ParseBitOffset(cx, cx.args[2], 0, &offset)) return;
  Entry* e;
  if (!LookupString(cx, cx.args[1], true, &e)) return;
  if (e == nullptr) return cx.reply.Integer(0);
  char scratch[24];
  std::string_view s = e->string_value(scratch);
  if ((offset >> 3) >= s.size()) return cx.reply.Integer(0);
  cx.reply.Integer((static_cast<uint8_t>(s[offset >> 3]) >> (7 - (offset & 7))) & 1);
}

// BITCOUNT key [start end [BYTE|BIT]]. As Redis 7.0, a missing key answers 0 before the range
// arguments are looked at.
void BitCount(CommandContext& cx) {
  Entry* e;
  if (!LookupString(cx, cx.args[1], true, &e)) return;
  if (e == nullptr) return cx.reply.Integer(0);
  char scratch[24];
  std::string_view s = e->string_value(scratch);
  BitRange range;
  if (cx.argc() == 4 || cx.argc() == 5) {
    int64_t start, end;
    bool in_bits = false;
    if (!ParseIndex(cx, cx.args[2], &start) || !ParseIndex(cx, cx.args[3], &end)) return;
    if (cx.argc() == 5 && !ParseUnit(cx, cx.args[4], &in_bits)) return;
    if (start < 0 && end < 0 && start > end) return cx.reply.Integer(0);
    range = ResolveRange(start, end, s.size(), in_bits);
  } else if (cx.argc() == 2) {
    range = ResolveRange(0, -1, s.size(), false);
  } else {
    return cx.reply.Error(errors::kSyntax);
  }
  if (range.empty) return cx.reply.Integer(0);
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  cx.reply.Integer(static_cast<int64_t>(CountBits(p, range.first, range.last)));
}

// BITPOS key bit [start [end [BYTE|BIT]]]. A missing key is an endless run of zeros.
void BitPos(CommandContext& cx) {
  int64_t bit;
  if (!ParseIndex(cx, cx.args[2], &bit)) return;
  if (bit != 0 && bit != 1) return cx.reply.Error(kBitArgError);
  Entry* e;
  if (!LookupString(cx, cx.args[1], true, &e)) return;
  if (e == nullptr) return cx.reply.Integer(bit ? -1 : 0);
  char scratch[24];
  std::string_view s = e->string_value(scratch);
  if (cx.argc() > 6) return cx.reply.Error(errors::kSyntax);
  int64_t start = 0, end = -1;
  bool in_bits = false, end_given = cx.argc() >= 5;
  if (cx.argc() >= 4 && !ParseIndex(cx, cx.args[3], &start)) return;
  if (cx.argc() == 6 && !ParseUnit(cx, cx.args[5], &in_bits)) return;
  if (end_given && !ParseIndex(cx, cx.args[4], &end)) return;
  BitRange range = ResolveRange(start, end, s.size(), in_bits);
  if (range.empty) return cx.reply.Integer(-1);
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  int64_t pos = FindBit(p, range.first, range.last, bit == 1);
  // Looking for a clear bit past an open-ended range finds the zero padding after the string.
  if (pos < 0 && bit == 0 && !end_given) pos = static_cast<int64_t>(range.last + 1);
  cx.reply.Integer(pos);
}

// ---------------------------------------------------------------------------------------------
// BITOP

enum class BitOpKind { kAnd, kOr, kXor, kNot };

// out[0, len) = the operation over srcs, each source zero-padded to len.
void Combine(BitOpKind op, const std::vector<std::string_view>& srcs, uint8_t* out, size_t len) {
  auto src = [&](size_t j) { return reinterpret_cast<const uint8_t*>(srcs[j].data()); };
  if (op == BitOpKind::kNot) {
    for (size_t i = 0; i < len; ++i) out[i] = static_cast<uint8_t>(~src(0)[i]);
    return;
  }
  if (!srcs[0].empty()) std::memcpy(out, srcs[0].data(), srcs[0].size());
  std::memset(out + srcs[0].size(), 0, len - srcs[0].size());
  for (size_t j = 1; j < srcs.size(); ++j) {
    const uint8_t* s = src(j);
    const size_t n = srcs[j].size();
    switch (op) {
      case BitOpKind::kAnd:
        for (size_t i = 0; i < n; ++i) out[i] &= s[i];
        std::memset(out + n, 0, len - n);
        break;
      case BitOpKind::kOr:
        for (size_t i = 0; i < n; ++i) out[i] |= s[i];
        break;
      default:
        for (size_t i = 0; i < n; ++i) out[i] ^= s[i];
        break;
    }
  }
}

void BitOp(CommandContext& cx) {
  std::string_view name = cx.args[1];
  BitOpKind op;
  if (util::EqualsIgnoreCase(name, "and")) {
    op = BitOpKind::kAnd;
  } else if (util::EqualsIgnoreCase(name, "or")) {
    op = BitOpKind::kOr;
  } else if (util::EqualsIgnoreCase(name, "xor")) {
    op = BitOpKind::kXor;
  } else if (util::EqualsIgnoreCase(name, "not")) {
    op = BitOpKind::kNot;
  } else {
    return cx.reply.Error(errors::kSyntax);
  }
  if (op == BitOpKind::kNot && cx.argc() != 4) return cx.reply.Error(kBitopNotError);

  const std::string_view target = cx.args[2];
  const size_t nsrc = cx.argc() - 3;
  std::vector<std::string_view> srcs(nsrc);
  struct Scratch {
    char buf[24];
  };
  std::vector<Scratch> scratch(nsrc);  // digits of int-encoded sources
  size_t maxlen = 0;
  bool target_is_source = false;
  for (size_t j = 0; j < nsrc; ++j) {
    std::string_view key = cx.args[j + 3];
    target_is_source |= key == target;
    Entry* e;
    if (!LookupString(cx, key, true, &e)) return;
    if (e != nullptr) {
      srcs[j] = e->string_value(scratch[j].buf);
      maxlen = std::max(maxlen, srcs[j].size());
    }
  }

  if (maxlen == 0) {
    if (cx.db().Delete(target)) Notify(cx, kNotifyGeneric, "del", target);
    return cx.reply.Integer(0);
  }
  if (target_is_source) {
    // The result would overwrite a source while it is read: build it aside.
    std::string tmp(maxlen, '\0');
    Combine(op, srcs, reinterpret_cast<uint8_t*>(tmp.data()), maxlen);
    Entry* t = cx.db().SetString(target, tmp, Db::kNoExpire, /*try_int=*/false);
    cx.db().MutableString(&t, maxlen);  // as Redis, the result is a raw string
  } else {
    // Built in place: a 512 MB result costs 512 MB, not twice that.
    Entry* t = cx.db().SetString(target, "", Db::kNoExpire, /*try_int=*/false);
    RawString* r = cx.db().MutableString(&t, maxlen);
    Combine(op, srcs, reinterpret_cast<uint8_t*>(r->data), maxlen);
    r->len = maxlen;
  }
  Notify(cx, kNotifyString, "set", target);
  cx.reply.Integer(static_cast<int64_t>(maxlen));
}

// ---------------------------------------------------------------------------------------------
// BITFIELD / BITFIELD_RO

enum class FieldOp : uint8_t { kGet, kSet, kIncrBy };

struct BitfieldOp {
  FieldOp op;
  Overflow overflow;
  bool is_signed;
  int bits;
  uint64_t offset;
  int64_t value;  // SET value or INCRBY increment
};

// i1..i64 or u1..u63.
bool ParseFieldType(CommandContext& cx, std::string_view arg, bool* is_signed, int* bits) {
  int64_t n;
  if (arg.empty() || (arg[0] != 'i' && arg[0] != 'u') || !util::ParseInt64(arg.substr(1), &n) ||
      n < 1 || n > (arg[0] == 'i' ? 64 : 63)) {
    cx.reply.Error(kBitfieldTypeError);
    return false;
  }
  *is_signed = arg[0] == 'i';
  *bits = static_cast<int>(n);
  return true;
}

// Parses every operation before the key is touched, as Redis: a bad argument anywhere fails
// the whole command with no effect. *max_write_bit is the last bit a SET/INCRBY reaches.
bool ParseBitfield(CommandContext& cx, std::vector<BitfieldOp>* ops, bool* writes,
                   uint64_t* max_write_bit) {
  Overflow overflow = Overflow::kWrap;
  for (size_t j = 2; j < cx.argc(); ++j) {
    std::string_view sub = cx.args[j];
    size_t rest = cx.argc() - j - 1;
    BitfieldOp o{};
    if (util::EqualsIgnoreCase(sub, "get") && rest >= 2) {
      o.op = FieldOp::kGet;
    } else if (util::EqualsIgnoreCase(sub, "set") && rest >= 3) {
      o.op = FieldOp::kSet;
    } else if (util::EqualsIgnoreCase(sub, "incrby") && rest >= 3) {
      o.op = FieldOp::kIncrBy;
    } else if (util::EqualsIgnoreCase(sub, "overflow") && rest >= 1) {
      std::string_view kind = cx.args[++j];
      if (util::EqualsIgnoreCase(kind, "wrap")) {
        overflow = Overflow::kWrap;
      } else if (util::EqualsIgnoreCase(kind, "sat")) {
        overflow = Overflow::kSat;
      } else if (util::EqualsIgnoreCase(kind, "fail")) {
        overflow = Overflow::kFail;
      } else {
        cx.reply.Error(kOverflowTypeError);
        return false;
      }
      continue;
    } else {
      cx.reply.Error(errors::kSyntax);
      return false;
    }
    o.overflow = overflow;
    if (!ParseFieldType(cx, cx.args[j + 1], &o.is_signed, &o.bits)) return false;
    if (!ParseBitOffset(cx, cx.args[j + 2], o.bits, &o.offset)) return false;
    if (o.op != FieldOp::kGet) {
      *writes = true;
      // offset < 2^32 and bits <= 64: no overflow.
      *max_write_bit = std::max(*max_write_bit, o.offset + static_cast<uint64_t>(o.bits) - 1);
      if (!ParseIndex(cx, cx.args[j + 3], &o.value)) return false;
    }
    ops->push_back(o);
    j += o.op == FieldOp::kGet ? 2 : 3;
  }
  return true;
}

enum class WriteResult { kFailed, kSame, kChanged };

// Runs one SET or INCRBY on the (already grown) string p and replies its result.
WriteResult ApplyWrite(CommandContext& cx, const BitfieldOp& o, uint8_t* p) {
  const int64_t incr = o.op == FieldOp::kIncrBy ? o.value : 0;
  bool fits;
  int64_t reply;
  uint64_t stored;
  if (o.is_signed) {
    uint64_t raw = GetField(p, o.offset, o.bits);
    // Sign-extend the field.
    int64_t old = o.bits == 64 ? static_cast<int64_t>(raw)
                               : static_cast<int64_t>(raw << (64 - o.bits)) >> (64 - o.bits);
    int64_t next;
    fits = AddSigned(o.op == FieldOp::kIncrBy ? old : o.value, incr, o.bits, o.overflow, &next);
    reply = o.op == FieldOp::kIncrBy ? next : old;
    stored = static_cast<uint64_t>(next);
  } else {
    uint64_t old = GetField(p, o.offset, o.bits);
    uint64_t next;
    uint64_t base = o.op == FieldOp::kIncrBy ? old : static_cast<uint64_t>(o.value);
    fits = AddUnsigned(base, incr, o.bits, o.overflow, &next);
    reply = static_cast<int64_t>(o.op == FieldOp::kIncrBy ? next : old);
    stored = next;
  }
  if (!fits && o.overflow == Overflow::kFail) {
    cx.reply.Null();
    return WriteResult::kFailed;
  }
  const uint64_t before = GetField(p, o.offset, o.bits);
  SetField(p, o.offset, o.bits, stored);
  cx.reply.Integer(reply);
  return GetField(p, o.offset, o.bits) != before ? WriteResult::kChanged : WriteResult::kSame;
}

// GET reads through a zero-padded copy of the (at most 9) bytes the field spans, so that a
// field past the end of the string reads as zeros.
void ReplyGet(CommandContext& cx, const BitfieldOp& o, std::string_view s) {
  uint8_t buf[9] = {};
  const uint64_t byte = o.offset >> 3;
  for (uint64_t i = 0; i < 9 && byte + i < s.size(); ++i)
    buf[i] = static_cast<uint8_t>(s[byte + i]);
  uint64_t raw = GetField(buf, o.offset & 7, o.bits);
  if (o.is_signed && o.bits < 64) {
    cx.reply.Integer(static_cast<int64_t>(raw << (64 - o.bits)) >> (64 - o.bits));
  } else {
    cx.reply.Integer(static_cast<int64_t>(raw));
  }
}

void BitfieldGeneric(CommandContext& cx, bool read_only_command) {
  std::vector<BitfieldOp> ops;
  bool writes = false;
  uint64_t max_write_bit = 0;
  if (!ParseBitfield(cx, &ops, &writes, &max_write_bit)) return;
  if (writes && read_only_command) return cx.reply.Error(kBitfieldRoError);
  Entry* e;
  if (!LookupString(cx, cx.args[1], !writes, &e)) return;

  std::string_view s;
  char scratch[24];
  uint8_t* p = nullptr;
  const uint64_t dirty_before = cx.server.persistence.dirty;
  // As Redis, every write counts as a change when the string was created or grown for it;
  // otherwise only the writes that changed bits do (and none means no event either).
  bool grown = false;
  if (writes) {
    grown = e == nullptr || e->string_value(scratch).size() <= (max_write_bit >> 3);
    RawString* r = StringForBits(cx, e, max_write_bit);
    p = reinterpret_cast<uint8_t*>(r->data);
    s = r->view();
  } else if (e != nullptr) {
    s = e->string_value(scratch);
  }
  cx.reply.Array(static_cast<int64_t>(ops.size()));
  uint64_t changes = 0;
  for (const BitfieldOp& o : ops) {
    if (o.op == FieldOp::kGet) {
      ReplyGet(cx, o, s);
    } else {
      WriteResult w = ApplyWrite(cx, o, p);
      if (w == WriteResult::kChanged || (w == WriteResult::kSame && grown)) ++changes;
    }
  }
  if (!writes) return;
  cx.server.persistence.dirty = dirty_before + changes;
  if (changes > 0) Notify(cx, kNotifyString, "setbit", cx.args[1]);
}

void Bitfield(CommandContext& cx) { BitfieldGeneric(cx, false); }
void BitfieldRo(CommandContext& cx) { BitfieldGeneric(cx, true); }

KeySpec Key1(uint32_t flags) { return {.flags = flags, .index = 1}; }

// Redis's bitfieldGetKeys: read-only when every subcommand is a GET (or OVERFLOW); anything
// else, a syntax error included, counts as a write.
void BitfieldGetKeys(std::span<const std::string_view> args, std::vector<KeyRef>* out) {
  bool read_only = true;
  for (size_t i = 2; i < args.size() && read_only; ++i) {
    size_t rest = args.size() - i - 1;
    if (util::EqualsIgnoreCase(args[i], "get") && rest >= 2) {
      i += 2;
    } else if (util::EqualsIgnoreCase(args[i], "overflow") && rest >= 1) {
      i += 1;
    } else {
      read_only = false;
    }
  }
  out->push_back({1, read_only ? keyflag::kRO | keyflag::kAccess
                               : keyflag::kRW | keyflag::kAccess | keyflag::kUpdate});
}

}  // namespace

void RegisterBitmapFamily(CommandTable& t) {
  const char* g = "bitmap";
  const uint64_t b = cat::kBitmap;
  const uint32_t ro_access = keyflag::kRO | keyflag::kAccess;
  const uint32_t rw_access_update = keyflag::kRW | keyflag::kAccess | keyflag::kUpdate;
  t.Register({
      {.name = "setbit",
       .arity = 4,
       .flags = flag::kWrite | flag::kDenyOom,
       .categories = b,
       .keys = {Key1(rw_access_update)},
       .handler = SetBit,
       .group = g,
       .summary = "Sets or clears the bit at offset in the string value stored at key",
       .since = "2.2.0"},
      {.name = "getbit",
       .arity = 3,
       .flags = flag::kReadonly | flag::kFast,
       .categories = b,
       .keys = {Key1(ro_access)},
       .handler = GetBit,
       .group = g,
       .summary = "Returns the bit value at offset in the string value stored at key",
       .since = "2.2.0"},
      {.name = "bitcount",
       .arity = -2,
       .flags = flag::kReadonly,
       .categories = b,
       .keys = {Key1(ro_access)},
       .handler = BitCount,
       .group = g,
       .summary = "Count set bits in a string",
       .since = "2.6.0"},
      {.name = "bitpos",
       .arity = -3,
       .flags = flag::kReadonly,
       .categories = b,
       .keys = {Key1(ro_access)},
       .handler = BitPos,
       .group = g,
       .summary = "Find first bit set or clear in a string",
       .since = "2.8.7"},
      {.name = "bitop",
       .arity = -4,
       .flags = flag::kWrite | flag::kDenyOom,
       .categories = b,
       .keys = {{.flags = keyflag::kOW | keyflag::kUpdate, .index = 2},
                {.flags = ro_access, .index = 3, .last_key = -1}},
       .handler = BitOp,
       .group = g,
       .summary = "Perform bitwise operations between strings",
       .since = "2.6.0"},
      {.name = "bitfield",
       .arity = -2,
       .flags = flag::kWrite | flag::kDenyOom,
       .categories = b,
       .keys = {Key1(rw_access_update | keyflag::kVariableFlags)},
       .handler = Bitfield,
       .group = g,
       .summary = "Perform arbitrary bitfield integer operations on strings",
       .since = "3.2.0",
       .getkeys = BitfieldGetKeys},
      {.name = "bitfield_ro",
       .arity = -2,
       .flags = flag::kReadonly | flag::kFast,
       .categories = b,
       .keys = {Key1(ro_access)},
       .handler = BitfieldRo,
       .group = g,
       .summary = "Perform arbitrary bitfield integer operations on strings. Read-only variant of "
                  "BITFIELD",
       .since = "6.0.0"},
  });
}

}  // namespace redoubt::commands
