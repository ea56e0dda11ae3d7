"""Server and connection commands: PING, ECHO, QUIT, RESET, INFO, TIME, LASTSAVE, MONITOR,
SHUTDOWN, DEBUG."""

import os
import re
import time

import pytest

from conftest import Err, assert_error, encode_command, wrong_args

DEBUG_REFUSED = ('ERR DEBUG command not allowed. If the enable-debug-command option is set to '
                 '"local", you can run it from a local connection, otherwise you need to set '
                 'this option in the configuration file, and then restart the server.')


def parse_info(text):
    if isinstance(text, bytes):
        text = text.decode()
    fields, sections = {}, []
    for line in text.split("\r\n"):
        if line.startswith("# "):
            sections.append(line[2:])
        elif line:
            k, _, v = line.partition(":")
            fields[k] = v
    return sections, fields


def test_ping(raw):
    assert raw.cmd("PING") == "PONG"
    assert raw.cmd("PING", "hello world") == b"hello world"
    assert_error(raw.cmd("PING", "a", "b"), wrong_args("ping"))


def test_echo(raw):
    assert raw.cmd("ECHO", "hi\r\nthere") == b"hi\r\nthere"
    assert_error(raw.cmd("ECHO"), wrong_args("echo"))
    assert_error(raw.cmd("ECHO", "a", "b"), wrong_args("echo"))


def test_quit_replies_ok_and_closes(raw):
    raw.send(encode_command("QUIT"))
    assert raw.read_reply() == "OK"
    assert raw.is_closed()


def test_commands_pipelined_after_quit_are_not_executed(server):
    c = server.raw()
    c.send(encode_command("QUIT") + encode_command("SET", "after-quit", "1"))
    assert c.read_reply() == "OK"
    assert c.is_closed()
    assert server.raw().cmd("EXISTS", "after-quit") == 0


def test_reset_restores_connection_defaults(raw):
    raw.cmd("SELECT", "3")
    raw.cmd("CLIENT", "SETNAME", "someone")
    raw.cmd("HELLO", "3")
    assert raw.cmd("RESET") == "RESET"
    assert raw.cmd("CLIENT", "GETNAME") is None
    info = raw.cmd("CLIENT", "INFO").decode()
    assert " db=0 " in info and "resp=2" in info
    raw.send(encode_command("GET", "nokey"))
    assert raw.read_raw(5) == b"$-1\r\n"  # back to RESP2


def test_reset_deauthenticates(server_factory):
    srv = server_factory(requirepass="pw")
    c = srv.raw()
    assert c.cmd("AUTH", "pw") == "OK"
    assert c.cmd("PING") == "PONG"
    assert c.cmd("RESET") == "RESET"
    assert_error(c.cmd("PING"), "NOAUTH Authentication required.")


def test_time(raw):
    secs, usecs = raw.cmd("TIME")
    assert abs(int(secs) - time.time()) < 5
    assert 0 <= int(usecs) < 1000000


def test_lastsave(raw):
    ts = raw.cmd("LASTSAVE")
    assert isinstance(ts, int)
    assert abs(ts - time.time()) < 60


INFO_FIELDS = {
    "Server": ["redis_version", "redis_mode", "os", "arch_bits", "multiplexing_api",
               "process_id", "run_id", "tcp_port", "uptime_in_seconds", "uptime_in_days",
               "hz", "configured_hz", "executable", "config_file"],
    "Clients": ["connected_clients", "maxclients", "blocked_clients"],
    "Memory": ["used_memory", "used_memory_human", "used_memory_rss", "used_memory_peak",
               "used_memory_peak_human", "maxmemory", "maxmemory_human", "maxmemory_policy",
               "mem_fragmentation_ratio", "mem_allocator"],
    "Persistence": ["loading", "rdb_changes_since_last_save", "rdb_bgsave_in_progress",
                    "rdb_last_save_time", "rdb_last_bgsave_status", "aof_enabled",
                    "aof_rewrite_in_progress"],
    "Stats": ["total_connections_received", "total_commands_processed",
              "instantaneous_ops_per_sec", "total_net_input_bytes", "total_net_output_bytes",
              "rejected_connections", "expired_keys", "evicted_keys", "keyspace_hits",
              "keyspace_misses", "total_error_replies"],
    "Replication": ["role", "connected_slaves", "master_replid", "master_repl_offset"],
}


def test_info_default_sections_and_fields(server, raw):
    sections, fields = parse_info(raw.cmd("INFO"))
    for section, names in INFO_FIELDS.items():
        assert section in sections, f"missing section # {section}"
        for name in names:
            assert name in fields, f"missing INFO field {name} in # {section}"
    assert "Keyspace" in sections
    assert fields["role"] == "master"
    assert fields["redis_mode"] == "standalone"
    assert int(fields["tcp_port"]) == server.port
    assert int(fields["process_id"]) == server.pid
    assert re.fullmatch(r"[0-9a-f]{40}", fields["run_id"])
    assert re.fullmatch(r"\d+\.\d+\.\d+", fields["redis_version"])
    assert tuple(map(int, fields["redis_version"].split("."))) >= (7, 0, 0)
    assert fields["config_file"] == server.config_path
    assert fields["maxmemory_policy"] == "noeviction"
    assert int(fields["used_memory"]) > 0


def test_info_single_and_multiple_sections(raw):
    sections, fields = parse_info(raw.cmd("INFO", "server"))
    assert sections == ["Server"]
    sections, _ = parse_info(raw.cmd("INFO", "clients", "memory"))
    assert sections == ["Clients", "Memory"]
    sections, _ = parse_info(raw.cmd("INFO", "CLIENTS"))
    assert sections == ["Clients"]
    assert raw.cmd("INFO", "nosuchsection") == b""


