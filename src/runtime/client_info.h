// The CLIENT LIST / CLIENT INFO line of a session, shared by CLIENT and ACL LOG.
#pragma once

#include <string>

#include "runtime/server_state.h"

namespace redoubt::commands {

// One CLIENT LIST line for `c`, without the newline, in Redis 7.0's field order; cx is the
// running command (cmd= of the caller is the command running now).
std::string ClientInfoString(const CommandContext& cx, const Client& c);

}  // namespace redoubt::commands
