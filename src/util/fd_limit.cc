#include "util/fd_limit.h"

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace redoubt::util {
namespace {

// The kernel's ceiling for any process's limit (fs.nr_open); 0 when unknown.
uint64_t KernelNrOpen() {
  std::ifstream in("/proc/sys/fs/nr_open");
  uint64_t n = 0;
  in >> n;
  return n;
}

}  // namespace

FdLimitResult AdjustOpenFilesLimit(int64_t maxclients) {
  FdLimitResult r;
  r.maxclients = maxclients;
  const uint64_t want = static_cast<uint64_t>(maxclients) + kReservedFds;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == -1) {
    r.maxclients = std::min<int64_t>(1024 - kReservedFds, maxclients);
    r.warnings.push_back(std::string("Unable to obtain the current NOFILE limit (") +
                         std::strerror(errno) + "), assuming 1024 and setting maxclients to " +
                         std::to_string(r.maxclients) + ".");
    return r;
  }
  r.old_limit = r.new_limit = limit.rlim_cur;
  if (limit.rlim_cur >= want) return r;

  // Try the full amount first, then the ceilings that may have refused it (the kernel's, then
  // the hard limit, which only root may raise), then less 16 at a time, as Redis does. The
  // hard limit is only ever raised, never lowered.
  uint64_t best = want;
  int setrlimit_error = 0;
  const uint64_t nr_open = KernelNrOpen();
  while (best > limit.rlim_cur) {
    rlimit next{best, limit.rlim_max > best ? limit.rlim_max : best};
    if (setrlimit(RLIMIT_NOFILE, &next) == 0) break;
    setrlimit_error = errno;
    if (nr_open != 0 && best > nr_open) {
      best = nr_open;
    } else if (best > limit.rlim_max) {
      best = limit.rlim_max;
    } else {
      best = best > 16 ? best - 16 : 0;
    }
  }
  if (best < limit.rlim_cur) best = limit.rlim_cur;
  r.new_limit = best;

  if (best >= want) {
    r.notices.push_back("Increased maximum number of open files to " + std::to_string(best) +
                        " (it was originally set to " + std::to_string(r.old_limit) + ").");
    return r;
  }
  int64_t fit = static_cast<int64_t>(best) - kReservedFds;
  if (fit < 1) {
    r.fatal = true;
    r.maxclients = 0;
    r.warnings.push_back("Your current 'ulimit -n' of " + std::to_string(r.old_limit) +
                         " is not enough for the server to start. Please increase your open "
                         "file limit to at least " +
                         std::to_string(want) + ". Exiting.");
    return r;
  }
  r.maxclients = fit;
  r.warnings.push_back("You requested maxclients of " + std::to_string(maxclients) +
                       " requiring at least " + std::to_string(want) + " max file descriptors.");
  r.warnings.push_back("Server can't set maximum open files to " + std::to_string(want) +
                       " because of OS error: " +
                       (setrlimit_error ? std::strerror(setrlimit_error) : "limit too low") + ".");
  r.warnings.push_back("Current maximum open files is " + std::to_string(best) +
                       ". maxclients has been reduced to " + std::to_string(fit) +
                       " to compensate for low ulimit. If you need higher maxclients increase "
                       "'ulimit -n'.");
  return r;
}

}  // namespace redoubt::util
