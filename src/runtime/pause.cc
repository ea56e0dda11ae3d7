#include "runtime/pause.h"

#include "runtime/command_table.h"

namespace redoubt::commands {

namespace {

ScriptFlagsHook g_script_flags = nullptr;

constexpr uint64_t kMayChangeData = flag::kWrite | flag::kMayReplicate;

}  // namespace

bool PauseActive(const ServerState& server) {
  return server.sessions.pause_end_ms > server.clock.now_ms;
}

void SetScriptFlagsHook(ScriptFlagsHook hook) { g_script_flags = hook; }

bool HeldByPause(const ServerState& server, const Client& client,
                 std::span<const std::string_view> args) {
  if (!PauseActive(server)) return false;
  if (!server.sessions.pause_write_only) return true;
  if (args.empty()) return false;
  const CommandSpec* cmd = CommandTable::Get().Lookup(args[0]);
  if (cmd == nullptr) return false;  // answered with an error at once
  uint64_t flags = cmd->flags;
  if (g_script_flags != nullptr) flags = g_script_flags(server, *cmd, args, flags);
  // EXEC is held when what it would run may write (Redis's mstate.cmd_flags).
  if ((cmd->internal_flags & internal::kRunsQueue) && client.in_multi) {
    for (const Client::QueuedCommand& q : client.multi_queue) flags |= q.cmd->flags;
  }
  return (flags & kMayChangeData) != 0;
}

// A replica never expires keys itself either (Redis): its primary sends the DELs.
void UpdateExpiryPause(ServerState& server) {
  server.clock.expiry_paused =
      PauseActive(server) || (server.cfg != nullptr && !server.cfg->masterhost.empty());
}

}  // namespace redoubt::commands
