"""EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT with Redis 7.0's replies and errors: value
conversions both ways (RESP2 and RESP3), the redis.* API, shebang flags, ACL and renamed
commands inside scripts, effects in the AOF, SCRIPT KILL / BUSY, and redis-py's Lock."""

import glob
import multiprocessing
import os
import threading
import time

import pytest
import redis

from conftest import Err, assert_error, wait_until


RET_ONE_SHA = "e0e1f9fabfc9d4800c877a703b823ac0578ff8db"  # sha1("return 1")


def script_error(reply, head):
    """A script error: `head`, then ' script: <sha>, on @user_script:<line>.'"""
    assert isinstance(reply, Err), f"expected an error, got {reply!r}"
    assert str(reply).startswith(head + " script: "), reply
    assert ", on @user_script:" in str(reply), reply


def test_eval_converts_lua_values_to_resp2(raw):
    assert raw.cmd("EVAL", "return 1.5", "0") == 1
    assert raw.cmd("EVAL", "return 'abc'", "0") == b"abc"
    assert raw.cmd("EVAL", "return {1,2,nil,4}", "0") == [1, 2]
    assert raw.cmd("EVAL", "return true", "0") == 1
    assert raw.cmd("EVAL", "return false", "0") is None
    assert raw.cmd("EVAL", "return nil", "0") is None
    assert raw.cmd("EVAL", "return {1,{2,{'x'}}}", "0") == [1, [2, [b"x"]]]
    assert raw.cmd("EVAL", "return {ok='fine'}", "0") == "fine"
    assert_error(raw.cmd("EVAL", "return {err='My Error'}", "0"), "My Error")
    assert_error(raw.cmd("EVAL", "return redis.error_reply('x')", "0"), "ERR x")
    assert_error(raw.cmd("EVAL", "return redis.error_reply('-CODE y')", "0"), "CODE y")
    assert raw.cmd("EVAL", "return redis.status_reply('PONG')", "0") == "PONG"


def test_eval_keys_and_argv(raw):
    assert raw.cmd("EVAL", "return {KEYS[1], KEYS[2], ARGV[1], #ARGV}", "2", "a", "b", "c",
                   "d") == [b"a", b"b", b"c", 2]


def test_numkeys_errors(raw):
    assert_error(raw.cmd("EVAL", "return 1", "-1"), "ERR Number of keys can't be negative")
    assert_error(raw.cmd("EVAL", "return 1", "3", "a"),
                 "ERR Number of keys can't be greater than number of args")
    assert_error(raw.cmd("EVAL", "return 1", "x"), "ERR value is not an integer or out of range")
    assert_error(raw.cmd("EVAL", "return 1"), "ERR wrong number of arguments for 'eval' command")


def test_script_load_exists_evalsha_flush(raw):
    assert raw.cmd("SCRIPT", "LOAD", "return 1") == RET_ONE_SHA.encode()
    assert raw.cmd("SCRIPT", "EXISTS", RET_ONE_SHA, "0" * 40) == [1, 0]
    assert raw.cmd("EVALSHA", RET_ONE_SHA, "0") == 1
    assert raw.cmd("EVALSHA", RET_ONE_SHA.upper(), "0") == 1
    assert raw.cmd("EVALSHA_RO", RET_ONE_SHA, "0") == 1
    assert raw.cmd("SCRIPT", "FLUSH", "ASYNC") == "OK"
    assert raw.cmd("SCRIPT", "EXISTS", RET_ONE_SHA) == [0]
    assert_error(raw.cmd("EVALSHA", RET_ONE_SHA, "0"),
                 "NOSCRIPT No matching script. Please use EVAL.")
    assert raw.cmd("SCRIPT", "FLUSH", "SYNC") == "OK"
    assert_error(raw.cmd("SCRIPT", "FLUSH", "foo"),
                 "ERR SCRIPT FLUSH only support SYNC|ASYNC option")
    assert_error(raw.cmd("SCRIPT", "KILL"), "NOTBUSY No scripts in execution right now.")
    assert_error(raw.cmd("SCRIPT", "LOAD"),
                 "ERR wrong number of arguments for 'script|load' command")
    assert len(raw.cmd("SCRIPT", "HELP")) > 5


