#include "scripting/lua_engine.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace redoubt::scripting {
namespace {

// A host that answers every call with a canned RESP reply and records the calls.
class FakeHost : public ScriptHost {
 public:
  bool Call(std::span<const std::string_view> argv, int, int, std::string* out,
            std::string* err) override {
    calls.emplace_back();
    for (auto a : argv) calls.back().emplace_back(a);
    if (!refuse.empty()) {
      *err = refuse;
      return false;
    }
    *out = reply;
    return true;
  }
  bool AclCheck(std::span<const std::string_view>, bool* allowed, std::string*) override {
    *allowed = true;
    return true;
  }
  void Log(int, std::string_view m) override { logs.emplace_back(m); }
  bool WhileBusy() override {
    ++busy_calls;
    return kill;
  }
  std::string reply = "+OK\r\n";
  std::string refuse;
  std::vector<std::vector<std::string>> calls;
  std::vector<std::string> logs;
  int busy_calls = 0;
  bool kill = false;
};

class LuaEngineTest : public ::testing::Test {
 protected:
  std::string Eval(std::string_view body, std::vector<std::string_view> keys = {},
                   std::vector<std::string_view> args = {}, int resp = 2) {
    std::string err;
    const Script* s = engine.Load(body, &err);
    if (s == nullptr) return "-" + err + "\r\n";
    std::string out;
    protocol::ReplyBuilder reply(&out, resp);
    RunState run;
    run.host = &host;
    run.name = s->sha;
    run.busy_threshold_ms = busy_ms;
    engine.Run(*s, keys, args, run, reply);
    return out;
  }
  LuaEngine engine{64 * 1024 * 1024};
  FakeHost host;
  int64_t busy_ms = 0;
};

TEST_F(LuaEngineTest, ConvertsReturnValuesAsRedis) {
  EXPECT_EQ(Eval("return 1.5"), ":1\r\n");
  EXPECT_EQ(Eval("return 'abc'"), "$3\r\nabc\r\n");
  EXPECT_EQ(Eval("return {1,2,nil,4}"), "*2\r\n:1\r\n:2\r\n");
  EXPECT_EQ(Eval("return true"), ":1\r\n");
  EXPECT_EQ(Eval("return false"), "$-1\r\n");
  EXPECT_EQ(Eval("return {err='x'}"), "-x\r\n");
  EXPECT_EQ(Eval("return {ok='fine'}"), "+fine\r\n");
  EXPECT_EQ(Eval("return redis.error_reply('x')"), "-ERR x\r\n");
  EXPECT_EQ(Eval("return redis.error_reply('-X y')"), "-X y\r\n");
  EXPECT_EQ(Eval("return redis.status_reply('a\\r\\nb')"), "+a  b\r\n");
  EXPECT_EQ(Eval("return {double=3.5}", {}, {}, 3), ",3.5\r\n");
  EXPECT_EQ(Eval("return {map={a=1}}", {}, {}, 3), "%1\r\n$1\r\na\r\n:1\r\n");
  EXPECT_EQ(Eval("return {set={a=true}}", {}, {}, 3), "~1\r\n$1\r\na\r\n");
  EXPECT_EQ(Eval("return {big_number='123'}", {}, {}, 3), "(123\r\n");
  EXPECT_EQ(Eval("return {verbatim_string={format='txt',string='hi'}}", {}, {}, 3),
            "=6\r\ntxt:hi\r\n");
  EXPECT_NE(Eval("local t = {} t[1] = t return t").find("-ERR reached lua stack limit"),
            std::string::npos);
}

TEST_F(LuaEngineTest, KeysAndArgv) {
  EXPECT_EQ(Eval("return {KEYS[1], ARGV[1], #KEYS, #ARGV}", {"k"}, {"a", "b"}),
            "*4\r\n$1\r\nk\r\n$1\r\na\r\n:1\r\n:2\r\n");
}

TEST_F(LuaEngineTest, RedisCallConvertsReplies) {
  host.reply = "*3\r\n:1\r\n$-1\r\n$2\r\nhi\r\n";
  EXPECT_EQ(Eval("local r = redis.call('x', 1, 1.5) return {r[1], type(r[2]), r[3]}"),
            "*3\r\n:1\r\n$7\r\nboolean\r\n$2\r\nhi\r\n");
  ASSERT_EQ(host.calls.back().size(), 3u);
  EXPECT_EQ(host.calls.back()[1], "1");
  EXPECT_EQ(host.calls.back()[2], "1.5");
  host.reply = "-ERR boom\r\n";
  std::string r = Eval("return redis.call('x')");
  EXPECT_EQ(r.substr(0, 18), "-ERR boom script: ");
  EXPECT_NE(r.find("on @user_script:1."), std::string::npos);
  EXPECT_EQ(Eval("local t = redis.pcall('x') return t['err']"), "$8\r\nERR boom\r\n");
  EXPECT_EQ(Eval("local ok, e = pcall(redis.call, 'x') return e"), "$8\r\nERR boom\r\n");
  host.refuse = "Unknown Redis command called from script";
  EXPECT_EQ(Eval("return redis.pcall('x')"), "-ERR Unknown Redis command called from script\r\n");
}

TEST_F(LuaEngineTest, ErrorsCarryScriptAndLine) {
  std::string r = Eval("\n\nerror('x')");
  EXPECT_EQ(r.substr(0, 25), "-ERR user_script:3: x scr");
  EXPECT_NE(r.find("on @user_script:3."), std::string::npos);
  EXPECT_EQ(Eval("error({err='My Error'})").substr(0, 18), "-My Error script: ");
  EXPECT_EQ(Eval("syntax error here"),
            "-ERR Error compiling script (new function): user_script:1: '=' expected near "
            "'error'\r\n");
}

TEST_F(LuaEngineTest, Shebang) {
  uint32_t flags = 0;
  std::string err;
  EXPECT_TRUE(LuaEngine::ParseShebang("#!lua flags=no-writes,allow-oom\nreturn 1", &flags, &err));
  EXPECT_EQ(flags, script_flag::kNoWrites | script_flag::kAllowOom);
  EXPECT_FALSE(LuaEngine::ParseShebang("#!lua flags=bad\nreturn 1", &flags, &err));
  EXPECT_EQ(err, "ERR Unexpected flag in script shebang: bad");
  EXPECT_FALSE(LuaEngine::ParseShebang("#!lua", &flags, &err));
  EXPECT_EQ(err, "ERR Invalid script shebang");
  EXPECT_TRUE(LuaEngine::ParseShebang("return 1", &flags, &err));
  EXPECT_EQ(flags, script_flag::kEvalCompat);
  EXPECT_EQ(Eval("#!lua\n\nerror('x')").find("user_script:3"), 5u);
}

TEST_F(LuaEngineTest, SandboxRemovesAndLocks) {
  for (const char* g : {"os", "io", "package", "require", "loadstring", "load", "dofile",
                        "loadfile", "debug", "setfenv", "getfenv", "newproxy", "print"}) {
    std::string r = Eval(std::string("return ") + g);
    EXPECT_NE(r.find("nonexistent global variable"), std::string::npos) << g << " " << r;
  }
  EXPECT_NE(Eval("x = 1").find("Attempt to modify a readonly table"), std::string::npos);
  EXPECT_NE(Eval("redis.call = nil").find("readonly"), std::string::npos);
  EXPECT_EQ(Eval("rawset(redis, 'x', 1)").substr(0, 5), "-ERR ");
  EXPECT_EQ(Eval("table.insert(string, 1)").substr(0, 5), "-ERR ");
  EXPECT_EQ(Eval("return getmetatable('')"), "$-1\r\n");
  EXPECT_EQ(Eval("setmetatable(redis, {})").substr(0, 5), "-ERR ");
  EXPECT_EQ(Eval("_G.x = 1").substr(0, 5), "-ERR ");
  EXPECT_EQ(Eval("return string.upper('a')"), "$1\r\nA\r\n");
  EXPECT_EQ(Eval("return ('a'):upper()"), "$1\r\nA\r\n");
}

TEST_F(LuaEngineTest, HeapCapStopsBombs) {
  engine.set_memory_limit(8 * 1024 * 1024);
  std::string r = Eval("return string.rep('x', 2^30)");
  EXPECT_EQ(r.substr(0, 5), "-ERR ") << r;
  r = Eval("local t = {} for i = 1, 1e8 do t[i] = i end return #t");
  EXPECT_EQ(r.substr(0, 5), "-ERR ") << r;
  EXPECT_LT(engine.used_memory(), 8u * 1024 * 1024);
  EXPECT_EQ(Eval("return 1"), ":1\r\n");
}

TEST_F(LuaEngineTest, LibraryHardening) {
  EXPECT_NE(Eval("return unpack({}, -2147483648, 2147483647)").find("too many results"),
            std::string::npos);
  EXPECT_EQ(Eval("return bit.tohex(65535, -2147483648)"), "$8\r\n0000FFFF\r\n");
  EXPECT_EQ(Eval("return cjson.encode({1,2})"), "$5\r\n[1,2]\r\n");
  EXPECT_EQ(Eval("return cjson.decode_max_depth").substr(0, 3), "$-1");
  std::string deep(2000, '[');
  std::string r = Eval("return cjson.decode(ARGV[1])", {}, {deep});
  EXPECT_EQ(r.substr(0, 5), "-ERR ");
}

TEST_F(LuaEngineTest, BusyHookRunsAndKills) {
  busy_ms = 1;
  host.kill = true;
  std::string r = Eval("while true do pcall(function() while true do end end) end");
  EXPECT_NE(r.find("Script killed by user with SCRIPT KILL"), std::string::npos) << r;
  EXPECT_GE(host.busy_calls, 1);
}

TEST_F(LuaEngineTest, FlushDropsScripts) {
  std::string err;
  const Script* s = engine.Load("return 1", &err);
  ASSERT_NE(s, nullptr);
  std::string sha = s->sha;
  EXPECT_EQ(sha, "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
  EXPECT_NE(engine.Find(sha), nullptr);
  engine.Flush();
  EXPECT_EQ(engine.Find(sha), nullptr);
  EXPECT_EQ(engine.cached_scripts(), 0u);
}

}  // namespace
}  // namespace redoubt::scripting
