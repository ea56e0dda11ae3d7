// A byte buffer for socket input: grows only as bytes really arrive, never zero-fills, and
// gives back memory once a big request has been consumed.
#pragma once

#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>

namespace redoubt::util {

class Buffer {
 public:
  Buffer() = default;
  ~Buffer() { std::free(data_); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  char* data() { return data_; }
  const char* data() const { return data_; }
  size_t size() const { return size_; }
  size_t capacity() const { return cap_; }
  bool empty() const { return size_ == 0; }
  std::string_view view() const { return {data_, size_}; }

  // Makes room for at least n more bytes after size() and returns where they go.
  char* Reserve(size_t n) {
    if (cap_ - size_ < n) Grow(size_ + n);
    return data_ + size_;
  }
  void Commit(size_t n) { size_ += n; }
  void Append(std::string_view s) {
    std::memcpy(Reserve(s.size()), s.data(), s.size());
    size_ += s.size();
  }
  // Drops the first n bytes.
  void Consume(size_t n) {
    if (n >= size_) {
      size_ = 0;
    } else {
      std::memmove(data_, data_ + n, size_ - n);
      size_ -= n;
    }
  }
  void Clear() { size_ = 0; }
  // Gives back the allocation beyond `keep` bytes (never below what is held).
  void ShrinkTo(size_t keep) {
    if (cap_ <= keep || size_ > keep) return;
    char* p = static_cast<char*>(std::realloc(data_, keep == 0 ? 1 : keep));
    if (p != nullptr) {
      data_ = p;
      cap_ = keep == 0 ? 1 : keep;
    }
  }
  // Releases the allocation when it is much bigger than what is held (after a big request).
  void ShrinkIfIdle(size_t keep) {
    if (cap_ > keep && size_ <= keep / 2) {
      char* p = static_cast<char*>(std::realloc(data_, keep));
      if (p != nullptr || keep == 0) {
        data_ = p;
        cap_ = keep;
      }
    }
  }

 private:
  void Grow(size_t need) {
    size_t cap = cap_ == 0 ? 1024 : cap_;
    while (cap < need) cap *= 2;
    char* p = static_cast<char*>(std::realloc(data_, cap));
    if (p == nullptr) throw std::bad_alloc();
    data_ = p;
    cap_ = cap;
  }

  char* data_ = nullptr;
  size_t size_ = 0;
  size_t cap_ = 0;
};

}  // namespace redoubt::util
