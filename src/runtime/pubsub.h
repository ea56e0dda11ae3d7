// Pub/Sub delivery shared by the pubsub family, keyspace notifications and the server layer
// (unsubscribing a closing client, output-buffer limits of subscribers).
#pragma once

#include <string_view>

#include "runtime/server_state.h"

namespace redoubt::commands {

// Subscribers by channel, by pattern or by shard channel (ServerState::pubsub_*).
using PubSubRegistry = std::unordered_map<std::string, std::vector<Client*>>;
// Drops one subscription of `c`; forgets the name once nobody subscribes to it.
void PubSubRemoveFrom(PubSubRegistry& reg, std::string_view name, Client* c);

// Delivers a message to channel subscribers and matching pattern subscribers; returns how
// many clients received it.
int64_t Publish(ServerState& server, std::string_view channel, std::string_view message);
// SPUBLISH: delivers an "smessage" to the subscribers of a shard channel (patterns do not
// apply); returns how many clients received it.
int64_t PublishShard(ServerState& server, std::string_view channel, std::string_view message);
// Drops every subscription of a client that is going away.
void PubSubRemoveClient(ServerState& server, Client& client);
// Enforces client-output-buffer-limit's pubsub class on a subscriber; closes it when over.
void CheckPubSubOutputLimit(ServerState& server, Client& client);

}  // namespace redoubt::commands
