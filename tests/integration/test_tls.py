"""TLS: the hardening guide's set-up (port 0, tls-port, client certificates, TLSv1.2+, its
ciphers), redis-cli and redis-py over TLS, refusals (no client certificate, TLSv1.1, plain
text), certificate reloads (CONFIG SET, SIGHUP, changed files) and certificate identities
mapped to ACL users.

Certificates are made once per session with the `openssl` commands of the guide: a CA, a
server certificate (CN=redis.internal), client certificates (CN=appuser; one with a SAN).
"""

import os
import shutil
import signal
import socket
import ssl
import subprocess
import time

import pytest
import redis

from conftest import REDIS_CLI, free_port, wait_until
from netutil import listening_addresses

SEED_CIPHERS = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256"


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def _signed(cwd, name, subject, ext=None):
    """name.key + name.crt signed by the CA (a new serial each time, as -CAcreateserial)."""
    _openssl("req", "-new", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr",
             "-subj", subject, cwd=cwd)
    args = ["x509", "-req", "-days", "1825", "-in", f"{name}.csr", "-CA", "ca.crt",
            "-CAkey", "ca.key", "-CAcreateserial", "-out", f"{name}.crt"]
    if ext:
        with open(os.path.join(cwd, f"{name}.ext"), "w") as f:
            f.write(ext + "\n")
        args += ["-extfile", f"{name}.ext"]
    _openssl(*args, cwd=cwd)
    os.chmod(os.path.join(cwd, f"{name}.key"), 0o600)


@pytest.fixture(scope="session")
def certs(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("tls"))
    _openssl("req", "-new", "-x509", "-days", "3650", "-nodes", "-keyout", "ca.key",
             "-out", "ca.crt", "-subj", "/CN=Redis-CA", cwd=d)
    _signed(d, "server", "/CN=redis.internal")
    _signed(d, "server2", "/CN=redis.internal")  # the "renewed" certificate
    _signed(d, "client", "/CN=appuser")
    _signed(d, "sanclient", "/CN=not-a-user", ext="subjectAltName=DNS:sanuser")
    _signed(d, "stranger", "/CN=nosuchuser")
    with open(os.path.join(d, "corrupt.crt"), "w") as f:
        f.write("-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n")

    class Certs:
        dir = d

        def path(self, name):
            return os.path.join(d, name)

        def serial(self, name):
            out = subprocess.run(["openssl", "x509", "-noout", "-serial", "-in", self.path(name)],
                                 capture_output=True, text=True, check=True).stdout
            return out.strip().split("=", 1)[1].upper()

    return Certs()


def tls_directives(certs, **extra):
    d = {"port": 0, "tls-port": free_port(), "tls-cert-file": certs.path("server.crt"),
         "tls-key-file": certs.path("server.key"), "tls-ca-cert-file": certs.path("ca.crt"),
         "tls-auth-clients": "yes", "tls-protocols": '"TLSv1.2 TLSv1.3"',
         "tls-ciphers": f'"{SEED_CIPHERS}"'}
    d.update(extra)
    return d


