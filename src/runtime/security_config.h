// What the security directives mean for the security part of ServerState: the one owner of
// their apply steps, run at start and on CONFIG SET.
#pragma once

#include "config/server_config.h"
#include "runtime/server_state.h"

namespace redoubt::commands {

// The AUTH throttle's options from auth-max-failures, auth-failure-window, ...
void ApplyAuthThrottle(ServerState& server, const config::ServerConfig& cfg);

// Applies the throttle now and registers the CONFIG SET steps of requirepass (the default
// user's password), the auth-* throttle directives, allow-from and audit-log.
void InstallSecurityConfigHooks(ServerState& server);

}  // namespace redoubt::commands
