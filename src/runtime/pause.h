// CLIENT PAUSE as Redis 7.0 applies it: which requests wait while a pause runs, and whether
// keys may expire meanwhile. The server loop asks here; it holds and releases the clients.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "runtime/server_state.h"

namespace redoubt::commands {

// True while CLIENT PAUSE (WRITE or ALL) is in force.
bool PauseActive(const ServerState& server);

// Whether `client`'s request `args` must wait for the pause to end: any request under ALL;
// under WRITE, those that may change the dataset (write or may-replicate flags), counting an
// EXEC by the commands it queued and a script by its own flags (see SetScriptFlagsHook).
bool HeldByPause(const ServerState& server, const Client& client,
                 std::span<const std::string_view> args);

// Scripting's hook: the effective flags of EVAL/EVALSHA/FCALL (and their _RO forms) for
// `args`, from the script's declared flags: a read-only script passes a WRITE pause, a
// script that may write waits. Until a hook is installed, a command's table flags count.
using ScriptFlagsHook = uint64_t (*)(const ServerState& server, const CommandSpec& cmd,
                                     std::span<const std::string_view> args, uint64_t flags);
void SetScriptFlagsHook(ScriptFlagsHook hook);

// Called on every clock update: during a pause neither lazy nor active expiry deletes a key
// (expired keys read as missing and are deleted once the pause ends), as Redis 7.0.
void UpdateExpiryPause(ServerState& server);

}  // namespace redoubt::commands
