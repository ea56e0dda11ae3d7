#include "scripting/engine_bridge.h"

#include "protocol/errors.h"
#include "runtime/command_table.h"
#include "runtime/dispatch.h"
#include "runtime/eviction.h"
#include "util/log.h"

namespace redoubt::commands {

namespace {

void DeleteEngine(void* p) { delete static_cast<scripting::LuaEngine*>(p); }

bool ScriptOom(ServerState& server) {
  return server.cfg->maxmemory != 0 && PerformEvictions(server) == EvictResult::kFail;
}

}  // namespace

scripting::LuaEngine& ScriptEngine(ServerState& server) {
  if (!server.scripting) {
    auto limit = static_cast<size_t>(server.cfg->lua_memory_limit);
    server.scripting = std::shared_ptr<void>(new scripting::LuaEngine(limit), DeleteEngine);
  }
  return *static_cast<scripting::LuaEngine*>(server.scripting.get());
}

ScriptStats GetScriptStats(const ServerState& server) {
  ScriptStats st;
  if (!server.scripting) return st;
  const auto* engine = static_cast<const scripting::LuaEngine*>(server.scripting.get());
  st.vm_bytes = engine->used_memory();
  st.cache_bytes = engine->cached_bytes();
  st.scripts = engine->cached_scripts();
  return st;
}

std::vector<std::string> FunctionLibraryCodes(const ServerState& server) {
  std::vector<std::string> out;
  if (!server.scripting) return out;
  const auto* engine = static_cast<const scripting::LuaEngine*>(server.scripting.get());
  for (const auto& [name, lib] : engine->libraries()) out.push_back(lib.code);
  return out;
}

bool LoadFunctionLibrary(ServerState& server, std::string_view code, std::string* err) {
  return ScriptEngine(server).LoadLibrary(code, /*replace=*/true, err) != nullptr;
}

void InstallScriptingHooks(ServerState& server) {
  server.persistence.function_library_codes = [&server] { return FunctionLibraryCodes(server); };
  server.persistence.load_function_library = [&server](std::string_view code, std::string* err) {
    return LoadFunctionLibrary(server, code, err);
  };
}

EngineBridge::EngineBridge(const CommandContext& caller_cx, bool read_only, bool allow_oom)
    : server_(caller_cx.server),
      caller_(caller_cx.client),
      caller_cx_(caller_cx),
      read_only_(read_only),
      allow_oom_(allow_oom),
      oom_at_start_(!allow_oom && ScriptOom(caller_cx.server)) {
  const Client& caller = caller_;
  fake_.id = 0;
  fake_.addr = "lua";  // MONITOR shows "[db lua]", as Redis
  fake_.user = caller.user;
  fake_.acl_user = caller.acl_user;
  fake_.authenticated = true;
  fake_.db_index = caller.db_index;
  fake_.in_exec = true;  // blocking commands answer at once, as inside MULTI
}

const CommandSpec* EngineBridge::Admit(std::span<const std::string_view> argv, std::string* err) {
  const CommandSpec* cmd = CommandTable::Get().Lookup(argv[0]);
  if (cmd != nullptr && !cmd->subcommands.empty() && argv.size() >= 2) {
    cmd = CommandTable::LookupSub(*cmd, argv[1]);
  }
  if (cmd == nullptr) {
    *err = "Unknown Redis command called from script";
    return nullptr;
  }
  int argc = static_cast<int>(argv.size());
  if ((cmd->arity > 0 && cmd->arity != argc) || argc < -cmd->arity) {
    *err = "Wrong number of args calling Redis command from script";
    return nullptr;
  }
  if (cmd->flags & flag::kNoscript) {
    *err = "This Redis command is not allowed from script";
    return nullptr;
  }
  scratch_.clear();
  protocol::ReplyBuilder refusal(&scratch_, 2);
  if (!CheckAcl(server_, fake_, *cmd, argv, refusal, &caller_cx_)) {
    if (scratch_.find("keys") != std::string::npos) {
      *err =
          "The user executing the script can't access at least one of the keys mentioned in "
          "the command arguments";
    } else if (scratch_.find("channels") != std::string::npos) {
      *err =
          "The user executing the script can't publish to the channel mentioned in the "
          "command";
    } else {
      *err = "The user executing the script can't run this command or subcommand";
    }
    return nullptr;
  }
  if (!CheckProtected(server_, caller_, *cmd, refusal) ||
      ((cmd->flags & flag::kWrite) && !CheckAofWriteError(server_, caller_, *cmd, refusal))) {
    *err = scratch_.substr(0, scratch_.size() - 2);  // "-CODE message"
    return nullptr;
  }
  if (cmd->flags & flag::kWrite) {
    if (read_only_) {
      *err = "Write commands are not allowed from read-only scripts.";
      return nullptr;
    }
    if (!server_.persistence.rdb.gates_open() &&
        !CheckPersistenceGates(server_, caller_, *cmd, refusal)) {
      *err = scratch_.substr(0, scratch_.size() - 2);
      return nullptr;
    }
  }
  // As Redis: a script that has not written yet may not start growing memory while the
  // server was over maxmemory when it started; once it wrote, it must finish.
  if (oom_at_start_ && !server_.script_wrote && (cmd->flags & flag::kDenyOom)) {
    *err = "-" + std::string(errors::kOom);
    return nullptr;
  }
  return cmd;
}

bool EngineBridge::Call(std::span<const std::string_view> argv, int resp, int repl_flags,
                        std::string* out, std::string* err) {
  const CommandSpec* cmd = Admit(argv, err);
  if (cmd == nullptr) return false;
  if (cmd->flags & flag::kWrite) server_.script_wrote = true;
  fake_.resp = resp;
  fake_.reply_buf.clear();
  protocol::ReplyBuilder reply(&fake_.reply_buf, resp);
  reply.error_stats = &server_.error_stats;
  // redis.set_repl without REPL_AOF: this call's effects are not fed.
  WriteFeed* feed = server_.persistence.write_feed;
  if (!(repl_flags & scripting::repl::kAof)) server_.persistence.write_feed = nullptr;
  ExecuteResolved(server_, fake_, *cmd, argv, reply);
  server_.persistence.write_feed = feed;
  server_.stats.total_error_replies += reply.errors;
  out->swap(fake_.reply_buf);
  return true;
}

bool EngineBridge::AclCheck(std::span<const std::string_view> argv, bool* allowed,
                            std::string* err) {
  const CommandSpec* cmd = CommandTable::Get().Lookup(argv[0]);
  if (cmd != nullptr && !cmd->subcommands.empty() && argv.size() >= 2) {
    cmd = CommandTable::LookupSub(*cmd, argv[1]);
  }
  if (cmd == nullptr) {
    *err = "Invalid command passed to redis.acl_check_cmd()";
    return false;
  }
  // A question, not an attempt: Redis logs nothing for it.
  int idx = 0;
  *allowed = AclVerdict(fake_, *cmd, argv, &idx) == security::AclDenial::kNone;
  return true;
}

void EngineBridge::Log(int level, std::string_view message) {
  util::Log(static_cast<util::LogLevel>(level), "%.*s", static_cast<int>(message.size()),
            message.data());
}

bool EngineBridge::WhileBusy() {
  if (!server_.script_busy) {
    server_.script_busy = true;
    LOG_WARNING(
        "Slow script detected: still in execution after %lld milliseconds. You can try "
        "killing the script using the SCRIPT KILL command.",
        static_cast<long long>(server_.cfg->busy_reply_threshold));
  }
  if (server_.process_events_while_busy) server_.process_events_while_busy();
  return server_.script_kill;
}

}  // namespace redoubt::commands
