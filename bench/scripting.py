#!/usr/bin/python3
"""Scripting: EVALSHA of a small read/write script against redoubt-server and redis-server in
the same run.

The script reads a counter, increments it and returns the old value (one GET, one INCR per
call). It is loaded with SCRIPT LOAD on both servers, then
  redis-benchmark -p PORT -c 50 -n N -P DEPTH -q --csv EVALSHA <sha> 1 bench:counter
runs against Redis and then Redoubt. Printed: calls/s, the ratio Redoubt/Redis, and server
CPU seconds per 100k calls (utime+stime from /proc/<pid>/stat).

Usage: /usr/bin/python3 bench/scripting.py [--requests N] [--clients C] [--pipelines 1,16]
         [--redoubt PATH] [--redis PATH]
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from servers import (  # noqa: E402
    arg_parser, available, BenchServer, redis_benchmark, require_redis_benchmark)

SCRIPT = ("local v = redis.call('GET', KEYS[1]) "
          "redis.call('INCR', KEYS[1]) return v")


def main():
    ap = arg_parser(__doc__)
    ap.add_argument("--requests", "-n", type=int, default=100000)
    ap.add_argument("--clients", "-c", type=int, default=50)
    ap.add_argument("--pipelines", default="1,16")
    args = ap.parse_args()
    require_redis_benchmark()
    servers = [BenchServer(n, b) for n, b in (("redis", args.redis), ("redoubt", args.redoubt))
               if available(b)]
    if not servers:
        sys.exit("nothing to benchmark")
    results = {}
    try:
        for s in servers:
            s.start()
        for s in servers:
            reply = s.command("SCRIPT", "LOAD", SCRIPT)
            sha = reply.split(b"\r\n")[1].decode()
            s.sha = sha
        for p in (int(x) for x in args.pipelines.split(",")):
            for s in servers:
                results[(p, s.name)] = redis_benchmark(
                    s, args.requests,
                    ["-c", args.clients, "-P", p, "EVALSHA", s.sha, "1", "bench:counter"])
                print(f"  done -P {p:<3} {s.name}", file=sys.stderr)
    finally:
        for s in servers:
            s.cleanup()
    names = [s.name for s in servers]
    print(f"# EVALSHA (GET + INCR), {args.requests} calls, {args.clients} clients")
    for p in (int(x) for x in args.pipelines.split(",")):
        cells = [f"{n} {results[(p, n)][0]:.0f} calls/s, {results[(p, n)][1]:.3f} cpu s/100k"
                 for n in names]
        ratio = ""
        if len(names) == 2:
            ratio = f"  ratio {results[(p, 'redoubt')][0] / results[(p, 'redis')][0]:.2f}x"
        print(f"-P {p:<3} " + " | ".join(cells) + ratio)


if __name__ == "__main__":
    main()
