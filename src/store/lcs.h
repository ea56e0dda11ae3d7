// Longest common subsequence of two byte strings (the LCS command), as Redis 7.0 computes it:
// the same dynamic-programming table and the same walk back from the end, so that the string
// and the match ranges it reports are Redis's, not merely some LCS. Knows nothing of RESP.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace redoubt::store {

struct LcsMatch {
  uint32_t a_start, a_end;  // inclusive byte ranges in a and b
  uint32_t b_start, b_end;
  uint32_t len;
};

struct LcsResult {
  uint32_t len = 0;
  std::string lcs;
  std::vector<LcsMatch> matches;  // from the end of the strings backwards, as Redis
};

// Bytes of transient table Lcs() needs for strings of these lengths (saturating, never wraps).
uint64_t LcsTableBytes(uint64_t alen, uint64_t blen);

// The length only, in memory linear in the shorter string.
uint32_t LcsLength(std::string_view a, std::string_view b);

// The LCS string and, with want_matches, the ranges of at least min_match_len bytes. The
// caller bounds the table first (LcsTableBytes); both lengths must be below 2^32 - 1.
LcsResult Lcs(std::string_view a, std::string_view b, bool want_matches, uint64_t min_match_len);

}  // namespace redoubt::store
