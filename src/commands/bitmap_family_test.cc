// Bitmap commands, run in process against a fresh store. Expected replies were checked against
// Redis 7.0.15.
#include <string>
#include <vector>

#include "commands/test_util.h"
#include "protocol/errors.h"

namespace redoubt::commands {
namespace {

using testing::CommandTester;
using testing::Resp;

constexpr std::string_view kOffsetError = "ERR bit offset is not an integer or out of range";
constexpr std::string_view kTypeError =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 "
    "is.";

// The integers of an array reply; nulls read as INT64_MIN.
std::vector<int64_t> Ints(const Resp& r) {
  EXPECT_EQ(r.type, '*') << r.str;
  std::vector<int64_t> out;
  for (const Resp& e : r.elems) out.push_back(e.null ? INT64_MIN : e.integer);
  return out;
}

TEST(BitmapFamilyTest, SetBitGetBitGrowsWithZeros) {
  CommandTester t;
  EXPECT_EQ(t.RunInt({"SETBIT", "k", "7", "1"}), 0);
  EXPECT_EQ(t.RunInt({"SETBIT", "k", "7", "1"}), 1);
  EXPECT_EQ(t.RunBulk({"GET", "k"}), std::string("\x01", 1));
  EXPECT_EQ(t.RunInt({"SETBIT", "k", "100", "1"}), 0);
  EXPECT_EQ(t.RunInt({"STRLEN", "k"}), 13);
  EXPECT_EQ(t.RunInt({"GETBIT", "k", "100"}), 1);
  EXPECT_EQ(t.RunInt({"GETBIT", "k", "99"}), 0);
  EXPECT_EQ(t.RunInt({"GETBIT", "k", "4294967295"}), 0);  // past the end reads 0
  EXPECT_EQ(t.RunInt({"SETBIT", "k", "7", "0"}), 1);
  EXPECT_EQ(t.RunInt({"GETBIT", "k", "7"}), 0);
  EXPECT_EQ(t.RunInt({"GETBIT", "missing", "3"}), 0);
  EXPECT_EQ(t.RunResp({"EXISTS", "missing"}).integer, 0);
}

TEST(BitmapFamilyTest, SetBitOnIntegerAndShortStrings) {
  CommandTester t;
  t.Run({"SET", "n", "1"});  // "1" = 0x31
  EXPECT_EQ(t.RunInt({"GETBIT", "n", "7"}), 1);
  EXPECT_EQ(t.RunInt({"SETBIT", "n", "6", "1"}), 0);
  EXPECT_EQ(t.RunBulk({"GET", "n"}), "3");
  EXPECT_EQ(t.RunBulk({"OBJECT", "ENCODING", "n"}), "raw");
}

TEST(BitmapFamilyTest, BitOffsetsAreCheckedBeforeUse) {
  CommandTester t;
  for (const char* bad : {"-1", "4294967296", "9223372036854775807", "-9223372036854775808",
                          "18446744073709551616", "1.5", "abc", "", " 1", "+1"}) {
    EXPECT_EQ(t.RunError({"SETBIT", "k", bad, "1"}), kOffsetError) << bad;
    EXPECT_EQ(t.RunError({"GETBIT", "k", bad}), kOffsetError) << bad;
    EXPECT_EQ(t.RunError({"BITFIELD", "k", "GET", "u8", bad}), kOffsetError) << bad;
  }
  EXPECT_EQ(t.RunResp({"EXISTS", "k"}).integer, 0);
  // The bit value is checked after the offset.
  for (const char* bad : {"2", "-1", "x", "9223372036854775807"}) {
    EXPECT_EQ(t.RunError({"SETBIT", "k", "0", bad}), "ERR bit is not an integer or out of range");
  }
  EXPECT_EQ(t.RunError({"SETBIT", "k", "-1", "2"}), kOffsetError);
}

TEST(BitmapFamilyTest, OffsetCapFollowsProtoMaxBulkLen) {
  CommandTester t;
  t.cfg().proto_max_bulk_len = 1024 * 1024;
  EXPECT_EQ(t.RunInt({"SETBIT", "k", "8388607", "1"}), 0);  // last bit of the 1 MB cap
  EXPECT_EQ(t.RunInt({"STRLEN", "k"}), 1024 * 1024);
  EXPECT_EQ(t.RunError({"SETBIT", "k", "8388608", "1"}), kOffsetError);
  EXPECT_EQ(t.RunError({"GETBIT", "k", "8388608"}), kOffsetError);
  EXPECT_EQ(t.RunError({"BITFIELD", "k", "SET", "u8", "8388608", "1"}), kOffsetError);
  EXPECT_EQ(t.RunError({"BITFIELD", "k", "SET", "u8", "#1048576", "1"}), kOffsetError);
  EXPECT_EQ(t.RunInt({"STRLEN", "k"}), 1024 * 1024);
  // Above 512 MB the 2^32-bit cap holds whatever proto-max-bulk-len says.
  t.cfg().proto_max_bulk_len = 4LL * 1024 * 1024 * 1024;
  EXPECT_EQ(t.RunError({"SETBIT", "k", "4294967296", "1"}), kOffsetError);
  EXPECT_EQ(t.RunError({"BITFIELD_RO", "k", "GET", "u8", "4294967296"}), kOffsetError);
}

TEST(BitmapFamilyTest, PositionalOffsetsNeverOverflow) {
  CommandTester t;
  EXPECT_EQ(Ints(t.RunResp({"BITFIELD", "k", "SET", "u8", "#2", "255", "GET", "u8", "16"})),
            (std::vector<int64_t>{0, 255}));
  EXPECT_EQ(t.RunInt({"STRLEN", "k"}), 3);
  // #N * bits past 2^32, and past 2^63 (which would wrap to a small offset if multiplied
  // blindly), are both refused.
  for (const char* bad : {"#536870912", "#1152921504606846977", "#9223372036854775807", "#-1", "#",
                          "##1", "#x", "# 1"}) {
    EXPECT_EQ(t.RunError({"BITFIELD", "k", "SET", "u8", bad, "1"}), kOffsetError) << bad;
  }
  EXPECT_EQ(t.RunInt({"STRLEN", "k"}), 3);
  // '#' is only positional in BITFIELD.
  EXPECT_EQ(t.RunError({"SETBIT", "k", "#1", "1"}), kOffsetError);
}

TEST(BitmapFamilyTest, WrongType) {
  CommandTester t;
  t.Run({"RPUSH", "l", "a"});
  const std::string wrong(errors::kWrongType);
  EXPECT_EQ(t.RunError({"SETBIT", "l", "0", "1"}), wrong);
  EXPECT_EQ(t.RunError({"GETBIT", "l", "0"}), wrong);
  EXPECT_EQ(t.RunError({"BITCOUNT", "l"}), wrong);
  EXPECT_EQ(t.RunError({"BITPOS", "l", "1"}), wrong);
  EXPECT_EQ(t.RunError({"BITOP", "AND", "d", "l"}), wrong);
  EXPECT_EQ(t.RunError({"BITFIELD", "l", "GET", "u8", "0"}), wrong);
  EXPECT_EQ(t.RunError({"BITFIELD", "l", "SET", "u8", "0", "1"}), wrong);
  EXPECT_EQ(t.RunError({"BITFIELD_RO", "l", "GET", "u8", "0"}), wrong);
  // A non-string BITOP target is simply replaced.
  t.Run({"SET", "s", "a"});
  EXPECT_EQ(t.RunInt({"BITOP", "OR", "l", "s"}), 1);
  EXPECT_EQ(t.RunBulk({"GET", "l"}), "a");
}

TEST(BitmapFamilyTest, BitCountRanges) {
  CommandTester t;
  t.Run({"SET", "s", "foobar"});
  EXPECT_EQ(t.RunInt({"BITCOUNT", "s"}), 26);
  EXPECT_EQ(t.RunInt({"BITCOUNT", "s", "0", "0"}), 4);
  EXPECT_EQ(t.RunInt({"BITCOUNT", "s", "1", "1"}), 6);
  EXPECT_EQ(t.RunInt({"BITCOUNT", "s", "1", "1", "BYTE"}), 6);
  EXPECT_EQ(t.RunInt({"BITCOUNT", "s", "5", "30", "BIT"}), 17);
  EXPECT_EQ(t.RunInt({"BITCOUNT", "s", "-3", "-1", "bit"}), 1);
  EXPECT_EQ(t.RunInt({"BITCOUNT", "s", "-1", "-5"}), 0);
  EXPECT_EQ(t.RunInt({"BITCOUNT", "s", "-200", "-100"}), 4);  // both clamp to byte 0
  EXPECT_EQ(t.RunInt({"BITCOUNT", "s", "-100", "-200"}), 0);
  EXPECT_EQ(t.RunInt({"BITCOUNT", "s", "-9223372036854775808", "9223372036854775807"}), 26);
  EXPECT_EQ(t.RunInt({"BITCOUNT", "s", "0", "9223372036854775807", "BIT"}), 26);
  EXPECT_EQ(t.RunError({"BITCOUNT", "s", "0"}), "ERR syntax error");
  EXPECT_EQ(t.RunError({"BITCOUNT", "s", "0", "1", "2"}), "ERR syntax error");
  EXPECT_EQ(t.RunError({"BITCOUNT", "s", "0", "1", "BIT", "x"}), "ERR syntax error");
  EXPECT_EQ(t.RunError({"BITCOUNT", "s", "a", "1"}), "ERR value is not an integer or out of range");
  // Redis 7.0 answers 0 for a missing key before looking at the range.
  EXPECT_EQ(t.RunInt({"BITCOUNT", "missing", "a", "b"}), 0);
  t.Run({"SET", "n", "12345"});
  EXPECT_EQ(t.RunInt({"BITCOUNT", "n"}), 17);
}

TEST(BitmapFamilyTest, BitCountLongStringsUseWholeWords) {
  CommandTester t;
  std::string v(1000, '\0');
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<char>(i * 37);
  t.Run({"SET", "k", v});
  int64_t expect = 0;
  for (char c : v) expect += __builtin_popcount(static_cast<uint8_t>(c));
  EXPECT_EQ(t.RunInt({"BITCOUNT", "k"}), expect);
  // Bits 3..7996: drop the first 3 and last 3 bits.
  int64_t edge = __builtin_popcount(static_cast<uint8_t>(v[0]) & 0xE0) +
                 __builtin_popcount(static_cast<uint8_t>(v[999]) & 0x07);
  EXPECT_EQ(t.RunInt({"BITCOUNT", "k", "3", "7996", "BIT"}), expect - edge);
}

TEST(BitmapFamilyTest, BitPos) {
  CommandTester t;
  EXPECT_EQ(t.RunInt({"BITPOS", "missing", "0"}), 0);
  EXPECT_EQ(t.RunInt({"BITPOS", "missing", "1"}), -1);
  EXPECT_EQ(t.RunInt({"BITPOS", "missing", "0", "junk"}), 0);  // Redis 7.0: no range parse
  EXPECT_EQ(t.RunError({"BITPOS", "missing", "2"}), "ERR The bit argument must be 1 or 0.");
  t.Run({"SET", "k", std::string("\xff\xf0\x00", 3)});
  EXPECT_EQ(t.RunInt({"BITPOS", "k", "0"}), 12);
  EXPECT_EQ(t.RunInt({"BITPOS", "k", "1", "2"}), -1);
  EXPECT_EQ(t.RunInt({"BITPOS", "k", "0", "0", "0"}), -1);
  EXPECT_EQ(t.RunInt({"BITPOS", "k", "1", "7", "15", "BIT"}), 7);
  EXPECT_EQ(t.RunInt({"BITPOS", "k", "0", "7", "15", "BIT"}), 12);
  EXPECT_EQ(t.RunInt({"BITPOS", "k", "0", "2", "3", "bit"}), -1);
  t.Run({"SET", "ones", std::string("\xff\xff", 2)});
  EXPECT_EQ(t.RunInt({"BITPOS", "ones", "0"}), 16);             // open range: the padding after
  EXPECT_EQ(t.RunInt({"BITPOS", "ones", "0", "1"}), 16);        // still open-ended
  EXPECT_EQ(t.RunInt({"BITPOS", "ones", "0", "0", "-1"}), -1);  // explicit end: not found
  t.Run({"SET", "e", ""});
  EXPECT_EQ(t.RunInt({"BITPOS", "e", "0"}), -1);
  EXPECT_EQ(t.RunError({"BITPOS", "k", "1", "0", "1", "BYTE", "x"}), "ERR syntax error");
  EXPECT_EQ(t.RunError({"BITPOS", "k", "1", "0", "1", "WORD"}), "ERR syntax error");
  EXPECT_EQ(t.RunError({"BITPOS", "k", "x"}), "ERR value is not an integer or out of range");
}

TEST(BitmapFamilyTest, BitPosScansLongStrings) {
  CommandTester t;
  EXPECT_EQ(t.RunInt({"SETBIT", "k", "80003", "1"}), 0);
  EXPECT_EQ(t.RunInt({"BITPOS", "k", "1"}), 80003);
  EXPECT_EQ(t.RunInt({"BITPOS", "k", "1", "-1"}), 80003);
  EXPECT_EQ(t.RunInt({"BITPOS", "k", "1", "80004", "-1", "BIT"}), -1);
  std::string ones(20000, '\xff');
  ones[12345] = '\xfe';
  t.Run({"SET", "o", ones});
  EXPECT_EQ(t.RunInt({"BITPOS", "o", "0"}), 12345 * 8 + 7);
  EXPECT_EQ(t.RunInt({"BITPOS", "o", "0", "12346"}), 20000 * 8);
}

TEST(BitmapFamilyTest, BitOp) {
  CommandTester t;
  t.Run({"SET", "a", "foobar"});
  t.Run({"SET", "b", "abcdef"});
  EXPECT_EQ(t.RunInt({"BITOP", "AND", "d", "a", "b"}), 6);
  EXPECT_EQ(t.RunBulk({"GET", "d"}), "`bc`ab");
  EXPECT_EQ(t.RunInt({"BITOP", "or", "d", "a", "b", "missing"}), 6);
  EXPECT_EQ(t.RunBulk({"GET", "d"}), "goofev");
  EXPECT_EQ(t.RunInt({"BITOP", "AND", "d", "a", "missing"}), 6);
  EXPECT_EQ(t.RunBulk({"GET", "d"}), std::string(6, '\0'));
  EXPECT_EQ(t.RunInt({"BITOP", "XOR", "d", "a", "a"}), 6);
  EXPECT_EQ(t.RunBulk({"GET", "d"}), std::string(6, '\0'));
  t.Run({"SET", "c", std::string("\x0f\xf0", 2)});
  EXPECT_EQ(t.RunInt({"BITOP", "NOT", "d", "c"}), 2);
  EXPECT_EQ(t.RunBulk({"GET", "d"}), std::string("\xf0\x0f", 2));
  EXPECT_EQ(t.RunBulk({"OBJECT", "ENCODING", "d"}), "raw");
  EXPECT_EQ(t.RunError({"BITOP", "NOT", "d", "a", "b"}),
            "ERR BITOP NOT must be called with a single source key.");
  EXPECT_EQ(t.RunError({"BITOP", "NAND", "d", "a"}), "ERR syntax error");
  // The target may be a source; its TTL is dropped as SET would.
  t.Run({"EXPIRE", "a", "100"});
  EXPECT_EQ(t.RunInt({"BITOP", "OR", "a", "a", "c"}), 6);
  EXPECT_EQ(t.RunBulk({"GET", "a"}),
            "o\xff"
            "obar");
  EXPECT_EQ(t.RunInt({"TTL", "a"}), -1);
  // An empty result deletes the target.
  EXPECT_EQ(t.RunInt({"BITOP", "AND", "d", "missing", "missing2"}), 0);
  EXPECT_EQ(t.RunResp({"EXISTS", "d"}).integer, 0);
}

TEST(BitmapFamilyTest, BitfieldGetSetIncr) {
  CommandTester t;
  EXPECT_EQ(Ints(t.RunResp({"BITFIELD", "k", "SET", "i8", "0", "-100", "GET", "i8", "0", "GET",
                            "u8", "0", "INCRBY", "u4", "4", "3"})),
            (std::vector<int64_t>{0, -100, 156, 15}));
  EXPECT_EQ(Ints(t.RunResp({"BITFIELD", "k", "SET", "i33", "5", "-123456789", "GET", "i33", "5",
                            "SET", "u13", "17", "4000", "GET", "u13", "17"})),
            (std::vector<int64_t>{-1073741824, -123456789, 1074, 4000}));
  EXPECT_EQ(Ints(t.RunResp({"BITFIELD", "w", "SET", "i64", "3", "-9223372036854775808", "GET",
                            "i64", "3", "SET", "u63", "70", "9223372036854775807", "GET", "u63",
                            "70", "GET", "u8", "0"})),
            (std::vector<int64_t>{0, INT64_MIN, 0, INT64_MAX, 16}));
  EXPECT_EQ(Ints(t.RunResp({"BITFIELD", "missing", "GET", "u8", "0", "GET", "i64", "100"})),
            (std::vector<int64_t>{0, 0}));
  EXPECT_EQ(t.RunResp({"EXISTS", "missing"}).integer, 0);
  EXPECT_EQ(t.RunResp({"BITFIELD", "k"}).elems.size(), 0u);
}

TEST(BitmapFamilyTest, BitfieldOverflow) {
  CommandTester t;
  EXPECT_EQ(Ints(t.RunResp({"BITFIELD", "k", "SET", "u8", "0", "-1", "SET", "u8", "8", "300", "SET",
                            "i8", "16", "200"})),
            (std::vector<int64_t>{0, 0, 0}));
  EXPECT_EQ(t.RunBulk({"GET", "k"}), std::string("\xff\x2c\xc8", 3));  // wrapped
  EXPECT_EQ(Ints(t.RunResp({"BITFIELD", "k",   "OVERFLOW", "SAT", "SET", "u8",  "0",
                            "-1",       "SET", "u8",       "8",   "300", "SET", "i8",
                            "16",       "200", "SET",      "i8",  "24",  "-200"})),
            (std::vector<int64_t>{255, 44, -56, 0}));
  EXPECT_EQ(t.RunBulk({"GET", "k"}), std::string("\xff\xff\x7f\x80", 4));
  // FAIL: nothing written, a null reply; later ops still run.
  EXPECT_EQ(Ints(t.RunResp({"BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "1", "INCRBY",
                            "i8", "16", "1", "INCRBY", "i8", "16", "-1"})),
            (std::vector<int64_t>{INT64_MIN, INT64_MIN, 126}));
  // i64 and u63 edges.
  EXPECT_EQ(Ints(t.RunResp({"BITFIELD", "c",
                            "INCRBY",   "i64",
                            "0",        "9223372036854775807",
                            "INCRBY",   "i64",
                            "0",        "1",
                            "OVERFLOW", "SAT",
                            "INCRBY",   "i64",
                            "0",        "-1",
                            "INCRBY",   "i64",
                            "0",        "-9223372036854775808",
                            "INCRBY",   "i64",
                            "0",        "-9223372036854775808"})),
            (std::vector<int64_t>{INT64_MAX, INT64_MIN, INT64_MIN, INT64_MIN, INT64_MIN}));
  EXPECT_EQ(Ints(t.RunResp({"BITFIELD", "c",
                            "OVERFLOW", "SAT",
                            "INCRBY",   "u63",
                            "64",       "9223372036854775807",
                            "INCRBY",   "u63",
                            "64",       "1",
                            "OVERFLOW", "WRAP",
                            "INCRBY",   "u63",
                            "64",       "5",
                            "INCRBY",   "u63",
                            "64",       "-9223372036854775808"})),
            (std::vector<int64_t>{INT64_MAX, INT64_MAX, 4, 4}));
  // A FAILed write still creates the key, zero-filled, as Redis does.
  EXPECT_EQ(Ints(t.RunResp({"BITFIELD", "f", "OVERFLOW", "FAIL", "SET", "u8", "0", "999"})),
            (std::vector<int64_t>{INT64_MIN}));
  EXPECT_EQ(t.RunBulk({"GET", "f"}), std::string(1, '\0'));
}

TEST(BitmapFamilyTest, BitfieldArgumentErrors) {
  CommandTester t;
  for (const char* bad : {"u64", "i65", "i0", "u0", "u", "i", "x8", "I8", "u08", "i-1", ""}) {
    EXPECT_EQ(t.RunError({"BITFIELD", "k", "GET", bad, "0"}), kTypeError) << bad;
  }
  EXPECT_EQ(t.RunError({"BITFIELD", "k", "OVERFLOW", "BAD", "GET", "u8", "0"}),
            "ERR Invalid OVERFLOW type specified");
  EXPECT_EQ(t.RunError({"BITFIELD", "k", "OVERFLOW"}), "ERR syntax error");
  EXPECT_EQ(t.RunError({"BITFIELD", "k", "GET", "u8"}), "ERR syntax error");
  EXPECT_EQ(t.RunError({"BITFIELD", "k", "SET", "u8", "0"}), "ERR syntax error");
  EXPECT_EQ(t.RunError({"BITFIELD", "k", "FOO"}), "ERR syntax error");
  EXPECT_EQ(t.RunError({"BITFIELD", "k", "INCRBY", "u8", "0", "x"}),
            "ERR value is not an integer or out of range");
  // A bad op anywhere means nothing ran.
  EXPECT_EQ(t.RunError({"BITFIELD", "k", "SET", "u8", "0", "1", "GET", "u64", "0"}), kTypeError);
  EXPECT_EQ(t.RunResp({"EXISTS", "k"}).integer, 0);
  EXPECT_EQ(t.RunError({"BITFIELD_RO", "k", "GET", "u8", "0", "SET", "u8", "0", "1"}),
            "ERR BITFIELD_RO only supports the GET subcommand");
  EXPECT_EQ(t.RunError({"BITFIELD_RO", "k", "INCRBY", "u8", "0", "1"}),
            "ERR BITFIELD_RO only supports the GET subcommand");
  EXPECT_EQ(Ints(t.RunResp({"BITFIELD_RO", "k", "OVERFLOW", "SAT", "GET", "u8", "0"})),
            (std::vector<int64_t>{0}));
}

TEST(BitmapFamilyTest, BitfieldWritesNearTheCap) {
  CommandTester t;
  t.cfg().proto_max_bulk_len = 1024 * 1024;
  // The last allowed offset plus a 64-bit field reaches 8 bytes past the cap, as in Redis.
  EXPECT_EQ(Ints(t.RunResp({"BITFIELD", "k", "SET", "i64", "8388607", "-1"})),
            (std::vector<int64_t>{0}));
  EXPECT_EQ(t.RunInt({"STRLEN", "k"}), 1024 * 1024 + 8);
  EXPECT_EQ(Ints(t.RunResp({"BITFIELD_RO", "k", "GET", "i64", "8388607", "GET", "u8", "8388607"})),
            (std::vector<int64_t>{-1, 255}));
}

}  // namespace
}  // namespace redoubt::commands
