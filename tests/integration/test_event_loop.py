"""The event loop: io_uring by default where the kernel grants it, epoll forced or as the
fallback, and the same behaviour on both (the whole suite also runs on each through
REDOUBT_EVENT_LOOP)."""

import os
import socket
import threading

import pytest

from conftest import encode_command

pytestmark = pytest.mark.redoubt_only


def _kernel_has_io_uring():
    try:
        with open("/proc/sys/kernel/io_uring_disabled") as f:
            if f.read().strip() != "0":
                return False
    except OSError:
        pass
    major, minor = (int(x) for x in os.uname().release.split(".")[:2])
    return (major, minor) >= (6, 0)


# The fixtures force every server onto REDOUBT_EVENT_LOOP when it is set.
forced = pytest.mark.skipif(bool(os.environ.get("REDOUBT_EVENT_LOOP")),
                            reason="REDOUBT_EVENT_LOOP forces the loop")


@forced
@pytest.mark.parametrize("loop", ["epoll", "io_uring"])
def test_info_shows_the_forced_event_loop(server_factory, loop):
    if loop == "io_uring" and not _kernel_has_io_uring():
        pytest.skip("this kernel has no io_uring the loop can use")
    srv = server_factory(event_loop=loop)
    info = srv.client().info("server")
    assert info["event_loop"] == loop
    assert info["multiplexing_api"] == loop
    assert srv.client().config_get("event-loop") == {"event-loop": loop}


@forced
def test_auto_picks_io_uring_where_the_kernel_grants_it(server_factory):
    srv = server_factory(event_loop="auto")
    expected = "io_uring" if _kernel_has_io_uring() else "epoll"
    assert srv.client().info("server")["event_loop"] == expected


def test_event_loop_cannot_change_at_runtime(server_factory):
    import redis
    srv = server_factory(event_loop="epoll")
    with pytest.raises(redis.ResponseError, match="can't set immutable config"):
        srv.client().config_set("event-loop", "io_uring")


@forced
@pytest.mark.parametrize("loop", ["epoll", "io_uring"])
def test_reply_before_close_and_large_values(server_factory, loop):
    if loop == "io_uring" and not _kernel_has_io_uring():
        pytest.skip("this kernel has no io_uring the loop can use")
    srv = server_factory(event_loop=loop)
    # QUIT's +OK (and a protocol error's reply) leave before the connection closes.
    with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as s:
        s.sendall(b"PING\r\nQUIT\r\n")
        data = b""
        while True:
            chunk = s.recv(100)
            if not chunk:
                break
            data += chunk
        assert data == b"+PONG\r\n+OK\r\n"
    with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as s:
        s.sendall(b"*1\r\n$-5\r\n")
        assert s.recv(200).startswith(b"-ERR Protocol error")
    # A value larger than any receive buffer or socket buffer, both ways.
    c = srv.client(decode_responses=False)
    value = os.urandom(8 * 1024 * 1024)
    c.set("big", value)
    assert c.get("big") == value


def test_many_connections_pipelining_at_once(server_factory):
    srv = server_factory()
    errors = []

    def worker(n):
        try:
            with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as s:
                s.sendall(b"".join(encode_command("INCR", "counter") for _ in range(200)))
                want = 200
                buf = b""
                while buf.count(b"\r\n") < want:
                    chunk = s.recv(65536)
                    assert chunk, "closed early"
                    buf += chunk
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    assert srv.client().get("counter") == str(50 * 200)
