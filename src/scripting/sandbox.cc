#include "scripting/sandbox.h"

#include <cmath>

#include "scripting/lua_internal.h"

// Debian's lua-cjson (static library) and lua-bitop (shared library, linked by path).
extern "C" int luaopen_cjson(lua_State* L);
extern "C" int luaopen_bit(lua_State* L);

namespace redoubt::scripting {

namespace {

constexpr char kEnvKey[] = "redoubt.env";
constexpr char kFunctionEnvKey[] = "redoubt.fenv";
constexpr char kLoadingKey[] = "redoubt.loading";
// Nesting cjson accepts (its own default); the setters that could raise it are removed.
constexpr int kCjsonMaxDepth = 1000;
// Results unpack() may push: far below Lua's C stack limit (LUAI_MAXCSTACK).
constexpr double kMaxUnpack = 7000;

// Globals a script never sees: loaders of code and bytecode, environment access, the
// undocumented newproxy, output to the server's stdout.
constexpr const char* kRemovedGlobals[] = {"loadstring", "load",    "dofile",   "loadfile",
                                           "setfenv",    "getfenv", "newproxy", "print",
                                           "module",     "require", "gcinfo"};
// Libraries scripts reach only through read-only proxies.
constexpr const char* kProxiedLibraries[] = {"string", "math",   "table",    "coroutine", "cjson",
                                             "bit",    "struct", "cmsgpack", "redis"};
// cjson's configuration setters: global state one user's script could change for another's.
constexpr const char* kCjsonSetters[] = {"encode_max_depth",       "decode_max_depth",
                                         "encode_keep_buffer",     "encode_number_precision",
                                         "encode_sparse_array",    "encode_invalid_numbers",
                                         "decode_invalid_numbers", "new"};

int ReadOnlyError(lua_State* L) { return luaL_error(L, "Attempt to modify a readonly table"); }

// __index of the environment and of _G: the real globals, an error for undefined names.
int GlobalIndex(lua_State* L) {
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(1));
  if (lua_isnil(L, -1)) {
    const char* name = lua_isstring(L, 2) ? lua_tostring(L, 2) : luaL_typename(L, 2);
    return luaL_error(L, "Script attempted to access nonexistent global variable '%s'", name);
  }
  return 1;
}

// unpack() whose range arithmetic cannot overflow (Redis's CVE-2021-32626 class).
int SafeUnpack(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  double first = luaL_optnumber(L, 2, 1);
  double last =
      lua_isnoneornil(L, 3) ? static_cast<double>(lua_objlen(L, 1)) : luaL_checknumber(L, 3);
  if (std::isnan(first) || std::isnan(last)) return luaL_error(L, "too many results to unpack");
  if (first > last) return 0;
  if (last - first + 1 > kMaxUnpack || !lua_checkstack(L, static_cast<int>(last - first + 1))) {
    return luaL_error(L, "too many results to unpack");
  }
  int i = static_cast<int>(first), e = static_cast<int>(last);
  for (int k = i; k <= e; ++k) lua_rawgeti(L, 1, k);
  return e - i + 1;
}

// bit.tohex with its width clamped to [-8, 8] before Debian's BitOp sees it: BitOp 1.0.2
// negates INT_MIN and then pushes a string of negative length (Redis's CVE-2024-31449).
int SafeToHex(lua_State* L) {
  int top = lua_gettop(L);
  if (top >= 2 && !lua_isnil(L, 2)) {
    double n = luaL_checknumber(L, 2);
    if (std::isnan(n)) n = 8;
    n = n < -8 ? -8 : (n > 8 ? 8 : n);
    lua_pushnumber(L, std::trunc(n));
    lua_replace(L, 2);
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, top, 1);
  return 1;
}

void OpenLibrary(lua_State* L, lua_CFunction open, const char* name) {
  lua_pushcfunction(L, open);
  lua_pushstring(L, name);
  lua_call(L, 1, 0);
}

void OpenCjson(lua_State* L) {
  lua_pushcfunction(L, luaopen_cjson);
  lua_call(L, 0, 1);
  for (const char* setter : {"encode_max_depth", "decode_max_depth"}) {
    lua_getfield(L, -1, setter);
    lua_pushinteger(L, kCjsonMaxDepth);
    lua_call(L, 1, 0);
  }
  for (const char* name : kCjsonSetters) {
    lua_pushnil(L);
    lua_setfield(L, -2, name);
  }
  lua_setfield(L, LUA_GLOBALSINDEX, "cjson");
}

void OpenBit(lua_State* L) {
  lua_pushcfunction(L, luaopen_bit);
  lua_pushstring(L, "bit");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "tohex");
  lua_pushcclosure(L, SafeToHex, 1);
  lua_setfield(L, -2, "tohex");
  lua_setfield(L, LUA_GLOBALSINDEX, "bit");
}

// Pushes a metatable that forwards reads to `index` (on the stack at index_idx) and refuses
// writes; __metatable hides it from getmetatable and makes setmetatable fail.
void PushReadOnlyMetatable(lua_State* L, int index_idx) {
  lua_createtable(L, 0, 3);
  lua_pushvalue(L, index_idx);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, ReadOnlyError);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
}

// Replaces the global table `name` with a userdata proxy: raw access functions (rawset,
// table.insert, next) refuse a userdata, so nothing gets around the metatable.
void ProxyGlobal(lua_State* L, const char* name) {
  lua_getfield(L, LUA_GLOBALSINDEX, name);
  int real = lua_gettop(L);
  lua_newuserdata(L, 0);
  PushReadOnlyMetatable(L, real);
  lua_setmetatable(L, -2);
  lua_setfield(L, LUA_GLOBALSINDEX, name);
  lua_pop(L, 1);
}

