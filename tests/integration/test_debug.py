"""DEBUG behind enable-debug-command: the subcommands Redis's own test suite and operators use,
with Redis 7.0's replies and errors. DIGEST is checked against the real redis-server."""

import os
import random
import time

import pytest

from conftest import (IS_REDIS, NOT_INT, REDIS_REFERENCE, BigNumber, Double, Err, Push,
                      RespSet, Status, Verbatim, assert_error, wait_until)

UNKNOWN = "ERR unknown subcommand or wrong number of arguments for '{}'. Try DEBUG HELP."
ZEROS = "0" * 40


@pytest.fixture
def dbg(server_factory):
    return server_factory(enable_debug_command="yes")


@pytest.fixture
def draw(dbg):
    return dbg.raw()


def fill_every_type(conn, order=1):
    """The same dataset of every type (db 0 and db 3); order=-1 writes the keys in reverse
    and the elements of unordered types reversed."""
    db0 = [
        ("SET", "str", "hello"),
        ("SET", "int", "12345"),
        ("SET", "big", "x" * 100),
        ("SET", "ttl", "v", "EX", "1000"),
        ("RPUSH", "list", "a", "b", "1", "c" * 80),
        ("SADD", "intset", "1", "2", "3", "-7"),
        ("SADD", "set", "x", "y", "z", "1"),
        ("ZADD", "zset", "1.5", "m", "2", "n", "-3", "o", "0.1", "p"),
        ("ZADD", "bigzset", *[x for i in range(200) for x in (str(i / 7), f"m{i}")]),
        ("HSET", "hash", "f1", "v1", "f2", "2"),
        ("HSET", "bighash", *[x for i in range(600) for x in (f"f{i}", str(i))]),
    ]
    db3 = [("SET", "in-db-3", "v"), ("SADD", "s3", "a", "b")]
    if order < 0:
        db0 = [reverse_elements(c) for c in reversed(db0)]
        db3 = [reverse_elements(c) for c in reversed(db3)]
        writes = [("SELECT", "3"), *db3, ("SELECT", "0"), *db0]
    else:
        writes = [*db0, ("SELECT", "3"), *db3, ("SELECT", "0")]
    for w in writes:
        reply = conn.cmd(*w)
        assert not isinstance(reply, Err), (w, reply)


def reverse_elements(cmd):
    """The same write with its unordered elements in reverse order."""
    name, key, args = cmd[0], cmd[1], list(cmd[2:])
    if name == "SADD":
        return (name, key, *reversed(args))
    if name in ("HSET", "ZADD"):
        pairs = [args[i:i + 2] for i in range(0, len(args), 2)]
        return (name, key, *[x for p in reversed(pairs) for x in p])
    return cmd


def test_debug_is_refused_by_default(raw):
    assert_error(raw.cmd("DEBUG", "DIGEST"), "ERR DEBUG command not allowed*")


def test_digest_of_an_empty_dataset_is_zeros(draw):
    assert draw.cmd("DEBUG", "DIGEST") == Status(ZEROS)
    assert draw.cmd("DEBUG", "DIGEST-VALUE", "missing") == [ZEROS]
    assert draw.cmd("DEBUG", "DIGEST-VALUE") == []


def test_digest_is_equal_for_equal_datasets_written_in_different_orders(server_factory):
    a = server_factory(enable_debug_command="yes").raw()
    b = server_factory(enable_debug_command="yes").raw()
    fill_every_type(a, 1)
    fill_every_type(b, -1)
    assert a.cmd("DBSIZE") == b.cmd("DBSIZE") == 11
    da = a.cmd("DEBUG", "DIGEST")
    assert da != ZEROS
    assert da == b.cmd("DEBUG", "DIGEST")


