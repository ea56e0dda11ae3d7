#!/usr/bin/python3
"""Eviction and lazy free: redoubt-server against redis-server in the same run.

1. SET workload while evicting: each server runs with --maxmemory 64mb and
   --maxmemory-policy allkeys-lru; redis-benchmark writes N random keys (-r 10M, -d 100,
   -P 16, 50 clients), several times what fits, so nearly every SET evicts. Reports SET ops/s,
   server CPU per 100k SETs, then (settled at the limit) used_memory, the keys held and
   memory per key = used_memory / keys.
2. UNLINK of a 1,000,000-element set: the latency of UNLINK as the client sees it, and
   used_memory before, just after and once lazyfree_pending_objects is back to 0. DEL of the
   same set is timed too (it frees on the main thread).

Usage: /usr/bin/python3 bench/eviction.py [--requests N] [--maxmemory 64mb]
         [--set-size 1000000] [--redoubt PATH] [--redis PATH]
"""

import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from servers import arg_parser, available, BenchServer, redis_benchmark  # noqa: E402


class Conn:
    """A minimal pipelining RESP client (standard library only)."""

    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=120)
        self.buf = b""

    def send(self, *cmds):
        out = []
        for args in cmds:
            parts = [a if isinstance(a, bytes) else str(a).encode() for a in args]
            out.append(b"*%d\r\n" % len(parts))
            for p in parts:
                out.append(b"$%d\r\n%s\r\n" % (len(p), p))
        self.s.sendall(b"".join(out))

    def _line(self):
        while b"\r\n" not in self.buf:
            self.buf += self.s.recv(1 << 20)
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def read(self):
        line = self._line()
        t = line[:1]
        if t in (b"+", b":"):
            return int(line[1:]) if t == b":" else line[1:].decode()
        if t == b"-":
            raise RuntimeError(line.decode())
        if t == b"$":
            n = int(line[1:])
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self.buf += self.s.recv(1 << 20)
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return data
        if t == b"*":
            return [self.read() for _ in range(int(line[1:]))]
        raise RuntimeError(f"unexpected reply {line!r}")

    def cmd(self, *args):
        self.send(args)
        return self.read()

    def info(self, section):
        text = self.cmd("INFO", section).decode()
        return dict(line.split(":", 1) for line in text.splitlines() if ":" in line)


def eviction_run(srv, requests):
    ops, cpu = redis_benchmark(srv, requests, ["-t", "set", "-r", 10000000, "-d", 100, "-P", 16,
                                               "-c", 50])
    c = Conn(srv.port)
    time.sleep(0.5)  # let the cron settle the figures
    mem = c.info("memory")
    keys = c.cmd("DBSIZE")
    evicted = int(c.info("stats")["evicted_keys"])
    used = int(mem["used_memory"])
    return {"ops": ops, "cpu": cpu, "used": used,
            "keys": keys, "per_key": used / keys if keys else 0, "evicted": evicted}


def fill_set(c, key, n, batch=1000):
    sent = 0
    while sent < n:
        cmds = []
        for _ in range(100):
            if sent >= n:
                break
            cmds.append(["SADD", key] + [b"member:%d" % i for i in range(sent, min(sent + batch, n))])
            sent += batch
        c.send(*cmds)
        for _ in cmds:
            c.read()


def unlink_run(srv, size):
    c = Conn(srv.port)
    fill_set(c, "big", size)
    time.sleep(0.3)
    before = int(c.info("memory")["used_memory"])
    t0 = time.perf_counter()
    assert c.cmd("UNLINK", "big") == 1
    unlink_ms = (time.perf_counter() - t0) * 1000
    just_after = int(c.info("memory")["used_memory"])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and int(c.info("memory")["lazyfree_pending_objects"]) > 0:
        time.sleep(0.01)
    time.sleep(0.2)
    settled = int(c.info("memory")["used_memory"])
    fill_set(c, "big", size)
    t0 = time.perf_counter()
    assert c.cmd("DEL", "big") == 1
    del_ms = (time.perf_counter() - t0) * 1000
    return {"unlink_ms": unlink_ms, "before": before, "just_after": just_after,
            "settled": settled, "del_ms": del_ms}


def mb(n):
    return f"{n / 1048576:.1f} MB"


def ratio(a, b):
    return f"{a / b:.2f}x" if b else "n/a"


def main():
    ap = arg_parser(__doc__)
    ap.add_argument("--requests", "-n", type=int, default=2000000)
    ap.add_argument("--maxmemory", default="64mb")
    ap.add_argument("--set-size", type=int, default=1000000)
    args = ap.parse_args()

    results = {}
    for name, binary in (("redis", args.redis), ("redoubt", args.redoubt)):
        if not available(binary):
            print(f"{name}: {binary} not found, skipped")
            continue
        srv = BenchServer(name, binary)
        try:
            srv.start(extra_args=["--maxmemory", args.maxmemory,
                                  "--maxmemory-policy", "allkeys-lru"])
            ev = eviction_run(srv, args.requests)
            srv.stop()
            srv.start()
            ul = unlink_run(srv, args.set_size)
            results[name] = (ev, ul)
        finally:
            srv.cleanup()

    print(f"\nSET while evicting (maxmemory {args.maxmemory}, allkeys-lru, {args.requests} SETs "
          f"of 100 B over 10M random keys, -P 16, 50 clients)")
    print(f"{'':22}{'redis':>14}{'redoubt':>14}{'ratio':>9}")
    rows = [("SET ops/s", "ops", lambda v: f"{v:,.0f}"),
            ("cpu s/100k SETs", "cpu", lambda v: f"{v:.3f}"),
            ("used_memory settled", "used", mb),
            ("keys held", "keys", lambda v: f"{v:,}"),
            ("bytes per key", "per_key", lambda v: f"{v:.1f}"),
            ("evicted_keys", "evicted", lambda v: f"{v:,}")]
    for label, k, fmt in rows:
        vals = [results[n][0][k] if n in results else None for n in ("redis", "redoubt")]
        cells = [fmt(v) if v is not None else "-" for v in vals]
        r = ratio(vals[1], vals[0]) if None not in vals else ""
        print(f"{label:22}{cells[0]:>14}{cells[1]:>14}{r:>9}")

    print(f"\nUNLINK of a {args.set_size:,}-element set")
    print(f"{'':22}{'redis':>14}{'redoubt':>14}{'ratio':>9}")
    rows = [("UNLINK latency ms", "unlink_ms", lambda v: f"{v:.2f}"),
            ("used before", "before", mb), ("used just after", "just_after", mb),
            ("used settled", "settled", mb), ("DEL latency ms", "del_ms", lambda v: f"{v:.1f}")]
    for label, k, fmt in rows:
        vals = [results[n][1][k] if n in results else None for n in ("redis", "redoubt")]
        cells = [fmt(v) if v is not None else "-" for v in vals]
        r = ratio(vals[1], vals[0]) if None not in vals else ""
        print(f"{label:22}{cells[0]:>14}{cells[1]:>14}{r:>9}")


if __name__ == "__main__":
    main()
