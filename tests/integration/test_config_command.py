"""CONFIG GET (globs) / SET (several pairs, all or nothing) / RESETSTAT / REWRITE."""

import fnmatch

import pytest
import redis

from conftest import assert_error, wrong_args


def cfg(raw, *patterns):
    reply = raw.cmd("CONFIG", "GET", *patterns)
    assert isinstance(reply, list) and len(reply) % 2 == 0, reply
    return {reply[i].decode(): reply[i + 1].decode() for i in range(0, len(reply), 2)}


def set_failed(arg, reason):
    return f"ERR CONFIG SET failed (possibly related to argument '{arg}') - {reason}"


def test_config_get_single(raw, server):
    assert cfg(raw, "port") == {"port": str(server.port)}
    assert cfg(raw, "maxmemory") == {"maxmemory": "0"}
    assert cfg(raw, "bind") == {"bind": "127.0.0.1"}
    assert cfg(raw, "databases") == {"databases": "16"}
    assert cfg(raw, "save") == {"save": ""}
    assert cfg(raw, "appendonly") == {"appendonly": "no"}
    assert cfg(raw, "dir") == {"dir": server.tmpdir}


def test_config_get_defaults_of_issue_directives(raw):
    expected = {"timeout": "0", "tcp-keepalive": "300", "tcp-backlog": "511",
                "maxclients": "10000", "proto-max-bulk-len": "536870912",
                "client-query-buffer-limit": "1073741824", "hz": "10",
                "protected-mode": "yes", "enable-debug-command": "no", "loglevel": "notice",
                "logfile": "", "daemonize": "no", "unixsocket": "", "unixsocketperm": "0",
                "requirepass": "", "maxmemory-policy": "noeviction", "pidfile": ""}
    got = cfg(raw, *expected)
    assert got == expected


def test_config_get_glob(raw):
    got = cfg(raw, "max*")
    assert {"maxmemory", "maxclients", "maxmemory-policy"} <= set(got)
    assert all(fnmatch.fnmatchcase(name, "max*") for name in got)
    got = cfg(raw, "*port*")
    assert "port" in got
    assert all("port" in name for name in got)
    everything = cfg(raw, "*")
    assert len(everything) > 20 and "port" in everything and "bind" in everything


def test_config_get_several_patterns(raw):
    got = cfg(raw, "maxmemory", "port", "nosuch")
    assert set(got) == {"maxmemory", "port"}


def test_config_get_unknown_is_empty(raw):
    assert raw.cmd("CONFIG", "GET", "nosuch-directive") == []
    assert_error(raw.cmd("CONFIG", "GET"), wrong_args("config|get"))


def test_config_set_and_get(raw):
    assert raw.cmd("CONFIG", "SET", "maxmemory", "10mb") == "OK"
    assert cfg(raw, "maxmemory") == {"maxmemory": "10485760"}
    assert raw.cmd("CONFIG", "SET", "MAXMEMORY", "1gb") == "OK"  # names are case-insensitive
    assert cfg(raw, "maxmemory") == {"maxmemory": "1073741824"}
    assert raw.cmd("CONFIG", "SET", "timeout", "30") == "OK"
    assert cfg(raw, "timeout") == {"timeout": "30"}


def test_config_set_several_pairs(raw):
    assert raw.cmd("CONFIG", "SET", "maxmemory", "10mb", "hz", "20", "timeout", "5") == "OK"
    assert cfg(raw, "maxmemory", "hz", "timeout") == {"maxmemory": "10485760", "hz": "20",
                                                       "timeout": "5"}


def test_config_set_several_pairs_is_atomic(raw):
    raw.cmd("CONFIG", "SET", "maxmemory", "10mb")
    reply = raw.cmd("CONFIG", "SET", "maxmemory", "20mb", "hz", "abc")
    assert_error(reply, set_failed("hz", "argument couldn't be parsed into an integer"))
    assert cfg(raw, "maxmemory") == {"maxmemory": "10485760"}
    reply = raw.cmd("CONFIG", "SET", "timeout", "7", "nosuch", "1")
    assert_error(reply, "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'")
    assert cfg(raw, "timeout") == {"timeout": "0"}


def test_config_set_duplicate_parameter(raw):
    reply = raw.cmd("CONFIG", "SET", "maxmemory", "30mb", "maxmemory", "40mb")
    assert_error(reply, set_failed("maxmemory", "duplicate parameter"))
    assert cfg(raw, "maxmemory") == {"maxmemory": "0"}


