#include "store/packed_list.h"

#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <new>

namespace redoubt::store {

PackedList::~PackedList() { std::free(data_); }

void PackedList::CopyFrom(const PackedList& other) {
  Resize(other.bytes_);
  if (bytes_ != 0) std::memcpy(data_, other.data_, bytes_);
  count_ = other.count_;
}

size_t PackedList::AllocatedBytes() const {
  return data_ == nullptr ? 0 : malloc_usable_size(data_);
}

size_t PackedList::VarintSize(size_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

size_t PackedList::PutVarint(char* p, size_t v) {
  size_t n = 0;
  while (v >= 0x80) {
    p[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  p[n++] = static_cast<char>(v);
  return n;
}

std::string_view PackedList::Next(size_t* pos) const {
  size_t p = *pos;
  size_t len = 0;
  int shift = 0;
  for (;;) {
    auto b = static_cast<unsigned char>(data_[p++]);
    len |= static_cast<size_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) break;
    shift += 7;
  }
  *pos = p + len;
  return {data_ + p, len};
}

void PackedList::Resize(size_t new_bytes) {
  // The compact encodings are bounded by the *-max-listpack-* limits, far below 4 GB.
  if (new_bytes == 0) {
    std::free(data_);
    data_ = nullptr;
    bytes_ = 0;
    return;
  }
  void* p = std::realloc(data_, new_bytes);
  if (p == nullptr) throw std::bad_alloc();
  data_ = static_cast<char*>(p);
  bytes_ = static_cast<uint32_t>(new_bytes);
}

void PackedList::Append(std::string_view a) {
  size_t old = bytes_;
  Resize(old + VarintSize(a.size()) + a.size());
  char* p = data_ + old;
  p += PutVarint(p, a.size());
  if (!a.empty()) std::memcpy(p, a.data(), a.size());
  ++count_;
}

void PackedList::Append2(std::string_view a, std::string_view b) {
  size_t old = bytes_;
  Resize(old + VarintSize(a.size()) + a.size() + VarintSize(b.size()) + b.size());
  char* p = data_ + old;
  p += PutVarint(p, a.size());
  if (!a.empty()) std::memcpy(p, a.data(), a.size());
  p += a.size();
  p += PutVarint(p, b.size());
  if (!b.empty()) std::memcpy(p, b.data(), b.size());
  count_ += 2;
}

void PackedList::ReplaceAt(size_t pos, std::string_view s) {
  size_t end = pos;
  Next(&end);
  size_t old_len = end - pos;
  size_t new_len = VarintSize(s.size()) + s.size();
  size_t tail = bytes_ - end;
  if (new_len > old_len) {
    // `s` may not point into our buffer (callers pass client arguments or formatted numbers).
    Resize(bytes_ + (new_len - old_len));
    std::memmove(data_ + pos + new_len, data_ + end, tail);
  } else if (new_len < old_len) {
    std::memmove(data_ + pos + new_len, data_ + end, tail);
    Resize(bytes_ - (old_len - new_len));
  }
  char* p = data_ + pos;
  p += PutVarint(p, s.size());
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
}

void PackedList::EraseAt(size_t pos, size_t n) {
  size_t end = pos;
  for (size_t i = 0; i < n; ++i) Next(&end);
  std::memmove(data_ + pos, data_ + end, bytes_ - end);
  Resize(bytes_ - (end - pos));
  count_ -= static_cast<uint32_t>(n);
}

void PackedList::Clear() {
  Resize(0);
  count_ = 0;
}

}  // namespace redoubt::store
