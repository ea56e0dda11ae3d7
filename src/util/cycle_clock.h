// A cheap monotonic clock for timing commands (INFO commandstats): the CPU's time-stamp counter
// where there is one, calibrated once against CLOCK_MONOTONIC. clock_gettime twice per command
// cost ~10% of a pipelined GET on a VM; reading the TSC costs a few cycles.
#pragma once

#include <time.h>

#include <cstdint>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace redoubt::util {

class CycleClock {
 public:
  static uint64_t Now() {
#if defined(__x86_64__)
    return __rdtsc();
#else
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ULL + ts.tv_nsec;
#endif
  }
  // Microseconds between two Now() readings.
  static uint64_t ToMicros(uint64_t cycles) {
    return static_cast<uint64_t>(static_cast<double>(cycles) * us_per_cycle_);
  }
  // Measures the counter's rate; call once at start-up (takes ~5 ms on x86-64).
  static void Calibrate();

 private:
  static inline double us_per_cycle_ = 0.001;  // nanosecond counter until calibrated
};

}  // namespace redoubt::util
