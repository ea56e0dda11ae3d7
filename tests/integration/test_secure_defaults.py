"""Redoubt's secure defaults: loopback-only bind with no config at all, a loud warning
when exposed without a password, protected mode and DEBUG/protected configs off."""

import ipaddress
import socket

import pytest

from conftest import Err, assert_error
from netutil import NetNamespace, global_ipv4_addresses, listening_addresses


@pytest.mark.redoubt_only
def test_no_config_binds_exactly_ipv4_and_ipv6_loopback(server_factory):
    """Started with only --port N and no config file, the listening sockets are exactly
    127.0.0.1:N and [::1]:N."""
    srv = server_factory(use_config_file=False)
    assert srv.cmdline == [srv.binary, "--port", str(srv.port)]
    listening = listening_addresses(srv.pid)
    assert listening == {("127.0.0.1", srv.port), ("::1", srv.port)}, listening


@pytest.mark.redoubt_only
def test_no_config_is_reachable_on_both_loopbacks(server_factory):
    srv = server_factory(use_config_file=False)
    for host in ("127.0.0.1", "::1"):
        with socket.create_connection((host, srv.port), timeout=5) as s:
            s.sendall(b"PING\r\n")
            assert s.recv(100) == b"+PONG\r\n"


@pytest.mark.redoubt_only
def test_no_config_defaults(server_factory):
    srv = server_factory(use_config_file=False)
    c = srv.raw()
    got = c.cmd("CONFIG", "GET", "bind")
    assert {a.lstrip("-") for a in got[1].decode().split()} == {"127.0.0.1", "::1"}
    assert c.cmd("CONFIG", "GET", "protected-mode") == [b"protected-mode", b"yes"]
    assert c.cmd("CONFIG", "GET", "enable-debug-command") == [b"enable-debug-command", b"no"]
    assert c.cmd("CONFIG", "GET", "enable-protected-configs") == [
        b"enable-protected-configs", b"no"]


def test_protected_mode_is_on_by_default(server_factory):
    srv = server_factory(use_config_file=False)
    assert srv.raw().cmd("CONFIG", "GET", "protected-mode") == [b"protected-mode", b"yes"]


def test_debug_is_off_by_default_without_config(server_factory):
    srv = server_factory(use_config_file=False)
    reply = srv.raw().cmd("DEBUG", "SLEEP", "0")
    assert_error(reply, "ERR DEBUG command not allowed.*")


@pytest.fixture
def non_loopback_ipv4():
    """A non-loopback IPv4 address of this host: a global one, else a veth end we make."""
    addrs = global_ipv4_addresses()
    if addrs:
        yield addrs[0]
        return
    ns = NetNamespace()
    reason = ns.create()
    if reason:
        pytest.skip(f"no non-loopback IPv4 address on this host ({reason})")
    yield ns.host_ip
    ns.destroy()


def exposure_warnings(srv, address):
    """Log lines with WARNING that speak of the exposure (address, bind, password...)."""
    words = (address.lower(), "password", "bind", "expos", "protected", "requirepass")
    return [line for line in srv.log_text().splitlines()
            if "WARNING" in line and any(w in line.lower() for w in words)]


@pytest.mark.redoubt_only
def test_non_loopback_bind_without_password_logs_warning(server_factory, non_loopback_ipv4):
    assert not ipaddress.ip_address(non_loopback_ipv4).is_loopback
    srv = server_factory(bind=f"127.0.0.1 {non_loopback_ipv4}")
    srv.raw().cmd("PING")
    assert exposure_warnings(srv, non_loopback_ipv4), srv.log_text()


@pytest.mark.redoubt_only
def test_wildcard_bind_without_password_logs_warning(server_factory):
    srv = server_factory(bind="0.0.0.0")
    srv.raw().cmd("PING")
    assert exposure_warnings(srv, "0.0.0.0"), srv.log_text()


def test_loopback_bind_logs_no_exposure_warning(server_factory):
    srv = server_factory(bind="127.0.0.1 ::1")
    srv.raw().cmd("PING")
    assert not exposure_warnings(srv, "127.0.0.1")


def test_protected_configs_refused_by_default(raw):
    for name, value in (("dir", "/tmp"), ("dbfilename", "x.rdb")):
        reply = raw.cmd("CONFIG", "SET", name, value)
        assert isinstance(reply, Err), f"CONFIG SET {name} accepted"
