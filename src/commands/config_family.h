// CONFIG GET / SET / RESETSTAT / REWRITE, and the runtime effects of CONFIG SET that need only
// util/ and commands/ state. Effects on sockets, timers or files belong to the server layer,
// which registers its own config::Config::OnChange hooks.
#pragma once

#include "runtime/server_state.h"

namespace redoubt::commands {

// Registers the CONFIG SET hooks this layer owns: loglevel (util::LogSetLevel) and dir
// (chdir). Call once, after ServerState::config is set and before clients are served.
void InstallConfigHooks(ServerState& server);

}  // namespace redoubt::commands
