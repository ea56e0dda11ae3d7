#!/usr/bin/python3
"""Throughput: redis-benchmark against redoubt-server and redis-server in the same run.

For each test (set, get, incr, mset, xadd, pfadd, geoadd) and pipeline depth
(1, 16) it runs
  redis-benchmark -p PORT -t TEST -c 50 -n 200000 -P DEPTH -q --csv
(xadd, pfadd and geoadd, which redis-benchmark has no -t test for, send XADD / PFADD / GEOADD
command lines, the latter two with random elements)
against Redis and then Redoubt, and prints requests/s, the ratio Redoubt/Redis, and the
server CPU seconds (utime+stime from /proc/<pid>/stat) spent per 100k requests.

Usage: /usr/bin/python3 bench/throughput.py [--requests N] [--clients C]
         [--tests set,get,incr,mset,xadd,pfadd,geoadd] [--pipelines 1,16] [--redoubt PATH]
         [--redis PATH]
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from servers import (  # noqa: E402
    arg_parser, available, BenchServer, redis_benchmark,
    require_redis_benchmark)


# Tests redis-benchmark has no -t name for: the command line it sends instead (random
# elements from a 100,000-value space, so that HLL registers and geo members keep changing).
CUSTOM = {
    "xadd": ["XADD", "bench:stream", "*", "name", "__rand_int__", "action", "login"],
    "pfadd": ["-r", "100000", "PFADD", "bench:hll", "e:__rand_int__"],
    "geoadd": ["-r", "100000", "GEOADD", "bench:geo", "13.361389", "38.115556",
               "m:__rand_int__"],
}


def run_benchmark(server, test, pipeline, requests, clients):
    what = CUSTOM[test] if test in CUSTOM else ["-t", test]
    return redis_benchmark(server, requests, ["-c", clients, "-P", pipeline] + what)


def main():
    ap = arg_parser(__doc__)
    ap.add_argument("--requests", "-n", type=int, default=200000)
    ap.add_argument("--clients", "-c", type=int, default=50)
    ap.add_argument("--tests", default="set,get,incr,mset,xadd,pfadd,geoadd")
    ap.add_argument("--pipelines", default="1,16")
    args = ap.parse_args()

    require_redis_benchmark()
    servers = []
    if available(args.redis):
        servers.append(BenchServer("redis", args.redis))
    else:
        print(f"note: no reference redis-server at {args.redis}")
    if available(args.redoubt):
        servers.append(BenchServer("redoubt", args.redoubt))
    else:
        print(f"note: no redoubt-server at {args.redoubt} (build it: make build)")
    if not servers:
        sys.exit("nothing to benchmark")

    results = {}
    try:
        for s in servers:
            s.start()
        print(f"# {args.requests} requests, {args.clients} clients, "
              f"servers: " + ", ".join(f"{s.name} on :{s.port}" for s in servers))
        for test in args.tests.split(","):
            for p in (int(x) for x in args.pipelines.split(",")):
                for s in servers:  # same test back to back on both servers
                    results[(test, p, s.name)] = run_benchmark(s, test, p, args.requests,
                                                               args.clients)
                    print(f"  done {test:5} -P {p:<3} {s.name}", file=sys.stderr)
    finally:
        for s in servers:
            s.cleanup()

    names = [s.name for s in servers]
    header = ["test", "pipeline"] + [f"{n} ops/s" for n in names]
    if len(names) == 2:
        header.append("ratio")
    header += [f"{n} cpu s/100k" for n in names]
    rows = []
    for test in args.tests.split(","):
        for p in (int(x) for x in args.pipelines.split(",")):
            row = [test, str(p)]
            row += [f"{results[(test, p, n)][0]:.0f}" for n in names]
            if len(names) == 2:
                a, b = results[(test, p, "redis")][0], results[(test, p, "redoubt")][0]
                row.append(f"{b / a:.2f}x")
            row += [f"{results[(test, p, n)][1]:.3f}" for n in names]
            rows.append(row)
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    line = "  ".join(h.rjust(w) for h, w in zip(header, widths))
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(c.rjust(w) for c, w in zip(r, widths)))
    if len(names) == 2:
        print("ratio = redoubt ops/s / redis ops/s (higher is better for Redoubt); "
              "cpu s/100k = server CPU seconds per 100k requests (lower is better)")


if __name__ == "__main__":
    main()
