"""Streams: XADD IDs and trimming, ranges, XDEL/XSETID bookkeeping, consumer groups (PEL,
XACK, XPENDING, XCLAIM, XAUTOCLAIM recovery after a consumer dies, lag and entries-read as
Redis 7.0), XINFO, blocking XREAD/XREADGROUP, keyspace events, and a differential run of
command scripts against the reference Redis 7.0."""

import os
import shlex
import time

import pytest
import redis

from conftest import REDIS_REFERENCE, encode_command

DATA = os.path.join(os.path.dirname(__file__), "data")


def wait_blocked(server, n, timeout=5):
    c = server.client()
    deadline = time.time() + timeout
    while time.time() < deadline:
        if int(c.info("clients")["blocked_clients"]) == n:
            return
        time.sleep(0.02)
    raise AssertionError(f"blocked_clients never reached {n}")


def test_xadd_ids_explicit_partial_and_auto(r):
    assert r.xadd("s", {"a": 1}, id="5-3") == "5-3"
    assert r.xadd("s", {"a": 2}, id="5-*") == "5-4"
    assert r.xadd("s", {"a": 3}, id="7-*") == "7-0"
    auto = r.xadd("s", {"a": 4})
    ms, seq = map(int, auto.split("-"))
    assert ms > 7 and abs(ms - time.time() * 1000) < 60000
    with pytest.raises(redis.ResponseError, match="equal or smaller than the target stream top"):
        r.xadd("s", {"a": 5}, id="7-0")
    with pytest.raises(redis.ResponseError, match="must be greater than 0-0"):
        r.xadd("other", {"a": 5}, id="0-0")
    assert r.exists("other") == 0
    assert r.xadd("none", {"a": 1}, nomkstream=True) is None
    assert r.exists("none") == 0
    assert r.type("s") == "stream"
    assert r.object("encoding", "s") == "stream"
    assert r.xlen("s") == 4


def test_xadd_exhausted_stream(r):
    r.xadd("s", {"a": 1}, id="18446744073709551615-18446744073709551615")
    with pytest.raises(redis.ResponseError, match="exhausted the last possible ID"):
        r.xadd("s", {"a": 1})


def test_ranges_exclusive_and_count(r):
    for i in range(1, 6):
        r.xadd("s", {"n": i}, id=f"{i}-0")
    assert [e[0] for e in r.xrange("s", "(2-0", "+")] == ["3-0", "4-0", "5-0"]
    assert [e[0] for e in r.xrevrange("s", "(5-0", "-", count=2)] == ["4-0", "3-0"]
    assert r.xrange("s", "2", "2") == [("2-0", {"n": "2"})]
    assert r.execute_command("XRANGE", "s", "-", "+", "COUNT", "0") is None
    with pytest.raises(redis.ResponseError, match="invalid end ID for the interval"):
        r.execute_command("XRANGE", "s", "-", "(0-0")
    with pytest.raises(redis.ResponseError, match="Invalid stream ID"):
        r.execute_command("XRANGE", "s", "(-", "+")


def test_maxlen_and_minid_trimming_respect_node_limits(r):
    r.config_set("stream-node-max-entries", 10)
    for i in range(1, 101):
        r.xadd("s", {"f": "v"}, id=f"{i}-0")
    assert r.xtrim("s", maxlen=55, approximate=True) == 40  # whole nodes only
    assert r.xlen("s") == 60
    assert r.xtrim("s", maxlen=55, approximate=False) == 5
    assert r.xrange("s", count=1)[0][0] == "46-0"
    assert r.xtrim("s", minid="80-0", approximate=False) == 34
    assert r.xlen("s") == 21
    r.xadd("s", {"f": "v"}, id="200-0", maxlen=5, approximate=False)
    assert r.xlen("s") == 5
    with pytest.raises(redis.ResponseError, match="LIMIT cannot be used without the special ~"):
        r.execute_command("XTRIM", "s", "MAXLEN", "1", "LIMIT", "10")
    assert r.xinfo_stream("s")["max-deleted-entry-id"] == "0-0"  # trims are not tombstones


