// FUNCTION libraries: loading (the library code registers its functions through
// redis.register_function), the function registry, and running a function.
#include <cstring>
#include <vector>

#include "scripting/lua_engine.h"
#include "scripting/lua_internal.h"
#include "scripting/sandbox.h"
#include "util/split_args.h"

namespace redoubt::scripting {

namespace {

constexpr char kFunctionsKey[] = "redoubt.functions";
constexpr char kPendingKey[] = "redoubt.pending";
constexpr char kBadName[] =
    "Library names can only contain letters, numbers, or underscores(_) and must be at least "
    "one character long";

// Functions registered by the library loading now (static: register_function is a C
// function of the shared state; one load runs at a time).
std::vector<Function>* g_pending = nullptr;

bool ValidName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

int Fail(lua_State* L, const char* msg) {
  internal::PushErrorTable(L, msg);
  return internal::RaiseTop(L);
}

// Reads the flags table at idx into *flags; false on an unknown flag.
bool ReadFlags(lua_State* L, int idx, uint32_t* flags) {
  static const std::pair<const char*, uint32_t> kNames[] = {
      {"no-writes", script_flag::kNoWrites},
      {"allow-oom", script_flag::kAllowOom},
      {"allow-stale", script_flag::kAllowStale},
      {"no-cluster", script_flag::kNoCluster},
      {"allow-cross-slot-keys", script_flag::kAllowCrossSlot}};
  for (int i = 1;; ++i) {
    lua_rawgeti(L, idx, i);
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      return true;
    }
    const char* s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : nullptr;
    uint32_t f = 0;
    for (const auto& [name, bit] : kNames) {
      if (s != nullptr && std::strcmp(s, name) == 0) f = bit;
    }
    lua_pop(L, 1);
    if (f == 0) return false;
    *flags |= f;
  }
}

// redis.register_function(name, callback) or redis.register_function{function_name=...,
// callback=..., flags={...}, description=...}.
int RegisterFunction(lua_State* L) {
  if (g_pending == nullptr) {
    return Fail(L, "redis.register_function can only be called on FUNCTION LOAD command");
  }
  int argc = lua_gettop(L);
  uint32_t flags = 0;
  if (argc == 1) {
    if (!lua_istable(L, 1)) {
      return Fail(L,
                  "calling redis.register_function with a single argument is only "
                  "applicable to Lua table (representing named arguments).");
    }
    lua_getfield(L, 1, "function_name");
    lua_getfield(L, 1, "callback");
    lua_getfield(L, 1, "description");
    lua_getfield(L, 1, "flags");
    if (!lua_isnil(L, -1)) {
      if (!lua_istable(L, -1))
        return Fail(L,
                    "flags argument to redis.register_function must "
                    "be a table representing function flags");
      if (!ReadFlags(L, lua_gettop(L), &flags)) return Fail(L, "unknown flag given");
    }
    lua_pop(L, 1);
  } else if (argc == 2) {
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_pushnil(L);
  } else {
    return Fail(L, "wrong number of arguments to redis.register_function");
  }
  // Stack: name, callback, description.
  if (lua_type(L, -3) != LUA_TSTRING)
    return Fail(L,
                "function_name argument given to "
                "redis.register_function must be a string");
  if (!lua_isfunction(L, -2))
    return Fail(L,
                "callback argument given to "
                "redis.register_function must be a function");
  if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TSTRING) {
    return Fail(L, "description argument given to redis.register_function must be a string");
  }
  size_t len = 0;
  const char* name = lua_tolstring(L, -3, &len);
  if (!ValidName(std::string_view(name, len))) return Fail(L, kBadName);
  for (const Function& f : *g_pending) {
    if (f.name == std::string_view(name, len))
      return Fail(L,
                  "Function already exists in the "
                  "library");
  }
  lua_getfield(L, LUA_REGISTRYINDEX, kPendingKey);
  lua_pushvalue(L, -4);
  lua_pushvalue(L, -4);
  lua_rawset(L, -3);
  lua_pop(L, 1);
  const char* desc = lua_isnil(L, -1) ? "" : lua_tostring(L, -1);
  g_pending->push_back({std::string(name, len), desc, flags, ""});
  return 0;
}

// Parses "#!lua name=<lib>"; returns false with *err.
bool ParseLibraryShebang(std::string_view code, std::string* name, size_t* skip, std::string* err) {
  if (code.substr(0, 2) != "#!") {
    *err = "ERR Missing library metadata";
    return false;
  }
  size_t eol = code.find('\n');
  *skip = eol == std::string_view::npos ? code.size() : eol;
  auto parts = util::SplitArgs(code.substr(0, *skip));
  if (!parts || parts->empty()) {
    *err = "ERR Invalid library metadata";
    return false;
  }
  if ((*parts)[0] != "#!lua") {
    *err = "ERR Engine '" + (*parts)[0].substr(2) + "' not found";
    return false;
  }
  name->clear();
  for (size_t i = 1; i < parts->size(); ++i) {
    const std::string& p = (*parts)[i];
    if (p.rfind("name=", 0) != 0) {
      *err = "ERR Invalid metadata value given: " + p;
      return false;
    }
    *name = p.substr(5);
  }
  if (name->empty()) {
    *err = "ERR Library name was not given";
    return false;
  }
  if (!ValidName(*name)) {
    *err = std::string("ERR ") + kBadName;
    return false;
  }
  return true;
}

}  // namespace

