#include "runtime/slowlog_hook.h"

#include <algorithm>

namespace redoubt::commands {

void SlowLogConsider(ServerState& server, const Client& client, const CommandSpec& cmd,
                     std::span<const std::string_view> args, uint64_t duration_us) {
  const int64_t threshold = server.cfg->slowlog_log_slower_than;
  if (threshold < 0 || server.cfg->slowlog_max_len <= 0) return;
  if (static_cast<int64_t>(duration_us) < threshold || (cmd.flags & flag::kSkipSlowlog)) return;
  // Commands replayed from the AOF are not the clients' (the replaying session runs them as
  // one EXEC, while loading), as Redis skips its AOF client.
  if (client.in_exec && server.persistence.rdb.loading) return;
  // Bit 63 of the mask stands for every argument from 63 on: a secret is never shown because
  // it sat beyond the mask.
  const uint64_t mask = client.redact_mask;
  auto redacted = [mask](size_t i) { return (mask >> std::min<size_t>(i, 63)) & 1; };
  server.slowlog.Push(args, redacted, server.clock.now_ms / 1000, static_cast<int64_t>(duration_us),
                      client.addr, client.name, static_cast<size_t>(server.cfg->slowlog_max_len));
}

}  // namespace redoubt::commands