def test_xadd_approx_limit(r):
    r.config_set("stream-node-max-entries", 10)
    for i in range(1, 51):
        r.xadd("s", {"f": "v"}, id=f"{i}-0")
    r.execute_command("XADD", "s", "MAXLEN", "~", "0", "LIMIT", "20", "51-0", "f", "v")
    assert r.xlen("s") == 31  # two nodes of ten removed, then the limit stops it


def test_xdel_tombstones_and_first_entry(r):
    for i in range(1, 4):
        r.xadd("s", {"n": i}, id=f"{i}-0")
    assert r.xdel("s", "1-0", "9-0") == 1
    info = r.xinfo_stream("s")
    assert info["max-deleted-entry-id"] == "1-0"
    assert info["recorded-first-entry-id"] == "2-0"
    assert info["entries-added"] == 3
    assert info["first-entry"][0] == "2-0"
    assert info["last-entry"][0] == "3-0"


def test_xsetid(r):
    r.xadd("s", {"a": 1}, id="5-0")
    with pytest.raises(redis.ResponseError, match="smaller than the target stream top item"):
        r.execute_command("XSETID", "s", "4-0")
    r.execute_command("XSETID", "s", "10-0", "ENTRIESADDED", "7", "MAXDELETEDID", "6-0")
    info = r.xinfo_stream("s")
    assert (info["last-generated-id"], info["entries-added"], info["max-deleted-entry-id"]) == \
        ("10-0", 7, "6-0")
    with pytest.raises(redis.ResponseError, match="no such key"):
        r.execute_command("XSETID", "missing", "1-0")


def test_consumer_group_delivery_ack_and_pending(server):
    r = server.client()
    for i in range(1, 4):
        r.xadd("s", {"n": i}, id=f"{i}-0")
    r.xgroup_create("s", "g", id="0")
    got = r.xreadgroup("g", "alice", {"s": ">"}, count=2)
    assert [e[0] for e in got[0][1]] == ["1-0", "2-0"]
    r.xreadgroup("g", "bob", {"s": ">"})
    summary = r.xpending("s", "g")
    assert summary["pending"] == 3 and summary["min"] == "1-0" and summary["max"] == "3-0"
    assert sorted((c["name"], c["pending"]) for c in summary["consumers"]) == \
        [("alice", 2), ("bob", 1)]
    ext = r.xpending_range("s", "g", "-", "+", 10, consumername="alice")
    assert [p["message_id"] for p in ext] == ["1-0", "2-0"]
    assert all(p["times_delivered"] == 1 for p in ext)
    assert r.xack("s", "g", "1-0", "1-0", "9-0") == 1
    # History: alice's own pending entries; a deleted one comes back with no fields.
    r.xdel("s", "2-0")
    hist = server.raw().cmd("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0")
    assert hist == [[b"s", [[b"2-0", None]]]]
    with pytest.raises(redis.ResponseError, match="BUSYGROUP"):
        r.xgroup_create("s", "g", id="0")
    with pytest.raises(redis.ResponseError, match="NOGROUP"):
        r.xreadgroup("nope", "x", {"s": ">"})


def test_lag_and_entries_read_follow_redis_7_0(r):
    for i in range(1, 6):
        r.xadd("s", {"n": i}, id=f"{i}-0")
    r.xgroup_create("s", "g", id="0")
    r.xreadgroup("g", "c", {"s": ">"}, count=2)
    g = r.xinfo_groups("s")[0]
    assert (g["entries-read"], g["lag"]) == (2, 3)
    r.xdel("s", "4-0")
    g = r.xinfo_groups("s")[0]
    assert g["lag"] is None  # a tombstone ahead: unknown
    r.xreadgroup("g", "c", {"s": ">"})
    g = r.xinfo_groups("s")[0]
    assert (g["entries-read"], g["lag"], g["last-delivered-id"]) == (5, 0, "5-0")


