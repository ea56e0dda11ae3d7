// Replays AOF files into the databases at start-up: commands are found by canonical name (a
// local rename-command does not hide them), run by an internal client with no ACL and no
// output, MULTI/EXEC blocks applied whole or not at all.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "runtime/server_state.h"
#include "util/status.h"

namespace redoubt::commands {

using LoadProgress = std::function<void(size_t done, size_t total)>;

struct ReplayResult {
  uint64_t commands = 0;
  bool truncated = false;  // a torn tail was dropped (and the file truncated to `valid_len`)
  size_t valid_len = 0;    // bytes of whole commands (and whole transactions)
};

// Replays one command-form AOF file. A torn tail is dropped (file truncated, log line) when
// `allow_truncated`; otherwise it, like corruption anywhere, is an error naming file and offset.
util::StatusOr<ReplayResult> ReplayAofFile(ServerState& state, const std::string& path,
                                           bool allow_truncated, const LoadProgress& progress);

// Replays AOF bytes already in memory (the fuzz target; `name` is used in messages only).
util::StatusOr<ReplayResult> ReplayAofBytes(ServerState& state, std::string_view data,
                                            const std::string& name, bool allow_truncated,
                                            const LoadProgress& progress);

}  // namespace redoubt::commands
