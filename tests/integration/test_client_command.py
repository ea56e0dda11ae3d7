"""CLIENT ID / INFO / LIST / SETNAME / GETNAME / KILL / PAUSE / UNPAUSE / NO-EVICT / REPLY."""

import re
import time

from conftest import SYNTAX, assert_error, encode_command, wrong_args

CLIENT_FIELDS = ["id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub",
                 "psub", "multi", "qbuf", "qbuf-free", "obl", "oll", "omem", "events", "cmd",
                 "user", "resp"]


def parse_client_line(line):
    return dict(item.split("=", 1) for item in line.strip().split(" "))


def test_client_id_is_unique_and_increasing(server):
    a, b = server.raw(), server.raw()
    ida, idb = a.cmd("CLIENT", "ID"), b.cmd("CLIENT", "ID")
    assert isinstance(ida, int) and idb > ida
    assert a.cmd("CLIENT", "ID") == ida


def test_client_info_fields(server, raw):
    line = raw.cmd("CLIENT", "INFO").decode()
    assert line.endswith("\n")
    info = parse_client_line(line)
    for field in CLIENT_FIELDS:
        assert field in info, f"CLIENT INFO lacks {field}: {line}"
    assert int(info["id"]) == raw.cmd("CLIENT", "ID")
    assert info["addr"] == "127.0.0.1:%d" % raw.sock.getsockname()[1]
    assert info["laddr"] == "127.0.0.1:%d" % server.port
    assert info["db"] == "0" and info["resp"] == "2" and info["user"] == "default"
    assert info["cmd"] == "client|info"
    assert info["flags"] == "N"


def test_client_list_shows_every_client(server):
    a, b = server.raw(), server.raw()
    b.cmd("CLIENT", "SETNAME", "second")
    b.cmd("SELECT", "4")
    text = a.cmd("CLIENT", "LIST").decode()
    lines = [parse_client_line(l) for l in text.strip("\n").split("\n")]
    assert len(lines) == 2
    by_id = {int(l["id"]): l for l in lines}
    assert by_id[b.cmd("CLIENT", "ID")]["name"] == "second"
    assert by_id[b.cmd("CLIENT", "ID")]["db"] == "4"
    assert by_id[a.cmd("CLIENT", "ID")]["cmd"] == "client|list"


def test_client_list_filters(server, raw):
    other = server.raw()
    oid = other.cmd("CLIENT", "ID")
    text = raw.cmd("CLIENT", "LIST", "ID", str(oid)).decode()
    assert parse_client_line(text)["id"] == str(oid)
    assert raw.cmd("CLIENT", "LIST", "ID", "999999") == b""
    assert raw.cmd("CLIENT", "LIST", "TYPE", "normal").count(b"\n") == 2
    assert_error(raw.cmd("CLIENT", "LIST", "TYPE", "foo"), "ERR Unknown client type 'foo'")


def test_client_setname_getname(raw):
    assert raw.cmd("CLIENT", "GETNAME") is None
    assert raw.cmd("CLIENT", "SETNAME", "my-conn") == "OK"
    assert raw.cmd("CLIENT", "GETNAME") == b"my-conn"
    assert "name=my-conn " in raw.cmd("CLIENT", "INFO").decode()
    assert raw.cmd("CLIENT", "SETNAME", "") == "OK"
    assert raw.cmd("CLIENT", "GETNAME") is None


def test_client_setname_rejects_spaces(raw):
    for bad in ("a b", "a\nb", "a\x01"):
        assert_error(raw.cmd("CLIENT", "SETNAME", bad),
                     "ERR Client names cannot contain spaces, newlines or special characters.")


def test_client_kill_by_id(server):
    victim, killer = server.raw(), server.raw()
    vid = victim.cmd("CLIENT", "ID")
    assert killer.cmd("CLIENT", "KILL", "ID", str(vid)) == 1
    assert victim.is_closed()
    assert killer.cmd("CLIENT", "KILL", "ID", str(vid)) == 0
    assert killer.cmd("PING") == "PONG"


def test_client_kill_by_addr_old_and_new_form(server):
    v1, v2, killer = server.raw(), server.raw(), server.raw()
    addr1 = "127.0.0.1:%d" % v1.sock.getsockname()[1]
    addr2 = "127.0.0.1:%d" % v2.sock.getsockname()[1]
    assert killer.cmd("CLIENT", "KILL", addr1) == "OK"
    assert v1.is_closed()
    assert killer.cmd("CLIENT", "KILL", "ADDR", addr2) == 1
    assert v2.is_closed()
    assert_error(killer.cmd("CLIENT", "KILL", "1.2.3.4:5"), "ERR No such client")
    assert killer.cmd("CLIENT", "KILL", "ADDR", "1.2.3.4:5") == 0
    assert_error(killer.cmd("CLIENT", "KILL", "FOO", "bar"), SYNTAX)


