"""`redoubt-server --init DIR [--tls]`: the first-start set-up. users.acl with the default user
off and an admin user with a generated password (printed once with a redis-cli line that
works as printed), admin.password for scripts, and with --tls a private CA, certificates and
a tls.conf fragment under which redis-cli logs in as admin by its certificate. Existing files
and directories others can write are refused with nothing touched; the shipped redoubt.conf
plus --init passes --audit; `make run` on a fresh data dir prints the line and serves it."""

import hashlib
import os
import shlex
import signal
import socket
import ssl
import stat
import subprocess
import time

import pytest

from conftest import REDIS_CLI, REPO_ROOT, free_port, wait_until
from netutil import listening_addresses

pytestmark = pytest.mark.redoubt_only

SHIPPED_CONF = os.path.join(REPO_ROOT, "redoubt.conf")
RELEASE_BIN = os.path.join(REPO_ROOT, "build", "release", "redoubt-server")
TLS_FILES = ["admin.crt", "admin.key", "ca.crt", "ca.key", "server.crt", "server.key",
             "tls.conf"]


def mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def snapshot(d):
    """{name: (mode, bytes)} of every entry of d."""
    out = {}
    for name in sorted(os.listdir(d)):
        p = os.path.join(d, name)
        with open(p, "rb") as f:
            out[name] = (mode(p), f.read())
    return out


def cli_line(output):
    """The printed `redis-cli -u ...` line, as an argument list."""
    lines = [l.strip() for l in output.splitlines() if l.strip().startswith("redis-cli -u ")]
    assert len(lines) == 1, output
    return shlex.split(lines[0])


def run_cli(argv, *command):
    return subprocess.run(argv + ["--no-auth-warning"] + list(command), capture_output=True,
                          text=True, timeout=20)


def init(run_binary, d, *extra):
    res = run_binary(["--init", str(d), *extra])
    assert res.returncode == 0, res.stdout
    return res


def start_shipped(server_factory, d, *args, port=None, wait=True):
    """The shipped redoubt.conf with `d` as its data dir, as `make run` starts it."""
    return server_factory(use_config_file=False, args=[SHIPPED_CONF, "--dir", str(d), *args],
                          port=port, wait=wait)


def test_init_on_an_empty_dir_writes_private_acl_and_password_files(run_binary, tmp_path):
    d = tmp_path / "data"
    res = init(run_binary, d)
    assert mode(d) == 0o700  # created owner-only
    assert sorted(os.listdir(d)) == ["admin.password", "users.acl"]
    assert mode(d / "users.acl") == 0o600 and mode(d / "admin.password") == 0o600
    password = (d / "admin.password").read_text().rstrip("\n")
    assert len(password) == 64 and int(password, 16) >= 0  # 256 bits, hex
    acl = (d / "users.acl").read_text()
    digest = hashlib.sha256(password.encode()).hexdigest()
    assert acl == f"user default off\nuser admin on #{digest} ~* &* +@all\n"
    assert password not in acl
    assert f"admin password (shown this once): {password}" in res.stdout
    assert f"redis-cli -u redis://admin:{password}@127.0.0.1:6379" in res.stdout
    assert "delete it" in res.stdout  # admin.password is only for scripts


def test_printed_line_works_with_redis_cli_and_default_user_is_off(run_binary, server_factory,
                                                                    tmp_path):
    port = free_port()
    d = tmp_path / "data"
    res = init(run_binary, d, "--port", port)
    srv = start_shipped(server_factory, d, port=port)
    argv = cli_line(res.stdout)
    assert argv[:2] == ["redis-cli", "-u"] and argv[2].endswith(f"@127.0.0.1:{port}")
    assert run_cli(argv, "ACL", "WHOAMI").stdout.strip() == "admin"
    assert run_cli(argv, "SET", "k", "v").stdout.strip() == "OK"
    assert run_cli(argv, "ACL", "USERS").stdout.split() == ["admin", "default"]
    # Without the credentials nothing runs: the default user is off.
    anon = subprocess.run([REDIS_CLI, "-p", str(port), "GET", "k"], capture_output=True,
                          text=True, timeout=20)
    assert "NOAUTH" in anon.stdout + anon.stderr
    wrong = run_cli([REDIS_CLI, "-u", f"redis://admin:{'0' * 64}@127.0.0.1:{port}"], "GET", "k")
    assert "WRONGPASS" in wrong.stdout + wrong.stderr
    srv.stop()


def test_second_init_and_existing_files_leave_the_dir_untouched(run_binary, tmp_path):
    d = tmp_path / "data"
    init(run_binary, d)
    before = snapshot(d)
    for extra in ([], ["--tls"]):
        res = run_binary(["--init", str(d), *extra])
        assert res.returncode != 0
        assert "already has users.acl, admin.password" in res.stdout
        assert "nothing was written" in res.stdout
        assert snapshot(d) == before


