#include "protocol/resp_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace redoubt::protocol {
namespace {

using Result = RequestParser::Result;

struct Parsed {
  Result result;
  std::vector<std::string> args;
  size_t consumed = 0;
  std::string error;
};

Parsed ParseAll(const std::string& in, ParseLimits limits = {}) {
  RequestParser p;
  Parsed out;
  out.result = p.Parse(in.data(), in.size(), limits, &out.consumed);
  for (auto a : p.args()) out.args.emplace_back(a);
  out.error = p.error();
  return out;
}

TEST(RespParser, ParsesMultibulk) {
  Parsed p = ParseAll("*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n");
  ASSERT_EQ(p.result, Result::kCommand);
  EXPECT_EQ(p.args, (std::vector<std::string>{"GET", "key"}));
  EXPECT_EQ(p.consumed, 22u);
}

TEST(RespParser, BinarySafeBulk) {
  std::string in = std::string("*1\r\n$3\r\na\0\n\r\n", 14);
  Parsed p = ParseAll(in);
  ASSERT_EQ(p.result, Result::kCommand);
  EXPECT_EQ(p.args[0], std::string("a\0\n", 3));
}

TEST(RespParser, ResumesAcrossPartialReadsAndMovedBuffer) {
  std::string full = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n";
  RequestParser p;
  size_t consumed = 0;
  for (size_t cut = 1; cut < full.size(); ++cut) {
    std::string first = full.substr(0, cut);
    ASSERT_EQ(p.Parse(first.data(), first.size(), {}, &consumed), Result::kIncomplete) << cut;
  }
  std::string moved = full;  // a different address: state is kept as offsets
  ASSERT_EQ(p.Parse(moved.data(), moved.size(), {}, &consumed), Result::kCommand);
  EXPECT_EQ(p.args()[2], "value");
  EXPECT_EQ(consumed, full.size());
}

TEST(RespParser, PipelinedCommandsOneAtATime) {
  std::string in = "*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n";
  RequestParser p;
  size_t consumed = 0;
  ASSERT_EQ(p.Parse(in.data(), in.size(), {}, &consumed), Result::kCommand);
  EXPECT_EQ(consumed, 14u);
  ASSERT_EQ(p.Parse(in.data() + consumed, in.size() - consumed, {}, &consumed), Result::kCommand);
}

TEST(RespParser, InlineWithQuotes) {
  Parsed p = ParseAll("set \"a b\" 'c d'\r\n");
  ASSERT_EQ(p.result, Result::kCommand);
  EXPECT_EQ(p.args, (std::vector<std::string>{"set", "a b", "c d"}));
}

TEST(RespParser, InlineUnbalancedQuotes) {
  Parsed p = ParseAll("set \"a b\r\n");
  EXPECT_EQ(p.result, Result::kError);
  EXPECT_EQ(p.error, "unbalanced quotes in request");
}

TEST(RespParser, EmptyLinesAndZeroCounts) {
  EXPECT_EQ(ParseAll("\r\n").result, Result::kEmpty);
  EXPECT_EQ(ParseAll("*0\r\n").result, Result::kEmpty);
  EXPECT_EQ(ParseAll("*-5\r\n").result, Result::kEmpty);
}

TEST(RespParser, InvalidMultibulkLength) {
  EXPECT_EQ(ParseAll("*abc\r\n").error, "invalid multibulk length");
  EXPECT_EQ(ParseAll("*4294967296\r\n").error, "invalid multibulk length");
}

TEST(RespParser, InvalidBulkLength) {
  EXPECT_EQ(ParseAll("*1\r\n$-2\r\n").error, "invalid bulk length");
  EXPECT_EQ(ParseAll("*1\r\n$x\r\n").error, "invalid bulk length");
  ParseLimits small{.max_bulk_len = 10, .authenticated = true};
  EXPECT_EQ(ParseAll("*1\r\n$11\r\n", small).error, "invalid bulk length");
}

TEST(RespParser, ExpectedDollar) {
  EXPECT_EQ(ParseAll("*1\r\n:3\r\n").error, "expected '$', got ':'");
}

TEST(RespParser, HugeClaimsAllocateNothingUpFront) {
  // A million arguments claimed, none sent: incomplete, not an allocation of a million slots.
  Parsed p = ParseAll("*1000000\r\n");
  EXPECT_EQ(p.result, Result::kIncomplete);
  RequestParser parser;
  size_t consumed;
  std::string in = "*1\r\n$536870912\r\nabc";
  EXPECT_EQ(parser.Parse(in.data(), in.size(), {}, &consumed), Result::kIncomplete);
  EXPECT_EQ(parser.bytes_wanted(), 536870912u + 2 - 3);
}

TEST(RespParser, UnauthenticatedLimits) {
  ParseLimits unauth{.max_bulk_len = 512 * 1024 * 1024, .authenticated = false};
  EXPECT_EQ(ParseAll("*11\r\n", unauth).error, "unauthenticated multibulk length");
  EXPECT_EQ(ParseAll("*10\r\n", unauth).result, Result::kIncomplete);
  EXPECT_EQ(ParseAll("*1\r\n$16385\r\n", unauth).error, "unauthenticated bulk length");
  // Over proto-max-bulk-len, the general check answers first, as in Redis.
  EXPECT_EQ(ParseAll("*1\r\n$1073741824\r\n", unauth).error, "invalid bulk length");
}

TEST(RespParser, OverlongLinesWithoutNewline) {
  EXPECT_EQ(ParseAll(std::string(70000, 'a')).error, "too big inline request");
  EXPECT_EQ(ParseAll("*" + std::string(70000, '1')).error, "too big mbulk count string");
  EXPECT_EQ(ParseAll("*1\r\n$" + std::string(70000, '1')).error, "too big bulk count string");
}

}  // namespace
}  // namespace redoubt::protocol
