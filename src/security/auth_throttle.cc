// AuthThrottle: an LRU list of sources plus a hash index into it; every operation touches one
// entry and drops at most a few expired or excess ones, so each attempt costs O(1).
#include "security/auth_throttle.h"

#include <sys/socket.h>

#include <algorithm>
#include <cstring>

#include "util/siphash.h"

namespace redoubt::security {
namespace {

// Source::lo = kind << 32 | IPv4 address or uid. Kinds keep IPv4, IPv6 /64, TCP loopback,
// Unix-socket uids and the unknown local peer apart.
constexpr uint64_t kKindV4 = 1;
constexpr uint64_t kKindV6 = 2;
constexpr uint64_t kKindLoopback = 3;
constexpr uint64_t kKindUnixUid = 4;
constexpr uint64_t kKindUnknownLocal = 5;

// How many expired entries one call may drop from the LRU tail (amortised clean-up).
constexpr int kExpireSteps = 2;

}  // namespace

AuthThrottle::Source AuthThrottle::SourceOf(const IpAddress& addr) {
  Source s;
  s.loopback = addr.IsLoopback();
  if (s.loopback) {
    s.lo = kKindLoopback << 32;  // 127.0.0.0/8, ::1 and mapped 127/8 (parsed as IPv4) alike
  } else if (addr.v4) {
    uint32_t ip = 0;
    for (int i = 0; i < 4; ++i) ip = (ip << 8) | addr.bytes[i];
    s.lo = (kKindV4 << 32) | ip;
  } else {
    for (int i = 0; i < 8; ++i) s.hi = (s.hi << 8) | addr.bytes[i];  // the /64
    s.lo = kKindV6 << 32;
  }
  return s;
}

AuthThrottle::Source AuthThrottle::SourceOf(std::string_view client_addr, bool unix_socket,
                                            std::optional<uint32_t> peer_uid) {
  if (!unix_socket) {
    if (std::optional<IpAddress> ip = ParseClientAddr(client_addr)) return SourceOf(*ip);
  }
  Source s;
  s.loopback = true;
  if (unix_socket && peer_uid.has_value()) {
    s.lo = (kKindUnixUid << 32) | *peer_uid;
  } else {
    s.lo = kKindUnknownLocal << 32;
  }
  return s;
}

std::optional<uint32_t> AuthThrottle::PeerUid(int fd) {
  ucred cred{};
  socklen_t len = sizeof(cred);
  if (fd < 0 || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof(cred)) {
    return std::nullopt;
  }
  return static_cast<uint32_t>(cred.uid);
}

uint64_t AuthThrottle::UserHash(std::string_view user) { return util::HashBytes(user); }

void AuthThrottle::CountUser(Entry& e, uint64_t user_hash) {
  UserFailures* free_slot = nullptr;
  for (UserFailures& u : e.users) {
    if (u.count > 0 && u.user_hash == user_hash) {
      ++u.count;
      return;
    }
    if (u.count == 0 && free_slot == nullptr) free_slot = &u;
  }
  if (free_slot == nullptr) {
    ++e.other_failures;
    return;
  }
  *free_slot = UserFailures{.user_hash = user_hash, .count = 1};
}

size_t AuthThrottle::SourceHash::operator()(const Source& s) const {
  uint64_t words[2] = {s.hi, s.lo};
  return static_cast<size_t>(util::SipHash13(words, sizeof(words), util::HashSeed()));
}

AuthThrottle::AuthThrottle(AuthThrottleOptions options) { SetOptions(options); }

void AuthThrottle::SetOptions(const AuthThrottleOptions& options) {
  options_ = options;
  options_.max_addresses = std::max<size_t>(options_.max_addresses, 1);
  options_.backoff_base_ms = std::max<int64_t>(options_.backoff_base_ms, 1);
  options_.backoff_max_ms = std::max(options_.backoff_max_ms, options_.backoff_base_ms);
  options_.window_ms = std::max<int64_t>(options_.window_ms, 1);
  EvictToFit(0);
}

bool AuthThrottle::Exempt(const Source& source) const {
  return options_.max_failures <= 0 || (options_.exempt_loopback && source.loopback);
}

// Forgotten once the failure window has passed and, for a source that was blocked, a quiet
// window has also passed after its block ended.
bool AuthThrottle::Expired(const Entry& e, int64_t now_ms) const {
  if (now_ms - e.window_start_ms < options_.window_ms) return false;
  return e.backoff_ms == 0 || now_ms - e.blocked_until_ms >= options_.window_ms;
}

void AuthThrottle::Touch(Lru::iterator it) {
  if (it != lru_.begin()) lru_.splice(lru_.begin(), lru_, it);
}

void AuthThrottle::Erase(Lru::iterator it) {
  entries_.erase(it->source);
  lru_.erase(it);
}

void AuthThrottle::DropExpiredTail(int64_t now_ms) {
  for (int i = 0; i < kExpireSteps && !lru_.empty(); ++i) {
    auto last = std::prev(lru_.end());
    if (!Expired(*last, now_ms)) return;
    Erase(last);
  }
}

void AuthThrottle::EvictToFit(size_t room) {
  while (!lru_.empty() && lru_.size() + room > options_.max_addresses) {
    Erase(std::prev(lru_.end()));
    ++evictions_;
  }
}

AuthThrottle::Decision AuthThrottle::Check(const Source& source, int64_t now_ms) {
  if (Exempt(source)) return {};
  DropExpiredTail(now_ms);
  auto found = entries_.find(source);
  if (found == entries_.end()) return {};
  Lru::iterator it = found->second;
  if (Expired(*it, now_ms)) {
    Erase(it);
    return {};
  }
  Touch(it);  // an active attacker's entry is never the one evicted first
  if (now_ms < it->blocked_until_ms) {
    ++throttled_attempts_;
    return {false, it->blocked_until_ms - now_ms};
  }
  return {};
}

void AuthThrottle::RecordFailure(const Source& source, std::string_view user, int64_t now_ms) {
  if (Exempt(source)) return;
  DropExpiredTail(now_ms);
  auto found = entries_.find(source);
  Lru::iterator it;
  if (found != entries_.end() && !Expired(*found->second, now_ms)) {
    it = found->second;
    Touch(it);
  } else {
    if (found != entries_.end()) Erase(found->second);
    EvictToFit(1);
    lru_.push_front(Entry{.source = source, .window_start_ms = now_ms});
    it = lru_.begin();
    entries_.emplace(source, it);
  }
  Entry& e = *it;
  if (now_ms < e.blocked_until_ms) return;  // already blocked (a caller that skipped Check)
  CountUser(e, UserHash(user));
  if (e.backoff_ms > 0) {
    // On probation after a block: one more failure blocks again, for twice as long.
    e.backoff_ms = std::min(
        e.backoff_ms > options_.backoff_max_ms / 2 ? options_.backoff_max_ms : e.backoff_ms * 2,
        options_.backoff_max_ms);
  } else {
    if (now_ms - e.window_start_ms >= options_.window_ms) {
      e.window_start_ms = now_ms;
      e.failures = 0;
      e.users = {};
      e.other_failures = 0;
      CountUser(e, UserHash(user));
    }
    if (++e.failures < options_.max_failures) return;
    e.backoff_ms = options_.backoff_base_ms;
  }
  e.window_start_ms = now_ms;
  e.blocked_until_ms = now_ms + e.backoff_ms;
  ++blocks_;
}

void AuthThrottle::RecordSuccess(const Source& source, std::string_view user) {
  auto found = entries_.find(source);
  if (found == entries_.end()) return;
  Entry& e = *found->second;
  const uint64_t h = UserHash(user);
  int64_t left = e.other_failures;
  for (UserFailures& u : e.users) {
    if (u.count > 0 && u.user_hash == h) {
      e.failures = std::max<int64_t>(e.failures - u.count, 0);
      u = UserFailures{};
    }
    left += u.count;
  }
  // Nothing recorded against anyone else: the source is clean again (block and probation too).
  if (left == 0) Erase(found->second);
}

AuthThrottle::Stats AuthThrottle::GetStats(int64_t now_ms) const {
  Stats s;
  s.throttled_attempts = throttled_attempts_;
  s.blocks = blocks_;
  s.evictions = evictions_;
  s.tracked_addresses = lru_.size();
  for (const Entry& e : lru_) {
    if (now_ms < e.blocked_until_ms) ++s.throttled_addresses;
  }
  return s;
}

std::string AuthThrottle::RefusalMessage(const Decision& /*decision*/) {
  return "ERR too many failed authentication attempts from this source, try again later";
}

}  // namespace redoubt::security
