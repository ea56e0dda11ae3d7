#include "runtime/latency_hook.h"

#include <algorithm>

namespace redoubt::commands {

void LatencyForked(ServerState& server, uint64_t start_us) {
  const uint64_t took_us = std::max<uint64_t>(LatencyNowUs() - start_us, 1);
  const uint64_t used = server.used_memory ? server.used_memory() : 0;
  server.latency.fork_rate_gb_s =
      static_cast<double>(used) * 1e6 / static_cast<double>(took_us) / (1024.0 * 1024.0 * 1024.0);
  server.latency.AddIfNeeded("fork", took_us / 1000, server.cfg->latency_monitor_threshold);
}

}  // namespace redoubt::commands
