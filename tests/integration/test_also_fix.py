"""Behaviour pinned by Redis 7.0's own test suite (tests/unit/*.tcl) that Redoubt got wrong:
pushes under CLIENT REPLY OFF, blocking wake-ups (MULTI, SWAPDB, MOVE, tiny timeouts), WATCH
against FLUSH*/EXPIRE, RESET, MOVE, ZRANGE syntax errors, uniform SRANDMEMBER/HRANDFIELD,
SETBIT/BITFIELD dirty counting, lazy UNLINK counters, COMMAND introspection, CONFIG SET
rollback and round trips, MONITOR redaction."""

import socket
import time

import pytest

from conftest import Err, Push, assert_error, encode_command, wait_until

# --------------------------------------------------------------------------- pushes


def test_resp3_pushes_are_delivered_under_client_reply_off(server):
    sub = server.raw()
    assert sub.cmd("HELLO", "3")[b"proto"] == 3
    assert sub.cmd("SUBSCRIBE", "ch") == Push([b"subscribe", b"ch", 1])
    sub.send(b"*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n")
    sub.send(b"*3\r\n$6\r\nCLIENT\r\n$7\r\nSETNAME\r\n$6\r\nmarker\r\n")
    pub = server.raw()
    # the subscriber's CLIENT REPLY OFF has run once the name set behind it shows
    assert wait_until(lambda: b"name=marker" in pub.cmd("CLIENT", "LIST"))
    assert pub.cmd("PUBLISH", "ch", "hello") == 1
    assert sub.read_reply() == Push([b"message", b"ch", b"hello"])


def test_resp3_pushes_of_its_own_commands_survive_client_reply_off(server):
    c = server.raw()
    assert c.cmd("CONFIG", "SET", "notify-keyspace-events", "KA") == "OK"
    assert c.cmd("HELLO", "3")[b"proto"] == 3
    c.send(b"*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n")
    for cmd in (("SUBSCRIBE", "ch"), ("SUBSCRIBE", "__keyspace@0__:k"),
                ("PUBLISH", "ch", "hi"), ("SET", "k", "v"), ("CLIENT", "REPLY", "ON")):
        c.send(encode_command(*cmd))
    assert c.read_reply() == Push([b"subscribe", b"ch", 1])
    assert c.read_reply() == Push([b"subscribe", b"__keyspace@0__:k", 2])
    assert c.read_reply() == Push([b"message", b"ch", b"hi"])
    assert c.read_reply() == Push([b"message", b"__keyspace@0__:k", b"set"])
    assert c.read_reply() == "OK"


# --------------------------------------------------------------------------- blocking


def test_blpop_not_woken_by_lpush_del_set_in_one_transaction(server):
    blocked = server.raw()
    blocked.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$1\r\n0\r\n")
    c = server.raw()
    assert wait_until(lambda: c.cmd("INFO", "clients").find(b"blocked_clients:1") >= 0)
    c.cmd("MULTI")
    c.cmd("LPUSH", "k", "a")
    c.cmd("DEL", "k")
    c.cmd("SET", "k", "foo")
    assert c.cmd("EXEC") == [1, 1, "OK"]
    c.cmd("DEL", "k")
    c.cmd("LPUSH", "k", "b")
    assert blocked.read_reply() == [b"k", b"b"]


def test_blmpop_not_woken_by_lpush_del_set_in_one_transaction(server):
    blocked = server.raw()
    blocked.send(b"*5\r\n$6\r\nBLMPOP\r\n$1\r\n0\r\n$1\r\n1\r\n$1\r\nk\r\n$4\r\nLEFT\r\n")
    c = server.raw()
    assert wait_until(lambda: c.cmd("INFO", "clients").find(b"blocked_clients:1") >= 0)
    c.cmd("MULTI")
    c.cmd("LPUSH", "k", "a")
    c.cmd("DEL", "k")
    c.cmd("SET", "k", "foo")
    assert c.cmd("EXEC") == [1, 1, "OK"]
    c.cmd("DEL", "k")
    c.cmd("LPUSH", "k", "b")
    assert blocked.read_reply() == [b"k", [b"b"]]


def test_swapdb_wakes_a_client_blocked_on_the_new_key(server):
    c = server.raw()
    c.cmd("SELECT", "1")
    c.cmd("RPUSH", "k", "hello")
    blocked = server.raw()
    blocked.cmd("SELECT", "9")
    blocked.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$1\r\n0\r\n")
    assert wait_until(lambda: c.cmd("INFO", "clients").find(b"blocked_clients:1") >= 0)
    assert c.cmd("SWAPDB", "1", "9") == "OK"
    assert blocked.read_reply() == [b"k", b"hello"]


