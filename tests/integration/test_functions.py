"""FUNCTION LOAD/DELETE/FLUSH/LIST/STATS/KILL and FCALL/FCALL_RO with Redis 7.0's replies and
errors; libraries survive a restart through the AOF."""

import os
import threading
import time

import pytest

from conftest import REDIS_REFERENCE, Err, assert_error, wait_until


LIB = "#!lua name=mylib\nredis.register_function('f', function(keys, args) " \
      "return {keys[1], args[1]} end)"
LIB3 = ("#!lua name=lib3\nredis.register_function{function_name='g', callback=function() "
        "return redis.call('set','x','1') end, flags={'no-writes'}, description='desc'}")


def test_load_and_fcall(raw):
    assert raw.cmd("FUNCTION", "FLUSH") == "OK"
    assert raw.cmd("FUNCTION", "LOAD", LIB) == b"mylib"
    assert raw.cmd("FCALL", "f", "1", "k", "a") == [b"k", b"a"]
    assert_error(raw.cmd("FUNCTION", "LOAD", LIB), "ERR Library 'mylib' already exists")
    assert raw.cmd("FUNCTION", "LOAD", "REPLACE", LIB.replace("args[1]", "'new'")) == b"mylib"
    assert raw.cmd("FCALL", "f", "1", "k", "a") == [b"k", b"new"]
    assert_error(raw.cmd("FUNCTION", "LOAD",
                         "#!lua name=lib2\nredis.register_function('f', function() end)"),
                 "ERR Function f already exists")
    assert_error(raw.cmd("FCALL", "nosuch", "0"), "ERR Function not found")
    assert_error(raw.cmd("FCALL", "f", "x"), "ERR Bad number of keys provided")
    assert_error(raw.cmd("FCALL", "f", "5", "a"),
                 "ERR Number of keys can't be greater than number of args")
    assert_error(raw.cmd("FCALL", "f", "-1"), "ERR Number of keys can't be negative")
    assert_error(raw.cmd("FCALL", "nosuch", "x"), "ERR Function not found")


def test_load_errors(raw):
    assert_error(raw.cmd("FUNCTION", "LOAD", "return 1"), "ERR Missing library metadata")
    assert_error(raw.cmd("FUNCTION", "LOAD", "#!lua name=mylib\nreturn 1"),
                 "ERR No functions registered")
    assert_error(raw.cmd("FUNCTION", "LOAD", "#!lua name=my-lib\nreturn 1"),
                 "ERR Library names can only contain letters, numbers, or underscores(_) and "
                 "must be at least one character long")
    assert_error(raw.cmd("FUNCTION", "LOAD", "#!lua name=lib5 foo=bar\nreturn 1"),
                 "ERR Invalid metadata value given: foo=bar")
    assert_error(raw.cmd("FUNCTION", "LOAD", "#!lua name=lib4\nredis.call('ping')"),
                 "ERR Error registering functions: ERR user_function:2: Script attempted to "
                 "access nonexistent global variable 'call'")
    assert_error(raw.cmd("FUNCTION", "LOAD", "#!lua name=lib4\nx=1"),
                 "ERR Error registering functions: ERR user_function:2: Attempt to modify a "
                 "readonly table")
    assert_error(raw.cmd("FUNCTION", "LOAD", "#!lua name=lib4\nredis.register_function('h')"),
                 "ERR Error registering functions: ERR calling redis.register_function with a "
                 "single argument is only applicable to Lua table (representing named "
                 "arguments).")
    assert_error(raw.cmd("FUNCTION", "LOAD", "#!lua name=lib4\nredis.register_function{"
                         "function_name='h', callback=function() end, flags={'bad'}}"),
                 "ERR Error registering functions: ERR unknown flag given")
    assert_error(raw.cmd("FUNCTION", "LOAD", "#!lua name=lib4\nwhile true do end"),
                 "ERR Error registering functions: *")


def test_flags_and_read_only_calls(raw):
    raw.cmd("FUNCTION", "FLUSH")
    raw.cmd("FUNCTION", "LOAD", LIB)
    assert raw.cmd("FUNCTION", "LOAD", LIB3) == b"lib3"
    reply = raw.cmd("FCALL", "g", "0")
    assert str(reply).startswith("ERR Write commands are not allowed from read-only scripts. "
                                 "script: g, on @user_function:2."), reply
    assert_error(raw.cmd("FCALL_RO", "f", "0"),
                 "ERR Can not execute a script with write flag using *_ro command.")


