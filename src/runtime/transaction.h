// MULTI/EXEC state shared with the admission pipeline, RESET and the server layer.
#pragma once

#include "runtime/server_state.h"

namespace redoubt::commands {

// The key of ServerState::watched for a key of a db.
std::string WatchId(int db, std::string_view key);

// Drops the client's WATCHes (UNWATCH, EXEC, DISCARD, RESET, disconnect).
void UnwatchAll(ServerState& server, Client& client);
// Marks clients watching key (or any key of db) so that their EXEC fails.
void MarkWatchersDirty(ServerState& server, int db, std::string_view key);
// FLUSH*/SWAPDB: dirties the watchers of db's keys that exist in it or in replaced_with.
void MarkDbWatchersDirty(ServerState& server, store::Db& db, store::Db* replaced_with);
// Leaves MULTI without running anything (DISCARD, RESET, EXECABORT).
void DiscardTransaction(Client& client);

}  // namespace redoubt::commands
