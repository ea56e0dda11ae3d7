#!/usr/bin/python3
"""Memory per element of each collection type, Redoubt vs redis-server in the same run:
100,000 hashes, sets and sorted sets of 10 small elements each, one list of 1,000,000
small elements, one stream of 1,000,000 entries of 3 fields, 10,000 HyperLogLogs of 100
elements (sparse encoding) and 1,000 of 5,000 elements (dense). Prints used_memory growth per
element (stream: per entry; HLL: per key) for both servers and the ratio. Smaller sizes for a
quick run: --keys 10000 --list 100000 --stream 100000 --hll 1000.

Usage: /usr/bin/python3 bench/memory_types.py [--keys 100000] [--list 1000000]
         [--stream 1000000] [--hll 10000] [--redoubt PATH] [--redis PATH]
"""

import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from servers import arg_parser, available, BenchServer  # noqa: E402

BATCH = 2000


def encode(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def send_all(server, commands, lines_per_reply=1):
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=300)
    try:
        for start in range(0, len(commands), BATCH):
            chunk = commands[start:start + BATCH]
            sock.sendall(b"".join(chunk))
            # Replies have a fixed number of lines (":N\r\n", "+OK\r\n"; XADD's bulk ID two):
            # count CRLFs.
            need, got = len(chunk) * lines_per_reply, 0
            while got < need:
                data = sock.recv(1 << 20)
                if not data:
                    raise RuntimeError(f"{server.name} closed the connection")
                if b"-" in data and b"\r\n-" in b"\r\n" + data:
                    raise RuntimeError(f"{server.name} error: {data[:200]!r}")
                got += data.count(b"\r\n")
    finally:
        sock.close()


def hll_commands(prefix, keys, elements):
    """PFADDs of `elements` distinct elements into each of `keys` HLLs, 500 at a time."""
    return [encode("PFADD", f"{prefix}:{k}", *[f"e{k}:{i}" for i in range(s, min(elements,
                                                                                s + 500))])
            for k in range(keys) for s in range(0, elements, 500)]


def workloads(keys, list_len, stream_len=0, hll_keys=0):
    members = [f"m{i}" for i in range(10)]
    yield "hash", keys * 10, [
        encode("HSET", f"h:{k}", *[x for m in members for x in (m, "v" + m)]) for k in range(keys)]
    yield "set", keys * 10, [encode("SADD", f"s:{k}", *members) for k in range(keys)]
    yield "zset", keys * 10, [
        encode("ZADD", f"z:{k}", *[x for i, m in enumerate(members) for x in (i, m)])
        for k in range(keys)]
    yield "list", list_len, [
        encode("RPUSH", "biglist", *[f"e{i}" for i in range(s, min(list_len, s + 100))])
        for s in range(0, list_len, 100)]
    yield "stream", stream_len, [
        encode("XADD", "bigstream", f"{1700000000000 + i // 4}-{i % 4}", "name", f"user{i}",
               "action", "login", "count", i % 1000)
        for i in range(stream_len)]
    yield "hll-sparse", hll_keys, hll_commands("hs", hll_keys, 100)
    yield "hll-dense", hll_keys // 10, hll_commands("hd", hll_keys // 10, 5000)


def used_memory(server):
    return int(server.info("memory")["used_memory"])


def main():
    ap = arg_parser(__doc__)
    ap.add_argument("--keys", type=int, default=100000)
    ap.add_argument("--list", type=int, default=1000000)
    ap.add_argument("--stream", type=int, default=1000000)
    ap.add_argument("--hll", type=int, default=10000)
    args = ap.parse_args()
    rows = {}
    for name, binary in (("redis", args.redis), ("redoubt", args.redoubt)):
        if not available(binary):
            print(f"note: no {name} server at {binary}")
            continue
        for kind, elements, commands in workloads(args.keys, args.list, args.stream, args.hll):
            if elements == 0:
                continue
            srv = BenchServer(name, binary)
            try:
                srv.start()
                time.sleep(0.2)
                base = used_memory(srv)
                send_all(srv, commands, 2 if kind == "stream" else 1)
                time.sleep(0.3)
                rows.setdefault(kind, {})[name] = (used_memory(srv) - base) / elements
            finally:
                srv.cleanup()
    print(f"{'type':10}  {'elements':>10}  {'redis B/elem':>12}  {'redoubt B/elem':>14}  ratio")
    for kind, _, _ in workloads(0, 0):
        r = rows.get(kind, {})
        a, b = r.get("redis"), r.get("redoubt")
        n = {"list": args.list, "stream": args.stream, "hll-sparse": args.hll,
             "hll-dense": args.hll // 10}.get(kind, args.keys * 10)
        ratio = f"{b / a:.2f}x" if a and b else "n/a"
        fa = f"{a:.1f}" if a else "n/a"
        fb = f"{b:.1f}" if b else "n/a"
        print(f"{kind:10}  {n:>10,}  {fa:>12}  {fb:>14}  {ratio}")


if __name__ == "__main__":
    main()
