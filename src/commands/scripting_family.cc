// Scripting commands: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT. The Lua side lives in
// scripting/; calls from scripts reach the server through scripting/engine_bridge.
#include <string>
#include <vector>

#include "persistence/rdb_loader.h"
#include "persistence/rdb_writer.h"
#include "protocol/errors.h"
#include "runtime/command_table.h"
#include "runtime/eviction.h"
#include "runtime/pause.h"
#include "scripting/engine_bridge.h"
#include "util/glob.h"
#include "util/numbers.h"
#include "util/string_util.h"

namespace redoubt::commands {

namespace {

namespace sf = scripting::script_flag;

// enable-scripting no: every way to run or add Lua code is refused.
bool ScriptingEnabled(CommandContext& cx) {
  if (cx.server.cfg->enable_scripting) return true;
  cx.reply.Error("ERR scripting is disabled on this server (enable-scripting no)");
  return false;
}

// Checks the script's shebang flags against the call, as Redis does before running it.
bool CheckScriptFlags(CommandContext& cx, uint32_t flags, bool ro) {
  if ((flags & sf::kEvalCompat) || (flags & sf::kNoWrites)) return true;
  if (ro) {
    cx.reply.Error("ERR Can not execute a script with write flag using *_ro command.");
    return false;
  }
  if (!(flags & sf::kAllowOom) && cx.server.cfg->maxmemory != 0 &&
      PerformEvictions(cx.server) == EvictResult::kFail) {
    cx.reply.Error(errors::kOom);
    return false;
  }
  return true;
}

// Clears the running-script state even when the run ends early.
struct ScriptRunScope {
  ScriptRunScope(ServerState& s, Client& c, bool eval) : server(s), caller(c) {
    server.script_running = true;
    server.script_is_eval = eval;
    caller.flags |= client_flag::kInScript;
  }
  ~ScriptRunScope() {
    server.script_running = server.script_busy = server.script_wrote = server.script_kill = false;
    caller.flags &= ~client_flag::kInScript;
  }
  ServerState& server;
  Client& caller;
};

// Runs an EVAL script (`script`) or a function (`fn`) with the keys and args after numkeys.
void RunScript(CommandContext& cx, const scripting::Script* script, const scripting::Function* fn,
               size_t numkeys, bool ro) {
  uint32_t flags = script ? script->flags : fn->flags;
  if (!CheckScriptFlags(cx, flags, ro)) return;
  bool compat = flags & sf::kEvalCompat;
  bool read_only = ro || (!compat && (flags & sf::kNoWrites));
  bool allow_oom = !compat && (flags & sf::kAllowOom);
  scripting::LuaEngine& engine = ScriptEngine(cx.server);
  engine.set_memory_limit(static_cast<size_t>(cx.server.cfg->lua_memory_limit));
  EngineBridge host(cx, read_only, allow_oom);
  scripting::RunState run;
  run.host = &host;
  run.name = script ? script->sha : fn->name;
  run.command = cx.args;
  run.busy_threshold_ms = cx.server.cfg->busy_reply_threshold;
  std::span<const std::string_view> keys = cx.args.subspan(3, numkeys);
  std::span<const std::string_view> argv = cx.args.subspan(3 + numkeys);
  ScriptRunScope scope(cx.server, cx.client, script != nullptr);
  // The effects go to the AOF as one transaction, unless EXEC already wraps this call.
  WriteFeed* feed = cx.server.persistence.write_feed;
  bool wrap = feed != nullptr && !cx.client.in_exec;
  if (wrap) feed->BeginTransaction();
  size_t reply_start = cx.reply.buffer()->size();
  bool ok = script != nullptr ? engine.Run(*script, keys, argv, run, cx.reply)
                              : engine.RunFunction(*fn, keys, argv, run, cx.reply);
  if (wrap && cx.server.persistence.write_feed != nullptr)
    cx.server.persistence.write_feed->EndTransaction();
  if (!ok && cx.server.security.audit.enabled()) {
    // The error line, without '-' and CRLF, as the reason.
    std::string_view text(*cx.reply.buffer());
    text = text.substr(reply_start + 1);
    text = text.substr(0, text.find('\r'));
    cx.server.security.Audit(
        run.killed ? security::AuditEvent::kScriptKilled : security::AuditEvent::kScriptError,
        cx.client, cx.cmd.full_name, text.substr(0, 256), run.name);
  }
}

// numkeys of EVAL-like commands, or an error reply.
bool ParseNumKeys(CommandContext& cx, size_t* out) {
  int64_t n = 0;
  if (!util::ParseInt64(cx.args[2], &n)) {
    cx.reply.Error(errors::kNotInteger);
    return false;
  }
  if (n < 0) {
    cx.reply.Error("ERR Number of keys can't be negative");
    return false;
  }
  if (static_cast<uint64_t>(n) > cx.argc() - 3) {
    cx.reply.Error("ERR Number of keys can't be greater than number of args");
    return false;
  }
  *out = static_cast<size_t>(n);
  return true;
}

void EvalGeneric(CommandContext& cx, bool by_sha, bool ro) {
  if (!ScriptingEnabled(cx)) return;
  size_t numkeys = 0;
  if (!ParseNumKeys(cx, &numkeys)) return;
  scripting::LuaEngine& engine = ScriptEngine(cx.server);
  const scripting::Script* script = nullptr;
  if (by_sha) {
    script = engine.Find(cx.args[1]);
    if (script == nullptr) return cx.reply.Error(errors::kNoScript);
  } else {
    std::string err;
    script = engine.Load(cx.args[1], &err);
    if (script == nullptr) return cx.reply.Error(err);
  }
  RunScript(cx, script, nullptr, numkeys, ro);
}

void FcallGeneric(CommandContext& cx, bool ro) {
  if (!ScriptingEnabled(cx)) return;
  // As Redis: the function first, then its key count.
  const scripting::Function* fn = ScriptEngine(cx.server).FindFunction(cx.args[1]);
  if (fn == nullptr) return cx.reply.Error("ERR Function not found");
  int64_t n = 0;
  if (!util::ParseInt64(cx.args[2], &n)) return cx.reply.Error("ERR Bad number of keys provided");
  if (n < 0) return cx.reply.Error("ERR Number of keys can't be negative");
  if (static_cast<uint64_t>(n) > cx.argc() - 3) {
    return cx.reply.Error("ERR Number of keys can't be greater than number of args");
  }
  RunScript(cx, nullptr, fn, static_cast<size_t>(n), ro);
}

void Fcall(CommandContext& cx) { FcallGeneric(cx, false); }
void FcallRo(CommandContext& cx) { FcallGeneric(cx, true); }

void Eval(CommandContext& cx) { EvalGeneric(cx, false, false); }
void EvalSha(CommandContext& cx) { EvalGeneric(cx, true, false); }
void EvalRo(CommandContext& cx) { EvalGeneric(cx, false, true); }
void EvalShaRo(CommandContext& cx) { EvalGeneric(cx, true, true); }

void ScriptLoad(CommandContext& cx) {
  if (!ScriptingEnabled(cx)) return;
  std::string err;
  const scripting::Script* s = ScriptEngine(cx.server).Load(cx.args[2], &err);
  if (s == nullptr) return cx.reply.Error(err);
  cx.reply.Bulk(s->sha);
}

void ScriptExists(CommandContext& cx) {
  scripting::LuaEngine& engine = ScriptEngine(cx.server);
  cx.reply.Array(static_cast<int64_t>(cx.argc() - 2));
  for (size_t i = 2; i < cx.argc(); ++i) cx.reply.Integer(engine.Find(cx.args[i]) ? 1 : 0);
}

void ScriptFlush(CommandContext& cx) {
  if (cx.argc() > 3 || (cx.argc() == 3 && !util::EqualsIgnoreCase(cx.args[2], "sync") &&
                        !util::EqualsIgnoreCase(cx.args[2], "async"))) {
    return cx.reply.Error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
  }
  // The Lua state is closed at once either way: it is small next to a keyspace.
  ScriptEngine(cx.server).Flush();
  cx.reply.Ok();
}

void ScriptKill(CommandContext& cx) {
  ServerState& s = cx.server;
  if (!s.script_running) return cx.reply.Error(errors::kNotBusy);
  if (s.script_wrote) return cx.reply.Error(errors::kUnkillable);
  if (!s.script_is_eval) return cx.reply.Error(errors::kBusyFunction);
  s.script_kill = true;
  cx.reply.Ok();
}

void FunctionKill(CommandContext& cx) {
  ServerState& s = cx.server;
  if (!s.script_running) return cx.reply.Error(errors::kNotBusy);
  if (s.script_wrote) return cx.reply.Error(errors::kUnkillable);
  if (s.script_is_eval) return cx.reply.Error(errors::kBusyScript);
  s.script_kill = true;
  cx.reply.Ok();
}

void FunctionLoad(CommandContext& cx) {
  if (!ScriptingEnabled(cx)) return;
  bool replace = false;
  size_t i = 2;
  if (cx.argc() == 4) {
    if (!util::EqualsIgnoreCase(cx.args[2], "replace")) {
      return cx.reply.Error("ERR Unknown option given: " + std::string(cx.args[2]));
    }
    replace = true;
    i = 3;
  } else if (cx.argc() != 3) {
    return cx.reply.Error(errors::kSyntax);
  }
  std::string err;
  const scripting::Library* lib = ScriptEngine(cx.server).LoadLibrary(cx.args[i], replace, &err);
  if (lib == nullptr) return cx.reply.Error(err);
  ++cx.server.persistence.dirty;  // fed to the AOF, so that the library survives a restart
  cx.reply.Bulk(lib->name);
}

void FunctionDelete(CommandContext& cx) {
  if (!ScriptEngine(cx.server).DeleteLibrary(cx.args[2])) {
    return cx.reply.Error("ERR Library not found");
  }
  ++cx.server.persistence.dirty;
  cx.reply.Ok();
}

void FunctionFlush(CommandContext& cx) {
  if (cx.argc() > 3 || (cx.argc() == 3 && !util::EqualsIgnoreCase(cx.args[2], "sync") &&
                        !util::EqualsIgnoreCase(cx.args[2], "async"))) {
    return cx.reply.Error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
  }
  ScriptEngine(cx.server).FlushLibraries();
  ++cx.server.persistence.dirty;
  cx.reply.Ok();
}

void FunctionDump(CommandContext& cx) {
  cx.reply.Bulk(persistence::FunctionsDumpPayload(FunctionLibraryCodes(cx.server),
                                                  cx.server.cfg->rdbcompression));
}

// Loads the codes into the engine under the policy; on any failure the libraries are put
// back as they were (RESTORE is all or nothing, as in Redis).
void FunctionRestore(CommandContext& cx) {
  enum class Policy { kAppend, kReplace, kFlush } policy = Policy::kAppend;
  if (cx.argc() == 4) {
    if (util::EqualsIgnoreCase(cx.args[3], "flush")) {
      policy = Policy::kFlush;
    } else if (util::EqualsIgnoreCase(cx.args[3], "replace")) {
      policy = Policy::kReplace;
    } else if (!util::EqualsIgnoreCase(cx.args[3], "append")) {
      return cx.reply.Error(
          "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
    }
  } else if (cx.argc() > 4) {
    return cx.reply.Error(errors::kSyntax);
  }
  auto codes = persistence::DecodeFunctionsPayload(cx.args[2]);
  if (!codes.ok()) return cx.reply.Error(codes.status().message());
  scripting::LuaEngine& engine = ScriptEngine(cx.server);
  std::vector<std::string> before = FunctionLibraryCodes(cx.server);
  if (policy == Policy::kFlush) engine.FlushLibraries();
  std::string err;
  for (const std::string& code : *codes) {
    if (engine.LoadLibrary(code, policy == Policy::kReplace, &err) == nullptr) break;
  }
  if (!err.empty()) {
    engine.FlushLibraries();
    std::string ignored;
    for (const std::string& code : before) engine.LoadLibrary(code, true, &ignored);
    // Redis names the library without quotes here.
    if (err.rfind("ERR Library '", 0) == 0) std::erase(err, '\'');
    return cx.reply.Error(err);
  }
  ++cx.server.persistence.dirty;
  cx.reply.Ok();
}

void ReplyLibrary(CommandContext& cx, const scripting::Library& lib, bool with_code) {
  static const std::pair<const char*, uint32_t> kFlagNames[] = {
      {"no-writes", sf::kNoWrites},
      {"allow-oom", sf::kAllowOom},
      {"allow-stale", sf::kAllowStale},
      {"no-cluster", sf::kNoCluster},
      {"allow-cross-slot-keys", sf::kAllowCrossSlot}};
  cx.reply.Map(with_code ? 4 : 3);
  cx.reply.Bulk("library_name");
  cx.reply.Bulk(lib.name);
  cx.reply.Bulk("engine");
  cx.reply.Bulk("LUA");
  cx.reply.Bulk("functions");
  cx.reply.Array(static_cast<int64_t>(lib.functions.size()));
  for (const auto& [name, f] : lib.functions) {
    cx.reply.Map(3);
    cx.reply.Bulk("name");
    cx.reply.Bulk(name);
    cx.reply.Bulk("description");
    f.description.empty() ? cx.reply.Null() : cx.reply.Bulk(f.description);
    cx.reply.Bulk("flags");
    int64_t n = 0;
    for (const auto& [fname, bit] : kFlagNames) n += (f.flags & bit) ? 1 : 0;
    cx.reply.Set(n);
    for (const auto& [fname, bit] : kFlagNames) {
      if (f.flags & bit) cx.reply.SimpleString(fname);
    }
  }
  if (with_code) {
    cx.reply.Bulk("library_code");
    cx.reply.Bulk(lib.code);
  }
}

void FunctionList(CommandContext& cx) {
  bool with_code = false;
  std::string_view pattern;
  bool has_pattern = false;
  for (size_t i = 2; i < cx.argc(); ++i) {
    if (!with_code && util::EqualsIgnoreCase(cx.args[i], "withcode")) {
      with_code = true;
    } else if (!has_pattern && util::EqualsIgnoreCase(cx.args[i], "libraryname")) {
      if (i + 1 >= cx.argc()) return cx.reply.Error("ERR library name argument was not given");
      pattern = cx.args[++i];
      has_pattern = true;
    } else {
      return cx.reply.Error("ERR Unknown argument " + std::string(cx.args[i]));
    }
  }
  const auto& libs = ScriptEngine(cx.server).libraries();
  std::vector<const scripting::Library*> out;
  for (const auto& [name, lib] : libs) {
    if (!has_pattern || util::GlobMatch(pattern, name)) out.push_back(&lib);
  }
  cx.reply.Array(static_cast<int64_t>(out.size()));
  for (const scripting::Library* lib : out) ReplyLibrary(cx, *lib, with_code);
}

void FunctionStats(CommandContext& cx) {
  scripting::LuaEngine& engine = ScriptEngine(cx.server);
  const scripting::RunState* run = engine.running();
  // As Redis 7.0: a busy EVAL script is not a function; the caller gets its BUSY error.
  if (run != nullptr && cx.server.script_is_eval) return cx.reply.Error(errors::kBusyScript);
  cx.reply.Map(2);
  cx.reply.Bulk("running_script");
  if (run != nullptr) {
    cx.reply.Map(3);
    cx.reply.Bulk("name");
    cx.reply.Bulk(run->name);
    cx.reply.Bulk("command");
    cx.reply.Array(static_cast<int64_t>(run->command.size()));
    for (std::string_view a : run->command) cx.reply.Bulk(a);
    cx.reply.Bulk("duration_ms");
    cx.reply.Integer(scripting::LuaEngine::RunDurationMs(*run));
  } else {
    cx.reply.Null();
  }
  cx.reply.Bulk("engines");
  cx.reply.Map(1);
  cx.reply.Bulk("LUA");
  cx.reply.Map(2);
  cx.reply.Bulk("libraries_count");
  cx.reply.Integer(static_cast<int64_t>(engine.libraries().size()));
  cx.reply.Bulk("functions_count");
  cx.reply.Integer(static_cast<int64_t>(engine.function_count()));
}

constexpr const char* kFunctionHelp[] = {
    "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "LOAD [REPLACE] <FUNCTION CODE>",
    "    Create a new library with the given library name and code.",
    "DELETE <LIBRARY NAME>",
    "    Delete the given library.",
    "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
    "    Return general information on all the libraries:",
    "    * Library name",
    "    * The engine used to run the Library",
    "    * Library description",
    "    * Functions list",
    "    * Library code (if WITHCODE is given)",
    "    It also possible to get only function that matches a pattern using LIBRARYNAME "
    "argument.",
    "STATS",
    "    Return information about the current function running:",
    "    * Function name",
    "    * Command used to run the function",
    "    * Duration in MS that the function is running",
    "    If no function is running, return nil",
    "    In addition, returns a list of available engines.",
    "KILL",
    "    Kill the current running function.",
    "FLUSH [ASYNC|SYNC]",
    "    Delete all the libraries.",
    "    When called without the optional mode argument, the behavior is determined by the",
    "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
    "    * ASYNC: Asynchronously flush the libraries.",
    "    * SYNC: Synchronously flush the libraries.",
    "DUMP",
    "    Return a serialized payload representing the current libraries, can be restored "
    "using FUNCTION RESTORE command",
    "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
    "    Restore the libraries represented by the given payload, it is possible to give a "
    "restore policy to",
    "    control how to handle existing libraries (default APPEND):",
    "    * FLUSH: delete all existing libraries.",
    "    * APPEND: appends the restored libraries to the existing libraries. On collision, "
    "abort.",
    "    * REPLACE: appends the restored libraries to the existing libraries, On collision, "
    "replace the old",
    "      libraries with the new libraries (notice that even on this option there is a "
    "chance of failure",
    "      in case of functions name collision with another library).",
    "HELP",
    "    Prints this help."};

void FunctionHelp(CommandContext& cx) {
  cx.reply.Array(std::size(kFunctionHelp));
  for (const char* line : kFunctionHelp) cx.reply.SimpleString(line);
}

constexpr const char* kScriptHelp[] = {
    "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "EXISTS <sha1> [<sha1> ...]",
    "    Return information about the existence of the scripts in the script cache.",
    "FLUSH [ASYNC|SYNC]",
    "    Flush the Lua scripts cache. Very dangerous on replicas.",
    "    When called without the optional mode argument, the behavior is determined by the",
    "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
    "    * ASYNC: Asynchronously flush the scripts cache.",
    "    * SYNC: Synchronously flush the scripts cache.",
    "KILL",
    "    Kill the currently executing Lua script.",
    "LOAD <script>",
    "    Load a script into the scripts cache without executing it.",
    "HELP",
    "    Prints this help."};

void ScriptHelp(CommandContext& cx) {
  cx.reply.Array(std::size(kScriptHelp));
  for (const char* line : kScriptHelp) cx.reply.SimpleString(line);
}

// CLIENT PAUSE's view of EVAL/EVALSHA/FCALL: the flags the script declares replace the
// command's own (Redis's evalGetCommandFlags / scriptFlagsToCmdFlags); a script without a
// shebang keeps the table flags.
uint64_t ScriptCommandFlags(const ServerState& server, const CommandSpec& cmd,
                            std::span<const std::string_view> args, uint64_t flags) {
  if (!(cmd.internal_flags & internal::kPropagatesEffects) || args.size() < 2) return flags;
  const auto* engine = static_cast<const scripting::LuaEngine*>(server.scripting.get());
  uint32_t sflags = 0;
  if (cmd.handler == Fcall || cmd.handler == FcallRo) {
    const scripting::Function* fn = engine ? engine->FindFunction(args[1]) : nullptr;
    if (fn == nullptr) return flags;
    sflags = fn->flags;
  } else if (cmd.handler == EvalSha || cmd.handler == EvalShaRo) {
    const scripting::Script* sc = engine ? engine->Find(args[1]) : nullptr;
    if (sc == nullptr) return flags;
    sflags = sc->flags;
  } else {
    std::string err;
    if (!scripting::LuaEngine::ParseShebang(args[1], &sflags, &err)) return flags;
  }
  if (sflags & sf::kEvalCompat) return flags;
  flags &= ~(flag::kStale | flag::kDenyOom | flag::kWrite | flag::kMayReplicate);
  if (!(sflags & (sf::kAllowOom | sf::kNoWrites))) flags |= flag::kDenyOom;
  if (!(sflags & sf::kNoWrites)) flags |= flag::kWrite;
  if (sflags & sf::kAllowStale) flags |= flag::kStale;
  return flags;
}

CommandSpec EvalRow(const char* name, Handler h, bool ro, const char* summary, const char* since) {
  uint32_t key_flags =
      ro ? keyflag::kRO | keyflag::kAccess : keyflag::kRW | keyflag::kAccess | keyflag::kUpdate;
  return {.name = name,
          .arity = -3,
          .flags = (ro ? flag::kReadonly : 0) | flag::kNoscript | flag::kStale |
                   flag::kSkipMonitor | flag::kNoMandatoryKeys,
          .categories = cat::kScripting,
          .keys = {{.flags = key_flags, .index = 2, .keynum_index = 0, .first_key = 1}},
          .handler = h,
          .group = "scripting",
          .summary = summary,
          .since = since,
          .internal_flags = internal::kPropagatesEffects};
}

CommandSpec ScriptSub(const char* name, int arity, uint64_t flags, Handler h, const char* summary,
                      const char* since = "2.6.0") {
  return {.name = name,
          .arity = arity,
          .flags = flags,
          .categories = cat::kScripting,
          .handler = h,
          .group = "scripting",
          .summary = summary,
          .since = since};
}

}  // namespace

void RegisterScriptingFamily(CommandTable& t) {
  SetScriptFlagsHook(ScriptCommandFlags);
  using namespace flag;  // NOLINT(build/namespaces): the rows read better with short names
  t.Register({
      EvalRow("eval", Eval, false, "Execute a Lua script server side", "2.6.0"),
      EvalRow("evalsha", EvalSha, false, "Execute a Lua script server side", "2.6.0"),
      EvalRow("eval_ro", EvalRo, true, "Execute a read-only Lua script server side", "7.0.0"),
      EvalRow("evalsha_ro", EvalShaRo, true, "Execute a read-only Lua script server side", "7.0.0"),
      EvalRow("fcall", Fcall, false, "Invoke a function", "7.0.0"),
      EvalRow("fcall_ro", FcallRo, true, "Invoke a read-only function", "7.0.0"),
      {.name = "function",
       .arity = -2,
       .subcommands =
           {
               ScriptSub("kill", 2, kNoscript | kAllowBusy, FunctionKill,
                         "Kill the function currently in execution.", "7.0.0"),
               ScriptSub("delete", 3, kWrite | kNoscript, FunctionDelete,
                         "Delete a function by name", "7.0.0"),
               ScriptSub("help", 2, kLoading | kStale, FunctionHelp, "Show helpful text", "7.0.0"),
               ScriptSub("dump", 2, kNoscript, FunctionDump,
                         "Dump all functions into a serialized binary payload", "7.0.0"),
               ScriptSub("restore", -3, kWrite | kDenyOom | kNoscript, FunctionRestore,
                         "Restore all the functions on the given payload", "7.0.0"),
               ScriptSub("flush", -2, kWrite | kNoscript, FunctionFlush, "Deleting all functions",
                         "7.0.0"),
               ScriptSub("list", -2, kNoscript, FunctionList,
                         "List information about all the functions", "7.0.0"),
               ScriptSub("load", -3, kWrite | kDenyOom | kNoscript, FunctionLoad,
                         "Create a function with the given arguments (name, code, description)",
                         "7.0.0"),
               ScriptSub("stats", 2, kNoscript | kAllowBusy, FunctionStats,
                         "Return information about the function currently running (name, "
                         "description, duration)",
                         "7.0.0"),
           },
       .group = "scripting",
       .summary = "A container for function commands",
       .since = "7.0.0"},
      {.name = "script",
       .arity = -2,
       .subcommands =
           {
               ScriptSub("exists", -3, kNoscript, ScriptExists,
                         "Check existence of scripts in the script cache."),
               ScriptSub("help", 2, kLoading | kStale, ScriptHelp, "Show helpful text"),
               ScriptSub("flush", -2, kNoscript, ScriptFlush,
                         "Remove all the scripts from the script cache."),
               ScriptSub("kill", 2, kNoscript | kAllowBusy, ScriptKill,
                         "Kill the script currently in execution."),
               ScriptSub("load", 3, kNoscript | kStale, ScriptLoad,
                         "Load the specified Lua script into the script cache."),
           },
       .group = "scripting",
       .summary = "A container for Lua scripts management commands",
       .since = "2.6.0"},
  });
}

}  // namespace redoubt::commands