def test_info_all_and_everything_include_commandstats(raw):
    for arg in ("all", "everything"):
        sections, _ = parse_info(raw.cmd("INFO", arg))
        assert "Commandstats" in sections and "Keyspace" in sections


def test_info_keyspace_format(raw):
    raw.cmd("SET", "a", "1")
    raw.cmd("SET", "b", "1", "EX", "1000")
    raw.cmd("SELECT", "2")
    raw.cmd("SET", "c", "1")
    _, fields = parse_info(raw.cmd("INFO", "keyspace"))
    assert re.fullmatch(r"keys=2,expires=1,avg_ttl=\d+", fields["db0"])
    assert fields["db2"] == "keys=1,expires=0,avg_ttl=0"
    assert "db1" not in fields


def test_info_commandstats_format(raw):
    raw.cmd("SET", "a", "1")
    raw.cmd("SET", "a", "2")
    raw.cmd("GET", "a")
    _, fields = parse_info(raw.cmd("INFO", "commandstats"))
    assert re.fullmatch(r"calls=2,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,"
                        r"failed_calls=0", fields["cmdstat_set"])
    assert fields["cmdstat_get"].startswith("calls=1,")


def test_info_stats_count_commands_and_hits(raw):
    raw.cmd("CONFIG", "RESETSTAT")
    raw.cmd("SET", "a", "1")
    raw.cmd("GET", "a")
    raw.cmd("GET", "nokey")
    _, fields = parse_info(raw.cmd("INFO", "stats"))
    assert int(fields["keyspace_hits"]) == 1
    assert int(fields["keyspace_misses"]) == 1
    assert int(fields["total_commands_processed"]) >= 4


def test_info_clients_counts_connections(server, raw):
    others = [server.raw() for _ in range(3)]
    for o in others:
        o.cmd("PING")
    _, fields = parse_info(raw.cmd("INFO", "clients"))
    assert int(fields["connected_clients"]) == 4


def test_info_errorstats_counts_failed_auth(server_factory):
    srv = server_factory(requirepass="pw")
    c = srv.raw()
    c.cmd("AUTH", "bad1")
    c.cmd("AUTH", "bad2")
    c.cmd("AUTH", "pw")
    _, fields = parse_info(c.cmd("INFO", "errorstats"))
    assert fields["errorstat_WRONGPASS"] == "count=2"


def test_monitor_streams_commands(server):
    mon = server.raw()
    assert mon.cmd("MONITOR") == "OK"
    c = server.raw()
    c.cmd("SET", "foo", 'bar "baz"')
    c.cmd("SELECT", "2")
    c.cmd("GET", "foo")
    c.cmd("AUTH", "secret-password")
    lines = [mon.read_line(timeout=5).decode() for _ in range(4)]
    pat = r'\+\d+\.\d{6} \[(\d+) 127\.0\.0\.1:\d+\] (.*)'
    parsed = [re.fullmatch(pat, line) for line in lines]
    assert all(parsed), lines
    assert parsed[0].group(2) == '"SET" "foo" "bar \\"baz\\""'
    assert parsed[0].group(1) == "0"
    assert parsed[1].group(2) == '"SELECT" "2"'
    assert parsed[2].group(1) == "2" and parsed[2].group(2) == '"GET" "foo"'
    assert parsed[3].group(2) == '"AUTH" "(redacted)"'
    assert "secret-password" not in "".join(lines)


def test_monitor_does_not_show_admin_commands(server):
    mon = server.raw()
    mon.cmd("MONITOR")
    c = server.raw()
    c.cmd("CONFIG", "SET", "maxmemory", "0")
    c.cmd("PING")
    line = mon.read_line(timeout=5).decode()
    assert line.endswith('"PING"'), line


def test_monitor_client_cannot_touch_keyspace(server):
    mon = server.raw()
    mon.cmd("MONITOR")
    assert_error(mon.cmd("GET", "x"), "ERR Replica can't interact with the keyspace")


def test_shutdown_nosave_stops_the_server(server):
    c = server.raw()
    c.send(encode_command("SHUTDOWN", "NOSAVE"))
    assert c.is_closed(timeout=10)
    assert server.wait_exit(timeout=10) == 0


def test_shutdown_bad_arguments(raw):
    assert_error(raw.cmd("SHUTDOWN", "FOO"), "ERR syntax error")
    assert_error(raw.cmd("SHUTDOWN", "NOSAVE", "SAVE"), "ERR syntax error")
    assert raw.cmd("PING") == "PONG"


def test_debug_refused_by_default(raw):
    assert_error(raw.cmd("DEBUG", "SLEEP", "0"), DEBUG_REFUSED)
    assert_error(raw.cmd("DEBUG", "OBJECT", "x"), DEBUG_REFUSED)
    assert raw.cmd("CONFIG", "GET", "enable-debug-command") == [b"enable-debug-command", b"no"]


def test_enable_debug_command_cannot_be_set_at_runtime(raw):
    reply = raw.cmd("CONFIG", "SET", "enable-debug-command", "yes")
    assert_error(reply, "ERR CONFIG SET failed (possibly related to argument "
                 "'enable-debug-command') - can't set immutable config")
    assert_error(raw.cmd("DEBUG", "SLEEP", "0"), DEBUG_REFUSED)


def test_debug_allowed_when_enabled(server_factory):
    srv = server_factory(enable_debug_command="yes")
    c = srv.raw()
    assert not isinstance(c.cmd("DEBUG", "SLEEP", "0"), Err)


def test_wrong_arity_is_reported_with_command_name(raw):
    assert_error(raw.cmd("SET", "onlykey"), wrong_args("set"))
    assert_error(raw.cmd("set", "onlykey"), wrong_args("set"))
    assert_error(raw.cmd("DBSIZE", "extra"), wrong_args("dbsize"))
