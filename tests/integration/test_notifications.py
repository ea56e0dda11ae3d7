"""Keyspace notifications (notify-keyspace-events): channel names, classes, and events of the
string and generic commands, including expiry, new keys (n) and key misses (m)."""

import time

from conftest import encode_command


def subscribe(server, *patterns):
    sub = server.raw()
    sub.send(encode_command("PSUBSCRIBE", *patterns))
    for _ in patterns:
        sub.read_reply()
    return sub


def test_no_events_by_default(server):
    sub = subscribe(server, "__key*__:*")
    c = server.raw()
    c.cmd("SET", "k", "v")
    assert sub.read_raw(timeout=0.3) == b""


def test_keyspace_and_keyevent_channels_for_set_and_del(server):
    c = server.raw()
    assert c.cmd("CONFIG", "SET", "notify-keyspace-events", "KEA") == "OK"
    sub = subscribe(server, "__key*__:*")
    c.cmd("SET", "k", "v")
    assert sub.read_reply() == [b"pmessage", b"__key*__:*", b"__keyspace@0__:k", b"set"]
    assert sub.read_reply() == [b"pmessage", b"__key*__:*", b"__keyevent@0__:set", b"k"]
    c.cmd("DEL", "k")
    assert sub.read_reply()[2:] == [b"__keyspace@0__:k", b"del"]
    assert sub.read_reply()[2:] == [b"__keyevent@0__:del", b"k"]


def test_classes_filter_events(server):
    c = server.raw()
    c.cmd("CONFIG", "SET", "notify-keyspace-events", "Eg")  # generic events only
    sub = subscribe(server, "__keyevent@0__:*")
    c.cmd("SET", "a", "1")    # string class: not sent
    c.cmd("EXPIRE", "a", "100")
    assert sub.read_reply()[2:] == [b"__keyevent@0__:expire", b"a"]
    c.cmd("RENAME", "a", "b")
    assert sub.read_reply()[2:] == [b"__keyevent@0__:rename_from", b"a"]
    assert sub.read_reply()[2:] == [b"__keyevent@0__:rename_to", b"b"]


def test_string_command_events(server):
    c = server.raw()
    c.cmd("CONFIG", "SET", "notify-keyspace-events", "E$")
    sub = subscribe(server, "__keyevent@0__:*")
    c.cmd("INCRBY", "n", "5")
    c.cmd("APPEND", "s", "x")
    c.cmd("SETRANGE", "s", "3", "y")
    c.cmd("INCRBYFLOAT", "f", "1.5")
    events = [sub.read_reply()[2] for _ in range(4)]
    assert events == [b"__keyevent@0__:incrby", b"__keyevent@0__:append",
                      b"__keyevent@0__:setrange", b"__keyevent@0__:incrbyfloat"]


def test_expired_event_when_a_ttl_passes(server):
    c = server.raw()
    c.cmd("CONFIG", "SET", "notify-keyspace-events", "Ex")
    sub = subscribe(server, "__keyevent@0__:expired")
    c.cmd("SET", "short", "v", "PX", "50")
    time.sleep(0.2)
    c.cmd("GET", "short")  # lazy expiry, if the active cycle has not run yet
    assert sub.read_reply(timeout=3)[2:] == [b"__keyevent@0__:expired", b"short"]


def test_sorted_set_events(server):
    c = server.raw()
    c.cmd("CONFIG", "SET", "notify-keyspace-events", "Ezg")
    sub = subscribe(server, "__keyevent@0__:*")
    c.cmd("ZADD", "z", "1", "a", "2", "b")
    c.cmd("ZINCRBY", "z", "5", "a")
    c.cmd("ZREM", "z", "b")
    c.cmd("ZUNIONSTORE", "u", "1", "z")
    c.cmd("ZPOPMIN", "z")
    events = [sub.read_reply()[2] for _ in range(6)]
    assert events == [b"__keyevent@0__:zadd", b"__keyevent@0__:zincr", b"__keyevent@0__:zrem",
                      b"__keyevent@0__:zunionstore", b"__keyevent@0__:zpopmin",
                      b"__keyevent@0__:del"]


