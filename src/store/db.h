// A database: the keyspace table plus the index of keys with a TTL, lazy and active expiry,
// and the typed operations commands use. Knows nothing of RESP or clients.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "store/entry.h"
#include "store/table.h"

namespace redoubt::store {

// Time as the store sees it: fixed for the duration of one command, as in Redis, so that a
// command sees one consistent "now".
struct Clock {
  int64_t now_ms = 0;
  uint32_t lru_clock = 0;  // seconds, 24 bits, as Redis's LRU_CLOCK
  // Under an LFU maxmemory policy `lru` holds minutes + a log counter (store/evict.h).
  bool lfu = false;
  int lfu_log_factor = 10;
  int lfu_decay_time = 1;
  // While a snapshot child shares the memory, reads leave the LRU field alone, as Redis does:
  // writing it would copy every page a read touches.
  bool freeze_lru = false;
  // While CLIENT PAUSE runs, expired keys read as missing but are not deleted (Redis 7.0):
  // a paused server changes nothing, so a failover can compare datasets.
  bool expiry_paused = false;
  // While a replica applies its primary's stream, keys the replica's clock calls expired are
  // still there: the primary decides (its DEL follows), as Redis's lookups for the master.
  bool ignore_expiry = false;
};

class LazyFree;

struct DbStats {
  uint64_t expired_keys = 0;
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
};

class Db {
 public:
  Db(int id, const Clock* clock, DbStats* stats) : id_(id), clock_(clock), stats_(stats) {}
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  int id() const { return id_; }
  size_t size() const { return table_.size(); }
  size_t expires() const { return volatile_.size(); }
  Table& table() { return table_; }

  // The live entry for key (expired entries are deleted here), or nullptr. Updates LRU.
  Entry* Lookup(std::string_view key);
  // Lookup that counts keyspace hits/misses (read commands).
  Entry* LookupRead(std::string_view key);
  // Lookup that neither touches LRU nor counts (TYPE-like introspection, OBJECT).
  Entry* Peek(std::string_view key);
  // Lookup that counts hits/misses but leaves the LRU alone (Redis's LOOKUP_NOTOUCH: EXISTS,
  // TYPE, TTL).
  Entry* LookupReadNoTouch(std::string_view key);
  bool Exists(std::string_view key) { return Lookup(key) != nullptr; }

  static constexpr int64_t kNoExpire = -1;
  static constexpr int64_t kKeepTtl = -2;
  // Stores a string value under key, replacing any value of any type. expire_ms is an absolute
  // unix time in ms, kNoExpire (drop any TTL) or kKeepTtl. Returns the entry.
  // try_int: store a canonical integer as kInt (what SET does); false keeps it a string.
  Entry* SetString(std::string_view key, std::string_view value, int64_t expire_ms = kNoExpire,
                   bool try_int = true);
  // Replaces the value of an existing string entry; the TTL is kept. Returns the new entry.
  Entry* ReplaceString(Entry* e, std::string_view value);
  // Turns e's string value into a growable buffer with room for at least min_cap bytes and
  // returns it for in-place edits (APPEND, SETRANGE). *e may move; the TTL is kept.
  RawString* MutableString(Entry** e, size_t min_cap);
  // Stores an integer string value, in place when e already holds one (INCR and friends).
  Entry* SetInteger(Entry* e, int64_t v);
  // Adds a new entry (key must be absent). Takes ownership. Reports the new key (on_new_key).
  void Add(Entry* e);
  // Add for a key read from a snapshot: not reported as new (Redis's dbAddRDBLoad).
  void AddLoaded(Entry* e) { Insert(e); }
  // Replaces the entry with e's key by e (or adds it); the old value is freed. TTL dropped.
  void Overwrite(Entry* e);

  // lazy: free a big value on the lazy-free thread (UNLINK, lazyfree-lazy-user-del, eviction).
  bool Delete(std::string_view key, bool lazy = false);
  // The background freer deletions may use (nullptr: always inline).
  void set_lazy_free(LazyFree* lf) { lazy_free_ = lf; }
  LazyFree* lazy_free() const { return lazy_free_; }
  // A random entry with a TTL (volatile-* eviction sampling), or nullptr.
  Entry* RandomVolatile(uint64_t (*rng)()) {
    return volatile_.empty() ? nullptr : volatile_[rng() % volatile_.size()];
  }
  // Frees an entry already detached from the table, in the background when lazy and big.
  void Dispose(Entry* e, bool lazy);
  // The `lru` value a new key starts with (LRU clock, or LFU's initial counter).
  uint32_t InitialLru() const;
  // Removes the entry and returns it (caller frees): RENAME, MOVE.
  Entry* Detach(std::string_view key);
  // Moves the value of `from` (which must exist) to `to`, replacing and freeing any value `to`
  // had; the TTL and LRU move with it (RENAME). Neither view may point into an entry. Returns
  // the entry under `to`.
  Entry* Rename(std::string_view from, std::string_view to);

