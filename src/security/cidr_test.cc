#include "security/cidr.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <string>
#include <vector>

#include "config/config.h"
#include "config/config_internal.h"

namespace redoubt::security {
namespace {

bool Match(const std::string& cidr, const std::string& client) {
  auto block = ParseCidr(cidr);
  EXPECT_TRUE(block.ok()) << cidr << ": " << block.status().message();
  if (!block.ok()) return false;
  auto ip = ParseClientAddr(client);
  EXPECT_TRUE(ip.has_value()) << client;
  return ip && block->Contains(*ip);
}

std::string ParseError(const std::string& cidr) {
  auto block = ParseCidr(cidr);
  return block.ok() ? "<ok>" : block.status().message();
}

TEST(CidrTest, ParsesAddressesStrictly) {
  EXPECT_EQ(ParseIp("10.1.2.3")->ToString(), "10.1.2.3");
  EXPECT_EQ(ParseIp("fd00::1")->ToString(), "fd00::1");
  EXPECT_TRUE(ParseIp("::ffff:10.1.2.3")->v4);
  EXPECT_EQ(ParseIp("::ffff:10.1.2.3")->ToString(), "10.1.2.3");
  for (const char* bad : {"", "10.1", "10.1.2.3.4", "010.1.2.3", "256.1.1.1", "10.1.2.3 ",
                          "fe80::1%eth0", "localhost", "::g", "1.2.3.4/8"}) {
    EXPECT_FALSE(ParseIp(bad).has_value()) << bad;
  }
  EXPECT_FALSE(ParseIp(std::string_view("10.0.0.1\0x", 10)).has_value());
}

TEST(CidrTest, ParsesClientAddressForms) {
  EXPECT_EQ(ParseClientAddr("10.0.0.7:51234")->ToString(), "10.0.0.7");
  EXPECT_EQ(ParseClientAddr("::1:6379")->ToString(), "::1");  // net::Accept's IPv6 form
  EXPECT_EQ(ParseClientAddr("2001:db8::5:6379")->ToString(), "2001:db8::5");
  EXPECT_EQ(ParseClientAddr("[2001:db8::5]:6379")->ToString(), "2001:db8::5");
  EXPECT_EQ(ParseClientAddr("::ffff:10.0.0.7:1")->ToString(), "10.0.0.7");
  EXPECT_EQ(ParseClientAddr("10.0.0.7")->ToString(), "10.0.0.7");
  // Without brackets the text after the last ':' is the port, as net::Accept writes it.
  EXPECT_EQ(ParseClientAddr("2001:db8::1:2")->ToString(), "2001:db8::1");
  for (const char* bad : {"/unix:0", "", ":6379", "10.0.0.7:", "10.0.0.7:abc", "host:1",
                          "[::1:6379", "10.0.0.7:123456"}) {
    EXPECT_FALSE(ParseClientAddr(bad).has_value()) << bad;
  }
}

TEST(CidrTest, MatchesIpv4Networks) {
  EXPECT_TRUE(Match("10.0.0.0/24", "10.0.0.0:1"));
  EXPECT_TRUE(Match("10.0.0.0/24", "10.0.0.255:1"));
  EXPECT_FALSE(Match("10.0.0.0/24", "10.0.1.0:1"));
  EXPECT_FALSE(Match("10.0.0.0/24", "9.255.255.255:1"));
  EXPECT_TRUE(Match("10.0.0.0/23", "10.0.1.200:1"));
  EXPECT_TRUE(Match("10.1.2.3", "10.1.2.3:9"));  // bare = /32
  EXPECT_FALSE(Match("10.1.2.3", "10.1.2.4:9"));
  EXPECT_TRUE(Match("0.0.0.0/0", "203.0.113.9:1"));
  EXPECT_FALSE(Match("0.0.0.0/0", "2001:db8::1:1"));  // /0 of IPv4 is not IPv6
  EXPECT_TRUE(Match("172.16.0.0/12", "172.31.255.255:1"));
  EXPECT_FALSE(Match("172.16.0.0/12", "172.32.0.0:1"));
}

TEST(CidrTest, MatchesIpv6AndMappedClients) {
  EXPECT_TRUE(Match("fd00::/8", "fdff:1::1:80"));
  EXPECT_FALSE(Match("fd00::/8", "fe00::1:80"));
  EXPECT_TRUE(Match("2001:db8::/32", "[2001:db8:ffff::1]:80"));
  EXPECT_TRUE(Match("::1", "::1:6379"));  // bare = /128
  EXPECT_FALSE(Match("::1", "::2:6379"));
  EXPECT_TRUE(Match("::/0", "2001:db8::1:1"));
  EXPECT_FALSE(Match("::/0", "10.0.0.1:1"));
  // IPv4-mapped clients match IPv4 rules, and mapped rules are IPv4 rules.
  EXPECT_TRUE(Match("10.0.0.0/24", "::ffff:10.0.0.9:5000"));
  EXPECT_TRUE(Match("::ffff:10.0.0.0/120", "10.0.0.9:5000"));
  EXPECT_EQ(ParseCidr("::ffff:10.0.0.0/120")->ToString(), "10.0.0.0/24");
  EXPECT_EQ(ParseCidr("::ffff:10.0.0.1")->ToString(), "10.0.0.1/32");
  EXPECT_TRUE(Match("2001:db8:0:1::/65", "2001:db8:0:1:7fff::1:1"));
  EXPECT_FALSE(Match("2001:db8:0:1::/65", "2001:db8:0:1:8000::1:1"));
}

TEST(CidrTest, RefusesBadNetworksWithAReason) {
  EXPECT_EQ(ParseError("10.0.0.1/24"),
            "invalid network '10.0.0.1/24': host bits set after the /24 prefix (did you mean "
            "10.0.0.0/24?)");
  EXPECT_EQ(ParseError("10.0.0.0/33"),
            "invalid network '10.0.0.0/33': the prefix length must be at most 32");
  EXPECT_EQ(ParseError("fd00::/129"),
            "invalid network 'fd00::/129': the prefix length must be at most 128");
  EXPECT_EQ(ParseError("10.0.0.0/"),
            "invalid network '10.0.0.0/': the prefix length after '/' must be a number");
  EXPECT_EQ(ParseError("10.0.0.0/-1"),
            "invalid network '10.0.0.0/-1': the prefix length after '/' must be a number");
  EXPECT_EQ(ParseError("10.0.0.0/2x"),
            "invalid network '10.0.0.0/2x': the prefix length after '/' must be a number");
  EXPECT_EQ(ParseError("example.com/24"),
            "invalid network 'example.com/24': not an IPv4 or IPv6 address (host names are not "
            "accepted)");
  EXPECT_EQ(ParseError(""), "invalid network '': empty");
  EXPECT_EQ(ParseError("::ffff:10.0.0.0/64"),
            "invalid network '::ffff:10.0.0.0/64': an IPv4-mapped network needs a prefix length "
            "of at least 96");
  EXPECT_EQ(ParseError("fd00::1/8"),
            "invalid network 'fd00::1/8': host bits set after the /8 prefix (did you mean "
            "fd00::/8?)");
  EXPECT_EQ(ParseError("10.0.0.0/0024"),
            "invalid network '10.0.0.0/0024': the prefix length after '/' must be a number");
}

TEST(CidrListTest, EmptyAllowsAllAndListsAreAllOrNothing) {
  CidrList all;
  EXPECT_TRUE(all.Empty());
  EXPECT_TRUE(all.AllowsClient("203.0.113.1:1", false));
  EXPECT_TRUE(all.AllowsClient("garbage", false));

  const std::vector<std::string> items = {"10.0.0.0/24", "fd00::/8", "127.0.0.1"};
  auto list = CidrList::Parse(items);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->ToString(), "10.0.0.0/24 fd00::/8 127.0.0.1/32");
  EXPECT_TRUE(list->AllowsClient("10.0.0.5:1", false));
  EXPECT_TRUE(list->AllowsClient("fd12::1:1", false));
  EXPECT_TRUE(list->AllowsClient("127.0.0.1:1", false));
  EXPECT_FALSE(list->AllowsClient("127.0.0.2:1", false));
  EXPECT_FALSE(list->AllowsClient("::1:1", false));
  EXPECT_FALSE(list->AllowsClient("192.168.0.1:1", false));
  EXPECT_FALSE(list->AllowsClient("garbage", false));  // fail closed
  EXPECT_TRUE(list->AllowsClient("/unix:0", true));    // file permissions govern Unix sockets

