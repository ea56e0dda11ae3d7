"""Start-up and shut-down: config file syntax and errors, command-line directives, signals,
pidfile, logfile, daemonize, --version, --help, --test-config."""

import os
import re
import signal
import time

import pytest

from conftest import RawConn, free_port, wait_until

PAD = "# padding comment\n" * 15  # puts the faulty directive on line 17


def test_sigterm_stops_gracefully(server):
    c = server.raw()
    c.cmd("SET", "k", "v")
    server.proc.send_signal(signal.SIGTERM)
    assert server.wait_exit(timeout=10) == 0
    assert c.is_closed()


def test_sigint_stops_gracefully(server):
    server.proc.send_signal(signal.SIGINT)
    assert server.wait_exit(timeout=10) == 0


def test_pidfile_written_and_removed(server_factory, tmp_path):
    pidfile = tmp_path / "server.pid"
    srv = server_factory(pidfile=str(pidfile))
    assert wait_until(lambda: pidfile.exists() and pidfile.read_text().strip() != "")
    assert int(pidfile.read_text().strip()) == srv.pid
    assert srv.stop() == 0
    assert not pidfile.exists()


def test_logfile_receives_log_lines(server_factory, tmp_path):
    logfile = tmp_path / "server.log"
    srv = server_factory(logfile=str(logfile))
    srv.raw().cmd("PING")
    srv.stop()
    text = logfile.read_text()
    assert text.strip(), "logfile is empty"


def test_log_line_format_like_redis(server):
    """pid:role dd Mon yyyy hh:mm:ss.mmm <level char> message"""
    assert wait_until(lambda: server.log_text().strip() != "")
    pattern = re.compile(r"^(\d+):[XCSM] \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2}\.\d{3} "
                         r"[.\-*#] \S")
    lines = [l for l in server.log_text().splitlines() if l.strip()]
    matching = [l for l in lines if pattern.match(l)]
    assert matching, "no Redis-style log line:\n" + "\n".join(lines[:10])
    assert int(pattern.match(matching[0]).group(1)) == server.pid


def test_command_line_directives_override_the_file(server_factory):
    srv = server_factory(maxmemory="1mb", args=["--maxmemory", "2mb", "--hz", "25"])
    c = srv.raw()
    assert c.cmd("CONFIG", "GET", "maxmemory") == [b"maxmemory", b"2097152"]
    assert c.cmd("CONFIG", "GET", "hz") == [b"hz", b"25"]


def test_command_line_bind_with_several_addresses(server_factory):
    srv = server_factory(bind=None, args=["--bind", "127.0.0.1 ::1"])
    c = srv.raw()
    assert c.cmd("CONFIG", "GET", "bind") == [b"bind", b"127.0.0.1 ::1"]


def test_config_quoting(server_factory):
    srv = server_factory(requirepass='"pass word \\"quoted\\""')
    c = srv.raw()
    assert c.cmd("AUTH", 'pass word "quoted"') == "OK"


def test_config_include(server_factory, tmp_path):
    extra = tmp_path / "extra.conf"
    extra.write_text("maxmemory 3mb\nhz 33\n")
    srv = server_factory(include=str(extra))
    c = srv.raw()
    assert c.cmd("CONFIG", "GET", "maxmemory") == [b"maxmemory", b"3145728"]
    assert c.cmd("CONFIG", "GET", "hz") == [b"hz", b"33"]


def test_config_is_case_insensitive_and_ignores_comments(server_factory):
    srv = server_factory(config={"MaxMemory": "4mb", "# hz": "77", "timeout": "9 "})
    c = srv.raw()
    assert c.cmd("CONFIG", "GET", "maxmemory") == [b"maxmemory", b"4194304"]
    assert c.cmd("CONFIG", "GET", "hz") == [b"hz", b"10"]
    assert c.cmd("CONFIG", "GET", "timeout") == [b"timeout", b"9"]


def assert_config_error(proc, line=17):
    assert proc.returncode == 1, f"exit code {proc.returncode}:\n{proc.stdout}"
    assert re.search(rf"(line |:){line}\b", proc.stdout), proc.stdout


