// Number <-> text conversions with Redis 7.0's exact acceptance rules and output formats
// (string2ll, string2ld, string2d, ld2string, %.17g replies, memtoull, bytesToHuman).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace redoubt::util {

// Buffer sizes that always suffice for the Format* functions below (text plus a NUL).
// kMaxLongDoubleChars is Redis's MAX_LONG_DOUBLE_CHARS: "%.17Lf" of LDBL_MAX is ~4950 chars.
inline constexpr size_t kMaxInt64Chars = 21;
inline constexpr size_t kMaxDoubleChars = 32;
inline constexpr size_t kMaxLongDoubleChars = 5 * 1024;

// Redis string2ll: optional '-', then "0" or a digit 1-9 followed by digits, at most 20 chars.
// Rejects "", "-", "-0", "+1", " 1", "1 ", "01" and anything outside int64.
bool ParseInt64(std::string_view s, int64_t* out);

// Same grammar as ParseInt64 without the sign, over the full uint64 range. Note: stricter than
// Redis's string2ull, which falls back to strtoull and so also takes "+1", " 1" and "01".
bool ParseUint64(std::string_view s, uint64_t* out);

// Redis string2ld (INCRBYFLOAT, HINCRBYFLOAT): strtold over the whole input, shorter than
// kMaxLongDoubleChars. Accepts "+1", "1e5", "0x10", "inf"; rejects "", leading whitespace,
// trailing bytes (including NUL), NaN, and overflow or underflow to zero.
bool ParseLongDouble(std::string_view s, long double* out);

// Redis string2d (scores and other double arguments): strtod over the whole input. Accepts
// "inf", "+inf", "-inf", "infinity", "0x10"; rejects "", leading whitespace, trailing bytes,
// NaN, and overflow or underflow to zero. Needs the "C" LC_NUMERIC locale (the default).
bool ParseDouble(std::string_view s, double* out);

// Redis ld2string(LD_STR_HUMAN), the INCRBYFLOAT reply: "%.17Lf" with trailing zeros and a
// trailing '.' removed, "-0" turned into "0", infinities as "inf"/"-inf". Writes a NUL after
// the text and returns its length, or returns 0 (buf[0] = '\0') when `len` is too small.
size_t FormatLongDouble(long double v, char* buf, size_t len);

// Redis's double reply text (addReplyDouble, RESP2 bulk and RESP3 ','): "%.17g", with
// infinities as "inf"/"-inf" (0.1 -> "0.10000000000000001", -0.0 -> "-0"). Writes a NUL after
// the text and returns its length, or returns 0 (buf[0] = '\0') when `len` is too small.
size_t FormatDouble(double v, char* buf, size_t len);

// Decimal text of v followed by a NUL; buf must hold kMaxInt64Chars. Returns the length.
size_t FormatInt64(int64_t v, char* buf);

// Redis memtoull (memory-valued config directives): digits followed by an optional unit,
// case-insensitive: b=1, k=1000, kb=1024, m=1000^2, mb=1024^2, g=1000^3, gb=1024^3.
// Rejects a sign, spaces, fractions and unknown units. Like Redis, "" and a bare unit ("kb")
// parse as 0 and leading zeros are allowed; unlike Redis, results above INT64_MAX are rejected
// instead of saturating or wrapping.
bool ParseMemory(std::string_view s, int64_t* out);

// Redis bytesToHuman (INFO's *_human fields): "512B", "1.00K", "1.50M", ... up to "P", in
// powers of 1024 with two decimals; values of 1024^6 and above fall back to "<n>B".
std::string FormatBytesHuman(uint64_t n);

}  // namespace redoubt::util