def test_digest_changes_after_one_change(draw):
    fill_every_type(draw)
    before = draw.cmd("DEBUG", "DIGEST")
    for change, undo in [
        (("HSET", "bighash", "f7", "8"), ("HSET", "bighash", "f7", "7")),
        (("ZADD", "zset", "1.5000000001", "m"), ("ZADD", "zset", "1.5", "m")),
        (("SREM", "intset", "3"), ("SADD", "intset", "3")),
        (("LSET", "list", "0", "A"), ("LSET", "list", "0", "a")),
        (("PERSIST", "ttl"), ("EXPIRE", "ttl", "1000")),
        (("MOVE", "str", "5"), None),
    ]:
        draw.cmd(*change)
        assert draw.cmd("DEBUG", "DIGEST") != before, change
        if undo:
            draw.cmd(*undo)
            assert draw.cmd("DEBUG", "DIGEST") == before, undo


def test_digest_list_order_matters(draw):
    draw.cmd("RPUSH", "l", "a", "b")
    first = draw.cmd("DEBUG", "DIGEST-VALUE", "l")
    draw.cmd("DEL", "l")
    draw.cmd("RPUSH", "l", "b", "a")
    assert draw.cmd("DEBUG", "DIGEST-VALUE", "l") != first


@pytest.mark.skipif(not os.path.exists(REDIS_REFERENCE), reason="no redis-server to compare")
def test_digest_equals_redis_for_every_type(server_factory):
    ours = server_factory(enable_debug_command="yes").raw()
    ref = server_factory(binary=REDIS_REFERENCE, enable_debug_command="yes").raw()
    for conn in (ours, ref):
        fill_every_type(conn)
    keys = ["str", "int", "big", "ttl", "list", "intset", "set", "zset", "bigzset", "hash",
            "bighash", "missing"]
    assert ours.cmd("DEBUG", "DIGEST-VALUE", *keys) == ref.cmd("DEBUG", "DIGEST-VALUE", *keys)
    assert ours.cmd("DEBUG", "DIGEST") == ref.cmd("DEBUG", "DIGEST")
    # Random scores and binary members too.
    rng = random.Random(7)
    for _ in range(50):
        member = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 12)))
        score = repr(rng.uniform(-1e6, 1e6))
        for conn in (ours, ref):
            conn.cmd("ZADD", "rz", score, member)
            conn.cmd("HSET", "rh", member, score)
            conn.cmd("SADD", "rs", member)
    assert ours.cmd("DEBUG", "DIGEST") == ref.cmd("DEBUG", "DIGEST")


def test_digest_value_replies_one_status_per_key(draw):
    draw.cmd("SET", "a", "1")
    draw.cmd("SET", "b", "1")
    reply = draw.cmd("DEBUG", "DIGEST-VALUE", "a", "b", "nope")
    assert len(reply) == 3 and all(isinstance(x, Status) for x in reply)
    assert reply[0] == reply[1] != ZEROS and reply[2] == ZEROS


