// Listpack: Redis 7.0's packed sequence of small strings and integers, byte for byte (it is also
// what an RDB quicklist-2 node holds). One malloc'd buffer:
//   <total bytes: u32 LE> <entry count: u16 LE> <entry>... <0xFF>
// and each entry is <encoding + data> <backlen>, backlen being the encoding+data size written
// so that it can be read backwards, which makes both ends O(1) to reach.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace redoubt::store::listpack {

inline constexpr size_t kHeaderSize = 6;
inline constexpr uint8_t kEof = 0xFF;
// Enough room for the text of any integer entry (Get's scratch buffer).
inline constexpr size_t kScratchSize = 24;

inline uint32_t Bytes(const uint8_t* lp) {
  uint32_t v;
  std::memcpy(&v, lp, 4);  // little endian on every platform we build for
  return v;
}
inline uint32_t Count(const uint8_t* lp) { return lp[4] | (uint32_t{lp[5]} << 8); }

// A new empty listpack (throws std::bad_alloc).
uint8_t* New();
// A new listpack holding a copy of the entries in [from, to) of lp (entry boundaries).
uint8_t* NewFromRange(const uint8_t* from, const uint8_t* to, uint32_t count);
// A full copy of lp.
uint8_t* Copy(const uint8_t* lp);

// Bytes an entry holding v takes, backlen included.
size_t EntrySize(std::string_view v);

// Entry navigation; nullptr when there is no such entry.
inline const uint8_t* First(const uint8_t* lp) {
  return lp[kHeaderSize] == kEof ? nullptr : lp + kHeaderSize;
}
const uint8_t* Last(const uint8_t* lp);
const uint8_t* Next(const uint8_t* lp, const uint8_t* p);
const uint8_t* Prev(const uint8_t* lp, const uint8_t* p);
// The entry at index i (< Count(lp)), walking from the nearer end.
const uint8_t* Seek(const uint8_t* lp, uint32_t i);
// Size of the entry at p, backlen included.
size_t EntryLen(const uint8_t* p);

// The entry's value as text; integer entries are formatted into scratch.
std::string_view Get(const uint8_t* p, char (&scratch)[kScratchSize]);
// True when the entry at p equals v (as Redis's lpCompare: integers compare by value).
bool Equals(const uint8_t* p, std::string_view v);

// Mutations take the listpack by value and return it, possibly moved (realloc).
// Inserts v so that it starts at byte offset `at` (an entry start, or the EOF offset to append).
uint8_t* Insert(uint8_t* lp, size_t at, std::string_view v);
inline uint8_t* Append(uint8_t* lp, std::string_view v) { return Insert(lp, Bytes(lp) - 1, v); }
inline uint8_t* Prepend(uint8_t* lp, std::string_view v) { return Insert(lp, kHeaderSize, v); }
// Deletes `count` consecutive entries starting at byte offset `at`, `nbytes` bytes in all.
uint8_t* DeleteRange(uint8_t* lp, size_t at, size_t nbytes, uint32_t count);
// Deletes the one entry at byte offset `at`.
uint8_t* Delete(uint8_t* lp, size_t at);
// Replaces the entry at byte offset `at` by v.
uint8_t* Replace(uint8_t* lp, size_t at, std::string_view v);
// Ends the listpack at byte offset eof_at with `count` entries: writes EOF and the header and
// shrinks the buffer (after entries were compacted in place).
uint8_t* Truncate(uint8_t* lp, size_t eof_at, uint32_t count);

// Deletes, in one pass from the front, the entries for which drop(p) returns true. Returns the
// listpack; *removed receives how many entries went.
template <typename Drop>
uint8_t* DeleteIf(uint8_t* lp, Drop drop, uint32_t* removed) {
  size_t r = kHeaderSize, w = kHeaderSize;
  uint32_t n = 0;
  while (lp[r] != kEof) {
    size_t len = EntryLen(lp + r);
    if (drop(static_cast<const uint8_t*>(lp + r))) {
      ++n;
    } else {
      if (w != r) std::memmove(lp + w, lp + r, len);
      w += len;
    }
    r += len;
  }
  *removed = n;
  return n == 0 ? lp : Truncate(lp, w, Count(lp) - n);
}

}  // namespace redoubt::store::listpack
