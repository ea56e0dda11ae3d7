#include "scripting/lua_engine.h"

#include <openssl/evp.h>
#include <time.h>

#include <cstdlib>
#include <cstring>

#include "scripting/lua_internal.h"
#include "scripting/sandbox.h"
#include "util/clock.h"
#include "util/split_args.h"

namespace redoubt::scripting {

namespace {

using internal::CurrentRun;

// Lua instructions between two runs of the hook (time check, busy serving, kill).
constexpr int kHookInstructions = 100000;
constexpr char kScriptsKey[] = "redoubt.scripts";
constexpr size_t kMaxErrorDetail = 100;

void Hook(lua_State* L, lua_Debug*) {
  RunState* run = CurrentRun(L);
  if (run == nullptr) return;
  int64_t elapsed = util::MonotonicMs() - run->start_ms;
  if (!run->killed && run->busy_threshold_ms > 0 && elapsed >= run->busy_threshold_ms) {
    run->busy = true;
    if (run->host->WhileBusy()) run->killed = true;
  }
  if (run->kill_after_ms > 0 && elapsed >= run->kill_after_ms) {
    lua_sethook(L, Hook, LUA_MASKLINE, 0);
    internal::PushErrorTable(L, "FUNCTION LOAD timeout");
    internal::RaiseTop(L);
  }
  if (!run->killed) return;
  // From now on every line raises again, so that a pcall in the script cannot swallow the kill.
  lua_sethook(L, Hook, LUA_MASKLINE, 0);
  internal::PushErrorTable(L, "Script killed by user with SCRIPT KILL...");
  internal::RaiseTop(L);
}

// Redis's error handler: a string error becomes {err = "ERR <message>"}; the table gets the
// source and line of the Lua code that raised it (or that called the C function that did).
int ErrorHandler(lua_State* L) {
  lua_Debug ar;
  bool have = false;
  if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar)) {
    have = std::strcmp(ar.what, "C") != 0 || (lua_getstack(L, 2, &ar) && lua_getinfo(L, "Sl", &ar));
  }
  if (!lua_istable(L, 1)) {
    bool from_call = lua_type(L, 1) == LUA_TSTRING && internal::IsCallError(L, 1);
    const char* msg = lua_isstring(L, 1)               ? lua_tostring(L, 1)
                      : lua_type(L, 1) == LUA_TBOOLEAN ? (lua_toboolean(L, 1) ? "true" : "false")
                                                       : luaL_typename(L, 1);
    lua_newtable(L);
    lua_pushstring(L, "err");
    if (from_call) {
      lua_pushvalue(L, 1);
    } else {
      lua_pushfstring(L, "ERR %s", msg);
    }
    lua_rawset(L, -3);
  } else {
    lua_pushvalue(L, 1);
  }
  if (have) {
    lua_pushstring(L, "source");
    lua_pushstring(L, ar.source);
    lua_rawset(L, -3);
    lua_pushstring(L, "line");
    lua_pushinteger(L, ar.currentline);
    lua_rawset(L, -3);
  }
  return 1;
}

// A raw string field of the table at idx, or empty.
std::string_view RawStringField(lua_State* L, int idx, const char* name) {
  lua_pushstring(L, name);
  lua_rawget(L, idx < 0 ? idx - 1 : idx);
  size_t len = 0;
  const char* s = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &len) : nullptr;
  lua_pop(L, 1);  // the string stays alive: the table holds it
  return s ? std::string_view(s, len) : std::string_view();
}

// The reply for a script that raised an error (the value on top of the stack).
void ReplyScriptError(lua_State* L, const RunState& run, protocol::ReplyBuilder& reply) {
  if (lua_istable(L, -1)) {
    std::string msg(RawStringField(L, -1, "err"));
    if (msg.empty()) msg = "ERR unknown error";
    if (msg[0] == '-') msg.erase(0, 1);
    std::string_view source = RawStringField(L, -1, "source");
    lua_pushstring(L, "line");
    lua_rawget(L, -2);
    bool has_line = lua_type(L, -1) == LUA_TNUMBER;
    int64_t line = has_line ? static_cast<int64_t>(lua_tonumber(L, -1)) : 0;
    lua_pop(L, 1);
    if (has_line && !source.empty()) {
      msg.append(" script: ").append(run.name).append(", on ").append(source);
      msg.append(":").append(std::to_string(line)).append(".");
    }
    reply.Error(msg);
    return;
  }
  std::string_view detail = "execution failure";
  size_t len = 0;
  if (lua_type(L, -1) == LUA_TSTRING) {
    const char* s = lua_tolstring(L, -1, &len);
    detail = std::string_view(s, len).substr(0, kMaxErrorDetail);
  }
  std::string msg = "ERR Error running script ";
  msg.append(run.name).append(", ");
  msg.append(detail);
  reply.Error(msg);
}

}  // namespace

