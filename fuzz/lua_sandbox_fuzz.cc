// Runs generated Lua source through the sandboxed engine. Script errors are expected; a
// crash, a sanitizer report or an escape is a finding. After every input a probe script
// checks that the sandbox still holds (libraries intact, no new globals, the string
// metatable unchanged); any difference aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "scripting/lua_engine.h"

namespace {

using redoubt::scripting::LuaEngine;
using redoubt::scripting::RunState;
using redoubt::scripting::ScriptHost;

class Host final : public ScriptHost {
 public:
  bool Call(std::span<const std::string_view> argv, int, int, std::string* out,
            std::string*) override {
    *out = argv.size() > 1 ? "*2\r\n:1\r\n$1\r\nx\r\n" : "+OK\r\n";
    return true;
  }
  bool AclCheck(std::span<const std::string_view>, bool* allowed, std::string*) override {
    *allowed = true;
    return true;
  }
  void Log(int, std::string_view) override {}
  bool WhileBusy() override { return true; }  // kill anything that runs past the threshold
};

constexpr char kProbe[] =
    "local ok = pcall(function() escaped = 1 end) "
    "return {type(redis.call), type(string.rep), ('a'):upper(), tostring(ok), "
    "tostring(getmetatable('')), type(cjson.encode), type(bit.band), type(struct.pack), "
    "type(cmsgpack.unpack), tostring(pcall(function() "
    "return os end))}";

std::string RunOnce(LuaEngine& engine, std::string_view body) {
  std::string err;
  const redoubt::scripting::Script* s = engine.Load(body, &err);
  if (s == nullptr) return err;
  Host host;
  RunState run;
  run.host = &host;
  run.name = s->sha;
  run.busy_threshold_ms = 50;
  std::string out;
  redoubt::protocol::ReplyBuilder reply(&out, 2);
  engine.Run(*s, {}, {}, run, reply);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static LuaEngine* engine = new LuaEngine(32 * 1024 * 1024);
  static const std::string expected = RunOnce(*engine, kProbe);
  RunOnce(*engine, std::string_view(reinterpret_cast<const char*>(data), size));
  if (RunOnce(*engine, kProbe) != expected) std::abort();
  if (engine->cached_scripts() > 10000) engine->Flush();
  return 0;
}