def test_compile_and_runtime_errors(raw):
    assert_error(raw.cmd("EVAL", "syntax error here", "0"),
                 "ERR Error compiling script (new function): user_script:1: '=' expected near "
                 "'error'")
    script_error(raw.cmd("EVAL", "\n\nerror('boom')", "0"), "ERR user_script:3: boom")
    reply = raw.cmd("EVAL", "\n\nerror('boom')", "0")
    assert str(reply).endswith("on @user_script:3.")
    script_error(raw.cmd("EVAL", "error({err='My Error'})", "0"), "My Error")


def test_redis_call_refusals_use_redis_texts(raw):
    script_error(raw.cmd("EVAL", "return redis.call('nosuch')", "0"),
                 "ERR Unknown Redis command called from script")
    script_error(raw.cmd("EVAL", "return redis.call('get')", "0"),
                 "ERR Wrong number of args calling Redis command from script")
    script_error(raw.cmd("EVAL", "return redis.call('multi')", "0"),
                 "ERR This Redis command is not allowed from script")
    script_error(raw.cmd("EVAL", "return redis.call('eval', 'return 1', '0')", "0"),
                 "ERR This Redis command is not allowed from script")
    script_error(raw.cmd("EVAL", "return redis.call()", "0"),
                 "ERR Please specify at least one argument for this redis lib call")
    script_error(raw.cmd("EVAL", "return redis.call({})", "0"),
                 "ERR Lua redis lib command arguments must be strings or integers")
    raw.cmd("SET", "s", "text")
    script_error(raw.cmd("EVAL", "return redis.call('incr', 's')", "0"),
                 "ERR value is not an integer or out of range")


def test_pcall_returns_the_error_instead_of_raising(raw):
    raw.cmd("SET", "s", "text")
    assert_error(raw.cmd("EVAL", "return redis.pcall('incr', 's')", "0"),
                 "ERR value is not an integer or out of range")
    assert raw.cmd("EVAL", "local t = redis.pcall('nosuch') return t['err']", "0") == \
        b"ERR Unknown Redis command called from script"
    assert raw.cmd("EVAL", "local ok, e = pcall(function() redis.call('nosuch') end) "
                   "return e", "0") == b"ERR Unknown Redis command called from script"


def test_redis_call_replies_to_lua_resp2(raw):
    raw.cmd("RPUSH", "l", "a", "b")
    assert raw.cmd("EVAL", "return redis.call('lrange', 'l', 0, -1)", "0") == [b"a", b"b"]
    assert raw.cmd("EVAL", "return type(redis.call('get', 'nokey'))", "0") == b"boolean"
    assert raw.cmd("EVAL", "return redis.call('ping')", "0") == "PONG"
    assert raw.cmd("EVAL", "return redis.call('set', 'n', 1.5)", "0") == "OK"
    assert raw.cmd("GET", "n") == b"1.5"
    assert raw.cmd("EVAL", "return redis.call('incrby', 'i', 5)", "0") == 5


def test_resp3_conversions_both_ways(server):
    c = server.raw()
    c.cmd("HELLO", "3")
    c.cmd("HSET", "h", "f", "v")
    c.cmd("SADD", "st", "m")
    assert c.cmd("EVAL", "return {double=3.5}", "0") == 3.5
    assert c.cmd("EVAL", "return {map={a=1}}", "0") == {b"a": 1}
    assert c.cmd("EVAL", "return {set={a=true}}", "0") == [b"a"]
    assert c.cmd("EVAL", "return {big_number='123'}", "0") == 123
    assert c.cmd("EVAL", "return {verbatim_string={format='txt',string='hi'}}", "0") == "hi"
    assert c.cmd("EVAL", "return false", "0") is None
    assert c.cmd("EVAL", "redis.setresp(3) return false", "0") is False
    assert c.cmd("EVAL", "redis.setresp(3) return true", "0") is True
    # redis.call replies in RESP3: a map is {map={...}}, a set {set={...}}, a double {double=}.
    assert c.cmd("EVAL", "redis.setresp(3) return redis.call('hgetall', 'h')", "0") == \
        {b"f": b"v"}
    assert c.cmd("EVAL", "redis.setresp(3) return redis.call('hgetall', 'h')['map']['f']",
                 "0") == b"v"
    assert c.cmd("EVAL", "redis.setresp(3) return redis.call('smembers', 'st')['set']['m']",
                 "0") is True
    c.cmd("ZADD", "z", "1.5", "m")
    assert c.cmd("EVAL", "redis.setresp(3) return redis.call('zscore', 'z', 'm')['double']",
                 "0") == 1
    assert c.cmd("EVAL", "redis.setresp(3) return redis.call('get', 'nokey') == nil",
                 "0") is True
    # RESP2 conversion of a RESP3 map reply: a flat array.
    r2 = server.raw()
    assert r2.cmd("EVAL", "return {map={a=1}}", "0") == [b"a", 1]
    assert r2.cmd("EVAL", "return {double=3.5}", "0") == b"3.5"


