#include "store/entry.h"

#include <malloc.h>

#include <charconv>
#include <cstdlib>
#include <new>

#include "util/numbers.h"

namespace redoubt::store {

namespace {

void* Allocate(size_t n) {
  void* p = std::malloc(n);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

Entry* AllocEntry(std::string_view key, size_t val_len, ValueType type, Encoding enc,
                  bool with_expire) {
  auto* e = static_cast<Entry*>(Allocate(Entry::AllocSize(key.size(), val_len, with_expire)));
  e->next = nullptr;
  e->key_len = static_cast<uint32_t>(key.size());
  e->val_len = static_cast<uint32_t>(val_len);
  e->type = type;
  e->encoding = enc;
  e->flags = with_expire ? Entry::kHasExpire : 0;
  e->reserved = 0;
  e->lru = 0;
  if (with_expire) {
    e->set_expire_ms(0);
    e->set_volatile_index(0);
  }
  std::memcpy(e->tail() + e->expire_block(), key.data(), key.size());
  return e;
}

}  // namespace

RawString* RawString::Create(std::string_view s, size_t cap) {
  if (cap < s.size()) cap = s.size();
  auto* r = static_cast<RawString*>(Allocate(offsetof(RawString, data) + cap + 1));
  r->len = s.size();
  r->cap = cap;
  if (!s.empty()) std::memcpy(r->data, s.data(), s.size());
  return r;
}

RawString* RawString::Grow(RawString* r, size_t min_cap) {
  if (r->cap >= min_cap) return r;
  // Doubling up to 1 MB, then 1 MB steps, like sds: repeated APPEND stays amortised O(1)
  // without a big value ever reserving twice its size.
  size_t cap = min_cap < (1 << 20) ? min_cap * 2 : min_cap + (1 << 20);
  void* p = std::realloc(r, offsetof(RawString, data) + cap + 1);
  if (p == nullptr) throw std::bad_alloc();
  r = static_cast<RawString*>(p);
  r->cap = cap;
  return r;
}

std::string_view Entry::string_value(char (&scratch)[24]) const {
  switch (encoding) {
    case Encoding::kInt: {
      auto res = std::to_chars(scratch, scratch + sizeof(scratch), int_value());
      return {scratch, static_cast<size_t>(res.ptr - scratch)};
    }
    case Encoding::kEmbStr:
      return {value_ptr(), val_len};
    case Encoding::kRaw:
      return raw()->view();
    case Encoding::kObject:
      break;
  }
  return {};
}

Entry* NewStringEntry(std::string_view key, std::string_view value, bool with_expire,
                      bool try_int) {
  int64_t iv;
  if (try_int && value.size() <= 20 && util::ParseInt64(value, &iv)) {
    Entry* e = AllocEntry(key, 8, ValueType::kString, Encoding::kInt, with_expire);
    e->set_int_value(iv);
    return e;
  }
  if (value.size() <= kEmbStrMax) {
    Entry* e = AllocEntry(key, value.size(), ValueType::kString, Encoding::kEmbStr, with_expire);
    if (!value.empty()) std::memcpy(e->value_ptr(), value.data(), value.size());
    return e;
  }
  Entry* e = AllocEntry(key, sizeof(void*), ValueType::kString, Encoding::kRaw, with_expire);
  e->set_raw(RawString::Create(value, value.size()));
  return e;
}

Entry* NewObjectEntry(std::string_view key, ValueType type, Object* obj, bool with_expire) {
  Entry* e = AllocEntry(key, sizeof(void*), type, Encoding::kObject, with_expire);
  e->set_object(obj);
  return e;
}

void FreeEntryValue(Entry* e) {
  if (e->encoding == Encoding::kRaw) {
    std::free(e->raw());
  } else if (e->encoding == Encoding::kObject) {
    delete e->object();
  }
}

void FreeEntry(Entry* e) {
  FreeEntryValue(e);
  std::free(e);
}

Entry* CloneEntry(const Entry* e, std::string_view new_key) {
  Entry* c = AllocEntry(new_key, e->val_len, e->type, e->encoding, false);
  switch (e->encoding) {
    case Encoding::kInt:
    case Encoding::kEmbStr:
      std::memcpy(c->value_ptr(), e->value_ptr(), e->val_len);
      break;
    case Encoding::kRaw:
      c->set_raw(RawString::Create(e->raw()->view(), e->raw()->len));
      break;
    case Encoding::kObject:
      c->set_object(e->object()->Clone());
      break;
  }
  c->lru = e->lru;
  return c;
}

size_t EntryMemory(const Entry* e, size_t samples) {
  // The allocator's real size class, which is what the key costs (same for jemalloc and glibc).
  size_t n = malloc_usable_size(const_cast<Entry*>(e));
  if (e->encoding == Encoding::kRaw) n += malloc_usable_size(e->raw());
  if (e->encoding == Encoding::kObject) n += e->object()->MemoryUsage(samples);
  return n;
}

}  // namespace redoubt::store
