"""The Lua sandbox, one test per escape class (Redis's Lua CVE history and the classic Lua
sandbox escapes). Each test asserts that the attempt ends in a script error, and that the
server is still alive, answers, and stays within a stated memory bound afterwards."""

import pytest

from conftest import Err


# Redoubt's sandbox is stricter than Redis's by design (see README, Differences from Redis).
pytestmark = pytest.mark.redoubt_only

# Lua heap cap for these tests, and the server RSS the tests accept after a bomb.
LUA_LIMIT = "32mb"
RSS_BOUND_KB = 256 * 1024


@pytest.fixture
def srv(server_factory):
    return server_factory(config={"lua-memory-limit": LUA_LIMIT, "busy-reply-threshold": "200"})


def assert_script_error(reply, contains=""):
    assert isinstance(reply, Err), f"expected a script error, got {reply!r}"
    assert contains in str(reply), reply


def assert_alive_and_bounded(srv):
    c = srv.raw()
    assert c.cmd("PING") == "PONG"
    assert c.cmd("EVAL", "return 1 + 1", "0") == 2
    assert srv.rss_kb() < RSS_BOUND_KB, f"rss {srv.rss_kb()} kB"


@pytest.mark.parametrize("name", ["os", "io", "package", "require", "loadstring", "load",
                                  "dofile", "loadfile", "debug", "setfenv", "getfenv",
                                  "newproxy", "print", "module"])
def test_removed_global(srv, name):
    c = srv.raw()
    assert_script_error(c.cmd("EVAL", f"return {name}", "0"), "nonexistent global variable")
    assert_script_error(c.cmd("EVAL", f"return {name}('x')", "0"))
    assert_alive_and_bounded(srv)


def test_bytecode_loading(srv):
    c = srv.raw()
    assert_script_error(c.cmd("EVAL", "return string.dump(function() end)", "0"))
    assert_alive_and_bounded(srv)


def test_global_creation_and_change(srv):
    c = srv.raw()
    assert_script_error(c.cmd("EVAL", "x = 1", "0"), "Attempt to modify a readonly table")
    assert_script_error(c.cmd("EVAL", "redis = nil", "0"), "Attempt to modify a readonly table")
    assert_script_error(c.cmd("EVAL", "_G.x = 1", "0"))
    assert_script_error(c.cmd("EVAL", "_G['redis'] = {}", "0"))
    assert c.cmd("EVAL", "return type(redis.call)", "0") == b"function"
    assert_alive_and_bounded(srv)


@pytest.mark.parametrize("lib", ["redis", "string", "math", "table", "cjson", "bit",
                                 "struct", "cmsgpack", "coroutine", "_G"])
def test_protected_table_modification(srv, lib):
    c = srv.raw()
    assert_script_error(c.cmd("EVAL", f"{lib}.injected = 1", "0"))
    assert_script_error(c.cmd("EVAL", f"rawset({lib}, 'injected', 1)", "0"))
    assert_script_error(c.cmd("EVAL", f"table.insert({lib}, 1)", "0"))
    assert_script_error(c.cmd("EVAL", f"setmetatable({lib}, {{}})", "0"))
    assert_script_error(c.cmd("EVAL", f"getmetatable({lib}).__index = {{}}", "0"))
    reply = c.cmd("EVAL", f"return {lib}.injected", "0")
    assert reply is None or isinstance(reply, Err)  # nothing was injected
    assert_alive_and_bounded(srv)


def test_string_metatable(srv):
    c = srv.raw()
    assert c.cmd("EVAL", "return getmetatable('')", "0") is None
    assert_script_error(c.cmd("EVAL", "getmetatable('').__index = {upper = function() "
                              "return 'pwned' end}", "0"))
    assert_script_error(c.cmd("EVAL", "setmetatable('', {})", "0"))
    assert_script_error(c.cmd("EVAL", "string.upper = function() return 'pwned' end", "0"))
    assert c.cmd("EVAL", "return ('abc'):upper()", "0") == b"ABC"
    assert_alive_and_bounded(srv)