def test_move_wakes_a_client_blocked_on_the_key_in_the_target_db(server):
    c = server.raw()
    c.cmd("SELECT", "1")
    c.cmd("RPUSH", "k", "hello")
    blocked = server.raw()
    blocked.cmd("SELECT", "9")
    blocked.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$1\r\n0\r\n")
    assert wait_until(lambda: c.cmd("INFO", "clients").find(b"blocked_clients:1") >= 0)
    assert c.cmd("MOVE", "k", "9") == 1
    assert blocked.read_reply() == [b"k", b"hello"]


@pytest.mark.parametrize("cmd", [("BLPOP", "nolist", "0.001"),
                                 ("BLMPOP", "0.001", "1", "nolist", "LEFT"),
                                 ("BZPOPMIN", "nozset", "0.001")])
def test_a_timeout_of_one_millisecond_does_not_block_forever(server, cmd):
    c = server.raw()
    start = time.monotonic()
    assert c.cmd(*cmd, timeout=5) is None
    assert time.monotonic() - start < 3


# --------------------------------------------------------------------------- WATCH


@pytest.mark.parametrize("flush", ["FLUSHALL", "FLUSHDB"])
def test_flush_does_not_touch_watched_keys_that_did_not_exist(server, flush):
    c = server.raw()
    other = server.raw()
    other.cmd("SET", "y", "1")
    assert c.cmd("WATCH", "x") == "OK"
    other.cmd(flush)
    c.cmd("MULTI")
    c.cmd("PING")
    assert c.cmd("EXEC") == ["PONG"]


@pytest.mark.parametrize("flush", ["FLUSHALL", "FLUSHDB"])
def test_flush_aborts_transactions_watching_keys_that_existed(server, flush):
    c = server.raw()
    other = server.raw()
    other.cmd("SET", "x", "1")
    assert c.cmd("WATCH", "x") == "OK"
    other.cmd(flush)
    c.cmd("MULTI")
    c.cmd("PING")
    assert c.cmd("EXEC") is None


@pytest.mark.parametrize("where, aborted", [("0", True), ("1", True), (None, False)])
def test_swapdb_touches_watched_keys_that_exist_in_either_db(server, where, aborted):
    c = server.raw()
    other = server.raw()
    if where is not None:
        other.cmd("SELECT", where)
        other.cmd("SET", "x", "30")
    assert c.cmd("WATCH", "x") == "OK"
    assert other.cmd("SWAPDB", "0", "1") == "OK"
    c.cmd("MULTI")
    c.cmd("PING")
    assert c.cmd("EXEC") == (None if aborted else ["PONG"])


def test_expire_touches_a_watched_key(server):
    c = server.raw()
    other = server.raw()
    c.cmd("SET", "x", "foo")
    assert c.cmd("WATCH", "x") == "OK"
    assert other.cmd("EXPIRE", "x", "100") == 1
    c.cmd("MULTI")
    c.cmd("PING")
    assert c.cmd("EXEC") is None


# --------------------------------------------------------------------------- RESET


def client_info(conn):
    line = conn.cmd("CLIENT", "INFO")
    if isinstance(line, bytes):
        line = line.decode()
    return dict(kv.split("=", 1) for kv in str(line).strip().split(" "))


def test_reset_clears_the_client_state(server):
    c = server.raw()
    c.cmd("HELLO", "3")
    assert c.cmd("CLIENT", "SETNAME", "foo") == "OK"
    assert c.cmd("SELECT", "2") == "OK"
    assert c.cmd("WATCH", "k") == "OK"
    assert c.cmd("MULTI") == "OK"
    assert c.cmd("PING") == "QUEUED"
    assert c.cmd("RESET") == "RESET"
    info = client_info(c)
    assert info["name"] == "" and info["db"] == "0" and info["resp"] == "2"
    assert info["multi"] == "-1"
    assert info["flags"] == "N"
    assert_error(c.cmd("EXEC"), "ERR EXEC without MULTI")
    # the WATCH is gone too: a write to k no longer aborts the next transaction
    server.raw().cmd("SET", "k", "changed")
    c.cmd("MULTI")
    c.cmd("PING")
    assert c.cmd("EXEC") == ["PONG"]


