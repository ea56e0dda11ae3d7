"""Connection handling: maxclients, timeout, unixsocket/unixsocketperm, IPv6, tcp-keepalive."""

import os
import socket
import stat
import time

import pytest

from conftest import RawConn, free_port


def test_maxclients_rejects_extra_connections(server_factory):
    srv = server_factory(maxclients=2)
    time.sleep(0.3)  # let the server see the close of the framework's readiness probe
    a, b = srv.raw(), srv.raw()
    assert a.cmd("PING") == "PONG" and b.cmd("PING") == "PONG"
    c = srv.raw()
    assert c.read_raw(timeout=5) == b"-ERR max number of clients reached\r\n"
    assert c.is_closed()
    stats = a.cmd("INFO", "stats").decode().split("\r\n")
    fields = dict(line.split(":", 1) for line in stats if ":" in line)
    assert int(fields["rejected_connections"]) >= 1
    b.close()
    time.sleep(0.2)
    d = srv.raw()
    assert d.cmd("PING") == "PONG"  # a freed slot can be reused


def test_maxclients_settable_at_runtime(server):
    time.sleep(0.3)  # let the server see the close of the framework's readiness probe
    a = server.raw()
    assert a.cmd("CONFIG", "SET", "maxclients", "1") == "OK"
    b = server.raw()
    assert b.read_raw(timeout=5) == b"-ERR max number of clients reached\r\n"
    assert a.cmd("PING") == "PONG"


def test_idle_client_is_closed_after_timeout(server_factory):
    srv = server_factory(timeout=1)
    c = srv.raw()
    assert c.cmd("PING") == "PONG"
    t0 = time.monotonic()
    assert c.is_closed(timeout=6)
    assert 0.8 <= time.monotonic() - t0 <= 6
    assert srv.raw().cmd("PING") == "PONG"


def test_active_client_is_not_closed_by_timeout(server_factory):
    srv = server_factory(timeout=1)
    c = srv.raw()
    for _ in range(8):
        assert c.cmd("PING") == "PONG"
        time.sleep(0.3)


def test_timeout_zero_never_closes(server):
    c = server.raw()
    c.cmd("PING")
    assert not c.is_closed(timeout=1.5)


def test_unixsocket_with_perm(server_factory, tmp_path):
    path = str(tmp_path / "redoubt.sock")
    srv = server_factory(unixsocket=path, unixsocketperm="700")
    mode = os.stat(path).st_mode
    assert stat.S_ISSOCK(mode)
    assert stat.S_IMODE(mode) == 0o700
    with RawConn(unix_path=path) as c:
        assert c.cmd("PING") == "PONG"
        info = c.cmd("CLIENT", "INFO").decode()
        assert "addr=" + path + ":0" in info or "addr=/" in info
    assert srv.raw().cmd("PING") == "PONG"  # TCP still works alongside


@pytest.mark.parametrize("perm", ["770", "755", "600"])
def test_unixsocket_perm_modes(server_factory, tmp_path, perm):
    path = str(tmp_path / f"s{perm}.sock")
    server_factory(unixsocket=path, unixsocketperm=perm)
    assert stat.S_IMODE(os.stat(path).st_mode) == int(perm, 8)


def test_unixsocket_only_with_port_0(server_factory, tmp_path):
    path = str(tmp_path / "only.sock")
    srv = server_factory(port=0, unixsocket=path, unixsocketperm="700")
    with RawConn(unix_path=path) as c:
        assert c.cmd("SET", "k", "v") == "OK"
    out = srv.cli("get", "k")
    assert out.stdout.strip() == "v"


def test_unixsocket_removed_on_sigterm(server_factory, tmp_path):
    path = str(tmp_path / "gone.sock")
    srv = server_factory(unixsocket=path, unixsocketperm="700")
    assert os.path.exists(path)
    assert srv.stop() == 0
    assert not os.path.exists(path)


def test_ipv6_loopback_bind(server_factory):
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    srv = server_factory(bind="127.0.0.1 ::1")
    with RawConn("::1", srv.port) as c:
        assert c.cmd("PING") == "PONG"
    with RawConn("127.0.0.1", srv.port) as c:
        assert c.cmd("PING") == "PONG"


def test_optional_bind_address_may_be_missing(server_factory):
    # a leading '-' marks an address that may be unavailable (198.51.100.77 is TEST-NET-2)
    srv = server_factory(bind="127.0.0.1 -198.51.100.77")
    assert srv.raw().cmd("PING") == "PONG"


def test_unavailable_bind_address_fails_start(run_binary):
    proc = run_binary(["--port", str(free_port()), "--bind", "198.51.100.77", "--save", "",
                       "--daemonize", "no"])
    assert proc.returncode == 1, proc.stdout


def test_tcp_keepalive_is_settable(raw):
    assert raw.cmd("CONFIG", "SET", "tcp-keepalive", "60") == "OK"
    assert raw.cmd("CONFIG", "GET", "tcp-keepalive") == [b"tcp-keepalive", b"60"]


def test_many_concurrent_connections(server):
    conns = [server.raw() for _ in range(200)]
    for i, c in enumerate(conns):
        c.send(b"*3\r\n$3\r\nSET\r\n$%d\r\nc%d\r\n$1\r\nx\r\n" % (len(str(i)) + 1, i))
    for c in conns:
        assert c.read_reply() == "OK"
    assert conns[0].cmd("DBSIZE") == 200


def test_abrupt_disconnects_do_not_disturb_others(server):
    keeper = server.raw()
    for _ in range(50):
        s = socket.create_connection(("127.0.0.1", server.port))
        s.sendall(b"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$100000\r\n" + b"x" * 1000)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()  # RST
    assert keeper.cmd("PING") == "PONG"