def test_basic_type_metatables_run_code_as_another_user(srv):
    admin = srv.raw()
    admin.cmd("ACL", "SETUSER", "mallory", "on", ">pw", "+eval", "~*")
    admin.cmd("ACL", "SETUSER", "victim", "on", ">pw", "+@all", "~*")
    m = srv.raw()
    m.cmd("AUTH", "mallory", "pw")
    # Attempts to leave code behind that a later script of another user would run.
    for body in ("getmetatable('').__index = function() redis.call('flushall') end",
                 "getmetatable('').__add = function() redis.call('flushall') end",
                 "local mt = getmetatable('') mt.__index.upper = nil",
                 "debug.setmetatable(nil, {__index = function() redis.call('flushall') end})",
                 "debug.setmetatable(0, {__index = function() redis.call('flushall') end})"):
        assert_script_error(m.cmd("EVAL", body, "0"))
    v = srv.raw()
    v.cmd("AUTH", "victim", "pw")
    v.cmd("SET", "keep", "1")
    assert v.cmd("EVAL", "local x = ('a'):upper() local y = (nil == nil) return x", "0") == b"A"
    assert v.cmd("GET", "keep") == b"1"
    assert_alive_and_bounded(srv)


def test_parser_use_after_free_under_gc_pressure(srv):
    c = srv.raw()
    # Many long distinct string constants and names make the parser allocate while the heap
    # is near its cap and a collection would be due; the chunk name must survive it.
    parts = [f"local v{i} = '{'s' * 200}{i}'" for i in range(150)]
    body = "\n".join(parts) + "\nreturn #v1"
    for i in range(40):
        assert c.cmd("EVAL", body + f" + {i}", "0") == 201 + i
    huge = "return '" + "x" * (40 * 1024 * 1024) + "'"
    assert_script_error(c.cmd("EVAL", huge, "0"))
    assert_alive_and_bounded(srv)


def test_unpack_huge_range(srv):
    c = srv.raw()
    for args in ("{}, -2147483648, 2147483647", "{}, 1, 1e8", "{}, 0, 2^53", "{}, -1e308, 1e308"):
        assert_script_error(c.cmd("EVAL", f"return unpack({args})", "0"), "too many results")
    assert c.cmd("EVAL", "return {unpack({1, 2, 3})}", "0") == [1, 2, 3]
    assert_alive_and_bounded(srv)


def test_bit_tohex_extreme_widths(srv):
    c = srv.raw()
    assert c.cmd("EVAL", "return bit.tohex(65535, -2147483648)", "0") == b"0000FFFF"
    assert c.cmd("EVAL", "return bit.tohex(65535, 2147483647)", "0") == b"0000ffff"
    assert c.cmd("EVAL", "return bit.tohex(65535, -3)", "0") == b"FFF"
    assert c.cmd("EVAL", "return bit.tohex(1, 0/0)", "0") == b"00000001"
    assert_script_error(c.cmd("EVAL", "return bit.tohex(1, 'x')", "0"))
    assert_alive_and_bounded(srv)


def test_struct_pack_unpack_huge_counts(srv):
    # CVE-2020-14147 (size overflow in the format) and the position overflow of the old
    # unpack: every shape is a script error with lstruct's text, nothing is allocated.
    c = srv.raw()
    for script, text in [
            ("return struct.pack('i2147483647', 1)", "integral size 2147483647 is larger"),
            ("return struct.pack('i99999999999', 1)", "integral size overflow"),
            ("return struct.unpack('c99999999999', 'x')", "integral size overflow"),
            ("return struct.unpack('c2147483647', 'x')", "data string too short"),
            ("return struct.pack('c2147483647', 'x')", "string too short"),
            ("return struct.unpack('c3', 'abc', -1)", "data string too short"),
            ("return struct.unpack('c3', 'abc', 2^62)", "data string too short"),
            ("return struct.unpack('!8 x d', 'a', 2)", "data string too short"),
            ("return struct.unpack('>I4 c0', '\\255\\255\\255\\255abc')",
             "data string too short"),
            ("return struct.unpack('b c0', '\\255abc')", "data string too short"),
            ("return struct.unpack(string.rep('b', 100000), string.rep('x', 100000))",
             "too many results"),
            ("return struct.size(string.rep('c2147483647', 1000))", ""),
    ]:
        reply = c.cmd("EVAL", script, "0")
        if text:
            assert_script_error(reply, text)
        else:
            assert reply == 2147483647 * 1000
    assert_alive_and_bounded(srv)


