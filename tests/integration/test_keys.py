"""Generic key commands: DEL, UNLINK, EXISTS, TYPE, RENAME*, COPY, MOVE, KEYS, RANDOMKEY,
DBSIZE, FLUSHDB/FLUSHALL, TOUCH, OBJECT, SELECT, SWAPDB."""

import time

import pytest

from conftest import NOT_INT, SYNTAX, assert_error, make_non_string_key, wrong_args

DB_RANGE = "ERR DB index is out of range"


def test_del_and_unlink_count_removed_keys(raw):
    raw.cmd("MSET", "a", "1", "b", "2", "c", "3")
    assert raw.cmd("DEL", "a", "b", "nokey", "a") == 2
    assert raw.cmd("UNLINK", "c", "nokey") == 1
    assert raw.cmd("DBSIZE") == 0
    assert_error(raw.cmd("DEL"), wrong_args("del"))
    assert_error(raw.cmd("UNLINK"), wrong_args("unlink"))


def test_exists_counts_repeated_keys(raw):
    raw.cmd("MSET", "a", "1", "b", "2")
    assert raw.cmd("EXISTS", "a", "a", "b", "nokey") == 3
    assert raw.cmd("EXISTS", "nokey") == 0


def test_type(raw):
    raw.cmd("SET", "s", "v")
    assert raw.cmd("TYPE", "s") == "string"
    assert raw.cmd("TYPE", "nokey") == "none"
    kind = make_non_string_key(raw, "l")
    expected = {"LPUSH": "list", "SADD": "set", "HSET": "hash", "ZADD": "zset"}[kind]
    assert raw.cmd("TYPE", "l") == expected


def test_rename(raw):
    raw.cmd("SET", "a", "1", "EX", "100")
    assert raw.cmd("RENAME", "a", "b") == "OK"
    assert raw.cmd("EXISTS", "a") == 0
    assert raw.cmd("GET", "b") == b"1"
    assert 98 <= raw.cmd("TTL", "b") <= 100  # the TTL moves with the key
    raw.cmd("SET", "c", "3")
    assert raw.cmd("RENAME", "c", "b") == "OK"  # overwrites, TTL of the source (none)
    assert raw.cmd("GET", "b") == b"3"
    assert raw.cmd("TTL", "b") == -1


def test_rename_missing_key_and_same_name(raw):
    assert_error(raw.cmd("RENAME", "nokey", "x"), "ERR no such key")
    assert_error(raw.cmd("RENAME", "nokey", "nokey"), "ERR no such key")
    raw.cmd("SET", "a", "1")
    assert raw.cmd("RENAME", "a", "a") == "OK"
    assert raw.cmd("GET", "a") == b"1"


def test_renamenx(raw):
    raw.cmd("MSET", "a", "1", "b", "2")
    assert raw.cmd("RENAMENX", "a", "b") == 0
    assert raw.cmd("GET", "a") == b"1"
    assert raw.cmd("RENAMENX", "a", "c") == 1
    assert raw.cmd("EXISTS", "a") == 0
    assert_error(raw.cmd("RENAMENX", "nokey", "z"), "ERR no such key")


def test_copy_within_db(raw):
    raw.cmd("SET", "src", "v", "EX", "100")
    raw.cmd("SET", "dst", "old")
    assert raw.cmd("COPY", "src", "dst") == 0
    assert raw.cmd("GET", "dst") == b"old"
    assert raw.cmd("COPY", "src", "dst", "REPLACE") == 1
    assert raw.cmd("GET", "dst") == b"v"
    assert 98 <= raw.cmd("TTL", "dst") <= 100  # COPY keeps the TTL
    assert raw.cmd("COPY", "nokey", "x") == 0
    assert raw.cmd("EXISTS", "x") == 0
    # the copy is independent
    raw.cmd("APPEND", "dst", "2")
    assert raw.cmd("GET", "src") == b"v"


