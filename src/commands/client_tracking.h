// CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO: the client-side caching subcommands,
// registered in the CLIENT row (client_family.cc); the tracking itself is runtime/tracking.h.
#pragma once

#include "runtime/server_state.h"

namespace redoubt::commands {

void ClientTrackingCommand(CommandContext& cx);
void ClientCachingCommand(CommandContext& cx);
void ClientGetRedirCommand(CommandContext& cx);
void ClientTrackingInfoCommand(CommandContext& cx);

}  // namespace redoubt::commands
