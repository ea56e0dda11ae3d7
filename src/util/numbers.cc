#include "util/numbers.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "util/string_util.h"

namespace redoubt::util {
namespace {

constexpr uint64_t kInt64MaxAsUnsigned = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The C-locale isspace set; strtod would skip these silently, and Redis refuses them.
bool IsCSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// Digits of a string2ll-style number: "0" alone, or 1-9 followed by digits, no overflow.
bool ParseCanonicalDigits(std::string_view s, uint64_t* out) {
  if (s.size() == 1 && s[0] == '0') {
    *out = 0;
    return true;
  }
  if (s.empty() || s[0] < '1' || s[0] > '9') return false;
  uint64_t v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - digit) / 10) return false;
    v = v * 10 + digit;
  }
  *out = v;
  return true;
}

// strtod/strtold need a NUL-terminated copy; errno is saved so that callers' errno survives.
class ErrnoGuard {
 public:
  ErrnoGuard() : saved_(errno) { errno = 0; }
  ~ErrnoGuard() { errno = saved_; }
  ErrnoGuard(const ErrnoGuard&) = delete;
  ErrnoGuard& operator=(const ErrnoGuard&) = delete;

 private:
  int saved_;
};

// Redis's shared rejection rule for strtod-family results: whole input consumed (which also
// rejects embedded NULs), no overflow to infinity, no underflow to zero, no NaN.
template <class T>
bool AcceptFloat(T value, const char* begin, const char* end, size_t expected_len, int err) {
  if (static_cast<size_t>(end - begin) != expected_len) return false;
  if (err == ERANGE && (std::isinf(value) || value == 0)) return false;
  if (err == EINVAL) return false;
  return !std::isnan(value);
}

}  // namespace

