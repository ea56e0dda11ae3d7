"""Client memory: client-output-buffer-limit disconnects a subscriber that never reads at the
pubsub limit and a pipelining client that never reads at the normal limit, and (Redoubt only)
a client that has not authenticated cannot make the server hold more than 64 KB of replies."""

import socket
import time

import pytest

from conftest import wait_until


def small_socket(port):
    """A client socket with a small receive window, so replies pile up on the server."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", port))
    s.settimeout(0.2)
    return s


def send_until_closed(s, payload, seconds=10):
    """Sends payload over and over without reading; True once the server has closed us."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            s.send(payload)
        except socket.timeout:
            time.sleep(0.01)  # our send buffer is full: the server stopped reading or closed
        except (BrokenPipeError, ConnectionResetError):
            return True
    return False


def client_count(c):
    return len(c.client_list())


def test_subscriber_that_never_reads_is_disconnected_at_the_pubsub_limit(server_factory):
    srv = server_factory(config={"client-output-buffer-limit": "pubsub 1mb 512kb 60"})
    c = srv.client(decode_responses=False)
    sub = small_socket(srv.port)
    sub.sendall(b"SUBSCRIBE news\r\n")
    assert wait_until(lambda: c.pubsub_numsub("news")[0][1] == 1)
    message = b"m" * 10000
    for _ in range(100):  # up to 100 x 10 x 10 KB = 10 MB, far past the 1 MB hard limit
        p = c.pipeline(transaction=False)
        for _ in range(10):
            p.publish("news", message)
        p.execute()
        if c.pubsub_numsub("news")[0][1] == 0:
            break
    assert wait_until(lambda: c.pubsub_numsub("news")[0][1] == 0)
    assert client_count(c) == 1
    assert wait_until(lambda: "output buffer limits" in srv.log_text() or
                      "scheduled to be closed ASAP" in srv.log_text())


def test_pipelining_client_that_never_reads_is_disconnected_at_the_normal_limit(server_factory):
    srv = server_factory(config={"client-output-buffer-limit": "normal 2mb 0 0"})
    c = srv.client(decode_responses=False)
    c.set("big", b"x" * 100000)
    greedy = small_socket(srv.port)
    assert send_until_closed(greedy, b"GET big\r\n" * 50)
    assert wait_until(lambda: client_count(c) == 1)
    assert c.ping()


def test_pipelining_client_is_kept_without_a_normal_limit(server_factory):
    # The default "normal 0 0 0": the same client is never cut off for its output.
    srv = server_factory()
    c = srv.client(decode_responses=False)
    c.set("big", b"x" * 100000)
    greedy = small_socket(srv.port)
    assert not send_until_closed(greedy, b"GET big\r\n" * 50, seconds=2)
    assert client_count(c) == 2
    # CLIENT LIST shows what is waiting for it (omem, which the output limits check).
    assert max(int(cl["omem"]) for cl in c.client_list()) > 1024 * 1024
    greedy.close()


@pytest.mark.redoubt_only
def test_unauthenticated_client_cannot_make_the_server_hold_replies(server_factory):
    srv = server_factory(requirepass="secret-pass-123")
    c = srv.client(password="secret-pass-123")
    before = c.info("memory")["used_memory"]
    greedy = small_socket(srv.port)
    # Each PING answers -NOAUTH; 256 KB of requests a send, never reading a byte.
    assert send_until_closed(greedy, b"PING\r\n" * 40000, seconds=20)
    assert wait_until(lambda: client_count(c) == 1)
    assert "unauthenticated output limit" in srv.log_text()
    assert c.info("memory")["used_memory"] < before + 4 * 1024 * 1024


def test_maxmemory_clients_evicts_the_client_using_most_memory(server_factory):
    srv = server_factory(maxmemory_clients="4mb")
    c = srv.client()
    protected = small_socket(srv.port)
    protected.sendall(b"CLIENT NO-EVICT on\r\n")
    assert protected.recv(100) == b"+OK\r\n"
    hog = small_socket(srv.port)
    # Both send the first 3 MB of an 8 MB SET: 6 MB of query buffers, over the 4 MB limit.
    head = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$8388608\r\n"
    protected.settimeout(10)
    protected.sendall(head + b"x" * (3 * 1024 * 1024))
    hog.settimeout(10)
    assert send_until_closed(hog, head + b"x" * (3 * 1024 * 1024))
    assert wait_until(lambda: c.info("stats")["evicted_clients"] == 1)
    assert len(c.client_list()) == 2  # c and the NO-EVICT client remain
