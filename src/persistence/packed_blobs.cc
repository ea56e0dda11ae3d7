#include "persistence/packed_blobs.h"

#include <cstring>

#include "util/numbers.h"

namespace redoubt::persistence {
namespace {

uint64_t Le(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= uint64_t{p[i]} << (8 * i);
  return v;
}

// Sign-extends the low `bits` bits of v.
int64_t SignExtend(uint64_t v, int bits) {
  if (bits == 64) return static_cast<int64_t>(v);
  uint64_t sign = uint64_t{1} << (bits - 1);
  return static_cast<int64_t>((v ^ sign) - sign);
}

bool EmitInt(int64_t v, const ElementFn& fn) {
  char buf[util::kMaxInt64Chars];
  size_t n = util::FormatInt64(v, buf);
  return fn(std::string_view(buf, n));
}

size_t BacklenSize(uint64_t l) {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

}  // namespace

bool ListpackForEach(std::string_view blob, const ElementFn& fn) {
  const auto* p = reinterpret_cast<const uint8_t*>(blob.data());
  size_t size = blob.size();
  if (size < 7 || Le(p, 4) != size || p[size - 1] != 0xFF) return false;
  uint32_t declared = static_cast<uint32_t>(Le(p + 4, 2));
  size_t pos = 6;
  uint32_t count = 0;
  while (true) {
    if (pos >= size) return false;
    uint8_t b = p[pos];
    if (b == 0xFF) break;
    size_t rem = size - 1 - pos;  // bytes before the EOF byte
    size_t hdr = 0, len = 0;
    bool is_int = false;
    int64_t v = 0;
    auto need = [&](size_t n) { return n <= rem; };
    if ((b & 0x80) == 0) {
      is_int = true;
      v = b & 0x7f;
      hdr = 1;
    } else if ((b & 0xC0) == 0x80) {
      hdr = 1;
      len = b & 0x3f;
    } else if ((b & 0xE0) == 0xC0) {
      if (!need(2)) return false;
      is_int = true;
      v = SignExtend((uint64_t{b & 0x1fu} << 8) | p[pos + 1], 13);
      hdr = 2;
    } else if ((b & 0xF0) == 0xE0) {
      if (!need(2)) return false;
      hdr = 2;
      len = (size_t{b & 0x0fu} << 8) | p[pos + 1];
    } else if (b == 0xF0) {
      if (!need(5)) return false;
      hdr = 5;
      len = Le(p + pos + 1, 4);
    } else if (b >= 0xF1 && b <= 0xF4) {
      static constexpr int kBytes[] = {2, 3, 4, 8};
      int nb = kBytes[b - 0xF1];
      if (!need(1 + static_cast<size_t>(nb))) return false;
      is_int = true;
      v = SignExtend(Le(p + pos + 1, nb), nb * 8);
      hdr = 1 + static_cast<size_t>(nb);
    } else {
      return false;
    }
    size_t l = hdr + len;  // encoding + data
    if (l < hdr || !need(l)) return false;
    size_t bl = BacklenSize(l);
    if (!need(l + bl)) return false;
    // The backlen, read backwards as Redis does, must give l back.
    uint64_t back = 0;
    for (size_t i = 0; i < bl; ++i) {
      uint8_t c = p[pos + l + bl - 1 - i];
      back |= uint64_t{c & 0x7fu} << (7 * i);
      bool more = c & 0x80;
      if (more != (i + 1 < bl)) return false;
    }
    if (back != l) return false;
    bool go = is_int ? EmitInt(v, fn)
                     : fn(std::string_view(reinterpret_cast<const char*>(p + pos + hdr), len));
    if (!go) return false;
    pos += l + bl;
    ++count;
  }
  if (pos != size - 1) return false;
  return declared == 65535 || declared == count;
}

bool ZiplistForEach(std::string_view blob, const ElementFn& fn) {
  const auto* p = reinterpret_cast<const uint8_t*>(blob.data());
  size_t size = blob.size();
  if (size < 11 || Le(p, 4) != size || p[size - 1] != 0xFF) return false;
  size_t tail = Le(p + 4, 4);
  uint32_t declared = static_cast<uint32_t>(Le(p + 8, 2));
  size_t pos = 10, prev_len = 0, last = 0;
  uint32_t count = 0;
  while (true) {
    if (pos >= size) return false;
    if (p[pos] == 0xFF) break;
    size_t start = pos;
    size_t rem = size - 1 - pos;
    // prevlen: 1 byte, or 0xFE and 4 bytes.
    size_t prevlen;
    size_t ph;
    if (p[pos] < 254) {
      prevlen = p[pos];
      ph = 1;
    } else if (p[pos] == 254) {
      if (rem < 5) return false;
      prevlen = Le(p + pos + 1, 4);
      ph = 5;
    } else {
      return false;
    }
    if (prevlen != prev_len) return false;
    pos += ph;
    rem -= ph;
    if (rem < 1) return false;
    uint8_t b = p[pos];
    size_t hdr, len = 0;
    bool is_int = false;
    int64_t v = 0;
    if ((b >> 6) == 0) {
      hdr = 1;
      len = b & 0x3f;
    } else if ((b >> 6) == 1) {
      if (rem < 2) return false;
      hdr = 2;
      len = (size_t{b & 0x3fu} << 8) | p[pos + 1];
    } else if (b == 0x80) {
      if (rem < 5) return false;
      hdr = 5;
      len = (size_t{p[pos + 1]} << 24) | (size_t{p[pos + 2]} << 16) | (size_t{p[pos + 3]} << 8) |
            p[pos + 4];
    } else {
      is_int = true;
      int nb;
      switch (b) {
        case 0xC0:
          nb = 2;
          break;
        case 0xD0:
          nb = 4;
          break;
        case 0xE0:
          nb = 8;
          break;
        case 0xF0:
          nb = 3;
          break;
        case 0xFE:
          nb = 1;
          break;
        default:
          if (b >= 0xF1 && b <= 0xFD) {
            nb = 0;
            v = (b & 0x0f) - 1;
          } else {
            return false;
          }
      }
      if (rem < 1 + static_cast<size_t>(nb)) return false;
      if (nb > 0) v = SignExtend(Le(p + pos + 1, nb), nb * 8);
      hdr = 1 + static_cast<size_t>(nb);
    }
    if (hdr + len > rem) return false;
    bool go = is_int ? EmitInt(v, fn)
                     : fn(std::string_view(reinterpret_cast<const char*>(p + pos + hdr), len));
    if (!go) return false;
    pos += hdr + len;
    prev_len = pos - start;
    last = start;
    ++count;
  }
  if (pos != size - 1) return false;
  if (count > 0 && tail != last) return false;
  if (count == 0 && tail != 10) return false;
  return declared == 65535 || declared == count;
}

bool IntsetForEach(std::string_view blob, const ElementFn& fn) {
  const auto* p = reinterpret_cast<const uint8_t*>(blob.data());
  if (blob.size() < 8) return false;
  uint64_t width = Le(p, 4);
  uint64_t count = Le(p + 4, 4);
  if (width != 2 && width != 4 && width != 8) return false;
  if (count == 0 || (blob.size() - 8) / width != count || (blob.size() - 8) % width != 0) {
    return false;
  }
  int64_t prev = 0;
  for (uint64_t i = 0; i < count; ++i) {
    int nb = static_cast<int>(width);
    int64_t v = SignExtend(Le(p + 8 + i * width, nb), nb * 8);
    if (i > 0 && v <= prev) return false;  // strictly ascending, as an intset must be
    prev = v;
    if (!EmitInt(v, fn)) return false;
  }
  return true;
}

bool ZipmapForEach(std::string_view blob, const ElementFn& fn) {
  const auto* p = reinterpret_cast<const uint8_t*>(blob.data());
  size_t size = blob.size();
  if (size < 2 || p[size - 1] != 0xFF) return false;
  size_t pos = 1;  // after zmlen
  auto read_len = [&](size_t* len) {
    if (pos >= size) return false;
    if (p[pos] < 254) {
      *len = p[pos];
      pos += 1;
      return true;
    }
    if (p[pos] == 254) {
      if (size - pos < 5) return false;
      *len = Le(p + pos + 1, 4);
      pos += 5;
      return true;
    }
    return false;
  };
  while (true) {
    if (pos >= size) return false;
    if (p[pos] == 0xFF) break;
    size_t klen, vlen;
    if (!read_len(&klen) || klen > size - pos) return false;
    std::string_view key(reinterpret_cast<const char*>(p + pos), klen);
    pos += klen;
    if (!read_len(&vlen) || pos >= size) return false;
    size_t free = p[pos++];
    if (vlen > size - pos || free > size - pos - vlen) return false;
    std::string_view value(reinterpret_cast<const char*>(p + pos), vlen);
    pos += vlen + free;
    if (!fn(key) || !fn(value)) return false;
  }
  return pos == size - 1;
}

}  // namespace redoubt::persistence