def test_cmsgpack_deep_nesting_and_huge_arrays(srv):
    # CVE-2018-11218/11219 and CVE-2021-32626: deep nesting, huge claimed counts and
    # lengths, and more results than the Lua stack holds are script errors; a table that
    # references itself encodes to a bounded depth.
    c = srv.raw()
    for script, text in [
            ("return cmsgpack.unpack(string.rep('\\145', 100000))", "stack overflow"),
            ("return cmsgpack.unpack(string.rep('\\129\\192', 100000))", "stack overflow"),
            ("return cmsgpack.unpack('\\221\\127\\255\\255\\255')", "Missing bytes"),
            ("return cmsgpack.unpack('\\223\\255\\255\\255\\255\\1')",
             "Missing bytes"),
            ("return cmsgpack.unpack('\\219\\255\\255\\255\\255abc')", "Missing bytes"),
            ("return cmsgpack.unpack(string.rep('\\1', 100000))", "too many return values"),
            ("return cmsgpack.unpack_limit('\\1', 1, 2^40)", "greater than input length"),
            ("return cmsgpack.unpack_limit('\\1', -1)", "Invalid request to unpack"),
            ("return cmsgpack.pack(unpack({}, 1, 7000))", "Too many arguments"),
    ]:
        assert_script_error(c.cmd("EVAL", script, "0"), text)
    looped = c.cmd("EVAL", "local t = {} t[1] = t return cmsgpack.pack(t)", "0")
    assert looped == b"\x91" * 16 + b"\xc0"
    assert_alive_and_bounded(srv)


def test_cmsgpack_pack_bomb(srv):
    # The same 1 MB string referenced 1,000 times would encode to 1 GB: the encoder's buffer
    # counts against the Lua heap cap, so the script fails instead of the server growing.
    c = srv.raw()
    reply = c.cmd("EVAL", "local s = string.rep('x', 1024 * 1024) local t = {} "
                  "for i = 1, 1000 do t[i] = s end return #cmsgpack.pack(t)", "0")
    assert_script_error(reply, "memory")
    assert_alive_and_bounded(srv)


def test_cjson_deep_nesting(srv):
    c = srv.raw()
    assert_script_error(c.cmd("EVAL", "return cjson.decode(ARGV[1])", "0", "[" * 100000))
    assert_script_error(c.cmd("EVAL", "return cjson.decode(ARGV[1])", "0", '{"a":' * 100000))
    assert_script_error(c.cmd("EVAL", "local t = {} local x = t for i = 1, 5000 do x[1] = {} "
                              "x = x[1] end return cjson.encode(t)", "0"))
    assert_script_error(c.cmd("EVAL", "cjson.decode_max_depth(1000000)", "0"))
    assert c.cmd("EVAL", "return cjson.decode('[[1]]')[1][1]", "0") == 1
    assert_alive_and_bounded(srv)


def test_crlf_in_error_and_status_reply(srv):
    c = srv.raw()
    reply = c.cmd("EVAL", "return redis.error_reply('x\\r\\n+OK\\r\\n')", "0")
    assert isinstance(reply, Err) and "\r" not in str(reply) and "\n" not in str(reply)
    assert c.cmd("EVAL", "return redis.status_reply('a\\r\\n:1')", "0") == "a  :1"
    assert c.cmd("EVAL", "return {err='e\\r\\n$1'}", "0") == Err("e  $1")
    assert c.cmd("PING") == "PONG"  # the stream is still in step
    assert_alive_and_bounded(srv)


