// Pieces of the Lua embedding shared between its files (not part of the module's interface).
#pragma once

#include <span>
#include <string_view>

#include "protocol/reply_builder.h"
#include "scripting/lua_engine.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
}

namespace redoubt::scripting {

// The allocator's accounting of the Lua heap.
struct LuaEngine::Heap {
  size_t used = 0;
  size_t limit = 0;
  bool enforce = false;  // only inside protected calls: a failure there is a script error
};

}  // namespace redoubt::scripting

namespace redoubt::scripting::internal {

// Deepest nesting the conversions between RESP and Lua values follow (a self-referencing
// table ends in an error instead of a stack overflow).
inline constexpr int kMaxConversionDepth = 128;

// The RunState of the script running now (registry), nullptr outside a run.
RunState* CurrentRun(lua_State* L);
void SetCurrentRun(lua_State* L, RunState* run);

// Push the `struct` and `cmsgpack` library tables (Redis 7.0's bundled libraries).
int OpenStruct(lua_State* L);
int OpenCmsgpack(lua_State* L);

// Fills the `redis` table (on top of the stack) with the redis.* API.
void RegisterRedisApi(lua_State* L);

// Pushes a RESP reply as Lua values, as Redis converts a redis.call reply. Raw operations
// only: no metamethod runs. Returns false (pushing nothing) on malformed input.
bool PushResp(lua_State* L, std::string_view resp);

// Writes the Lua value at `idx` as a reply, as Redis converts a script's return value.
// Raw operations only, so no script code runs.
void WriteLuaValue(lua_State* L, int idx, protocol::ReplyBuilder& reply, int script_resp,
                   int depth);

// Pushes Redis's error table {err = "CODE message"} for an error text in either form
// ("-CODE message" or "message", which becomes "ERR message"); CR/LF are dropped.
void PushErrorTable(lua_State* L, std::string_view error);

// Whether the error value at idx is the message redis.call raised last.
bool IsCallError(lua_State* L, int idx);

// SHA-1 as 40 hex characters plus a NUL, into a caller's buffer (no allocation).
void Sha1HexInto(std::string_view data, char out[41]);

// Pushes a Lua array of the strings.
void PushArgTable(lua_State* L, std::span<const std::string_view> values);
// Pushes the error handler scripts run under; returns its stack index.
int PushErrorHandler(lua_State* L);

// Raises the error table on top of the stack (never returns).
int RaiseTop(lua_State* L);

}  // namespace redoubt::scripting::internal