@pytest.mark.redoubt_only
def test_reset_turns_no_evict_off(server):
    # RESET's documented contract (and Redis from 7.2 on); Redis 7.0.15 kept the flag.
    c = server.raw()
    assert c.cmd("CLIENT", "NO-EVICT", "ON") == "OK"
    assert "e" in client_info(c)["flags"]
    assert c.cmd("RESET") == "RESET"
    assert client_info(c)["flags"] == "N"


def test_reset_deauthenticates_when_the_default_user_has_a_password(server_factory):
    srv = server_factory(requirepass="s3cret")
    c = srv.raw()
    assert c.cmd("AUTH", "s3cret") == "OK"
    assert c.cmd("RESET") == "RESET"
    assert_error(c.cmd("GET", "k"), "NOAUTH Authentication required.")


def test_reset_leaves_subscriptions_and_reply_off(server):
    c = server.raw()
    c.cmd("SUBSCRIBE", "ch")
    c.cmd("PSUBSCRIBE", "p*")
    assert c.cmd("RESET") == "RESET"
    info = client_info(c)
    assert info["sub"] == "0" and info["psub"] == "0" and info["flags"] == "N"
    assert c.cmd("PUBLISH", "ch", "x") == 0
    c.send(b"*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n")
    assert c.cmd("RESET") == "RESET"
    assert c.cmd("PING") == "PONG"


# --------------------------------------------------------------------------- MOVE


def test_move_semantics(server):
    c = server.raw()
    c.cmd("SET", "k", "v")
    assert_error(c.cmd("MOVE", "k", "0"), "ERR source and destination objects are the same")
    assert_error(c.cmd("MOVE", "k", "notanumber"), "ERR value is not an integer or out of range")
    assert_error(c.cmd("MOVE", "k", "16"), "ERR DB index is out of range")
    assert_error(c.cmd("MOVE", "k", "-1"), "ERR DB index is out of range")
    assert c.cmd("MOVE", "missing", "1") == 0
    c.cmd("SELECT", "1")
    c.cmd("SET", "k", "other")
    c.cmd("SELECT", "0")
    assert c.cmd("MOVE", "k", "1") == 0
    assert c.cmd("GET", "k") == b"v"
    c.cmd("SET", "e", "v", "EX", "100")
    assert c.cmd("MOVE", "e", "1") == 1
    assert c.cmd("EXISTS", "e") == 0
    c.cmd("SELECT", "1")
    assert 0 < c.cmd("TTL", "e") <= 100
    assert c.cmd("GET", "k") == b"other"


# --------------------------------------------------------------------------- ZRANGE


def test_zrange_syntax_errors(server):
    c = server.raw()
    c.cmd("ZADD", "z", "1", "a", "2", "b")
    assert_error(c.cmd("ZRANGE", "z", "0", "-1", "LIMIT", "1", "2"),
                 "ERR syntax error, LIMIT is only supported in combination with either "
                 "BYSCORE or BYLEX")
    assert_error(c.cmd("ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"),
                 "ERR syntax error, WITHSCORES not supported in combination with BYLEX")
    assert_error(c.cmd("ZREVRANGE", "z", "0", "-1", "BYSCORE"), "ERR syntax error")
    assert_error(c.cmd("ZRANGEBYSCORE", "z", "0", "-1", "REV"), "ERR syntax error")
    assert_error(c.cmd("ZRANGESTORE", "d", "z", "0", "-1", "LIMIT", "1", "2"),
                 "ERR syntax error, LIMIT is only supported in combination with either "
                 "BYSCORE or BYLEX")
    assert_error(c.cmd("ZRANGESTORE", "d", "z", "0", "-1", "WITHSCORES"), "ERR syntax error")
    assert_error(c.cmd("ZRANGE", "z", "0", "-1", "LIMIT", "1"), "ERR syntax error")
    assert_error(c.cmd("ZRANGE", "z", "0", "-1", "BYSCORE", "BYLEX"), "ERR syntax error")


# --------------------------------------------------------------------------- random members


def chi_square(values):
    counts = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    expected = len(values) / len(counts)
    return sum((o - expected) ** 2 / expected for o in counts.values())