  // Sets a TTL (absolute unix ms). Returns the possibly moved entry.
  Entry* SetExpire(Entry* e, int64_t when_ms);
  // Removes a TTL; returns the possibly moved entry.
  Entry* Persist(Entry* e);
  static int64_t GetExpire(const Entry* e) { return e->has_expire() ? e->expire_ms() : -1; }
  bool IsExpired(const Entry* e) const {
    return e->has_expire() && e->expire_ms() <= clock_->now_ms && !clock_->ignore_expiry;
  }

  // One active expiry pass: samples keys with a TTL and deletes the expired ones, repeating
  // while many of the sample were expired, for at most `budget_us`. Returns keys deleted.
  size_t ActiveExpire(int64_t budget_us, uint64_t (*rng)());
  Entry* RandomKey(uint64_t (*rng)());
  uint64_t Scan(uint64_t cursor, const std::function<void(Entry*)>& fn) {
    return table_.Scan(cursor, fn);
  }
  // Removes every key; returns the detached chain so the caller may free it elsewhere.
  Entry* ReleaseAll();
  void Flush();
  void SwapWith(Db& other);
  void Cron();

  // Called with every key whose value a write changes or deletes (WATCH, notifications).
  std::function<void(Db&, std::string_view)>* on_key_change = nullptr;
  // Called with each key deleted because its TTL passed (keyspace event "expired").
  std::function<void(Db&, std::string_view)>* on_expired = nullptr;
  // Called with each key a write creates (keyspace event "new"), and with each key a read finds
  // missing (keyspace event "keymiss").
  std::function<void(Db&, std::string_view)>* on_new_key = nullptr;
  std::function<void(Db&, std::string_view)>* on_key_miss = nullptr;
  // Called before every key of the db changes at once: FLUSHDB, FLUSHALL (replaced_with is
  // null) and SWAPDB (the db whose keys take this one's place).
  std::function<void(Db&, Db* replaced_with)>* on_flush = nullptr;
  // Reports an in-place change of key's value (an Object edited through its pointer, a key
  // created by Add) to on_key_change.
  void Touched(std::string_view key) { Changed(key); }

  // The change counter every write adds to (Redis's server.dirty: save points, and whether a
  // command changed anything and so goes to the AOF). Shared by all dbs of a server.
  void set_dirty_counter(uint64_t* counter) { dirty_ = counter; }
  uint64_t dirty() const { return *dirty_; }

 private:
  void Touch(Entry* e) {
    if (clock_->freeze_lru) return;
    if (clock_->lfu) {
      TouchLfu(e);
    } else {
      e->lru = clock_->lru_clock;
    }
  }
  void TouchLfu(Entry* e);
  void Changed(std::string_view key) {
    ++*dirty_;
    if (on_key_change) (*on_key_change)(*this, key);
  }
  void DeleteExpired(Entry** link);
  void Insert(Entry* e);
  void NewKey(std::string_view key) {
    if (on_new_key) (*on_new_key)(*this, key);
  }
  Entry* Missed(std::string_view key) {
    ++stats_->keyspace_misses;
    if (on_key_miss) (*on_key_miss)(*this, key);
    return nullptr;
  }
  void RemoveVolatile(Entry* e);
  void AddVolatile(Entry* e);
  // e was reallocated into n: fix the volatile index that pointed at e.
  void Moved(Entry* n) {
    if (n->has_expire()) volatile_[n->volatile_index()] = n;
  }

  int id_;
  const Clock* clock_;
  DbStats* stats_;
  Table table_;
  std::vector<Entry*> volatile_;  // entries with a TTL; each knows its index here
  LazyFree* lazy_free_ = nullptr;
  uint64_t own_dirty_ = 0;
  uint64_t* dirty_ = &own_dirty_;
};

}  // namespace redoubt::store
