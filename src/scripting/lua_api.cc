// The `redis` table scripts see: call, pcall, the reply helpers, logging, RESP and
// replication settings, and the version constants.
#include <cstdio>
#include <cstring>

#include "scripting/lua_internal.h"

namespace redoubt::scripting::internal {

namespace {

constexpr char kRunKey[] = "redoubt.run";
constexpr char kLastErrorKey[] = "redoubt.lasterr";
constexpr char kVersion[] = "7.0.15";
constexpr int kVersionNum = 0x07000f;

// Raises the error table on top as Redis's redis.call does: the script (and a pcall in it)
// sees the message string; the error handler recognises it and adds no second "ERR".
int RaiseCallError(lua_State* L) {
  lua_pushstring(L, "err");
  lua_rawget(L, -2);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, kLastErrorKey);
  return lua_error(L);
}

int RaiseMessage(lua_State* L, const char* msg) {
  PushErrorTable(L, msg);
  return RaiseTop(L);
}

RunState* RequireRun(lua_State* L) {
  RunState* run = CurrentRun(L);
  if (run == nullptr) RaiseMessage(L, "This function can only be called from a running script");
  return run;
}

// redis.call and friends need a server behind the run (not while a library loads).
RunState* RequireHost(lua_State* L) {
  RunState* run = RequireRun(L);
  if (run->host == nullptr) RaiseMessage(L, "This function can not be called while loading");
  return run;
}

// Converts the arguments to strings in place (numbers as Redis formats them) and collects
// them; false when one is neither a string nor a number.
bool CollectArgs(lua_State* L, RunState* run) {
  int argc = lua_gettop(L);
  run->argv.clear();
  for (int i = 1; i <= argc; ++i) {
    int t = lua_type(L, i);
    if (t == LUA_TNUMBER) {
      char buf[64];
      int n = std::snprintf(buf, sizeof(buf), "%.17g", static_cast<double>(lua_tonumber(L, i)));
      lua_pushlstring(L, buf, static_cast<size_t>(n));
      lua_replace(L, i);
    } else if (t != LUA_TSTRING) {
      return false;
    }
    size_t len = 0;
    const char* s = lua_tolstring(L, i, &len);
    run->argv.emplace_back(s, len);
  }
  return true;
}

int GenericCall(lua_State* L, bool raise) {
  RunState* run = RequireHost(L);
  if (lua_gettop(L) == 0) {
    PushErrorTable(L, "Please specify at least one argument for this redis lib call");
    return raise ? RaiseCallError(L) : 1;
  }
  if (!CollectArgs(L, run)) {
    PushErrorTable(L, "Lua redis lib command arguments must be strings or integers");
    return raise ? RaiseCallError(L) : 1;
  }
  run->reply.clear();
  run->error.clear();
  int argc = lua_gettop(L);
  if (!run->host->Call(run->argv, run->resp, run->repl_flags, &run->reply, &run->error)) {
    PushErrorTable(L, run->error);
    return raise ? RaiseCallError(L) : 1;
  }
  if (!PushResp(L, run->reply)) return RaiseMessage(L, "Unexpected reply from the server");
  if (raise && run->reply[0] == '-') return RaiseCallError(L);
  (void)argc;
  return 1;
}

int Call(lua_State* L) { return GenericCall(L, true); }
int PCall(lua_State* L) { return GenericCall(L, false); }

int ErrorReply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TSTRING) {
    return RaiseMessage(L, "wrong number or type of arguments");
  }
  size_t len = 0;
  const char* s = lua_tolstring(L, 1, &len);
  PushErrorTable(L, std::string_view(s, len));
  return 1;
}

int StatusReply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TSTRING) {
    return RaiseMessage(L, "wrong number or type of arguments");
  }
  lua_newtable(L);
  lua_pushstring(L, "ok");
  lua_pushvalue(L, 1);
  lua_rawset(L, -3);
  return 1;
}

int Sha1(lua_State* L) {
  if (lua_gettop(L) != 1) return RaiseMessage(L, "wrong number of arguments");
  size_t len = 0;
  const char* s = lua_tolstring(L, 1, &len);
  if (s == nullptr) return RaiseMessage(L, "wrong number of arguments");
  char hex[41];
  Sha1HexInto(std::string_view(s, len), hex);
  lua_pushlstring(L, hex, 40);
  return 1;
}

