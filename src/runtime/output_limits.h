// client-output-buffer-limit for a client's own replies (normal, replica and pubsub classes,
// hard and soft limits), and Redoubt's fixed bound on what an unauthenticated client may make
// the server hold. Called after each command; the fast path is one comparison.
#pragma once

#include <cstddef>

#include "runtime/server_state.h"

namespace redoubt::commands {

// Output an unauthenticated client may leave unread before it is disconnected (Redoubt only:
// a client that has not logged in cannot make the server buffer more than this).
inline constexpr size_t kUnauthenticatedOutputLimit = 64 * 1024;
// What a client that must still authenticate may make the server hold between reads: unread
// input (a partial request) plus unsent output. 8 KB fits any real AUTH / HELLO AUTH; Redis's
// own unauthenticated limits (10 arguments of 16 KB) let each such connection pin ~211 KB.
inline constexpr size_t kUnauthenticatedHoldLimit = 8 * 1024;
// Pending output below this is never checked against the limits (a limit set lower acts here).
inline constexpr size_t kOutputCheckFloor = 4 * 1024;

// Schedules the client to be closed (and drops its pending output) when it is over its class's
// hard limit, or over the soft limit for longer than the soft seconds. Returns true if closed.
bool EnforceOutputLimits(ServerState& server, Client& client);

// After a client's input was processed: a client that must still authenticate is closed when
// it holds more than kUnauthenticatedHoldLimit, and its input buffer is trimmed to what it
// holds (the read path reserves 16 KB). Returns true if closed. One call when authenticated.
bool EnforceUnauthenticatedHold(ServerState& server, Client& client);
// auth-timeout: closes clients that must authenticate, never did, and connected more than
// `timeout_ms` ago (one that RESET after a login proved a password once: a pool resetting a
// connection before its next AUTH must not race the cron). Called from the server cron; the
// walk is skipped when the limit is 0.
void CloseUnauthenticatedAfter(ServerState& server, int64_t timeout_ms);

// What a client's buffers take (query and reply buffers), as client eviction counts it.
size_t ClientMemory(const Client& c);
// maxmemory-clients (Redis 7.0 client eviction): while all clients together use more than the
// limit, the one using most (CLIENT NO-EVICT clients excepted) is closed. One branch when off.
void EvictClientsSlow(ServerState& server);
inline void EvictClients(ServerState& server) {
  if (server.cfg->maxmemory_clients != 0) EvictClientsSlow(server);
}
inline bool CheckOutputLimits(ServerState& server, Client& client) {
  return client.pending_reply() >= kOutputCheckFloor && EnforceOutputLimits(server, client);
}

}  // namespace redoubt::commands
