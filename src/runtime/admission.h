// Connection admission: the checks a new connection passes before it becomes a client, in
// their fixed order (maxclients, protected mode, allow-from). Request admission is the
// pipeline in runtime/dispatch.cc; together they are every check a client's traffic passes.
#pragma once

#include <cstddef>
#include <string>

#include "runtime/server_state.h"

namespace redoubt::commands {

// Protected mode guards a server whose default user lets anyone in: on and nopass.
bool DefaultUserIsOpen(const ServerState& state);

struct ConnectionInfo {
  const std::string& addr;  // "ip:port", or the socket path for Unix sockets
  bool loopback = false;
  bool unix_socket = false;
};

// Whether a new connection may become a client, with `open_clients` clients already open.
// Returns "" when admitted; else the reply to write before closing the socket (the refusal is
// already counted in the statistics and audited).
std::string AdmitConnection(ServerState& state, size_t open_clients, const ConnectionInfo& conn);

}  // namespace redoubt::commands
