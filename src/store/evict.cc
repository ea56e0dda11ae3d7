#include "store/evict.h"

#include <algorithm>

namespace redoubt::store {

EvictPolicy ParseEvictPolicy(std::string_view name) {
  if (name == "allkeys-lru") return EvictPolicy::kAllKeysLru;
  if (name == "volatile-lru") return EvictPolicy::kVolatileLru;
  if (name == "allkeys-lfu") return EvictPolicy::kAllKeysLfu;
  if (name == "volatile-lfu") return EvictPolicy::kVolatileLfu;
  if (name == "allkeys-random") return EvictPolicy::kAllKeysRandom;
  if (name == "volatile-random") return EvictPolicy::kVolatileRandom;
  if (name == "volatile-ttl") return EvictPolicy::kVolatileTtl;
  return EvictPolicy::kNoEviction;
}

uint8_t LfuLogIncr(uint8_t counter, int log_factor, double r) {
  if (counter == 255) return 255;
  double base = counter > kLfuInitVal ? counter - kLfuInitVal : 0;
  double p = 1.0 / (base * log_factor + 1);
  return r < p ? counter + 1 : counter;
}

uint8_t LfuDecay(uint32_t lru, uint32_t now_minutes, int decay_time) {
  uint32_t last = (lru >> 8) & 65535;
  uint32_t counter = lru & 255;
  uint32_t elapsed = now_minutes >= last ? now_minutes - last : 65535 - last + now_minutes;
  uint32_t periods = decay_time > 0 ? elapsed / static_cast<uint32_t>(decay_time) : 0;
  return static_cast<uint8_t>(periods > counter ? 0 : counter - periods);
}

uint32_t LfuTouch(uint32_t lru, int64_t now_ms, int log_factor, int decay_time) {
  // A cheap xorshift: the increment only needs a fair coin, not a good generator.
  static thread_local uint64_t state = 0x9E3779B97F4A7C15ULL;
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  double r = static_cast<double>(state >> 11) * (1.0 / 9007199254740992.0);
  uint32_t now = LfuMinutes(now_ms);
  uint8_t counter = LfuLogIncr(LfuDecay(lru, now, decay_time), log_factor, r);
  return (now << 8) | counter;
}

uint32_t LruIdle(uint32_t lru, uint32_t lru_clock) {
  constexpr uint32_t kMax = (1u << 24) - 1;
  lru &= kMax;
  return lru_clock >= lru ? lru_clock - lru : lru_clock + (kMax - lru);
}

uint32_t NewEntryLru(const Clock& clock) {
  if (clock.lfu) return (LfuMinutes(clock.now_ms) << 8) | kLfuInitVal;
  return clock.lru_clock;
}

bool LruFromAccessInfo(const Clock& clock, int64_t idle_s, int64_t freq, uint32_t* lru) {
  constexpr uint32_t kMax = (1u << 24) - 1;
  if (clock.lfu) {
    if (freq < 0) return false;
    *lru = (LfuMinutes(clock.now_ms) << 8) | static_cast<uint32_t>(std::min<int64_t>(freq, 255));
    return true;
  }
  if (idle_s < 0) return false;
  // Redis's arithmetic exactly, wrap included: one LRU_CLOCK_MAX added when the access time
  // falls before the clock's zero, then the low 24 bits (an idle time beyond one wrap of the
  // clock reads back modulo 2^24, as OBJECT IDLETIME shows on Redis 7.0).
  int64_t abs = static_cast<int64_t>(clock.lru_clock) - idle_s;
  if (abs < 0) abs += kMax;
  *lru = static_cast<uint32_t>(static_cast<uint64_t>(abs)) & kMax;
  return true;
}

uint64_t EvictScore(const Entry* e, EvictPolicy policy, const Clock& clock, int lfu_decay_time) {
  switch (policy) {
    case EvictPolicy::kAllKeysLru:
    case EvictPolicy::kVolatileLru:
      return LruIdle(e->lru, clock.lru_clock);
    case EvictPolicy::kAllKeysLfu:
    case EvictPolicy::kVolatileLfu:
      return 255 - LfuDecay(e->lru, LfuMinutes(clock.now_ms), lfu_decay_time);
    case EvictPolicy::kVolatileTtl:
      return e->has_expire() ? UINT64_MAX - static_cast<uint64_t>(e->expire_ms()) : 0;
    default:
      return 0;
  }
}

EvictionPool::EvictionPool() {
  // Keys are kept in preallocated strings so that refilling the pool rarely allocates.
  for (Slot& s : slots_) s.key.reserve(255);
}

void EvictionPool::Insert(uint64_t score, int db, std::string_view key) {
  // Ascending by score; the best victim is at used_ - 1. The same key may not appear twice.
  for (int i = 0; i < used_; ++i) {
    if (slots_[i].db == db && slots_[i].key == key) return;
  }
  int pos = 0;
  while (pos < used_ && slots_[pos].score < score) ++pos;
  if (used_ == kSize) {
    if (pos == 0) return;  // worse than everything we hold
    // Drop the worst (index 0) and shift left to open a slot at pos - 1.
    std::string spare = std::move(slots_[0].key);
    for (int i = 0; i < pos - 1; ++i) slots_[i] = std::move(slots_[i + 1]);
    --pos;
    slots_[pos].key = std::move(spare);
  } else {
    std::string spare = std::move(slots_[used_].key);
    for (int i = used_; i > pos; --i) slots_[i] = std::move(slots_[i - 1]);
    slots_[pos].key = std::move(spare);
    ++used_;
  }
  slots_[pos].score = score;
  slots_[pos].db = db;
  slots_[pos].key.assign(key);
}

void EvictionPool::Populate(Db& db, EvictPolicy policy, int samples, const Clock& clock,
                            int lfu_decay_time, uint64_t (*rng)()) {
  if (IsVolatile(policy)) {
    for (int i = 0; i < samples; ++i) {
      Entry* e = db.RandomVolatile(rng);
      if (e == nullptr) return;
      Insert(EvictScore(e, policy, clock, lfu_decay_time), db.id(), e->key());
    }
    return;
  }
  Entry* picked[64];
  size_t n = db.table().SampleSome(std::min<size_t>(samples, std::size(picked)), rng, picked);
  for (size_t i = 0; i < n; ++i) {
    Insert(EvictScore(picked[i], policy, clock, lfu_decay_time), db.id(), picked[i]->key());
  }
}

bool EvictionPool::PopBest(int* db, std::string* key) {
  if (used_ == 0) return false;
  --used_;
  *db = slots_[used_].db;
  key->swap(slots_[used_].key);
  slots_[used_].key.clear();
  return true;
}

}  // namespace redoubt::store
