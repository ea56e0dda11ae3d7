// SLOWLOG GET|LEN|RESET|HELP over the server's SlowLog (commands/slowlog.h).
#include <cctype>
#include <climits>
#include <iterator>
#include <string>

#include "runtime/command_table.h"
#include "runtime/server_state.h"
#include "util/numbers.h"

namespace redoubt::commands {

namespace {

constexpr std::string_view kCountError = "ERR count should be greater than or equal to -1";

void SlowLogGet(CommandContext& cx) {
  int64_t count = 10;
  if (cx.argc() == 3) {
    if (!util::ParseInt64(cx.args[2], &count) || count < -1) return cx.reply.Error(kCountError);
  } else if (cx.argc() > 3) {
    std::string msg = "ERR unknown subcommand or wrong number of arguments for '";
    msg.append(cx.args[1]).append("'. Try SLOWLOG HELP.");
    return cx.reply.Error(msg);
  }
  const auto& entries = cx.server.slowlog.entries();
  size_t n = entries.size();
  if (count >= 0 && static_cast<uint64_t>(count) < n) n = static_cast<size_t>(count);
  cx.reply.Array(static_cast<int64_t>(n));
  for (size_t i = 0; i < n; ++i) {
    const SlowLog::Entry& e = entries[i];
    cx.reply.Array(6);
    cx.reply.Integer(static_cast<int64_t>(e.id));
    cx.reply.Integer(e.time_s);
    cx.reply.Integer(e.duration_us);
    cx.reply.Array(static_cast<int64_t>(e.args.size()));
    for (const std::string& a : e.args) cx.reply.Bulk(a);
    cx.reply.Bulk(e.peer);
    cx.reply.Bulk(e.name);
  }
}

void SlowLogLen(CommandContext& cx) {
  cx.reply.Integer(static_cast<int64_t>(cx.server.slowlog.size()));
}

void SlowLogReset(CommandContext& cx) {
  cx.server.slowlog.Reset();
  cx.reply.Ok();
}

void SlowLogHelp(CommandContext& cx) {
  static constexpr std::string_view kLines[] = {
      "GET [<count>]",
      "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
      "    Entries are made of:",
      "    id, timestamp, time in microseconds, arguments array, client IP and port,",
      "    client name",
      "LEN",
      "    Return the length of the slowlog.",
      "RESET",
      "    Reset the slowlog.",
      "HELP",
      "    Prints this help.",
  };
  std::string head(cx.args[0]);
  for (char& c : head) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  cx.reply.Array(1 + std::size(kLines));
  cx.reply.SimpleString(head + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (std::string_view line : kLines) cx.reply.SimpleString(line);
}

}  // namespace

void RegisterSlowLogFamily(CommandTable& t) {
  const char* g = "server";
  const uint64_t admin = flag::kAdmin | flag::kLoading | flag::kStale;
  auto sub = [g](const char* name, int arity, uint64_t flags, Handler h, const char* summary) {
    return CommandSpec{.name = name,
                       .arity = arity,
                       .flags = flags,
                       .handler = h,
                       .group = g,
                       .summary = summary,
                       .since = "2.2.12"};
  };
  t.Register({
      {.name = "slowlog",
       .arity = -2,
       .subcommands = {sub("get", -2, admin, SlowLogGet, "Get the slow log's entries"),
                       sub("len", 2, admin, SlowLogLen, "Get the slow log's length"),
                       sub("reset", 2, admin, SlowLogReset, "Clear all entries from the slow log"),
                       sub("help", 2, flag::kLoading | flag::kStale, SlowLogHelp,
                           "Show helpful text about the different subcommands")},
       .group = g,
       .summary = "A container for slow log commands",
       .since = "2.2.12"},
  });
}

}  // namespace redoubt::commands
