"""Blocking list commands: time-outs, wake-up on push, first-come first-served order, wake-up
by a push inside MULTI/EXEC, CLIENT UNBLOCK, and BLPOP inside a transaction."""

import time

from conftest import Err, assert_error, encode_command


def wait_blocked(server, n, timeout=5):
    c = server.client()
    deadline = time.time() + timeout
    while time.time() < deadline:
        if int(c.info("clients")["blocked_clients"]) == n:
            return
        time.sleep(0.02)
    raise AssertionError(f"blocked_clients never reached {n}")


def test_blpop_times_out_with_a_null_array(raw):
    start = time.time()
    assert raw.cmd("BLPOP", "empty", "0.2") is None
    assert time.time() - start >= 0.15


def test_blpop_returns_at_once_when_data_is_there(raw):
    raw.cmd("RPUSH", "l", "a", "b")
    assert raw.cmd("BLPOP", "none", "l", "1") == [b"l", b"a"]
    assert raw.cmd("BRPOP", "l", "1") == [b"l", b"b"]
    assert raw.cmd("EXISTS", "l") == 0


def test_timeout_errors(raw):
    assert_error(raw.cmd("BLPOP", "l", "-1"), "ERR timeout is negative")
    assert_error(raw.cmd("BLPOP", "l", "abc"), "ERR timeout is not a float or out of range")


def test_push_wakes_waiters_first_come_first_served(server):
    first, second = server.raw(), server.raw()
    first.send(encode_command("BLPOP", "q", "5"))
    wait_blocked(server, 1)
    second.send(encode_command("BLPOP", "q", "5"))
    wait_blocked(server, 2)
    pusher = server.raw()
    assert pusher.cmd("RPUSH", "q", "one", "two") == 2
    assert first.read_reply() == [b"q", b"one"]
    assert second.read_reply() == [b"q", b"two"]
    wait_blocked(server, 0)


def test_push_inside_multi_exec_wakes_the_waiter(server):
    waiter = server.raw()
    waiter.send(encode_command("BRPOP", "mq", "5"))
    wait_blocked(server, 1)
    tx = server.raw()
    tx.cmd("MULTI")
    tx.cmd("LPUSH", "mq", "x")
    tx.cmd("LPUSH", "mq", "y")
    assert tx.cmd("EXEC") == [1, 2]
    assert waiter.read_reply() == [b"mq", b"x"]
    assert tx.cmd("LRANGE", "mq", "0", "-1") == [b"y"]


def test_blocking_pop_inside_multi_does_not_block(raw):
    raw.cmd("MULTI")
    raw.cmd("BLPOP", "nothing", "0")
    assert raw.cmd("EXEC") == [None]


def test_blmove_waits_then_moves(server):
    waiter = server.raw()
    waiter.send(encode_command("BLMOVE", "src", "dst", "LEFT", "RIGHT", "5"))
    wait_blocked(server, 1)
    other = server.raw()
    other.cmd("RPUSH", "src", "item")
    assert waiter.read_reply() == b"item"
    assert other.cmd("LRANGE", "dst", "0", "-1") == [b"item"]


def test_client_unblock_timeout_and_error(server):
    waiter = server.raw()
    wid = waiter.cmd("CLIENT", "ID")
    waiter.send(encode_command("BLPOP", "u", "0"))
    wait_blocked(server, 1)
    admin = server.raw()
    assert admin.cmd("CLIENT", "UNBLOCK", str(wid)) == 1
    assert waiter.read_reply() is None
    waiter.send(encode_command("BLPOP", "u", "0"))
    wait_blocked(server, 1)
    assert admin.cmd("CLIENT", "UNBLOCK", str(wid), "ERROR") == 1
    reply = waiter.read_reply()
    assert isinstance(reply, Err) and reply == "UNBLOCKED client unblocked via CLIENT UNBLOCK"
    assert admin.cmd("CLIENT", "UNBLOCK", str(wid)) == 0


def test_blocked_client_keeps_its_later_requests_in_order(server):
    waiter = server.raw()
    waiter.send(encode_command("BLPOP", "ord", "5") + encode_command("PING"))
    wait_blocked(server, 1)
    server.raw().cmd("RPUSH", "ord", "v")
    assert waiter.read_reply() == [b"ord", b"v"]
    assert waiter.read_reply() == "PONG"


def test_wrong_type_key_is_an_error_not_a_wait(raw):
    raw.cmd("SET", "s", "x")
    assert_error(raw.cmd("BLPOP", "s", "1"),
                 "WRONGTYPE Operation against a key holding the wrong kind of value")
