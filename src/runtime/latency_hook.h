// How the engine feeds the latency monitor (runtime/latency.h): spans are timed only while
// latency-monitor-threshold is set, and each command once it ran.
#pragma once

#include <cstdint>
#include <string_view>

#include "runtime/latency.h"
#include "runtime/server_state.h"

namespace redoubt::commands {

// The start of a watched span, or 0 while the monitor is off (then nothing is timed).
inline uint64_t LatencyStart(const ServerState& server) {
  return server.cfg->latency_monitor_threshold > 0 ? LatencyNowUs() : 0;
}

// Files the span begun at `start` under `event` if it reached the threshold.
inline void LatencyEnd(ServerState& server, std::string_view event, uint64_t start) {
  if (start == 0) return;
  server.latency.AddIfNeeded(event, (LatencyNowUs() - start) / 1000,
                             server.cfg->latency_monitor_threshold);
}

// After fork() returned in the parent: the "fork" event and the fork rate LATENCY DOCTOR grades.
void LatencyForked(ServerState& server, uint64_t start_us);

// After a command ran (not when it blocked): its histogram when latency-tracking is on, and a
// "command" or "fast-command" spike.
inline void LatencyConsider(ServerState& server, const CommandSpec& cmd, uint64_t usec) {
  if (server.cfg->latency_tracking) server.latency.RecordCommand(cmd.id, usec);
  server.latency.AddIfNeeded((cmd.flags & flag::kFast) ? "fast-command" : "command", usec / 1000,
                             server.cfg->latency_monitor_threshold);
}

}  // namespace redoubt::commands
