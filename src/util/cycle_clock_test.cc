#include "util/cycle_clock.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace redoubt::util {
namespace {

TEST(CycleClock, MeasuresElapsedTimeAfterCalibration) {
  CycleClock::Calibrate();
  uint64_t start = CycleClock::Now();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  uint64_t us = CycleClock::ToMicros(CycleClock::Now() - start);
  EXPECT_GE(us, 19000u);
  EXPECT_LT(us, 2000000u);  // generous: a loaded CI machine may deschedule us
}

}  // namespace
}  // namespace redoubt::util
