#include "runtime/latency.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <limits>

#include "util/string_util.h"

namespace redoubt::commands {

namespace {

// Redis records a command's duration as whole microseconds times 1000, in nanoseconds,
// clamped to [1 ns, 1 s].
constexpr uint64_t kMaxUsec = 1000000;

uint64_t RecordedNs(uint64_t usec) { return std::max<uint64_t>(1, usec * 1000); }

// Bucket bounds of an HDR histogram with two significant digits from 1 ns: exact up to 255,
// then each power of two [2^(b+7), 2^(b+8)) split in 128 ranges of 2^b.
constexpr uint64_t HdrShift(uint64_t v) {
  return v < 256 ? 0 : static_cast<uint64_t>(std::bit_width(v)) - 8;
}
constexpr uint64_t HdrLowest(uint64_t v) { return (v >> HdrShift(v)) << HdrShift(v); }
constexpr uint64_t HdrHighest(uint64_t v) {
  return HdrLowest(v) + (uint64_t{1} << HdrShift(v)) - 1;
}

// Reply bucket k ends where HDR's bucket holding 1024 << k ns ends. Past 2^29 ns the last
// bucket Redis's histogram has (it tracks up to 1 s) ends at 2^30 - 1 ns.
constexpr std::array<int64_t, LatencyHistogram::kSteps> MakeStepBounds() {
  std::array<int64_t, LatencyHistogram::kSteps> b{};
  for (int k = 0; k < LatencyHistogram::kSteps - 1; ++k) {
    b[k] = static_cast<int64_t>(HdrHighest(uint64_t{1024} << k) / 1000);
  }
  b[LatencyHistogram::kSteps - 1] = static_cast<int64_t>(((uint64_t{1} << 30) - 1) / 1000);
  return b;
}
constexpr std::array<int64_t, LatencyHistogram::kSteps> kStepBounds = MakeStepBounds();

// The microsecond range a fine bucket covers.
void FineRange(int i, uint64_t* lo, uint64_t* hi) {
  if (i < LatencyHistogram::kExact) {
    *lo = *hi = static_cast<uint64_t>(i);
    return;
  }
  const int p = 7 + (i - LatencyHistogram::kExact) / 16;
  const uint64_t s = static_cast<uint64_t>((i - LatencyHistogram::kExact) % 16);
  *lo = (16 + s) << (p - 4);
  *hi = std::min(((17 + s) << (p - 4)) - 1, kMaxUsec);
}

}  // namespace

int64_t LatencyHistogram::StepBound(int step) { return kStepBounds[step]; }

int LatencyHistogram::StepOf(uint64_t usec) {
  if (usec <= 1) return 0;
  const int k = std::bit_width(usec) - 1;  // usec in [2^k, 2^(k+1)): bucket k or k + 1
  if (k >= kSteps - 1) return kSteps - 1;
  return static_cast<int64_t>(usec) <= kStepBounds[k] ? k : k + 1;
}

int LatencyHistogram::FineOf(uint64_t usec) {
  if (usec < kExact) return static_cast<int>(usec);
  const int p = std::bit_width(usec) - 1;  // 7 .. 19
  return kExact + (p - 7) * 16 + static_cast<int>((usec >> (p - 4)) & 15);
}

void LatencyHistogram::Record(uint64_t usec) {
  usec = std::min(usec, kMaxUsec);
  ++steps_[StepOf(usec)];
  uint32_t& slot = fine_[FineOf(usec)];
  if (slot == std::numeric_limits<uint32_t>::max()) {
    // Percentiles need proportions only: halving every count keeps them.
    for (uint32_t& c : fine_) c = (c + 1) / 2;
  }
  ++slot;
}

uint64_t LatencyHistogram::calls() const {
  uint64_t n = 0;
  for (uint64_t c : steps_) n += c;
  return n;
}

std::vector<LatencyHistogram::Point> LatencyHistogram::Cumulative() const {
  std::vector<Point> out;
  uint64_t cumulative = 0;
  for (int k = 0; k < kSteps; ++k) {
    if (steps_[k] == 0) continue;
    cumulative += steps_[k];
    out.push_back({kStepBounds[k], cumulative});
  }
  return out;
}

double LatencyHistogram::ValueAtPercentile(double percentile) const {
  uint64_t total = 0;
  for (uint32_t c : fine_) total += c;
  if (total == 0) return 0;
  const double p = std::min(percentile, 100.0);
  uint64_t wanted = static_cast<uint64_t>(p / 100 * static_cast<double>(total) + 0.5);
  wanted = std::max<uint64_t>(wanted, 1);
  uint64_t seen = 0;
  int i = 0;
  for (; i < kFine - 1; ++i) {
    seen += fine_[i];
    if (seen >= wanted) break;
  }
  uint64_t lo = 0, hi = 0;
  FineRange(i, &lo, &hi);
  const uint64_t ns = percentile == 0.0 ? HdrLowest(RecordedNs(lo)) : HdrHighest(RecordedNs(hi));
  return static_cast<double>(ns) / 1000.0;
}

std::vector<LatencyMonitor::Sample> LatencyMonitor::Series::History() const {
  std::vector<Sample> out;
  for (size_t j = 0; j < kHistoryLen; ++j) {
    const Sample& s = samples[(next + j) % kHistoryLen];
    if (s.time_s != 0) out.push_back(s);
  }
  return out;
}

void LatencyMonitor::Add(std::string_view event, int64_t now_s, uint64_t latency_ms) {
  const uint32_t ms =
      static_cast<uint32_t>(std::min<uint64_t>(latency_ms, std::numeric_limits<uint32_t>::max()));
  Series* ts = const_cast<Series*>(Find(event));
  if (ts == nullptr) {
    series_.push_back(std::make_unique<Series>());
    ts = series_.back().get();
    ts->event = std::string(event);
  }
  ts->max_ms = std::max(ts->max_ms, ms);
  // One sample per second: a second spike in the same second keeps the worse of the two.
  Sample& prev = ts->samples[(ts->next + kHistoryLen - 1) % kHistoryLen];
  if (prev.time_s == now_s) {
    prev.latency_ms = std::max(prev.latency_ms, ms);
    return;
  }
  ts->samples[ts->next] = {now_s, ms};
  ts->next = (ts->next + 1) % kHistoryLen;
}

size_t LatencyMonitor::Reset(const std::string_view* event) {
  const size_t before = series_.size();
  if (event == nullptr) {
    series_.clear();
  } else {
    std::erase_if(series_, [event](const std::unique_ptr<Series>& s) {
      return util::EqualsIgnoreCase(s->event, *event);
    });
  }
  return before - series_.size();
}

const LatencyMonitor::Series* LatencyMonitor::Find(std::string_view event) const {
  for (const std::unique_ptr<Series>& s : series_) {
    if (s->event == event) return s.get();
  }
  return nullptr;
}

uint64_t LatencyNowUs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace redoubt::commands
