// Client-network allow-lists: IP address and CIDR parsing and matching for the global
// `allow-from` directive and for per-user source rules. Also the one parser of the textual client
// address ("ip:port") that net::Accept produces, shared with the auth throttle.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

struct sockaddr;

namespace redoubt::security {

// An IPv4 or IPv6 address. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are always stored as
// IPv4, so a client reaching a dual-stack listener matches the IPv4 rules.
struct IpAddress {
  bool v4 = true;
  std::array<uint8_t, 16> bytes = {};  // network order; IPv4 uses bytes[0..3]

  int bits() const { return v4 ? 32 : 128; }
  // 127.0.0.0/8 or ::1.
  bool IsLoopback() const;
  // The canonical text (inet_ntop), without a port.
  std::string ToString() const;
  bool operator==(const IpAddress&) const = default;
};

// An address literal without a port: "10.1.2.3", "fd00::1", "::ffff:10.1.2.3". Zone ids
// ("fe80::1%eth0") and host names are refused.
std::optional<IpAddress> ParseIp(std::string_view text);

// A client address as the server keeps it: "ip:port" (net::Accept's form, IPv6 without
// brackets, e.g. "::1:6379"; the text after the last ':' is always the port), "[ip]:port", or a
// bare IPv4 address. nullopt for anything else, including the Unix socket's "/unix:0".
std::optional<IpAddress> ParseClientAddr(std::string_view addr);

// The address of a sockaddr (AF_INET / AF_INET6); nullopt for other families.
std::optional<IpAddress> FromSockaddr(const sockaddr& sa);

// One network: an address and a prefix length. Host bits beyond the prefix must be zero
// ("10.0.0.1/24" is refused: it is almost always a typo for a host or for 10.0.0.0/24).
struct CidrBlock {
  IpAddress network;
  int prefix = 32;

  bool Contains(const IpAddress& addr) const;
  std::string ToString() const;  // "10.0.0.0/24", "fd00::/8"
  bool operator==(const CidrBlock&) const = default;
};

// "10.0.0.0/24", "fd00::/8", "10.1.2.3" (= /32), "::1" (= /128), "::ffff:10.0.0.0/120"
// (= 10.0.0.0/24). Errors name the item and the reason, e.g.
// "invalid network '10.0.0.1/24': host bits set after the /24 prefix (did you mean 10.0.0.0/24?)".
util::StatusOr<CidrBlock> ParseCidr(std::string_view text);

// A list of networks; an address is allowed when it is in any of them. An empty list allows
// every address (the `allow-from` default); use `Empty()` to tell the two apart if needed.
class CidrList {
 public:
  CidrList() = default;

  // Parses every item (all or nothing). An error names the first bad item.
  static util::StatusOr<CidrList> Parse(std::span<const std::string> items);
  static util::StatusOr<CidrList> Parse(std::span<const std::string_view> items);

  bool Empty() const { return blocks_.empty(); }
  const std::vector<CidrBlock>& blocks() const { return blocks_; }

  // True when the list is empty or the address is inside one of its networks.
  bool Allows(const IpAddress& addr) const;
  // For a client address in net::Accept's "ip:port" form. `unix_socket` clients (no IP) are
  // always allowed: the socket's file permissions are their access control. An address that
  // cannot be parsed is refused unless the list is empty (fail closed).
  bool AllowsClient(std::string_view addr, bool unix_socket) const;
  bool Allows(const sockaddr& sa) const;

  // The items in canonical form, space-separated (CONFIG GET style).
  std::string ToString() const;

 private:
  std::vector<CidrBlock> blocks_;
};

// The error text sent to a client refused by `allow-from` before the connection is closed.
// Starts with ERR so that every client library surfaces it as a plain server error.
inline constexpr std::string_view kAllowFromRefused =
    "ERR connections from this address are not allowed by the server's allow-from list";

}  // namespace redoubt::security