def test_script_flush_while_script_objects_live(srv):
    c = srv.raw()
    assert_script_error(c.cmd("EVAL", "return redis.call('script', 'flush')", "0"),
                        "not allowed from script")
    sha = c.cmd("SCRIPT", "LOAD", "local t = {} for i = 1, 1000 do t[i] = {i} end return #t")
    for _ in range(5):
        assert c.cmd("EVALSHA", sha, "0") == 1000
        assert c.cmd("SCRIPT", "FLUSH") == "OK"
        assert c.cmd("SCRIPT", "LOAD", "local t = {} for i = 1, 1000 do t[i] = {i} end "
                     "return #t") == sha
    assert_alive_and_bounded(srv)


def test_f_sha_global_overridden_by_another_user(srv):
    admin = srv.raw()
    admin.cmd("ACL", "SETUSER", "alice", "on", ">pw", "+@all", "~*")
    admin.cmd("ACL", "SETUSER", "bob", "on", ">pw", "+eval", "+evalsha", "~*")
    a, b = srv.raw(), srv.raw()
    a.cmd("AUTH", "alice", "pw")
    b.cmd("AUTH", "bob", "pw")
    sha = a.cmd("SCRIPT", "LOAD", "return 'alice'").decode()
    for body in (f"f_{sha} = function() return 'bob' end",
                 f"_G['f_{sha}'] = function() return 'bob' end",
                 f"rawset(_G, 'f_{sha}', function() return 'bob' end)"):
        assert_script_error(b.cmd("EVAL", body, "0"))
    assert a.cmd("EVALSHA", sha, "0") == b"alice"
    assert_alive_and_bounded(srv)


def test_string_rep_bomb(srv):
    c = srv.raw()
    assert_script_error(c.cmd("EVAL", "return string.rep('x', 2^30)", "0"))
    assert_script_error(c.cmd("EVAL", "local s = 'x' for i = 1, 40 do s = s .. s end", "0"))
    assert_alive_and_bounded(srv)


def test_table_concat_bomb(srv):
    c = srv.raw()
    assert_script_error(c.cmd("EVAL", "local t = {} for i = 1, 1e7 do t[i] = 'xxxxxxxxxx' end "
                              "return #table.concat(t)", "0"))
    assert_script_error(c.cmd("EVAL", "local t = {} for i = 1, 1e8 do t[i] = {} end", "0"))
    assert_alive_and_bounded(srv)


def test_deep_recursion(srv):
    c = srv.raw()
    assert_script_error(c.cmd("EVAL", "local function f(n) return f(n + 1) + 1 end "
                              "return f(1)", "0"), "stack overflow")
    assert_script_error(c.cmd("EVAL", "local function f(s) return (string.gsub(s, '.', f)) end "
                              "return f('x')", "0"), "stack overflow")
    # pcall catches the overflow of the level below it: the result is a value, not a crash.
    assert c.cmd("EVAL", "local function f() return pcall(f) end return f()", "0") == 1
    assert_script_error(c.cmd("EVAL", "local t = setmetatable({}, {}) "
                              "getmetatable(t).__index = function(s, k) return s[k] end "
                              "return t.x", "0"))
    assert_alive_and_bounded(srv)


def test_infinite_loop(srv):
    import threading
    runner = srv.raw(timeout=30)
    out = {}
    t = threading.Thread(target=lambda: out.setdefault(
        "r", runner.cmd("EVAL", "while true do pcall(function() while true do end end) end",
                        "0")), daemon=True)
    t.start()
    other = srv.raw(timeout=10)
    import time
    deadline = time.time() + 10
    while not isinstance(other.cmd("PING"), Err) and time.time() < deadline:
        time.sleep(0.05)
    assert other.cmd("SCRIPT", "KILL") == "OK"
    t.join(10)
    assert_script_error(out["r"], "Script killed by user with SCRIPT KILL")
    assert_alive_and_bounded(srv)
