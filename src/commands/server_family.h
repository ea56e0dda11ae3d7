// Server commands (INFO, TIME, LASTSAVE, SHUTDOWN, MONITOR) and the periodic sampling
// INFO's rates and peaks depend on.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "runtime/server_state.h"

namespace redoubt::commands {

// Samples the instantaneous_* rates and the used-memory peak. The server cron calls it on
// every tick; it samples at most every 100 ms, as Redis does.
void SampleServerStats(ServerState& server, int64_t now_ms);

// The INFO text for `sections` (as INFO's arguments; empty = "default"), with CRLF line
// endings and "# Section" headers.
std::string InfoText(ServerState& server, std::span<const std::string_view> sections);

}  // namespace redoubt::commands