def test_digest_counts_logically_expired_keys_like_redis(draw):
    draw.cmd("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    draw.cmd("SET", "k", "v", "PX", "1")
    time.sleep(0.05)
    # Neither DIGEST nor DIGEST-VALUE deletes it (no lookup), as Redis.
    assert draw.cmd("DEBUG", "DIGEST-VALUE", "k") != [ZEROS]
    assert draw.cmd("DEBUG", "DIGEST") != ZEROS


def test_digest_wrong_arity(draw):
    assert_error(draw.cmd("DEBUG", "DIGEST", "x"), UNKNOWN.format("DIGEST"))


def test_reload_logs_like_redis(dbg):
    c = dbg.raw()
    c.cmd("SET", "k", "v")
    assert c.cmd("DEBUG", "RELOAD") == "OK"
    assert dbg.wait_for_log("Done loading RDB, keys loaded: 1, keys expired: 0")
    assert dbg.wait_for_log("DB reloaded by DEBUG RELOAD")


def test_reload_keeps_the_dataset_and_its_options(draw):
    fill_every_type(draw)
    before = draw.cmd("DEBUG", "DIGEST")
    assert draw.cmd("DEBUG", "RELOAD") == "OK"
    assert draw.cmd("DEBUG", "DIGEST") == before
    # NOSAVE: back to what the file holds, later changes dropped.
    draw.cmd("SET", "later", "1")
    assert draw.cmd("DEBUG", "RELOAD", "NOSAVE") == "OK"
    assert draw.cmd("EXISTS", "later") == 0
    assert draw.cmd("DEBUG", "DIGEST") == before
    # NOFLUSH MERGE: the file's values win, keys only in memory stay.
    draw.cmd("SET", "str", "changed")
    draw.cmd("SET", "only-here", "1")
    assert draw.cmd("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE") == "OK"
    assert draw.cmd("GET", "str") == b"hello"
    assert draw.cmd("GET", "only-here") == b"1"
    assert_error(draw.cmd("DEBUG", "RELOAD", "FOO"),
                 "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.")


@pytest.mark.redoubt_only
def test_reload_noflush_without_merge_refuses_duplicates(dbg):
    c = dbg.raw()
    c.cmd("SET", "k", "v")
    assert c.cmd("DEBUG", "RELOAD") == "OK"
    assert_error(c.cmd("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH"),
                 "ERR Error trying to load the RDB dump")
    assert dbg.wait_for_log("Error trying to load the RDB dump")
    assert c.cmd("PING") == "PONG"


def test_loadaof_replays_the_append_only_file(server_factory):
    srv = server_factory(enable_debug_command="yes", appendonly="yes")
    c = srv.raw()
    c.cmd("SET", "a", "1")
    c.cmd("RPUSH", "l", "x", "y")
    before = c.cmd("DEBUG", "DIGEST")
    assert c.cmd("DEBUG", "LOADAOF") == "OK"
    assert c.cmd("DEBUG", "DIGEST") == before
    assert c.cmd("LRANGE", "l", "0", "-1") == [b"x", b"y"]
    assert srv.wait_for_log("Append Only File loaded by DEBUG LOADAOF")
    # Replaying did not append the commands a second time.
    c.cmd("DEBUG", "LOADAOF")
    assert c.cmd("LRANGE", "l", "0", "-1") == [b"x", b"y"]


def test_object_reports_encoding_and_quicklist_fields(draw):
    draw.cmd("SET", "n", "12345")
    draw.cmd("RPUSH", "l", "a", "b", "c")
    obj = draw.cmd("DEBUG", "OBJECT", "n")
    assert isinstance(obj, Status) and " encoding:int " in obj and "lru_seconds_idle:" in obj
    ql = draw.cmd("DEBUG", "OBJECT", "l")
    assert "encoding:quicklist" in ql and " ql_nodes:1 " in ql and "ql_avg_node:3.00" in ql
    assert_error(draw.cmd("DEBUG", "OBJECT", "nokey"), "ERR no such key")
    assert_error(draw.cmd("DEBUG", "OBJECT"), UNKNOWN.format("OBJECT"))


def test_listpack(draw):
    draw.cmd("HSET", "h", "f", "v")
    draw.cmd("RPUSH", "l", "a")
    assert draw.cmd("DEBUG", "LISTPACK", "h") == Status("Listpack structure printed on stdout")
    assert_error(draw.cmd("DEBUG", "LISTPACK", "l"), "ERR Not a listpack encoded object.")
    assert_error(draw.cmd("DEBUG", "LISTPACK", "nokey"), "ERR no such key")


def test_sleep_blocks_the_server(dbg):
    a, b = dbg.raw(), dbg.raw()
    a.send(b"*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$3\r\n0.5\r\n")
    time.sleep(0.05)
    t0 = time.monotonic()
    assert b.cmd("PING") == "PONG"
    assert time.monotonic() - t0 > 0.3
    assert a.read_reply() == "OK"
    assert b.cmd("DEBUG", "SLEEP", "0") == "OK"


def test_set_active_expire(dbg):
    c = dbg.raw()
    assert c.cmd("DEBUG", "SET-ACTIVE-EXPIRE", "0") == "OK"
    c.cmd("SET", "k", "v", "PX", "10")
    time.sleep(0.3)
    assert c.cmd("DBSIZE") == 1  # nothing removed it in the background
    assert c.cmd("DEBUG", "SET-ACTIVE-EXPIRE", "1") == "OK"
    assert wait_until(lambda: c.cmd("DBSIZE") == 0, timeout=5)


def test_protocol_replies_in_resp2(draw):
    assert draw.cmd("DEBUG", "PROTOCOL", "string") == b"Hello World"
    assert draw.cmd("DEBUG", "PROTOCOL", "integer") == 12345
    assert draw.cmd("DEBUG", "PROTOCOL", "double") == b"3.141"
    assert draw.cmd("DEBUG", "PROTOCOL", "bignum") == b"1234567999999999999999999999999999999"
    assert draw.cmd("DEBUG", "PROTOCOL", "null") is None
    assert draw.cmd("DEBUG", "PROTOCOL", "array") == [0, 1, 2]
    assert draw.cmd("DEBUG", "PROTOCOL", "set") == [0, 1, 2]
    assert draw.cmd("DEBUG", "PROTOCOL", "map") == [0, 0, 1, 1, 2, 0]
    assert draw.cmd("DEBUG", "PROTOCOL", "attrib") == b"Some real reply following the attribute"
    assert draw.cmd("DEBUG", "PROTOCOL", "true") == 1
    assert draw.cmd("DEBUG", "PROTOCOL", "false") == 0
    assert draw.cmd("DEBUG", "PROTOCOL", "verbatim") == b"This is a verbatim\nstring"
    assert_error(draw.cmd("DEBUG", "PROTOCOL", "push"), "ERR RESP2 is not supported by this command")
    assert_error(draw.cmd("DEBUG", "PROTOCOL", "x"),
                 "ERR Wrong protocol type name. Please use one of the following: "
                 "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false")


def test_protocol_replies_in_resp3(draw):
    draw.cmd("HELLO", "3")
    assert draw.cmd("DEBUG", "PROTOCOL", "double") == Double(3.141)
    assert isinstance(draw.cmd("DEBUG", "PROTOCOL", "bignum"), BigNumber)
    assert draw.cmd("DEBUG", "PROTOCOL", "set") == RespSet([0, 1, 2])
    assert draw.cmd("DEBUG", "PROTOCOL", "map") == {0: False, 1: True, 2: False}
    assert draw.cmd("DEBUG", "PROTOCOL", "true") is True
    assert draw.cmd("DEBUG", "PROTOCOL", "null") is None
    v = draw.cmd("DEBUG", "PROTOCOL", "verbatim")
    assert isinstance(v, Verbatim) and v.fmt == "txt" and v == "This is a verbatim\nstring"
    assert draw.cmd("DEBUG", "PROTOCOL", "attrib") == b"Some real reply following the attribute"
    draw.send(b"*3\r\n$5\r\nDEBUG\r\n$8\r\nPROTOCOL\r\n$4\r\npush\r\n")
    assert draw.read_reply() == Push([b"server-cpu-usage", 42])
    assert draw.read_reply() == b"Some real reply following the push reply"


def test_quicklist_packed_threshold_bounds(draw):
    assert draw.cmd("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0") == "OK"
    assert draw.cmd("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1") == "OK"
    assert draw.cmd("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1mb") == "OK"
    assert draw.cmd("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "4293918720") == "OK"
    for bad in ("4293918721", "4gb", "-1", "abc"):
        assert_error(draw.cmd("DEBUG", "QUICKLIST-PACKED-THRESHOLD", bad),
                     "ERR argument must be a memory value bigger than 1 and smaller than 4gb")


def test_replybuffer(draw):
    for args in (("PEAK-RESET-TIME", "never"), ("peak-reset-time", "reset"),
                 ("PEAK-RESET-TIME", "100"), ("RESIZING", "0"), ("resizing", "1")):
        assert draw.cmd("DEBUG", "REPLYBUFFER", *args) == "OK", args
    assert_error(draw.cmd("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "abc"), NOT_INT)
    assert_error(draw.cmd("DEBUG", "REPLYBUFFER", "x", "y"), UNKNOWN.format("REPLYBUFFER"))


def test_pause_cron_stops_active_expiry(dbg):
    c = dbg.raw()
    assert c.cmd("DEBUG", "PAUSE-CRON", "1") == "OK"
    c.cmd("SET", "k", "v", "PX", "10")
    time.sleep(0.4)
    assert c.cmd("DBSIZE") == 1
    assert c.cmd("DEBUG", "PAUSE-CRON", "0") == "OK"
    assert wait_until(lambda: c.cmd("DBSIZE") == 0, timeout=5)
    assert_error(c.cmd("DEBUG", "PAUSE-CRON"), UNKNOWN.format("PAUSE-CRON"))


def test_change_repl_id(draw):
    def replid():
        info = draw.cmd("INFO", "replication").decode()
        return dict(l.split(":", 1) for l in info.split("\r\n") if ":" in l)["master_replid"]

    old = replid()
    assert draw.cmd("DEBUG", "CHANGE-REPL-ID") == "OK"
    new = replid()
    assert new != old and len(new) == 40
    assert_error(draw.cmd("DEBUG", "CHANGE-REPL-ID", "x"), UNKNOWN.format("CHANGE-REPL-ID"))


def test_stringmatch_test(draw):
    assert draw.cmd("DEBUG", "STRINGMATCH-TEST", timeout=120) == \
        Status("Apparently Redis did not crash: test passed")
    # Redis 7.0.15 has no STRINGMATCH-LEN: the unknown-subcommand error.
    assert_error(draw.cmd("DEBUG", "STRINGMATCH-LEN"), UNKNOWN.format("STRINGMATCH-LEN"))


def test_unknown_subcommands_and_jmap(draw):
    for sub in ("JMAP", "FOO", "digestx"):
        assert_error(draw.cmd("DEBUG", sub), UNKNOWN.format(sub))
    assert_error(draw.cmd("DEBUG"), "ERR wrong number of arguments for 'debug' command")


@pytest.mark.redoubt_only
def test_segfault_and_other_crashes_are_refused(dbg):
    c = dbg.raw()
    for sub in ("SEGFAULT", "panic", "ASSERT", "OOM", "RESTART", "CRASH-AND-RECOVER"):
        assert_error(c.cmd("DEBUG", sub), f"ERR DEBUG {sub.upper()} is not supported*")
    c.cmd("SET", "still", "here")
    assert c.cmd("GET", "still") == b"here" and dbg.alive()


def test_log_and_error(dbg):
    c = dbg.raw()
    assert c.cmd("DEBUG", "LOG", "hello-from-test") == "OK"
    assert dbg.wait_for_log("DEBUG LOG: hello-from-test")
    assert_error(c.cmd("DEBUG", "ERROR", "MYERR custom text"), "MYERR custom text")


def test_help_lists_supported_subcommands(draw):
    lines = [str(x) for x in draw.cmd("DEBUG", "HELP")]
    assert lines[0].startswith("DEBUG <subcommand>")
    for sub in ("DIGEST", "DIGEST-VALUE <key>", "RELOAD", "LOADAOF", "PROTOCOL <type>",
                "PAUSE-CRON <0|1>", "HELP"):
        assert any(l.startswith(sub) for l in lines), sub


@pytest.mark.redoubt_only
def test_audit_keeps_flagging_debug_open_outside_loopback(run_binary):
    import json

    def check(value):
        res = run_binary(["--audit", "--json", "--enable-debug-command", value])
        report = json.loads(res.stdout)
        return next(c for c in report["checks"] if c["check"] == "protected-configs")

    open_check = check("yes")
    assert open_check["level"] == "WARN" and "enable-debug-command" in open_check["detail"]
    assert check("local")["level"] == "PASS"