void LuaEngine::OpenFunctions() {
  OpenFunctionEnvironment(L_, RegisterFunction);
  lua_newtable(L_);
  lua_setfield(L_, LUA_REGISTRYINDEX, kFunctionsKey);
}

const Library* LuaEngine::LoadLibrary(std::string_view code, bool replace, std::string* err) {
  std::string name;
  size_t skip = 0;
  if (!ParseLibraryShebang(code, &name, &skip, err)) return nullptr;
  auto existing = libraries_.find(name);
  if (existing != libraries_.end() && !replace) {
    *err = "ERR Library '" + name + "' already exists";
    return nullptr;
  }
  lua_settop(L_, 0);
  internal::PushErrorHandler(L_);
  lua_gc(L_, LUA_GCSTOP, 0);  // as for EVAL: nothing freed under the parser
  heap_->enforce = true;
  int rc = luaL_loadbuffer(L_, code.data() + skip, code.size() - skip, "@user_function");
  heap_->enforce = false;
  lua_gc(L_, LUA_GCRESTART, 0);
  if (rc != 0) {
    *err = std::string("ERR Error compiling function: ") + lua_tostring(L_, -1);
    lua_settop(L_, 0);
    return nullptr;
  }
  SetFunctionEnvironment(L_, -1);
  lua_newtable(L_);
  lua_setfield(L_, LUA_REGISTRYINDEX, kPendingKey);
  std::vector<Function> pending;
  g_pending = &pending;
  SetLibraryLoading(L_, true);
  std::string reply_text;
  protocol::ReplyBuilder reply(&reply_text, 2);
  RunState run;
  run.name = name;
  run.kill_after_ms = 500;  // Redis's load timeout
  bool ok = Call(0, run, reply);
  SetLibraryLoading(L_, false);
  g_pending = nullptr;
  if (!ok) {
    std::string msg = reply_text.substr(1, reply_text.size() - 3);
    size_t cut = msg.find(" script: ");
    if (cut != std::string::npos) msg.resize(cut);
    *err = "ERR Error registering functions: " + msg;
    return nullptr;
  }
  if (pending.empty()) {
    *err = "ERR No functions registered";
    return nullptr;
  }
  for (const Function& f : pending) {
    auto it = functions_.find(f.name);
    if (it != functions_.end() && it->second->library != name) {
      *err = "ERR Function " + f.name + " already exists";
      return nullptr;
    }
  }
  if (existing != libraries_.end()) DeleteLibrary(name);
  Library& lib = libraries_[name];
  lib.name = name;
  lib.code.assign(code);
  lua_getfield(L_, LUA_REGISTRYINDEX, kFunctionsKey);
  lua_getfield(L_, LUA_REGISTRYINDEX, kPendingKey);
  for (Function& f : pending) {
    f.library = name;
    lua_getfield(L_, -1, f.name.c_str());
    lua_setfield(L_, -3, f.name.c_str());
    Function& stored = lib.functions[f.name];
    stored = std::move(f);
    functions_[stored.name] = &stored;
  }
  lua_settop(L_, 0);
  lua_pushnil(L_);
  lua_setfield(L_, LUA_REGISTRYINDEX, kPendingKey);
  return &lib;
}

bool LuaEngine::DeleteLibrary(std::string_view name) {
  auto it = libraries_.find(std::string(name));
  if (it == libraries_.end()) return false;
  lua_getfield(L_, LUA_REGISTRYINDEX, kFunctionsKey);
  for (const auto& [fname, f] : it->second.functions) {
    lua_pushnil(L_);
    lua_setfield(L_, -2, fname.c_str());
    functions_.erase(fname);
  }
  lua_pop(L_, 1);
  libraries_.erase(it);
  return true;
}

void LuaEngine::FlushLibraries() {
  functions_.clear();
  libraries_.clear();
  lua_newtable(L_);
  lua_setfield(L_, LUA_REGISTRYINDEX, kFunctionsKey);
  lua_gc(L_, LUA_GCCOLLECT, 0);
}

const Function* LuaEngine::FindFunction(std::string_view name) const {
  auto it = functions_.find(name);
  return it == functions_.end() ? nullptr : it->second;
}

bool LuaEngine::RunFunction(const Function& fn, std::span<const std::string_view> keys,
                            std::span<const std::string_view> args, RunState& run,
                            protocol::ReplyBuilder& reply) {
  lua_settop(L_, 0);
  internal::PushErrorHandler(L_);
  lua_getfield(L_, LUA_REGISTRYINDEX, kFunctionsKey);
  lua_getfield(L_, -1, fn.name.c_str());
  lua_remove(L_, -2);
  internal::PushArgTable(L_, keys);
  internal::PushArgTable(L_, args);
  return Call(2, run, reply);
}

}  // namespace redoubt::scripting
