// Helpers the collection families (hashes, sets, sorted sets) share: HSCAN/SSCAN/ZSCAN argument
// parsing and the bound on replies whose size a client chooses with a count.
#pragma once

#include <cstdint>
#include <string_view>

#include "runtime/server_state.h"

namespace redoubt::commands {

// [MATCH pattern] [COUNT count] [TYPE type] of the SCAN family.
struct ScanFilter {
  int64_t count = 10;
  std::string_view pattern;
  bool use_pattern = false;
  std::string_view type;
  bool use_type = false;
};
// Parses the options from args[first...]; TYPE only when allow_type (SCAN). Replies Redis's
// error and returns false on bad input.
bool ParseScanOptions(CommandContext& cx, size_t first, ScanFilter* f, bool allow_type);

// Options of HSCAN/SSCAN/ZSCAN key cursor [MATCH pattern] [COUNT count].
struct CollectionScanArgs {
  uint64_t cursor = 0;
  int64_t count = 10;
  std::string_view pattern;
  bool use_pattern = false;
};

// A SCAN-family cursor with Redis's strtoul rules (no leading space, optional sign, "" is 0,
// "-1" wraps to 2^64-1, no overflow); false when invalid.
bool ParseScanCursor(std::string_view s, uint64_t* out);
// Parses the cursor (args[2]) with Redis's rules; replies "ERR invalid cursor" and returns false.
bool ParseCollectionCursor(CommandContext& cx, uint64_t* cursor);
// Parses MATCH/COUNT from args[3...] (TYPE is SCAN's only); replies the error and returns false.
bool ParseCollectionScanOptions(CommandContext& cx, CollectionScanArgs* o);
// Replies the [cursor, []] of a scan over a missing key.
void ReplyEmptyScan(CommandContext& cx);

// HRANDFIELD/SRANDMEMBER with a negative count return |count| elements with repetitions, a
// reply whose size the client alone decides; Redis streams it, Redoubt refuses one larger
// than this many elements rather than buffering gigabytes.
inline constexpr uint64_t kMaxRandomReplyElements = uint64_t{1} << 24;
inline constexpr std::string_view kRandomCountTooBig =
    "ERR count is too large for a reply (at most 16777216 elements)";

}  // namespace redoubt::commands
