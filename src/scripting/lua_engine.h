// The Lua 5.1 embedding: one sandboxed Lua state, the EVAL script cache, the heap cap and the
// instruction hook. It knows nothing of the server: commands reach the engine through a
// ScriptHost (the one adapter), replies leave through a protocol::ReplyBuilder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "protocol/reply_builder.h"

struct lua_State;

namespace redoubt::scripting {

// Script flags from the `#!lua flags=...` shebang, as Redis 7.0's.
namespace script_flag {
inline constexpr uint32_t kNoWrites = 1u << 0;
inline constexpr uint32_t kAllowOom = 1u << 1;
inline constexpr uint32_t kAllowStale = 1u << 2;
inline constexpr uint32_t kNoCluster = 1u << 3;
inline constexpr uint32_t kAllowCrossSlot = 1u << 4;
inline constexpr uint32_t kEvalCompat = 1u << 5;  // no shebang: Redis 6 semantics
}  // namespace script_flag

// redis.set_repl flags.
namespace repl {
inline constexpr int kNone = 0;
inline constexpr int kAof = 1;
inline constexpr int kReplica = 2;
inline constexpr int kAll = 3;
}  // namespace repl

// What the engine asks of the server while a script runs.
class ScriptHost {
 public:
  virtual ~ScriptHost() = default;
  // Runs argv (a redis.call) as the script's caller and appends the RESP reply (protocol
  // `resp`) to *out. Returns false with *err set when the call is refused before it runs;
  // *err is "-CODE message" or a message that gets "ERR " in front.
  virtual bool Call(std::span<const std::string_view> argv, int resp, int repl_flags,
                    std::string* out, std::string* err) = 0;
  // redis.acl_check_cmd: whether the caller may run argv. False with *err when argv names no
  // command.
  virtual bool AclCheck(std::span<const std::string_view> argv, bool* allowed,
                        std::string* err) = 0;
  // redis.log; level 0..3 as redis.LOG_DEBUG..LOG_WARNING.
  virtual void Log(int level, std::string_view message) = 0;
  // Called from the instruction hook once the script has run past the busy threshold: serves
  // other clients (which get -BUSY) and returns true when the script must stop (SCRIPT KILL,
  // SHUTDOWN NOSAVE).
  virtual bool WhileBusy() = 0;
};

// One compiled EVAL script.
struct Script {
  std::string sha;  // 40 lowercase hex characters
  std::string body;
  uint32_t flags = 0;
};

// One function of a FUNCTION library.
struct Function {
  std::string name;
  std::string description;  // empty = none
  uint32_t flags = 0;       // script_flag bits
  std::string library;
};

struct Library {
  std::string name;
  std::string code;
  std::map<std::string, Function> functions;
};

// Hook-side state of the running script.
struct RunState {
  ScriptHost* host = nullptr;
  int resp = 2;
  int repl_flags = repl::kAll;
  int64_t start_ms = 0;
  int64_t busy_threshold_ms = 0;  // 0: never busy
  int64_t kill_after_ms = 0;      // 0: no deadline (FUNCTION LOAD has one)
  bool busy = false;              // ran past the threshold
  bool killed = false;
  // The sha (EVAL) or function name, for error messages; it outlives the run (the cached
  // script or the library cannot go while it runs), so no copy is made per call.
  std::string_view name;
  // The caller's command (FCALL and its arguments), which FUNCTION STATS shows.
  std::span<const std::string_view> command;
  // Scratch space of redis.call: kept here, not on the C stack, because a Lua error unwinds
  // with longjmp past C++ destructors.
  std::vector<std::string_view> argv;
  std::string reply;
  std::string error;
};

class LuaEngine {
 public:
  // memory_limit: cap of the Lua heap in bytes (0 = none).
  explicit LuaEngine(size_t memory_limit);
  ~LuaEngine();
  LuaEngine(const LuaEngine&) = delete;
  LuaEngine& operator=(const LuaEngine&) = delete;

  // Compiles and caches a script (EVAL, SCRIPT LOAD). On error returns nullptr and sets *err
  // to the reply text ("ERR Error compiling script ...").
  const Script* Load(std::string_view body, std::string* err);
  const Script* Find(std::string_view sha) const;
  // Drops every cached script.
  void Flush();
  size_t cached_scripts() const { return scripts_.size(); }
  size_t cached_bytes() const { return cached_bytes_; }
  size_t used_memory() const;
  void set_memory_limit(size_t bytes);

  // Milliseconds since the run started (FUNCTION STATS).
  static int64_t RunDurationMs(const RunState& run);

  // Runs a cached script with KEYS and ARGV; writes its reply (or error) to `reply`.
  // `read_only`: EVAL_RO or a no-writes script. Returns false when the script failed.
  bool Run(const Script& script, std::span<const std::string_view> keys,
           std::span<const std::string_view> args, RunState& run, protocol::ReplyBuilder& reply);

  // FUNCTION libraries. LoadLibrary compiles and runs the library code (which may only
  // register functions); on error returns nullptr with *err set to the reply text.
  const Library* LoadLibrary(std::string_view code, bool replace, std::string* err);
  bool DeleteLibrary(std::string_view name);
  void FlushLibraries();
  const Function* FindFunction(std::string_view name) const;
  const std::map<std::string, Library>& libraries() const { return libraries_; }
  size_t function_count() const { return functions_.size(); }
  // Runs a function with its keys and args (passed as its two arguments).
  bool RunFunction(const Function& fn, std::span<const std::string_view> keys,
                   std::span<const std::string_view> args, RunState& run,
                   protocol::ReplyBuilder& reply);

  // Whether a script is running (re-entry guard) and its state (SCRIPT KILL).
  RunState* running() const { return running_; }

  // Parses "#!lua flags=a,b" at the start of a body. Returns false with *err on a bad shebang.
  // *flags gets kEvalCompat when there is no shebang.
  static bool ParseShebang(std::string_view body, uint32_t* flags, std::string* err);

  struct Heap;  // the allocator's accounting (lua_engine.cc)

 private:
  void Open();
  void OpenFunctions();
  void Close();

  lua_State* L_ = nullptr;
  std::unique_ptr<Heap> heap_;
  // Runs the function on top of the stack (after the error handler at index 1) under the
  // hook and the heap cap; writes its reply or error.
  bool Call(int nargs, RunState& run, protocol::ReplyBuilder& reply);

  // Transparent hashing: EVALSHA looks a sha up without building a std::string.
  struct ShaHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, Script, ShaHash, std::equal_to<>> scripts_;
  std::map<std::string, Library> libraries_;
  std::map<std::string, const Function*, std::less<>> functions_;
  size_t cached_bytes_ = 0;
  RunState* running_ = nullptr;
};

// SHA-1 of data as 40 lowercase hex characters (script names, redis.sha1hex).
std::string Sha1Hex(std::string_view data);

}  // namespace redoubt::scripting
