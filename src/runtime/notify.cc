#include "runtime/notify.h"

#include <string>

#include "runtime/pubsub.h"

namespace redoubt::commands {

void NotifySlow(ServerState& server, int type, std::string_view event, std::string_view key,
                int db) {
  int flags = server.cfg->notify_keyspace_events;
  if (!(flags & (config::notify::kKeyspace | config::notify::kKeyevent))) return;
  (void)type;
  std::string channel;
  if (flags & config::notify::kKeyspace) {
    channel = "__keyspace@" + std::to_string(db) + "__:";
    channel.append(key);
    Publish(server, channel, event);
  }
  if (flags & config::notify::kKeyevent) {
    channel = "__keyevent@" + std::to_string(db) + "__:";
    channel.append(event);
    Publish(server, channel, key);
  }
}

}  // namespace redoubt::commands