def test_copy_to_another_db(raw):
    raw.cmd("SET", "src", "v")
    assert raw.cmd("COPY", "src", "dst", "DB", "1") == 1
    assert raw.cmd("EXISTS", "dst") == 0
    raw.cmd("SELECT", "1")
    assert raw.cmd("GET", "dst") == b"v"
    raw.cmd("SET", "dst", "other")
    raw.cmd("SELECT", "0")
    assert raw.cmd("COPY", "src", "dst", "DB", "1") == 0
    assert raw.cmd("COPY", "src", "dst", "DB", "1", "REPLACE") == 1
    # same name in another DB is not "the same object"
    assert raw.cmd("COPY", "src", "src", "DB", "2") == 1


def test_copy_errors(raw):
    raw.cmd("SET", "a", "1")
    assert_error(raw.cmd("COPY", "a", "a"), "ERR source and destination objects are the same")
    assert_error(raw.cmd("COPY", "a", "b", "DB", "16"), DB_RANGE)
    assert_error(raw.cmd("COPY", "a", "b", "DB", "-1"), DB_RANGE)
    assert_error(raw.cmd("COPY", "a", "b", "DB", "abc"), NOT_INT)
    assert_error(raw.cmd("COPY", "a", "b", "FOO"), SYNTAX)
    assert_error(raw.cmd("COPY", "a", "b", "DB"), SYNTAX)


def test_move(raw):
    raw.cmd("SET", "a", "1", "EX", "100")
    assert raw.cmd("MOVE", "a", "1") == 1
    assert raw.cmd("EXISTS", "a") == 0
    assert raw.cmd("MOVE", "nokey", "1") == 0
    raw.cmd("SET", "a", "local")
    assert raw.cmd("MOVE", "a", "1") == 0  # exists in the target: nothing moves
    assert raw.cmd("GET", "a") == b"local"
    raw.cmd("SELECT", "1")
    assert raw.cmd("GET", "a") == b"1"
    assert 98 <= raw.cmd("TTL", "a") <= 100


def test_move_errors(raw):
    raw.cmd("SET", "a", "1")
    assert_error(raw.cmd("MOVE", "a", "0"), "ERR source and destination objects are the same")
    assert_error(raw.cmd("MOVE", "a", "16"), DB_RANGE)
    assert_error(raw.cmd("MOVE", "a", "abc"), NOT_INT)


def test_keys_glob_patterns(raw):
    raw.cmd("MSET", "hello", "1", "hallo", "2", "hxllo", "3", "hllo", "4", "heeeello", "5",
            "a*b", "6", "a?c", "7")
    got = lambda p: sorted(k.decode() for k in raw.cmd("KEYS", p))
    assert got("h?llo") == ["hallo", "hello", "hxllo"]
    assert got("h*llo") == ["hallo", "heeeello", "hello", "hllo", "hxllo"]
    assert got("h[ae]llo") == ["hallo", "hello"]
    assert got("h[^e]llo") == ["hallo", "hxllo"]
    assert got("h[a-b]llo") == ["hallo"]
    assert got("a\\*b") == ["a*b"]
    assert got("a\\?c") == ["a?c"]
    assert got("nomatch*") == []
    assert len(raw.cmd("KEYS", "*")) == 7


def test_keys_pathological_pattern_is_fast(server, raw):
    """CVE-2022-36021: a*a*a*...b against a long run of 'a' must not go exponential."""
    raw.cmd("SET", "a" * 50, "v")
    pattern = "a*" * 30 + "b"
    assert raw.cmd("KEYS", pattern, timeout=10) == []
    assert raw.cmd("PING") == "PONG"


def test_keys_skips_expired(raw):
    raw.cmd("SET", "a", "1")
    raw.cmd("SET", "b", "1", "PX", "1")
    time.sleep(0.05)
    assert raw.cmd("KEYS", "*") == [b"a"]


def test_randomkey(raw):
    assert raw.cmd("RANDOMKEY") is None
    raw.cmd("MSET", "a", "1", "b", "2")
    for _ in range(10):
        assert raw.cmd("RANDOMKEY") in (b"a", b"b")


def test_dbsize_per_database(raw):
    raw.cmd("MSET", "a", "1", "b", "2")
    assert raw.cmd("DBSIZE") == 2
    raw.cmd("SELECT", "5")
    assert raw.cmd("DBSIZE") == 0


