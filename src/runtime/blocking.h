// Blocking commands' machinery: parking a client on keys, waking it when one of them is
// signalled ready (first come, first served), time-outs and CLIENT UNBLOCK. The commands
// themselves (BLPOP, BZPOPMIN, ...) live in their families and call these.
#pragma once

#include <span>
#include <string_view>

#include "runtime/server_state.h"

namespace redoubt::commands {

// Parses a blocking timeout in seconds (a float, as Redis 6+) into an absolute deadline in
// unix ms (0 = wait forever). Replies the error and returns false when invalid.
bool ParseBlockTimeout(CommandContext& cx, std::string_view arg, int64_t* deadline_ms);

// Parks the client on `keys` of its current db until one of them holds a value of `type` or
// the deadline passes; the handler writes no reply now. Inside EXEC nothing blocks: the caller
// replies instead.
void BlockOnKeys(CommandContext& cx, std::span<const std::string_view> keys, int64_t deadline_ms,
                 store::ValueType type);
// Removes the client from every key it waits on.
void Unblock(ServerState& server, Client& client);
// Whether a handler runs as the retry of a blocked client (so it must not block again).
inline bool IsRetry(const CommandContext& cx) { return cx.client.blocked; }

// Called by the dbs' change hook: a key some client may be waiting for has changed.
void SignalKeyChanged(ServerState& server, int db, std::string_view key);
// SWAPDB: every awaited key of db that now holds a value may serve its waiters.
void SignalDbKeysReady(ServerState& server, int db);
// Runs the commands of clients waiting on keys signalled since the last call.
void ServeReadyKeys(ServerState& server);
// Replies the time-out (null array) to clients whose deadline passed.
void ExpireBlockedClients(ServerState& server, int64_t now_ms);
// CLIENT UNBLOCK: answers the blocked client as a time-out or with -UNBLOCKED.
bool UnblockByRequest(ServerState& server, Client& client, bool with_error);

}  // namespace redoubt::commands