def test_consumer_group_recovery_with_xautoclaim_after_a_consumer_dies(server):
    r = server.client(decode_responses=False)
    r.response_callbacks.pop("XAUTOCLAIM", None)
    for i in range(1, 6):
        r.xadd("jobs", {"job": i}, id=f"{i}-0")
    r.xgroup_create("jobs", "workers", id="0")
    dying = server.client()
    dying.xreadgroup("workers", "w1", {"jobs": ">"}, count=4)
    dying.connection_pool.disconnect()  # w1 is gone with four jobs pending
    r.xdel("jobs", "3-0")  # one of them was removed meanwhile
    time.sleep(0.15)
    # Too young to claim: nothing moves, but the entry that is gone leaves the PEL.
    cursor, claimed, deleted = r.execute_command("XAUTOCLAIM", "jobs", "workers", "w2",
                                                 "60000", "0")
    assert (cursor, claimed, deleted) == (b"0-0", [], [b"3-0"])
    cursor, claimed, deleted = r.execute_command("XAUTOCLAIM", "jobs", "workers", "w2", "100",
                                                 "0", "COUNT", "2")
    assert [c[0] for c in claimed] == [b"1-0", b"2-0"] and deleted == []
    assert cursor == b"4-0"
    cursor, claimed, deleted = r.execute_command("XAUTOCLAIM", "jobs", "workers", "w2", "100",
                                                 cursor, "COUNT", "10")
    assert [c[0] for c in claimed] == [b"4-0"] and deleted == []
    assert cursor == b"0-0"
    pend = r.xpending_range("jobs", "workers", "-", "+", 10)
    assert [(p["message_id"], p["consumer"], p["times_delivered"]) for p in pend] == \
        [(b"1-0", b"w2", 2), (b"2-0", b"w2", 2), (b"4-0", b"w2", 2)]
    # The survivor finishes the work.
    assert r.xack("jobs", "workers", "1-0", "2-0", "4-0") == 3
    assert r.xreadgroup("workers", "w2", {"jobs": ">"}) == \
        [[b"jobs", [(b"5-0", {b"job": b"5"})]]]


def test_xclaim_options(server):
    r = server.client()
    raw = server.raw()
    r.xadd("s", {"a": 1}, id="1-0")
    r.xadd("s", {"a": 2}, id="2-0")
    r.xgroup_create("s", "g", id="0")
    r.xreadgroup("g", "alice", {"s": ">"})
    assert raw.cmd("XCLAIM", "s", "g", "bob", "0", "1-0", "RETRYCOUNT", "9", "IDLE", "5000",
                   "JUSTID") == [b"1-0"]
    p = r.xpending_range("s", "g", "1-0", "1-0", 1)[0]
    assert p["consumer"] == "bob" and p["times_delivered"] == 9
    assert p["time_since_delivered"] >= 5000
    # min-idle-time not reached: not claimed.
    assert raw.cmd("XCLAIM", "s", "g", "carol", "100000", "2-0") == []
    r.xack("s", "g", "2-0")
    assert raw.cmd("XCLAIM", "s", "g", "carol", "0", "2-0", "FORCE", "LASTID",
                   "9-0") == [[b"2-0", [b"a", b"2"]]]
    assert r.xinfo_groups("s")[0]["last-delivered-id"] == "9-0"
    with pytest.raises(redis.ResponseError, match="Unrecognized XCLAIM option 'BAD'"):
        r.execute_command("XCLAIM", "s", "g", "x", "0", "1-0", "BAD")


def test_xinfo_stream_full_and_consumers(server):
    r = server.client()
    r.xadd("s", {"a": 1}, id="1-0")
    r.xgroup_create("s", "g", id="0")
    r.xreadgroup("g", "c", {"s": ">"})
    full = server.raw().cmd("XINFO", "STREAM", "s", "FULL")
    names = full[0::2]
    assert names == [b"length", b"radix-tree-keys", b"radix-tree-nodes", b"last-generated-id",
                     b"max-deleted-entry-id", b"entries-added", b"recorded-first-entry-id",
                     b"entries", b"groups"]
    group = full[-1][0]
    assert group[0::2] == [b"name", b"last-delivered-id", b"entries-read", b"lag", b"pel-count",
                           b"pending", b"consumers"]
    consumer = group[-1][0]
    assert consumer[0::2] == [b"name", b"seen-time", b"pel-count", b"pending"]
    cons = r.xinfo_consumers("s", "g")
    assert [(c["name"], c["pending"]) for c in cons] == [("c", 1)]
    assert 0 <= cons[0]["idle"] < 10000


def test_xread_blocks_until_xadd(server):
    r = server.client()
    r.xadd("s", {"old": 1}, id="1-0")
    reader = server.raw()
    reader.send(encode_command("XREAD", "BLOCK", "0", "STREAMS", "s", "$"))
    wait_blocked(server, 1)
    r.xadd("s", {"new": 2}, id="2-0")
    assert reader.read_reply() == [[b"s", [[b"2-0", [b"new", b"2"]]]]]