def ssl_context(certs, cert="client", max_version=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.load_verify_locations(certs.path("ca.crt"))
    if cert:
        ctx.load_cert_chain(certs.path(f"{cert}.crt"), certs.path(f"{cert}.key"))
    if max_version:
        ctx.maximum_version = max_version
    return ctx


class TlsConn:
    """A raw RESP connection over TLS (the peer certificate is kept)."""

    def __init__(self, port, certs, cert="client", timeout=5.0):
        raw = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock = ssl_context(certs, cert).wrap_socket(raw)
        self.buf = b""

    def peer_serial(self):
        return self.sock.getpeercert()["serialNumber"].upper()

    def cmd(self, *args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a.encode() if isinstance(a, str) else a
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.sock.sendall(b"".join(out))
        return self._reply()

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("server closed the connection")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _reply(self):
        line = self._line()
        t, rest = line[:1], line[1:].decode()
        if t in (b"+", b"-", b":"):
            return line.decode()
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self.buf += self.sock.recv(65536)
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return data.decode()
        if t == b"*":
            return [self._reply() for _ in range(int(rest))]
        raise AssertionError(f"unexpected reply {line!r}")

    def close(self):
        self.sock.close()


def start_tls(server_factory, certs, config=None, **extra):
    """A server with the guide's TLS set-up plus `extra` directives ('_' for '-') and `config`
    (names verbatim), ready on its TLS port."""
    d = tls_directives(certs)
    d.update({k.replace("_", "-"): v for k, v in extra.items()})
    d.update(config or {})
    srv = server_factory(config=d, wait=False)
    srv.tls_port = int(d["tls-port"])

    def ready():
        if not srv.alive():
            raise AssertionError("server exited:\n" + srv.log_text(tail=30))
        try:
            c = TlsConn(srv.tls_port, certs)
            c.cmd("PING")
            c.close()
            return True
        except (OSError, ConnectionError, ssl.SSLError):
            return False

    assert wait_until(ready, timeout=20), srv.log_text(tail=30)
    return srv


def listening_ports(pid):
    """TCP ports the process listens on."""
    return {port for _addr, port in listening_addresses(pid)}


def cli_tls(srv, certs, *args, cert=True, timeout=20):
    cmd = [REDIS_CLI, "--tls", "--cacert", certs.path("ca.crt"), "-h", "127.0.0.1",
           "-p", str(srv.tls_port)]
    if cert:
        cmd += ["--cert", certs.path("client.crt"), "--key", certs.path("client.key")]
    return subprocess.run(cmd + [str(a) for a in args], capture_output=True, text=True,
                          timeout=timeout)


def info_field(conn, name):
    for line in conn.cmd("INFO", "stats").splitlines():
        if line.startswith(name + ":"):
            return line.split(":", 1)[1]
    raise AssertionError(f"INFO has no {name}")


APPUSER = "appuser on >strongapppassword ~* &* +@all"


# --------------------------------------------------------------------------- the guide


def test_seed_setup_redis_cli_with_client_certificate(server_factory, certs):
    srv = start_tls(server_factory, certs, user=APPUSER, requirepass="defaultpass")
    script = "AUTH appuser strongapppassword\nSET greeting hello\nGET greeting\nACL WHOAMI\n"
    p = subprocess.run([REDIS_CLI, "--tls", "--cert", certs.path("client.crt"),
                        "--key", certs.path("client.key"), "--cacert", certs.path("ca.crt"),
                        "-p", str(srv.tls_port)], input=script, capture_output=True, text=True,
                       timeout=20)
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["OK", "OK", "hello", "appuser"]
    # The guide's one-liner: AUTH as the command line's command.
    p = cli_tls(srv, certs, "AUTH", "appuser", "strongapppassword")
    assert p.stdout.strip() == "OK", p.stdout + p.stderr


def test_seed_setup_refuses_client_without_certificate(server_factory, certs):
    srv = start_tls(server_factory, certs, user=APPUSER)
    p = cli_tls(srv, certs, "PING", cert=False)
    assert "PONG" not in p.stdout
    assert p.returncode != 0 or "Error" in p.stdout + p.stderr
    # The same with Python's ssl: the handshake or the first read fails.
    raw = socket.create_connection(("127.0.0.1", srv.tls_port), timeout=5)
    with pytest.raises((ssl.SSLError, ConnectionError, OSError)):
        s = ssl_context(certs, cert=None).wrap_socket(raw)
        s.sendall(b"*1\r\n$4\r\nPING\r\n")
        if not s.recv(100):
            raise ConnectionError("closed")


def test_seed_setup_refuses_tls_1_1_client(server_factory, certs):
    srv = start_tls(server_factory, certs)
    p = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{srv.tls_port}",
                        "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0", "-CAfile",
                        certs.path("ca.crt"), "-cert", certs.path("client.crt"), "-key",
                        certs.path("client.key")],
                       input="", capture_output=True, text=True, timeout=20)
    out = p.stdout + p.stderr
    # The server itself answers with a protocol_version alert (not a local refusal).
    assert "alert protocol version" in out, out
    # Whereas TLSv1.2 and TLSv1.3 both work.
    for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
        ctx = ssl_context(certs)
        ctx.minimum_version = ctx.maximum_version = version
        with ctx.wrap_socket(socket.create_connection(("127.0.0.1", srv.tls_port),
                                                      timeout=5)) as s:
            s.sendall(b"*1\r\n$4\r\nPING\r\n")
            assert s.recv(100) in (b"+PONG\r\n", b"-NOAUTH Authentication required.\r\n")


def test_seed_setup_plain_port_is_off(server_factory, certs):
    srv = start_tls(server_factory, certs)
    assert listening_ports(srv.pid) == {srv.tls_port}