def test_flushdb_only_current_db(raw):
    raw.cmd("SET", "a", "1")
    raw.cmd("SELECT", "1")
    raw.cmd("SET", "b", "1")
    assert raw.cmd("FLUSHDB") == "OK"
    assert raw.cmd("DBSIZE") == 0
    raw.cmd("SELECT", "0")
    assert raw.cmd("DBSIZE") == 1


@pytest.mark.parametrize("mode", [None, "ASYNC", "SYNC", "async", "sync"])
def test_flushdb_and_flushall_modes(raw, mode):
    extra = [mode] if mode else []
    raw.cmd("MSET", "a", "1", "b", "2")
    assert raw.cmd("FLUSHDB", *extra) == "OK"
    assert raw.cmd("DBSIZE") == 0
    raw.cmd("SET", "a", "1")
    raw.cmd("SELECT", "3")
    raw.cmd("SET", "b", "1")
    assert raw.cmd("FLUSHALL", *extra) == "OK"
    assert raw.cmd("DBSIZE") == 0
    raw.cmd("SELECT", "0")
    assert raw.cmd("DBSIZE") == 0


def test_flush_bad_mode(raw):
    assert_error(raw.cmd("FLUSHDB", "foo"), SYNTAX)
    assert_error(raw.cmd("FLUSHALL", "foo"), SYNTAX)


def test_flushall_async_big_db_keeps_serving(raw):
    for i in range(0, 20000, 1000):
        raw.cmd("MSET", *[x for j in range(i, i + 1000) for x in (f"k{j}", "v")])
    assert raw.cmd("FLUSHALL", "ASYNC") == "OK"
    assert raw.cmd("DBSIZE") == 0
    assert raw.cmd("SET", "after", "1") == "OK"
    assert raw.cmd("GET", "after") == b"1"


def test_touch(raw):
    raw.cmd("MSET", "a", "1", "b", "2")
    assert raw.cmd("TOUCH", "a", "b", "nokey") == 2


def test_object_encoding(raw):
    raw.cmd("SET", "i", "123")
    raw.cmd("SET", "neg", "-5")
    raw.cmd("SET", "s", "hello")
    raw.cmd("SET", "long", "x" * 100)
    assert raw.cmd("OBJECT", "ENCODING", "i") == b"int"
    assert raw.cmd("OBJECT", "ENCODING", "neg") == b"int"
    assert raw.cmd("OBJECT", "ENCODING", "s") == b"embstr"
    assert raw.cmd("OBJECT", "ENCODING", "long") == b"raw"
    assert raw.cmd("OBJECT", "ENCODING", "nokey") is None
    raw.cmd("APPEND", "s", "!")
    assert raw.cmd("OBJECT", "ENCODING", "s") == b"raw"


def test_object_encoding_embstr_limit_is_44_bytes(raw):
    raw.cmd("SET", "a", "x" * 44)
    raw.cmd("SET", "b", "x" * 45)
    raw.cmd("SET", "f", "1.5")
    raw.cmd("SET", "big", "12345678901234567890")  # beyond int64
    assert raw.cmd("OBJECT", "ENCODING", "a") == b"embstr"
    assert raw.cmd("OBJECT", "ENCODING", "b") == b"raw"
    assert raw.cmd("OBJECT", "ENCODING", "f") == b"embstr"
    assert raw.cmd("OBJECT", "ENCODING", "big") == b"embstr"


def test_object_refcount_and_idletime(raw):
    raw.cmd("SET", "s", "hello world")
    assert raw.cmd("OBJECT", "REFCOUNT", "s") == 1
    assert raw.cmd("OBJECT", "REFCOUNT", "nokey") is None
    idle = raw.cmd("OBJECT", "IDLETIME", "s")
    assert isinstance(idle, int) and 0 <= idle <= 2
    assert raw.cmd("OBJECT", "IDLETIME", "nokey") is None


