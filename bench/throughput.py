#!/usr/bin/python3
"""Throughput, CPU per request and p99 latency: redis-benchmark against redoubt-server and
redis-server in the same run.

For each test (set, get, incr, lpush, hset, mset, xadd, pfadd, geoadd) and
pipeline depth (1, 16) it runs
  redis-benchmark -p PORT -t TEST -c 50 -n 200000 -P DEPTH -q --csv
(xadd, pfadd and geoadd, which redis-benchmark has no -t test for, send XADD / PFADD / GEOADD
command lines, the latter two with random elements) against Redis and then Redoubt, back to
back, `--rounds` times (the servers alternate within each round), and prints per test the
median over the rounds of: requests/s, server CPU microseconds per request (utime+stime from
/proc/<pid>/stat), and redis-benchmark's p99 latency, with the ratios Redoubt/Redis and their
spread over the rounds, then the geometric means of the ratios per pipeline depth.

`--loops io_uring,epoll` benchmarks one Redoubt per event loop (`--event-loop`), each compared
with Redis.

Usage: /usr/bin/python3 bench/throughput.py [--requests N] [--clients C] [--rounds R]
         [--tests set,get,incr,lpush,hset,mset,xadd,pfadd,geoadd] [--pipelines 1,16]
         [--loops auto] [--redoubt PATH] [--redis PATH]
"""

import math
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from servers import (  # noqa: E402
    arg_parser, available, BenchServer, redis_benchmark_stats,
    require_redis_benchmark)


# Tests redis-benchmark has no -t name for: the command line it sends instead (random
# elements from a 100,000-value space, so that HLL registers and geo members keep changing).
CUSTOM = {
    "xadd": ["XADD", "bench:stream", "*", "name", "__rand_int__", "action", "login"],
    "pfadd": ["-r", "100000", "PFADD", "bench:hll", "e:__rand_int__"],
    "geoadd": ["-r", "100000", "GEOADD", "bench:geo", "13.361389", "38.115556",
               "m:__rand_int__"],
}

METRICS = [("rps", "ops/s", "{:.0f}"), ("cpu_us", "cpu us/req", "{:.2f}"),
           ("p99", "p99 ms", "{:.3f}")]


def run_benchmark(server, test, pipeline, requests, clients):
    what = CUSTOM[test] if test in CUSTOM else ["-t", test]
    return redis_benchmark_stats(server, requests, ["-c", clients, "-P", pipeline] + what)


def start_servers(args):
    servers = []
    if available(args.redis):
        servers.append(BenchServer("redis", args.redis))
    else:
        print(f"note: no reference redis-server at {args.redis}")
    if available(args.redoubt):
        for loop in args.loops.split(","):
            name = "redoubt" if loop == "auto" else f"redoubt-{loop}"
            servers.append(BenchServer(name, args.redoubt, ["--event-loop", loop]))
    else:
        print(f"note: no redoubt-server at {args.redoubt} (build it: make build)")
    if not servers:
        sys.exit("nothing to benchmark")
    for s in servers:
        s.start()
        if s.name.startswith("redoubt"):
            info = s.info("server")
            s.loop = info.get("event_loop", "?") if isinstance(info, dict) else "?"
    return servers


def spread(values):
    """(max - min) / median, as a percentage: how much the rounds disagree."""
    med = statistics.median(values)
    return 100.0 * (max(values) - min(values)) / med if med else 0.0


def print_table(header, rows):
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    line = "  ".join(h.rjust(w) for h, w in zip(header, widths))
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(c.rjust(w) for c, w in zip(r, widths)))


def report(results, tests, pipelines, names):
    """One table per Redoubt variant against Redis (or the plain figures without Redis)."""
    base = "redis" if "redis" in names else None
    others = [n for n in names if n != "redis"] or names
    for other in others:
        pair = [base, other] if base else [other]
        header = ["test", "P"]
        for _key, label, _fmt in METRICS:
            header += [f"{n} {label}" for n in pair]
            if base:
                header.append("ratio (spread)")
        rows = []
        ratios = {}  # (metric, pipeline) -> [ratio per test]
        for test in tests:
            for p in pipelines:
                row = [test, str(p)]
                for key, _label, fmt in METRICS:
                    meds = {}
                    for n in pair:
                        vals = [r[key] for r in results[(test, p, n)] if r[key] is not None]
                        meds[n] = statistics.median(vals) if vals else None
                        row.append(fmt.format(meds[n]) if meds[n] is not None else "-")
                    if base:
                        per_round = [b[key] / a[key] for a, b in
                                     zip(results[(test, p, base)], results[(test, p, other)])
                                     if a[key] and b[key]]
                        if per_round:
                            ratio = statistics.median(per_round)
                            ratios.setdefault((key, p), []).append(ratio)
                            row.append(f"{ratio:.2f}x ({spread(per_round):.0f}%)")
                        else:
                            row.append("-")
                rows.append(row)
        print()
        print(f"## {other} against {base}" if base else f"## {other}")
        print_table(header, rows)
        if base:
            for p in pipelines:
                parts = []
                for key, label, _fmt in METRICS:
                    vals = ratios.get((key, p), [])
                    if vals:
                        gm = math.exp(sum(math.log(v) for v in vals) / len(vals))
                        parts.append(f"{label} {gm:.2f}x")
                print(f"geomean P={p}: " + ", ".join(parts))
    print("ratio = redoubt / redis, the median of the per-round ratios; spread = (max - min) / "
          "median of those ratios. ops/s: higher is better; cpu us/req (server CPU per "
          "request) and p99 ms: lower is better")


def main():
    ap = arg_parser(__doc__)
    ap.add_argument("--requests", "-n", type=int, default=200000)
    ap.add_argument("--clients", "-c", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--tests", default="set,get,incr,lpush,hset,mset,xadd,pfadd,geoadd")
    ap.add_argument("--pipelines", default="1,16")
    ap.add_argument("--loops", default="auto",
                    help="Redoubt event loops to compare, e.g. io_uring,epoll")
    args = ap.parse_args()
    tests = args.tests.split(",")
    pipelines = [int(x) for x in args.pipelines.split(",")]

    require_redis_benchmark()
    results = {}
    servers = start_servers(args)
    try:
        print(f"# {args.requests} requests, {args.clients} clients, {args.rounds} rounds, "
              f"servers: " + ", ".join(
                  f"{s.name} on :{s.port}" + (f" ({s.loop})" if hasattr(s, "loop") else "")
                  for s in servers))
        for rnd in range(args.rounds):
            for test in tests:
                for p in pipelines:
                    order = servers if rnd % 2 == 0 else list(reversed(servers))
                    for s in order:  # same test back to back on every server
                        r = run_benchmark(s, test, p, args.requests, args.clients)
                        results.setdefault((test, p, s.name), []).append(r)
                        print(f"  round {rnd + 1} {test:6} -P {p:<3} {s.name}", file=sys.stderr)
    finally:
        for s in servers:
            s.cleanup()
    # Per-round lists are in round order for every server, so ratios pair rounds.
    report(results, tests, pipelines, [s.name for s in servers])


if __name__ == "__main__":
    main()
