#include "store/table.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <new>

#include "util/clock.h"
#include "util/siphash.h"

namespace redoubt::store {

namespace {

constexpr size_t kInitialSize = 4;
// Shrink when fewer than 1 in kMinFill buckets is used, as Redis's HASHTABLE_MIN_FILL.
constexpr size_t kMinFill = 10;

Entry** AllocBuckets(size_t n) {
  auto** b = static_cast<Entry**>(std::calloc(n, sizeof(Entry*)));
  if (b == nullptr) throw std::bad_alloc();
  return b;
}

inline uint64_t ReverseBits(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
  v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
  return __builtin_bswap64(v);
}

inline bool KeyEquals(const Entry* e, std::string_view key) {
  return e->key_len == key.size() && std::memcmp(e->key().data(), key.data(), key.size()) == 0;
}

}  // namespace

Table::~Table() {
  Entry* e = ReleaseAll();
  while (e != nullptr) {
    Entry* next = e->next;
    FreeEntry(e);
    e = next;
  }
}

uint64_t Table::Hash(std::string_view key) const { return util::HashBytes(key); }

void Table::Expand(size_t min_size) {
  size_t n = kInitialSize;
  while (n < min_size) n <<= 1;
  if (table_[0] == nullptr) {
    table_[0] = AllocBuckets(n);
    size_[0] = n;
    return;
  }
  table_[1] = AllocBuckets(n);
  size_[1] = n;
  used_[1] = 0;
  rehash_idx_ = 0;
}

bool Table::RehashStep(int n) {
  if (rehash_idx_ < 0) return false;
  int empty_visits = n * 10;  // bound the work when long runs of buckets are empty
  while (n-- > 0 && used_[0] != 0) {
    while (table_[0][rehash_idx_] == nullptr) {
      ++rehash_idx_;
      if (--empty_visits == 0) return true;
    }
    Entry* e = table_[0][rehash_idx_];
    while (e != nullptr) {
      Entry* next = e->next;
      size_t idx = Hash(e->key()) & (size_[1] - 1);
      e->next = table_[1][idx];
      table_[1][idx] = e;
      --used_[0];
      ++used_[1];
      e = next;
    }
    table_[0][rehash_idx_] = nullptr;
    ++rehash_idx_;
  }
  if (used_[0] == 0) {
    std::free(table_[0]);
    table_[0] = table_[1];
    size_[0] = size_[1];
    used_[0] = used_[1];
    table_[1] = nullptr;
    size_[1] = 0;
    used_[1] = 0;
    rehash_idx_ = -1;
    return false;
  }
  return true;
}

void Table::RehashFor(int64_t us) {
  int64_t start = util::MonotonicMicros();
  while (RehashStep(100)) {
    if (util::MonotonicMicros() - start > us) break;
  }
}

void Table::MaybeShrink() {
  if (rehashing() || table_[0] == nullptr) return;
  if (size_[0] > kInitialSize && used_[0] * kMinFill < size_[0]) Expand(used_[0]);
}

Entry** Table::FindLinkIn(std::string_view key, int* which) {
  if (size() == 0) return nullptr;
  RehashIfNeeded();
  uint64_t h = Hash(key);
  for (int t = 0; t < 2; ++t) {
    if (table_[t] == nullptr) break;
    Entry** link = &table_[t][h & (size_[t] - 1)];
    while (*link != nullptr) {
      if (KeyEquals(*link, key)) {
        *which = t;
        return link;
      }
      link = &(*link)->next;
    }
    if (!rehashing()) break;
  }
  return nullptr;
}

Entry** Table::FindLink(std::string_view key) {
  int which;
  return FindLinkIn(key, &which);
}

Entry* Table::Find(std::string_view key) {
  Entry** link = FindLink(key);
  return link ? *link : nullptr;
}

void Table::Insert(Entry* e) {
  if (table_[0] == nullptr) Expand(kInitialSize);
  RehashIfNeeded();
  // Grow at load factor 1, as Redis does; the move happens bucket by bucket afterwards.
  if (!rehashing() && used_[0] >= size_[0]) Expand(used_[0] + 1);
  int t = rehashing() ? 1 : 0;
  size_t idx = Hash(e->key()) & (size_[t] - 1);
  e->next = table_[t][idx];
  table_[t][idx] = e;
  ++used_[t];
}

void Table::Replace(Entry** link, Entry* e) {
  e->next = (*link)->next;
  *link = e;
}

Entry* Table::Unlink(std::string_view key) {
  int which = 0;
  Entry** link = FindLinkIn(key, &which);
  if (link == nullptr) return nullptr;
  Entry* e = *link;
  *link = e->next;
  --used_[which];
  e->next = nullptr;
  return e;
}

uint64_t Table::Scan(uint64_t v, const std::function<void(Entry*)>& fn) {
  if (size() == 0) return 0;
  auto emit = [&](Entry* e) {
    while (e != nullptr) {
      Entry* next = e->next;
      fn(e);
      e = next;
    }
  };
  if (!rehashing()) {
    uint64_t m0 = size_[0] - 1;
    emit(table_[0][v & m0]);
    v |= ~m0;
    v = ReverseBits(v);
    v++;
    return ReverseBits(v);
  }
  int small = size_[0] <= size_[1] ? 0 : 1;
  int large = 1 - small;
  uint64_t m0 = size_[small] - 1;
  uint64_t m1 = size_[large] - 1;
  emit(table_[small][v & m0]);
  // Visit every bucket of the larger table that expands the smaller table's bucket.
  do {
    emit(table_[large][v & m1]);
    v |= ~m1;
    v = ReverseBits(v);
    v++;
    v = ReverseBits(v);
  } while (v & (m0 ^ m1));
  return v;
}

Entry* Table::Random(uint64_t (*rng)()) {
  if (size() == 0) return nullptr;
  Entry* head = nullptr;
  for (int tries = 0; head == nullptr; ++tries) {
    if (rehashing()) {
      // Buckets of table 0 below rehash_idx_ are empty; skip them.
      uint64_t span = size_[0] - rehash_idx_ + size_[1];
      uint64_t i = rng() % span;
      head = i < size_[0] - rehash_idx_ ? table_[0][rehash_idx_ + i]
                                        : table_[1][i - (size_[0] - rehash_idx_)];
    } else {
      head = table_[0][rng() & (size_[0] - 1)];
    }
  }
  size_t len = 0;
  for (Entry* e = head; e != nullptr; e = e->next) ++len;
  size_t pick = rng() % len;
  while (pick-- > 0) head = head->next;
  return head;
}

Entry* Table::FairRandom(uint64_t (*rng)()) {
  constexpr size_t kSample = 15;  // Redis's GETFAIR_NUM_ENTRIES
  Entry* sample[kSample];
  // At most size() entries, so that a small table is sampled whole, each entry once.
  size_t n = SampleSome(std::min(kSample, size()), rng, sample);
  if (n == 0) return Random(rng);
  return sample[rng() % n];
}

size_t Table::SampleSome(size_t n, uint64_t (*rng)(), Entry** out) {
  if (size() == 0 || n == 0) return 0;
  // The live buckets as one range: table 0 from rehash_idx_ (those below are empty), then
  // table 1.
  uint64_t skip = rehashing() ? static_cast<uint64_t>(rehash_idx_) : 0;
  uint64_t span0 = size_[0] - skip;
  uint64_t span = span0 + (rehashing() ? size_[1] : 0);
  auto bucket = [&](uint64_t i) { return i < span0 ? table_[0][skip + i] : table_[1][i - span0]; };
  size_t got = 0;
  uint64_t i = rng() % span;
  size_t empty_run = 0;
  for (size_t steps = 0; got < n && steps < n * 10; ++steps) {
    Entry* e = bucket(i);
    if (e == nullptr) {
      // A long run of empty buckets: jump elsewhere rather than crawl through it.
      if (++empty_run >= 5 && empty_run > n) {
        i = rng() % span;
        empty_run = 0;
        continue;
      }
    } else {
      empty_run = 0;
      for (; e != nullptr && got < n; e = e->next) out[got++] = e;
    }
    i = (i + 1) % span;
  }
  return got;
}

void Table::ForEach(const std::function<void(Entry*)>& fn) const {
  for (int t = 0; t < 2; ++t) {
    for (size_t i = 0; i < size_[t]; ++i) {
      for (Entry* e = table_[t][i]; e != nullptr;) {
        Entry* next = e->next;
        fn(e);
        e = next;
      }
    }
  }
}

size_t Table::ForFirst(size_t n, const std::function<void(Entry*)>& fn) const {
  size_t seen = 0;
  for (int t = 0; t < 2; ++t) {
    for (size_t i = 0; i < size_[t]; ++i) {
      for (Entry* e = table_[t][i]; e != nullptr; e = e->next) {
        fn(e);
        if (++seen == n) return seen;
      }
    }
  }
  return seen;
}

size_t Table::EntriesMemory(size_t samples) const {
  size_t bytes = 0;
  const size_t seen = ForFirst(samples, [&bytes](Entry* e) { bytes += EntryMemory(e); });
  if (seen == 0 || seen >= size()) return bytes;
  return static_cast<size_t>(static_cast<double>(bytes) / static_cast<double>(seen) *
                             static_cast<double>(size()));
}

Entry* Table::ReleaseAll() {
  Entry* chain = nullptr;
  for (int t = 0; t < 2; ++t) {
    for (size_t i = 0; i < size_[t]; ++i) {
      Entry* e = table_[t][i];
      while (e != nullptr) {
        Entry* next = e->next;
        e->next = chain;
        chain = e;
        e = next;
      }
    }
    std::free(table_[t]);
    table_[t] = nullptr;
    size_[t] = used_[t] = 0;
  }
  rehash_idx_ = -1;
  return chain;
}

void Table::Swap(Table& o) {
  for (int t = 0; t < 2; ++t) {
    std::swap(table_[t], o.table_[t]);
    std::swap(size_[t], o.size_[t]);
    std::swap(used_[t], o.used_[t]);
  }
  std::swap(rehash_idx_, o.rehash_idx_);
}

}  // namespace redoubt::store
