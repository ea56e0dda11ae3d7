#!/usr/bin/python3
"""How many wrong passwords per second can an attacker have checked?

Starts Redoubt (REDOUBT_SERVER, default build/release/redoubt-server) and /usr/bin/redis-server
(Redis 7.0, no defence) on free loopback ports, with users `admin` and `low` (both with
passwords), and runs each attack for DURATION seconds (default 5) against each:

  one-address       pipelined wrong `AUTH` from 127.0.0.1 (default user with a password);
                    for Redoubt also with the defence off (auth-max-failures 0)
  interleaved       the attacker holds the low-privilege account `low`: 9 wrong guesses for
                    `admin`, then `AUTH low <its password>`, repeated on one connection
  interleaved-nopass  the same with a nopass `default` user: 9 guesses, then `AUTH default x`
  rotating-loopback each connection from a new 127.x.y.z source address, 9 guesses each

"checked/s" counts guesses whose password was checked (WRONGPASS); "refused/s" counts attempts
the throttle turned away before checking (they tell the attacker nothing). The goal for
Redoubt with the defence on is under 10 checked/s in every attack. Loopback is not exempt by
default, which is what lets this measure from 127.0.0.0/8.

This is a benchmark, not a test: it reports figures and asserts nothing.
Usage: /usr/bin/python3 bench/auth_bruteforce.py [--duration S] [--pipeline N]
"""