namespace internal {
void PushArgTable(lua_State* L, std::span<const std::string_view> values) {
  lua_createtable(L, static_cast<int>(values.size()), 0);
  int i = 1;
  for (std::string_view v : values) {
    lua_pushlstring(L, v.data(), v.size());
    lua_rawseti(L, -2, i++);
  }
}
int PushErrorHandler(lua_State* L) {
  lua_pushcfunction(L, ErrorHandler);
  return lua_gettop(L);
}
}  // namespace internal

namespace {

void SetArgTable(lua_State* L, const char* name, std::span<const std::string_view> values) {
  internal::PushArgTable(L, values);
  lua_setfield(L, LUA_GLOBALSINDEX, name);
}

}  // namespace

namespace internal {
void Sha1HexInto(std::string_view data, char out[41]) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_sha1(), nullptr);
  static const char kHex[] = "0123456789abcdef";
  for (unsigned int i = 0; i < 20; ++i) {
    out[2 * i] = kHex[md[i] >> 4];
    out[2 * i + 1] = kHex[md[i] & 15];
  }
  out[40] = 0;
}
}  // namespace internal

std::string Sha1Hex(std::string_view data) {
  char hex[41];
  internal::Sha1HexInto(data, hex);
  return std::string(hex, 40);
}

namespace {

void* Allocate(void* ud, void* ptr, size_t osize, size_t nsize) {
  auto* h = static_cast<LuaEngine::Heap*>(ud);
  size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    std::free(ptr);
    h->used -= old;
    return nullptr;
  }
  // Lua assumes shrinking never fails; only growth counts against the cap.
  if (nsize > old && h->enforce && h->limit != 0 && h->used - old + nsize > h->limit) {
    return nullptr;
  }
  void* p = std::realloc(ptr, nsize);
  if (p == nullptr) return nullptr;
  h->used = h->used - old + nsize;
  return p;
}

}  // namespace

LuaEngine::LuaEngine(size_t memory_limit) : heap_(std::make_unique<Heap>()) {
  heap_->limit = memory_limit;
  Open();
}

LuaEngine::~LuaEngine() { Close(); }

void LuaEngine::Open() {
  heap_->enforce = false;
  L_ = lua_newstate(Allocate, heap_.get());
  OpenSandbox(L_);
  OpenFunctions();
  lua_newtable(L_);
  lua_setfield(L_, LUA_REGISTRYINDEX, kScriptsKey);
}

void LuaEngine::Close() {
  if (L_ != nullptr) lua_close(L_);
  L_ = nullptr;
}

size_t LuaEngine::used_memory() const { return heap_->used; }

int64_t LuaEngine::RunDurationMs(const RunState& run) { return util::MonotonicMs() - run.start_ms; }

void LuaEngine::set_memory_limit(size_t bytes) { heap_->limit = bytes; }

void LuaEngine::Flush() {
  lua_newtable(L_);
  lua_setfield(L_, LUA_REGISTRYINDEX, kScriptsKey);
  scripts_.clear();
  cached_bytes_ = 0;
  lua_gc(L_, LUA_GCCOLLECT, 0);
}

bool LuaEngine::ParseShebang(std::string_view body, uint32_t* flags, std::string* err) {
  *flags = script_flag::kEvalCompat;
  if (body.substr(0, 2) != "#!") return true;
  size_t eol = body.find('\n');
  if (eol == std::string_view::npos) {
    *err = "ERR Invalid script shebang";
    return false;
  }
  auto parts = util::SplitArgs(body.substr(0, eol));
  if (!parts || parts->empty()) {
    *err = "ERR Invalid engine in script shebang";
    return false;
  }
  if ((*parts)[0] != "#!lua") {
    *err = "ERR Unexpected engine in script shebang: " + (*parts)[0];
    return false;
  }
  *flags = 0;
  static const std::pair<std::string_view, uint32_t> kNames[] = {
      {"no-writes", script_flag::kNoWrites},
      {"allow-oom", script_flag::kAllowOom},
      {"allow-stale", script_flag::kAllowStale},
      {"no-cluster", script_flag::kNoCluster},
      {"allow-cross-slot-keys", script_flag::kAllowCrossSlot}};
  for (size_t i = 1; i < parts->size(); ++i) {
    std::string_view p = (*parts)[i];
    if (p.substr(0, 6) != "flags=") {
      *err = "ERR Unknown lua shebang option: " + std::string(p);
      return false;
    }
    p.remove_prefix(6);
    while (!p.empty()) {
      size_t comma = p.find(',');
      std::string_view name = p.substr(0, comma);
      p = comma == std::string_view::npos ? std::string_view() : p.substr(comma + 1);
      uint32_t f = 0;
      for (const auto& [n, bit] : kNames) {
        if (n == name) f = bit;
      }
      if (f == 0) {
        *err = "ERR Unexpected flag in script shebang: " + std::string(name);
        return false;
      }
      *flags |= f;
    }
  }
  return true;
}

