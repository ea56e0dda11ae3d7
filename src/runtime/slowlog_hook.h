// The one call dispatch makes after each command to feed the slow log (SLOWLOG).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "runtime/server_state.h"

namespace redoubt::commands {

// Logs the command if it ran at least slowlog-log-slower-than microseconds (and the log is on,
// and the command is not flagged skip_slowlog). Arguments the handler marked in
// client.redact_mask are stored as "(redacted)".
void SlowLogConsider(ServerState& server, const Client& client, const CommandSpec& cmd,
                     std::span<const std::string_view> args, uint64_t duration_us);

}  // namespace redoubt::commands
