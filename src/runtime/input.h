// The one entry point from the socket layer into the runtime: bytes a client sent are parsed,
// held back by CLIENT PAUSE, dispatched, and checked against the output limits here; server/
// only reads bytes before and writes the replies after.
#pragma once

#include "runtime/server_state.h"

namespace redoubt::commands {

// What the socket layer must do after ProcessInput.
enum class InputOutcome : uint8_t {
  kDone,    // nothing more (input consumed, incomplete, blocked, or the client is closing)
  kPaused,  // CLIENT PAUSE holds the rest back: run ProcessInput again once it ends
  kClose,   // close the connection now (HTTP on the port: cross-protocol scripting)
};

// Runs every complete request in client.query_buf, in order, appending replies to
// client.reply_buf; consumes what it ran and leaves the rest (incomplete, paused, blocked).
InputOutcome ProcessInput(ServerState& server, Client& client);

}  // namespace redoubt::commands
