"""Load limits: ten thousand concurrent connections, the open-file limit raised at start-up
to fit maxclients, and maxclients enforced with Redis's error."""

import resource
import socket

import pytest

from conftest import encode_command


@pytest.fixture
def low_fd_limit_at_start(request):
    """Starts servers with a soft open-file limit of 1024 (what many systems give a service),
    while this process may open up to its hard limit for the client side."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < 10200:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (10200, 10200))
            hard = 10200
        except (ValueError, OSError):
            pytest.skip(f"the hard open-file limit is {hard}: 10,000 client sockets need more")

    def with_low_limit(start):
        resource.setrlimit(resource.RLIMIT_NOFILE, (1024, hard))
        try:
            return start()
        finally:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    yield with_low_limit
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_ten_thousand_concurrent_connections(server_factory, low_fd_limit_at_start):
    srv = low_fd_limit_at_start(lambda: server_factory(maxclients="10000"))
    log = srv.log_text()
    assert "Increased maximum number of open files to 10032 (it was originally set to 1024)" \
        in log, log
    before = srv.peak_rss_kb()
    socks = []
    try:
        for _ in range(9999):
            socks.append(socket.create_connection(("127.0.0.1", srv.port), timeout=10))
        probe = srv.raw(timeout=10)  # the 10,000th
        ping = encode_command("PING")
        for s in socks:
            s.sendall(ping)
        for s in socks:
            got = b""
            while len(got) < 7:
                chunk = s.recv(7 - len(got))
                assert chunk, "connection closed"
                got += chunk
            assert got == b"+PONG\r\n"
        info = probe.cmd("INFO", "clients").decode()
        assert "connected_clients:10000\r\n" in info
        # The 10,001st is refused with Redis's error, and the rest stay up.
        extra = srv.raw(timeout=10)
        assert extra.read_raw(timeout=5) == b"-ERR max number of clients reached\r\n"
        assert probe.cmd("PING") == "PONG"
        grown_kb = srv.peak_rss_kb() - before
        # A connection costs a few kB at most while idle: the whole set stays under 150 MB.
        assert grown_kb < 150 * 1024, f"{grown_kb} kB for 10,000 connections"
        print(f"peak RSS growth for 10,000 connections: {grown_kb} kB "
              f"({grown_kb * 1024 // 10000} B per connection)")
    finally:
        for s in socks:
            s.close()
