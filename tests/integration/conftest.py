"""Black-box test framework: starts the real server binary as a subprocess.

The binary comes from $REDOUBT_SERVER (default build/release/redoubt-server). The same
suite runs against Debian's real Redis (REDOUBT_SERVER=/usr/bin/redis-server) so that every
expectation is checked against Redis 7.0 first; tests of Redoubt-only behaviour carry the
`redoubt_only` marker and are skipped there.

Fixtures:
  server_factory(config=None, args=(), use_config_file=True, **directives) -> Server
  server                      a fresh default server per test
  r / rb                      redis-py clients of `server` (str / bytes replies)
  raw                         a RawConn (raw socket, exact RESP) to `server`
  run_binary(args, ...)       runs the binary to completion (config errors, --version)
Helpers: Server.cli(*args), Server.raw(), Server.client(), Server.rss_kb(), RawConn.
"""

import os
import signal
import socket
import subprocess
import tempfile
import time

import pytest
import redis

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _server_path():
    path = os.environ.get("REDOUBT_SERVER", "build/release/redoubt-server")
    if not os.path.isabs(path):
        path = os.path.join(REPO_ROOT, path)
    return path


SERVER_BIN = _server_path()
IS_REDIS = os.path.basename(SERVER_BIN).startswith("redis-server")
REDIS_REFERENCE = "/usr/bin/redis-server"
REDIS_CLI = "redis-cli"
# REDOUBT_EVENT_LOOP=epoll|io_uring runs every server the fixtures start on that loop
# (`--event-loop`), so the whole suite can run on both; unset: the default (auto).
EVENT_LOOP = os.environ.get("REDOUBT_EVENT_LOOP", "")
START_TIMEOUT = float(os.environ.get("REDOUBT_START_TIMEOUT", "20"))
TEST_TIMEOUT = int(os.environ.get("REDOUBT_TEST_TIMEOUT", "180"))


# --------------------------------------------------------------------------- pytest hooks


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "redoubt_only: Redoubt-specific behaviour (secure defaults, documented differences "
        "from Redis); skipped when the binary under test is redis-server",
    )
    config.addinivalue_line("markers", "slow: takes more than a few seconds")


def pytest_report_header(config):
    kind = "real Redis (reference run)" if IS_REDIS else "Redoubt"
    if EVENT_LOOP and not IS_REDIS:
        kind += f", event-loop {EVENT_LOOP}"
    return f"server under test: {SERVER_BIN} [{kind}]"


def pytest_collection_modifyitems(config, items):
    # REDOUBT_RUN_ALL=1 runs redoubt_only tests against redis-server too (to see them fail
    # for the right reason while writing them).
    if not IS_REDIS or os.environ.get("REDOUBT_RUN_ALL") == "1":
        return
    skip = pytest.mark.skip(reason="redoubt_only: not Redis behaviour (reference run)")
    for item in items:
        if "redoubt_only" in item.keywords:
            item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        for srv in getattr(item, "_redoubt_servers", []):
            report.sections.append((f"server log {srv.log_path}", srv.log_text(tail=200)))


