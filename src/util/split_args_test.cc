#include "util/split_args.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace redoubt::util {
namespace {

using Args = std::vector<std::string>;

Args Split(std::string_view line) {
  auto args = SplitArgs(line);
  EXPECT_TRUE(args.has_value()) << "line: " << line;
  return args.value_or(Args{});
}

TEST(SplitArgsTest, EmptyAndBlankLines) {
  EXPECT_EQ(Split(""), Args{});
  EXPECT_EQ(Split("   \t\r\n\v\f "), Args{});
}

TEST(SplitArgsTest, PlainWords) {
  EXPECT_EQ(Split("set key value"), (Args{"set", "key", "value"}));
  EXPECT_EQ(Split("  set\tkey \r\n value  "), (Args{"set", "key", "value"}));
  EXPECT_EQ(Split("a"), (Args{"a"}));
}

TEST(SplitArgsTest, VerticalTabAndFormFeedOnlySeparateBetweenArguments) {
  // Leading blanks are skipped with isspace(), but inside an unquoted argument only
  // ' ', \t, \r and \n end it, as in sdssplitargs.
  EXPECT_EQ(Split("\va\vb c"), (Args{"a\vb", "c"}));
  EXPECT_EQ(Split("a\fb"), (Args{"a\fb"}));
}

TEST(SplitArgsTest, DoubleQuotesAndEscapes) {
  EXPECT_EQ(Split(R"("hello world")"), (Args{"hello world"}));
  EXPECT_EQ(Split(R"("a\nb\rc\td\be\af")"), (Args{"a\nb\rc\td\be\af"}));
  EXPECT_EQ(Split(R"("\\ \" \q \x41\x6a\x4A")"), (Args{"\\ \" q AjJ"}));
  EXPECT_EQ(Split(R"("\x00")"), (Args{std::string("\0", 1)}));
  EXPECT_EQ(Split(R"("\xff")"), (Args{"\xff"}));
  // \x needs two hex digits; otherwise the backslash escapes the 'x'.
  EXPECT_EQ(Split(R"("\x4g")"), (Args{"x4g"}));
  EXPECT_EQ(Split(R"("\x4")"), (Args{"x4"}));
  EXPECT_EQ(Split(R"("")"), (Args{""}));
  EXPECT_EQ(Split(R"(a "" b)"), (Args{"a", "", "b"}));
  EXPECT_EQ(Split(R"("'")"), (Args{"'"}));
}

TEST(SplitArgsTest, SingleQuotesOnlyEscapeTheQuote) {
  EXPECT_EQ(Split(R"('hello world')"), (Args{"hello world"}));
  EXPECT_EQ(Split(R"('it\'s')"), (Args{"it's"}));
  EXPECT_EQ(Split(R"('a\nb\\c\x41')"), (Args{R"(a\nb\\c\x41)"}));
  EXPECT_EQ(Split(R"('"')"), (Args{"\""}));
  EXPECT_EQ(Split("''"), (Args{""}));
}

TEST(SplitArgsTest, QuotesInsideAnArgument) {
  EXPECT_EQ(Split(R"(foo"bar baz")"), (Args{"foobar baz"}));
  EXPECT_EQ(Split(R"(foo'bar' x)"), (Args{"foobar", "x"}));
  EXPECT_EQ(Split(R"(a"b"	c)"), (Args{"ab", "c"}));
}

TEST(SplitArgsTest, ClosingQuoteMustBeFollowedBySpaceOrEnd) {
  EXPECT_FALSE(SplitArgs(R"("foo"bar)").has_value());
  EXPECT_FALSE(SplitArgs(R"('foo'bar)").has_value());
  EXPECT_FALSE(SplitArgs(R"("foo""bar")").has_value());
  EXPECT_TRUE(SplitArgs("\"foo\"\v").has_value());  // \v is isspace()
  EXPECT_EQ(Split("\"foo\"\nbar"), (Args{"foo", "bar"}));
}

TEST(SplitArgsTest, UnbalancedQuotes) {
  EXPECT_FALSE(SplitArgs(R"("foo)").has_value());
  EXPECT_FALSE(SplitArgs(R"('foo)").has_value());
  EXPECT_FALSE(SplitArgs(R"(set k "v)").has_value());
  EXPECT_FALSE(SplitArgs(R"("foo\")").has_value());
  EXPECT_FALSE(SplitArgs(R"('foo\')").has_value());
  EXPECT_FALSE(SplitArgs(R"("\)").has_value());
  EXPECT_FALSE(SplitArgs("\"").has_value());
}

TEST(SplitArgsTest, NulByteEndsTheLine) {
  EXPECT_EQ(Split(std::string_view("a b\0c d", 7)), (Args{"a", "b"}));
  EXPECT_FALSE(SplitArgs(std::string_view("\"a\0\"", 4)).has_value());
}

TEST(SplitArgsTest, SplitArgsIntoReusesTheVector) {
  std::vector<std::string> out = {"stale", "values"};
  ASSERT_TRUE(SplitArgsInto("get k", &out));
  EXPECT_EQ(out, (Args{"get", "k"}));
  ASSERT_TRUE(SplitArgsInto("", &out));
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(SplitArgsInto("\"x", &out));
}

TEST(SplitArgsTest, QuoteArgMatchesSdscatrepr) {
  EXPECT_EQ(QuoteArg(""), "\"\"");
  EXPECT_EQ(QuoteArg("abc"), "\"abc\"");
  EXPECT_EQ(QuoteArg("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(QuoteArg("\n\r\t\a\b"), R"("\n\r\t\a\b")");
  EXPECT_EQ(QuoteArg(std::string("\0\x01\x7f\xff", 4)), R"("\x00\x01\x7f\xff")");
  EXPECT_EQ(QuoteArg("{title} {listen-addr}"), "\"{title} {listen-addr}\"");
}

TEST(SplitArgsTest, QuoteArgRoundTripsEveryByte) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  EXPECT_EQ(Split(QuoteArg(all)), (Args{all}));
  EXPECT_EQ(Split(QuoteArg("it's \"x\"") + " " + QuoteArg("")), (Args{"it's \"x\"", ""}));
}

}  // namespace
}  // namespace redoubt::util
