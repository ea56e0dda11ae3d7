#include "security/auth_throttle.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace redoubt::security {
namespace {

using Source = AuthThrottle::Source;

Source V4(const std::string& ip) { return AuthThrottle::SourceOf(ip + ":5000", false); }

// Fails `n` times at `now`, checking first as the server does; returns how many were refused.
int FailMany(AuthThrottle& t, const Source& s, int n, int64_t now,
             std::string_view user = "admin") {
  int refused = 0;
  for (int i = 0; i < n; ++i) {
    if (!t.Check(s, now).allowed) {
      ++refused;
      continue;
    }
    t.RecordFailure(s, user, now);
  }
  return refused;
}

TEST(AuthThrottleTest, BlocksAfterMaxFailuresWithinTheWindow) {
  AuthThrottle t;  // 10 failures / 60 s, back-off 1 s .. 60 s
  const Source a = V4("10.0.0.1");
  for (int i = 0; i < 9; ++i) {
    ASSERT_TRUE(t.Check(a, 1000 + i).allowed) << i;
    t.RecordFailure(a, "admin", 1000 + i);
  }
  EXPECT_TRUE(t.Check(a, 1009).allowed);
  t.RecordFailure(a, "admin", 1009);  // the 10th failure starts the back-off
  AuthThrottle::Decision d = t.Check(a, 1010);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_ms, 999);
  EXPECT_EQ(AuthThrottle::RefusalMessage(d),
            "ERR too many failed authentication attempts from this source, try again later");
  EXPECT_TRUE(t.Check(a, 2009).allowed);  // the back-off has ended
  EXPECT_EQ(t.GetStats(1500).throttled_addresses, 1u);
  EXPECT_EQ(t.GetStats(1500).throttled_attempts, 1u);
}

