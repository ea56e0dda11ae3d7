"""SLOWLOG GET|LEN|RESET|HELP: slowlog-log-slower-than and slowlog-max-len, Redis 7.0's
argument truncation (32 arguments, 128 bytes), the client address and name fields, and secrets
that never reach the log (AUTH, HELLO AUTH, CONFIG SET of sensitive directives, ACL SETUSER)."""

import pytest

from conftest import assert_error

SECRET = "s3cr3t-Pa55w0rd"


def log_everything(r):
    r.config_set("slowlog-log-slower-than", 0)
    r.execute_command("SLOWLOG", "RESET")


def entries(raw, count=-1):
    return raw.cmd("SLOWLOG", "GET", count)


def test_entry_fields_and_client_name(server, r):
    log_everything(r)
    raw = server.raw()
    raw.cmd("CLIENT", "SETNAME", "worker-1")
    raw.cmd("SET", "k", "v")
    top = entries(raw, 1)[0]
    assert len(top) == 6
    ident, ts, duration, args, peer, name = top
    assert isinstance(ident, int) and isinstance(ts, int) and duration >= 0
    assert args == [b"SET", b"k", b"v"]
    assert peer.startswith(b"127.0.0.1:")
    assert name == b"worker-1"


def test_ids_count_up_and_reset_keeps_counting(r):
    log_everything(r)
    r.set("a", 1)
    r.set("b", 2)
    raw = r.execute_command("SLOWLOG", "GET", 2)
    first_ids = [e[0] for e in raw]
    assert first_ids[0] == first_ids[1] + 1
    assert r.execute_command("SLOWLOG", "RESET") in (b"OK", "OK", True)
    assert r.execute_command("SLOWLOG", "LEN") == 1  # the RESET itself is logged
    later = r.execute_command("SLOWLOG", "GET")
    assert later[0][0] > first_ids[0]


def test_arguments_truncated_as_redis(server, r):
    log_everything(r)
    raw = server.raw()
    raw.cmd("SADD", "s", *[f"m{i}" for i in range(40)])
    raw.cmd("SET", "big", "x" * 300)
    big, many = entries(raw, 2)
    assert big[3] == [b"SET", b"big", b"x" * 128 + b"... (172 more bytes)"]
    assert len(many[3]) == 32
    assert many[3][:3] == [b"SADD", b"s", b"m0"]
    assert many[3][30] == b"m28"
    assert many[3][31] == b"... (11 more arguments)"


def test_threshold_and_max_len(r):
    r.config_set("slowlog-log-slower-than", -1)
    r.execute_command("SLOWLOG", "RESET")
    r.set("k", "v")
    assert r.execute_command("SLOWLOG", "LEN") == 0
    r.config_set("slowlog-log-slower-than", 1000000)
    r.set("k", "v")
    assert r.execute_command("SLOWLOG", "LEN") == 0
    r.config_set("slowlog-max-len", 3)
    r.config_set("slowlog-log-slower-than", 0)
    for i in range(10):
        r.set(f"k{i}", i)
    assert r.execute_command("SLOWLOG", "LEN") == 3


def test_get_count_and_errors(server, r):
    log_everything(r)
    for i in range(15):
        r.set(f"k{i}", i)
    raw = server.raw()
    assert len(raw.cmd("SLOWLOG", "GET")) == 10
    assert len(raw.cmd("SLOWLOG", "GET", 0)) == 0
    assert len(raw.cmd("SLOWLOG", "GET", -1)) >= 16
    assert_error(raw.cmd("SLOWLOG", "GET", -2), "ERR count should be greater than or equal to -1")
    assert_error(raw.cmd("SLOWLOG", "GET", "x"), "ERR count should be greater than or equal to -1")
    assert_error(raw.cmd("SLOWLOG", "GET", 1, 2),
                 "ERR unknown subcommand or wrong number of arguments for 'GET'. "
                 "Try SLOWLOG HELP.")
    assert_error(raw.cmd("SLOWLOG", "NOPE"), "ERR unknown subcommand 'NOPE'. Try SLOWLOG HELP.")
    help_lines = raw.cmd("SLOWLOG", "HELP")
    assert help_lines[0] == "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert "GET [<count>]" in help_lines


def test_exec_is_not_logged_but_its_commands_are(server, r):
    log_everything(r)
    raw = server.raw()
    raw.cmd("MULTI")
    raw.cmd("SET", "k", "v")
    raw.cmd("EXEC")
    names = [e[3][0].upper() for e in entries(raw)]
    assert b"EXEC" not in names
    assert b"MULTI" in names and b"SET" in names


def test_no_password_ever_appears(server, r):
    """Every way a secret travels in a command, logged with a zero threshold: the log holds
    "(redacted)" in its place and the secret's bytes nowhere."""
    log_everything(r)
    raw = server.raw()
    raw.cmd("ACL", "SETUSER", "alice", "on", f">{SECRET}", "~*", "+@all")
    raw.cmd("ACL", "SETUSER", "bob", "on", f"#{'a' * 64}", f">{SECRET}2")
    raw.cmd("AUTH", "alice", SECRET)
    raw.cmd("AUTH", SECRET)
    raw.cmd("AUTH", "alice", "wrong" + SECRET)
    raw.cmd("HELLO", 2, "AUTH", "alice", SECRET)
    raw.cmd("HELLO", 2, "AUTH", "alice", SECRET, "SETNAME", "n")
    raw.cmd("CONFIG", "SET", "masterauth", SECRET)
    raw.cmd("CONFIG", "SET", "requirepass", SECRET)
    raw.cmd("AUTH", SECRET)
    raw.cmd("CONFIG", "SET", "requirepass", "")
    for e in entries(raw):
        flat = b" ".join(e[3]) + e[4] + e[5]
        assert SECRET.encode() not in flat, e
        assert b"a" * 64 not in flat, e
    logged = [e[3] for e in entries(raw)]
    auth = [a for a in logged if a[0].upper() == b"AUTH"]
    assert auth and all(a[1:] == [b"(redacted)"] * (len(a) - 1) for a in auth)
    config = [a for a in logged if a[0].upper() == b"CONFIG" and a[2] == b"requirepass"]
    assert config and all(a[3] == b"(redacted)" for a in config)
    hello = [a for a in logged if a[0].upper() == b"HELLO"]
    assert hello and all(a[3:5] == [b"(redacted)", b"(redacted)"] for a in hello)


def test_config_set_redacts_even_when_an_earlier_pair_fails(server, r):
    log_everything(r)
    raw = server.raw()
    raw.cmd("CONFIG", "SET", "no-such-directive", "1", "requirepass", SECRET)
    for e in entries(raw):
        assert SECRET.encode() not in b" ".join(e[3]), e


@pytest.mark.redoubt_only
def test_auth_syntax_error_still_redacted(server, r):
    """Redis 7.0 logs `AUTH user password extra` (a syntax error) with the password in clear;
    Redoubt redacts before parsing."""
    log_everything(r)
    raw = server.raw()
    raw.cmd("AUTH", "alice", SECRET, "extra")
    for e in entries(raw):
        assert SECRET.encode() not in b" ".join(e[3]), e
