// The list value: a sequence of listpack nodes, like Redis's quicklist, so that a long list of
// small elements costs a few bytes per element and both ends are O(1). The nodes sit in a ring
// buffer of pointers (8 bytes per node, where a quicklist node costs 32), and a list of one node
// keeps that node's pointer inline with no ring at all. Knows nothing of RESP or clients.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "store/entry.h"
#include "store/listpack.h"

namespace redoubt::store {

class ListObject final : public Object {
 public:
  // fill is list-max-listpack-size: > 0 entries per node, -1..-5 node size 4..64 KB. As
  // Redis, it is fixed when the list is created.
  explicit ListObject(int fill);
  ~ListObject() override;
  ListObject(const ListObject&) = delete;
  ListObject& operator=(const ListObject&) = delete;

  Object* Clone() const override;
  size_t MemoryUsage(size_t samples) const override;
  // Redis 7.0 has one list encoding (its listpack encoding for lists came with 7.2).
  const char* EncodingName() const override { return "quicklist"; }

  uint64_t size() const { return len_; }
  bool empty() const { return len_ == 0; }
  uint32_t node_count() const { return nodes_; }
  int fill() const { return fill_; }
  // The listpack of node i (< node_count()): what an RDB quicklist-2 node holds, byte for byte.
  const uint8_t* node_listpack(uint32_t i) const { return Node(i); }

  void PushFront(std::string_view v);
  void PushBack(std::string_view v);
  // Removes the first / last element and returns it; the list must not be empty.
  std::string PopFront();
  std::string PopBack();
  void Pop(bool front, std::string* out) { *out = front ? PopFront() : PopBack(); }
  void Push(bool front, std::string_view v) { front ? PushFront(v) : PushBack(v); }

  // The element at index (< size()), walking from the nearer end. Integers are formatted into
  // scratch.
  std::string_view Get(uint64_t index, char (&scratch)[listpack::kScratchSize]) const;
  // Replaces the element at index (< size()).
  void Set(uint64_t index, std::string_view v);
  // Inserts v before (or after) the first element equal to pivot; false when there is none.
  bool InsertAtPivot(std::string_view pivot, std::string_view v, bool after);
  // Removes up to `limit` elements equal to v (0: all), scanning from the head or the tail.
  // Returns how many were removed.
  uint64_t Remove(std::string_view v, uint64_t limit, bool from_tail);
  // Removes n elements from the front (or back); n <= size().
  void Trim(uint64_t n, bool front);

  // A read cursor over the elements, forwards or backwards. Invalidated by any mutation.
  class Cursor {
   public:
    bool valid() const { return p_ != nullptr; }
    std::string_view value(char (&scratch)[listpack::kScratchSize]) const {
      return listpack::Get(p_, scratch);
    }
    bool Equals(std::string_view v) const { return listpack::Equals(p_, v); }
    void Next();
    void Prev();

   private:
    friend class ListObject;
    const ListObject* list_ = nullptr;
    uint32_t node_ = 0;
    const uint8_t* p_ = nullptr;
  };
  // A cursor at index (< size()); or at the first / last element.
  Cursor At(uint64_t index) const;
  Cursor Front() const { return At(0); }
  Cursor Back() const { return At(len_ - 1); }

  // Consistency check for tests: counts, byte sizes and node limits agree.
  bool Verify() const;

 private:
  uint8_t*& Node(uint32_t i) { return cap_ == 0 ? single_ : ring_[(head_ + i) & (cap_ - 1)]; }
  uint8_t* Node(uint32_t i) const { return cap_ == 0 ? single_ : ring_[(head_ + i) & (cap_ - 1)]; }
  // Inserts a node at position i (0..nodes_) / erases node i (freeing it).
  void InsertNode(uint32_t i, uint8_t* lp);
  void EraseNode(uint32_t i);
  void Grow();
  // Whether a node of `bytes` bytes and `count` entries respects the fill limits.
  bool Fits(size_t bytes, uint32_t count) const;
  // The node holding index and the index within it.
  void Locate(uint64_t index, uint32_t* node, uint32_t* offset) const;
  // Splits node i in two halves when an edit made it exceed the limits.
  void SplitIfNeeded(uint32_t i);
  // Merges neighbouring nodes that fit in one (after deletions left them small).
  void Compact();

  union {
    uint8_t** ring_;   // cap_ > 0: ring buffer of nodes, cap_ a power of two
    uint8_t* single_;  // cap_ == 0: the only node, or nullptr
  };
  uint64_t len_ = 0;
  uint32_t cap_ = 0;
  uint32_t head_ = 0;
  uint32_t nodes_ = 0;
  int32_t fill_;
};

}  // namespace redoubt::store