def test_unknown_directive_fails_start(run_binary):
    proc = run_binary(config_text=f"port 0\n{PAD}no-such-directive yes\n")
    assert_config_error(proc)


def test_bad_value_fails_start(run_binary):
    for bad in ("maxmemory abc", "port 99999", "databases 0", "timeout -1",
                "protected-mode maybe", "maxclients 0", "loglevel loud"):
        proc = run_binary(config_text=f"port 0\n{PAD}{bad}\n")
        assert_config_error(proc)


def test_wrong_argument_count_fails_start(run_binary):
    proc = run_binary(config_text=f"port 0\n{PAD}timeout 1 2\n")
    assert_config_error(proc)


def test_config_bad_quotes_fail(run_binary):
    proc = run_binary(config_text=f"port 0\n{PAD}requirepass \"unterminated\n")
    assert_config_error(proc)


def test_missing_config_file_fails_start(run_binary, tmp_path):
    proc = run_binary([str(tmp_path / "does-not-exist.conf")])
    assert proc.returncode == 1


def test_bad_command_line_directive_fails_start(run_binary):
    assert run_binary(["--port", "abc"]).returncode == 1
    assert run_binary(["--no-such-directive", "1"]).returncode == 1


@pytest.mark.redoubt_only
def test_config_error_names_file_line_and_directive(run_binary, tmp_path):
    proc = run_binary(config_text=f"port 0\n{PAD}maxmemory abc\n")
    assert proc.returncode == 1
    assert f"{tmp_path / 'bad.conf'}:17" in proc.stdout, proc.stdout
    assert "maxmemory" in proc.stdout


def test_version(run_binary):
    proc = run_binary(["--version"])
    assert proc.returncode == 0
    assert re.search(r"\d+\.\d+\.\d+", proc.stdout), proc.stdout
    proc = run_binary(["-v"])
    assert proc.returncode == 0


def test_help(run_binary):
    proc = run_binary(["--help"])
    assert proc.returncode in (0, 1)  # Redis 7.0 exits 1 after printing its usage
    assert "usage" in proc.stdout.lower()


@pytest.mark.redoubt_only
def test_test_config_accepts_a_good_file(run_binary, tmp_path):
    good = tmp_path / "good.conf"
    good.write_text(f"port {free_port()}\nbind 127.0.0.1\nmaxmemory 10mb\n")
    proc = run_binary([str(good), "--test-config"])
    assert proc.returncode == 0, proc.stdout
    proc = run_binary(["--test-config", str(good)])
    assert proc.returncode == 0, proc.stdout


@pytest.mark.redoubt_only
def test_test_config_rejects_a_bad_file_without_starting(run_binary, tmp_path):
    port = free_port()
    bad = tmp_path / "bad2.conf"
    bad.write_text(f"port {port}\n{PAD}maxmemory abc\n")
    t0 = time.monotonic()
    proc = run_binary([str(bad), "--test-config"])
    assert proc.returncode == 1
    assert re.search(r":17\b", proc.stdout), proc.stdout
    assert time.monotonic() - t0 < 10


def test_daemonize_with_pidfile(run_binary, tmp_path):
    port = free_port()
    pidfile = tmp_path / "d.pid"
    conf = tmp_path / "d.conf"
    conf.write_text(f"port {port}\nbind 127.0.0.1\nsave \"\"\ndaemonize yes\n"
                    f"pidfile {pidfile}\nlogfile {tmp_path / 'd.log'}\ndir {tmp_path}\n")
    proc = run_binary([str(conf)])
    assert proc.returncode == 0, proc.stdout
    try:
        assert wait_until(lambda: pidfile.exists() and pidfile.read_text().strip() != "")
        pid = int(pidfile.read_text().strip())
        assert wait_until(lambda: _can_ping(port))
    finally:
        if pidfile.exists():
            pid = int(pidfile.read_text().strip())
            os.kill(pid, signal.SIGTERM)
            wait_until(lambda: not os.path.exists(f"/proc/{pid}"), timeout=10)
    assert not os.path.exists(f"/proc/{pid}")


def _can_ping(port):
    try:
        with RawConn("127.0.0.1", port, timeout=1) as c:
            return c.cmd("PING") == "PONG"
    except OSError:
        return False
