// The sorted-set value type: members ordered by (score, member). Small sets are a listpack of
// member/score pairs in order ("listpack", byte-compatible with Redis 7.0's); past
// zset-max-listpack-entries members or zset-max-listpack-value bytes in a member they become a
// skiplist with span counts (rank queries in O(log n)) plus a member index ("skiplist"), as
// Redis 7.0 does. Every range query is expressed as a rank interval. Knows nothing of RESP.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "store/entry.h"

namespace redoubt::store {

// The conversion thresholds, read from the config at each write.
struct ZSetLimits {
  int64_t max_entries = 128;
  int64_t max_value = 64;
};

// One bound of a lexicographic range: "-", "+", or a member, inclusive or exclusive.
struct LexBound {
  enum Kind : uint8_t { kMin, kMax, kValue };
  Kind kind = kValue;
  bool exclusive = false;
  std::string_view value;
};

// ZADD's input flags and what happened (Redis's ZADD_IN_* and ZADD_OUT_*).
namespace zadd {
inline constexpr int kIncr = 1 << 0;
inline constexpr int kNx = 1 << 1;
inline constexpr int kXx = 1 << 2;
inline constexpr int kGt = 1 << 3;
inline constexpr int kLt = 1 << 4;

inline constexpr int kOutNop = 1 << 0;
inline constexpr int kOutNan = 1 << 1;
inline constexpr int kOutAdded = 1 << 2;
inline constexpr int kOutUpdated = 1 << 3;
}  // namespace zadd

class ZSetObject final : public Object {
 public:
  // Return false to stop an iteration.
  using ElementFn = std::function<bool(std::string_view member, double score)>;

  explicit ZSetObject(bool listpack = true);
  ~ZSetObject() override;
  ZSetObject(const ZSetObject&) = delete;
  ZSetObject& operator=(const ZSetObject&) = delete;

  Object* Clone() const override;
  size_t MemoryUsage(size_t samples) const override;
  const char* EncodingName() const override;

  bool is_listpack() const { return !(rep_ & kSkiplistTag); }
  // The listpack encoding's buffer (member, score, ... ascending; Redis 7.0's bytes), or
  // nullptr when empty. Only meaningful while is_listpack().
  const uint8_t* listpack_bytes() const { return lp(); }
  size_t size() const;

  bool Score(std::string_view member, double* score) const;
  // Adds or updates member as Redis's zsetAdd: `flags` are zadd:: input bits, *out receives the
  // zadd::kOut* bits and *new_score the member's score afterwards (when added or updated).
  // Returns false only when the result would be NaN (INCR of inf by -inf).
  bool Add(std::string_view member, double score, int flags, const ZSetLimits& limits, int* out,
           double* new_score);
  bool Remove(std::string_view member);
  // The member's 0-based rank in ascending order.
  bool Rank(std::string_view member, size_t* rank) const;

  // Number of members with a score below v (or equal to it when `or_equal`).
  size_t CountScoreBelow(double v, bool or_equal) const;
  // Number of members ordering before b's value (or equal when `or_equal`); "-" is 0 and "+"
  // is size(). Assumes, as Redis does, that all scores are equal.
  size_t CountLexBelow(std::string_view v, bool or_equal) const;

  // Calls fn on the elements from rank `start` upwards (or downwards when `reverse`) until fn
  // returns false or the end is reached. fn must not modify the set.
  void Iterate(size_t start, bool reverse, const ElementFn& fn) const;
  void ForEach(const ElementFn& fn) const { Iterate(0, false, fn); }
  // Removes the elements of ranks [start, end); returns how many went.
  size_t DeleteRanks(size_t start, size_t end);

  // One ZSCAN step over the skiplist encoding's member index (the listpack returns everything
  // with cursor 0, as Redis does). Returns the next cursor.
  uint64_t Scan(uint64_t cursor, const ElementFn& fn) const;

  // Converts to the skiplist encoding (no-op when already one).
  void ConvertToSkiplist();

 private:
  struct Node;
  struct Skiplist;

  // Listpack helpers.
  const uint8_t* LpFind(std::string_view member, double* score) const;
  void LpInsert(std::string_view member, double score);
  void LpDeleteAt(const uint8_t* p);

  // One tagged word keeps the object at 16 bytes: a listpack of member/score pairs in
  // ascending order, or a Skiplist* with the low bit set.
  static constexpr uintptr_t kSkiplistTag = 1;
  uint8_t* lp() const { return reinterpret_cast<uint8_t*>(rep_); }
  Skiplist* sl() const { return reinterpret_cast<Skiplist*>(rep_ & ~kSkiplistTag); }
  void set_lp(uint8_t* lp) { rep_ = reinterpret_cast<uintptr_t>(lp); }

  uintptr_t rep_ = 0;
};

}  // namespace redoubt::store