def test_xread_block_times_out_with_null(raw):
    start = time.time()
    assert raw.cmd("XREAD", "BLOCK", "150", "STREAMS", "s", "$") is None
    assert time.time() - start >= 0.1


def test_blocking_xreadgroup_woken_by_xadd_inside_multi(server):
    r = server.client()
    r.xgroup_create("s", "g", id="$", mkstream=True)
    reader = server.raw()
    reader.send(encode_command("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s",
                               ">"))
    wait_blocked(server, 1)
    with r.pipeline(transaction=True) as p:
        p.xadd("s", {"k": "v"}, id="1-0")
        p.xadd("s", {"k": "w"}, id="2-0")
        p.execute()
    reply = reader.read_reply()
    assert reply == [[b"s", [[b"1-0", [b"k", b"v"]], [b"2-0", [b"k", b"w"]]]]]
    assert r.xpending("s", "g")["pending"] == 2
    assert r.xinfo_groups("s")[0]["entries-read"] == 2


def test_blocked_readers_all_woken_and_group_destroy_unblocks(server):
    r = server.client()
    r.xgroup_create("s", "g", id="$", mkstream=True)
    plain, grouped = server.raw(), server.raw()
    plain.send(encode_command("XREAD", "BLOCK", "0", "STREAMS", "s", "$"))
    grouped.send(encode_command("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s",
                                ">"))
    wait_blocked(server, 2)
    r.xadd("s", {"a": 1}, id="1-0")
    assert plain.read_reply()[0][0] == b"s"
    assert grouped.read_reply()[0][1][0][0] == b"1-0"
    grouped.send(encode_command("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s",
                                ">"))
    wait_blocked(server, 1)
    r.xgroup_destroy("s", "g")
    err = grouped.read_reply()
    assert str(err).startswith("NOGROUP")


