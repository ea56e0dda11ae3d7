// Raising the open-file limit to fit maxclients, as Redis does at start-up: each client needs
// a descriptor, plus a reserve for listeners, files and the event loop.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace redoubt::util {

// Descriptors kept for the server's own use beyond one per client (Redis's
// CONFIG_MIN_RESERVED_FDS).
inline constexpr int kReservedFds = 32;

struct FdLimitResult {
  int64_t maxclients = 0;             // what the limit allows (<= the requested maxclients)
  uint64_t old_limit = 0;             // RLIMIT_NOFILE soft limit before
  uint64_t new_limit = 0;             // and after
  bool fatal = false;                 // not even one client fits: start-up must stop
  std::vector<std::string> notices;   // log at notice level
  std::vector<std::string> warnings;  // log at warning level
};

// Raises RLIMIT_NOFILE to maxclients + kReservedFds when it is lower, stepping down by 16
// while the kernel refuses; if the limit still falls short, maxclients shrinks to fit.
FdLimitResult AdjustOpenFilesLimit(int64_t maxclients);

}  // namespace redoubt::util
