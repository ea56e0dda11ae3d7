// maxmemory: the per-command eviction step of the admission pipeline (Redis's
// performEvictions, bounded by maxmemory-eviction-tenacity and carried on from the cron and
// before-sleep), the one function every eviction goes through, and the config hooks that keep
// the policy, LFU and lazy-free settings current.
#pragma once

#include <cstdint>
#include <string_view>

#include "protocol/reply_builder.h"
#include "runtime/output_limits.h"
#include "runtime/server_state.h"

namespace redoubt::commands {

enum class EvictResult { kOk, kRunning, kFail };

// Frees memory under the policy until used memory is within maxmemory or the time budget is
// spent (kRunning: the cron carries on). kFail: over the limit and nothing left to evict.
EvictResult PerformEvictions(ServerState& server);

// Evicts one key: feeds the deletion to the AOF/replication feed, deletes (lazily under
// lazyfree-lazy-eviction), counts evicted_keys and sends the `evicted` keyspace event. False
// when the key no longer exists.
bool EvictKey(ServerState& server, store::Db& db, std::string_view key);

// The OOM step of the admission pipeline: evicts what the policy allows and refuses denyoom
// commands (and anything queued in MULTI, and EXEC with queued denyoom commands) while used
// memory is still above maxmemory. One branch when maxmemory is 0.
bool CheckOomSlow(ServerState& server, Client& client, const CommandSpec& cmd,
                  protocol::ReplyBuilder& reply);
inline bool CheckOom(ServerState& server, Client& client, const CommandSpec& cmd,
                     protocol::ReplyBuilder& reply) {
  return server.cfg->maxmemory == 0 || CheckOomSlow(server, client, cmd, reply);
}

// Installs the config hooks (maxmemory evicts at once when lowered, maxmemory-policy, LFU
// parameters, lazy-free switches) and applies the current values.
void InstallMemoryHooks(ServerState& server);
// Cron: refreshes the used-memory calibration and the peak, carries on an unfinished eviction.
void MemoryCron(ServerState& server);
// Before sleeping: carries on an eviction that ran out of time (Redis's eviction time proc).
inline void MemoryBeforeSleep(ServerState& server) {
  if (server.cfg->maxmemory_clients != 0) EvictClients(server);
  if (server.keyspace.eviction_running) PerformEvictions(server);
}

// Memory left out of the maxmemory check (the AOF buffer): INFO's mem_not_counted_for_evict.
uint64_t MemNotCountedForEvict(const ServerState& server);

// Redis's evictionTimeLimitUs: the time one eviction pass may take.
uint64_t EvictionTimeLimitUs(int tenacity);

}  // namespace redoubt::commands
