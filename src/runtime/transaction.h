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
void MarkDbWatchersDirty(ServerState& server, int db);
// Leaves MULTI without running anything (DISCARD, RESET, EXECABORT).
void DiscardTransaction(Client& client);

}  // namespace redoubt::commands