def test_config_set_errors(raw):
    assert_error(raw.cmd("CONFIG", "SET", "nosuch", "1"),
                 "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'")
    assert_error(raw.cmd("CONFIG", "SET", "maxmemory"), wrong_args("config|set"))
    assert_error(raw.cmd("CONFIG", "SET", "maxmemory", "10mb", "hz"), "ERR syntax error")
    assert_error(raw.cmd("CONFIG", "SET", "maxmemory", "abc"),
                 set_failed("maxmemory", "argument must be a memory value"))
    assert_error(raw.cmd("CONFIG", "SET", "maxclients", "0"),
                 set_failed("maxclients", "argument must be between 1 and 4294967295 inclusive"))
    assert_error(raw.cmd("CONFIG", "SET", "timeout", "-1"),
                 set_failed("timeout", "argument must be between 0 and 2147483647 inclusive"))
    assert_error(raw.cmd("CONFIG", "SET", "protected-mode", "foo"),
                 set_failed("protected-mode", "argument must be 'yes' or 'no'"))
    assert_error(raw.cmd("CONFIG", "SET", "loglevel", "foo"),
                 set_failed("loglevel", "argument(s) must be one of the following: debug, "
                            "verbose, notice, warning"))


def test_config_set_immutable(raw):
    for name, value in (("daemonize", "yes"), ("databases", "4"), ("unixsocket", "/tmp/x"),
                        ("enable-debug-command", "yes")):
        assert_error(raw.cmd("CONFIG", "SET", name, value),
                     set_failed(name, "can't set immutable config"))


def test_config_set_protected_refused_by_default(raw):
    assert cfg(raw, "enable-protected-configs") == {"enable-protected-configs": "no"}
    assert_error(raw.cmd("CONFIG", "SET", "dir", "/tmp"),
                 set_failed("dir", "can't set protected config"))


def test_config_set_hz_is_clamped(raw):
    assert raw.cmd("CONFIG", "SET", "hz", "0") == "OK"
    assert cfg(raw, "hz") == {"hz": "1"}
    assert raw.cmd("CONFIG", "SET", "hz", "1000") == "OK"
    assert cfg(raw, "hz") == {"hz": "500"}


def test_config_resetstat(raw):
    for _ in range(5):
        raw.cmd("GET", "nokey")
    raw.cmd("NOSUCHCOMMAND")
    assert raw.cmd("CONFIG", "RESETSTAT") == "OK"
    info = raw.cmd("INFO", "all").decode()
    fields = dict(line.split(":", 1) for line in info.split("\r\n")
                  if line and not line.startswith("#"))
    assert fields["keyspace_misses"] == "0"
    assert fields["total_error_replies"] == "0"
    assert int(fields["total_commands_processed"]) <= 1
    assert "cmdstat_get" not in fields


def test_config_unknown_subcommand(raw):
    assert_error(raw.cmd("CONFIG", "FOO"), "ERR unknown subcommand 'FOO'. Try CONFIG HELP.")
    assert_error(raw.cmd("CONFIG"), wrong_args("config"))
    assert isinstance(raw.cmd("CONFIG", "HELP"), list)


def test_config_rewrite_persists_runtime_changes(server_factory):
    srv = server_factory(maxmemory="1mb")
    c = srv.raw()
    assert c.cmd("CONFIG", "SET", "maxmemory", "10mb", "timeout", "77") == "OK"
    assert c.cmd("CONFIG", "REWRITE") == "OK"
    text = open(srv.config_path).read()
    assert "timeout 77" in text
    srv.stop()
    # restart from the rewritten file: the values are back
    srv2 = server_factory(port=srv.port, use_config_file=False, args=[srv.config_path])
    c2 = srv2.raw()
    assert cfg(c2, "maxmemory", "timeout") == {"maxmemory": "10485760", "timeout": "77"}


def test_config_rewrite_without_config_file(server_factory):
    srv = server_factory(use_config_file=False)
    assert_error(srv.raw().cmd("CONFIG", "REWRITE"),
                 "ERR The server is running without a config file")


def test_config_get_in_resp3_is_a_map(raw):
    raw.cmd("HELLO", "3")
    raw.send(b"*3\r\n$6\r\nCONFIG\r\n$3\r\nGET\r\n$9\r\nmaxmemory\r\n")
    assert raw.read_raw(27) == b"%1\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n"


@pytest.mark.redoubt_only  # Redis writes the new password in clear text
def test_config_rewrite_never_answers_ok_while_the_file_keeps_an_old_password(server_factory):
    srv = server_factory(requirepass="old-leaked-password")
    c = srv.client(password="old-leaked-password")
    assert c.config_set("requirepass", "new-rotated-password")
    c = srv.client(password="new-rotated-password")
    before = open(srv.config_path).read()
    with pytest.raises(redis.ResponseError) as e:
        c.execute_command("CONFIG", "REWRITE")
    assert str(e.value).startswith("CONFIG REWRITE refused: requirepass was changed at runtime")
    assert "requirepass-file" in str(e.value)
    text = open(srv.config_path).read()
    assert text == before
    assert "new-rotated-password" not in text
    # With the file brought up to date by hand, the rewrite goes through.
    with open(srv.config_path, "w") as f:
        f.write(before.replace("old-leaked-password", "new-rotated-password"))
    assert c.execute_command("CONFIG", "REWRITE") == "OK"