def test_redis_api_helpers(raw):
    assert raw.cmd("EVAL", "return redis.sha1hex('')", "0") == \
        b"da39a3ee5e6b4b0d3255bfef95601890afd80709"
    script_error(raw.cmd("EVAL", "return redis.sha1hex()", "0"), "ERR wrong number of arguments")
    assert raw.cmd("EVAL", "return redis.REDIS_VERSION .. ' ' .. redis.REDIS_VERSION_NUM",
                   "0") == b"7.0.15 458767"
    assert raw.cmd("EVAL", "return {redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, "
                   "redis.LOG_WARNING, redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, "
                   "redis.REPL_REPLICA, redis.REPL_ALL}", "0") == [0, 1, 2, 3, 0, 1, 2, 2, 3]
    assert raw.cmd("EVAL", "return redis.replicate_commands()", "0") == 1
    script_error(raw.cmd("EVAL", "redis.setresp(4)", "0"), "ERR RESP version must be 2 or 3.")
    script_error(raw.cmd("EVAL", "redis.set_repl(99)", "0"),
                 "ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or "
                 "REPL_NONE.")
    script_error(raw.cmd("EVAL", "redis.log(99, 'x')", "0"), "ERR Invalid debug level.")
    script_error(raw.cmd("EVAL", "redis.log(redis.LOG_WARNING)", "0"),
                 "ERR redis.log() requires two arguments or more.")


def test_redis_log_writes_to_the_server_log(server, r):
    r.eval("redis.log(redis.LOG_WARNING, 'hello', 'from', 7)", 0)
    assert server.wait_for_log("hello from 7")


def test_shebang_flags(raw):
    assert raw.cmd("EVAL", "#!lua\nreturn 1", "0") == 1
    assert raw.cmd("EVAL", "#!lua flags=no-writes,allow-oom\nreturn 1", "0") == 1
    assert_error(raw.cmd("EVAL", "#!lua flags=bad\nreturn 1", "0"),
                 "ERR Unexpected flag in script shebang: bad")
    assert_error(raw.cmd("EVAL", "#!lua", "0"), "ERR Invalid script shebang")
    assert_error(raw.cmd("EVAL", "#!luax\nreturn 1", "0"),
                 "ERR Unexpected engine in script shebang: #!luax")
    assert_error(raw.cmd("EVAL", "#!lua foo=bar\nreturn 1", "0"),
                 "ERR Unknown lua shebang option: foo=bar")
    reply = raw.cmd("EVAL", "#!lua flags=no-writes\nreturn redis.call('set','a','b')", "0")
    script_error(reply, "ERR Write commands are not allowed from read-only scripts.")
    assert str(reply).endswith("on @user_script:2.")
    assert_error(raw.cmd("EVAL_RO", "#!lua\nreturn 1", "0"),
                 "ERR Can not execute a script with write flag using *_ro command.")


def test_eval_ro_refuses_writes_and_allows_reads(raw):
    raw.cmd("SET", "k", "v")
    assert raw.cmd("EVAL_RO", "return redis.call('get', KEYS[1])", "1", "k") == b"v"
    script_error(raw.cmd("EVAL_RO", "return redis.call('set', KEYS[1], 'x')", "1", "k"),
                 "ERR Write commands are not allowed from read-only scripts.")
    assert raw.cmd("GET", "k") == b"v"


