// One keyspace entry: key, value and metadata in a single allocation. Small strings and
// integers live inline after the key, so a typical key costs one allocation and no pointers
// beyond the bucket chain (Redis spends a dictEntry, an robj and an sds on the same key).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace redoubt::store {

enum class ValueType : uint8_t {
  kString = 0,
  kList = 1,
  kSet = 2,
  kZSet = 3,
  kHash = 4,
  kStream = 6
};

enum class Encoding : uint8_t {
  kInt = 0,     // string holding a canonical int64, stored as 8 inline bytes
  kEmbStr = 1,  // string of at most kEmbStrMax bytes, stored inline
  kRaw = 2,     // string in a separate growable buffer (RawString*)
  kObject = 3,  // any other type: a pointer to an Object
};

// Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT: strings up to this size report "embstr".
inline constexpr size_t kEmbStrMax = 44;

// A growable string buffer for values that are big or are appended to (amortised growth).
struct RawString {
  size_t len;
  size_t cap;
  char data[1];

  static RawString* Create(std::string_view s, size_t cap);
  static RawString* Grow(RawString* r, size_t min_cap);  // may move; contents kept
  std::string_view view() const { return {data, len}; }
};

// Non-string values (lists, hashes, ...) derive from this.
class Object {
 public:
  virtual ~Object() = default;
  virtual Object* Clone() const = 0;
  // Bytes the value uses; with samples > 0 (MEMORY USAGE SAMPLES) estimated from that many
  // elements, as Redis does, so the cost does not grow with the value; 0 measures every one.
  virtual size_t MemoryUsage(size_t samples) const = 0;
  virtual const char* EncodingName() const = 0;
};

struct Entry {
  static constexpr uint8_t kHasExpire = 1;

  Entry* next;
  uint32_t key_len;
  uint32_t val_len;  // inline value bytes (kEmbStr: string length; kInt/kRaw/kObject: 8)
  ValueType type;
  Encoding encoding;
  uint8_t flags;
  uint8_t reserved;
  uint32_t lru;  // LRU clock (seconds) or, under an LFU policy, 16-bit minutes + 8-bit counter
  // Followed by: [int64 expire_ms, uint32 volatile_index] when kHasExpire, the key, the value.

  bool has_expire() const { return flags & kHasExpire; }
  size_t expire_block() const { return has_expire() ? 12 : 0; }
  char* tail() { return reinterpret_cast<char*>(this + 1); }
  const char* tail() const { return reinterpret_cast<const char*>(this + 1); }

  std::string_view key() const { return {tail() + expire_block(), key_len}; }
  char* value_ptr() { return tail() + expire_block() + key_len; }
  const char* value_ptr() const { return tail() + expire_block() + key_len; }

  int64_t expire_ms() const {
    int64_t v;
    std::memcpy(&v, tail(), 8);
    return v;
  }
  void set_expire_ms(int64_t v) { std::memcpy(tail(), &v, 8); }
  uint32_t volatile_index() const {
    uint32_t v;
    std::memcpy(&v, tail() + 8, 4);
    return v;
  }
  void set_volatile_index(uint32_t v) { std::memcpy(tail() + 8, &v, 4); }

  int64_t int_value() const {
    int64_t v;
    std::memcpy(&v, value_ptr(), 8);
    return v;
  }
  void set_int_value(int64_t v) { std::memcpy(value_ptr(), &v, 8); }
  RawString* raw() const {
    RawString* r;
    std::memcpy(&r, value_ptr(), sizeof(r));
    return r;
  }
  void set_raw(RawString* r) { std::memcpy(value_ptr(), &r, sizeof(r)); }
  Object* object() const {
    Object* o;
    std::memcpy(&o, value_ptr(), sizeof(o));
    return o;
  }
  void set_object(Object* o) { std::memcpy(value_ptr(), &o, sizeof(o)); }

  // The string value (kEmbStr/kRaw); for kInt the digits are written to `scratch`.
  std::string_view string_value(char (&scratch)[24]) const;

  static size_t AllocSize(size_t key_len, size_t val_len, bool with_expire) {
    return sizeof(Entry) + (with_expire ? 12 : 0) + key_len + val_len;
  }
};

// Value descriptors used to create or replace an entry's value.
struct StringValue {
  std::string_view bytes;
  bool try_int = true;  // store canonical integers as kInt (what SET does in Redis)
};

Entry* NewStringEntry(std::string_view key, std::string_view value, bool with_expire,
                      bool try_int = true);
Entry* NewObjectEntry(std::string_view key, ValueType type, Object* obj, bool with_expire);
// Frees the entry and everything its value owns.
void FreeEntry(Entry* e);
// Frees only what the value owns (RawString, Object), not the entry itself.
void FreeEntryValue(Entry* e);
// A copy of e under the same key with its own copy of the value (COPY, RESTORE-like uses).
Entry* CloneEntry(const Entry* e, std::string_view new_key);
// Heap bytes the entry and its value use (MEMORY USAGE, eviction accounting).
size_t EntryMemory(const Entry* e, size_t samples = 0);

}  // namespace redoubt::store
