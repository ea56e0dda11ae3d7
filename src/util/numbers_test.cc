#include "util/numbers.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>

namespace redoubt::util {
namespace {

using namespace std::string_literals;

std::string LongDoubleText(long double v) {
  char buf[kMaxLongDoubleChars];
  const size_t n = FormatLongDouble(v, buf, sizeof(buf));
  return std::string(buf, n);
}

std::string DoubleText(double v) {
  char buf[kMaxDoubleChars];
  const size_t n = FormatDouble(v, buf, sizeof(buf));
  return std::string(buf, n);
}

// INCRBYFLOAT's arithmetic and reply, as Redis computes them.
std::string IncrByFloat(const char* current, const char* increment) {
  long double a = 0;
  long double b = 0;
  EXPECT_TRUE(ParseLongDouble(current, &a)) << current;
  EXPECT_TRUE(ParseLongDouble(increment, &b)) << increment;
  return LongDoubleText(a + b);
}

TEST(ParseInt64, AcceptsCanonicalIntegers) {
  int64_t v = 42;
  ASSERT_TRUE(ParseInt64("0", &v));
  EXPECT_EQ(v, 0);
  ASSERT_TRUE(ParseInt64("1", &v));
  EXPECT_EQ(v, 1);
  ASSERT_TRUE(ParseInt64("-1", &v));
  EXPECT_EQ(v, -1);
  ASSERT_TRUE(ParseInt64("99", &v));
  EXPECT_EQ(v, 99);
  ASSERT_TRUE(ParseInt64("-99", &v));
  EXPECT_EQ(v, -99);
  ASSERT_TRUE(ParseInt64("9223372036854775807", &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::max());
  ASSERT_TRUE(ParseInt64("-9223372036854775808", &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::min());
}

TEST(ParseInt64, RejectsWhatString2llRejects) {
  int64_t v = 0;
  for (const char* s : {"",
                        "-",
                        "-0",
                        "+1",
                        " 1",
                        "1 ",
                        "01",
                        "-01",
                        "00",
                        "1a",
                        "a1",
                        "1.0",
                        "1e3",
                        "0x10",
                        "--1",
                        "9223372036854775808",
                        "-9223372036854775809",
                        "18446744073709551616",
                        "99999999999999999999",
                        "123456789012345678901",
                        "00000000000000000001"}) {
    EXPECT_FALSE(ParseInt64(s, &v)) << '"' << s << '"';
  }
  EXPECT_FALSE(ParseInt64("1\0"s, &v));
  EXPECT_FALSE(ParseInt64("\0"s, &v));
}

TEST(ParseInt64, RoundTripsFormatInt64) {
  std::mt19937_64 rng(1);
  char buf[kMaxInt64Chars];
  for (int i = 0; i < 100000; ++i) {
    const int64_t expected = static_cast<int64_t>(rng()) >> (rng() % 64);
    const size_t n = FormatInt64(expected, buf);
    ASSERT_EQ(buf[n], '\0');
    int64_t parsed = 0;
    ASSERT_TRUE(ParseInt64(std::string_view(buf, n), &parsed)) << buf;
    ASSERT_EQ(parsed, expected);
  }
}

TEST(FormatInt64, Boundaries) {
  char buf[kMaxInt64Chars];
  EXPECT_EQ(std::string(buf, FormatInt64(0, buf)), "0");
  EXPECT_EQ(std::string(buf, FormatInt64(-7, buf)), "-7");
  EXPECT_EQ(std::string(buf, FormatInt64(std::numeric_limits<int64_t>::max(), buf)),
            "9223372036854775807");
  EXPECT_EQ(std::string(buf, FormatInt64(std::numeric_limits<int64_t>::min(), buf)),
            "-9223372036854775808");
  EXPECT_STREQ(buf, "-9223372036854775808");
}

TEST(ParseUint64, Boundaries) {
  uint64_t v = 0;
  ASSERT_TRUE(ParseUint64("0", &v));
  EXPECT_EQ(v, 0u);
  ASSERT_TRUE(ParseUint64("18446744073709551615", &v));
  EXPECT_EQ(v, std::numeric_limits<uint64_t>::max());
  ASSERT_TRUE(ParseUint64("9223372036854775808", &v));
  EXPECT_EQ(v, 9223372036854775808ULL);
  for (const char* s : {"", "-1", "-0", "+1", " 1", "1 ", "01", "18446744073709551616",
                        "99999999999999999999", "184467440737095516150"}) {
    EXPECT_FALSE(ParseUint64(s, &v)) << '"' << s << '"';
  }
}

TEST(ParseLongDouble, AcceptsWhatStrtoldAcceptsExactly) {
  long double v = 0;
  ASSERT_TRUE(ParseLongDouble("10.5", &v));
  EXPECT_EQ(v, 10.5L);
  ASSERT_TRUE(ParseLongDouble("+1", &v));
  EXPECT_EQ(v, 1.0L);
  ASSERT_TRUE(ParseLongDouble("-3.0", &v));
  EXPECT_EQ(v, -3.0L);
  ASSERT_TRUE(ParseLongDouble("5.0e3", &v));
  EXPECT_EQ(v, 5000.0L);
  ASSERT_TRUE(ParseLongDouble("0x10", &v));
  EXPECT_EQ(v, 16.0L);
  ASSERT_TRUE(ParseLongDouble(".5", &v));
  EXPECT_EQ(v, 0.5L);
  ASSERT_TRUE(ParseLongDouble("inf", &v));
  EXPECT_TRUE(std::isinf(v));
  ASSERT_TRUE(ParseLongDouble("-infinity", &v));
  EXPECT_TRUE(std::isinf(v) && v < 0);
  ASSERT_TRUE(ParseLongDouble("1e308", &v));    // Fine for long double, unlike double.
  ASSERT_TRUE(ParseLongDouble("1e-4940", &v));  // Subnormal, not zero: accepted.
  EXPECT_GT(v, 0.0L);
}

TEST(ParseLongDouble, RejectsWhatString2ldRejects) {
  long double v = 0;
  for (const char* s : {"", " 1", "\t1", "1 ", "nan", "-nan", "NaN", "1e", "1_", "abc", "--1",
                        "1e5000", "-1e5000", "1e-5000"}) {
    EXPECT_FALSE(ParseLongDouble(s, &v)) << '"' << s << '"';
  }
  EXPECT_FALSE(ParseLongDouble("1\0002"s, &v));
}

TEST(ParseLongDouble, LengthLimitIsMaxLongDoubleChars) {
  long double v = 0;
  // Leading zeros keep the value at 1 so only the length decides (Redis: 5119 ok, 5120 not).
  EXPECT_TRUE(ParseLongDouble(std::string(kMaxLongDoubleChars - 2, '0') + "1", &v));
  EXPECT_EQ(v, 1.0L);
  EXPECT_FALSE(ParseLongDouble(std::string(kMaxLongDoubleChars - 1, '0') + "1", &v));
}

TEST(ParseLongDouble, PreservesErrno) {
  errno = 1234;
  long double v = 0;
  EXPECT_FALSE(ParseLongDouble("1e99999", &v));
  EXPECT_EQ(errno, 1234);
}

TEST(ParseDouble, AcceptsScores) {
  double v = 0;
  ASSERT_TRUE(ParseDouble("1.5", &v));
  EXPECT_EQ(v, 1.5);
  ASSERT_TRUE(ParseDouble("+1", &v));
  EXPECT_EQ(v, 1.0);
  ASSERT_TRUE(ParseDouble("-0", &v));
  EXPECT_TRUE(v == 0 && std::signbit(v));
  ASSERT_TRUE(ParseDouble("5.", &v));
  EXPECT_EQ(v, 5.0);
  ASSERT_TRUE(ParseDouble("0x10", &v));
  EXPECT_EQ(v, 16.0);
  for (const char* s : {"inf", "+inf", "infinity", "INF"}) {
    ASSERT_TRUE(ParseDouble(s, &v)) << s;
    EXPECT_EQ(v, std::numeric_limits<double>::infinity());
  }
  ASSERT_TRUE(ParseDouble("-inf", &v));
  EXPECT_EQ(v, -std::numeric_limits<double>::infinity());
  ASSERT_TRUE(ParseDouble("1e-310", &v));  // Subnormal, not zero: accepted.
  EXPECT_GT(v, 0.0);
  ASSERT_TRUE(ParseDouble(std::string(300, '0') + "2.5", &v));  // Long input, heap path.
  EXPECT_EQ(v, 2.5);
}

TEST(ParseDouble, RejectsWhatString2dRejects) {
  double v = 0;
  for (const char* s : {"", " 1", "\n1", "1 ", "nan", "NAN", "-nan", "1e", "1e400", "-1e400",
                        "1e-400", "abc", "1,5", "--1"}) {
    EXPECT_FALSE(ParseDouble(s, &v)) << '"' << s << '"';
  }
  EXPECT_FALSE(ParseDouble("1\0002"s, &v));
  EXPECT_FALSE(ParseDouble(std::string(300, '0') + "2.5x", &v));
}

TEST(FormatLongDouble, IncrByFloatReplies) {
  // Replies observed from redis-server 7.0.15.
  EXPECT_EQ(IncrByFloat("10.50", "0.1"), "10.6");
  EXPECT_EQ(IncrByFloat("5.0e3", "0"), "5000");
  EXPECT_EQ(IncrByFloat("0", "-0"), "0");
  EXPECT_EQ(IncrByFloat("-0", "0"), "0");
  EXPECT_EQ(IncrByFloat("3", "-3.0"), "0");
  EXPECT_EQ(IncrByFloat("1", "+1"), "2");
  EXPECT_EQ(IncrByFloat("1", "0x10"), "17");
  EXPECT_EQ(IncrByFloat("0", "0.1"), "0.1");
  EXPECT_EQ(IncrByFloat("1.5", "1.23456789012345678901234"), "2.73456789012345679");
  EXPECT_EQ(IncrByFloat("0", "1e20"), "100000000000000000000");
  EXPECT_EQ(IncrByFloat("0", "-1e-17"), "-0.00000000000000001");
  EXPECT_EQ(IncrByFloat("0", "1e-18"), "0");
  EXPECT_EQ(IncrByFloat("1e308", "1e308"),
            "199999999999999999993371759311691291321120199694831134415594095989843469737676"
            "12374420025384377707864089349445010802644630426949918792116719484162886039283753"
            "59182000392063815573262192090142133358783067915778778291210871261225367298032372"
            "60434173178506889763247582601711514636284849020905456510092687857156096");
}

TEST(FormatLongDouble, SpecialValuesAndSmallBuffers) {
  EXPECT_EQ(LongDoubleText(std::numeric_limits<long double>::infinity()), "inf");
  EXPECT_EQ(LongDoubleText(-std::numeric_limits<long double>::infinity()), "-inf");
  EXPECT_EQ(LongDoubleText(-0.0L), "0");
  EXPECT_EQ(LongDoubleText(-1e-30L), "0");  // Rounds to "-0.000..." and is normalised.
  EXPECT_EQ(LongDoubleText(-2.5L), "-2.5");
  EXPECT_EQ(LongDoubleText(100.0L), "100");
  EXPECT_GT(LongDoubleText(LDBL_MAX).size(), 4900u);  // kMaxLongDoubleChars is enough.
  // The untrimmed "%.17Lf" text must fit, as in Redis: "1.50000000000000000" is 19 chars.
  char buf[20];
  EXPECT_EQ(FormatLongDouble(1.5L, buf, sizeof(buf)), 3u);
  EXPECT_STREQ(buf, "1.5");
  EXPECT_EQ(FormatLongDouble(12.5L, buf, sizeof(buf)), 0u);
  EXPECT_STREQ(buf, "");
  EXPECT_EQ(FormatLongDouble(-std::numeric_limits<long double>::infinity(), buf, 4), 0u);
  EXPECT_EQ(FormatLongDouble(1.0L, buf, 0), 0u);
}

TEST(FormatDouble, MatchesRedisScoreReplies) {
  EXPECT_EQ(DoubleText(1.5), "1.5");
  EXPECT_EQ(DoubleText(3), "3");
  EXPECT_EQ(DoubleText(0.1), "0.10000000000000001");
  EXPECT_EQ(DoubleText(1e-310), "9.9999999999999694e-311");
  EXPECT_EQ(DoubleText(0.0), "0");
  EXPECT_EQ(DoubleText(-0.0), "-0");
  EXPECT_EQ(DoubleText(1e17), "1e+17");
  EXPECT_EQ(DoubleText(1e16), "10000000000000000");
  EXPECT_EQ(DoubleText(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(DoubleText(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(DoubleText(-DBL_MAX), "-1.7976931348623157e+308");
  char tiny[3];
  EXPECT_EQ(FormatDouble(1.5, tiny, sizeof(tiny)), 0u);
  EXPECT_STREQ(tiny, "");
  EXPECT_EQ(FormatDouble(1.0, tiny, sizeof(tiny)), 1u);
  EXPECT_STREQ(tiny, "1");
}

TEST(FormatDouble, EqualsPrintfPercent17g) {
  std::mt19937_64 rng(99);
  char ours[kMaxDoubleChars];
  char printf_buf[64];
  for (int i = 0; i < 200000; ++i) {
    double v = 0;
    const uint64_t bits = rng();
    std::memcpy(&v, &bits, sizeof(v));
    if (std::isnan(v)) continue;
    if (i % 2 == 0) v = static_cast<double>(static_cast<int64_t>(rng() % 2000000) - 1000000) / 64;
    const size_t n = FormatDouble(v, ours, sizeof(ours));
    std::snprintf(printf_buf, sizeof(printf_buf), "%.17g", v);
    ASSERT_STREQ(ours, printf_buf);
    ASSERT_EQ(n, std::strlen(printf_buf));
    double back = 0;
    ASSERT_TRUE(ParseDouble(std::string_view(ours, n), &back)) << ours;
    ASSERT_EQ(back, v);
  }
}

TEST(ParseMemory, Units) {
  int64_t v = -1;
  const struct {
    const char* text;
    int64_t expected;
  } kCases[] = {
      {"0", 0},
      {"100", 100},
      {"1b", 1},
      {"1B", 1},
      {"1k", 1000},
      {"1K", 1000},
      {"1kb", 1024},
      {"1KB", 1024},
      {"1kB", 1024},
      {"2m", 2000000},
      {"2mb", 2 * 1024 * 1024},
      {"3g", 3000000000},
      {"3gb", 3LL * 1024 * 1024 * 1024},
      {"1Gb", 1073741824},
      {"00012k", 12000},  // Leading zeros are fine for memtoull.
      {"", 0},            // Redis: CONFIG SET maxmemory "" sets 0.
      {"kb", 0},          // Redis: a bare unit reads as 0 units.
      {"9223372036854775807", 9223372036854775807LL},
      {"8589934591gb", 8589934591LL * 1024 * 1024 * 1024},
  };
  for (const auto& c : kCases) {
    ASSERT_TRUE(ParseMemory(c.text, &v)) << c.text;
    EXPECT_EQ(v, c.expected) << c.text;
  }
}

TEST(ParseMemory, RejectsGarbageNegativesAndOverflow) {
  int64_t v = 0;
  for (const char* s : {"-1", "-1kb", "+1", " 1", "1 ", "1.5kb", "0x10", "1bb", "1t", "1tb", "1 kb",
                        "k1", "1kib", "9223372036854775808", "18446744073709551615",
                        "99999999999999999999", "8589934592gb", "9223372036854776k"}) {
    EXPECT_FALSE(ParseMemory(s, &v)) << '"' << s << '"';
  }
  EXPECT_FALSE(ParseMemory("5\0kb"s, &v));
  EXPECT_FALSE(ParseMemory(std::string(128, '0') + "1", &v));  // Redis's 128-byte buffer.
  EXPECT_TRUE(ParseMemory(std::string(126, '0') + "1", &v));
  EXPECT_EQ(v, 1);
}

TEST(FormatBytesHuman, MatchesBytesToHuman) {
  EXPECT_EQ(FormatBytesHuman(0), "0B");
  EXPECT_EQ(FormatBytesHuman(1023), "1023B");
  EXPECT_EQ(FormatBytesHuman(1024), "1.00K");
  EXPECT_EQ(FormatBytesHuman(1536), "1.50K");
  EXPECT_EQ(FormatBytesHuman(1024 * 1024 - 1), "1024.00K");
  EXPECT_EQ(FormatBytesHuman(1024 * 1024), "1.00M");
  EXPECT_EQ(FormatBytesHuman(512ULL * 1024 * 1024), "512.00M");
  EXPECT_EQ(FormatBytesHuman(1024ULL * 1024 * 1024), "1.00G");
  EXPECT_EQ(FormatBytesHuman(5ULL << 40), "5.00T");
  EXPECT_EQ(FormatBytesHuman(3ULL << 50), "3.00P");
  EXPECT_EQ(FormatBytesHuman(1ULL << 60), "1152921504606846976B");
  EXPECT_EQ(FormatBytesHuman(std::numeric_limits<uint64_t>::max()), "18446744073709551615B");
}

}  // namespace
}  // namespace redoubt::util