void LockStringMetatable(lua_State* L) {
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 2);
}

void CreateEnvironment(lua_State* L) {
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  lua_pushcclosure(L, GlobalIndex, 1);
  int index = lua_gettop(L);
  // _G: a proxy too, so that no script holds a table it could write raw.
  lua_newuserdata(L, 0);
  PushReadOnlyMetatable(L, index);
  lua_setmetatable(L, -2);
  lua_setfield(L, LUA_GLOBALSINDEX, "_G");
  lua_newtable(L);
  PushReadOnlyMetatable(L, index);
  lua_setmetatable(L, -2);
  lua_setfield(L, LUA_REGISTRYINDEX, kEnvKey);
  lua_pop(L, 1);
}

// __index of the function environment: the load API while a library loads, else the globals.
int SwitchedGlobalIndex(lua_State* L) {
  lua_getfield(L, LUA_REGISTRYINDEX, kLoadingKey);
  bool loading = lua_toboolean(L, -1);
  lua_pop(L, 1);
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(loading ? 2 : 1));
  if (lua_isnil(L, -1)) {
    const char* name = lua_isstring(L, 2) ? lua_tostring(L, 2) : luaL_typename(L, 2);
    return luaL_error(L, "Script attempted to access nonexistent global variable '%s'", name);
  }
  return 1;
}

// A read-only proxy of the table on top (replaced by the proxy); missing fields are errors.
void ReplaceWithStrictProxy(lua_State* L) {
  lua_pushcclosure(L, GlobalIndex, 1);
  int index = lua_gettop(L);
  lua_newuserdata(L, 0);
  PushReadOnlyMetatable(L, index);
  lua_setmetatable(L, -2);
  lua_remove(L, index);
}

}  // namespace

void OpenFunctionEnvironment(lua_State* L, int (*register_function)(lua_State*)) {
  lua_newtable(L);  // the load API
  int api = lua_gettop(L);
  for (const char* lib : {"string", "math", "table", "cjson", "bit"}) {
    lua_getfield(L, LUA_GLOBALSINDEX, lib);
    lua_setfield(L, api, lib);
  }
  lua_newtable(L);  // its redis table
  lua_pushcfunction(L, register_function);
  lua_setfield(L, -2, "register_function");
  lua_getfield(L, LUA_GLOBALSINDEX, "redis");
  for (const char* name : {"log", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING",
                           "REDIS_VERSION", "REDIS_VERSION_NUM"}) {
    lua_getfield(L, -1, name);
    lua_setfield(L, -3, name);
  }
  lua_pop(L, 1);
  ReplaceWithStrictProxy(L);
  lua_setfield(L, api, "redis");
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  lua_pushvalue(L, api);
  lua_pushcclosure(L, SwitchedGlobalIndex, 2);
  int index = lua_gettop(L);
  lua_newtable(L);
  PushReadOnlyMetatable(L, index);
  lua_setmetatable(L, -2);
  lua_setfield(L, LUA_REGISTRYINDEX, kFunctionEnvKey);
  lua_settop(L, api - 1);
}

void SetFunctionEnvironment(lua_State* L, int idx) {
  int abs = idx < 0 ? lua_gettop(L) + idx + 1 : idx;
  lua_getfield(L, LUA_REGISTRYINDEX, kFunctionEnvKey);
  lua_setfenv(L, abs);
}

void SetLibraryLoading(lua_State* L, bool loading) {
  lua_pushboolean(L, loading);
  lua_setfield(L, LUA_REGISTRYINDEX, kLoadingKey);
}

void OpenSandbox(lua_State* L) {
  OpenLibrary(L, luaopen_base, "");
  OpenLibrary(L, luaopen_table, LUA_TABLIBNAME);
  OpenLibrary(L, luaopen_string, LUA_STRLIBNAME);
  OpenLibrary(L, luaopen_math, LUA_MATHLIBNAME);
  OpenCjson(L);
  OpenBit(L);
  internal::OpenStruct(L);
  lua_setfield(L, LUA_GLOBALSINDEX, "struct");
  internal::OpenCmsgpack(L);
  lua_setfield(L, LUA_GLOBALSINDEX, "cmsgpack");
  lua_newtable(L);
  internal::RegisterRedisApi(L);
  lua_setfield(L, LUA_GLOBALSINDEX, "redis");
  for (const char* name : kRemovedGlobals) {
    lua_pushnil(L);
    lua_setfield(L, LUA_GLOBALSINDEX, name);
  }
  lua_getfield(L, LUA_GLOBALSINDEX, "string");
  lua_pushnil(L);
  lua_setfield(L, -2, "dump");
  lua_pop(L, 1);
  lua_pushcfunction(L, SafeUnpack);
  lua_setfield(L, LUA_GLOBALSINDEX, "unpack");
  LockStringMetatable(L);
  for (const char* name : kProxiedLibraries) ProxyGlobal(L, name);
  CreateEnvironment(L);
}

void SetScriptEnvironment(lua_State* L, int idx) {
  int abs = idx < 0 ? lua_gettop(L) + idx + 1 : idx;
  lua_getfield(L, LUA_REGISTRYINDEX, kEnvKey);
  lua_setfenv(L, abs);
}

}  // namespace redoubt::scripting