def test_object_freq_requires_lfu_policy(raw):
    raw.cmd("SET", "s", "v")
    assert_error(raw.cmd("OBJECT", "FREQ", "s"),
                 "ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
                 "Please note that when switching between policies at runtime LRU and LFU "
                 "data will take some time to adjust.")
    assert raw.cmd("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu") == "OK"
    freq = raw.cmd("OBJECT", "FREQ", "s")
    assert isinstance(freq, int) and 0 <= freq <= 255
    assert_error(raw.cmd("OBJECT", "IDLETIME", "s"),
                 "ERR An LFU maxmemory policy is selected, idle time not tracked. "
                 "Please note that when switching between policies at runtime LRU and LFU "
                 "data will take some time to adjust.")


def test_object_freq_counts_accesses_under_lfu(raw):
    """With lfu-log-factor 0 every access increments the counter: a new key starts at 5
    (Redis's LFU_INIT_VAL), OBJECT FREQ itself does not touch it, and it saturates at 255."""
    raw.cmd("CONFIG", "SET", "maxmemory-policy", "volatile-lfu")
    raw.cmd("CONFIG", "SET", "lfu-log-factor", "0")
    raw.cmd("SET", "s", "v")
    assert raw.cmd("OBJECT", "FREQ", "s") == 5
    for _ in range(20):
        raw.cmd("GET", "s")
    assert raw.cmd("OBJECT", "FREQ", "s") == 25
    assert raw.cmd("OBJECT", "FREQ", "s") == 25
    for _ in range(240):
        raw.cmd("GET", "s")
    assert raw.cmd("OBJECT", "FREQ", "s") == 255
    assert raw.cmd("OBJECT", "FREQ", "nokey") is None


def test_object_errors(raw):
    assert_error(raw.cmd("OBJECT", "foo", "s"), "ERR unknown subcommand 'foo'. Try OBJECT HELP.")
    assert_error(raw.cmd("OBJECT"), wrong_args("object"))
    assert_error(raw.cmd("OBJECT", "ENCODING"), wrong_args("object|encoding"))
    help_lines = raw.cmd("OBJECT", "HELP")
    assert isinstance(help_lines, list) and len(help_lines) > 3


# ----------------------------------------------------------------------------- SELECT / SWAPDB


def test_select_isolates_databases(raw):
    raw.cmd("SET", "k", "db0")
    assert raw.cmd("SELECT", "15") == "OK"
    assert raw.cmd("GET", "k") is None
    raw.cmd("SET", "k", "db15")
    raw.cmd("SELECT", "0")
    assert raw.cmd("GET", "k") == b"db0"


def test_select_errors(raw):
    assert_error(raw.cmd("SELECT", "16"), DB_RANGE)
    assert_error(raw.cmd("SELECT", "-1"), DB_RANGE)
    assert_error(raw.cmd("SELECT", "abc"), NOT_INT)


def test_databases_directive(server_factory):
    srv = server_factory(databases=4)
    raw = srv.raw()
    assert raw.cmd("SELECT", "3") == "OK"
    assert_error(raw.cmd("SELECT", "4"), DB_RANGE)


def test_swapdb(server):
    a, b = server.raw(), server.raw()
    a.cmd("SET", "k", "zero")
    b.cmd("SELECT", "1")
    b.cmd("SET", "k", "one")
    b.cmd("SET", "k2", "x", "EX", "100")
    assert a.cmd("SWAPDB", "0", "1") == "OK"
    # connections stay on their index; the data moved
    assert a.cmd("GET", "k") == b"one"
    assert 98 <= a.cmd("TTL", "k2") <= 100
    assert b.cmd("GET", "k") == b"zero"
    assert a.cmd("SWAPDB", "0", "0") == "OK"


def test_swapdb_errors(raw):
    assert_error(raw.cmd("SWAPDB", "0", "16"), DB_RANGE)
    assert_error(raw.cmd("SWAPDB", "0", "-1"), DB_RANGE)
    assert_error(raw.cmd("SWAPDB", "abc", "0"), "ERR invalid first DB index")
    assert_error(raw.cmd("SWAPDB", "0", "abc"), "ERR invalid second DB index")


def test_unknown_command_error_text(raw):
    assert_error(raw.cmd("NOSUCHCMD"), "ERR unknown command 'NOSUCHCMD', with args beginning with: ")
    assert_error(raw.cmd("nosuchcmd", "a", "b"),
                 "ERR unknown command 'nosuchcmd', with args beginning with: 'a' 'b' ")