int Log(lua_State* L) {
  RunState* run = RequireRun(L);
  int argc = lua_gettop(L);
  if (argc < 2) return RaiseMessage(L, "redis.log() requires two arguments or more.");
  if (!lua_isnumber(L, 1)) return RaiseMessage(L, "First argument must be a number (log level).");
  int level = static_cast<int>(lua_tonumber(L, 1));
  if (level < 0 || level > 3) return RaiseMessage(L, "Invalid debug level.");
  // The message: the remaining arguments joined by spaces, built as a Lua string.
  for (int i = 2; i <= argc; ++i) {
    if (i > 2) lua_pushliteral(L, " ");
    lua_pushvalue(L, i);
    if (lua_type(L, -1) != LUA_TSTRING && lua_type(L, -1) != LUA_TNUMBER) {
      lua_pop(L, 1);
      lua_pushstring(L, luaL_typename(L, i));
    }
  }
  lua_concat(L, 2 * (argc - 1) - 1);
  size_t len = 0;
  const char* msg = lua_tolstring(L, -1, &len);
  if (run->host != nullptr) run->host->Log(level, std::string_view(msg, len));
  return 0;
}

int SetResp(lua_State* L) {
  RunState* run = RequireRun(L);
  if (lua_gettop(L) != 1) return RaiseMessage(L, "redis.setresp() requires one argument.");
  int v = static_cast<int>(lua_tonumber(L, 1));
  if (v != 2 && v != 3) return RaiseMessage(L, "RESP version must be 2 or 3.");
  run->resp = v;
  return 0;
}

int SetRepl(lua_State* L) {
  RunState* run = RequireRun(L);
  if (lua_gettop(L) != 1) return RaiseMessage(L, "redis.set_repl() requires one argument.");
  int v = static_cast<int>(lua_tonumber(L, 1));
  if (v < 0 || v > 3) {
    return RaiseMessage(
        L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
  }
  run->repl_flags = v;
  return 0;
}

int ReplicateCommands(lua_State* L) {
  lua_pushboolean(L, 1);
  return 1;
}

int Breakpoint(lua_State* L) {
  lua_pushboolean(L, 0);
  return 1;
}

int Debug(lua_State*) { return 0; }

int AclCheckCmd(lua_State* L) {
  RunState* run = RequireHost(L);
  if (lua_gettop(L) == 0) {
    return RaiseMessage(L, "Please specify at least one argument for this redis lib call");
  }
  if (!CollectArgs(L, run)) {
    return RaiseMessage(L, "Lua redis lib command arguments must be strings or integers");
  }
  bool allowed = false;
  run->error.clear();
  if (!run->host->AclCheck(run->argv, &allowed, &run->error)) {
    return RaiseMessage(L, "Invalid command passed to redis.acl_check_cmd()");
  }
  lua_pushboolean(L, allowed);
  return 1;
}

void SetNumber(lua_State* L, const char* name, lua_Number v) {
  lua_pushnumber(L, v);
  lua_setfield(L, -2, name);
}

}  // namespace

RunState* CurrentRun(lua_State* L) {
  lua_getfield(L, LUA_REGISTRYINDEX, kRunKey);
  auto* run = static_cast<RunState*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return run;
}

void SetCurrentRun(lua_State* L, RunState* run) {
  if (run != nullptr) {
    lua_pushlightuserdata(L, run);
  } else {
    lua_pushnil(L);
  }
  lua_setfield(L, LUA_REGISTRYINDEX, kRunKey);
}

bool IsCallError(lua_State* L, int idx) {
  lua_getfield(L, LUA_REGISTRYINDEX, kLastErrorKey);
  bool same = lua_rawequal(L, idx < 0 ? idx - 1 : idx, -1);
  lua_pop(L, 1);
  return same;
}

int RaiseTop(lua_State* L) { return lua_error(L); }

void RegisterRedisApi(lua_State* L) {
  static const luaL_Reg kFunctions[] = {{"call", Call},
                                        {"pcall", PCall},
                                        {"error_reply", ErrorReply},
                                        {"status_reply", StatusReply},
                                        {"sha1hex", Sha1},
                                        {"log", Log},
                                        {"setresp", SetResp},
                                        {"set_repl", SetRepl},
                                        {"replicate_commands", ReplicateCommands},
                                        {"breakpoint", Breakpoint},
                                        {"debug", Debug},
                                        {"acl_check_cmd", AclCheckCmd},
                                        {nullptr, nullptr}};
  for (const luaL_Reg* f = kFunctions; f->name != nullptr; ++f) {
    lua_pushcfunction(L, f->func);
    lua_setfield(L, -2, f->name);
  }
  SetNumber(L, "LOG_DEBUG", 0);
  SetNumber(L, "LOG_VERBOSE", 1);
  SetNumber(L, "LOG_NOTICE", 2);
  SetNumber(L, "LOG_WARNING", 3);
  SetNumber(L, "REPL_NONE", repl::kNone);
  SetNumber(L, "REPL_AOF", repl::kAof);
  SetNumber(L, "REPL_SLAVE", repl::kReplica);
  SetNumber(L, "REPL_REPLICA", repl::kReplica);
  SetNumber(L, "REPL_ALL", repl::kAll);
  lua_pushstring(L, kVersion);
  lua_setfield(L, -2, "REDIS_VERSION");
  SetNumber(L, "REDIS_VERSION_NUM", kVersionNum);
}

}  // namespace redoubt::scripting::internal
