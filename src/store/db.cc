#include "store/db.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <new>

#include "store/evict.h"
#include "store/lazyfree.h"
#include "util/clock.h"
#include "util/numbers.h"

namespace redoubt::store {

namespace {

// Active expiry as Redis's: sample up to this many keys with a TTL per round, and go on with
// another round while more than kAcceptableStale percent of the sample had expired.
constexpr int kExpireSample = 20;
constexpr int kAcceptableStale = 10;

// A copy of e with or without the expire block, same key and value bytes. e is not freed.
Entry* Reshape(const Entry* e, bool with_expire) {
  size_t n = Entry::AllocSize(e->key_len, e->val_len, with_expire);
  auto* c = static_cast<Entry*>(std::malloc(n));
  if (c == nullptr) throw std::bad_alloc();
  std::memcpy(c, e, sizeof(Entry));
  c->flags = with_expire ? (e->flags | Entry::kHasExpire) : (e->flags & ~Entry::kHasExpire);
  if (with_expire) {
    c->set_expire_ms(e->has_expire() ? e->expire_ms() : 0);
    c->set_volatile_index(e->has_expire() ? e->volatile_index() : 0);
  }
  std::memcpy(c->tail() + c->expire_block(), e->tail() + e->expire_block(),
              e->key_len + e->val_len);
  return c;
}

}  // namespace

Db::~Db() { Flush(); }

void Db::AddVolatile(Entry* e) {
  e->set_volatile_index(static_cast<uint32_t>(volatile_.size()));
  volatile_.push_back(e);
}

void Db::RemoveVolatile(Entry* e) {
  uint32_t i = e->volatile_index();
  Entry* last = volatile_.back();
  volatile_[i] = last;
  last->set_volatile_index(i);
  volatile_.pop_back();
}

void Db::DeleteExpired(Entry** link) {
  Entry* e = *link;
  std::string_view key = e->key();
  // Not a change made by a command: it adds nothing to the dirty counter (as in Redis); the
  // deletion reaches the AOF through on_expired.
  if (on_key_change) (*on_key_change)(*this, key);
  if (on_expired) (*on_expired)(*this, key);
  Entry* detached = table_.Unlink(key);
  RemoveVolatile(detached);
  Dispose(detached, lazy_free_ != nullptr && lazy_free_->expire);
  ++stats_->expired_keys;
}

Entry* Db::Lookup(std::string_view key) {
  Entry** link = table_.FindLink(key);
  if (link == nullptr) return nullptr;
  Entry* e = *link;
  if (IsExpired(e)) {
    if (!clock_->expiry_paused) DeleteExpired(link);
    return nullptr;
  }
  Touch(e);
  return e;
}

Entry* Db::LookupRead(std::string_view key) {
  Entry* e = Lookup(key);
  if (e == nullptr) return Missed(key);
  ++stats_->keyspace_hits;
  return e;
}

Entry* Db::Peek(std::string_view key) {
  Entry** link = table_.FindLink(key);
  if (link == nullptr) return nullptr;
  if (IsExpired(*link)) {
    if (!clock_->expiry_paused) DeleteExpired(link);
    return nullptr;
  }
  return *link;
}

Entry* Db::LookupReadNoTouch(std::string_view key) {
  Entry* e = Peek(key);
  if (e == nullptr) return Missed(key);
  ++stats_->keyspace_hits;
  return e;
}

namespace {

// Writes value into e's inline string storage when it has the same encoding and size there.
bool OverwriteInPlace(Entry* e, std::string_view value, bool try_int) {
  int64_t iv;
  bool is_int = try_int && value.size() <= 20 && util::ParseInt64(value, &iv);
  if (is_int) {
    if (e->encoding != Encoding::kInt) return false;
    e->set_int_value(iv);
    return true;
  }
  if (e->encoding != Encoding::kEmbStr || e->val_len != value.size()) return false;
  if (!value.empty()) std::memmove(e->value_ptr(), value.data(), value.size());
  return true;
}

}  // namespace

Entry* Db::SetString(std::string_view key, std::string_view value, int64_t expire_ms,
                     bool try_int) {
  Entry** link = table_.FindLink(key);
  Entry* old = link ? *link : nullptr;
  if (expire_ms == kKeepTtl) {
    expire_ms =
        (old != nullptr && old->has_expire() && !IsExpired(old)) ? old->expire_ms() : kNoExpire;
  }
  bool with_expire = expire_ms >= 0;
  // A key whose TTL passed is gone: writing it creates a new key, as in Redis.
  const bool is_new = old == nullptr || IsExpired(old);
  Changed(key);
  // Same shape as the old value: overwrite it in place. No allocation and no write to the
  // bucket chain, so that a snapshot child sharing the memory copies one page, not three.
  if (old != nullptr && old->type == ValueType::kString && old->has_expire() == with_expire &&
      OverwriteInPlace(old, value, try_int)) {
    if (!clock_->lfu) old->lru = clock_->lru_clock;  // an overwrite keeps the LFU counter
    if (with_expire) old->set_expire_ms(expire_ms);
    if (is_new) NewKey(key);
    return old;
  }
  Entry* e = NewStringEntry(key, value, with_expire, try_int);
  e->lru = InitialLru();
  if (old == nullptr) {
    table_.Insert(e);
    if (with_expire) {
      e->set_expire_ms(expire_ms);
      AddVolatile(e);
    }
    NewKey(e->key());
    return e;
  }
  table_.Replace(link, e);
  if (clock_->lfu) e->lru = old->lru;  // as Redis: an overwrite keeps the access frequency
  if (with_expire) {
    e->set_expire_ms(expire_ms);
    if (old->has_expire()) {
      e->set_volatile_index(old->volatile_index());
      volatile_[old->volatile_index()] = e;
    } else {
      AddVolatile(e);
    }
  } else if (old->has_expire()) {
    RemoveVolatile(old);
  }
  Dispose(old, lazy_free_ != nullptr && lazy_free_->server_del);
  if (is_new) NewKey(e->key());
  return e;
}

Entry* Db::ReplaceString(Entry* e, std::string_view value) {
  int64_t expire = e->has_expire() ? e->expire_ms() : kNoExpire;
  return SetString(e->key(), value, expire);
}

RawString* Db::MutableString(Entry** ep, size_t min_cap) {
  Entry* e = *ep;
  Changed(e->key());
  if (e->encoding == Encoding::kRaw) {
    RawString* r = RawString::Grow(e->raw(), min_cap);
    e->set_raw(r);
    return r;
  }
  char scratch[24];
  std::string_view cur = e->string_value(scratch);
  RawString* r = RawString::Create(cur, std::max(min_cap, cur.size()));
  Entry** link = table_.FindLink(e->key());
  size_t n = Entry::AllocSize(e->key_len, sizeof(void*), e->has_expire());
  auto* c = static_cast<Entry*>(std::malloc(n));
  if (c == nullptr) throw std::bad_alloc();
  std::memcpy(c, e, sizeof(Entry) + e->expire_block() + e->key_len);
  c->val_len = sizeof(void*);
  c->encoding = Encoding::kRaw;
  c->set_raw(r);
  table_.Replace(link, c);
  Moved(c);
  std::free(e);  // its value was inline, nothing else to free
  *ep = c;
  return r;
}

Entry* Db::SetInteger(Entry* e, int64_t v) {
  if (e->encoding == Encoding::kInt) {
    Changed(e->key());
    e->set_int_value(v);
    return e;
  }
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  return ReplaceString(e, std::string_view(buf, res.ptr - buf));
}

void Db::Add(Entry* e) {
  Insert(e);
  NewKey(e->key());
}

void Db::Insert(Entry* e) {
  // During a pause an expired key stays in the table; a write that still runs (an EXEC that
  // issued the pause) replaces it instead of adding a second entry under the same key.
  if (clock_->expiry_paused) {
    Entry** link = table_.FindLink(e->key());
    if (link != nullptr && IsExpired(*link)) DeleteExpired(link);
  }
  Changed(e->key());
  if (e->lru == 0) e->lru = InitialLru();  // a new entry (RENAME and MOVE keep theirs)
  table_.Insert(e);
  if (e->has_expire()) AddVolatile(e);
}

void Db::Overwrite(Entry* e) {
  Entry* old = Detach(e->key());
  if (old != nullptr) {
    // As Redis's setKey: under LFU a new value keeps the key's access counter.
    if (clock_->lfu && e->lru == 0) e->lru = old->lru;
    Dispose(old, lazy_free_ != nullptr && lazy_free_->server_del);
    return Insert(e);  // a new value, not a new key
  }
  Add(e);
}

Entry* Db::Detach(std::string_view key) {
  Entry* e = table_.Unlink(key);
  if (e == nullptr) return nullptr;
  Changed(key);
  if (e->has_expire()) RemoveVolatile(e);
  return e;
}

Entry* Db::Rename(std::string_view from, std::string_view to) {
  Entry* src = table_.Find(from);
  if (src == nullptr) return nullptr;
  // Allocate before unlinking anything, so a failed allocation leaves the keyspace as it was.
  size_t n = Entry::AllocSize(to.size(), src->val_len, src->has_expire());
  auto* e = static_cast<Entry*>(std::malloc(n));
  if (e == nullptr) throw std::bad_alloc();
  std::memcpy(e, src, sizeof(Entry) + src->expire_block());
  e->next = nullptr;
  e->key_len = static_cast<uint32_t>(to.size());
  std::memcpy(e->tail() + e->expire_block(), to.data(), to.size());
  std::memcpy(e->value_ptr(), src->value_ptr(), src->val_len);
  std::free(Detach(from));  // its value now belongs to e
  Entry* old = Detach(to);
  if (old != nullptr) Dispose(old, lazy_free_ != nullptr && lazy_free_->server_del);
  Add(e);
  return e;
}

bool Db::Delete(std::string_view key, bool lazy) {
  Entry** link = table_.FindLink(key);
  if (link == nullptr) return false;
  bool expired = IsExpired(*link);
  if (expired) {
    DeleteExpired(link);
    return false;
  }
  Entry* e = Detach(key);
  Dispose(e, lazy);
  return true;
}

void Db::Dispose(Entry* e, bool lazy) {
  if (lazy && lazy_free_ != nullptr) {
    lazy_free_->Free(e);
  } else {
    FreeEntry(e);
  }
}

uint32_t Db::InitialLru() const { return NewEntryLru(*clock_); }

void Db::TouchLfu(Entry* e) {
  e->lru = LfuTouch(e->lru, clock_->now_ms, clock_->lfu_log_factor, clock_->lfu_decay_time);
}

// A new TTL is a change of the key for WATCH (Redis's signalModifiedKey), not of its value.
Entry* Db::SetExpire(Entry* e, int64_t when_ms) {
  ++*dirty_;
  if (e->has_expire()) {
    e->set_expire_ms(when_ms);
    if (on_key_change) (*on_key_change)(*this, e->key());
    return e;
  }
  Entry** link = table_.FindLink(e->key());
  Entry* n = Reshape(e, true);
  table_.Replace(link, n);
  std::free(e);  // the value now belongs to n
  n->set_expire_ms(when_ms);
  AddVolatile(n);
  if (on_key_change) (*on_key_change)(*this, n->key());
  return n;
}

Entry* Db::Persist(Entry* e) {
  if (!e->has_expire()) return e;
  ++*dirty_;
  RemoveVolatile(e);
  Entry** link = table_.FindLink(e->key());
  Entry* n = Reshape(e, false);
  table_.Replace(link, n);
  std::free(e);
  if (on_key_change) (*on_key_change)(*this, n->key());
  return n;
}

size_t Db::ActiveExpire(int64_t budget_us, uint64_t (*rng)()) {
  if (clock_->expiry_paused) return 0;
  size_t deleted = 0;
  int64_t start = util::MonotonicMicros();
  for (int round = 0;; ++round) {
    if (volatile_.empty()) break;
    int sample = static_cast<int>(std::min<size_t>(kExpireSample, volatile_.size()));
    int expired = 0;
    for (int i = 0; i < sample && !volatile_.empty(); ++i) {
      Entry* e = volatile_[rng() % volatile_.size()];
      if (IsExpired(e)) {
        Entry** link = table_.FindLink(e->key());
        DeleteExpired(link);
        ++expired;
      }
    }
    deleted += expired;
    if (expired * 100 <= sample * kAcceptableStale) break;
    if ((round & 15) == 15 && util::MonotonicMicros() - start > budget_us) break;
  }
  return deleted;
}

Entry* Db::RandomKey(uint64_t (*rng)()) {
  // Bounded retries: a keyspace made only of expired keys must not spin forever.
  for (int tries = 0; tries < 100; ++tries) {
    Entry* e = table_.Random(rng);
    if (e == nullptr) return nullptr;
    if (!IsExpired(e)) return e;
    if (volatile_.size() == table_.size() && tries > 50) return e;  // as Redis: give up, return it
    if (clock_->expiry_paused) continue;
    Entry** link = table_.FindLink(e->key());
    DeleteExpired(link);
  }
  return nullptr;
}

Entry* Db::ReleaseAll() {
  *dirty_ += table_.size();
  if (on_flush) (*on_flush)(*this, nullptr);
  volatile_.clear();
  volatile_.shrink_to_fit();
  return table_.ReleaseAll();
}

void Db::Flush() {
  Entry* e = ReleaseAll();
  while (e != nullptr) {
    Entry* next = e->next;
    FreeEntry(e);
    e = next;
  }
}

void Db::SwapWith(Db& other) {
  ++*dirty_;
  if (on_flush) (*on_flush)(*this, &other);
  if (other.on_flush) (*other.on_flush)(other, this);
  table_.Swap(other.table_);
  volatile_.swap(other.volatile_);
}

void Db::Cron() {
  table_.MaybeShrink();
  table_.RehashFor(1000);
}

}  // namespace redoubt::store
