// The one adapter between the Lua engine and the runtime that runs commands: a
// redis.call runs here as the script's caller, through the admission steps Redis applies to
// scripts, and its effects reach the AOF as the commands performed.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/server_state.h"
#include "scripting/lua_engine.h"

namespace redoubt::commands {

class EngineBridge final : public scripting::ScriptHost {
 public:
  // caller: the EVAL/FCALL running the script; read_only: EVAL_RO or a no-writes script;
  // allow_oom: the script's allow-oom flag.
  EngineBridge(const CommandContext& caller, bool read_only, bool allow_oom);

  bool Call(std::span<const std::string_view> argv, int resp, int repl_flags, std::string* out,
            std::string* err) override;
  bool AclCheck(std::span<const std::string_view> argv, bool* allowed, std::string* err) override;
  void Log(int level, std::string_view message) override;
  bool WhileBusy() override;

 private:
  // The admission steps of a call from a script (Redis's scriptCall): nullptr with *err set
  // when refused.
  const CommandSpec* Admit(std::span<const std::string_view> argv, std::string* err);

  ServerState& server_;
  Client& caller_;
  const CommandContext& caller_cx_;  // what ACL LOG describes for a denied call
  Client fake_;  // the script's session: the caller's user, its own db and protocol
  bool read_only_;
  bool allow_oom_;
  bool oom_at_start_;
  std::string scratch_;
};

// The scripting engine of this server, created on first use.
scripting::LuaEngine& ScriptEngine(ServerState& server);

// INFO memory's scripting fields (zero before the first script).
struct ScriptStats {
  uint64_t vm_bytes = 0;
  uint64_t cache_bytes = 0;
  uint64_t scripts = 0;
};
ScriptStats GetScriptStats(const ServerState& server);

// The FUNCTION libraries' code, for the RDB functions records.
std::vector<std::string> FunctionLibraryCodes(const ServerState& server);
// Loads a library read from an RDB file (replacing one of the same name).
bool LoadFunctionLibrary(ServerState& server, std::string_view code, std::string* err);
// Installs the runtime's hooks into scripting (the RDB functions records); the server calls it
// once at start-up.
void InstallScriptingHooks(ServerState& server);

}  // namespace redoubt::commands
