// Keyspace notifications (notify-keyspace-events): every write command reports what it did to
// which key, and this publishes it on __keyspace@<db>__:<key> and __keyevent@<db>__:<event>
// when the configured classes ask for it. Costs one bit test when notifications are off.
#pragma once

#include <string_view>

#include "runtime/server_state.h"

namespace redoubt::commands {

// `type` is one config::notify class bit (kGeneric, kString, kList, ..., kExpired).
void NotifySlow(ServerState& server, int type, std::string_view event, std::string_view key,
                int db);

inline void Notify(ServerState& server, int type, std::string_view event, std::string_view key,
                   int db) {
  if (server.cfg->notify_keyspace_events & type) NotifySlow(server, type, event, key, db);
}

inline void Notify(CommandContext& cx, int type, std::string_view event, std::string_view key) {
  Notify(cx.server, type, event, key, cx.client.db_index);
}

}  // namespace redoubt::commands
