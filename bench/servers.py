"""Shared by the benchmark scripts: start redoubt-server and redis-server side by side on
free loopback ports with the same settings, read their CPU time and memory, run
redis-benchmark against them, stop them."""

import argparse
import csv
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_REDOUBT = os.path.join(REPO_ROOT, "build", "release", "redoubt-server")
DEFAULT_REDIS = "/usr/bin/redis-server"


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class BenchServer:
    def __init__(self, name, binary, extra_args=()):
        self.name = name
        self.binary = os.path.abspath(binary) if os.sep in binary else binary  # runs in tmpdir
        self.extra_args = [str(a) for a in extra_args]  # after the defaults: they win
        self.tmpdir = tempfile.mkdtemp(prefix=f"bench-{name}-")
        self.log_path = os.path.join(self.tmpdir, "server.log")
        self.proc = None
        self.port = None

    def start(self, timeout=20, extra_args=()):
        for _attempt in range(5):
            self.port = free_port()
            args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--daemonize", "no",
                    "--dir", self.tmpdir] + self.extra_args + [str(a) for a in extra_args]
            log = open(self.log_path, "ab")
            self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, cwd=self.tmpdir)
            log.close()
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                        s.sendall(b"PING\r\n")
                        if s.recv(64):
                            return self
                except OSError:
                    time.sleep(0.05)
            self.stop()
            if "in use" not in open(self.log_path, errors="replace").read().lower():
                break
        raise RuntimeError(f"{self.name} did not start; log:\n"
                           + open(self.log_path, errors="replace").read()[-3000:])

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    def cpu_seconds(self):
        """utime + stime of the server process (all its threads), from /proc/<pid>/stat."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_bytes(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def command(self, *args, timeout=60):
        """One command over a fresh connection; returns the raw reply bytes."""
        payload = b"*%d\r\n" % len(args) + b"".join(
            b"$%d\r\n%s\r\n" % (len(a), a) for a in (x.encode() if isinstance(x, str) else x
                                                      for x in args))
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
            s.sendall(payload)
            data = b""
            while True:
                chunk = s.recv(1 << 20)
                if not chunk:
                    break
                data += chunk
                if _complete(data):
                    return data
        return data

    def info(self, section):
        reply = self.command("INFO", section)
        text = reply.split(b"\r\n", 1)[1].decode(errors="replace") if reply[:1] == b"$" else ""
        return dict(line.split(":", 1) for line in text.splitlines() if ":" in line)


def _complete(data):
    if data[:1] in (b"+", b"-", b":"):
        return data.endswith(b"\r\n")
    if data[:1] == b"$":
        head, _, rest = data.partition(b"\r\n")
        n = int(head[1:])
        return n < 0 or len(rest) >= n + 2
    return data.endswith(b"\r\n")


def available(binary):
    return binary and os.path.exists(binary) and os.access(binary, os.X_OK)


def arg_parser(doc):
    """The scripts' command line: their own options go on top of --redoubt and --redis, the
    two binaries compared."""
    ap = argparse.ArgumentParser(description=doc,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--redoubt", default=os.environ.get("REDOUBT_SERVER", DEFAULT_REDOUBT))
    ap.add_argument("--redis", default=DEFAULT_REDIS)
    return ap


def require_redis_benchmark():
    if not shutil.which("redis-benchmark"):
        sys.exit("redis-benchmark not found (Debian package redis-tools; run scripts/setup.sh)")


def parse_rps(text):
    """Requests per second from redis-benchmark's --csv (or plain -q) output."""
    rows = list(csv.reader(io.StringIO(text)))
    for row in rows:
        if len(row) >= 2 and row[0] != "test":
            try:
                return float(row[1])
            except ValueError:
                pass
    m = re.search(r"([\d.]+) requests per second", text)
    return float(m.group(1)) if m else None


def parse_latency(text, column):
    """A latency column (e.g. "p99_latency_ms") from redis-benchmark's --csv output."""
    rows = list(csv.reader(io.StringIO(text)))
    for i, row in enumerate(rows):
        if row and row[0] == "test" and column in row and i + 1 < len(rows):
            try:
                return float(rows[i + 1][row.index(column)])
            except (ValueError, IndexError):
                return None
    return None


def redis_benchmark_stats(server, requests, args):
    """Runs redis-benchmark -n requests with args against server; returns a dict: rps
    (requests per second), cpu_us (server CPU microseconds per request, from utime+stime),
    p50 and p99 (latency in ms as redis-benchmark reports it)."""
    cmd = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(server.port), "-n", str(requests),
           "-q", "--csv"] + [str(a) for a in args]
    cpu0 = server.cpu_seconds()
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    cpu = server.cpu_seconds() - cpu0
    rps = parse_rps(out.stdout)
    if rps is None:
        raise RuntimeError(f"cannot parse redis-benchmark output for {server.name}:\n"
                           f"{out.stdout}\n{out.stderr}")
    return {"rps": rps, "cpu_us": cpu / requests * 1e6,
            "p50": parse_latency(out.stdout, "p50_latency_ms"),
            "p99": parse_latency(out.stdout, "p99_latency_ms")}


def redis_benchmark(server, requests, args):
    """As redis_benchmark_stats; returns (requests per second, server CPU seconds per 100,000
    requests)."""
    r = redis_benchmark_stats(server, requests, args)
    return r["rps"], r["cpu_us"] / 10