def test_plain_and_tls_ports_side_by_side(server_factory, certs):
    plain = free_port()
    srv = start_tls(server_factory, certs, port=plain)
    assert listening_ports(srv.pid) == {plain, srv.tls_port}
    assert srv.client(port=plain).ping()
    c = TlsConn(srv.tls_port, certs)
    assert c.cmd("PING") == "+PONG"


def test_redis_py_over_tls(server_factory, certs):
    srv = start_tls(server_factory, certs, user=APPUSER, requirepass="defaultpass")
    r = redis.Redis(host="127.0.0.1", port=srv.tls_port, ssl=True,
                    ssl_certfile=certs.path("client.crt"), ssl_keyfile=certs.path("client.key"),
                    ssl_ca_certs=certs.path("ca.crt"), ssl_cert_reqs="required",
                    username="appuser", password="strongapppassword", decode_responses=True,
                    socket_timeout=10)
    try:
        assert r.ping()
        assert r.set("k", "v") and r.get("k") == "v"
        assert r.incrby("n", 5) == 5
        r.hset("h", mapping={"a": "1", "b": "2"})
        assert r.hgetall("h") == {"a": "1", "b": "2"}
        big = "x" * 300_000  # several TLS records each way
        r.set("big", big)
        assert r.get("big") == big
        pipe = r.pipeline(transaction=False)
        for i in range(500):
            pipe.set(f"p{i}", i)
        pipe.get("p499")
        assert pipe.execute()[-1] == "499"
        assert r.dbsize() == 504
    finally:
        r.close()


def test_pipeline_queued_behind_a_blocked_command_runs_after_it(server_factory, certs):
    # 60 KB of pipelined commands behind BLPOP: several TLS records, some of them decrypted
    # and buffered while the client is blocked; all must run once BLPOP is served.
    srv = start_tls(server_factory, certs)
    a = TlsConn(srv.tls_port, certs)
    b = TlsConn(srv.tls_port, certs)
    n = 2000
    batch = [b"*3\r\n$5\r\nBLPOP\r\n$4\r\nlist\r\n$1\r\n0\r\n"]
    for i in range(n):
        k, v = f"key:{i:06d}".encode(), b"v" * 16
        batch.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v))
    batch.append(b"*2\r\n$3\r\nGET\r\n$10\r\nkey:001999\r\n")
    a.sock.sendall(b"".join(batch))
    time.sleep(0.3)
    assert b.cmd("DBSIZE") == ":0"  # nothing ran past the blocked BLPOP
    assert b.cmd("LPUSH", "list", "x") == ":1"
    assert a._reply() == ["list", "x"]
    assert all(a._reply() == "+OK" for _ in range(n))
    assert a._reply() == "v" * 16