def test_select_inside_a_script_does_not_change_the_caller_db(raw):
    raw.cmd("SET", "k", "db0")
    assert raw.cmd("EVAL", "redis.call('select', 1) redis.call('set', 'k', 'db1') "
                   "return redis.call('get', 'k')", "0") == b"db1"
    assert raw.cmd("GET", "k") == b"db0"


def test_command_getkeys_and_info_for_eval(raw):
    assert raw.cmd("COMMAND", "GETKEYS", "EVAL", "return 1", "2", "a", "b", "c") == [b"a", b"b"]
    assert raw.cmd("COMMAND", "GETKEYS", "EVALSHA_RO", RET_ONE_SHA, "1", "k") == [b"k"]
    info = raw.cmd("COMMAND", "INFO", "eval")[0]
    assert info[1] == -3 and "@scripting" in [str(x) for x in info[6]]


def test_acl_applies_inside_scripts(server):
    admin = server.raw()
    assert admin.cmd("ACL", "SETUSER", "scripter", "on", ">pw", "+eval", "+evalsha", "+get",
                     "+set", "~app:*") == "OK"
    c = server.raw()
    assert c.cmd("AUTH", "scripter", "pw") == "OK"
    # CONFIG is refused inside every script (noscript); INFO and FLUSHALL by this user's ACL.
    script_error(c.cmd("EVAL", "return redis.call('config', 'get', 'maxmemory')", "0"),
                 "ERR This Redis command is not allowed from script")
    script_error(c.cmd("EVAL", "return redis.call('info')", "0"),
                 "ERR The user executing the script can't run this command or subcommand")
    script_error(c.cmd("EVAL", "return redis.call('flushall')", "0"),
                 "ERR The user executing the script can't run this command or subcommand")
    script_error(c.cmd("EVAL", "return redis.call('set', 'other', 'x')", "0"),
                 "ERR The user executing the script can't access at least one of the keys "
                 "mentioned in the command arguments")
    assert c.cmd("EVAL", "return redis.call('set', 'app:1', 'x')", "0") == "OK"
    assert c.cmd("EVAL", "return redis.acl_check_cmd('set', 'app:1', 'x')", "0") == 1
    assert c.cmd("EVAL", "return redis.acl_check_cmd('config', 'get', 'x')", "0") is None
    assert admin.cmd("GET", "other") is None


@pytest.mark.redoubt_only
def test_renamed_and_disabled_commands_stay_unavailable(server_factory):
    srv = server_factory(config={"rename-command": ["FLUSHALL \"\"", "DEL remove"]})
    c = srv.raw()
    c.cmd("SET", "k", "v")
    script_error(c.cmd("EVAL", "return redis.call('flushall')", "0"),
                 "ERR Unknown Redis command called from script")
    script_error(c.cmd("EVAL", "return redis.call('del', 'k')", "0"),
                 "ERR Unknown Redis command called from script")
    assert c.cmd("EVAL", "return redis.call('remove', 'k')", "0") == 1


def aof_bytes(srv):
    data = b""
    for path in sorted(glob.glob(os.path.join(srv.tmpdir, "**", "*.aof*"), recursive=True)):
        with open(path, "rb") as f:
            data += f.read()
    return data


def test_effects_reach_the_aof_as_the_commands_performed(server_factory):
    srv = server_factory(appendonly="yes", appendfsync="always")
    c = srv.raw()
    assert c.cmd("EVAL", "redis.call('set', KEYS[1], 'v') redis.call('incr', 'counter') "
                 "return redis.call('get', KEYS[1])", "1", "k") == b"v"
    assert c.cmd("EVAL", "return redis.call('get', 'k')", "0") == b"v"
    assert c.cmd("EVAL", "redis.set_repl(redis.REPL_NONE) redis.call('set', 'hidden', 1) "
                 "return 1", "0") == 1
    data = aof_bytes(srv).lower()
    assert b"eval" not in data
    assert b"$3\r\nset\r\n$1\r\nk\r\n$1\r\nv\r\n" in data
    assert b"$4\r\nincr\r\n$7\r\ncounter\r\n" in data
    assert b"multi" in data and b"exec" in data
    assert b"hidden" not in data
    srv.stop()
    srv2 = server_factory(appendonly="yes", dir=srv.tmpdir)
    c2 = srv2.raw()
    assert wait_until(lambda: not isinstance(c2.cmd("GET", "k"), Err), timeout=10)
    assert c2.cmd("GET", "k") == b"v"
    assert c2.cmd("GET", "counter") == b"1"


