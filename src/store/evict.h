// Approximated LRU/LFU eviction as Redis does it: the per-key 24-bit `lru` field (seconds of
// the LRU clock, or 16 bits of minutes + an 8-bit logarithmic access counter under an LFU
// policy), and a small pool of the best candidates seen so far, refilled by sampling
// maxmemory-samples keys per database. Knows nothing of clients or notifications.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "store/db.h"

namespace redoubt::store {

enum class EvictPolicy : uint8_t {
  kNoEviction,
  kAllKeysLru,
  kVolatileLru,
  kAllKeysLfu,
  kVolatileLfu,
  kAllKeysRandom,
  kVolatileRandom,
  kVolatileTtl,
};

// "allkeys-lru" -> kAllKeysLru...; unknown names -> kNoEviction.
EvictPolicy ParseEvictPolicy(std::string_view name);
inline bool IsLru(EvictPolicy p) {
  return p == EvictPolicy::kAllKeysLru || p == EvictPolicy::kVolatileLru;
}
inline bool IsLfu(EvictPolicy p) {
  return p == EvictPolicy::kAllKeysLfu || p == EvictPolicy::kVolatileLfu;
}
inline bool IsVolatile(EvictPolicy p) {
  return p == EvictPolicy::kVolatileLru || p == EvictPolicy::kVolatileLfu ||
         p == EvictPolicy::kVolatileRandom || p == EvictPolicy::kVolatileTtl;
}

// --- LFU counter (Redis's LFULogIncr / LFUDecrAndReturn) ----------------------------------
inline constexpr uint8_t kLfuInitVal = 5;
// Minutes since the epoch, 16 bits, as the LFU half of `lru` stores them.
inline uint32_t LfuMinutes(int64_t now_ms) { return static_cast<uint32_t>(now_ms / 60000) & 65535; }
// The counter after one access: grows with probability 1 / ((counter - 5) * factor + 1).
// `r` is a uniform random number in [0, 1).
uint8_t LfuLogIncr(uint8_t counter, int log_factor, double r);
// The counter after decaying one step per `decay_time` minutes elapsed since the last access.
uint8_t LfuDecay(uint32_t lru, uint32_t now_minutes, int decay_time);
// The new `lru` value for an access under LFU.
uint32_t LfuTouch(uint32_t lru, int64_t now_ms, int log_factor, int decay_time);
// Seconds since the access recorded in an LRU `lru` value (the 24-bit clock wraps).
uint32_t LruIdle(uint32_t lru, uint32_t lru_clock);
// The `lru` value of a new entry: now on the LRU clock, or under LFU the current minutes with
// the initial counter.
uint32_t NewEntryLru(const Clock& clock);
// Redis's objectSetLRUOrLFU: the `lru` value for the access information an RDB file or RESTORE
// carries. Under LFU the counter `freq` (0-255) as of now; otherwise an access `idle_s`
// seconds ago. The value the current policy does not use is ignored; false (and *lru left
// alone) when the one it uses is absent (negative).
bool LruFromAccessInfo(const Clock& clock, int64_t idle_s, int64_t freq, uint32_t* lru);

// The candidates pool (Redis's EVPOOL_SIZE = 16), ordered by ascending score: the best victim
// (largest idle time / lowest frequency / soonest expiry) is last.
class EvictionPool {
 public:
  static constexpr int kSize = 16;
  EvictionPool();

  // Samples `samples` keys of db (from the volatile index for volatile-* policies) and keeps
  // the best kSize seen so far. now_ms / lru_clock describe the present.
  void Populate(Db& db, EvictPolicy policy, int samples, const Clock& clock, int lfu_decay_time,
                uint64_t (*rng)());
  // Takes the best candidate out. False when the pool is empty.
  bool PopBest(int* db, std::string* key);
  int size() const { return used_; }
  void Clear() { used_ = 0; }

 private:
  struct Slot {
    uint64_t score = 0;
    int db = 0;
    std::string key;
  };
  void Insert(uint64_t score, int db, std::string_view key);
  std::array<Slot, kSize> slots_;
  int used_ = 0;
};

// Entry score under a policy (higher = evict first); exposed for tests.
uint64_t EvictScore(const Entry* e, EvictPolicy policy, const Clock& clock, int lfu_decay_time);

}  // namespace redoubt::store
