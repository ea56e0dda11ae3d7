#include "runtime/client_info.h"

#include <algorithm>
#include <string>

namespace redoubt::commands {

namespace {

// The flags= letters, in Redis's order.
std::string FlagLetters(const Client& c) {
  std::string f;
  if (c.flags & client_flag::kMonitor) f += 'O';
  if (c.flags & client_flag::kReplica) f += 'S';
  if (c.flags & client_flag::kMaster) f += 'M';
  if (c.tracking.flags & tracking_flag::kOn) f += 't';
  if (c.tracking.flags & tracking_flag::kBrokenRedirect) f += 'R';
  if (c.tracking.flags & tracking_flag::kBcast) f += 'B';
  if (c.flags & client_flag::kCloseAfterReply) f += 'c';
  if (c.flags & client_flag::kCloseAsap) f += 'A';
  if (c.flags & client_flag::kUnixSocket) f += 'U';
  if (c.flags & client_flag::kNoEvict) f += 'e';
  if (f.empty()) f.push_back('N');
  return f;
}

// One CLIENT LIST / CLIENT INFO line, without the trailing newline, in Redis 7.0's field order
// For the caller, cmd= is the running command, as in Redis.
// Output lives in one buffer here, so obl is every pending byte, oll is 0 and omem (Redis's reply
// list memory, which its output limits check) is the same pending bytes; rbp (peak) is not tracked
// and repeats rbs. sub/psub/ssub/multi wait for the pub/sub and transaction families.
}  // namespace

std::string ClientInfoString(const CommandContext& cx, const Client& c) {
  bool self = &c == &cx.client;
  const CommandSpec* cmd = self ? &cx.cmd : c.last_cmd;
  size_t argv_mem = 0;
  if (self) {
    for (std::string_view a : cx.args) argv_mem += a.size();
  }
  size_t rbs = c.reply_buf.capacity();
  size_t tot_mem = sizeof(Client) + c.query_buf.capacity() + rbs + c.name.capacity() + argv_mem;
  int64_t now = cx.now_ms();
  std::string s;
  s.reserve(384 + c.name.size());
  auto field = [&s](std::string_view key, std::string_view value) {
    if (!s.empty()) s += ' ';
    s.append(key);
    s += '=';
    s.append(value);
  };
  auto num = [&field](std::string_view key, int64_t v) { field(key, std::to_string(v)); };
  num("id", static_cast<int64_t>(c.id));
  field("addr", c.addr);
  field("laddr", c.laddr);
  num("fd", c.fd);
  field("name", c.name);
  num("age", std::max<int64_t>(0, (now - c.ctime_ms) / 1000));
  num("idle", std::max<int64_t>(0, (now - c.last_interaction_ms) / 1000));
  field("flags", FlagLetters(c));
  num("db", c.db_index);
  num("sub", 0);
  num("psub", 0);
  num("ssub", static_cast<int64_t>(c.shard_channels.size()));
  num("multi", -1);
  num("qbuf", static_cast<int64_t>(c.query_buf.size()));
  num("qbuf-free", static_cast<int64_t>(c.query_buf.capacity() - c.query_buf.size()));
  num("argv-mem", static_cast<int64_t>(argv_mem));
  num("multi-mem", 0);
  num("rbs", static_cast<int64_t>(rbs));
  num("rbp", static_cast<int64_t>(rbs));
  num("obl", static_cast<int64_t>(c.pending_reply()));
  num("oll", 0);
  num("omem", static_cast<int64_t>(c.pending_reply()));  // what client-output-buffer-limit checks
  num("tot-mem", static_cast<int64_t>(tot_mem));
  field("events", c.pending_reply() > 0 ? "rw" : "r");
  field("cmd", cmd != nullptr ? cmd->full_name : "NULL");
  field("user", c.user);
  num("redir",
      (c.tracking.flags & tracking_flag::kOn) ? static_cast<int64_t>(c.tracking.redirect) : -1);
  num("resp", c.resp);
  if (c.tls) num("tls", 1);
  return s;
}

}  // namespace redoubt::commands
