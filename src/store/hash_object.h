// The hash value type: field -> value, in a packed list ("listpack") while small and a chained
// hash table ("hashtable") once a field or value is longer than hash-max-listpack-value bytes
// or there are more than hash-max-listpack-entries fields. Knows nothing of RESP.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "store/entry.h"
#include "store/packed_list.h"
#include "store/table.h"

namespace redoubt::store {

// The conversion thresholds, read from the config at each write.
struct HashLimits {
  int64_t max_entries = 512;
  int64_t max_value = 64;
};

class HashObject final : public Object {
 public:
  using PairFn = std::function<void(std::string_view field, std::string_view value)>;

  HashObject() = default;
  ~HashObject() override;
  HashObject(const HashObject&) = delete;
  HashObject& operator=(const HashObject&) = delete;

  Object* Clone() const override;
  size_t MemoryUsage(size_t samples) const override;
  const char* EncodingName() const override;

  bool compact() const { return table_ == nullptr; }
  size_t size() const { return compact() ? packed_.count() / 2 : table_->size(); }

  // The value of `field`; the view is valid until the hash is next modified.
  bool Get(std::string_view field, std::string_view* value) const;
  bool Exists(std::string_view field) const {
    std::string_view v;
    return Get(field, &v);
  }
  // Sets field to value; true when the field is new. Converts to a hash table first when the
  // pair is too long for the compact encoding, and after when the hash has too many fields.
  bool Set(std::string_view field, std::string_view value, const HashLimits& limits);
  bool Delete(std::string_view field);

  // Calls fn on every pair; fn must not modify the hash.
  void ForEach(const PairFn& fn) const;
  // One random pair (the hash must not be empty).
  void Random(uint64_t (*rng)(), std::string_view* field, std::string_view* value) const;
  // One HSCAN step over the hash-table encoding (the compact one returns everything at once
  // with cursor 0, as Redis does). Returns the next cursor.
  uint64_t Scan(uint64_t cursor, const PairFn& fn) const;

 private:
  static std::string_view ValueOf(const Entry* e);
  // Byte offset of the field's element in the packed list, or npos.
  size_t FindPacked(std::string_view field) const;
  void ConvertToTable();

  PackedList packed_;       // the compact encoding while table_ == nullptr: f1 v1 f2 v2 ...
  Table* table_ = nullptr;  // fields as entry keys, values as their string values
};

}  // namespace redoubt::store