bool ParseInt64(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() >= kMaxInt64Chars) return false;
  const bool negative = s[0] == '-';
  if (negative) s.remove_prefix(1);
  uint64_t v = 0;
  if (!ParseCanonicalDigits(s, &v)) return false;
  if (negative) {
    // "-0" is not canonical; Redis relies on it so that integer-encoded strings round-trip.
    if (v == 0 || v > kInt64MaxAsUnsigned + 1) return false;
    *out = static_cast<int64_t>(uint64_t{0} - v);  // Modular, so INT64_MIN is exact.
  } else {
    if (v > kInt64MaxAsUnsigned) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

bool ParseUint64(std::string_view s, uint64_t* out) {
  if (s.size() >= kMaxInt64Chars) return false;
  return ParseCanonicalDigits(s, out);
}

bool ParseLongDouble(std::string_view s, long double* out) {
  if (s.empty() || s.size() >= kMaxLongDoubleChars) return false;
  if (IsCSpace(s[0])) return false;
  char buf[kMaxLongDoubleChars];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  ErrnoGuard guard;
  char* end = nullptr;
  const long double value = std::strtold(buf, &end);
  if (!AcceptFloat(value, buf, end, s.size(), errno)) return false;
  *out = value;
  return true;
}

bool ParseDouble(std::string_view s, double* out) {
  if (s.empty() || IsCSpace(s[0])) return false;
  // Scores are short; only unusually long inputs pay for a heap copy.
  char small[128];
  std::string large;
  char* buf = small;
  if (s.size() >= sizeof(small)) {
    large.assign(s);
    buf = large.data();
  } else {
    std::memcpy(small, s.data(), s.size());
    small[s.size()] = '\0';
  }
  ErrnoGuard guard;
  char* end = nullptr;
  const double value = std::strtod(buf, &end);
  if (!AcceptFloat(value, buf, end, s.size(), errno)) return false;
  *out = value;
  return true;
}

size_t FormatLongDouble(long double v, char* buf, size_t len) {
  if (len == 0) return 0;
  buf[0] = '\0';
  if (std::isinf(v)) {
    // Spelled out because libc spellings of infinity vary; Redis does the same.
    const std::string_view text = v > 0 ? "inf" : "-inf";
    if (len < text.size() + 1) return 0;
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    return text.size();
  }
  // 17 digits make most short decimals (10.6, 0.1) print back as typed after rounding.
  const int n = std::snprintf(buf, len, "%.17Lf", v);
  if (n < 0 || static_cast<size_t>(n) + 1 > len) {
    buf[0] = '\0';
    return 0;
  }
  size_t l = static_cast<size_t>(n);
  if (std::memchr(buf, '.', l) != nullptr) {
    while (buf[l - 1] == '0') --l;
    if (buf[l - 1] == '.') --l;
  }
  if (l == 2 && buf[0] == '-' && buf[1] == '0') {
    buf[0] = '0';
    l = 1;
  }
  buf[l] = '\0';
  return l;
}

size_t FormatDouble(double v, char* buf, size_t len) {
  if (len == 0) return 0;
  buf[0] = '\0';
  if (std::isinf(v)) {
    const std::string_view text = v > 0 ? "inf" : "-inf";
    if (len < text.size() + 1) return 0;
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    return text.size();
  }
  // to_chars with a precision is specified to equal printf("%.*g"), without the locale.
  const auto [ptr, ec] = std::to_chars(buf, buf + len - 1, v, std::chars_format::general, 17);
  if (ec != std::errc()) {
    buf[0] = '\0';
    return 0;
  }
  *ptr = '\0';
  return static_cast<size_t>(ptr - buf);
}

size_t FormatInt64(int64_t v, char* buf) {
  const auto [ptr, ec] = std::to_chars(buf, buf + kMaxInt64Chars - 1, v);
  (void)ec;  // Cannot fail: 20 chars hold every int64.
  *ptr = '\0';
  return static_cast<size_t>(ptr - buf);
}

bool ParseMemory(std::string_view s, int64_t* out) {
  size_t digits = 0;
  while (digits < s.size() && IsDigit(s[digits])) ++digits;
  const std::string_view unit = s.substr(digits);
  uint64_t mul = 0;
  if (unit.empty() || EqualsIgnoreCase(unit, "b")) {
    mul = 1;
  } else if (EqualsIgnoreCase(unit, "k")) {
    mul = 1000;
  } else if (EqualsIgnoreCase(unit, "kb")) {
    mul = 1024;
  } else if (EqualsIgnoreCase(unit, "m")) {
    mul = 1000 * 1000;
  } else if (EqualsIgnoreCase(unit, "mb")) {
    mul = 1024 * 1024;
  } else if (EqualsIgnoreCase(unit, "g")) {
    mul = 1000ULL * 1000 * 1000;
  } else if (EqualsIgnoreCase(unit, "gb")) {
    mul = 1024ULL * 1024 * 1024;
  } else {
    return false;
  }
  // Redis copies the digits into a 128-byte buffer and refuses anything longer.
  if (digits >= 128) return false;
  uint64_t value = 0;
  for (size_t i = 0; i < digits; ++i) {
    const uint64_t digit = static_cast<uint64_t>(s[i] - '0');
    if (value > (kInt64MaxAsUnsigned - digit) / 10) return false;
    value = value * 10 + digit;
  }
  if (value > kInt64MaxAsUnsigned / mul) return false;
  *out = static_cast<int64_t>(value * mul);
  return true;
}

std::string FormatBytesHuman(uint64_t n) {
  static constexpr char kSuffixes[] = "KMGTP";
  char buf[64];
  if (n < 1024) {
    std::snprintf(buf, sizeof(buf), "%lluB", static_cast<unsigned long long>(n));
    return buf;
  }
  // Redis divides in double precision, so rounding at the second decimal matches it.
  uint64_t unit = 1024;
  for (size_t i = 0; i < sizeof(kSuffixes) - 1; ++i, unit *= 1024) {
    if (n < unit * 1024) {
      std::snprintf(buf, sizeof(buf), "%.2f%c", static_cast<double>(n) / static_cast<double>(unit),
                    kSuffixes[i]);
      return buf;
    }
  }
  std::snprintf(buf, sizeof(buf), "%lluB", static_cast<unsigned long long>(n));
  return buf;
}

}  // namespace redoubt::util