import argparse
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REDOUBT = os.environ.get("REDOUBT_SERVER", os.path.join(ROOT, "build/release/redoubt-server"))
REDIS = "/usr/bin/redis-server"
THROTTLE_PREFIX = b"-ERR too many failed authentication attempts"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Reader:
    """Reads simple RESP replies (+, -, :, $) line by line; enough for AUTH and PING."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("server closed the connection")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def reply(self):
        line = self.line()
        if line.startswith(b"$") and line != b"$-1":
            n = int(line[1:])
            while len(self.buf) < n + 2:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise ConnectionError("server closed the connection")
                self.buf += chunk
            self.buf = self.buf[n + 2:]
        return line


ADMIN_PASSWORD = secrets.token_hex(16)
LOW_PASSWORD = "low-" + secrets.token_hex(8)
USERS = ["user admin on >%s ~* &* +@all" % ADMIN_PASSWORD,
         "user low on >%s ~low:* +get" % LOW_PASSWORD]


class Server:
    def __init__(self, binary, extra_lines, requirepass=True):
        self.binary = binary
        self.port = free_port()
        self.password = secrets.token_hex(16)
        self.dir = tempfile.mkdtemp(prefix="auth_bruteforce.")
        self.conf = os.path.join(self.dir, "server.conf")
        lines = [
            "bind 127.0.0.1",
            "port %d" % self.port,
            'save ""',
            "appendonly no",
            "dir %s" % self.dir,
            "logfile %s" % os.path.join(self.dir, "server.log"),
        ] + (["requirepass %s" % self.password] if requirepass else []) + USERS
        lines += list(extra_lines)
        with open(self.conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        os.chmod(self.conf, 0o600)
        self.proc = subprocess.Popen([binary, self.conf], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)

    def wait_ready(self, timeout=10.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(resp("PING"))
                    Reader(s).reply()  # +PONG or -NOAUTH: either way it is serving
                    return True
            except OSError:
                time.sleep(0.05)
        return False

    def startup_error(self):
        err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
        log = os.path.join(self.dir, "server.log")
        if os.path.exists(log):
            with open(log, errors="replace") as f:
                err += f.read()
        return err.strip().splitlines()[-3:] if err.strip() else ["(no output)"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def one_address_batch(pipeline):
    return [(resp("AUTH", "wrong-%d" % i), True) for i in range(pipeline)]


def interleaved_batch(own_user, own_password):
    """9 guesses for admin, then a login that succeeds (unless throttled)."""
    batch = [(resp("AUTH", "admin", "guess-%d" % i), True) for i in range(9)]
    return batch + [(resp("AUTH", own_user, own_password), False)]


class RotatingLoopback:
    """A new 127.x.y.z source address for every connection (the whole /8 routes to lo)."""

    def __init__(self):
        self.n = 0

    def __call__(self):
        self.n += 1
        return "127.%d.%d.%d" % ((self.n >> 16) & 255, (self.n >> 8) & 255, self.n & 255 or 1)


def connect(port, source):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(5)
    if source is not None:
        sock.bind((source, 0))
    sock.connect(("127.0.0.1", port))
    return sock


def attack(port, duration, batch, source=None):
    """Sends `batch` (a list of (request, is_guess)) pipelined, again and again, on one
    connection (reconnecting if closed), or on a new connection from source() each time when
    `source` is given. Returns per-second counts of checked and refused guesses."""
    counts = {"checked": 0, "refused": 0, "other": 0}
    payload = b"".join(req for req, _ in batch)
    sock = None
    reader = None
    start = time.monotonic()
    end = start + duration
    while time.monotonic() < end:
        try:
            if sock is None:
                sock = connect(port, source() if source else None)
                reader = Reader(sock)
            sock.sendall(payload)
            for _, is_guess in batch:
                line = reader.reply()
                if not is_guess:
                    continue
                if line.startswith(b"-WRONGPASS") or line.startswith(b"-ERR invalid password"):
                    counts["checked"] += 1
                elif line.startswith(THROTTLE_PREFIX):
                    counts["refused"] += 1
                else:
                    counts["other"] += 1
            if source is not None:
                sock.close()
                sock = None
        except (OSError, ConnectionError):
            if sock is not None:
                sock.close()
            sock = None
            time.sleep(0.01)
    if sock is not None:
        sock.close()
    elapsed = time.monotonic() - start
    return {k: v / elapsed for k, v in counts.items()}


def run_case(label, binary, extra_lines, duration, batch, source=None, requirepass=True):
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        return [label, "-", "-", "-", "binary not found: %s" % binary]
    server = Server(binary, extra_lines, requirepass=requirepass)
    try:
        if not server.wait_ready():
            err = server.startup_error()
            return [label, "-", "-", "-", "did not start: %s" % " | ".join(err)]
        rates = attack(server.port, duration, batch, source)
        # The right admin password from 127.0.0.1, right after the attack.
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
            s.sendall(resp("AUTH", "admin", ADMIN_PASSWORD))
            right = Reader(s).reply().decode(errors="replace")
        note = "admin's password afterwards: " + right[:40]
        return [label, "%.1f" % rates["checked"], "%.1f" % rates["refused"],
                "%.1f" % rates["other"], note]
    finally:
        server.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=5.0)
    ap.add_argument("--pipeline", type=int, default=64)
    args = ap.parse_args()

    defence = ["auth-max-failures 10", "auth-failure-window 60", "auth-backoff-base-ms 1000",
               "auth-backoff-max-ms 60000", "auth-throttle-exempt-loopback no"]
    one = one_address_batch(args.pipeline)
    own = interleaved_batch("low", LOW_PASSWORD)
    nopass = interleaved_batch("default", "x")
    rows = []
    for name, binary, lines in (("redoubt", REDOUBT, defence), ("redis 7.0", REDIS, [])):
        rows += [
            run_case(name + ", one-address", binary, lines, args.duration, one),
            run_case(name + ", interleaved", binary, lines, args.duration, own),
            run_case(name + ", interleaved-nopass", binary, lines, args.duration, nopass,
                     requirepass=False),
            run_case(name + ", rotating-loopback", binary, lines, args.duration,
                     one_address_batch(9), source=RotatingLoopback()),
        ]
    rows.insert(1, run_case("redoubt defence off, one-address", REDOUBT,
                            ["auth-max-failures 0"], args.duration, one))
    header = ["server, attack", "checked/s", "refused/s", "other/s", "notes"]
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(4)]
    print("Wrong AUTH passwords checked per second, %.0f s per attack, pipeline %d "
          "(one-address)" % (args.duration, args.pipeline))
    print("  ".join(h.ljust(widths[i]) if i < 4 else h for i, h in enumerate(header)))
    print("  ".join("-" * widths[i] if i < 4 else "-----" for i in range(5)))
    for r in rows:
        print("  ".join(str(c).ljust(widths[i]) if i < 4 else str(c) for i, c in enumerate(r)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