def run_in_thread(fn):
    result = {}

    def target():
        try:
            result["value"] = fn()
        except Exception as e:  # noqa: BLE001 - handed to the test thread
            result["value"] = e

    t = threading.Thread(target=target, daemon=True)
    t.start()
    return t, result


def test_busy_script_is_killed_and_others_get_busy(server_factory):
    srv = server_factory(busy_reply_threshold="100")
    runner = srv.raw(timeout=30)
    t, result = run_in_thread(lambda: runner.cmd("EVAL", "while true do end", "0"))
    other = srv.raw(timeout=10)
    assert wait_until(lambda: isinstance(other.cmd("PING"), Err), timeout=10)
    assert_error(other.cmd("GET", "x"), "BUSY Redis is busy running a script. You can only call "
                 "SCRIPT KILL or SHUTDOWN NOSAVE.")
    assert_error(other.cmd("SHUTDOWN"), "BUSY Redis is busy running a script. You can only "
                 "call SCRIPT KILL or SHUTDOWN NOSAVE.")
    assert other.cmd("SCRIPT", "KILL") == "OK"
    t.join(10)
    script_error(result["value"], "ERR Script killed by user with SCRIPT KILL...")
    assert other.cmd("PING") == "PONG"
    assert runner.cmd("PING") == "PONG"


def test_script_that_wrote_is_unkillable_and_shutdown_nosave_stops_it(server_factory):
    srv = server_factory(busy_reply_threshold="100")
    runner = srv.raw(timeout=30)
    t, result = run_in_thread(
        lambda: runner.cmd("EVAL", "redis.call('set', 'w', 1) while true do end", "0"))
    other = srv.raw(timeout=10)
    assert wait_until(lambda: isinstance(other.cmd("PING"), Err), timeout=10)
    assert_error(other.cmd("SCRIPT", "KILL"), "UNKILLABLE Sorry the script already executed "
                 "write commands against the dataset. You can either wait the script "
                 "termination or kill the server in a hard way using the SHUTDOWN NOSAVE "
                 "command.")
    try:
        other.cmd("SHUTDOWN", "NOSAVE")
    except Exception:  # noqa: BLE001 - the connection closes as the server exits
        pass
    srv.wait_exit(timeout=15)
    assert not srv.alive()
    t.join(10)


def lock_worker(port, n, out):
    client = redis.Redis(port=port)
    for _ in range(n):
        with client.lock("lock:counter", timeout=10, blocking_timeout=30):
            v = int(client.get("counter") or 0)
            time.sleep(0.001)
            client.set("counter", v + 1)
    out.put(n)


