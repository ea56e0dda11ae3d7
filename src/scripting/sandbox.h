// The sandbox around the shared Lua state: which globals exist, and the read-only proxies
// that keep every library, the globals and the string metatable out of scripts' reach.
#pragma once

struct lua_State;

namespace redoubt::scripting {

// Opens the allowed libraries (base without its loaders, string, table, math, coroutine,
// cjson and bit from Debian, redis), then locks the globals: every library becomes a
// read-only userdata proxy (rawset, table.insert and setmetatable cannot reach the table
// behind it), reading an undefined global is an error, and the string metatable is hidden.
void OpenSandbox(lua_State* L);

// Gives the function at idx the scripts' environment: an empty table whose metatable reads
// the real globals, refuses every write and cannot be replaced or read. Scripts never hold
// a reference to the environment table itself (no getfenv, no _G table).
void SetScriptEnvironment(lua_State* L, int idx);

// The environment of FUNCTION library code and its functions. While a library loads
// (SetLibraryLoading), globals resolve to the load API only: the libraries and a `redis` with
// register_function, log and the constants, as Redis's; afterwards to the full globals.
void OpenFunctionEnvironment(lua_State* L, int (*register_function)(lua_State*));
void SetFunctionEnvironment(lua_State* L, int idx);
void SetLibraryLoading(lua_State* L, bool loading);

}  // namespace redoubt::scripting
