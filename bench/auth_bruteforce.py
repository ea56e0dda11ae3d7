#!/usr/bin/python3
"""How many wrong passwords per second can one client address try?

Starts Redoubt (REDOUBT_SERVER, default build/release/redoubt-server) on a free loopback port
with `requirepass` set, then hammers it with pipelined wrong `AUTH` commands from 127.0.0.1 for
DURATION seconds (default 5): once with the AUTH brute-force defence on (auth-max-failures 10,
the default) and once with it off (auth-max-failures 0). Then the same against
/usr/bin/redis-server (no defence) for reference. Prints a small table.

"tried/s" counts answers that checked a password (WRONGPASS); "refused/s" counts attempts the
throttle turned away before checking (they tell the attacker nothing). The goal for Redoubt
with the defence on is under 10 tried/s. Loopback is not exempt by default, which is what lets
this measure from 127.0.0.1.

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


class Server:
    def __init__(self, binary, extra_lines):
        self.binary = binary
        self.port = free_port()
        self.password = secrets.token_hex(16)
        self.dir = tempfile.mkdtemp(prefix="auth_bruteforce.")
        self.conf = os.path.join(self.dir, "server.conf")
        lines = [
            "bind 127.0.0.1",
            "port %d" % self.port,
            "requirepass %s" % self.password,
            'save ""',
            "appendonly no",
            "dir %s" % self.dir,
            "logfile %s" % os.path.join(self.dir, "server.log"),
        ] + list(extra_lines)
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


def hammer(port, duration, pipeline):
    """Pipelined wrong AUTHs on one connection (reconnecting if closed). Returns counts."""
    counts = {"tried": 0, "refused": 0, "other": 0}
    batch = b"".join(resp("AUTH", "wrong-%d" % i) for i in range(pipeline))
    sock = None
    reader = None
    start = time.monotonic()
    end = start + duration
    while time.monotonic() < end:
        try:
            if sock is None:
                sock = socket.create_connection(("127.0.0.1", port), timeout=5)
                reader = Reader(sock)
            sock.sendall(batch)
            for _ in range(pipeline):
                line = reader.reply()
                if line.startswith(b"-WRONGPASS") or line.startswith(b"-ERR invalid password"):
                    counts["tried"] += 1
                elif line.startswith(THROTTLE_PREFIX):
                    counts["refused"] += 1
                else:
                    counts["other"] += 1
        except (OSError, ConnectionError):
            if sock is not None:
                sock.close()
            sock = None
            time.sleep(0.01)
    if sock is not None:
        sock.close()
    elapsed = time.monotonic() - start
    return {k: v / elapsed for k, v in counts.items()}, elapsed


def run_case(label, binary, extra_lines, duration, pipeline, fallback_lines=None):
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        return [label, "-", "-", "-", "binary not found: %s" % binary]
    server = Server(binary, extra_lines)
    note = ""
    try:
        if not server.wait_ready():
            err = server.startup_error()
            server.stop()
            if fallback_lines is None:
                return [label, "-", "-", "-", "did not start: %s" % " | ".join(err)]
            # An older build without the directives: measure it anyway, and say so.
            server = Server(binary, fallback_lines)
            note = "directives unknown to this build"
            if not server.wait_ready():
                err = server.startup_error()
                return [label, "-", "-", "-", "did not start: %s" % " | ".join(err)]
        rates, _ = hammer(server.port, duration, pipeline)
        # The right password from the same address, right after the attack.
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
            s.sendall(resp("AUTH", server.password))
            right = Reader(s).reply().decode(errors="replace")
        if not note and label.endswith("defence on") and rates["refused"] == 0:
            note = "no throttling seen (defence not wired in this build yet?)"
        note = (note + "; " if note else "") + "right password afterwards: " + right[:40]
        return [label, "%.1f" % rates["tried"], "%.1f" % rates["refused"],
                "%.1f" % rates["other"], note]
    finally:
        server.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=5.0)
    ap.add_argument("--pipeline", type=int, default=64)
    args = ap.parse_args()

    rows = [
        run_case("redoubt, defence on", REDOUBT,
                 ["auth-max-failures 10", "auth-failure-window 60", "auth-backoff-base-ms 1000",
                  "auth-backoff-max-ms 60000", "auth-throttle-exempt-loopback no"],
                 args.duration, args.pipeline, fallback_lines=[]),
        run_case("redoubt, defence off", REDOUBT, ["auth-max-failures 0"],
                 args.duration, args.pipeline, fallback_lines=[]),
        run_case("redis-server (reference)", REDIS, [], args.duration, args.pipeline),
    ]
    header = ["server", "tried/s", "refused/s", "other/s", "notes"]
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(4)]
    print("Wrong AUTH passwords per second from one address (127.0.0.1), %.0f s each, "
          "pipeline %d" % (args.duration, args.pipeline))
    print("  ".join(h.ljust(widths[i]) if i < 4 else h for i, h in enumerate(header)))
    print("  ".join("-" * widths[i] if i < 4 else "-----" for i in range(5)))
    for r in rows:
        print("  ".join(str(c).ljust(widths[i]) if i < 4 else str(c) for i, c in enumerate(r)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
