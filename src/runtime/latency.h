// The latency monitor: per event class ("command", "fork", "aof-write"...), the worst latency
// of each recent second that passed latency-monitor-threshold (LATENCY LATEST/HISTORY/GRAPH/
// DOCTOR); and per command, the distribution of execution times (LATENCY HISTOGRAM, INFO
// latencystats), kept in fixed arrays so that recording a call never allocates.
#pragma once

#include <array>
#include <cstdint>
#include <ctime>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace redoubt::commands {

// Execution times of one command. Redis keeps an HDR histogram (1 ns .. 1 s, two significant
// digits) and replies from it; this keeps what those replies need: exact counts per reply bucket
// (the powers of two from 1024 ns, with HDR's bucket ends), and for percentiles a per-microsecond
// count up to 127 us (where HDR's answers are reproduced exactly) then 16 sub-buckets per
// power of two up to one second.
class LatencyHistogram {
 public:
  static constexpr int kSteps = 21;  // 1024 ns << 0..19, then everything up to one second
  static constexpr int kExact = 128;
  static constexpr int kFine = kExact + 13 * 16;  // powers of two 2^7 .. 2^19 us

  void Record(uint64_t usec);
  void Reset() { *this = LatencyHistogram(); }
  uint64_t calls() const;
  bool empty() const { return calls() == 0; }

  // LATENCY HISTOGRAM's histogram_usec: for each reply bucket that gained calls, its upper bound
  // in microseconds and the cumulative count of calls up to it.
  struct Point {
    int64_t usec;
    uint64_t cumulative;
  };
  std::vector<Point> Cumulative() const;
  // The value at a percentile, in microseconds as INFO latencystats prints it (HDR's highest
  // equivalent value of the bucket, over 1000).
  double ValueAtPercentile(double percentile) const;

  // The reply bucket's upper bound, in microseconds, for bucket `step`.
  static int64_t StepBound(int step);

 private:
  static int StepOf(uint64_t usec);
  static int FineOf(uint64_t usec);
  std::array<uint64_t, kSteps> steps_{};
  std::array<uint32_t, kFine> fine_{};
};

class LatencyMonitor {
 public:
  static constexpr size_t kHistoryLen = 160;  // samples per event, as Redis's LATENCY_TS_LEN

  struct Sample {
    int64_t time_s = 0;  // 0: an empty slot
    uint32_t latency_ms = 0;
  };
  struct Series {
    std::string event;
    std::array<Sample, kHistoryLen> samples{};
    size_t next = 0;  // the slot the next second's sample goes to
    uint32_t max_ms = 0;
    const Sample& latest() const { return samples[(next + kHistoryLen - 1) % kHistoryLen]; }
    // Non-empty samples, oldest first.
    std::vector<Sample> History() const;
  };

  // Records a spike of `latency_ms` for `event` at `now_s`: one sample per second, keeping the
  // worst of that second.
  void Add(std::string_view event, int64_t now_s, uint64_t latency_ms);
  // Adds the sample when the monitor is on and the latency reaches the threshold.
  void AddIfNeeded(std::string_view event, uint64_t latency_ms, int64_t threshold_ms) {
    if (threshold_ms > 0 && latency_ms >= static_cast<uint64_t>(threshold_ms)) {
      Add(event, static_cast<int64_t>(std::time(nullptr)), latency_ms);
    }
  }
  // Drops the event's series (names compared case-insensitively), or every series when
  // `event` is null; returns how many were dropped.
  size_t Reset(const std::string_view* event);
  const Series* Find(std::string_view event) const;  // exact name
  const std::vector<std::unique_ptr<Series>>& series() const { return series_; }

  // Per-command histograms, indexed by CommandSpec::id (sized once, at start).
  void ResizeCommands(size_t n) { histograms_.resize(n); }
  void RecordCommand(uint32_t id, uint64_t usec) {
    if (id < histograms_.size()) histograms_[id].Record(usec);
  }
  const LatencyHistogram* histogram(uint32_t id) const {
    return id < histograms_.size() ? &histograms_[id] : nullptr;
  }
  void ResetCommands() {
    for (LatencyHistogram& h : histograms_) h.Reset();
  }

  // The last fork's rate in GB of used memory per second (LATENCY DOCTOR grades it).
  double fork_rate_gb_s = 0;

 private:
  std::vector<std::unique_ptr<Series>> series_;  // in order of first spike; a handful at most
  std::vector<LatencyHistogram> histograms_;
};

// Monotonic microseconds, for timing the spans the monitor watches.
uint64_t LatencyNowUs();

}  // namespace redoubt::commands