def test_one_existing_file_blocks_all_of_them(run_binary, tmp_path):
    d = tmp_path / "data"
    d.mkdir(mode=0o700)
    (d / "tls.conf").write_text("# mine\n")
    before = snapshot(d)
    res = run_binary(["--init", str(d), "--tls"])
    assert res.returncode != 0 and "already has tls.conf" in res.stdout
    assert snapshot(d) == before  # not even users.acl


@pytest.mark.parametrize("dir_mode", [0o777, 0o1777, 0o770])
def test_dir_others_can_write_is_refused(run_binary, tmp_path, dir_mode):
    d = tmp_path / "shared"
    d.mkdir()
    os.chmod(d, dir_mode)
    res = run_binary(["--init", str(d)])
    assert res.returncode != 0
    assert "writable by group or others" in res.stdout
    assert os.listdir(d) == []
    assert mode(d) == dir_mode  # refused, not changed behind the user's back


def test_bad_arguments_write_nothing(run_binary, tmp_path):
    d = tmp_path / "data"
    for args in (["--init"], ["--init", str(d), "--tls-san", "x.example"],
                 ["--init", str(d), "--tls", "--tls-san", "bad name"],
                 ["--init", str(d), "--port", "99999"], ["--init", str(d), "--nonsense"]):
        res = run_binary(args)
        assert res.returncode != 0, args
        assert "init: " in res.stdout, args
    assert not d.exists()


def test_audit_of_the_shipped_config_after_init_has_no_fail(run_binary, tmp_path):
    d = tmp_path / "data"
    init(run_binary, d)
    res = run_binary(["--audit", SHIPPED_CONF, "--dir", str(d)])
    fails = [l for l in res.stdout.splitlines() if l.startswith("[FAIL]")]
    # Running the tests as root is the environment, not the set-up.
    allowed = ["[FAIL] running-user: runs as root with no run-as-user"] if os.geteuid() == 0 else []
    assert fails == allowed, res.stdout
    assert res.returncode == (1 if fails else 0)
    assert "[PASS] default-user: the default user is off" in res.stdout
    assert "[PASS] admin-users: one user has allcommands: admin" in res.stdout
    assert "[PASS] file-permissions" in res.stdout


def test_shipped_config_without_acl_file_names_the_init_command(run_binary, tmp_path):
    d = tmp_path / "empty"
    d.mkdir(mode=0o700)
    res = run_binary([SHIPPED_CONF, "--dir", str(d), "--port", free_port()])
    assert res.returncode == 1
    assert "No such file or directory" in res.stdout
    assert f"'redoubt-server --init {d}' creates {d}/users.acl" in res.stdout


def tls_cli(d, port, *command, cert=True):
    argv = [REDIS_CLI, "--tls", "--cacert", str(d / "ca.crt"), "-p", str(port)]
    if cert:
        argv += ["--cert", str(d / "admin.crt"), "--key", str(d / "admin.key")]
    return subprocess.run(argv + list(command), capture_output=True, text=True, timeout=20)


@pytest.fixture
def tls_server(run_binary, server_factory, tmp_path):
    tls_port = free_port()
    d = tmp_path / "data"
    res = init(run_binary, d, "--tls", "--tls-port", tls_port, "--tls-san", "db.internal")
    srv = start_shipped(server_factory, d, "--include", str(d / "tls.conf"), port=0, wait=False)
    assert wait_until(lambda: tls_cli(d, tls_port, "PING").stdout.strip() == "PONG", 20), \
        srv.log_text()
    return srv, d, tls_port, res


def test_init_tls_files_and_fragment(tls_server):
    srv, d, tls_port, res = tls_server
    assert sorted(os.listdir(d)) == sorted(TLS_FILES + ["admin.password", "users.acl"])
    for key in ("ca.key", "server.key", "admin.key"):
        assert mode(d / key) == 0o600
    conf = (d / "tls.conf").read_text().splitlines()
    for line in ("port 0", f"tls-port {tls_port}", f"tls-cert-file {d}/server.crt",
                 f"tls-key-file {d}/server.key", f"tls-ca-cert-file {d}/ca.crt",
                 "tls-auth-clients yes", "tls-auth-clients-user CN"):
        assert line in conf, line
    # The plain port is off: only the TLS port listens.
    assert {p for _, p in listening_addresses(srv.pid)} == {tls_port}
    assert f"-p {tls_port}" in res.stdout and "--cert" in res.stdout


def test_client_certificate_logs_in_as_admin(tls_server):
    srv, d, tls_port, _ = tls_server
    assert tls_cli(d, tls_port, "ACL", "WHOAMI").stdout.strip() == "admin"
    assert tls_cli(d, tls_port, "SET", "k", "v").stdout.strip() == "OK"
    # No client certificate: the handshake is refused (tls-auth-clients yes).
    nocert = tls_cli(d, tls_port, "PING", cert=False)
    assert "PONG" not in nocert.stdout


