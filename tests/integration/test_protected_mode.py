"""Protected mode tested from a real non-loopback address: a network namespace joined to
the host by a veth pair; the server binds the host end, the client connects from inside."""

import pytest

from netutil import NetNamespace

CLIENT = r"""
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
s.settimeout(1.5)
data = b""
try:
    for cmd in sys.argv[3:]:
        s.sendall(cmd.encode() + b"\r\n")
except (ConnectionResetError, BrokenPipeError):
    pass  # refused and closed: what the server said first is still to be read
try:
    while True:
        chunk = s.recv(65536)
        if not chunk:
            data += b"<CLOSED>"
            break
        data += chunk
except socket.timeout:
    pass
except (ConnectionResetError, BrokenPipeError):
    data += b"<CLOSED>"
sys.stdout.write(data.hex())
"""


@pytest.fixture(scope="module")
def netns():
    ns = NetNamespace()
    reason = ns.create()
    if reason:
        pytest.skip(f"cannot create a network namespace with a veth pair ({reason}); "
                    "protected mode from a non-loopback address is untested here")
    yield ns
    ns.destroy()


def remote(netns, srv, *commands):
    """Sends inline commands from inside the namespace; returns everything received
    (with <CLOSED> appended when the server closed the connection)."""
    out = netns.exec("/usr/bin/python3", "-c", CLIENT, netns.host_ip, str(srv.port),
                     *commands, timeout=30)
    return bytes.fromhex(out.stdout.strip()).decode(errors="replace")


def test_protected_mode_denies_non_loopback_client_without_password(netns, server_factory):
    srv = server_factory(bind=f"127.0.0.1 {netns.host_ip}")
    got = remote(netns, srv, "PING")
    assert got.startswith("-DENIED "), got
    assert "protected mode" in got
    assert got.endswith("<CLOSED>"), got
    # loopback clients are unaffected
    assert srv.raw().cmd("PING") == "PONG"


def test_protected_mode_denied_through_redis_cli(netns, server_factory):
    srv = server_factory(bind=f"127.0.0.1 {netns.host_ip}")
    out = netns.exec("redis-cli", "-h", netns.host_ip, "-p", str(srv.port), "PING",
                     check=False)
    assert "DENIED" in out.stdout + out.stderr


def test_protected_mode_lets_client_in_once_a_password_is_set(netns, server_factory):
    srv = server_factory(bind=f"127.0.0.1 {netns.host_ip}", requirepass="pw")
    got = remote(netns, srv, "PING")
    assert got.startswith("-NOAUTH Authentication required."), got
    assert not got.endswith("<CLOSED>")
    got = remote(netns, srv, "AUTH pw", "PING")
    assert got == "+OK\r\n+PONG\r\n", got


def test_password_set_at_runtime_opens_protected_mode(netns, server_factory):
    srv = server_factory(bind=f"127.0.0.1 {netns.host_ip}")
    assert remote(netns, srv, "PING").startswith("-DENIED")
    assert srv.raw().cmd("CONFIG", "SET", "requirepass", "pw2") == "OK"
    assert remote(netns, srv, "AUTH pw2", "PING") == "+OK\r\n+PONG\r\n"


def test_protected_mode_no_allows_non_loopback_clients(netns, server_factory):
    srv = server_factory(bind=f"127.0.0.1 {netns.host_ip}", protected_mode="no")
    assert remote(netns, srv, "PING") == "+PONG\r\n"


def test_server_not_bound_to_an_address_is_unreachable_there(netns, server_factory):
    srv = server_factory(bind="127.0.0.1")
    got = netns.exec("/usr/bin/python3", "-c", CLIENT, netns.host_ip, str(srv.port), "PING",
                     check=False)
    assert got.returncode != 0 and "Connection refused" in got.stderr
