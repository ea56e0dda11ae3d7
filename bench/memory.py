#!/usr/bin/python3
"""Memory per key: load N keys (default 1,000,000) named key:<i> with 16-byte values into
redis-server and redoubt-server (pipelined SETs over a raw socket), then print, for each,
INFO memory's used_memory and the process RSS (VmRSS), both as growth over the empty
server divided by N, and the ratio Redoubt/Redis.

Usage: /usr/bin/python3 bench/memory.py [--keys N] [--value-size 16] [--redoubt PATH]
         [--redis PATH]
"""

import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from servers import arg_parser, available, BenchServer  # noqa: E402

BATCH = 10000


def value_for(i, size):
    # never a valid integer (Redis would store it as a shared/int-encoded object)
    return ("v" + str(i).zfill(size - 1))[:size].encode()


def load(server, n, size):
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=120)
    try:
        for start in range(0, n, BATCH):
            end = min(n, start + BATCH)
            parts = []
            for i in range(start, end):
                key = b"key:%d" % i
                val = value_for(i, size)
                parts.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n"
                             % (len(key), key, len(val), val))
            sock.sendall(b"".join(parts))
            expected = (end - start) * 5  # "+OK\r\n"
            got = 0
            while got < expected:
                chunk = sock.recv(1 << 20)
                if not chunk:
                    raise RuntimeError(f"{server.name} closed the connection while loading")
                if chunk.count(b"-"):
                    raise RuntimeError(f"{server.name} replied with an error: {chunk[:200]!r}")
                got += len(chunk)
    finally:
        sock.close()


def used_memory(server):
    value = server.info("memory").get("used_memory")
    return int(value) if value is not None and value.strip().isdigit() else None


def measure(server, n, size):
    server.start()
    time.sleep(0.3)
    base_used, base_rss = used_memory(server), server.rss_bytes()
    t0 = time.monotonic()
    load(server, n, size)
    elapsed = time.monotonic() - t0
    time.sleep(0.5)  # let background freeing / allocator settle
    dbsize = int(server.command("DBSIZE")[1:].strip())
    if dbsize != n:
        raise RuntimeError(f"{server.name}: DBSIZE {dbsize} after loading {n} keys")
    used, rss = used_memory(server), server.rss_bytes()
    return {
        "load_s": elapsed,
        "used": used,
        "rss": rss,
        "used_per_key": None if used is None or base_used is None else (used - base_used) / n,
        "rss_per_key": (rss - base_rss) / n,
    }


def fmt(x, unit="", decimals=1):
    return "n/a" if x is None else f"{x:,.{decimals}f}{unit}"


def main():
    ap = arg_parser(__doc__)
    ap.add_argument("--keys", type=int, default=1000000)
    ap.add_argument("--value-size", type=int, default=16)
    args = ap.parse_args()

    results = {}
    for name, binary in (("redis", args.redis), ("redoubt", args.redoubt)):
        if not available(binary):
            print(f"note: no {name} server at {binary}")
            continue
        srv = BenchServer(name, binary)
        try:
            results[name] = measure(srv, args.keys, args.value_size)
        finally:
            srv.cleanup()
    if not results:
        sys.exit("nothing to measure")

    print(f"# {args.keys:,} keys 'key:<i>' with {args.value_size}-byte values")
    print(f"{'server':8}  {'used_memory':>14}  {'RSS':>14}  {'used B/key':>10}  "
          f"{'RSS B/key':>10}  {'load s':>7}")
    for name, r in results.items():
        print(f"{name:8}  {fmt(r['used'], decimals=0):>14}  {fmt(r['rss'], decimals=0):>14}  "
              f"{fmt(r['used_per_key']):>10}  {fmt(r['rss_per_key']):>10}  "
              f"{r['load_s']:>7.1f}")
    if len(results) == 2:
        a, b = results["redis"], results["redoubt"]
        used_ratio = (b["used_per_key"] / a["used_per_key"]
                      if a["used_per_key"] and b["used_per_key"] else None)
        rss_ratio = b["rss_per_key"] / a["rss_per_key"] if a["rss_per_key"] else None
        print(f"ratio redoubt/redis: used_memory per key {fmt(used_ratio, 'x', 2)}, "
              f"RSS per key {fmt(rss_ratio, 'x', 2)} (lower is better for Redoubt)")


if __name__ == "__main__":
    main()
