#include "store/evict.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "store/lazyfree.h"

namespace redoubt::store {
namespace {

uint64_t Counter() {
  // splitmix64: sampling needs well spread numbers.
  static uint64_t x = 42;
  uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

TEST(LfuTest, LogIncrementSlowsDownAsTheCounterGrows) {
  // Below the initial value every access counts; above, with probability 1/((c-5)*f+1).
  EXPECT_EQ(LfuLogIncr(0, 10, 0.99), 1);
  EXPECT_EQ(LfuLogIncr(5, 10, 0.99), 6);
  EXPECT_EQ(LfuLogIncr(6, 10, 0.10), 6);  // p = 1/11
  EXPECT_EQ(LfuLogIncr(6, 10, 0.05), 7);
  EXPECT_EQ(LfuLogIncr(255, 10, 0.0), 255);
  EXPECT_EQ(LfuLogIncr(100, 0, 0.999), 101);  // factor 0: always
}

TEST(LfuTest, DecayTakesOnePerPeriodElapsed) {
  uint32_t lru = (100u << 8) | 20;
  EXPECT_EQ(LfuDecay(lru, 100, 1), 20);
  EXPECT_EQ(LfuDecay(lru, 105, 1), 15);
  EXPECT_EQ(LfuDecay(lru, 105, 2), 18);
  EXPECT_EQ(LfuDecay(lru, 200, 1), 0);
  EXPECT_EQ(LfuDecay(lru, 200, 0), 20);  // decay time 0: never decays
  // The 16-bit minutes wrap.
  EXPECT_EQ(LfuDecay((65530u << 8) | 20, 4, 1), 11);
}

TEST(LfuTest, ManyAccessesGrowTheCounterLogarithmically) {
  uint32_t lru = (LfuMinutes(0) << 8) | kLfuInitVal;
  for (int i = 0; i < 100000; ++i) lru = LfuTouch(lru, 0, 10, 1);
  int c = static_cast<int>(lru & 255);
  // Redis's table for lfu-log-factor 10: 18 at 1K hits, 142 at 100K, 255 at 1M.
  EXPECT_GE(c, 120);
  EXPECT_LE(c, 165);
}

TEST(LruTest, IdleWrapsWithThe24BitClock) {
  EXPECT_EQ(LruIdle(100, 150), 50u);
  EXPECT_EQ(LruIdle((1u << 24) - 10, 5), 14u);
}

TEST(LruTest, AccessInfoFollowsThePolicyAsRedis) {
  Clock clock;
  clock.lru_clock = 1000;
  clock.now_ms = 120 * 60000;  // minute 120
  uint32_t lru = 7;
  // LRU clock: the idle time counts, the counter is ignored.
  EXPECT_TRUE(LruFromAccessInfo(clock, 40, 200, &lru));
  EXPECT_EQ(lru, 960u);
  EXPECT_EQ(LruIdle(lru, clock.lru_clock), 40u);
  EXPECT_TRUE(LruFromAccessInfo(clock, 1010, -1, &lru));  // before the clock wrapped
  EXPECT_EQ(LruIdle(lru, clock.lru_clock), 1010u);
  lru = 7;
  // Beyond one wrap of the 24-bit clock the idle time reads back modulo 2^24 (values seen
  // from OBJECT IDLETIME on Redis 7.0.15 with its clock at 377879).
  clock.lru_clock = 377879;
  for (auto [idle, seen] : {std::pair<int64_t, uint32_t>{20000000, 3222784},
                            {16777215, 0},
                            {1000000000000, 10817536}}) {
    ASSERT_TRUE(LruFromAccessInfo(clock, idle, -1, &lru));
    EXPECT_EQ(LruIdle(lru, clock.lru_clock), seen) << idle;
  }
  clock.lru_clock = 1000;
  lru = 7;
  EXPECT_FALSE(LruFromAccessInfo(clock, -1, 200, &lru));
  EXPECT_EQ(lru, 7u);
  EXPECT_EQ(NewEntryLru(clock), 1000u);
  // LFU: the counter counts, as of the current minute; the idle time is ignored.
  clock.lfu = true;
  EXPECT_TRUE(LruFromAccessInfo(clock, 40, 200, &lru));
  EXPECT_EQ(lru, (120u << 8) | 200u);
  EXPECT_FALSE(LruFromAccessInfo(clock, 40, -1, &lru));
  EXPECT_EQ(NewEntryLru(clock), (120u << 8) | kLfuInitVal);
}

TEST(EvictionPoolTest, PopsTheLargestScoreFirstAndKeepsTheBest16) {
  EvictionPool pool;
  Clock clock;
  clock.lru_clock = 1000;
  DbStats stats;
  Db db(0, &clock, &stats);
  for (int i = 0; i < 100; ++i) {
    std::string k = "k";
    k += std::to_string(i);
    Entry* e = db.SetString(k, "v");
    e->lru = static_cast<uint32_t>(i);  // k0 is the idlest
  }
  // Sampling walks consecutive buckets (as Redis's dictGetSomeKeys), so some keys are rarely
  // reached: enough rounds that every key has been seen.
  for (int round = 0; round < 3000; ++round) {
    pool.Populate(db, EvictPolicy::kAllKeysLru, 5, clock, 1, &Counter);
  }
  EXPECT_EQ(pool.size(), EvictionPool::kSize);
  int d = -1;
  std::string key, prev;
  ASSERT_TRUE(pool.PopBest(&d, &key));
  EXPECT_EQ(d, 0);
  EXPECT_EQ(key, "k0");  // every key was sampled: the idlest is the best
  int n = 1;
  while (pool.PopBest(&d, &key)) {
    EXPECT_NE(key, prev);
    prev = key;
    ++n;
  }
  EXPECT_EQ(n, EvictionPool::kSize);
  EXPECT_EQ(key, "k15");
}

TEST(EvictionPoolTest, VolatilePoliciesSampleOnlyKeysWithATtl) {
  EvictionPool pool;
  Clock clock;
  DbStats stats;
  Db db(0, &clock, &stats);
  for (int i = 0; i < 50; ++i) {
    std::string k = "p";
    k += std::to_string(i);
    db.SetString(k, "v");
  }
  db.SetString("t1", "v", 5000);
  db.SetString("t2", "v", 1000);
  for (int round = 0; round < 50; ++round) {
    pool.Populate(db, EvictPolicy::kVolatileTtl, 5, clock, 1, &Counter);
  }
  int d;
  std::string key;
  ASSERT_TRUE(pool.PopBest(&d, &key));
  EXPECT_EQ(key, "t2");  // the soonest expiry first
  ASSERT_TRUE(pool.PopBest(&d, &key));
  EXPECT_EQ(key, "t1");
  EXPECT_FALSE(pool.PopBest(&d, &key));
}

TEST(EvictPolicyTest, ParsesEveryName) {
  EXPECT_EQ(ParseEvictPolicy("allkeys-lru"), EvictPolicy::kAllKeysLru);
  EXPECT_EQ(ParseEvictPolicy("volatile-ttl"), EvictPolicy::kVolatileTtl);
  EXPECT_EQ(ParseEvictPolicy("noeviction"), EvictPolicy::kNoEviction);
  EXPECT_TRUE(IsLfu(EvictPolicy::kVolatileLfu));
  EXPECT_TRUE(IsVolatile(EvictPolicy::kVolatileRandom));
  EXPECT_FALSE(IsVolatile(EvictPolicy::kAllKeysRandom));
}

TEST(LazyFreeTest, SmallValuesAreFreedInlineAndChainsInTheBackground) {
  LazyFree lf;
  EXPECT_FALSE(lf.Free(NewStringEntry("k", "v", false)));
  Entry* chain = nullptr;
  for (int i = 0; i < 5000; ++i) {
    std::string k = "k";
    k += std::to_string(i);
    Entry* e = NewStringEntry(k, "value", false);
    e->next = chain;
    chain = e;
  }
  lf.FreeChain(chain, 5000);
  lf.Drain();
  EXPECT_EQ(lf.pending(), 0u);
  EXPECT_EQ(lf.freed(), 5000u);
}

}  // namespace
}  // namespace redoubt::store
