// A flat, allocation-light list of byte strings: the compact encoding behind small hashes (what
// Redis calls a listpack). Each element is a LEB128 length followed by its bytes, so a small
// element costs one byte of overhead; lookups are linear, which is what small sizes want.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace redoubt::store {

class PackedList {
 public:
  PackedList() = default;
  ~PackedList();
  PackedList(const PackedList&) = delete;
  PackedList& operator=(const PackedList&) = delete;

  // Makes this list a copy of `other`.
  void CopyFrom(const PackedList& other);

  size_t bytes() const { return bytes_; }
  // Elements held.
  size_t count() const { return count_; }
  // Heap bytes actually held (the allocator's size class).
  size_t AllocatedBytes() const;

  // Forward iteration: `pos` is a byte offset; Next reads the element at *pos and advances.
  bool AtEnd(size_t pos) const { return pos >= bytes_; }
  std::string_view Next(size_t* pos) const;

  // Appends elements at the end.
  void Append(std::string_view a);
  void Append2(std::string_view a, std::string_view b);
  // Replaces the element starting at byte offset `pos` by `s`.
  void ReplaceAt(size_t pos, std::string_view s);
  // Erases the `n` elements starting at byte offset `pos`.
  void EraseAt(size_t pos, size_t n);
  void Clear();

 private:
  void Resize(size_t new_bytes);
  static size_t VarintSize(size_t v);
  static size_t PutVarint(char* p, size_t v);

  char* data_ = nullptr;
  uint32_t bytes_ = 0;
  uint32_t count_ = 0;
};

}  // namespace redoubt::store