def test_server_certificate_names_verify(tls_server):
    srv, d, tls_port, _ = tls_server
    for name in ("localhost", "db.internal", "127.0.0.1"):
        ctx = ssl.create_default_context(cafile=str(d / "ca.crt"))  # checks the host name
        ctx.load_cert_chain(str(d / "admin.crt"), str(d / "admin.key"))
        with socket.create_connection(("127.0.0.1", tls_port), timeout=5) as raw:
            with ctx.wrap_socket(raw, server_hostname=name) as s:
                s.sendall(b"*2\r\n$3\r\nACL\r\n$6\r\nWHOAMI\r\n")
                assert s.recv(64) == b"$5\r\nadmin\r\n"
    ctx = ssl.create_default_context(cafile=str(d / "ca.crt"))
    with socket.create_connection(("127.0.0.1", tls_port), timeout=5) as raw:
        with pytest.raises(ssl.SSLCertVerificationError):
            ctx.wrap_socket(raw, server_hostname="other.example")


def test_audit_with_the_tls_fragment_has_no_fail(tls_server, run_binary):
    _, d, _, _ = tls_server
    res = run_binary(["--audit", SHIPPED_CONF, "--dir", str(d), "--include", str(d / "tls.conf")])
    fails = [l for l in res.stdout.splitlines() if l.startswith("[FAIL]") and
             not (os.geteuid() == 0 and l.startswith("[FAIL] running-user"))]
    assert fails == [], res.stdout
    for check in ("tls-key-file", "tls-auth-clients", "tls-protocols", "default-user"):
        assert f"[PASS] {check}" in res.stdout, check


def read_until(proc, needle, timeout=60):
    """Lines of proc's stdout up to and including the first one containing needle."""
    lines = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if needle in line:
            return "".join(lines)
    raise AssertionError(f"{needle!r} not printed:\n" + "".join(lines))


@pytest.fixture
def make_run():
    """make_run(data, port) starts `make run`; whatever is left is killed at the end (its
    own process group), so a failed assertion leaves no server behind."""
    started = []

    def start(data, port):
        # -o build: the build is the test's input, not something to redo here.
        proc = subprocess.Popen(["make", "-s", "-C", REPO_ROOT, "-o", "build", "run",
                                 f"DATA_DIR={data}", f"PORT={port}"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def stop_make(proc, argv):
    run_cli(argv, "SHUTDOWN", "NOSAVE")
    return proc.wait(timeout=20)


def test_make_run_on_a_fresh_data_dir_prints_the_line_and_serves_it(make_run, tmp_path):
    if not os.path.exists(RELEASE_BIN):
        pytest.skip("no release build for make run (make build)")
    data = tmp_path / "data"
    port = free_port()
    proc = make_run(data, port)
    out = read_until(proc, "redis-cli -u ")
    argv = cli_line(out)
    assert wait_until(lambda: run_cli(argv, "PING").stdout.strip() == "PONG", 20), out
    assert run_cli(argv, "ACL", "WHOAMI").stdout.strip() == "admin"
    assert mode(data) == 0o700 and mode(data / "users.acl") == 0o600
    audit = subprocess.run([RELEASE_BIN, "--audit", SHIPPED_CONF, "--dir", str(data)],
                           capture_output=True, text=True, timeout=20)
    fails = [l for l in audit.stdout.splitlines() if l.startswith("[FAIL]") and
             not (os.geteuid() == 0 and l.startswith("[FAIL] running-user"))]
    assert fails == [], audit.stdout
    assert stop_make(proc, argv) == 0
    acl = (data / "users.acl").read_text()

    # A second run keeps the credentials and does not print the password again.
    proc = make_run(data, port)
    again = read_until(proc, "redis-cli -u ")
    password = (data / "admin.password").read_text().strip()
    assert password not in again
    assert f'redis://admin:$(cat {data}/admin.password)@127.0.0.1:{port}' in again
    assert wait_until(lambda: run_cli(argv, "PING").stdout.strip() == "PONG", 20)
    assert (data / "users.acl").read_text() == acl
    assert stop_make(proc, argv) == 0


def test_relative_acl_file_is_checked_in_the_data_dir(run_binary, tmp_path):
    """The shipped config's relative aclfile is loaded from `dir`; the start-up refusal of a
    world-writable ACL file must look there too, not in the working directory."""
    d = tmp_path / "data"
    init(run_binary, d)
    os.chmod(d / "users.acl", 0o666)
    res = run_binary([SHIPPED_CONF, "--dir", str(d), "--port", free_port()], timeout=10)
    assert res.returncode != 0
    assert "writable by every user" in res.stdout
