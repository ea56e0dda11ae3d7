"""Blocking sorted-set pops: BZPOPMIN, BZPOPMAX, BZMPOP wait for ZADD, time out, and answer
at once when a set has members."""

from conftest import assert_error, encode_command
from test_blocking_lists import wait_blocked


def test_bzpopmin_returns_at_once_and_times_out(raw):
    raw.cmd("ZADD", "z", "1", "a", "2", "b")
    assert raw.cmd("BZPOPMIN", "none", "z", "1") == [b"z", b"a", b"1"]
    assert raw.cmd("BZPOPMAX", "z", "1") == [b"z", b"b", b"2"]
    assert raw.cmd("BZPOPMIN", "z", "0.1") is None


def test_zadd_wakes_a_waiting_bzpopmax(server):
    waiter = server.raw()
    waiter.send(encode_command("BZPOPMAX", "zw", "5"))
    wait_blocked(server, 1)
    server.raw().cmd("ZADD", "zw", "3", "x", "7", "y")
    assert waiter.read_reply() == [b"zw", b"y", b"7"]


def test_bzmpop_waits_and_pops_count(server):
    waiter = server.raw()
    waiter.send(encode_command("BZMPOP", "5", "2", "za", "zb", "MIN", "COUNT", "2"))
    wait_blocked(server, 1)
    server.raw().cmd("ZADD", "zb", "1", "p", "2", "q", "3", "r")
    assert waiter.read_reply() == [b"zb", [[b"p", b"1"], [b"q", b"2"]]]


def test_bzmpop_errors(raw):
    assert_error(raw.cmd("BZMPOP", "1", "0", "z", "MIN"), "ERR numkeys should be greater than 0")
    assert_error(raw.cmd("BZMPOP", "-1", "1", "z", "MIN"), "ERR timeout is negative")
    raw.cmd("SET", "s", "1")
    assert_error(raw.cmd("BZPOPMIN", "s", "1"),
                 "WRONGTYPE Operation against a key holding the wrong kind of value")