def test_redis_py_lock_with_contention_between_processes(server):
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    procs = [ctx.Process(target=lock_worker, args=(server.port, 25, out)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert sum(out.get(timeout=5) for _ in procs) == 100
    r = redis.Redis(port=server.port)
    assert int(r.get("counter")) == 100  # no lost update: the lock excluded the others
    lock = r.lock("lock:x", timeout=5)
    assert lock.acquire(blocking=False)
    assert not r.lock("lock:x", timeout=5).acquire(blocking=False)
    lock.extend(5)
    lock.release()
    assert r.get("lock:x") is None


@pytest.mark.redoubt_only
def test_lua_memory_limit_turns_a_bomb_into_a_script_error(server_factory):
    srv = server_factory(lua_memory_limit="16mb")
    c = srv.raw()
    assert c.cmd("CONFIG", "GET", "lua-memory-limit") == [b"lua-memory-limit", b"16777216"]
    reply = c.cmd("EVAL", "return string.rep('x', 2^30)", "0")
    assert isinstance(reply, Err)
    assert c.cmd("EVAL", "return #string.rep('x', 1000)", "0") == 1000
    assert srv.rss_kb() < 200 * 1024


def test_info_reports_script_cache_and_lua_memory(raw):
    raw.cmd("SCRIPT", "FLUSH")
    raw.cmd("SCRIPT", "LOAD", "return 1")
    raw.cmd("SCRIPT", "LOAD", "return 2")
    info = raw.cmd("INFO", "memory").decode()
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    assert fields["number_of_cached_scripts"] == "2"
    assert int(fields["used_memory_vm_eval"]) > 0
    assert int(fields["used_memory_scripts_eval"]) > 0


def test_eval_inside_multi_and_blocking_commands_refused_in_scripts(raw):
    assert raw.cmd("MULTI") == "OK"
    assert raw.cmd("EVAL", "return redis.call('incr', 'm')", "0") == "QUEUED"
    assert raw.cmd("EVAL", "return redis.call('incr', 'm')", "0") == "QUEUED"
    assert raw.cmd("EXEC") == [1, 2]
    # Blocking commands are refused inside scripts (noscript in Redis 7.0).
    script_error(raw.cmd("EVAL", "return redis.call('blpop', 'empty', 0)", "0"),
                 "ERR This Redis command is not allowed from script")


def test_script_writes_wake_blocked_clients(server):
    waiter = server.raw(timeout=10)
    waiter.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n5\r\n")
    c = server.raw()
    assert wait_until(lambda: b"blocked_clients:1" in c.cmd("INFO", "clients"))
    assert c.cmd("EVAL", "return redis.call('rpush', 'q', 'job')", "0") == 1
    assert waiter.read_reply() == [b"q", b"job"]


@pytest.mark.redoubt_only
def test_enable_scripting_no_refuses_every_way_to_run_lua(server):
    c = server.raw()
    sha = c.cmd("SCRIPT", "LOAD", "return 1").decode()
    assert c.cmd("CONFIG", "SET", "enable-scripting", "no") == "OK"
    msg = "ERR scripting is disabled on this server (enable-scripting no)"
    assert_error(c.cmd("EVAL", "return 1", "0"), msg)
    assert_error(c.cmd("EVALSHA", sha, "0"), msg)
    assert_error(c.cmd("EVAL_RO", "return 1", "0"), msg)
    assert_error(c.cmd("SCRIPT", "LOAD", "return 2"), msg)
    assert_error(c.cmd("FUNCTION", "LOAD", "#!lua name=l\nredis.register_function('f', "
                       "function() return 1 end)"), msg)
    assert_error(c.cmd("FCALL", "f", "0"), msg)
    assert c.cmd("SCRIPT", "FLUSH") == "OK"
    assert c.cmd("CONFIG", "SET", "enable-scripting", "yes") == "OK"
    assert c.cmd("EVAL", "return 1", "0") == 1


@pytest.mark.redoubt_only
def test_script_errors_and_kills_go_to_the_audit_log(server_factory, tmp_path):
    import json
    log = str(tmp_path / "audit.log")
    srv = server_factory(audit_log=log, busy_reply_threshold="100")
    c = srv.raw(timeout=30)
    c.cmd("EVAL", "error('boom')", "0")
    t, result = run_in_thread(lambda: c.cmd("EVAL", "while true do end", "0"))
    other = srv.raw(timeout=10)
    assert wait_until(lambda: isinstance(other.cmd("PING"), Err), timeout=10)
    assert other.cmd("SCRIPT", "KILL") == "OK"
    t.join(10)
    assert wait_until(lambda: "script_killed" in open(log).read())
    events = [json.loads(line) for line in open(log).read().splitlines()]
    err = next(e for e in events if e["event"] == "script_error")
    assert "boom" in json.dumps(err)
    assert any(e["event"] == "script_killed" for e in events)


def test_client_pause_write_holds_scripts_that_may_write(server):
    admin = server.raw()
    c = server.raw(timeout=10)
    assert admin.cmd("CLIENT", "PAUSE", "1500", "WRITE") == "OK"
    start = time.time()
    assert c.cmd("EVAL", "#!lua flags=no-writes\nreturn redis.call('get', 'k')", "0") is None
    assert time.time() - start < 1.0  # a no-writes script passes a WRITE pause
    start = time.time()
    assert c.cmd("EVAL", "#!lua\nreturn redis.call('set', 'k', 'v')", "0") == "OK"
    assert time.time() - start >= 1.0  # one that may write waits for the pause to end