TEST(AuthThrottleTest, FailuresOutsideTheWindowDoNotAddUp) {
  AuthThrottle t;
  const Source a = V4("10.0.0.1");
  EXPECT_EQ(FailMany(t, a, 9, 0), 0);
  // 60 s later the window restarts: 9 more failures still do not block.
  EXPECT_EQ(FailMany(t, a, 9, 60'000), 0);
  EXPECT_TRUE(t.Check(a, 60'001).allowed);
  t.RecordFailure(a, "admin", 60'001);  // 10th in the new window
  EXPECT_FALSE(t.Check(a, 60'002).allowed);
}

TEST(AuthThrottleTest, BackoffDoublesUpToTheCap) {
  AuthThrottle t(AuthThrottleOptions{
      .max_failures = 3, .window_ms = 10'000, .backoff_base_ms = 1000, .backoff_max_ms = 5000});
  const Source a = V4("192.0.2.7");
  int64_t now = 0;
  FailMany(t, a, 3, now);
  std::vector<int64_t> backoffs;
  for (int round = 0; round < 5; ++round) {
    const AuthThrottle::Decision d = t.Check(a, now);
    ASSERT_FALSE(d.allowed);
    backoffs.push_back(d.retry_after_ms);
    now += d.retry_after_ms;
    ASSERT_TRUE(t.Check(a, now).allowed);
    t.RecordFailure(a, "admin", now);  // on probation: one failure blocks again
  }
  EXPECT_EQ(backoffs, (std::vector<int64_t>{1000, 2000, 4000, 5000, 5000}));
  EXPECT_EQ(t.GetStats(now).blocks, 6u);
}

TEST(AuthThrottleTest, ProbationEndsAfterAQuietWindow) {
  AuthThrottle t(AuthThrottleOptions{.max_failures = 2, .window_ms = 1000});
  const Source a = V4("192.0.2.7");
  FailMany(t, a, 2, 0);  // blocked until 1000
  EXPECT_FALSE(t.Check(a, 999).allowed);
  // A quiet window after the block ends: forgotten, a single failure no longer blocks.
  EXPECT_TRUE(t.Check(a, 2000).allowed);
  t.RecordFailure(a, "admin", 2000);
  EXPECT_TRUE(t.Check(a, 2001).allowed);
}

TEST(AuthThrottleTest, BackoffArithmeticDoesNotOverflow) {
  AuthThrottle t(AuthThrottleOptions{
      .max_failures = 1, .window_ms = 1, .backoff_base_ms = 1, .backoff_max_ms = INT64_MAX / 2});
  const Source a = V4("192.0.2.8");
  int64_t now = 0;
  for (int i = 0; i < 80; ++i) {
    t.RecordFailure(a, "admin", now);
    const AuthThrottle::Decision d = t.Check(a, now);
    ASSERT_FALSE(d.allowed);
    ASSERT_GT(d.retry_after_ms, 0);
    ASSERT_LE(d.retry_after_ms, INT64_MAX / 2);
    if (d.retry_after_ms > (int64_t{1} << 40)) break;
    now += d.retry_after_ms;
  }
}

TEST(AuthThrottleTest, RightPasswordIsRefusedWhileBlockedAndSuccessResets) {
  AuthThrottle t;
  const Source a = V4("10.0.0.1");
  FailMany(t, a, 10, 0);
  // The server checks before verifying the password, so even the right one is refused.
  EXPECT_FALSE(t.Check(a, 10).allowed);
  // After the back-off the right password works and resets the address completely.
  ASSERT_TRUE(t.Check(a, 1000).allowed);
  t.RecordSuccess(a, "admin");
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(FailMany(t, a, 9, 1001), 0);
  EXPECT_TRUE(t.Check(a, 1002).allowed);
}

TEST(AuthThrottleTest, OtherAddressesAreUnaffected) {
  AuthThrottle t;
  FailMany(t, V4("10.0.0.1"), 10, 0);
  EXPECT_FALSE(t.Check(V4("10.0.0.1"), 1).allowed);
  EXPECT_TRUE(t.Check(V4("10.0.0.2"), 1).allowed);
  EXPECT_TRUE(t.Check(AuthThrottle::SourceOf("2001:db8::1:6379", false), 1).allowed);
}

TEST(AuthThrottleTest, Ipv6IsGroupedBySlash64) {
  AuthThrottle t;
  // Ten failures from ten addresses of one /64 block the whole /64 ...
  for (int i = 0; i < 10; ++i) {
    const Source s =
        AuthThrottle::SourceOf("2001:db8:1:2::" + std::to_string(i + 1) + ":7000", false);
    t.RecordFailure(s, "admin", 0);
  }
  EXPECT_FALSE(t.Check(AuthThrottle::SourceOf("2001:db8:1:2:ffff::9:1", false), 1).allowed);
  EXPECT_FALSE(t.Check(AuthThrottle::SourceOf("[2001:db8:1:2::abcd]:1", false), 1).allowed);
  // ... but not the neighbouring /64.
  EXPECT_TRUE(t.Check(AuthThrottle::SourceOf("2001:db8:1:3::1:1", false), 1).allowed);
  EXPECT_EQ(t.size(), 1u);
}

TEST(AuthThrottleTest, Ipv4MappedCountsAsIpv4) {
  EXPECT_EQ(AuthThrottle::SourceOf("::ffff:10.0.0.1:5000", false), V4("10.0.0.1"));
  EXPECT_FALSE(AuthThrottle::SourceOf("::ffff:10.0.0.1:5000", false) == V4("10.0.0.2"));
  // An IPv6 /64 never collides with an IPv4 address or the local source.
  EXPECT_FALSE(AuthThrottle::SourceOf("::1:5", false) == V4("0.0.0.0"));
  EXPECT_FALSE(AuthThrottle::SourceOf("::1:5", false) == AuthThrottle::SourceOf("/unix:0", true));
}

TEST(AuthThrottleTest, LoopbackIsExemptOnlyWhenConfigured) {
  const Source lo4 = V4("127.0.0.1");
  const Source lo6 = AuthThrottle::SourceOf("::1:6379", false);
  const Source unix_socket = AuthThrottle::SourceOf("/unix:0", true);
  EXPECT_TRUE(lo4.loopback);
  EXPECT_TRUE(lo6.loopback);
  EXPECT_TRUE(unix_socket.loopback);
  EXPECT_FALSE(V4("10.0.0.1").loopback);

  AuthThrottle strict;  // default: loopback is throttled too
  FailMany(strict, lo4, 10, 0);
  EXPECT_FALSE(strict.Check(lo4, 1).allowed);

  AuthThrottle lenient(AuthThrottleOptions{.exempt_loopback = true});
  for (const Source& s : {lo4, lo6, unix_socket}) {
    EXPECT_EQ(FailMany(lenient, s, 100, 0), 0);
    EXPECT_TRUE(lenient.Check(s, 1).allowed);
  }
  EXPECT_EQ(lenient.size(), 0u);
  FailMany(lenient, V4("10.0.0.1"), 10, 0);
  EXPECT_FALSE(lenient.Check(V4("10.0.0.1"), 1).allowed);
}

TEST(AuthThrottleTest, ZeroMaxFailuresTurnsItOff) {
  AuthThrottle t(AuthThrottleOptions{.max_failures = 0});
  EXPECT_EQ(FailMany(t, V4("10.0.0.1"), 1000, 0), 0);
  EXPECT_EQ(t.size(), 0u);
}

TEST(AuthThrottleTest, MemoryIsBoundedUnderAMillionAddresses) {
  AuthThrottle t(AuthThrottleOptions{.max_addresses = 4096});
  size_t max_seen = 0;
  for (uint32_t i = 0; i < 1'000'000; ++i) {
    const std::string ip = std::to_string(10 + (i >> 16)) + "." + std::to_string((i >> 8) & 255) +
                           "." + std::to_string(i & 255) + ".1";
    const Source s = V4(ip);
    if (t.Check(s, i).allowed) t.RecordFailure(s, "admin", i);
    max_seen = std::max(max_seen, t.size());
  }
  EXPECT_LE(max_seen, 4096u);
  const AuthThrottle::Stats st = t.GetStats(1'000'000);
  EXPECT_EQ(st.tracked_addresses, t.size());
  EXPECT_GE(st.evictions, 1'000'000u - 4096u);
}

TEST(AuthThrottleTest, ExpiredEntriesAreDroppedAsTimePasses) {
  AuthThrottle t(AuthThrottleOptions{.window_ms = 1000});
  for (int i = 0; i < 100; ++i) t.RecordFailure(V4("10.0.1." + std::to_string(i)), "admin", 0);
  EXPECT_EQ(t.size(), 100u);
  // Each later call drops up to two expired entries from the old end.
  for (int i = 0; i < 60; ++i) {
    EXPECT_TRUE(t.Check(V4("10.9.9.9"), 5000 + i).allowed);
  }
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.GetStats(6000).evictions, 0u);
}

TEST(AuthThrottleTest, AnActiveAttackerIsNotTheFirstEvicted) {
  AuthThrottle t(AuthThrottleOptions{.max_addresses = 8});
  const Source attacker = V4("10.0.0.1");
  FailMany(t, attacker, 10, 0);
  for (int i = 0; i < 100; ++i) {
    EXPECT_FALSE(t.Check(attacker, i).allowed) << i;  // touching keeps it recent
    t.RecordFailure(V4("10.1.0." + std::to_string(i)), "admin", i);
  }
}

TEST(AuthThrottleTest, ShrinkingTheCapEvicts) {
  AuthThrottle t;
  for (int i = 0; i < 50; ++i) t.RecordFailure(V4("10.2.0." + std::to_string(i)), "admin", 0);
  AuthThrottleOptions o = t.options();
  o.max_addresses = 10;
  t.SetOptions(o);
  EXPECT_EQ(t.size(), 10u);
}

TEST(AuthThrottleTest, RefusalNeverTellsTheTimeLeft) {
  for (int64_t ms : {1, 999, 60'000}) {
    const std::string m = AuthThrottle::RefusalMessage({false, ms});
    EXPECT_EQ(m.find_first_of("0123456789"), std::string::npos) << m;
    EXPECT_EQ(m.rfind("ERR too many failed authentication attempts", 0), 0u) << m;
  }
}

// The interleaved attack: 9 guesses for admin, then a login to the attacker's own account.
TEST(AuthThrottleTest, SuccessForAnotherUserDoesNotClearFailuresAgainstAdmin) {
  AuthThrottle t;  // 10 failures
  const Source a = V4("10.0.0.1");
  EXPECT_EQ(FailMany(t, a, 9, 0, "admin"), 0);
  ASSERT_TRUE(t.Check(a, 1).allowed);
  t.RecordSuccess(a, "low");  // the attacker's own account
  t.RecordSuccess(a, "default");
  EXPECT_EQ(FailMany(t, a, 1, 2, "admin"), 0);
  EXPECT_FALSE(t.Check(a, 3).allowed);
}

TEST(AuthThrottleTest, SuccessClearsOnlyThatUsersFailures) {
  AuthThrottle t;
  const Source a = V4("10.0.0.1");
  FailMany(t, a, 5, 0, "admin");
  FailMany(t, a, 4, 0, "low");
  t.RecordSuccess(a, "low");  // the 4 against low are gone, the 5 against admin stay
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(FailMany(t, a, 4, 1, "admin"), 0);
  EXPECT_TRUE(t.Check(a, 2).allowed);
  t.RecordFailure(a, "admin", 2);  // the 10th in the window
  EXPECT_FALSE(t.Check(a, 3).allowed);
}

TEST(AuthThrottleTest, SuccessForTheOnlyUserGuessedForgetsTheSource) {
  AuthThrottle t;
  const Source a = V4("10.0.0.1");
  FailMany(t, a, 9, 0, "admin");
  t.RecordSuccess(a, "admin");  // an operator who mistyped, then got it right
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(FailMany(t, a, 9, 1, "admin"), 0);
}

TEST(AuthThrottleTest, UsersBeyondTheTrackedOnesAreNeverCleared) {
  AuthThrottle t;
  const Source a = V4("10.0.0.1");
  // One failure each for many names: the ones past kTrackedUsers share a count.
  const std::vector<std::string> names = {"u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8"};
  for (const std::string& n : names) FailMany(t, a, 1, 0, n);
  for (const std::string& n : names) t.RecordSuccess(a, n);
  EXPECT_EQ(t.size(), 1u);  // 9 - kTrackedUsers failures remain
  EXPECT_EQ(FailMany(t, a, 10 - 9 + static_cast<int>(AuthThrottle::kTrackedUsers) - 1, 1), 0);
  EXPECT_TRUE(t.Check(a, 2).allowed);
  t.RecordFailure(a, "admin", 2);
  EXPECT_FALSE(t.Check(a, 3).allowed);
}

TEST(AuthThrottleTest, TheWholeLoopbackRangeIsOneSource) {
  const Source lo = V4("127.0.0.1");
  EXPECT_EQ(V4("127.1.2.3"), lo);
  EXPECT_EQ(V4("127.255.255.254"), lo);
  EXPECT_EQ(AuthThrottle::SourceOf("::1:6379", false), lo);
  EXPECT_EQ(AuthThrottle::SourceOf("::ffff:127.9.9.9:6379", false), lo);
  EXPECT_FALSE(V4("128.0.0.1") == lo);
  AuthThrottle t;
  for (int i = 0; i < 10; ++i) {
    t.RecordFailure(V4("127.0.0." + std::to_string(i + 1)), "admin", 0);
  }
  EXPECT_FALSE(t.Check(V4("127.200.0.1"), 1).allowed);
}

TEST(AuthThrottleTest, UnixSocketClientsAreKeyedByPeerUid) {
  const Source root = AuthThrottle::SourceOf("/tmp/r.sock:0", true, 0u);
  const Source nobody = AuthThrottle::SourceOf("/tmp/r.sock:0", true, 65534u);
  const Source unknown = AuthThrottle::SourceOf("/tmp/r.sock:0", true);
  EXPECT_FALSE(root == nobody);
  EXPECT_FALSE(root == unknown);
  EXPECT_FALSE(root == V4("127.0.0.1"));  // nor the TCP loopback source
  EXPECT_TRUE(root.loopback && nobody.loopback && unknown.loopback);
  AuthThrottle t;
  FailMany(t, nobody, 10, 0);
  EXPECT_FALSE(t.Check(nobody, 1).allowed);
  EXPECT_TRUE(t.Check(root, 1).allowed);
}

}  // namespace
}  // namespace redoubt::security
