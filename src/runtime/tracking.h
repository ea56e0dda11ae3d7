// Client-side caching (CLIENT TRACKING), as Redis 7.0: keys a tracking client reads are
// remembered, and a change to one sends that client an invalidation (a RESP3 push, or a
// message on __redis__:invalidate to a RESP2 redirect client in Pub/Sub mode). BCAST clients
// get the changed keys under their prefixes once per event-loop turn. Costs nothing while no
// client tracks: every entry point below is guarded by one test of TrackingState.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/server_state.h"

namespace redoubt::commands {

// The command running now and whose client it is: NOLOOP skips that client's own changes, and
// its own invalidations wait until its reply is written (Redis's tracking_pending_keys).
// Scopes nest (a blocked client served inside another client's command).
class TrackingScope {
 public:
  TrackingScope(ServerState& server, Client& client, bool executing = false)
      : server_(server), prev_(server.tracking.scope), client_(&client), executing_(executing) {
    server.tracking.scope = this;
  }
  ~TrackingScope() {
    server_.tracking.scope = prev_;
    if (!pending_.empty()) SendPending();
  }
  TrackingScope(const TrackingScope&) = delete;
  TrackingScope& operator=(const TrackingScope&) = delete;

  Client* client() const { return client_; }
  void set_executing(bool on) { executing_ = on; }
  bool executing() const { return executing_; }
  // The command this scope's client runs now (EVAL for a script's reads).
  const CommandSpec* cmd = nullptr;
  std::span<const std::string_view> args;
  // Invalidations for this client held until its reply is out; nullopt = a flush (null).
  std::vector<std::optional<std::string>> pending_;

 private:
  void SendPending();

  ServerState& server_;
  TrackingScope* prev_;
  Client* client_;
  bool executing_;
};

// CLIENT TRACKING ON with `options` (tracking_flag bits), after the checks below passed.
void TrackingEnable(ServerState& server, Client& c, uint64_t redirect, uint32_t options,
                    std::span<const std::string_view> prefixes);
// CLIENT TRACKING OFF, RESET, and a client going away.
void TrackingDisable(ServerState& server, Client& c);
// BCAST prefixes must not overlap each other or the client's current ones; false with Redis's
// error text otherwise.
bool TrackingCheckPrefixes(const Client& c, std::span<const std::string_view> prefixes,
                           std::string* err);

// Execute's hooks around a handler, called only while some client tracks.
void TrackingBeforeCommand(ServerState& server, Client& client, const CommandSpec& cmd,
                           std::span<const std::string_view> args);
void TrackingAfterCommand(ServerState& server, Client& client, const CommandSpec& cmd);

// A key's value changed or the key went away (the db key hook).
void TrackingKeyChanged(ServerState& server, std::string_view key);
// A key expired: BCAST clients hear of it even under NOLOOP (the server changed it).
void TrackingKeyExpired(ServerState& server, std::string_view key);
// FLUSHDB / FLUSHALL: every tracking client gets a null invalidation; the table empties.
void TrackingFlush(ServerState& server);
// BCAST: sends the keys changed under each prefix since the last call (before sleeping).
void TrackingBroadcast(ServerState& server);
// tracking-table-max-keys: forgets keys (invalidating them) while the table is over the limit,
// with more effort each consecutive time (before commands and from the cron).
void TrackingLimitKeys(ServerState& server);

}  // namespace redoubt::commands
