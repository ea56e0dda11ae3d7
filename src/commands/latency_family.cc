// LATENCY LATEST|HISTORY|RESET|GRAPH|DOCTOR|HISTOGRAM|HELP over the server's latency monitor
// (runtime/latency.h), with Redis 7.0's replies and report texts.
#include <algorithm>
#include <bit>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>
#include <string>

#include "runtime/command_table.h"
#include "runtime/server_state.h"
#include "util/string_util.h"

namespace redoubt::commands {

namespace {

using Series = LatencyMonitor::Series;
using Sample = LatencyMonitor::Sample;

void LatencyLatest(CommandContext& cx) {
  const auto& all = cx.server.latency.series();
  cx.reply.Array(static_cast<int64_t>(all.size()));
  for (const auto& ts : all) {
    const Sample& last = ts->latest();
    cx.reply.Array(4);
    cx.reply.Bulk(ts->event);
    cx.reply.Integer(last.time_s);
    cx.reply.Integer(last.latency_ms);
    cx.reply.Integer(ts->max_ms);
  }
}

void LatencyHistory(CommandContext& cx) {
  const Series* ts = cx.server.latency.Find(cx.args[2]);
  if (ts == nullptr) return cx.reply.Array(0);
  std::vector<Sample> samples = ts->History();
  cx.reply.Array(static_cast<int64_t>(samples.size()));
  for (const Sample& s : samples) {
    cx.reply.Array(2);
    cx.reply.Integer(s.time_s);
    cx.reply.Integer(s.latency_ms);
  }
}

void LatencyReset(CommandContext& cx) {
  if (cx.argc() == 2) {
    return cx.reply.Integer(static_cast<int64_t>(cx.server.latency.Reset(nullptr)));
  }
  size_t resets = 0;
  for (size_t i = 2; i < cx.argc(); ++i) resets += cx.server.latency.Reset(&cx.args[i]);
  cx.reply.Integer(static_cast<int64_t>(resets));
}

// --- GRAPH: Redis's ASCII sparkline, 80 columns by 4 rows, labelled with each sample's age ---

struct Point {
  double value;
  std::string label;
};

// One block of at most 80 samples: 4 rows of "_o#|" then the labels written downwards.
void RenderBlock(std::string* out, const std::vector<Point>& seq, size_t offset, size_t len,
                 double min, double max) {
  constexpr int kRows = 4;
  constexpr std::string_view kFill = "_o#";
  const int steps = static_cast<int>(kFill.size()) * kRows;
  const double relmax = max - min == 0 ? 1 : max - min;
  std::string chars;
  for (int row = 0;; ++row) {
    bool more = false;
    chars.assign(len, ' ');
    for (size_t j = 0; j < len; ++j) {
      const Point& p = seq[offset + j];
      int step = static_cast<int>(static_cast<int>((p.value - min) * steps) / relmax);
      step = std::clamp(step, 0, steps - 1);
      if (row < kRows) {
        const int idx = step - (kRows - row - 1) * static_cast<int>(kFill.size());
        more = true;
        if (idx >= 0 && idx < static_cast<int>(kFill.size())) {
          chars[j] = kFill[idx];
        } else if (idx >= static_cast<int>(kFill.size())) {
          chars[j] = '|';
        }
      } else if (row == kRows) {
        more = true;  // a blank line between the graph and the labels
        break;
      } else {
        const size_t at = static_cast<size_t>(row - kRows - 1);
        if (at < p.label.size()) {
          more = true;
          chars[j] = p.label[at];
        }
      }
    }
    if (!more) return;
    out->append(chars);
    out->push_back('\n');
  }
}

std::string AgeLabel(int64_t elapsed) {
  if (elapsed < 60) return std::to_string(elapsed) + "s";
  if (elapsed < 3600) return std::to_string(elapsed / 60) + "m";
  if (elapsed < 3600 * 24) return std::to_string(elapsed / 3600) + "h";
  return std::to_string(elapsed / (3600 * 24)) + "d";
}

void LatencyGraph(CommandContext& cx) {
  const Series* ts = cx.server.latency.Find(cx.args[2]);
  if (ts == nullptr) {
    std::string msg = "ERR No samples available for event '";
    msg.append(cx.args[2]).append("'");
    return cx.reply.Error(msg);
  }
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  std::vector<Point> seq;
  uint32_t lo = 0, hi = 0;
  for (const Sample& s : ts->History()) {
    lo = seq.empty() ? s.latency_ms : std::min(lo, s.latency_ms);
    hi = seq.empty() ? s.latency_ms : std::max(hi, s.latency_ms);
    seq.push_back({static_cast<double>(s.latency_ms), AgeLabel(now - s.time_s)});
  }
  char head[256];
  std::snprintf(head, sizeof(head), " - high %lu ms, low %lu ms (all time high %lu ms)\n",
                static_cast<unsigned long>(hi), static_cast<unsigned long>(lo),
                static_cast<unsigned long>(ts->max_ms));
  std::string graph = ts->event + head + std::string(80, '-') + "\n";
  for (size_t j = 0; j < seq.size(); j += 80) {
    if (j != 0) graph.push_back('\n');
    RenderBlock(&graph, seq, j, std::min<size_t>(80, seq.size() - j), lo, hi);
  }
  cx.reply.Verbatim(graph);
}

// --- HISTOGRAM ---------------------------------------------------------------------------------

void ReplyHistogram(CommandContext& cx, const CommandSpec& cmd, const LatencyHistogram& h) {
  cx.reply.Bulk(cmd.full_name);
  cx.reply.Map(2);
  cx.reply.Bulk("calls");
  cx.reply.Integer(static_cast<int64_t>(h.calls()));
  cx.reply.Bulk("histogram_usec");
  std::vector<LatencyHistogram::Point> points = h.Cumulative();
  cx.reply.Map(static_cast<int64_t>(points.size()));
  for (const LatencyHistogram::Point& p : points) {
    cx.reply.Integer(p.usec);
    cx.reply.Integer(static_cast<int64_t>(p.cumulative));
  }
}

// The command and, for a container, its subcommands: those that ran at least once.
void CollectWithData(const ServerState& s, const CommandSpec& cmd,
                     std::vector<const CommandSpec*>* out) {
  const LatencyHistogram* h = s.latency.histogram(cmd.id);
  if (h != nullptr && !h->empty()) out->push_back(&cmd);
  for (const CommandSpec& sub : cmd.subcommands) {
    const LatencyHistogram* sh = s.latency.histogram(sub.id);
    if (sh != nullptr && !sh->empty()) out->push_back(&sub);
  }
}

// A name as LATENCY HISTOGRAM takes it: "get", or "config|get" for one subcommand.
const CommandSpec* LookupByFullName(std::string_view name) {
  const size_t bar = name.find('|');
  const CommandSpec* cmd = CommandTable::Get().Lookup(name.substr(0, bar));
  if (cmd == nullptr || bar == std::string_view::npos) return cmd;
  return CommandTable::LookupSub(*cmd, name.substr(bar + 1));
}

void LatencyHistogramCmd(CommandContext& cx) {
  std::vector<const CommandSpec*> with_data;
  if (cx.argc() == 2) {
    for (const CommandSpec* cmd : CommandTable::Get().all()) {
      CollectWithData(cx.server, *cmd, &with_data);
    }
  } else {
    for (size_t i = 2; i < cx.argc(); ++i) {
      const CommandSpec* cmd = LookupByFullName(cx.args[i]);
      if (cmd != nullptr) CollectWithData(cx.server, *cmd, &with_data);
    }
  }
  cx.reply.Map(static_cast<int64_t>(with_data.size()));
  for (const CommandSpec* cmd : with_data) {
    ReplyHistogram(cx, *cmd, *cx.server.latency.histogram(cmd->id));
  }
}

void LatencyHelp(CommandContext& cx) {
  static constexpr std::string_view kLines[] = {
      "DOCTOR",
      "    Return a human readable latency analysis report.",
      "GRAPH <event>",
      "    Return an ASCII latency graph for the <event> class.",
      "HISTORY <event>",
      "    Return time-latency samples for the <event> class.",
      "LATEST",
      "    Return the latest latency samples for all events.",
      "RESET [<event> ...]",
      "    Reset latency data of one or more <event> classes.",
      "    (default: reset all data for all event classes)",
      "HISTOGRAM [COMMAND ...]",
      "    Return a cumulative distribution of latencies in the format of a histogram for the "
      "specified command names.",
      "    If no commands are specified then all histograms are replied.",
      "HELP",
      "    Prints this help.",
  };
  std::string head(cx.args[0]);
  for (char& c : head) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  cx.reply.Array(1 + std::size(kLines));
  cx.reply.SimpleString(head + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (std::string_view line : kLines) cx.reply.SimpleString(line);
}

// --- DOCTOR: Redis's report, its advice chosen from the events seen ------------------------

// The advice paragraphs, in the order the report prints them.
enum Advice : uint32_t {
  kBetterVm = 1 << 0,
  kSlowlogEnable = 1 << 1,
  kSlowlogTuning = 1 << 2,
  kSlowlogInspect = 1 << 3,
  kScheduler = 1 << 4,
  kLocalDisk = 1 << 5,
  kSsd = 1 << 6,
  kDataWriteback = 1 << 7,
  kDiskContention = 1 << 8,
  kNoAppendfsync = 1 << 9,
  kRelaxFsync = 1 << 10,
  kWriteLoadInfo = 1 << 11,
  kHz = 1 << 12,
  kLargeObjects = 1 << 13,
  kMassEviction = 1 << 14,
  kDisableThp = 1 << 15,
};

struct EventAdvice {
  std::string_view event;
  uint32_t advice;
};
constexpr EventAdvice kEventAdvice[] = {
    {"fast-command", kScheduler},
    {"aof-write-pending-fsync", kLocalDisk | kDiskContention | kSsd | kDataWriteback},
    {"aof-write-active-child", kNoAppendfsync | kDataWriteback | kSsd},
    {"aof-write-alone", kLocalDisk | kDataWriteback | kSsd},
    {"aof-fsync-always", kRelaxFsync},
    {"aof-fstat", kDiskContention | kLocalDisk},
    {"rdb-unlink-temp-file", kDiskContention | kLocalDisk},
    {"aof-rewrite-diff-write", kWriteLoadInfo | kDataWriteback | kSsd | kLocalDisk},
    {"aof-rename", kWriteLoadInfo | kDataWriteback | kSsd | kLocalDisk},
    {"expire-cycle", kHz | kLargeObjects},
    {"eviction-del", kLargeObjects},
    {"eviction-cycle", kMassEviction},
};

struct EventStats {
  uint64_t avg = 0, mad = 0, samples = 0;
  int64_t period = 0;  // seconds since the oldest sample (at least 1)
};

EventStats Analyze(const Series& ts, int64_t now) {
  EventStats st;
  std::vector<Sample> samples = ts.History();
  if (samples.empty()) return st;
  uint64_t sum = 0;
  int64_t oldest = 0;
  for (const Sample& s : samples) {
    sum += s.latency_ms;
    if (oldest == 0 || s.time_s < oldest) oldest = s.time_s;
  }
  st.samples = samples.size();
  st.avg = sum / st.samples;
  st.period = std::max<int64_t>(now - oldest, 1);
  uint64_t dev = 0;
  for (const Sample& s : samples) {
    const int64_t d = static_cast<int64_t>(st.avg) - s.latency_ms;
    dev += static_cast<uint64_t>(d < 0 ? -d : d);
  }
  st.mad = dev / st.samples;
  return st;
}

// Bytes of transparent huge pages the process uses (/proc/self/smaps_rollup), 0 if unknown.
uint64_t AnonHugePagesBytes() {
  std::ifstream in("/proc/self/smaps_rollup");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("AnonHugePages:", 0) == 0) {
      return std::strtoull(line.c_str() + 14, nullptr, 10) * 1024;
    }
  }
  return 0;
}

// One event's line; adds the advice it calls for to *advice (and counts it in *advices).
std::string EventLine(const ServerState& s, int n, const Series& ts, int64_t now, uint32_t* advice,
                      int* advices) {
  const EventStats st = Analyze(ts, now);
  char buf[512];
  std::snprintf(buf, sizeof(buf),
                "%d. %s: %d latency spikes (average %lums, mean deviation %lums, period %.2f "
                "sec). Worst all time event %lums.",
                n, ts.event.c_str(), static_cast<int>(st.samples),
                static_cast<unsigned long>(st.avg), static_cast<unsigned long>(st.mad),
                static_cast<double>(st.period) / static_cast<double>(st.samples),
                static_cast<unsigned long>(ts.max_ms));
  std::string line = buf;
  auto add = [&](uint32_t a) {
    *advice |= a;
    *advices += std::popcount(a);
  };
  if (util::EqualsIgnoreCase(ts.event, "fork")) {
    const double rate = s.latency.fork_rate_gb_s;
    const char* quality = rate < 10    ? "terrible"
                          : rate < 25  ? "poor"
                          : rate < 100 ? "good"
                                       : "excellent";
    if (rate < 25) add(kBetterVm);
    std::snprintf(buf, sizeof(buf), " Fork rate is %.2f GB/sec (%s).", rate, quality);
    line += buf;
  }
  if (util::EqualsIgnoreCase(ts.event, "command")) {
    const int64_t slower_than = s.cfg->slowlog_log_slower_than;
    if (slower_than < 0) {
      add(kSlowlogEnable);
    } else if (slower_than / 1000 > s.cfg->latency_monitor_threshold) {
      add(kSlowlogTuning);
    }
    add(kSlowlogInspect | kLargeObjects);
  }
  for (const EventAdvice& ea : kEventAdvice) {
    if (util::EqualsIgnoreCase(ts.event, ea.event)) add(ea.advice);
  }
  line.push_back('\n');
  return line;
}

std::string AdviceText(const ServerState& s, uint32_t advice) {
  const unsigned long long suggested =
      static_cast<unsigned long long>(s.cfg->latency_monitor_threshold) * 1000;
  std::string out;
  if (advice & kBetterVm) {
    out +=
        "- If you are using a virtual machine, consider upgrading it with a faster one using a "
        "hypervisior that provides less latency during fork() calls. Xen is known to have poor "
        "fork() performance. Even in the context of the same VM provider, certain kinds of "
        "instances can execute fork faster than others.\n";
  }
  if (advice & kSlowlogEnable) {
    out +=
        "- There are latency issues with potentially slow commands you are using. Try to enable "
        "the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than " +
        std::to_string(suggested) +
        "'. If the Slow log is disabled Redis is not able to log slow commands execution for "
        "you.\n";
  }
  if (advice & kSlowlogTuning) {
    out +=
        "- Your current Slow Log configuration only logs events that are slower than your "
        "configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than " +
        std::to_string(suggested) + "'.\n";
  }
  if (advice & kSlowlogInspect) {
    out +=
        "- Check your Slow Log to understand what are the commands you are running which are too "
        "slow to execute. Please check https://redis.io/commands/slowlog for more information.\n";
  }
  if (advice & kScheduler) {
    out +=
        "- The system is slow to execute Redis code paths not containing system calls. This "
        "usually means the system does not provide Redis CPU time to run for long periods. You "
        "should try to:\n"
        "  1) Lower the system load.\n"
        "  2) Use a computer / VM just for Redis if you are running other software in the same "
        "system.\n"
        "  3) Check if you have a \"noisy neighbour\" problem.\n"
        "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your "
        "system.\n"
        "  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if "
        "you are using Jemalloc. However this may create fragmentation problems.\n";
  }
  if (advice & kLocalDisk) {
    out +=
        "- It is strongly advised to use local disks for persistence, especially if you are using "
        "AOF. Remote disks provided by platform-as-a-service providers are known to be slow.\n";
  }
  if (advice & kSsd) {
    out +=
        "- SSD disks are able to reduce fsync latency, and total time needed for snapshotting and "
        "AOF log rewriting (resulting in smaller memory usage and smaller final AOF rewrite buffer "
        "flushes). With extremely high write load SSD disks can be a good option. However Redis "
        "should perform reasonably with high load using normal disks. Use this advice as a last "
        "resort.\n";
  }
  if (advice & kDataWriteback) {
    out +=
        "- Mounting ext3/4 filesystems with data=writeback can provide a performance boost "
        "compared to data=ordered, however this mode of operation provides less guarantees, and "
        "sometimes it can happen that after a hard crash the AOF file will have a half-written "
        "command at the end and will require to be repaired before Redis restarts.\n";
  }
  if (advice & kDiskContention) {
    out +=
        "- Try to lower the disk contention. This is often caused by other disk intensive "
        "processes running in the same computer (including other Redis instances).\n";
  }
  if (advice & kNoAppendfsync) {
    out +=
        "- Assuming from the point of view of data safety this is viable in your environment, you "
        "could try to enable the 'no-appendfsync-on-rewrite' option, so that fsync will not be "
        "performed while there is a child rewriting the AOF file or producing an RDB file (the "
        "moment where there is high disk contention).\n";
  }
  if ((advice & kRelaxFsync) && s.cfg->appendfsync == config::kFsyncAlways) {
    out +=
        "- Your fsync policy is set to 'always'. It is very hard to get good performances with "
        "such a setup, if possible try to relax the fsync policy to 'onesec'.\n";
  }
  if (advice & kWriteLoadInfo) {
    out +=
        "- Latency during the AOF atomic rename operation or when the final difference is flushed "
        "to the AOF file at the end of the rewrite, sometimes is caused by very high write load, "
        "causing the AOF buffer to get very large. If possible try to send less commands to "
        "accomplish the same work, or use Lua scripts to group multiple operations into a single "
        "EVALSHA call.\n";
  }
  if ((advice & kHz) && s.cfg->hz < 100) {
    out +=
        "- In order to make the Redis keys expiring process more incremental, try to set the 'hz' "
        "configuration parameter to 100 using 'CONFIG SET hz 100'.\n";
  }
  if (advice & kLargeObjects) {
    out +=
        "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a "
        "blocking operation. If you have very large objects that are often deleted, expired, or "
        "evicted, try to fragment those objects into multiple smaller objects.\n";
  }
  if (advice & kMassEviction) {
    out +=
        "- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large "
        "objects via sets or sorted sets intersections, STORE option of SORT, Redis Cluster large "
        "keys migrations (RESTORE command), may create sudden memory pressure forcing the server "
        "to block trying to evict keys. \n";
  }
  if (advice & kDisableThp) {
    out +=
        "- I detected a non zero amount of anonymous huge pages used by your process. This creates "
        "very serious latency events in different conditions, especially when Redis is persisting "
        "on disk. To disable THP support use the command 'echo never > "
        "/sys/kernel/mm/transparent_hugepage/enabled', make sure to also add it into /etc/rc.local "
        "so that the command will be executed again after a reboot. Note that even if you have "
        "already disabled THP, you still need to restart the Redis process to get rid of the huge "
        "pages already created.\n";
  }
  return out;
}

std::string DoctorReport(const ServerState& s) {
  const auto& all = s.latency.series();
  if (all.empty() && s.cfg->latency_monitor_threshold == 0) {
    return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis "
           "instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in "
           "order to enable it. If we weren't in a deep space mission I'd suggest to take a look "
           "at https://redis.io/topics/latency-monitor.\n";
  }
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  std::string report;
  uint32_t advice = 0;
  int advices = 0;
  int n = 0;
  for (const auto& ts : all) {
    if (++n == 1) {
      report +=
          "Dave, I have observed latency spikes in this Redis instance. You don't mind talking "
          "about it, do you Dave?\n\n";
    }
    report += EventLine(s, n, *ts, now, &advice, &advices);
  }
  if (AnonHugePagesBytes() > 0) {
    advice |= kDisableThp;
    ++advices;
  }
  if (n == 0 && advices == 0) {
    report +=
        "Dave, no latency spike was observed during the lifetime of this Redis instance, not in "
        "the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and "
        "think things over.\n";
  } else if (n > 0 && advices == 0) {
    report +=
        "\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use "
        "the Redis community to get some help, providing this report in your help request.\n";
  } else {
    report += "\nI have a few advices for you:\n\n";
    report += AdviceText(s, advice);
  }
  return report;
}

void LatencyDoctor(CommandContext& cx) { cx.reply.Verbatim(DoctorReport(cx.server)); }

}  // namespace

