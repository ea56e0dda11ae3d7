// IP / CIDR parsing with inet_pton (strict: no inet_aton shorthand like "10.1" or octal) and
// prefix matching over the address bytes.
#include "security/cidr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace redoubt::security {
namespace {

constexpr uint8_t kV4MappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

IpAddress FromV6Bytes(const uint8_t* b) {
  IpAddress a;
  if (std::memcmp(b, kV4MappedPrefix, sizeof(kV4MappedPrefix)) == 0) {
    a.v4 = true;
    std::memcpy(a.bytes.data(), b + 12, 4);
  } else {
    a.v4 = false;
    std::memcpy(a.bytes.data(), b, 16);
  }
  return a;
}

// True when every bit of `a` after the first `prefix` bits is zero.
bool HostBitsZero(const IpAddress& a, int prefix) {
  const int total = a.bits();
  for (int bit = prefix; bit < total; ++bit) {
    if (a.bytes[bit / 8] & (0x80 >> (bit % 8))) return false;
  }
  return true;
}

IpAddress Masked(IpAddress a, int prefix) {
  for (int bit = prefix; bit < a.bits(); ++bit) {
    a.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80 >> (bit % 8)));
  }
  return a;
}

util::Status Invalid(std::string_view item, std::string_view reason) {
  std::string msg = "invalid network '";
  msg += item;
  msg += "': ";
  msg += reason;
  return util::Status::Error(std::move(msg));
}

}  // namespace

bool IpAddress::IsLoopback() const {
  if (v4) return bytes[0] == 127;
  for (int i = 0; i < 15; ++i) {
    if (bytes[i] != 0) return false;
  }
  return bytes[15] == 1;
}

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN] = "";
  inet_ntop(v4 ? AF_INET : AF_INET6, bytes.data(), buf, sizeof(buf));
  return buf;
}

std::optional<IpAddress> ParseIp(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char buf[INET6_ADDRSTRLEN];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  if (std::strlen(buf) != text.size()) return std::nullopt;  // embedded NUL
  uint8_t raw[16];
  if (text.find(':') == std::string_view::npos) {
    if (inet_pton(AF_INET, buf, raw) != 1) return std::nullopt;
    IpAddress a;
    std::memcpy(a.bytes.data(), raw, 4);
    return a;
  }
  if (inet_pton(AF_INET6, buf, raw) != 1) return std::nullopt;
  return FromV6Bytes(raw);
}

std::optional<IpAddress> ParseClientAddr(std::string_view addr) {
  if (!addr.empty() && addr.front() == '[') {
    const size_t close = addr.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    return ParseIp(addr.substr(1, close - 1));
  }
  const size_t colon = addr.rfind(':');
  if (colon == std::string_view::npos) return ParseIp(addr);  // a bare IPv4 address
  // With a colon the last ":port" is always split off: "::1:6379" is ::1 port 6379, never the
  // IPv6 address ::1:6379 (net::Accept writes IPv6 addresses without brackets).
  if (colon == 0) return std::nullopt;
  const std::string_view port = addr.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  return ParseIp(addr.substr(0, colon));
}

std::optional<IpAddress> FromSockaddr(const sockaddr& sa) {
  if (sa.sa_family == AF_INET) {
    sockaddr_in in;
    std::memcpy(&in, &sa, sizeof(in));
    IpAddress a;
    std::memcpy(a.bytes.data(), &in.sin_addr, 4);
    return a;
  }
  if (sa.sa_family == AF_INET6) {
    sockaddr_in6 in6;
    std::memcpy(&in6, &sa, sizeof(in6));
    return FromV6Bytes(in6.sin6_addr.s6_addr);
  }
  return std::nullopt;
}

bool CidrBlock::Contains(const IpAddress& addr) const {
  if (addr.v4 != network.v4) return false;
  const int full = prefix / 8;
  if (std::memcmp(addr.bytes.data(), network.bytes.data(), full) != 0) return false;
  const int rest = prefix % 8;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (addr.bytes[full] & mask) == (network.bytes[full] & mask);
}

std::string CidrBlock::ToString() const {
  return network.ToString() + "/" + std::to_string(prefix);
}

util::StatusOr<CidrBlock> ParseCidr(std::string_view text) {
  if (text.empty()) return Invalid(text, "empty");
  const size_t slash = text.find('/');
  const std::string_view addr_text = text.substr(0, slash);
  std::optional<IpAddress> addr = ParseIp(addr_text);
  if (!addr) {
    return Invalid(text, "not an IPv4 or IPv6 address (host names are not accepted)");
  }
  // An IPv4-mapped network is written with an IPv6 prefix length (96 + the IPv4 one).
  const bool mapped = addr->v4 && addr_text.find(':') != std::string_view::npos;
  const int max_prefix = mapped ? 128 : addr->bits();
  int prefix = max_prefix;
  if (slash != std::string_view::npos) {
    const std::string_view len = text.substr(slash + 1);
    if (len.empty() || len.size() > 3 ||
        len.find_first_not_of("0123456789") != std::string_view::npos) {
      return Invalid(text, "the prefix length after '/' must be a number");
    }
    prefix = 0;
    for (char c : len) prefix = prefix * 10 + (c - '0');
    if (prefix > max_prefix) {
      return Invalid(text, "the prefix length must be at most " + std::to_string(max_prefix));
    }
    if (mapped && prefix < 96) {
      return Invalid(text, "an IPv4-mapped network needs a prefix length of at least 96");
    }
  }
  if (mapped) prefix -= 96;
  if (!HostBitsZero(*addr, prefix)) {
    const CidrBlock suggestion{Masked(*addr, prefix), prefix};
    return Invalid(text, "host bits set after the /" + std::to_string(prefix) +
                             " prefix (did you mean " + suggestion.ToString() + "?)");
  }
  return CidrBlock{*addr, prefix};
}

util::StatusOr<CidrList> CidrList::Parse(std::span<const std::string> items) {
  std::vector<std::string_view> views(items.begin(), items.end());
  return Parse(std::span<const std::string_view>(views));
}

util::StatusOr<CidrList> CidrList::Parse(std::span<const std::string_view> items) {
  CidrList list;
  for (std::string_view item : items) {
    util::StatusOr<CidrBlock> block = ParseCidr(item);
    if (!block.ok()) return block.status();
    list.blocks_.push_back(*block);
  }
  return list;
}

bool CidrList::Allows(const IpAddress& addr) const {
  if (blocks_.empty()) return true;
  for (const CidrBlock& block : blocks_) {
    if (block.Contains(addr)) return true;
  }
  return false;
}

bool CidrList::AllowsClient(std::string_view addr, bool unix_socket) const {
  if (blocks_.empty() || unix_socket) return true;
  std::optional<IpAddress> ip = ParseClientAddr(addr);
  return ip && Allows(*ip);
}

bool CidrList::Allows(const sockaddr& sa) const {
  if (blocks_.empty()) return true;
  if (sa.sa_family == AF_UNIX) return true;
  std::optional<IpAddress> ip = FromSockaddr(sa);
  return ip && Allows(*ip);
}

std::string CidrList::ToString() const {
  std::string out;
  for (const CidrBlock& block : blocks_) {
    if (!out.empty()) out += ' ';
    out += block.ToString();
  }
  return out;
}

}  // namespace redoubt::security