def test_list_delete_stats_flush(raw):
    raw.cmd("FUNCTION", "FLUSH")
    raw.cmd("FUNCTION", "LOAD", LIB)
    raw.cmd("FUNCTION", "LOAD", LIB3)
    listing = raw.cmd("FUNCTION", "LIST")
    assert listing == [
        [b"library_name", b"lib3", b"engine", b"LUA", b"functions",
         [[b"name", b"g", b"description", b"desc", b"flags", ["no-writes"]]]],
        [b"library_name", b"mylib", b"engine", b"LUA", b"functions",
         [[b"name", b"f", b"description", None, b"flags", []]]],
    ]
    with_code = raw.cmd("FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "lib*3")
    assert len(with_code) == 1 and with_code[0][-2:] == [b"library_code", LIB3.encode()]
    assert_error(raw.cmd("FUNCTION", "LIST", "LIBRARYNAME"),
                 "ERR library name argument was not given")
    assert_error(raw.cmd("FUNCTION", "LIST", "foo"), "ERR Unknown argument foo")
    assert raw.cmd("FUNCTION", "STATS") == [b"running_script", None, b"engines",
                                            [b"LUA", [b"libraries_count", 2,
                                                      b"functions_count", 2]]]
    assert_error(raw.cmd("FUNCTION", "DELETE", "nosuch"), "ERR Library not found")
    assert raw.cmd("FUNCTION", "DELETE", "lib3") == "OK"
    assert_error(raw.cmd("FCALL", "g", "0"), "ERR Function not found")
    assert_error(raw.cmd("FUNCTION", "FLUSH", "foo"),
                 "ERR FUNCTION FLUSH only supports SYNC|ASYNC option")
    assert raw.cmd("FUNCTION", "FLUSH", "ASYNC") == "OK"
    assert raw.cmd("FUNCTION", "LIST") == []
    assert_error(raw.cmd("FUNCTION", "KILL"), "NOTBUSY No scripts in execution right now.")
    assert len(raw.cmd("FUNCTION", "HELP")) > 10


def test_functions_survive_restart_through_the_aof(server_factory):
    srv = server_factory(appendonly="yes")
    c = srv.raw()
    assert c.cmd("FUNCTION", "LOAD", LIB) == b"mylib"
    assert c.cmd("FCALL", "f", "1", "k", "a") == [b"k", b"a"]
    srv.stop()
    srv2 = server_factory(appendonly="yes", dir=srv.tmpdir)
    c2 = srv2.raw()
    assert wait_until(lambda: not isinstance(c2.cmd("PING"), Err), timeout=10)
    assert c2.cmd("FCALL", "f", "1", "k", "a") == [b"k", b"a"]


@pytest.mark.parametrize("preamble", ["no", "yes"])
def test_functions_survive_an_aof_rewrite_and_restart(server_factory, preamble):
    # With aof-use-rdb-preamble no the rewritten base holds FUNCTION LOAD commands (Redis
    # 7.0's rewriteFunctions); with the preamble, the RDB functions records.
    srv = server_factory(appendonly="yes", aof_use_rdb_preamble=preamble)
    c = srv.raw()
    assert c.cmd("FUNCTION", "LOAD", LIB) == b"mylib"
    assert c.cmd("FUNCTION", "LOAD", LIB3) == b"lib3"
    assert c.cmd("SET", "k", "v") == "OK"
    assert c.cmd("BGREWRITEAOF") == "Background append only file rewriting started"
    assert wait_until(lambda: b"aof_rewrite_in_progress:0" in c.cmd("INFO", "persistence")
                      and b"aof_last_bgrewrite_status:ok" in c.cmd("INFO", "persistence"),
                      timeout=20)
    aof_dir = os.path.join(srv.tmpdir, "appendonlydir")
    bases = [f for f in os.listdir(aof_dir) if ".base." in f]
    assert len(bases) == 1
    with open(os.path.join(aof_dir, bases[0]), "rb") as f:
        base = f.read()
    if preamble == "no":
        assert base.startswith(b"*3\r\n$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n"), base[:64]
        assert base.count(b"FUNCTION") == 2
    else:
        assert base.startswith(b"REDIS")
    # Only the rewritten base holds the libraries now: the incremental files are new.
    for f in os.listdir(aof_dir):
        if ".incr." in f:
            with open(os.path.join(aof_dir, f), "rb") as inc:
                assert b"FUNCTION" not in inc.read()
    srv.stop()
    srv2 = server_factory(appendonly="yes", aof_use_rdb_preamble=preamble, dir=srv.tmpdir)
    c2 = srv2.raw()
    assert wait_until(lambda: not isinstance(c2.cmd("PING"), Err), timeout=10)
    assert c2.cmd("FCALL", "f", "1", "k", "a") == [b"k", b"a"]
    assert sorted(lib[1] for lib in c2.cmd("FUNCTION", "LIST")) == [b"lib3", b"mylib"]
    assert c2.cmd("GET", "k") == b"v"


def data_dir(tmp_path, name="data"):
    d = tmp_path / name
    d.mkdir(mode=0o700)
    return str(d)


def test_functions_survive_restart_through_the_rdb(server_factory, tmp_path):
    d = data_dir(tmp_path)
    srv = server_factory(dir=d)
    c = srv.raw()
    assert c.cmd("FUNCTION", "LOAD", LIB) == b"mylib"
    assert c.cmd("FUNCTION", "LOAD", LIB3) == b"lib3"
    assert c.cmd("SAVE") == "OK"
    srv.stop()
    srv2 = server_factory(dir=d)
    c2 = srv2.raw()
    assert c2.cmd("FCALL", "f", "1", "k", "a") == [b"k", b"a"]
    assert sorted(lib[1] for lib in c2.cmd("FUNCTION", "LIST")) == [b"lib3", b"mylib"]


@pytest.mark.skipif(not os.path.exists(REDIS_REFERENCE), reason="no /usr/bin/redis-server")
@pytest.mark.redoubt_only
def test_rdb_functions_interop_with_redis_7_0(server_factory, tmp_path):
    # Redis writes, Redoubt reads.
    d = data_dir(tmp_path, "from_redis")
    ref = server_factory(binary=REDIS_REFERENCE, dir=d)
    rc = ref.raw()
    assert rc.cmd("FUNCTION", "LOAD", LIB) == b"mylib"
    rc.cmd("SET", "k", "v")
    assert rc.cmd("SAVE") == "OK"
    ref.stop()
    ours = server_factory(dir=d)
    oc = ours.raw()
    assert oc.cmd("FCALL", "f", "1", "k", "a") == [b"k", b"a"]
    assert oc.cmd("GET", "k") == b"v"
    # Redoubt writes, Redis reads.
    assert oc.cmd("FUNCTION", "LOAD", LIB3) == b"lib3"
    assert oc.cmd("SAVE") == "OK"
    ours.stop()
    ref2 = server_factory(binary=REDIS_REFERENCE, dir=d)
    rc2 = ref2.raw()
    assert sorted(lib[1] for lib in rc2.cmd("FUNCTION", "LIST")) == [b"lib3", b"mylib"]
    assert rc2.cmd("FCALL", "f", "1", "k", "a") == [b"k", b"a"]


def test_dump_and_restore_policies(raw):
    raw.cmd("FUNCTION", "FLUSH")
    raw.cmd("FUNCTION", "LOAD", LIB)
    payload = raw.cmd("FUNCTION", "DUMP")
    assert_error(raw.cmd("FUNCTION", "RESTORE", payload), "ERR Library mylib already exists")
    assert_error(raw.cmd("FUNCTION", "RESTORE", payload, "APPEND"),
                 "ERR Library mylib already exists")
    assert raw.cmd("FUNCTION", "RESTORE", payload, "REPLACE") == "OK"
    assert raw.cmd("FUNCTION", "RESTORE", payload, "FLUSH") == "OK"
    assert_error(raw.cmd("FUNCTION", "RESTORE", payload + b"x"),
                 "ERR DUMP payload version or checksum are wrong")
    assert_error(raw.cmd("FUNCTION", "RESTORE", payload, "bad"),
                 "ERR Wrong restore policy given, value should be either FLUSH, APPEND or "
                 "REPLACE.")
    raw.cmd("FUNCTION", "FLUSH")
    raw.cmd("FUNCTION", "LOAD", "#!lua name=other\nredis.register_function('f', "
            "function() return 2 end)")
    assert_error(raw.cmd("FUNCTION", "RESTORE", payload), "ERR Function f already exists")
    assert raw.cmd("FCALL", "f", "0") == 2  # all or nothing: the old library is intact
    assert raw.cmd("FUNCTION", "RESTORE", payload, "FLUSH") == "OK"
    assert raw.cmd("FCALL", "f", "1", "k", "a") == [b"k", b"a"]


@pytest.mark.skipif(not os.path.exists(REDIS_REFERENCE), reason="no /usr/bin/redis-server")
@pytest.mark.redoubt_only
def test_dump_payloads_interoperate_with_redis_7_0(server_factory):
    ref = server_factory(binary=REDIS_REFERENCE)
    ours = server_factory()
    rc, oc = ref.raw(), ours.raw()
    rc.cmd("FUNCTION", "LOAD", LIB)
    assert oc.cmd("FUNCTION", "RESTORE", rc.cmd("FUNCTION", "DUMP")) == "OK"
    assert oc.cmd("FCALL", "f", "1", "k", "a") == [b"k", b"a"]
    oc.cmd("FUNCTION", "LOAD", LIB3)
    assert rc.cmd("FUNCTION", "RESTORE", oc.cmd("FUNCTION", "DUMP"), "REPLACE") == "OK"
    assert sorted(lib[1] for lib in rc.cmd("FUNCTION", "LIST")) == [b"lib3", b"mylib"]


def test_function_stats_while_a_function_runs(server_factory):
    # FUNCTION STATS from a second connection shows the busy function (name, the caller's
    # command, a growing duration) and the engine counts; a busy EVAL gets BUSY, as in 7.0.
    srv = server_factory(busy_reply_threshold="100")
    c = srv.raw(timeout=10)
    body = ("#!lua name=busy\n"
            "redis.register_function('spin', function() while true do end end)\n"
            "redis.register_function('noop', function() return 1 end)")
    assert c.cmd("FUNCTION", "LOAD", body) == b"busy"
    runner = srv.raw(timeout=30)
    done = {}
    t = threading.Thread(target=lambda: done.update(r=runner.cmd("FCALL", "spin", "0", "a", "b")),
                         daemon=True)
    t.start()
    other = srv.raw(timeout=10)
    assert wait_until(lambda: isinstance(other.cmd("PING"), Err), timeout=10)
    first = other.cmd("FUNCTION", "STATS")
    time.sleep(0.3)
    stats = other.cmd("FUNCTION", "STATS")
    assert stats[0] == b"running_script" and stats[2] == b"engines"
    running = dict(zip(stats[1][::2], stats[1][1::2]))
    assert running[b"name"] == b"spin"
    assert running[b"command"] == [b"FCALL", b"spin", b"0", b"a", b"b"]
    earlier = dict(zip(first[1][::2], first[1][1::2]))[b"duration_ms"]
    assert 100 <= earlier < running[b"duration_ms"] < 60000
    assert stats[3] == [b"LUA", [b"libraries_count", 1, b"functions_count", 2]]
    assert other.cmd("FUNCTION", "KILL") == "OK"
    t.join(10)
    assert "Script killed by user" in str(done["r"])
    assert other.cmd("FUNCTION", "STATS")[1] is None
    # A busy EVAL script is not a running function: FUNCTION STATS answers BUSY.
    t2 = threading.Thread(target=lambda: runner.cmd("EVAL", "while true do end", "0"),
                          daemon=True)
    t2.start()
    assert wait_until(lambda: isinstance(other.cmd("PING"), Err), timeout=10)
    assert_error(other.cmd("FUNCTION", "STATS"), "BUSY Redis is busy running a script. You can "
                 "only call SCRIPT KILL or SHUTDOWN NOSAVE.")
    assert other.cmd("SCRIPT", "KILL") == "OK"
    t2.join(10)
    assert other.cmd("PING") == "PONG"
