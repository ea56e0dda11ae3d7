"""Keyspace notifications (notify-keyspace-events): channel names, classes, and events of the
string and generic commands, including expiry."""

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
