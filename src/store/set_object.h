// The set value type: a sorted array of integers ("intset", 16/32/64-bit wide as Redis's) while
// every member is an integer and there are at most set-max-intset-entries of them, otherwise a
// chained hash table of members ("hashtable"), as Redis 7.0 does. Knows nothing of RESP.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "store/entry.h"
#include "store/table.h"

namespace redoubt::store {

class SetObject final : public Object {
 public:
  using MemberFn = std::function<void(std::string_view member)>;

  // A new empty set: an intset when `intset`, a hash table otherwise. Redis creates the set
  // of its first member's kind (setTypeCreate).
  explicit SetObject(bool intset = true);
  ~SetObject() override;
  SetObject(const SetObject&) = delete;
  SetObject& operator=(const SetObject&) = delete;

  Object* Clone() const override;
  size_t MemoryUsage(size_t samples) const override;
  const char* EncodingName() const override;

  bool is_intset() const { return !(rep_ & kTableTag); }
  size_t size() const { return is_intset() ? count() : table()->size(); }

  bool Contains(std::string_view member) const;
  // Adds member; true when it was new. Converts to a hash table when the member is not an
  // integer or the intset would hold more than max_intset_entries.
  bool Add(std::string_view member, int64_t max_intset_entries);
  bool Remove(std::string_view member);

  // Calls fn on every member (integers as decimal text); fn must not modify the set.
  void ForEach(const MemberFn& fn) const;
  // A random member (the set must not be empty).
  std::string Random(uint64_t (*rng)()) const;
  // Removes and returns a random member (the set must not be empty).
  std::string PopRandom(uint64_t (*rng)());
  // One SSCAN step over the hash-table encoding (an intset returns everything with cursor 0).
  uint64_t Scan(uint64_t cursor, const MemberFn& fn) const;

 private:
  // The representation is one tagged word, so that the object itself takes 16 bytes: an
  // intset buffer (nullptr when empty) laid out as <count: u32><width: u8><count * width
  // bytes>, or a Table* with the low bit set.
  static constexpr uintptr_t kTableTag = 1;
  static constexpr size_t kIntHeader = 5;
  char* ints() const { return reinterpret_cast<char*>(rep_); }
  Table* table() const { return reinterpret_cast<Table*>(rep_ & ~kTableTag); }
  uint32_t count() const;
  uint8_t width() const { return ints() == nullptr ? 2 : static_cast<uint8_t>(ints()[4]); }
  char* int_data() const { return ints() + kIntHeader; }

  int64_t IntAt(size_t i) const;
  void SetIntAt(size_t i, int64_t v);
  // Index of v, or of where it would be inserted; *found says which.
  size_t IntSearch(int64_t v, bool* found) const;
  bool IntAdd(int64_t v);
  void IntRemoveAt(size_t i);
  void ResizeInts(size_t count, uint8_t width);
  void ConvertToTable();

  uintptr_t rep_ = 0;  // intset: ascending integers; table: members as entry keys
};

}  // namespace redoubt::store