def test_xread_in_multi_does_not_block(raw):
    raw.cmd("MULTI")
    raw.cmd("XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    assert raw.cmd("EXEC") == [None]


def test_resp3_xread_is_a_map(server):
    raw = server.raw()
    raw.cmd("HELLO", "3")
    raw.cmd("XADD", "s", "1-0", "a", "1")
    reply = raw.cmd("XREAD", "STREAMS", "s", "0")
    assert reply == {b"s": [[b"1-0", [b"a", b"1"]]]}


def test_keyspace_events(server):
    c = server.raw()
    c.cmd("CONFIG", "SET", "notify-keyspace-events", "Et")
    sub = server.raw()
    sub.send(encode_command("SUBSCRIBE", "__keyevent@0__:xadd", "__keyevent@0__:xtrim",
                            "__keyevent@0__:xdel", "__keyevent@0__:xgroup-create",
                            "__keyevent@0__:xsetid", "__keyevent@0__:xgroup-createconsumer",
                            "__keyevent@0__:xgroup-delconsumer",
                            "__keyevent@0__:xgroup-destroy", "__keyevent@0__:xgroup-setid"))
    for _ in range(9):
        sub.read_reply()
    c.cmd("XADD", "s", "MAXLEN", "1", "1-0", "a", "1")
    c.cmd("XADD", "s", "MAXLEN", "1", "2-0", "a", "1")
    c.cmd("XDEL", "s", "2-0")
    c.cmd("XSETID", "s", "5-0")
    c.cmd("XGROUP", "CREATE", "s", "g", "0")
    c.cmd("XGROUP", "CREATECONSUMER", "s", "g", "c")
    c.cmd("XGROUP", "SETID", "s", "g", "0")
    c.cmd("XGROUP", "DELCONSUMER", "s", "g", "c")
    c.cmd("XGROUP", "DESTROY", "s", "g")
    events = [sub.read_reply()[1].decode().split(":", 1)[1] for _ in range(10)]
    assert events == ["xadd", "xadd", "xtrim", "xdel", "xsetid", "xgroup-create",
                      "xgroup-createconsumer", "xgroup-setid", "xgroup-delconsumer",
                      "xgroup-destroy"]


def test_wrongtype_and_arity(r):
    r.set("str", "x")
    with pytest.raises(redis.ResponseError, match="WRONGTYPE"):
        r.xadd("str", {"a": 1})
    with pytest.raises(redis.ResponseError, match="wrong number of arguments for 'xadd'"):
        r.execute_command("XADD", "s", "*", "a")


def run_script(conn, path):
    conn.response_callbacks.clear()  # compare the replies as sent
    out = []
    for line in open(path):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            out.append((line, conn.execute_command(*shlex.split(line))))
        except redis.ResponseError as e:
            out.append((line, "ERR:" + str(e)))
    return out


@pytest.mark.skipif(not os.path.exists(REDIS_REFERENCE), reason="no /usr/bin/redis-server")
@pytest.mark.parametrize("script", ["streams_script_entries.txt", "streams_script_groups.txt"])
def test_replies_match_redis_7_0(server, server_factory, script):
    path = os.path.join(DATA, script)
    ours = run_script(server.client(decode_responses=False), path)
    reference = server_factory(binary=REDIS_REFERENCE)
    theirs = run_script(reference.client(decode_responses=False), path)
    diffs = [(a[0], a[1], b[1]) for a, b in zip(ours, theirs) if a != b]
    assert diffs == []


def test_a_reader_still_waiting_does_not_starve_the_ones_behind_it(server):
    r = server.client()
    r.xadd("s", {"a": 0}, id="1-0")
    future, current = server.raw(), server.raw()
    future.send(encode_command("XREAD", "BLOCK", "0", "STREAMS", "s", "999999-0"))
    wait_blocked(server, 1)
    current.send(encode_command("XREAD", "BLOCK", "0", "STREAMS", "s", "$"))
    wait_blocked(server, 2)
    r.xadd("s", {"a": 1}, id="2-0")
    assert current.read_reply() == [[b"s", [[b"2-0", [b"a", b"1"]]]]]
    assert future.read_raw(timeout=0.2) == b""
    wait_blocked(server, 1)


def test_blocking_fairness_with_lists_on_the_same_server(server):
    r = server.client()
    lister, reader = server.raw(), server.raw()
    lister.send(encode_command("BLPOP", "l", "0"))
    reader.send(encode_command("XREAD", "BLOCK", "0", "STREAMS", "s", "$"))
    wait_blocked(server, 2)
    with r.pipeline(transaction=True) as p:
        p.rpush("l", "x")
        p.xadd("s", {"a": 1}, id="1-0")
        p.execute()
    assert lister.read_reply() == [b"l", b"x"]
    assert reader.read_reply()[0][0] == b"s"


def test_deleting_the_stream_ends_a_blocked_xreadgroup_but_not_an_xread(server):
    r = server.client()
    r.xgroup_create("s", "g", id="$", mkstream=True)
    grouped, plain = server.raw(), server.raw()
    grouped.send(encode_command("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s",
                                ">"))
    plain.send(encode_command("XREAD", "BLOCK", "0", "STREAMS", "s", "$"))
    wait_blocked(server, 2)
    r.set("s", "now a string")
    assert str(grouped.read_reply()) == "UNBLOCKED the stream key no longer exists"
    assert plain.read_raw(timeout=0.2) == b""
    r.delete("s")
    r.xadd("s", {"a": 1}, id="1-0")
    assert plain.read_reply() == [[b"s", [[b"1-0", [b"a", b"1"]]]]]


@pytest.mark.skipif(not os.path.exists(REDIS_REFERENCE), reason="no /usr/bin/redis-server")
def test_debug_digest_of_a_stream_matches_redis_7_0(server_factory):
    digests = []
    for binary in (None, REDIS_REFERENCE):
        kw = {"enable_debug_command": "yes"}
        srv = server_factory(**kw) if binary is None else server_factory(binary=binary, **kw)
        c = srv.client()
        c.xadd("s", {"a": 1, "b": "two"}, id="1-1")
        c.xadd("s", {"a": 2, "b": "x"}, id="1-2")
        c.xadd("s", {"other": "field"}, id="5-0")
        c.xdel("s", "1-2")
        c.xgroup_create("s", "g", id="0")
        digests.append((c.execute_command("DEBUG", "DIGEST-VALUE", "s"),
                        c.execute_command("DEBUG", "DIGEST")))
    assert digests[0] == digests[1]
