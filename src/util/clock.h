// The process's clock readings, in one place: wall-clock time for what is stored or shown
// (save times, file stamps), monotonic time for durations and deadlines.
#pragma once

#include <time.h>

#include <cstdint>

namespace redoubt::util {

// Milliseconds since the Unix epoch (CLOCK_REALTIME).
inline int64_t UnixMs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

// Microseconds since the Unix epoch (CLOCK_REALTIME).
inline int64_t UnixMicros() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

// Milliseconds on the monotonic clock (CLOCK_MONOTONIC): for intervals only.
inline int64_t MonotonicMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

// Microseconds on the monotonic clock: for time budgets (eviction, rehashing, active expiry).
inline int64_t MonotonicMicros() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

}  // namespace redoubt::util
