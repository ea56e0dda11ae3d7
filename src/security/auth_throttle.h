// AUTH brute-force defence: per-source counting of failed AUTH / HELLO ... AUTH attempts,
// with a doubling back-off, in bounded memory and O(1) per attempt.
//
// Rules (the defaults are the config rows auth-*):
//  - Sources: an IPv4 address, or the /64 of an IPv6 address (one host usually owns a whole
//    /64, so counting single IPv6 addresses would be useless). IPv4-mapped IPv6 clients count
//    as IPv4. The whole TCP loopback range (127.0.0.0/8, ::1, ::ffff:127.0.0.0/104) is ONE
//    source: every local account can pick any 127.x.y.z, so counting them apart would give a
//    local attacker 16 million budgets. Unix-socket clients are keyed by their peer uid
//    (SO_PEERCRED): the kernel vouches for it, so one local account cannot spend another's
//    budget (a peer whose uid cannot be read shares one "unknown local" source).
//  - After `max_failures` failed attempts within `window_ms` of the first one, the source is
//    blocked for `backoff_base_ms`; every attempt while blocked is refused BEFORE the password
//    is checked (so the right password is refused too, and a blocked attacker learns nothing).
//  - Once blocked, the source stays "on probation" until a quiet `window_ms` has passed after
//    the block ends: a single further failure blocks it again for twice the previous back-off,
//    up to `backoff_max_ms`. The sustained rate of guesses is then about 1 per backoff_max_ms.
//  - Failures are counted per source, and inside a source per user name guessed at. A success
//    (a password proved for user U; the caller never reports a nopass login as one) clears
//    only the failures recorded against U; the source is forgotten (block and probation
//    included) only when no failure against any other user is left. So an attacker who owns
//    an account cannot reset its count for `admin` by logging in to its own account. Up to
//    kTrackedUsers names are counted apart per source; failures against further names go to
//    a shared count that no success clears (they expire with the source).
//  - Loopback and Unix-socket sources are exempt only if `exempt_loopback`.
//  - At most `max_addresses` sources are tracked: the least recently active one is dropped
//    when a new source must be added, and expired sources are dropped as they are met. The hash
//    is keyed SipHash (util::HashSeed), so addresses (and user names) cannot be chosen to
//    collide.
//
// Error text for a refused attempt (RefusalMessage): "ERR too many failed authentication
// attempts from this source, try again later". It carries no timing: telling the attacker
// when its block ends would let it schedule guesses to the millisecond. Deliberately NOT
// WRONGPASS: clients and operators must be able to tell throttling (retry later) from a wrong
// password, and libraries map WRONGPASS to "bad credentials", which would hide the real cause.
#pragma once

#include <array>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "security/cidr.h"

namespace redoubt::security {

struct AuthThrottleOptions {
  int64_t max_failures = 10;        // auth-max-failures; 0 turns throttling off
  int64_t window_ms = 60'000;       // auth-failure-window (seconds in the config)
  int64_t backoff_base_ms = 1'000;  // auth-backoff-base-ms
  int64_t backoff_max_ms = 60'000;  // auth-backoff-max-ms
  bool exempt_loopback = false;     // auth-throttle-exempt-loopback
  size_t max_addresses = 65'536;    // auth-throttle-max-addresses
};

class AuthThrottle {
 public:
  struct Decision {
    bool allowed = true;
    int64_t retry_after_ms = 0;  // when refused: time until the back-off ends (>= 1)
  };

  struct Stats {
    uint64_t throttled_attempts = 0;  // attempts refused because their source was blocked
    uint64_t blocks = 0;              // times a source entered a back-off
    uint64_t evictions = 0;           // sources dropped to stay under max_addresses
    size_t tracked_addresses = 0;     // sources currently remembered
    size_t throttled_addresses = 0;   // sources currently blocked (counted at call time)
  };

  // The source an attempt is counted under. Built once per connection (at accept) and kept
  // with the client, so the hot path does no parsing.
  struct Source {
    uint64_t hi = 0, lo = 0;
    bool loopback = false;
    bool operator==(const Source& o) const { return hi == o.hi && lo == o.lo; }
  };
  static Source SourceOf(const IpAddress& addr);
  // From net::Accept's "ip:port" text; a Unix-socket client is keyed by `peer_uid` (nullopt:
  // the shared "unknown local" source, as is an unparsable address).
  static Source SourceOf(std::string_view client_addr, bool unix_socket,
                         std::optional<uint32_t> peer_uid = std::nullopt);
  // The uid of the process at the other end of a Unix socket (SO_PEERCRED), or nullopt.
  static std::optional<uint32_t> PeerUid(int fd);

  explicit AuthThrottle(AuthThrottleOptions options = {});

  // New limits (CONFIG SET): existing blocks stay; sources over the new cap are dropped.
  void SetOptions(const AuthThrottleOptions& options);
  const AuthThrottleOptions& options() const { return options_; }

  // Call before checking a password. `now_ms` is a monotonic clock in milliseconds.
  Decision Check(const Source& source, int64_t now_ms);
  // Call after a wrong password (or unknown / disabled user) for `user`.
  void RecordFailure(const Source& source, std::string_view user, int64_t now_ms);
  // Call after `user` proved its password; never for a nopass user or a certificate login.
  // Clears only the failures recorded against `user` (see the rules above).
  void RecordSuccess(const Source& source, std::string_view user);

  // Stats for INFO; throttled_addresses walks the tracked sources (at most max_addresses).
  Stats GetStats(int64_t now_ms) const;
  size_t size() const { return entries_.size(); }

  // "ERR too many failed authentication attempts from this source, try again later" (no
  // leading '-': a util::Status / reply error text). No timing, whatever the decision.
  static std::string RefusalMessage(const Decision& decision);

  // User names counted apart per source; more go to Entry::other_failures.
  static constexpr size_t kTrackedUsers = 4;

 private:
  struct UserFailures {
    uint64_t user_hash = 0;
    int64_t count = 0;  // 0 = free slot
  };
  struct Entry {
    Source source;
    int64_t window_start_ms = 0;
    int64_t failures = 0;          // in the current window (blocks at max_failures)
    int64_t blocked_until_ms = 0;  // 0 = never blocked
    int64_t backoff_ms = 0;        // the last back-off given; 0 = never blocked
    std::array<UserFailures, kTrackedUsers> users{};  // all failures kept, by user
    int64_t other_failures = 0;  // against names beyond kTrackedUsers: never cleared
  };
  using Lru = std::list<Entry>;  // most recently active first
  struct SourceHash {
    size_t operator()(const Source& s) const;
  };

  bool Exempt(const Source& source) const;
  bool Expired(const Entry& e, int64_t now_ms) const;
  void Touch(Lru::iterator it);
  void Erase(Lru::iterator it);
  void DropExpiredTail(int64_t now_ms);
  void EvictToFit(size_t room);
  static uint64_t UserHash(std::string_view user);
  static void CountUser(Entry& e, uint64_t user_hash);

  AuthThrottleOptions options_;
  Lru lru_;
  std::unordered_map<Source, Lru::iterator, SourceHash> entries_;
  uint64_t throttled_attempts_ = 0;
  uint64_t blocks_ = 0;
  uint64_t evictions_ = 0;
};

}  // namespace redoubt::security
