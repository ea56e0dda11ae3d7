#include "util/cycle_clock.h"

namespace redoubt::util {

namespace {

uint64_t MonotonicNanos() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ULL + ts.tv_nsec;
}

}  // namespace

void CycleClock::Calibrate() {
#if defined(__x86_64__)
  uint64_t t0 = MonotonicNanos();
  uint64_t c0 = Now();
  while (MonotonicNanos() - t0 < 5000000) {
  }
  uint64_t t1 = MonotonicNanos();
  uint64_t c1 = Now();
  if (c1 > c0) us_per_cycle_ = static_cast<double>(t1 - t0) / 1000.0 / static_cast<double>(c1 - c0);
#endif
}

}  // namespace redoubt::util