def test_client_kill_skipme(server):
    a = server.raw()
    server.raw().cmd("PING")
    assert a.cmd("CLIENT", "KILL", "TYPE", "normal") >= 1
    assert a.cmd("PING") == "PONG"  # SKIPME yes is the default
    a.send(encode_command("CLIENT", "KILL", "ID", str(a.cmd("CLIENT", "ID")), "SKIPME", "no"))
    assert a.is_closed()


def test_client_pause_write_delays_writes_not_reads(server):
    admin, writer, reader = server.raw(), server.raw(timeout=10), server.raw()
    assert admin.cmd("CLIENT", "PAUSE", "700", "WRITE") == "OK"
    t0 = time.monotonic()
    assert reader.cmd("GET", "k") is None
    assert time.monotonic() - t0 < 0.4
    t0 = time.monotonic()
    assert writer.cmd("SET", "k", "v") == "OK"
    assert time.monotonic() - t0 >= 0.4


def test_client_pause_all_delays_reads_too(server):
    admin, other = server.raw(), server.raw(timeout=10)
    assert admin.cmd("CLIENT", "PAUSE", "700", "ALL") == "OK"
    t0 = time.monotonic()
    assert other.cmd("GET", "k") is None
    assert time.monotonic() - t0 >= 0.4


def test_client_unpause_releases_paused_writes(server):
    # (Redis 7.0 does not release commands already held by PAUSE ALL before its timeout;
    # with PAUSE WRITE it does, which is what this pins.)
    admin, other = server.raw(), server.raw(timeout=10)
    assert admin.cmd("CLIENT", "PAUSE", "5000", "WRITE") == "OK"
    t0 = time.monotonic()
    other.send(encode_command("SET", "k", "v"))
    time.sleep(0.3)
    assert other.read_raw(timeout=0.1) == b""
    assert admin.cmd("CLIENT", "UNPAUSE") == "OK"
    assert other.read_reply() == "OK"
    assert time.monotonic() - t0 < 3


def test_client_pause_errors(raw):
    assert_error(raw.cmd("CLIENT", "PAUSE", "abc"),
                 "ERR timeout is not an integer or out of range")
    assert_error(raw.cmd("CLIENT", "PAUSE", "-1"), "ERR timeout is negative")
    assert_error(raw.cmd("CLIENT", "PAUSE", "100", "FOO"),
                 "ERR CLIENT PAUSE mode must be WRITE or ALL")
    assert_error(raw.cmd("CLIENT", "PAUSE"), wrong_args("client|pause"))


def test_client_no_evict(raw):
    assert raw.cmd("CLIENT", "NO-EVICT", "ON") == "OK"
    assert "e" in parse_client_line(raw.cmd("CLIENT", "INFO").decode())["flags"]
    assert raw.cmd("CLIENT", "NO-EVICT", "OFF") == "OK"
    assert_error(raw.cmd("CLIENT", "NO-EVICT", "FOO"), SYNTAX)


def test_client_reply_off_on_skip(raw):
    raw.send(encode_command("CLIENT", "REPLY", "OFF") + encode_command("SET", "k", "1")
             + encode_command("GET", "k"))
    assert raw.read_raw(timeout=0.3) == b""
    raw.send(encode_command("CLIENT", "REPLY", "ON"))
    assert raw.read_reply() == "OK"
    raw.send(encode_command("CLIENT", "REPLY", "SKIP") + encode_command("SET", "k", "2")
             + encode_command("GET", "k"))
    assert raw.read_raw(timeout=0.5) == b"$1\r\n2\r\n"
    # errors are suppressed too while OFF
    raw.send(encode_command("CLIENT", "REPLY", "OFF") + encode_command("NOSUCH")
             + encode_command("CLIENT", "REPLY", "ON"))
    assert raw.read_raw(timeout=0.5) == b"+OK\r\n"
    assert_error(raw.cmd("CLIENT", "REPLY", "FOO"), SYNTAX)


def test_client_errors(raw):
    assert_error(raw.cmd("CLIENT", "FOO"), "ERR unknown subcommand 'FOO'. Try CLIENT HELP.")
    assert_error(raw.cmd("CLIENT"), wrong_args("client"))
    assert isinstance(raw.cmd("CLIENT", "HELP"), list)


def test_client_list_through_redis_py(server, r):
    r.client_setname("pyclient")
    clients = r.client_list()
    assert any(c["name"] == "pyclient" for c in clients)
    assert r.client_getname() == "pyclient"
    assert re.fullmatch(r"\d+", str(r.client_id()))
