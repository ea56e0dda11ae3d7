// The keyspace hash table: chained buckets of Entry with incremental rehashing (a resize never
// stops the world) and Redis's reverse-binary SCAN cursor, whose guarantee holds across resizes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

#include "store/entry.h"

namespace redoubt::store {

class Table {
 public:
  Table() = default;
  ~Table();
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  size_t size() const { return used_[0] + used_[1]; }
  size_t buckets() const { return size_[0] + size_[1]; }
  bool rehashing() const { return rehash_idx_ >= 0; }

  Entry* Find(std::string_view key);
  // Returns the link that points at the entry with `key` (so it can be replaced or unlinked),
  // or nullptr. The link stays valid until the table is modified.
  Entry** FindLink(std::string_view key);
  // Inserts an entry whose key is known to be absent.
  void Insert(Entry* e);
  // Replaces *link (found by FindLink) with `e`, which has the same key. Does not free the old.
  void Replace(Entry** link, Entry* e);
  // Unlinks and returns the entry with `key`, or nullptr. The caller frees it.
  Entry* Unlink(std::string_view key);

  // One SCAN step: calls fn on every entry of the visited bucket(s), returns the next cursor
  // (0 when the iteration is complete).
  uint64_t Scan(uint64_t cursor, const std::function<void(Entry*)>& fn);
  // A random entry (nullptr when empty), fair enough for RANDOMKEY and eviction sampling.
  Entry* Random(uint64_t (*rng)());
  // A random entry as Redis's dictGetFairRandomKey: uniform among a sample of consecutive
  // buckets, so that members of long chains are not rarer (SRANDMEMBER, SPOP, HRANDFIELD).
  Entry* FairRandom(uint64_t (*rng)());
  // Up to n entries from consecutive buckets after a random one, as Redis's dictGetSomeKeys:
  // one random cache miss and then sequential reads, where n Random() calls cost n misses or
  // more. Less uniform than Random(), fair enough for eviction sampling. Returns the count.
  size_t SampleSome(size_t n, uint64_t (*rng)(), Entry** out);
  // Calls fn on every entry; fn must not modify the table.
  void ForEach(const std::function<void(Entry*)>& fn) const;
  // Calls fn on the first entries in bucket order until it has seen n of them (n == 0: all);
  // returns how many it saw. MEMORY USAGE SAMPLES estimates from these.
  size_t ForFirst(size_t n, const std::function<void(Entry*)>& fn) const;
  // Bytes of the entries, exactly (samples == 0) or estimated from the first `samples`.
  size_t EntriesMemory(size_t samples) const;

  // Moves up to n buckets to the new table; returns true while more remain.
  bool RehashStep(int n);
  // Rehashes for up to `us` microseconds (server cron).
  void RehashFor(int64_t us);
  // Shrinks the table when it is mostly empty (server cron).
  void MaybeShrink();
  // Detaches every entry and returns them as one chain (for freeing, possibly elsewhere).
  Entry* ReleaseAll();
  void Swap(Table& other);
  // Bytes used by the bucket arrays (INFO, memory accounting).
  size_t OverheadBytes() const { return (size_[0] + size_[1]) * sizeof(Entry*); }

 private:
  uint64_t Hash(std::string_view key) const;
  // FindLink that also says which of the two tables holds the entry.
  Entry** FindLinkIn(std::string_view key, int* which);
  void Expand(size_t min_size);
  void RehashIfNeeded() {
    if (rehash_idx_ >= 0) RehashStep(1);
  }

  Entry** table_[2] = {nullptr, nullptr};
  size_t size_[2] = {0, 0};
  size_t used_[2] = {0, 0};
  int64_t rehash_idx_ = -1;
};

}  // namespace redoubt::store