def test_plain_input_arriving_while_blocked_waits_too(server_factory, certs):
    # The same rule on the plain port, with the batch split across two reads.
    plain = free_port()
    srv = start_tls(server_factory, certs, port=plain)
    a = srv.raw()
    b = srv.raw()
    a.send(b"*3\r\n$5\r\nBLPOP\r\n$4\r\nlist\r\n$1\r\n0\r\n")
    time.sleep(0.2)
    a.send(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n")
    time.sleep(0.2)
    assert b.cmd("DBSIZE") == 0
    assert b.cmd("LPUSH", "list", "x") == 1
    assert a.read_reply() == [b"list", b"x"]
    assert a.read_reply() == "OK"
    assert b.cmd("GET", "k") == b"v"


# --------------------------------------------------------------------------- reloads


def test_config_set_reloads_certificate_old_connection_stays(server_factory, certs):
    srv = start_tls(server_factory, certs)
    old = TlsConn(srv.tls_port, certs)
    assert old.peer_serial() == certs.serial("server.crt")
    assert old.cmd("CONFIG", "SET", "tls-cert-file", certs.path("server2.crt"),
                   "tls-key-file", certs.path("server2.key")) == "+OK"
    new = TlsConn(srv.tls_port, certs)
    assert new.peer_serial() == certs.serial("server2.crt")
    assert old.cmd("SET", "still", "here") == "+OK"
    assert new.cmd("GET", "still") == "here"


def test_config_set_corrupt_certificate_is_rejected_old_one_kept(server_factory, certs):
    srv = start_tls(server_factory, certs)
    c = TlsConn(srv.tls_port, certs)
    reply = c.cmd("CONFIG", "SET", "tls-cert-file", certs.path("corrupt.crt"))
    assert reply.startswith("-ERR"), reply
    assert c.cmd("CONFIG", "GET", "tls-cert-file") == ["tls-cert-file", certs.path("server.crt")]
    new = TlsConn(srv.tls_port, certs)
    assert new.peer_serial() == certs.serial("server.crt")
    assert new.cmd("PING") == "+PONG"


def _copy_pair(certs, src, dst_dir):
    for ext in ("crt", "key"):
        tmp = os.path.join(dst_dir, f".tmp.{ext}")
        shutil.copy(certs.path(f"{src}.{ext}"), tmp)
        os.chmod(tmp, 0o600)
        os.replace(tmp, os.path.join(dst_dir, f"live.{ext}"))


@pytest.fixture
def live_pair(certs, tmp_path):
    """live.crt/live.key: a copy of server.* the test may replace in place."""
    _copy_pair(certs, "server", str(tmp_path))
    return str(tmp_path / "live.crt"), str(tmp_path / "live.key")


def test_config_set_same_path_reloads_changed_files(server_factory, certs, live_pair, tmp_path):
    srv = start_tls(server_factory, certs, config={"tls-cert-file": live_pair[0], "tls-key-file": live_pair[1]})
    old = TlsConn(srv.tls_port, certs)
    _copy_pair(certs, "server2", str(tmp_path))
    assert old.cmd("CONFIG", "SET", "tls-cert-file", live_pair[0]) == "+OK"
    assert TlsConn(srv.tls_port, certs).peer_serial() == certs.serial("server2.crt")
    assert old.cmd("PING") == "+PONG"


@pytest.mark.redoubt_only
def test_sighup_reloads_certificate(server_factory, certs, live_pair, tmp_path):
    srv = start_tls(server_factory, certs,
                    config={"tls-cert-file": live_pair[0], "tls-key-file": live_pair[1]})
    old = TlsConn(srv.tls_port, certs)
    _copy_pair(certs, "server2", str(tmp_path))
    os.kill(srv.pid, signal.SIGHUP)
    assert wait_until(lambda: TlsConn(srv.tls_port, certs).peer_serial()
                      == certs.serial("server2.crt"), timeout=5)
    assert old.cmd("PING") == "+PONG"
    assert srv.alive()
    assert info_field(old, "tls_reloads") == "1"


@pytest.mark.redoubt_only
def test_auto_reload_on_file_change_and_corrupt_file_kept_out(server_factory, certs, live_pair,
                                                            tmp_path):
    srv = start_tls(server_factory, certs, tls_auto_reload_interval=1,
                    config={"tls-cert-file": live_pair[0], "tls-key-file": live_pair[1]})
    old = TlsConn(srv.tls_port, certs)
    _copy_pair(certs, "server2", str(tmp_path))
    assert wait_until(lambda: TlsConn(srv.tls_port, certs).peer_serial()
                      == certs.serial("server2.crt"), timeout=8)
    assert old.cmd("PING") == "+PONG"
    # A broken certificate lands: logged, refused, the loaded one keeps serving.
    with open(live_pair[0] + ".tmp", "w") as f:
        f.write("garbage\n")
    os.replace(live_pair[0] + ".tmp", live_pair[0])
    assert srv.wait_for_log("still serving the previous certificates", timeout=8)
    c = TlsConn(srv.tls_port, certs)
    assert c.peer_serial() == certs.serial("server2.crt")
    assert c.cmd("PING") == "+PONG"
    assert int(info_field(c, "tls_reload_failures")) >= 1


def test_config_set_tls_port_moves_the_listener(server_factory, certs):
    srv = start_tls(server_factory, certs)
    old = TlsConn(srv.tls_port, certs)
    new_port = free_port()
    assert old.cmd("CONFIG", "SET", "tls-port", str(new_port)) == "+OK"
    assert TlsConn(new_port, certs).cmd("PING") == "+PONG"
    assert listening_ports(srv.pid) == {new_port}
    assert old.cmd("PING") == "+PONG"  # the open connection stays


# --------------------------------------------------------------------------- identities


@pytest.mark.redoubt_only
def test_certificate_cn_logs_in_as_acl_user(server_factory, certs):
    srv = start_tls(server_factory, certs, user=APPUSER, requirepass="defaultpass",
                    tls_auth_clients_user="CN")
    c = TlsConn(srv.tls_port, certs, cert="client")
    assert c.cmd("ACL", "WHOAMI") == "appuser"
    assert c.cmd("SET", "k", "v") == "+OK"
    assert "user=appuser" in c.cmd("CLIENT", "INFO")
    # redis-cli with the certificate and no AUTH at all.
    p = cli_tls(srv, certs, "ACL", "WHOAMI")
    assert p.stdout.strip() == "appuser", p.stdout + p.stderr


@pytest.mark.redoubt_only
def test_certificate_san_logs_in_as_acl_user(server_factory, certs):
    srv = start_tls(server_factory, certs, requirepass="defaultpass",
                    tls_auth_clients_user="SAN",
                    user="sanuser on >pw ~* +@all")
    c = TlsConn(srv.tls_port, certs, cert="sanclient")
    assert c.cmd("ACL", "WHOAMI") == "sanuser"


@pytest.mark.redoubt_only
def test_optional_without_certificate_is_not_logged_in(server_factory, certs):
    # The pitfall: the default user is nopass, and a client with no certificate must still
    # not get in when identities come from certificates.
    srv = start_tls(server_factory, certs, tls_auth_clients="optional",
                    tls_auth_clients_user="CN", user=[APPUSER, "default on nopass ~* +@all"])
    anon = TlsConn(srv.tls_port, certs, cert=None)
    assert anon.cmd("GET", "k").startswith("-NOAUTH")
    assert anon.cmd("AUTH", "appuser", "strongapppassword") == "+OK"
    assert anon.cmd("ACL", "WHOAMI") == "appuser"
    # A certificate naming no user: not logged in either.
    stranger = TlsConn(srv.tls_port, certs, cert="stranger")
    assert stranger.cmd("GET", "k").startswith("-NOAUTH")
    # And the right certificate is in without AUTH.
    assert TlsConn(srv.tls_port, certs, cert="client").cmd("ACL", "WHOAMI") == "appuser"


# --------------------------------------------------------------------------- plain text


def test_plaintext_client_on_tls_port_is_closed(server_factory, certs):
    srv = start_tls(server_factory, certs)
    s = socket.create_connection(("127.0.0.1", srv.tls_port), timeout=5)
    s.sendall(b"*1\r\n$4\r\nPING\r\n")
    data = b""
    try:
        while True:
            chunk = s.recv(4096)  # EOF (or a reset) within the 5 s timeout, no hang
            if not chunk:
                break
            data += chunk
    except ConnectionResetError:
        pass
    assert b"+PONG" not in data
    s.close()


@pytest.mark.redoubt_only
def test_plaintext_single_byte_closed_at_once_and_counted(server_factory, certs):
    srv = start_tls(server_factory, certs)
    c = TlsConn(srv.tls_port, certs)
    before = int(info_field(c, "tls_plaintext_rejected_connections"))
    s = socket.create_connection(("127.0.0.1", srv.tls_port), timeout=2)
    s.sendall(b"P")  # too short for a TLS record header: OpenSSL alone would wait
    data = s.recv(4096)
    assert data.startswith(b"-ERR this port only accepts TLS")
    assert s.recv(4096) == b""
    s.close()
    assert int(info_field(c, "tls_plaintext_rejected_connections")) == before + 1


@pytest.mark.redoubt_only
def test_info_and_client_list_show_tls(server_factory, certs):
    plain = free_port()
    srv = start_tls(server_factory, certs, port=plain)
    c = TlsConn(srv.tls_port, certs)
    assert info_field(c, "tls_port") == str(srv.tls_port)
    assert info_field(c, "tls_server_cert_serial") == certs.serial("server.crt")
    assert int(info_field(c, "tls_connections_received")) >= 1
    assert c.cmd("CLIENT", "INFO").strip().endswith("tls=1")
    p = srv.client(port=plain)
    assert "tls=" not in p.execute_command("CLIENT", "INFO")


# --------------------------------------------------------------------------- start-up checks


def _bad_start(run_binary, certs, **over):
    d = tls_directives(certs, **over)
    text = "\n".join(f"{k} {v}" for k, v in d.items() if v is not None) + "\nsave \"\"\n"
    return run_binary(config_text=text)


@pytest.mark.redoubt_only
def test_startup_missing_certificate_names_the_file(run_binary, certs):
    p = _bad_start(run_binary, certs, **{"tls-cert-file": "/nonexistent/server.crt"})
    assert p.returncode != 0
    assert "tls-cert-file '/nonexistent/server.crt'" in p.stdout


@pytest.mark.redoubt_only
def test_startup_key_not_matching_certificate(run_binary, certs):
    p = _bad_start(run_binary, certs, **{"tls-key-file": certs.path("client.key")})
    assert p.returncode != 0
    assert f"tls-key-file '{certs.path('client.key')}' does not match" in p.stdout


@pytest.mark.redoubt_only
def test_startup_client_certificates_need_a_ca(run_binary, certs):
    p = _bad_start(run_binary, certs, **{"tls-ca-cert-file": None})
    assert p.returncode != 0
    assert "tls-ca-cert-file or tls-ca-cert-dir must be set" in p.stdout


@pytest.mark.redoubt_only
def test_startup_refuses_old_protocols(run_binary, certs):
    p = _bad_start(run_binary, certs, **{"tls-protocols": '"TLSv1.1 TLSv1.2"'})
    assert p.returncode != 0
    assert "TLSv1.1 is refused" in p.stdout


@pytest.mark.redoubt_only
def test_startup_warns_about_world_readable_key(server_factory, certs, tmp_path):
    key = tmp_path / "open.key"
    shutil.copy(certs.path("server.key"), key)
    os.chmod(key, 0o644)
    srv = start_tls(server_factory, certs, config={"tls-key-file": str(key)})
    assert srv.wait_for_log(f"tls-key-file '{key}' is readable by group/others")



@pytest.mark.redoubt_only
@pytest.mark.slow
def test_silent_connection_dropped_after_handshake_timeout(server_factory, certs):
    srv = start_tls(server_factory, certs)
    s = socket.create_connection(("127.0.0.1", srv.tls_port), timeout=20)
    t0 = time.monotonic()
    assert s.recv(100) == b""  # closed by the server, nothing ever sent
    assert 8 <= time.monotonic() - t0 <= 15
    c = TlsConn(srv.tls_port, certs)
    assert int(info_field(c, "tls_handshake_failures")) >= 1


UNUSABLE_CIPHER_LISTS = ["NULL", "eNULL", "aNULL", "@SECLEVEL=0:NULL",
                         "ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0:aNULL", "RC4-MD5"]


@pytest.mark.redoubt_only
@pytest.mark.parametrize("ciphers", UNUSABLE_CIPHER_LISTS)
def test_config_set_tls_ciphers_without_a_safe_cipher_is_refused(server_factory, certs,
                                                                 ciphers):
    srv = start_tls(server_factory, certs)
    c = TlsConn(srv.tls_port, certs)
    before = c.cmd("CONFIG", "GET", "tls-ciphers")
    reply = c.cmd("CONFIG", "SET", "tls-ciphers", ciphers)
    assert reply.startswith("-ERR") and "tls-ciphers" in reply, reply
    assert ("aNULL/eNULL" in reply or "no cipher OpenSSL would negotiate" in reply
            or "no usable cipher" in reply), reply
    assert c.cmd("CONFIG", "GET", "tls-ciphers") == before
    # TLS 1.2 handshakes still work: nothing was applied.
    raw = socket.create_connection(("127.0.0.1", srv.tls_port), timeout=5)
    s = ssl_context(certs, max_version=ssl.TLSVersion.TLSv1_2).wrap_socket(raw)
    assert s.version() == "TLSv1.2"
    s.close()


@pytest.mark.redoubt_only
def test_config_set_tls_ciphers_null_is_refused_with_tls_off(server):
    c = server.raw()
    reply = c.cmd("CONFIG", "SET", "tls-ciphers", "NULL")
    assert isinstance(reply, str) and reply.startswith("ERR"), reply
    assert "tls-ciphers 'NULL'" in reply
    assert c.cmd("CONFIG", "SET", "tls-ciphers", "ECDHE-RSA-AES128-GCM-SHA256") == "OK"


@pytest.mark.redoubt_only
def test_config_set_tls_ciphersuites_unknown_is_refused(server_factory, certs):
    srv = start_tls(server_factory, certs)
    c = TlsConn(srv.tls_port, certs)
    reply = c.cmd("CONFIG", "SET", "tls-ciphersuites", "TLS_NO_SUCH_SUITE")
    assert reply.startswith("-ERR") and "tls-ciphersuites" in reply, reply
    assert c.cmd("CONFIG", "SET", "tls-ciphersuites", "TLS_AES_256_GCM_SHA384") == "+OK"


@pytest.mark.redoubt_only
def test_startup_refuses_null_ciphers(run_binary, certs):
    p = _bad_start(run_binary, certs, **{"tls-ciphers": "NULL"})
    assert p.returncode != 0
    assert "tls-ciphers 'NULL'" in p.stdout
    p = _bad_start(run_binary, certs, **{"tls-ciphers": '"@SECLEVEL=0:eNULL"'})
    assert p.returncode != 0
    assert "aNULL/eNULL" in p.stdout
