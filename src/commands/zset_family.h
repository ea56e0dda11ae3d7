// Sorted-set pieces other families reuse: the pop behind ZPOPMIN/ZPOPMAX/ZMPOP, which the
// blocking BZPOPMIN/BZPOPMAX/BZMPOP run once a key is ready.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "runtime/server_state.h"

namespace redoubt::commands {

// How a pop reply is shaped (Redis's genericZpopCommand emitkey/use_nested_array).
enum class ZPopShape {
  kFlat,       // [m, s, m, s...]            ZPOPMIN/ZPOPMAX (RESP2, or without COUNT)
  kNested,     // [[m, s], ...]              ZPOPMIN/ZPOPMAX with COUNT in RESP3
  kKeyFlat,    // [key, m, s...]             BZPOPMIN/BZPOPMAX
  kKeyNested,  // [key, [[m, s], ...]]       ZMPOP/BZMPOP
};

// Pops up to `count` elements from the min (or max) end of the first non-empty sorted set among
// `keys` and replies in `shape`; the key is deleted when emptied. Replies WRONGTYPE when a key
// before the first candidate holds another type. With no candidate, replies a null array when
// `nil_when_empty`, an empty array otherwise, and returns false (so does WRONGTYPE); a blocking
// caller checks for a candidate first. count == 0 replies an empty array.
bool ZPopGeneric(CommandContext& cx, std::span<const std::string_view> keys, bool max,
                 int64_t count, ZPopShape shape, bool nil_when_empty);

// ZMPOP/BZMPOP arguments from args[numkeys_at]: numkeys, the keys, MIN|MAX, [COUNT n].
// Replies Redis's error and returns false on bad input.
struct ZMpopArgs {
  std::span<const std::string_view> keys;
  bool max = false;
  int64_t count = 1;
};
bool ParseZMpopArgs(CommandContext& cx, size_t numkeys_at, ZMpopArgs* out);

}  // namespace redoubt::commands