const Script* LuaEngine::Find(std::string_view sha) const {
  if (sha.size() != 40) return nullptr;
  char lower[40];
  for (size_t i = 0; i < 40; ++i) {
    char c = sha[i];
    lower[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  auto it = scripts_.find(std::string_view(lower, sizeof(lower)));
  return it == scripts_.end() ? nullptr : &it->second;
}

const Script* LuaEngine::Load(std::string_view body, std::string* err) {
  std::string sha = Sha1Hex(body);
  if (auto it = scripts_.find(sha); it != scripts_.end()) return &it->second;
  uint32_t flags = 0;
  if (!ParseShebang(body, &flags, err)) return nullptr;
  // The shebang line is skipped but its newline kept, so that line numbers stay right.
  size_t skip = (flags & script_flag::kEvalCompat) ? 0 : body.find('\n');
  // No collection while the parser runs: strings it holds before anchoring them (the chunk
  // name, tokens) cannot be freed under it (Redis's 2025 parser use-after-free).
  lua_gc(L_, LUA_GCSTOP, 0);
  heap_->enforce = true;
  int rc = luaL_loadbuffer(L_, body.data() + skip, body.size() - skip, "@user_script");
  heap_->enforce = false;
  lua_gc(L_, LUA_GCRESTART, 0);
  if (rc != 0) {
    const char* msg = lua_tostring(L_, -1);
    *err = std::string("ERR Error compiling script (new function): ") + (msg ? msg : "?");
    lua_pop(L_, 1);
    return nullptr;
  }
  SetScriptEnvironment(L_, -1);
  lua_getfield(L_, LUA_REGISTRYINDEX, kScriptsKey);
  lua_pushlstring(L_, sha.data(), sha.size());
  lua_pushvalue(L_, -3);
  lua_rawset(L_, -3);
  lua_pop(L_, 2);
  cached_bytes_ += body.size() + sizeof(Script) + 40;
  Script& s = scripts_[sha];
  s.sha = sha;
  s.body.assign(body);
  s.flags = flags;
  return &s;
}

bool LuaEngine::Run(const Script& script, std::span<const std::string_view> keys,
                    std::span<const std::string_view> args, RunState& run,
                    protocol::ReplyBuilder& reply) {
  lua_settop(L_, 0);
  lua_pushcfunction(L_, ErrorHandler);
  lua_getfield(L_, LUA_REGISTRYINDEX, kScriptsKey);
  lua_pushlstring(L_, script.sha.data(), script.sha.size());
  lua_rawget(L_, -2);
  lua_remove(L_, -2);
  SetArgTable(L_, "KEYS", keys);
  SetArgTable(L_, "ARGV", args);
  bool ok = Call(0, run, reply);
  lua_pushnil(L_);
  lua_setfield(L_, LUA_GLOBALSINDEX, "KEYS");
  lua_pushnil(L_);
  lua_setfield(L_, LUA_GLOBALSINDEX, "ARGV");
  return ok;
}

bool LuaEngine::Call(int nargs, RunState& run, protocol::ReplyBuilder& reply) {
  run.start_ms = util::MonotonicMs();
  internal::SetCurrentRun(L_, &run);
  running_ = &run;
  lua_sethook(L_, Hook, LUA_MASKCOUNT, kHookInstructions);
  heap_->enforce = true;
  int rc = lua_pcall(L_, nargs, 1, 1);
  heap_->enforce = false;
  lua_sethook(L_, nullptr, 0, 0);
  running_ = nullptr;
  internal::SetCurrentRun(L_, nullptr);
  if (rc == 0) {
    internal::WriteLuaValue(L_, -1, reply, run.resp, 0);
  } else {
    ReplyScriptError(L_, run, reply);
  }
  lua_settop(L_, 0);
  // A script may have stopped the collector; the next one (maybe another user's) gets it back.
  lua_gc(L_, LUA_GCRESTART, 0);
  lua_gc(L_, rc == 0 ? LUA_GCSTEP : LUA_GCCOLLECT, 0);
  return rc == 0;
}

}  // namespace redoubt::scripting