@pytest.fixture(autouse=True)
def _test_timeout():
    """A hung test must not hang CI: SIGALRM fails it after TEST_TIMEOUT seconds."""

    def on_alarm(signum, frame):
        raise TimeoutError(f"test exceeded {TEST_TIMEOUT}s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(TEST_TIMEOUT)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


# --------------------------------------------------------------------------- RESP client


class Err(str):
    """An error reply; the text is the whole line after '-', e.g. 'ERR syntax error'."""

    def __repr__(self):
        return f"Err({str.__repr__(self)})"

    def decode(self, *args, **kwargs):
        # a test expected a bulk string here: fail with the server's error text
        raise AssertionError(f"expected a bulk reply, got the error reply {self!r}")

    def __iter__(self):
        raise AssertionError(f"expected an array reply, got the error reply {self!r}")


class Status(str):
    """A simple-string reply ('+OK')."""

    def __repr__(self):
        return f"Status({str.__repr__(self)})"


class Double(float):
    pass


class BigNumber(int):
    pass


class Verbatim(str):
    def __new__(cls, text, fmt):
        obj = str.__new__(cls, text)
        obj.fmt = fmt
        return obj


class RespSet(list):
    pass


class Push(list):
    pass


class ConnectionClosed(Exception):
    pass


def encode_command(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, str):
            a = a.encode()
        elif isinstance(a, (int, float)):
            a = str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class RawConn:
    """A raw socket speaking RESP2/RESP3; replies keep their exact wire type and text."""

    def __init__(self, host="127.0.0.1", port=None, unix_path=None, timeout=5.0):
        if unix_path:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.settimeout(timeout)
            self.sock.connect(unix_path)
        else:
            self.sock = socket.create_connection((host, port), timeout=timeout)
        self.timeout = timeout
        self.buf = b""

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def cmd(self, *args, timeout=None):
        self.send(encode_command(*args))
        return self.read_reply(timeout=timeout)

    # -- reading
    def _fill(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise socket.timeout("timed out waiting for reply")
        self.sock.settimeout(remaining)
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionClosed("server closed the connection")
        self.buf += chunk

    def _line(self, deadline):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line, self.buf = self.buf[:i], self.buf[i + 2 :]
                return line
            self._fill(deadline)

    def _exact(self, n, deadline):
        while len(self.buf) < n + 2:
            self._fill(deadline)
        data, self.buf = self.buf[:n], self.buf[n + 2 :]
        return data

    def read_line(self, timeout=None):
        """One raw line without its CRLF."""
        return self._line(time.monotonic() + (timeout or self.timeout))

    def read_reply(self, timeout=None):
        return self._parse(time.monotonic() + (timeout or self.timeout))

    def _parse(self, deadline):
        line = self._line(deadline)
        t, rest = line[:1], line[1:]
        if t == b"+":
            return Status(rest.decode(errors="replace"))
        if t == b"-":
            return Err(rest.decode(errors="replace"))
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n, deadline)
        if t in (b"*", b"~", b">"):
            n = int(rest)
            if n < 0:
                return None
            items = [self._parse(deadline) for _ in range(n)]
            return {b"*": list, b"~": RespSet, b">": Push}[t](items)
        if t == b"%":
            n = int(rest)
            out = {}
            for _ in range(n):
                k = self._parse(deadline)
                out[k if not isinstance(k, list) else tuple(k)] = self._parse(deadline)
            return out
        if t == b"_":
            return None
        if t == b",":
            return Double(float(rest))
        if t == b"#":
            return rest == b"t"
        if t == b"(":
            return BigNumber(int(rest))
        if t == b"=":
            data = self._exact(int(rest), deadline)
            return Verbatim(data[4:].decode(), data[:3].decode())
        if t == b"!":
            return Err(self._exact(int(rest), deadline).decode())
        if t == b"|":
            n = int(rest)
            for _ in range(2 * n):
                self._parse(deadline)
            return self._parse(deadline)
        raise AssertionError(f"unparseable reply line {line!r}")

    def read_raw(self, n_bytes=None, timeout=1.0):
        """Raw bytes: until n_bytes are read, the peer closes, or `timeout` passes idle."""
        deadline = time.monotonic() + timeout
        while n_bytes is None or len(self.buf) < n_bytes:
            try:
                self._fill(deadline)
            except (socket.timeout, ConnectionClosed, ConnectionResetError):
                break
        if n_bytes is None:
            data, self.buf = self.buf, b""
        else:
            data, self.buf = self.buf[:n_bytes], self.buf[n_bytes:]
        return data

    def is_closed(self, timeout=3.0):
        """True when the server closed the connection (EOF or reset) within `timeout`.
        Unread reply bytes are discarded."""
        deadline = time.monotonic() + timeout
        self.buf = b""
        while time.monotonic() < deadline:
            try:
                self.sock.settimeout(max(0.01, deadline - time.monotonic()))
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return False
            except (ConnectionResetError, BrokenPipeError):
                return True
            if not chunk:
                return True
        return False


# --------------------------------------------------------------------------- ports


def _port_free(port):
    for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        s = socket.socket(family, socket.SOCK_STREAM)
        try:
            s.bind((host, port))
        except OSError as e:
            if family == socket.AF_INET6 and e.errno in (97, 99):  # no IPv6 here
                continue
            return False
        finally:
            s.close()
    return True


def free_port():
    """A port free on 127.0.0.1 and ::1 (bind-port-0 trick; the caller retries on races)."""
    for _ in range(50):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        if _port_free(port):
            return port
    raise RuntimeError("no free port found")


# --------------------------------------------------------------------------- server


def _format_value(v):
    if v is True:
        return "yes"
    if v is False:
        return "no"
    v = str(v)
    return '""' if v == "" else v


def write_config(path, directives):
    """directives: name -> value; a list value writes the directive once per element;
    None leaves it out. Values are written as-is (quote them yourself when needed)."""
    lines = []
    for name, value in directives.items():
        if value is None:
            continue
        values = value if isinstance(value, (list, tuple)) else [value]
        for v in values:
            lines.append(f"{name} {_format_value(v)}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


class ServerStartError(Exception):
    pass


class Server:
    def __init__(self, tmpdir, binary=SERVER_BIN):
        self.binary = binary
        self.tmpdir = tmpdir
        self.log_path = os.path.join(tmpdir, "server.log")
        self.config_path = None
        self.proc = None
        self.port = None
        self.host = "127.0.0.1"
        self.unix_path = None
        self.password = None
        self.directives = {}
        self._clients = []

    # -- lifecycle
    def start(self, directives, args=(), use_config_file=True, port=None, wait=True):
        """Start the binary; retries with a new port if the chosen one was taken."""
        last_error = None
        for _attempt in range(5):
            self.port = port if port is not None else free_port()
            try:
                self._spawn(directives, args, use_config_file)
                if wait:
                    self.wait_ready()
                return self
            except ServerStartError as e:
                last_error = e
                self.stop()
                if port is None and "in use" in self.log_text().lower():
                    continue
                raise
        raise last_error

    def _spawn(self, directives, args, use_config_file):
        """With a config file: the framework defaults (loopback bind, no persistence, dir)
        plus `directives` go to tmp/server.conf. Without one: only `--port N`, `args` and
        `directives` as `--name value` arguments, nothing else (cwd is the tmp dir)."""
        if use_config_file:
            d = {"port": self.port, "bind": "127.0.0.1", "save": "", "appendonly": "no",
                 "daemonize": "no", "dir": self.tmpdir}
            d.update(directives)
        else:
            d = {"port": self.port}
            d.update(directives)
        if d.get("port") is not None:
            self.port = int(d["port"])
        self.directives = d
        self.unix_path = d.get("unixsocket")
        self.password = d.get("requirepass")
        bind = d.get("bind")
        if bind:
            first = str(bind).split()[0].lstrip("-")
            if first not in ("*", "::*", "0.0.0.0"):
                self.host = first
        cmd = [self.binary]
        if use_config_file:
            self.config_path = write_config(os.path.join(self.tmpdir, "server.conf"), d)
            cmd.append(self.config_path)
            cmd += [str(a) for a in args]
        else:
            cmd += [str(a) for a in args]
            for name, value in d.items():
                if value is None:
                    continue
                cmd += [f"--{name}", str(value) if value is not True else "yes"]
        self.cmdline = cmd  # as the test asked for it (without the harness's loop override)
        if EVENT_LOOP and not os.path.basename(self.binary).startswith("redis-server"):
            cmd = cmd + ["--event-loop", EVENT_LOOP]
        self.log_file = open(self.log_path, "ab")
        self.proc = subprocess.Popen(cmd, stdout=self.log_file, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=self.tmpdir)

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def wait_ready(self, timeout=START_TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise ServerStartError(
                    f"server exited with code {self.proc.returncode} during start-up:\n"
                    + self.log_text(tail=50))
            try:
                with self._connect_raw(timeout=1.0) as c:
                    c.send(b"*1\r\n$4\r\nPING\r\n")
                    line = c.read_line(timeout=1.0)
                    if line:  # +PONG, -NOAUTH, -LOADING, -DENIED: all mean it is up
                        return
            except (OSError, ConnectionClosed):
                pass
            time.sleep(0.02)
        raise ServerStartError(f"server not accepting connections after {timeout}s:\n"
                               + self.log_text(tail=50))

    def _connect_raw(self, timeout=5.0):
        if self.port and int(self.port) != 0:
            return RawConn(self.host, self.port, timeout=timeout)
        if self.unix_path:
            return RawConn(unix_path=self.unix_path, timeout=timeout)
        raise ServerStartError("server has neither a TCP port nor a unix socket")

    def stop(self, sig=signal.SIGTERM, timeout=5.0):
        """SIGTERM, then SIGKILL after `timeout`. Returns the exit code."""
        for c in self._clients:
            try:
                c.close()
            except Exception:
                pass
        self._clients = []
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(sig)
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        try:
            self.log_file.close()
        except Exception:
            pass
        return self.proc.returncode

    def wait_exit(self, timeout=10.0):
        return self.proc.wait(timeout=timeout)

    # -- clients
    def client(self, decode_responses=True, **kw):
        if self.port and int(self.port) != 0:
            kw.setdefault("host", self.host)
            kw.setdefault("port", self.port)
        else:
            kw.setdefault("unix_socket_path", self.unix_path)
        kw.setdefault("socket_timeout", 10)
        c = redis.Redis(decode_responses=decode_responses, **kw)
        self._clients.append(c)
        return c

    def raw(self, timeout=5.0):
        c = self._connect_raw(timeout=timeout)
        self._clients.append(c)
        return c

    def cli(self, *args, input=None, timeout=20, auth=False):
        """Runs redis-cli against this server; returns the CompletedProcess (text)."""
        cmd = [REDIS_CLI]
        if self.port and int(self.port) != 0:
            cmd += ["-h", self.host, "-p", str(self.port)]
        else:
            cmd += ["-s", self.unix_path]
        if auth and self.password:
            cmd += ["--no-auth-warning", "-a", self.password]
        cmd += [str(a) for a in args]
        return subprocess.run(cmd, input=input, capture_output=True, text=True,
                              timeout=timeout)

    # -- introspection
    def log_text(self, tail=None):
        try:
            with open(self.log_path, "rb") as f:
                text = f.read().decode(errors="replace")
        except FileNotFoundError:
            return ""
        if tail:
            text = "\n".join(text.splitlines()[-tail:])
        return text

    def wait_for_log(self, needle, timeout=5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.log_text():
                return True
            time.sleep(0.05)
        return False

    def _status_kb(self, field):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        raise AssertionError(f"no {field}")

    def rss_kb(self):
        return self._status_kb("VmRSS")

    def peak_rss_kb(self):
        """The process's peak resident size so far (VmHWM)."""
        return self._status_kb("VmHWM")

    def cpu_seconds(self):
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


@pytest.fixture
def server_factory(request, tmp_path_factory):
    """server_factory(config=None, args=(), use_config_file=True, port=None, wait=True,
    binary=SERVER_BIN, **directives). Keyword directives use '_' for '-'
    (enable_debug_command='yes'); `config` takes names verbatim. A value of None removes a
    framework default (e.g. bind=None)."""
    started = []
    request.node._redoubt_servers = started

    def make(config=None, args=(), use_config_file=True, port=None, wait=True,
             binary=SERVER_BIN, **directives):
        d = {k.replace("_", "-"): v for k, v in directives.items()}
        if config:
            d.update(config)
        tmpdir = tempfile.mkdtemp(prefix="srv", dir=str(tmp_path_factory.getbasetemp()))
        srv = Server(tmpdir, binary=binary)
        started.append(srv)
        return srv.start(d, args=args, use_config_file=use_config_file, port=port, wait=wait)

    yield make
    for srv in started:
        srv.stop()
    # Under `make test-asan` a sanitizer report in a server's log fails the test, even when
    # the server survived it (UBSan, leaks at exit, a report in a forked child).
    for srv in started:
        report = sanitizer_report(srv.log_text())
        if report:
            pytest.fail(f"sanitizer report in {srv.log_path}:\n{report}", pytrace=False)


SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error: ",
                     "SUMMARY: UndefinedBehaviorSanitizer", "WARNING: ThreadSanitizer")


def sanitizer_report(log):
    """The lines around the first sanitizer report in a server log, or ''."""
    lines = log.splitlines()
    for i, line in enumerate(lines):
        if any(m in line for m in SANITIZER_MARKERS):
            return "\n".join(lines[max(0, i - 2):i + 40])
    return ""


@pytest.fixture
def server(server_factory):
    return server_factory()


@pytest.fixture
def r(server):
    return server.client()


@pytest.fixture
def rb(server):
    return server.client(decode_responses=False)


@pytest.fixture
def raw(server):
    return server.raw()


@pytest.fixture
def run_binary(tmp_path):
    """run_binary(args, config_text=None, timeout=15) -> CompletedProcess (text, merged
    stdout+stderr in .stdout). With config_text, that text is written to tmp/bad.conf and
    its path is the first argument."""

    def run(args=(), config_text=None, timeout=15, binary=SERVER_BIN):
        cmd = [binary]
        if config_text is not None:
            path = tmp_path / "bad.conf"
            path.write_text(config_text)
            cmd.append(str(path))
        cmd += [str(a) for a in args]
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=timeout, cwd=str(tmp_path))

    return run


def wait_until(predicate, timeout=5.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def assert_error(reply, expected):
    """`reply` must be an error reply whose full text (prefix included) equals `expected`;
    when `expected` ends with '*', only the prefix before it is compared."""
    assert isinstance(reply, Err), f"expected error {expected!r}, got {reply!r}"
    if expected.endswith("*"):
        assert str(reply).startswith(expected[:-1]), f"{str(reply)!r} !~ {expected!r}"
    else:
        assert str(reply) == expected


def make_non_string_key(conn, key):
    """Creates a key of a non-string type through `conn` (a RawConn); skips the test when
    the server implements no other type yet (early Redoubt builds)."""
    for cmd in (("LPUSH", key, "x"), ("SADD", key, "x"), ("HSET", key, "f", "v"),
                ("ZADD", key, "1", "x")):
        reply = conn.cmd(*cmd)
        if not isinstance(reply, Err):
            return cmd[0]
    pytest.skip("the server implements no non-string type yet (LPUSH/SADD/HSET/ZADD)")


WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
SYNTAX = "ERR syntax error"
NOT_INT = "ERR value is not an integer or out of range"


def wrong_args(cmd):
    return f"ERR wrong number of arguments for '{cmd}' command"
