#include "store/lcs.h"

#include <algorithm>

namespace redoubt::store {

uint64_t LcsTableBytes(uint64_t alen, uint64_t blen) {
  const uint64_t rows = alen + 1, cols = blen + 1;
  if (rows != 0 && cols > UINT64_MAX / sizeof(uint32_t) / rows) return UINT64_MAX;
  return rows * cols * sizeof(uint32_t);
}

uint32_t LcsLength(std::string_view a, std::string_view b) {
  if (a.size() < b.size()) std::swap(a, b);
  std::vector<uint32_t> prev(b.size() + 1, 0), cur(b.size() + 1, 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1 : std::max(prev[j], cur[j - 1]);
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

namespace {

class Table {
 public:
  Table(std::string_view a, std::string_view b)
      : cols_(b.size() + 1), cells_((a.size() + 1) * cols_, 0) {
    for (size_t i = 1; i <= a.size(); ++i) {
      for (size_t j = 1; j <= b.size(); ++j) {
        at(i, j) =
            a[i - 1] == b[j - 1] ? at(i - 1, j - 1) + 1 : std::max(at(i - 1, j), at(i, j - 1));
      }
    }
  }
  uint32_t& at(size_t i, size_t j) { return cells_[i * cols_ + j]; }

 private:
  size_t cols_;
  std::vector<uint32_t> cells_;
};

}  // namespace

LcsResult Lcs(std::string_view a, std::string_view b, bool want_matches, uint64_t min_match_len) {
  const uint32_t alen = static_cast<uint32_t>(a.size());
  const uint32_t blen = static_cast<uint32_t>(b.size());
  Table t(a, b);
  LcsResult r;
  r.len = t.at(alen, blen);
  r.lcs.assign(r.len, '\0');
  uint32_t idx = r.len;
  // The current range; a_start == alen means none is open.
  uint32_t as = alen, ae = 0, bs = 0, be = 0;
  uint32_t i = alen, j = blen;
  while (i > 0 && j > 0) {
    bool emit = false;
    if (a[i - 1] == b[j - 1]) {
      r.lcs[idx - 1] = a[i - 1];
      if (as == alen) {
        as = ae = i - 1;
        bs = be = j - 1;
      } else if (as == i && bs == j) {
        --as;
        --bs;
      } else {
        emit = true;
      }
      if (as == 0 || bs == 0) emit = true;
      --idx;
      --i;
      --j;
    } else {
      if (t.at(i - 1, j) > t.at(i, j - 1)) {
        --i;
      } else {
        --j;
      }
      if (as != alen) emit = true;
    }
    if (emit) {
      const uint32_t match_len = ae - as + 1;
      if (want_matches && (min_match_len == 0 || match_len >= min_match_len)) {
        r.matches.push_back({as, ae, bs, be, match_len});
      }
      as = alen;
    }
  }
  return r;
}

}  // namespace redoubt::store
