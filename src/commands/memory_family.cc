// MEMORY USAGE / STATS / DOCTOR / MALLOC-STATS / PURGE / HELP: what the keyspace, the clients
// and the allocator use, for operators sizing maxmemory.
#include <cctype>
#include <cstdio>
#include <string>

#include "protocol/errors.h"
#include "runtime/command_table.h"
#include "runtime/eviction.h"
#include "runtime/server_state.h"
#include "util/memory.h"
#include "util/numbers.h"
#include "util/string_util.h"

namespace redoubt::commands {

namespace {

// MEMORY USAGE <key> [SAMPLES <count>]: as Redis 7.0, an aggregate's element bytes are
// estimated from `count` elements (default 5, 0 = every one), so the cost of the command does
// not grow with the value.
void MemoryUsage(CommandContext& cx) {
  constexpr int64_t kDefaultSamples = 5;
  int64_t samples = kDefaultSamples;
  for (size_t j = 3; j < cx.argc(); ++j) {
    if (!util::EqualsIgnoreCase(cx.args[j], "SAMPLES") || j + 1 >= cx.argc()) {
      return cx.reply.Error(errors::kSyntax);
    }
    if (!util::ParseInt64(cx.args[j + 1], &samples)) return cx.reply.Error(errors::kNotInteger);
    if (samples < 0) return cx.reply.Error(errors::kSyntax);
    ++j;
  }
  store::Entry* e = cx.db().Peek(cx.args[2]);
  if (e == nullptr) return cx.reply.Null();
  cx.reply.Integer(static_cast<int64_t>(store::EntryMemory(e, static_cast<size_t>(samples))));
}

struct MemoryFigures {
  uint64_t used = 0, peak = 0, startup = 0, clients = 0, aof_buffer = 0, overhead = 0, keys = 0,
           rss = 0;
};

MemoryFigures Collect(const ServerState& s) {
  MemoryFigures f;
  f.used = util::UsedMemory();
  f.peak = util::UpdatePeakMemory(f.used);
  f.startup = s.keyspace.startup_allocated;
  f.rss = util::ResidentSetSize();
  for (const auto& [id, c] : s.sessions.clients) {
    f.clients += c->query_buf.capacity() + c->reply_buf.capacity() + sizeof(Client);
  }
  f.aof_buffer = MemNotCountedForEvict(s);
  f.overhead = f.startup + f.clients + f.aof_buffer;
  auto& ss = const_cast<ServerState&>(s);
  for (int i = 0; i < s.db_count(); ++i) {
    store::Db& db = ss.db(i);
    f.keys += db.size();
    f.overhead += db.table().OverheadBytes() + db.expires() * sizeof(void*);
  }
  return f;
}

double Ratio(uint64_t a, uint64_t b) {
  return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0;
}

void MemoryStats(CommandContext& cx) {
  ServerState& s = cx.server;
  MemoryFigures f = Collect(s);
  int dbs = 0;
  for (int i = 0; i < s.db_count(); ++i) dbs += s.db(i).size() > 0 ? 1 : 0;
  util::AllocatorStats a = util::GetAllocatorStats();
  uint64_t dataset = f.used > f.overhead ? f.used - f.overhead : 0;
  uint64_t net = f.used > f.startup ? f.used - f.startup : 0;
  protocol::ReplyBuilder& r = cx.reply;
  r.Map(28 + dbs);
  auto num = [&r](std::string_view k, uint64_t v) {
    r.Bulk(k);
    r.Integer(static_cast<int64_t>(v));
  };
  auto dbl = [&r](std::string_view k, double v) {
    r.Bulk(k);
    r.Double(v);
  };
  num("peak.allocated", f.peak);
  num("total.allocated", f.used);
  num("startup.allocated", f.startup);
  num("replication.backlog", 0);
  num("clients.slaves", 0);
  num("clients.normal", f.clients);
  num("cluster.links", 0);
  num("aof.buffer", f.aof_buffer);
  num("lua.caches", 0);
  num("functions.caches", 0);
  for (int i = 0; i < s.db_count(); ++i) {
    store::Db& db = s.db(i);
    if (db.size() == 0) continue;
    r.Bulk("db." + std::to_string(i));
    r.Map(2);
    num("overhead.hashtable.main", db.table().OverheadBytes());
    num("overhead.hashtable.expires", db.expires() * sizeof(void*));
  }
  num("overhead.hashtable.slot-to-keys", 0);
  num("overhead.total", f.overhead);
  num("keys.count", f.keys);
  num("keys.bytes-per-key", f.keys ? net / f.keys : 0);
  num("dataset.bytes", dataset);
  dbl("dataset.percentage", net ? 100.0 * Ratio(dataset, net) : 0.0);
  dbl("peak.percentage", 100.0 * Ratio(f.used, f.peak));
  num("allocator.allocated", a.allocated);
  num("allocator.active", a.active);
  num("allocator.resident", a.resident);
  dbl("allocator-fragmentation.ratio", Ratio(a.active, a.allocated));
  num("allocator-fragmentation.bytes", a.active > a.allocated ? a.active - a.allocated : 0);
  dbl("allocator-rss.ratio", Ratio(a.resident, a.active));
  num("allocator-rss.bytes", a.resident > a.active ? a.resident - a.active : 0);
  dbl("rss-overhead.ratio", Ratio(f.rss, a.resident));
  num("rss-overhead.bytes", f.rss > a.resident ? f.rss - a.resident : 0);
  dbl("fragmentation", Ratio(f.rss, f.used));
  num("fragmentation.bytes", f.rss > f.used ? f.rss - f.used : 0);
}

// Redoubt's own wording: a short list of what looks wrong, or that nothing does.
void MemoryDoctor(CommandContext& cx) {
  MemoryFigures f = Collect(cx.server);
  std::string report;
  if (f.used < 5 * 1024 * 1024) {
    report =
        "The dataset is too small (under 5 MB) for a memory diagnosis to mean anything. Ask "
        "again once the server holds real data.\n";
    return cx.reply.Verbatim(report);
  }
  char line[256];
  if (f.peak > f.used + f.used / 2) {
    std::snprintf(line, sizeof(line),
                  "* Peak memory: the peak (%llu bytes) is more than 150%% of what is used now. "
                  "RSS may stay high until the allocator returns pages (MEMORY PURGE).\n",
                  static_cast<unsigned long long>(f.peak));
    report += line;
  }
  double frag = Ratio(f.rss, f.used);
  if (frag > 1.4) {
    std::snprintf(line, sizeof(line),
                  "* Fragmentation: RSS is %.2f times the allocated memory. MEMORY PURGE or a "
                  "restart gives it back.\n",
                  frag);
    report += line;
  }
  if (f.clients > f.used / 4) {
    std::snprintf(line, sizeof(line),
                  "* Client buffers use %llu bytes, over a quarter of used memory: set "
                  "client-output-buffer-limit and maxmemory-clients.\n",
                  static_cast<unsigned long long>(f.clients));
    report += line;
  }
  if (report.empty()) report = "No memory problems found.\n";
  cx.reply.Verbatim(report);
}

void MemoryMallocStats(CommandContext& cx) {
  std::string text = util::AllocatorStatsText();
  if (text.empty()) text = "Stats not supported for the current allocator";
  cx.reply.Verbatim(text);
}

void MemoryPurge(CommandContext& cx) {
  util::PurgeAllocator();  // as Redis: OK also where the allocator cannot purge
  cx.reply.Ok();
}

void MemoryHelp(CommandContext& cx) {
  static constexpr std::string_view kLines[] = {
      "DOCTOR",
      "    Return memory problems reports.",
      "MALLOC-STATS",
      "    Return internal statistics report from the memory allocator.",
      "PURGE",
      "    Attempt to purge dirty pages for reclamation by the allocator.",
      "STATS",
      "    Return information about the memory usage of the server.",
      "USAGE <key> [SAMPLES <count>]",
      "    Return memory in bytes used by <key> and its value. Nested values are",
      "    sampled up to <count> times (default: 5, 0 means sample all).",
      "HELP",
      "    Prints this help.",
  };
  std::string head(cx.args[0]);
  for (char& c : head) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  cx.reply.Array(1 + std::size(kLines));
  cx.reply.SimpleString(head + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (std::string_view line : kLines) cx.reply.SimpleString(line);
}

void MemoryContainer(CommandContext& cx) { cx.reply.Error(errors::kSyntax); }

}  // namespace

void RegisterMemoryFamily(CommandTable& t) {
  const char* g = "server";
  auto sub = [g](const char* name, Handler h, const char* summary) {
    return CommandSpec{
        .name = name, .arity = 2, .handler = h, .group = g, .summary = summary, .since = "4.0.0"};
  };
  CommandSpec usage{.name = "usage",
                    .arity = -3,
                    .flags = flag::kReadonly,
                    .keys = {{.flags = keyflag::kRO, .index = 2}},
                    .handler = MemoryUsage,
                    .group = g,
                    .summary = "Estimate the memory usage of a key",
                    .since = "4.0.0"};
  CommandSpec help = sub("help", MemoryHelp, "Show helpful text about the different subcommands");
  help.flags = flag::kLoading | flag::kStale;
  t.Register({
      {.name = "memory",
       .arity = -2,
       .handler = MemoryContainer,
       .subcommands = {sub("doctor", MemoryDoctor, "Outputs memory problems report"), help,
                       sub("malloc-stats", MemoryMallocStats, "Show allocator internal stats"),
                       sub("purge", MemoryPurge, "Ask the allocator to release memory"),
                       sub("stats", MemoryStats, "Show memory usage details"), usage},
       .group = g,
       .summary = "A container for memory diagnostics commands",
       .since = "4.0.0"},
  });
}

}  // namespace redoubt::commands
