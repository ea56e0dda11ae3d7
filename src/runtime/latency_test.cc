#include "runtime/latency.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

namespace redoubt::commands {
namespace {

TEST(LatencyHistogramTest, BucketEndsAreRedisHdrOnes) {
  // Redis 7.0.15 replies these bucket ends (HDR highest-equivalent values over 1000).
  const std::vector<int64_t> redis = {1,     2,     4,     8,      16,     33,     66,
                                      132,   264,   528,   1056,   2113,   4227,   8454,
                                      16908, 33816, 67633, 135266, 270532, 541065, 1073741};
  ASSERT_EQ(redis.size(), static_cast<size_t>(LatencyHistogram::kSteps));
  for (int k = 0; k < LatencyHistogram::kSteps; ++k) {
    EXPECT_EQ(LatencyHistogram::StepBound(k), redis[k]) << k;
  }
}

TEST(LatencyHistogramTest, DurationsLandInTheirBuckets) {
  LatencyHistogram h;
  for (uint64_t us : {0, 1, 2, 3, 33, 34, 132, 133, 10'050, 700'000, 5'000'000}) h.Record(us);
  std::vector<LatencyHistogram::Point> cdf = h.Cumulative();
  std::vector<std::pair<int64_t, uint64_t>> got;
  for (const auto& p : cdf) got.emplace_back(p.usec, p.cumulative);
  const std::vector<std::pair<int64_t, uint64_t>> want = {
      {1, 2}, {2, 3}, {4, 4}, {33, 5}, {66, 6}, {132, 7}, {264, 8}, {16908, 9}, {1073741, 11}};
  EXPECT_EQ(got, want);
  EXPECT_EQ(h.calls(), 11u);
}

TEST(LatencyHistogramTest, PercentilesAsRedisPrintsThem) {
  LatencyHistogram h;
  EXPECT_EQ(h.ValueAtPercentile(50), 0);
  h.Record(3);  // 3000 ns: HDR bucket 2992..3007
  EXPECT_DOUBLE_EQ(h.ValueAtPercentile(50), 3.007);
  EXPECT_DOUBLE_EQ(h.ValueAtPercentile(0), 2.992);
  h.Record(4);  // 4000 ns: HDR bucket 3984..3999 + 16 = ..4015
  h.Record(4);
  EXPECT_DOUBLE_EQ(h.ValueAtPercentile(50), 4.015);
  EXPECT_DOUBLE_EQ(h.ValueAtPercentile(100), 4.015);
  EXPECT_DOUBLE_EQ(h.ValueAtPercentile(33.3), 3.007);
  LatencyHistogram slow;
  slow.Record(300'000);  // the end of its coarser bucket (294.912 .. 311.295 ms) in HDR's terms
  EXPECT_DOUBLE_EQ(slow.ValueAtPercentile(99), 312475.647);
  EXPECT_DOUBLE_EQ(slow.ValueAtPercentile(0), 293601.28);
}

TEST(LatencyMonitorTest, OneSamplePerSecondAndAHistoryOf160) {
  LatencyMonitor m;
  m.Add("command", 100, 20);
  m.Add("command", 100, 50);
  m.Add("command", 100, 30);
  const LatencyMonitor::Series* ts = m.Find("command");
  ASSERT_NE(ts, nullptr);
  ASSERT_EQ(ts->History().size(), 1u);
  EXPECT_EQ(ts->History()[0].latency_ms, 50u);
  for (int64_t t = 101; t < 101 + 200; ++t) m.Add("command", t, static_cast<uint64_t>(t));
  std::vector<LatencyMonitor::Sample> h = ts->History();
  ASSERT_EQ(h.size(), LatencyMonitor::kHistoryLen);
  EXPECT_EQ(h.front().time_s, 141);  // the oldest kept
  EXPECT_EQ(h.back().time_s, 300);
  EXPECT_EQ(ts->latest().latency_ms, 300u);
  EXPECT_EQ(ts->max_ms, 300u);
  EXPECT_EQ(m.Find("COMMAND"), nullptr);  // lookups are exact
}

TEST(LatencyMonitorTest, ThresholdAndReset) {
  LatencyMonitor m;
  m.AddIfNeeded("fork", 5, 0);  // monitor off
  m.AddIfNeeded("fork", 5, 10);
  EXPECT_TRUE(m.series().empty());
  m.AddIfNeeded("fork", 10, 10);
  m.AddIfNeeded("expire-cycle", 12, 10);
  EXPECT_EQ(m.series().size(), 2u);
  const std::string_view name = "FORK";
  EXPECT_EQ(m.Reset(&name), 1u);  // resets ignore case
  EXPECT_EQ(m.Reset(nullptr), 1u);
  EXPECT_TRUE(m.series().empty());
}

}  // namespace
}  // namespace redoubt::commands
