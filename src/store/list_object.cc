#include "store/list_object.h"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

namespace redoubt::store {

namespace {

// Redis's quicklist limits: fill is clamped to [-5, 32767]; a count-limited node still stays
// under 8 KB; -1..-5 allow nodes of 4, 8, 16, 32 and 64 KB.
constexpr int kFillMax = (1 << 15) - 1;
constexpr size_t kSizeSafetyLimit = 8192;

uint8_t** AllocRing(uint32_t cap) {
  auto* r = static_cast<uint8_t**>(std::malloc(sizeof(uint8_t*) * cap));
  if (r == nullptr) throw std::bad_alloc();
  return r;
}

using listpack::Bytes;
using listpack::Count;
using listpack::kHeaderSize;

}  // namespace

ListObject::ListObject(int fill) : single_(nullptr) { fill_ = std::clamp(fill, -5, kFillMax); }

ListObject::~ListObject() {
  for (uint32_t i = 0; i < nodes_; ++i) std::free(Node(i));
  if (cap_ > 0) std::free(ring_);
}

Object* ListObject::Clone() const {
  auto* c = new ListObject(fill_);
  for (uint32_t i = 0; i < nodes_; ++i) c->InsertNode(i, listpack::Copy(Node(i)));
  c->len_ = len_;
  return c;
}

size_t ListObject::MemoryUsage(size_t samples) const {
  size_t n = malloc_usable_size(const_cast<ListObject*>(this));
  if (cap_ > 0) n += malloc_usable_size(ring_);
  const uint32_t seen = samples == 0 || samples >= nodes_ ? nodes_ : static_cast<uint32_t>(samples);
  size_t bytes = 0;
  for (uint32_t i = 0; i < seen; ++i) bytes += malloc_usable_size(Node(i));
  if (seen > 0 && seen < nodes_) bytes = bytes / seen * nodes_;
  return n + bytes;
}

bool ListObject::Fits(size_t bytes, uint32_t count) const {
  if (count <= 1) return true;
  if (fill_ < 0) return bytes <= (size_t{4096} << (-fill_ - 1));
  return bytes <= kSizeSafetyLimit && count <= static_cast<uint32_t>(fill_);
}

void ListObject::Grow() {
  uint32_t cap = cap_ * 2;
  uint8_t** ring = AllocRing(cap);
  for (uint32_t i = 0; i < nodes_; ++i) ring[i] = Node(i);
  std::free(ring_);
  ring_ = ring;
  cap_ = cap;
  head_ = 0;
}

void ListObject::InsertNode(uint32_t i, uint8_t* lp) {
  if (cap_ == 0) {
    if (nodes_ == 0) {
      single_ = lp;
      nodes_ = 1;
      return;
    }
    uint8_t* only = single_;
    uint8_t** ring = AllocRing(4);
    ring[0] = only;
    ring_ = ring;
    cap_ = 4;
    head_ = 0;
  }
  if (nodes_ == cap_) Grow();
  uint32_t mask = cap_ - 1;
  if (i == 0) {
    head_ = (head_ - 1) & mask;
    ring_[head_] = lp;
  } else {
    for (uint32_t k = nodes_; k > i; --k) ring_[(head_ + k) & mask] = ring_[(head_ + k - 1) & mask];
    ring_[(head_ + i) & mask] = lp;
  }
  ++nodes_;
}

void ListObject::EraseNode(uint32_t i) {
  std::free(Node(i));
  if (cap_ == 0) {
    single_ = nullptr;
    nodes_ = 0;
    return;
  }
  uint32_t mask = cap_ - 1;
  if (i == 0) {
    head_ = (head_ + 1) & mask;
  } else {
    for (uint32_t k = i; k + 1 < nodes_; ++k)
      ring_[(head_ + k) & mask] = ring_[(head_ + k + 1) & mask];
  }
  --nodes_;
  if (nodes_ <= 1) {
    uint8_t* only = nodes_ == 1 ? ring_[head_] : nullptr;
    std::free(ring_);
    cap_ = 0;
    head_ = 0;
    single_ = only;
  }
}

void ListObject::PushFront(std::string_view v) {
  size_t esz = listpack::EntrySize(v);
  if (nodes_ == 0 || !Fits(Bytes(Node(0)) + esz, Count(Node(0)) + 1)) {
    InsertNode(0, listpack::New());
  }
  uint8_t*& lp = Node(0);
  lp = listpack::Prepend(lp, v);
  ++len_;
}

void ListObject::PushBack(std::string_view v) {
  size_t esz = listpack::EntrySize(v);
  if (nodes_ == 0 || !Fits(Bytes(Node(nodes_ - 1)) + esz, Count(Node(nodes_ - 1)) + 1)) {
    InsertNode(nodes_, listpack::New());
  }
  uint8_t*& lp = Node(nodes_ - 1);
  lp = listpack::Append(lp, v);
  ++len_;
}

std::string ListObject::PopFront() {
  uint8_t*& lp = Node(0);
  char scratch[listpack::kScratchSize];
  std::string out(listpack::Get(listpack::First(lp), scratch));
  if (Count(lp) == 1) {
    EraseNode(0);
  } else {
    lp = listpack::Delete(lp, kHeaderSize);
  }
  --len_;
  return out;
}

std::string ListObject::PopBack() {
  uint8_t*& lp = Node(nodes_ - 1);
  const uint8_t* p = listpack::Last(lp);
  char scratch[listpack::kScratchSize];
  std::string out(listpack::Get(p, scratch));
  if (Count(lp) == 1) {
    EraseNode(nodes_ - 1);
  } else {
    lp = listpack::Delete(lp, static_cast<size_t>(p - lp));
  }
  --len_;
  return out;
}

void ListObject::Locate(uint64_t index, uint32_t* node, uint32_t* offset) const {
  if (index < len_ / 2) {
    for (uint32_t i = 0;; ++i) {
      uint32_t c = Count(Node(i));
      if (index < c) {
        *node = i;
        *offset = static_cast<uint32_t>(index);
        return;
      }
      index -= c;
    }
  }
  uint64_t rev = len_ - 1 - index;
  for (uint32_t i = nodes_ - 1;; --i) {
    uint32_t c = Count(Node(i));
    if (rev < c) {
      *node = i;
      *offset = static_cast<uint32_t>(c - 1 - rev);
      return;
    }
    rev -= c;
  }
}

std::string_view ListObject::Get(uint64_t index, char (&scratch)[listpack::kScratchSize]) const {
  uint32_t node, offset;
  Locate(index, &node, &offset);
  return listpack::Get(listpack::Seek(Node(node), offset), scratch);
}

void ListObject::Set(uint64_t index, std::string_view v) {
  uint32_t node, offset;
  Locate(index, &node, &offset);
  uint8_t*& lp = Node(node);
  const uint8_t* p = listpack::Seek(lp, offset);
  lp = listpack::Replace(lp, static_cast<size_t>(p - lp), v);
  SplitIfNeeded(node);
}

void ListObject::SplitIfNeeded(uint32_t i) {
  uint8_t* lp = Node(i);
  uint32_t count = Count(lp);
  if (Fits(Bytes(lp), count)) return;
  uint32_t half = count / 2;
  const uint8_t* p = listpack::Seek(lp, half);
  const uint8_t* end = lp + Bytes(lp) - 1;
  uint8_t* right = listpack::NewFromRange(p, end, count - half);
  Node(i) = listpack::DeleteRange(lp, static_cast<size_t>(p - lp), static_cast<size_t>(end - p),
                                  count - half);
  InsertNode(i + 1, right);
  SplitIfNeeded(i + 1);
  SplitIfNeeded(i);
}

void ListObject::Compact() {
  if (nodes_ < 2) return;
  // One pass with a write index: each node is appended to the previous kept node when the two
  // fit in one, as raw bytes (entries are position-independent).
  uint32_t w = 1;
  for (uint32_t r = 1; r < nodes_; ++r) {
    uint8_t* a = Node(w - 1);
    uint8_t* b = Node(r);
    size_t a_bytes = Bytes(a), b_body = Bytes(b) - kHeaderSize - 1;
    if (!Fits(a_bytes + b_body, Count(a) + Count(b))) {
      Node(w++) = b;
      continue;
    }
    auto* m = static_cast<uint8_t*>(std::realloc(a, a_bytes + b_body));
    if (m == nullptr) throw std::bad_alloc();
    std::memcpy(m + a_bytes - 1, b + kHeaderSize, b_body);
    Node(w - 1) = listpack::Truncate(m, a_bytes - 1 + b_body, Count(m) + Count(b));
    std::free(b);
  }
  nodes_ = w;
  if (nodes_ == 1) {
    uint8_t* only = Node(0);
    std::free(ring_);
    cap_ = 0;
    head_ = 0;
    single_ = only;
  }
}

bool ListObject::InsertAtPivot(std::string_view pivot, std::string_view v, bool after) {
  for (uint32_t i = 0; i < nodes_; ++i) {
    uint8_t* lp = Node(i);
    for (const uint8_t* p = listpack::First(lp); p != nullptr; p = listpack::Next(lp, p)) {
      if (!listpack::Equals(p, pivot)) continue;
      size_t at = static_cast<size_t>(p - lp) + (after ? listpack::EntryLen(p) : 0);
      Node(i) = listpack::Insert(lp, at, v);
      ++len_;
      SplitIfNeeded(i);
      return true;
    }
  }
  return false;
}

uint64_t ListObject::Remove(std::string_view v, uint64_t limit, bool from_tail) {
  uint64_t removed = 0;
  for (uint32_t step = 0; step < nodes_ && (limit == 0 || removed < limit);) {
    uint32_t i = from_tail ? nodes_ - 1 - step : step;
    uint8_t* lp = Node(i);
    uint64_t want = limit == 0 ? UINT64_MAX : limit - removed;
    // From the tail with a limit, the matches to drop in this node are its last `want` ones.
    uint64_t skip = 0;
    if (from_tail && limit != 0) {
      uint64_t matches = 0;
      for (const uint8_t* p = listpack::First(lp); p != nullptr; p = listpack::Next(lp, p)) {
        matches += listpack::Equals(p, v);
      }
      skip = matches > want ? matches - want : 0;
    }
    uint32_t n = 0;
    lp = listpack::DeleteIf(
        lp,
        [&](const uint8_t* p) {
          if (want == 0 || !listpack::Equals(p, v)) return false;
          if (skip > 0) {
            --skip;
            return false;
          }
          --want;
          return true;
        },
        &n);
    Node(i) = lp;
    removed += n;
    len_ -= n;
    if (Count(lp) == 0) {
      EraseNode(i);  // the next node to visit now has the same step
    } else {
      ++step;
    }
  }
  if (removed > 0) Compact();
  return removed;
}

void ListObject::Trim(uint64_t n, bool front) {
  while (n > 0) {
    uint32_t i = front ? 0 : nodes_ - 1;
    uint8_t* lp = Node(i);
    uint32_t c = Count(lp);
    if (n >= c) {
      EraseNode(i);
      len_ -= c;
      n -= c;
      continue;
    }
    auto k = static_cast<uint32_t>(n);
    if (front) {
      const uint8_t* p = listpack::Seek(lp, k);
      Node(i) =
          listpack::DeleteRange(lp, kHeaderSize, static_cast<size_t>(p - lp) - kHeaderSize, k);
    } else {
      const uint8_t* p = listpack::Seek(lp, c - k);
      const uint8_t* end = lp + Bytes(lp) - 1;
      Node(i) =
          listpack::DeleteRange(lp, static_cast<size_t>(p - lp), static_cast<size_t>(end - p), k);
    }
    len_ -= k;
    n = 0;
  }
}

ListObject::Cursor ListObject::At(uint64_t index) const {
  Cursor c;
  c.list_ = this;
  uint32_t offset;
  Locate(index, &c.node_, &offset);
  c.p_ = listpack::Seek(Node(c.node_), offset);
  return c;
}

void ListObject::Cursor::Next() {
  p_ = listpack::Next(list_->Node(node_), p_);
  if (p_ == nullptr && node_ + 1 < list_->nodes_) p_ = listpack::First(list_->Node(++node_));
}

void ListObject::Cursor::Prev() {
  p_ = listpack::Prev(list_->Node(node_), p_);
  if (p_ == nullptr && node_ > 0) p_ = listpack::Last(list_->Node(--node_));
}

bool ListObject::Verify() const {
  uint64_t total = 0;
  for (uint32_t i = 0; i < nodes_; ++i) {
    const uint8_t* lp = Node(i);
    uint32_t c = Count(lp);
    if (c == 0 || !Fits(Bytes(lp), c)) return false;
    uint32_t fwd = 0, back = 0;
    const uint8_t* p = listpack::First(lp);
    for (; p != nullptr; p = listpack::Next(lp, p)) ++fwd;
    for (p = listpack::Last(lp); p != nullptr; p = listpack::Prev(lp, p)) ++back;
    if (fwd != c || back != c) return false;
    total += c;
  }
  if (cap_ == 0 && nodes_ > 1) return false;
  return total == len_;
}

}  // namespace redoubt::store