  const std::vector<std::string> bad = {"10.0.0.0/24", "10.0.0.1/8"};
  auto err = CidrList::Parse(bad);
  ASSERT_FALSE(err.ok());
  EXPECT_NE(err.status().message().find("'10.0.0.1/8'"), std::string::npos);
}

TEST(CidrListTest, MatchesSockaddrs) {
  const std::vector<std::string> items = {"10.0.0.0/8", "2001:db8::/32"};
  auto list = CidrList::Parse(items);
  ASSERT_TRUE(list.ok());
  sockaddr_in in{};
  in.sin_family = AF_INET;
  inet_pton(AF_INET, "10.9.8.7", &in.sin_addr);
  EXPECT_TRUE(list->Allows(reinterpret_cast<const sockaddr&>(in)));
  inet_pton(AF_INET, "11.0.0.1", &in.sin_addr);
  EXPECT_FALSE(list->Allows(reinterpret_cast<const sockaddr&>(in)));
  sockaddr_in6 in6{};
  in6.sin6_family = AF_INET6;
  inet_pton(AF_INET6, "::ffff:10.1.1.1", &in6.sin6_addr);
  EXPECT_TRUE(list->Allows(reinterpret_cast<const sockaddr&>(in6)));
  inet_pton(AF_INET6, "2001:db9::1", &in6.sin6_addr);
  EXPECT_FALSE(list->Allows(reinterpret_cast<const sockaddr&>(in6)));
  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  EXPECT_TRUE(list->Allows(reinterpret_cast<const sockaddr&>(un)));
}

// The config loader validates allow-from items with its own small parser (the config module
// does not link security); both must accept and refuse the same items.
TEST(CidrListTest, ConfigValidatorAgreesWithTheMatcher) {
  for (const char* item : {"10.0.0.0/24",
                           "10.0.0.1/24",
                           "10.0.0.0/33",
                           "10.0.0.0/",
                           "10.0.0.0/-1",
                           "fd00::/8",
                           "fd00::1/8",
                           "fd00::/129",
                           "::ffff:10.0.0.0/120",
                           "::ffff:10.0.0.1/120",
                           "::ffff:10.0.0.0/64",
                           "10.1",
                           "localhost",
                           "",
                           "::1",
                           "127.0.0.1",
                           "0.0.0.0/0",
                           "::/0",
                           "fe80::1%eth0",
                           "1.2.3.4/032",
                           "10.0.0.0/2x",
                           "2001:db8::/32"}) {
    const bool matcher_ok = ParseCidr(item).ok();
    const bool config_ok = config::internal::CheckAllowFromItem(item).ok();
    EXPECT_EQ(matcher_ok, config_ok) << item;
  }
}

TEST(CidrListTest, LoadsFromTheAllowFromDirective) {
  config::Config c;
  ASSERT_TRUE(c.LoadString("allow-from 10.0.0.0/24 fd00::/8\n", "t").ok());
  EXPECT_EQ(c.values().allow_from, (std::vector<std::string>{"10.0.0.0/24", "fd00::/8"}));
  auto list = CidrList::Parse(c.values().allow_from);
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->AllowsClient("10.0.0.1:5", false));
  EXPECT_FALSE(list->AllowsClient("10.0.1.1:5", false));
}

}  // namespace
}  // namespace redoubt::security
