// Streams in files: RDB_TYPE_STREAM_LISTPACKS_2 as Redis 7.0 writes it (nodes as they are,
// then the stream's IDs and counters, then groups with their PEL and consumers), the checks a
// loaded node must pass before it is trusted, and the commands an AOF rewrite emits for a
// stream (XADD..., XSETID, XGROUP CREATE, XCLAIM, XGROUP CREATECONSUMER, as Redis).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "store/stream_object.h"

namespace redoubt::persistence {

class RdbOutput;

void WriteStreamValue(RdbOutput& out, const store::StreamObject& s);

// Checks a node's elements (as text, in listpack order) against the stream node layout:
// master entry, flags, ID deltas, field counts, lp-count, master counts; entry IDs ascending,
// all above `prev` (the previous node's last ID, or none when first). *live receives the
// node's live entries and *last its last ID. Returns an error text, empty when valid.
std::string CheckStreamNode(store::StreamId master, const std::vector<std::string>& elems,
                            const store::StreamId* prev, uint64_t* live, store::StreamId* last);

// Calls emit once per command that recreates the stream at key.
bool StreamRewriteCommands(std::string_view key, const store::StreamObject& s,
                           const std::function<bool(const std::vector<std::string>&)>& emit);

}  // namespace redoubt::persistence
