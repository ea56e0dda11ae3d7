// Scripting commands: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT. The Lua side lives in
// scripting/; calls from scripts reach the server through commands/script_bridge.
#include <string>
#include <vector>

#include "commands/command_table.h"
#include "commands/eviction.h"
#include "commands/script_bridge.h"
#include "protocol/errors.h"
#include "util/numbers.h"
#include "util/string_util.h"

namespace redoubt::commands {

namespace {

namespace sf = scripting::script_flag;

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
  explicit ScriptRunScope(ServerState& s, Client& c) : server(s), caller(c) {
    server.script_running = true;
    server.script_is_eval = true;
    caller.flags |= client_flag::kInScript;
  }
  ~ScriptRunScope() {
    server.script_running = server.script_busy = server.script_wrote = server.script_kill = false;
    caller.flags &= ~client_flag::kInScript;
  }
  ServerState& server;
  Client& caller;
};

void RunScript(CommandContext& cx, const scripting::Script& script, size_t numkeys, bool ro) {
  if (!CheckScriptFlags(cx, script.flags, ro)) return;
  bool compat = script.flags & sf::kEvalCompat;
  bool read_only = ro || (!compat && (script.flags & sf::kNoWrites));
  bool allow_oom = !compat && (script.flags & sf::kAllowOom);
  scripting::LuaEngine& engine = ScriptEngine(cx.server);
  engine.set_memory_limit(static_cast<size_t>(cx.server.cfg->lua_memory_limit));
  EngineBridge host(cx.server, cx.client, read_only, allow_oom);
  scripting::RunState run;
  run.host = &host;
  run.name = script.sha;
  run.busy_threshold_ms = cx.server.cfg->busy_reply_threshold;
  std::span<const std::string_view> keys = cx.args.subspan(3, numkeys);
  std::span<const std::string_view> argv = cx.args.subspan(3 + numkeys);
  ScriptRunScope scope(cx.server, cx.client);
  // The effects go to the AOF as one transaction, unless EXEC already wraps this call.
  WriteFeed* feed = cx.server.write_feed;
  bool wrap = feed != nullptr && !cx.client.in_exec;
  if (wrap) feed->BeginTransaction();
  engine.Run(script, keys, argv, run, cx.reply);
  if (wrap && cx.server.write_feed != nullptr) cx.server.write_feed->EndTransaction();
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
  RunScript(cx, *script, numkeys, ro);
}

void Eval(CommandContext& cx) { EvalGeneric(cx, false, false); }
void EvalSha(CommandContext& cx) { EvalGeneric(cx, true, false); }
void EvalRo(CommandContext& cx) { EvalGeneric(cx, false, true); }
void EvalShaRo(CommandContext& cx) { EvalGeneric(cx, true, true); }

void ScriptLoad(CommandContext& cx) {
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

CommandSpec ScriptSub(const char* name, int arity, uint64_t flags, Handler h, const char* summary) {
  return {.name = name,
          .arity = arity,
          .flags = flags,
          .categories = cat::kScripting,
          .handler = h,
          .group = "scripting",
          .summary = summary,
          .since = "2.6.0"};
}

}  // namespace

void RegisterScriptingFamily(CommandTable& t) {
  using namespace flag;  // NOLINT(build/namespaces): the rows read better with short names
  t.Register({
      EvalRow("eval", Eval, false, "Execute a Lua script server side", "2.6.0"),
      EvalRow("evalsha", EvalSha, false, "Execute a Lua script server side", "2.6.0"),
      EvalRow("eval_ro", EvalRo, true, "Execute a read-only Lua script server side", "7.0.0"),
      EvalRow("evalsha_ro", EvalShaRo, true, "Execute a read-only Lua script server side", "7.0.0"),
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