def collect(sub, count, timeout=3):
    return [sub.read_reply(timeout=timeout)[2:] for _ in range(count)]


def test_new_key_event_class_n(server):
    c = server.raw()
    c.cmd("CONFIG", "SET", "notify-keyspace-events", "KEn")
    sub = subscribe(server, "__key*__:*")
    c.cmd("SET", "a", "1")
    assert collect(sub, 2) == [[b"__keyspace@0__:a", b"new"], [b"__keyevent@0__:new", b"a"]]
    c.cmd("SET", "a", "2")       # an existing key: nothing
    c.cmd("LPUSH", "l", "x")     # a new key of another type
    c.cmd("RENAME", "a", "b")    # the destination is added
    c.cmd("HSET", "h", "f", "v")
    c.cmd("HSET", "h", "g", "v")
    c.cmd("COPY", "b", "b2")
    events = collect(sub, 8)
    assert [e for e in events if e[0].startswith(b"__keyevent")] == [
        [b"__keyevent@0__:new", b"l"], [b"__keyevent@0__:new", b"b"],
        [b"__keyevent@0__:new", b"h"], [b"__keyevent@0__:new", b"b2"]]
    assert sub.read_raw(timeout=0.3) == b""


def test_new_key_after_expiry_is_new_again(server):
    c = server.raw()
    c.cmd("CONFIG", "SET", "notify-keyspace-events", "En")
    sub = subscribe(server, "__keyevent@0__:new")
    c.cmd("SET", "k", "v", "PX", "30")
    assert collect(sub, 1) == [[b"__keyevent@0__:new", b"k"]]
    time.sleep(0.1)
    c.cmd("SET", "k", "v")
    assert collect(sub, 1) == [[b"__keyevent@0__:new", b"k"]]


def test_keymiss_event_class_m(server):
    c = server.raw()
    c.cmd("CONFIG", "SET", "notify-keyspace-events", "KEm")
    sub = subscribe(server, "__key*__:*")
    c.cmd("GET", "nokey")
    assert collect(sub, 2) == [[b"__keyspace@0__:nokey", b"keymiss"],
                               [b"__keyevent@0__:keymiss", b"nokey"]]
    c.cmd("SET", "k", "v")       # writes and hits: nothing
    c.cmd("GET", "k")
    c.cmd("LPOP", "nolist")      # a write command's lookup is not a miss
    c.cmd("EXISTS", "n2")
    c.cmd("MGET", "k", "n3")
    c.cmd("TTL", "n4")
    events = collect(sub, 6)
    assert [e for e in events if e[0].startswith(b"__keyevent")] == [
        [b"__keyevent@0__:keymiss", b"n2"], [b"__keyevent@0__:keymiss", b"n3"],
        [b"__keyevent@0__:keymiss", b"n4"]]
    assert sub.read_raw(timeout=0.3) == b""


def test_class_a_leaves_out_new_and_keymiss(server):
    c = server.raw()
    c.cmd("CONFIG", "SET", "notify-keyspace-events", "EA")
    sub = subscribe(server, "__keyevent@0__:*")
    c.cmd("GET", "nokey")
    c.cmd("SET", "a", "1")
    assert collect(sub, 1) == [[b"__keyevent@0__:set", b"a"]]
    assert sub.read_raw(timeout=0.3) == b""
    c.cmd("CONFIG", "SET", "notify-keyspace-events", "KEAnm")
    # As Redis 7.0 prints it: 'A' stands for its classes, 'n' is dropped beside it.
    assert c.cmd("CONFIG", "GET", "notify-keyspace-events") == [b"notify-keyspace-events",
                                                                b"AKEm"]


def test_snapshot_reload_reports_no_new_keys(server_factory):
    srv = server_factory(enable_debug_command="yes")
    c = srv.raw()
    c.cmd("SET", "a", "1")
    c.cmd("CONFIG", "SET", "notify-keyspace-events", "En")
    sub = subscribe(srv, "__keyevent@0__:new")
    assert c.cmd("DEBUG", "RELOAD") == "OK"
    c.cmd("SET", "b", "1")
    assert collect(sub, 1) == [[b"__keyevent@0__:new", b"b"]]
    assert sub.read_raw(timeout=0.3) == b""