def assert_uniform(draw):
    # Redis's test: df = 9, a value of 40 has a probability of 0.00001
    assert chi_square(draw(-1000)) < 40
    for size in (8, 2):
        picks = []
        for _ in range(1000 // size):
            picks += draw(size)
        assert chi_square(picks) < 40


def test_srandmember_with_count_is_uniform_on_hashtable_sets(server):
    c = server.raw()
    c.cmd("SADD", "s", *[f"member-{i}" for i in range(10)])
    assert c.cmd("OBJECT", "ENCODING", "s") == b"hashtable"
    for _ in range(3):
        assert_uniform(lambda n: c.cmd("SRANDMEMBER", "s", n))


def test_hrandfield_with_count_is_uniform_on_hashtable_hashes(server):
    c = server.raw()
    c.cmd("CONFIG", "SET", "hash-max-listpack-entries", "0")
    for i in range(10):
        c.cmd("HSET", "h", f"field-{i}", i)
    assert c.cmd("OBJECT", "ENCODING", "h") == b"hashtable"
    for _ in range(3):
        assert_uniform(lambda n: c.cmd("HRANDFIELD", "h", n))


# --------------------------------------------------------------------------- dirty counter


def dirty(c):
    info = c.cmd("INFO", "persistence").decode()
    for line in info.splitlines():
        if line.startswith("rdb_changes_since_last_save:"):
            return int(line.split(":")[1])
    raise AssertionError("no rdb_changes_since_last_save")


def test_setbit_and_bitfield_count_dirty_only_when_the_value_changed(server):
    c = server.raw()
    before = dirty(c)
    c.cmd("SETBIT", "foo", "0", "0")
    c.cmd("BITFIELD", "foo2", "SET", "i5", "0", "0")
    created = dirty(c)
    assert created == before + 2
    c.cmd("SETBIT", "foo", "0", "0")
    c.cmd("BITFIELD", "foo2", "SET", "i5", "0", "0")
    assert dirty(c) == created
    for value in ("1", "1", "0", "0"):
        c.cmd("SETBIT", "foo", "0", value)
        c.cmd("BITFIELD", "foo2", "SET", "i5", "0", value)
    assert dirty(c) == created + 4


# --------------------------------------------------------------------------- lazyfree


def test_unlink_of_a_stream_is_lazy_freed(server):
    c = server.client()
    c.config_resetstat()
    c.config_set("stream-node-max-entries", 5)
    for j in range(1000):
        c.xadd("stream", {"foo" if j % 10 else "bar": j})
    c.xgroup_create("stream", "mygroup", "0")
    records = c.xreadgroup("mygroup", "Alice", {"stream": ">"}, count=2)
    ids = [entry[0] for entry in records[0][1]]
    c.xdel("stream", ids[1])
    c.xack("stream", "mygroup", ids[0])
    assert c.unlink("stream") == 1
    assert wait_until(lambda: c.info("memory")["lazyfree_pending_objects"] == 0)
    assert c.info("memory")["lazyfreed_objects"] == 1


def test_unlink_of_a_big_hash_and_zset_are_lazy_freed(server):
    c = server.client()
    c.config_resetstat()
    c.hset("h", mapping={f"f{i}": i for i in range(2000)})
    c.zadd("z", {f"m{i}": i for i in range(2000)})
    assert c.unlink("h", "z") == 2
    assert wait_until(lambda: c.info("memory")["lazyfree_pending_objects"] == 0)
    assert c.info("memory")["lazyfreed_objects"] == 2


# --------------------------------------------------------------------------- COMMAND


def test_command_list_filterby_as_redis(server):
    c = server.raw()
    for bad in (("bad_arg",), ("FILTERBY", "bad_arg"), ("FILTERBY", "bad_arg", "bad_arg2")):
        assert_error(c.cmd("COMMAND", "LIST", *bad), "ERR syntax error")
    names = c.cmd("COMMAND", "LIST")
    assert b"set" in names and b"client|list" in names
    assert c.cmd("COMMAND", "LIST", "FILTERBY", "ACLCAT", "non_existing_category") == []
    scripting = c.cmd("COMMAND", "LIST", "FILTERBY", "ACLCAT", "scripting")
    assert b"eval" in scripting and b"script|kill" in scripting and b"set" not in scripting
    assert c.cmd("COMMAND", "LIST", "FILTERBY", "PATTERN", "set") == [b"set"]
    assert c.cmd("COMMAND", "LIST", "FILTERBY", "PATTERN", "get") == [b"get"]
    config = c.cmd("COMMAND", "LIST", "FILTERBY", "PATTERN", "config*")
    assert b"config" in config and b"config|get" in config
    config = c.cmd("COMMAND", "LIST", "FILTERBY", "PATTERN", "config|*re*")
    assert b"config|resetstat" in config and b"config|rewrite" in config
    assert b"client|help" in c.cmd("COMMAND", "LIST", "FILTERBY", "PATTERN", "cl*help")
    assert c.cmd("COMMAND", "LIST", "FILTERBY", "PATTERN", "non_exists") == []
    assert c.cmd("COMMAND", "LIST", "FILTERBY", "PATTERN", "non_exists*") == []
    assert c.cmd("COMMAND", "LIST", "FILTERBY", "MODULE", "non_existing_module") == []


def test_command_getkeysandflags(server):
    c = server.raw()
    assert c.cmd("COMMAND", "GETKEYSANDFLAGS", "set", "k1", "v1") == [[b"k1", ["OW", "update"]]]
    assert c.cmd("COMMAND", "GETKEYSANDFLAGS", "mset", "k1", "v1", "k2", "v2") == [
        [b"k1", ["OW", "update"]], [b"k2", ["OW", "update"]]]
    assert c.cmd("COMMAND", "GETKEYSANDFLAGS", "lmove", "k1", "k2", "left", "right") == [
        [b"k1", ["RW", "access", "delete"]], [b"k2", ["RW", "insert"]]]
    assert c.cmd("COMMAND", "GETKEYSANDFLAGS", "sort", "k1", "by", "k2") == [
        [b"k1", ["RO", "access"]]]
    assert c.cmd("COMMAND", "GETKEYSANDFLAGS", "sort", "k1", "store", "k3") == [
        [b"k1", ["RO", "access"]], [b"k3", ["OW", "update"]]]
    assert_error(c.cmd("COMMAND", "GETKEYSANDFLAGS", "nosuch", "a"),
                 "ERR Invalid command specified")
    assert_error(c.cmd("COMMAND", "GETKEYSANDFLAGS", "ping", "x"),
                 "ERR The command has no key arguments")
    assert_error(c.cmd("COMMAND", "GETKEYSANDFLAGS", "get", "a", "b"),
                 "ERR Invalid number of arguments specified for command")
    assert_error(c.cmd("COMMAND", "GETKEYSANDFLAGS", "get"),
                 "ERR wrong number of arguments for 'command|getkeysandflags' command")


def test_command_getkeys_more_than_256_keys(server):
    c = server.raw()
    keys = [f"key{i}" for i in range(1, 261)]
    got = c.cmd("COMMAND", "GETKEYS", "ZUNIONSTORE", "target", len(keys), *keys)
    assert got == [b"target"] + [k.encode() for k in keys]
    got = c.cmd("COMMAND", "GETKEYS", "MSET", *[x for k in keys for x in (k, "v")])
    assert len(got) == 260


def test_command_info_of_invalid_subcommands(server):
    c = server.raw()
    assert c.cmd("COMMAND", "INFO", "get|key") == [None]
    assert c.cmd("COMMAND", "INFO", "config|get|key") == [None]
    assert c.cmd("COMMAND", "INFO", "config|nosuch") == [None]


@pytest.mark.parametrize("name", ["sort", "sort_ro", "zunionstore", "eval",
                                  "xread", "blmpop", "georadius", "zunion", "lmpop"])
def test_movablekeys_flag_as_redis(server, name):
    c = server.raw()
    (entry,) = c.cmd("COMMAND", "INFO", name)
    assert b"movablekeys" in entry[2] or "movablekeys" in entry[2]


def test_movablekeys_flag_not_set_on_fixed_key_commands(server):
    c = server.raw()
    for name in ("get", "mset", "del", "lmove"):
        (entry,) = c.cmd("COMMAND", "INFO", name)
        assert "movablekeys" not in [f if isinstance(f, str) else f.decode() for f in entry[2]]


# --------------------------------------------------------------------------- CONFIG SET


def test_config_set_rolls_back_on_a_set_error(server):
    c = server.raw()
    mmc = c.cmd("CONFIG", "GET", "maxmemory-clients")[1]
    qbl = c.cmd("CONFIG", "GET", "client-query-buffer-limit")[1]
    assert c.cmd("CONFIG", "SET", "maxmemory", "10000002") == "OK"
    assert_error(c.cmd("CONFIG", "SET", "maxmemory", "10000001", "maxmemory-clients", "200%",
                       "client-query-buffer-limit", "invalid"),
                 "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - "
                 "percentage argument must be less or equal to 100")
    assert c.cmd("CONFIG", "GET", "maxmemory")[1] == b"10000002"
    assert c.cmd("CONFIG", "GET", "maxmemory-clients")[1] == mmc
    assert c.cmd("CONFIG", "GET", "client-query-buffer-limit")[1] == qbl


def test_config_set_rolls_back_every_value_when_applying_fails(server):
    c = server.raw()
    blocker = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(1)
    used_port = blocker.getsockname()[1]
    try:
        names = ["maxmemory", "client-query-buffer-limit", "port", "hz"]
        before = {n: c.cmd("CONFIG", "GET", n)[1] for n in names}
        reply = c.cmd("CONFIG", "SET", "maxmemory", "10000001", "client-query-buffer-limit",
                      "10m", "port", used_port, "hz", "33")
        assert_error(reply, "ERR CONFIG SET failed (possibly related to argument 'port') - "
                     "Unable to listen on this port*")
        for n in names:
            assert c.cmd("CONFIG", "GET", n)[1] == before[n], n
        assert server.raw().cmd("PING") == "PONG"
    finally:
        blocker.close()


def test_every_value_config_get_returns_can_be_set_back(server_factory):
    # Redis's "CONFIG sanity" test, over every directive: each value CONFIG GET * shows is
    # accepted back unchanged, but for the immutable ones, which are refused as such.
    srv = server_factory(enable_protected_configs="yes")
    c = srv.raw()
    flat = c.cmd("CONFIG", "GET", "*")
    before = dict(zip(flat[0::2], flat[1::2]))
    assert len(before) > 150
    failures = {}
    for name, value in before.items():
        reply = c.cmd("CONFIG", "SET", name, value)
        if isinstance(reply, Err) and not reply.endswith("can't set immutable config"):
            failures[name.decode()] = (value, str(reply))
    assert not failures
    flat = c.cmd("CONFIG", "GET", "*")
    after = dict(zip(flat[0::2], flat[1::2]))
    changed = {k: (v, after.get(k)) for k, v in before.items() if after.get(k) != v}
    assert not changed
    assert c.cmd("PING") == "PONG"


# --------------------------------------------------------------------------- MONITOR


def monitor_lines(server, commands):
    mon = server.raw()
    assert mon.cmd("MONITOR") == "OK"
    c = server.raw()
    for cmd in commands:
        c.cmd(*cmd)
    c.cmd("ECHO", "end-of-test")
    lines = []
    while True:
        line = mon.read_reply()
        if '"end-of-test"' in line:
            return lines
        lines.append(line.split("] ", 1)[1])


def test_monitor_redacts_auth_and_hello_auth_arguments(server):
    lines = monitor_lines(server, [
        ("AUTH", "secret3"),
        ("AUTH", "user", "secret4"),
        ("HELLO", "3", "AUTH", "user", "secret5"),
        ("HELLO", "2", "AUTH", "user", "secret6"),
        ("HELLO", "3", "AUTH", "user", "secret7", "SETNAME", "conn"),
        ("HELLO", "2"),
    ])
    assert lines == [
        '"AUTH" "(redacted)"',
        '"AUTH" "(redacted)" "(redacted)"',
        '"HELLO" "3" "AUTH" "(redacted)" "(redacted)"',
        '"HELLO" "2" "AUTH" "(redacted)" "(redacted)"',
        '"HELLO" "3" "AUTH" "(redacted)" "(redacted)" "SETNAME" "conn"',
        '"HELLO" "2"',
    ]


def test_monitor_does_not_show_acl_setuser(server):
    # ACL is an admin command: Redis 7.0 feeds no admin command to monitors
    lines = monitor_lines(server, [
        ("ACL", "SETUSER", "alice", "on", ">secret7", "~*", "+@all"),
        ("ACL", "DELUSER", "alice"),
        ("SET", "k", "v"),
    ])
    assert lines == ['"SET" "k" "v"']


def test_config_set_bind_rebinds_and_rolls_back_an_address_it_cannot_bind(server):
    c = server.raw()
    assert_error(c.cmd("CONFIG", "SET", "bind", "192.0.2.1", "maxmemory", "12345678"),
                 "ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to "
                 "specified addresses.")
    assert c.cmd("CONFIG", "GET", "bind")[1] == b"127.0.0.1"
    assert c.cmd("CONFIG", "GET", "maxmemory")[1] == b"0"
    assert server.raw().cmd("PING") == "PONG"
    assert c.cmd("CONFIG", "SET", "bind", "127.0.0.1 -::1") == "OK"
    assert server.raw().cmd("PING") == "PONG"
    assert c.cmd("PING") == "PONG"