void RegisterLatencyFamily(CommandTable& t) {
  const char* g = "server";
  const uint64_t admin = flag::kAdmin | flag::kNoscript | flag::kLoading | flag::kStale;
  auto sub = [g](const char* name, int arity, uint64_t flags, Handler h, const char* summary,
                 const char* since = "2.8.13") {
    return CommandSpec{.name = name,
                       .arity = arity,
                       .flags = flags,
                       .handler = h,
                       .group = g,
                       .summary = summary,
                       .since = since};
  };
  t.Register({
      {.name = "latency",
       .arity = -2,
       .subcommands =
           {sub("doctor", 2, admin, LatencyDoctor,
                "Return a human readable latency analysis report."),
            sub("graph", 3, admin, LatencyGraph, "Return a latency graph for the event."),
            sub("help", 2, flag::kLoading | flag::kStale, LatencyHelp,
                "Show helpful text about the different subcommands."),
            sub("histogram", -2, admin, LatencyHistogramCmd,
                "Return the cumulative distribution of latencies of a subset of commands or all.",
                "7.0.0"),
            sub("history", 3, admin, LatencyHistory,
                "Return timestamp-latency samples for the event."),
            sub("latest", 2, admin, LatencyLatest,
                "Return the latest latency samples for all events."),
            sub("reset", -2, admin, LatencyReset, "Reset latency data for one or more events.")},
       .group = g,
       .summary = "A container for latency diagnostics commands",
       .since = "2.8.13"},
  });
}

}  // namespace redoubt::commands
