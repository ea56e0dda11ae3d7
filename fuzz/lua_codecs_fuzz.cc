// Feeds arbitrary bytes to the decoders scripts reach with untrusted data: cmsgpack.unpack
// (all of its entry points), struct.unpack/pack/size with a fuzzed format, and cjson.decode,
// all inside the sandboxed engine. Script errors are expected; a crash or a sanitizer report
// is a finding. The input is split at its first byte: that many bytes of format, the rest data.
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
  bool Call(std::span<const std::string_view>, int, int, std::string* out, std::string*) override {
    *out = "+OK\r\n";
    return true;
  }
  bool AclCheck(std::span<const std::string_view>, bool* allowed, std::string*) override {
    *allowed = true;
    return true;
  }
  void Log(int, std::string_view) override {}
  bool WhileBusy() override { return true; }
};

// Each decoder's result is re-encoded, so the encoders see every shape the decoders build.
constexpr char kScript[] =
    "local fmt, data = ARGV[1], ARGV[2] "
    "local ok, v = pcall(cmsgpack.unpack, data) "
    "if ok then pcall(cmsgpack.pack, v) pcall(cjson.encode, v) end "
    "pcall(cmsgpack.unpack_one, data, #fmt) "
    "pcall(cmsgpack.unpack_limit, data, #fmt % 4, #fmt % 3) "
    "local r = {pcall(struct.unpack, fmt, data)} "
    "if r[1] then pcall(function() return struct.pack(fmt, unpack(r, 2, #r - 1)) end) end "
    "pcall(struct.size, fmt) "
    "pcall(struct.pack, fmt, data, 1, data, -1, 2^40, 0.5) "
    "local ok2, j = pcall(cjson.decode, data) "
    "if ok2 then pcall(cmsgpack.pack, j) end "
    "return 1";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static LuaEngine* engine = new LuaEngine(32 * 1024 * 1024);
  static const redoubt::scripting::Script* script = [] {
    std::string err;
    const redoubt::scripting::Script* s = engine->Load(kScript, &err);
    if (s == nullptr) std::abort();
    return s;
  }();
  if (size == 0) return 0;
  size_t fmt_len = data[0] < size - 1 ? data[0] : size - 1;
  std::string_view fmt(reinterpret_cast<const char*>(data) + 1, fmt_len);
  std::string_view rest(reinterpret_cast<const char*>(data) + 1 + fmt_len, size - 1 - fmt_len);
  std::string_view args[] = {fmt, rest};
  Host host;
  RunState run;
  run.host = &host;
  run.name = script->sha;
  run.busy_threshold_ms = 60000;  // inputs are small; a kill would be a finding
  std::string out;
  redoubt::protocol::ReplyBuilder reply(&out, 2);
  engine->Run(*script, {}, args, run, reply);
  if (out != ":1\r\n") std::abort();  // every failure above is caught by pcall
  return 0;
}
