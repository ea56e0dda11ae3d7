"""The start-up banner and the log lines Redis's test suite and operators grep for, with
Redis's wording. Each test runs against redis-server too (the reference run)."""

import os
import re
import subprocess
import time

import pytest

from conftest import IS_REDIS, SERVER_BIN, assert_error, free_port, wait_until
from crc64 import crc64


def test_banner_with_pid_comes_before_the_server_accepts_connections(tmp_path):
    """Started as Redis's harness starts a server: a config file with always-show-logo yes,
    stdout captured to a file, then wait for ' PID: <pid>' and 'Server initialized' in it
    (tests/support/server.tcl, wait_server_started) before connecting."""
    port = free_port()
    conf = tmp_path / "redis.conf"
    conf.write_text(f"always-show-logo yes\nport {port}\nbind 127.0.0.1\nsave \"\"\n"
                    f"dir {tmp_path}\nenable-debug-command yes\n")
    stdout = tmp_path / "stdout"
    with open(stdout, "ab") as out:
        proc = subprocess.Popen([SERVER_BIN, str(conf)], stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=str(tmp_path))
    try:
        harness = re.compile(rf" PID: {proc.pid}.*Server initialized", re.S)
        assert wait_until(lambda: harness.search(stdout.read_text()), timeout=20), \
            stdout.read_text()
        assert wait_until(lambda: "Ready to accept" in stdout.read_text(), timeout=20)
        import redis
        c = redis.Redis(port=port, socket_timeout=5)
        assert c.ping()
        text = stdout.read_text()
        assert re.search(r"Port: %d\b" % port, text)
        assert "standalone mode" in text
        assert text.index(f" PID: {proc.pid}") < text.index("Ready to accept connections")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_without_logo_one_running_mode_line(server):
    assert server.wait_for_log(f"Running mode=standalone, port={server.port}.")
    assert " PID: " not in server.log_text()


def test_banner_comes_before_loading_the_data(server_factory):
    first = server_factory(save="900 1")
    first.client().set("k", "v")
    first.client().save()
    data_dir = first.tmpdir
    first.stop()
    srv = server_factory(dir=data_dir, always_show_logo="yes")
    assert srv.client().get("k") == "v"
    log = srv.log_text()
    start = log.rindex(f" PID: {srv.pid}")
    assert start < log.index("Server initialized", start) < \
        log.index("DB loaded from disk", start) < log.index("Ready to accept connections", start)
    assert "Done loading RDB" in log[start:]


def test_ready_to_accept_connections_is_one_line_per_start(server):
    assert server.wait_for_log("Ready to accept connections")
    assert server.log_text().count("Ready to accept") == 1


def corrupt_hash_payload(rb):
    """A DUMP payload of a listpack hash whose listpack lost its end byte, with a valid
    footer: rejected by the cheapest integrity check, whatever sanitize-dump-payload says."""
    rb.hset("h", "field", "value")
    payload = bytearray(rb.dump("h"))
    body = payload[:-10]
    end = body.rindex(b"\xff")
    body[end] = 0xFE
    payload = bytes(body) + b"\x0a\x00"
    return payload + crc64(payload).to_bytes(8, "little")


def test_restore_payload_failing_integrity_check_is_logged(server_factory):
    srv = server_factory(loglevel="verbose")
    rb = srv.client(decode_responses=False)
    payload = corrupt_hash_payload(rb)
    raw = srv.raw()
    assert_error(raw.cmd("RESTORE", "k", "0", payload), "ERR Bad data format")
    assert srv.wait_for_log("integrity check failed")
    assert raw.cmd("EXISTS", "k") == 0


def test_rdb_failing_integrity_check_is_logged_and_refused(server_factory, tmp_path):
    src = server_factory(save="900 1")
    rb = src.client(decode_responses=False)
    rb.hset("h", "field", "value")
    rb.save()
    src.stop()
    path = os.path.join(src.tmpdir, "dump.rdb")
    data = bytearray(open(path, "rb").read())
    # The listpack's end byte is the last 0xff before the RDB's own EOF opcode.
    end = data.rindex(b"\xff", 0, len(data) - 9)
    data[end] = 0xFE
    body = bytes(data[:-8])
    open(path, "wb").write(body + crc64(body).to_bytes(8, "little"))
    srv = server_factory(dir=src.tmpdir, wait=False, sanitize_dump_payload="yes")
    assert wait_until(lambda: not srv.alive(), timeout=20)
    assert "integrity check failed" in srv.log_text()


def test_bad_aof_is_refused_with_redis_wording(server_factory, tmp_path):
    data_dir = tmp_path / "aofdata"
    data_dir.mkdir()
    (data_dir / "appendonly.aof").write_bytes(b"*1\r\n$4\r\nPING\r\nthis is not RESP\r\n")
    srv = server_factory(dir=str(data_dir), appendonly="yes", wait=False)
    assert wait_until(lambda: not srv.alive(), timeout=20)
    assert "Bad file format reading the append only file" in srv.log_text()


def test_debug_reload_without_a_file(server_factory):
    srv = server_factory(enable_debug_command="yes")
    raw = srv.raw()
    assert_error(raw.cmd("DEBUG", "RELOAD", "NOSAVE"),
                 "ERR Error trying to load the RDB dump")
    if not IS_REDIS:  # Redis answers so but logs nothing of it
        assert srv.wait_for_log("Error trying to load the RDB dump")
    assert raw.cmd("PING") == "PONG"
