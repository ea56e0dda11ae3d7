#!/usr/bin/python3
"""System calls per request: `strace -c -f -p PID` attached to each server while
redis-benchmark sends a fixed number of requests (-P 1 by default), for Redis and for Redoubt
on each event loop. Prints the calls per request and the three most frequent calls.

strace slows the traced server down many times over, so only the counts mean anything here,
not the times. Needs ptrace permission on the servers (same user; kernel.yama.ptrace_scope
0 or 1 with the server a child of this script).

Usage: /usr/bin/python3 bench/syscalls.py [--requests N] [--clients C] [--tests set,get]
         [--pipeline 1] [--loops io_uring,epoll] [--redoubt PATH] [--redis PATH]
"""

import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from servers import (  # noqa: E402
    arg_parser, available, BenchServer, redis_benchmark_stats, require_redis_benchmark)


def parse_strace_summary(text):
    """{syscall: calls} from strace -c's table."""
    counts = {}
    for line in text.splitlines():
        m = re.match(r"\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)\s*$", line)
        if m and m.group(2) != "total":
            counts[m.group(2)] = counts.get(m.group(2), 0) + int(m.group(1))
    return counts


def count_syscalls(server, requests, clients, test, pipeline):
    out_path = os.path.join(server.tmpdir, "strace.txt")
    tracer = subprocess.Popen(["strace", "-c", "-f", "-o", out_path, "-p", str(server.proc.pid)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # attached
    redis_benchmark_stats(server, requests, ["-c", clients, "-P", pipeline, "-t", test])
    tracer.send_signal(2)  # SIGINT: detach and write the summary
    tracer.wait(timeout=30)
    with open(out_path) as f:
        return parse_strace_summary(f.read())


def main():
    ap = arg_parser(__doc__)
    ap.add_argument("--requests", "-n", type=int, default=20000)
    ap.add_argument("--clients", "-c", type=int, default=50)
    ap.add_argument("--tests", default="set,get")
    ap.add_argument("--pipeline", type=int, default=1)
    ap.add_argument("--loops", default="io_uring,epoll")
    args = ap.parse_args()
    require_redis_benchmark()
    if not shutil.which("strace"):
        sys.exit("strace not found (apt-get install strace)")
    servers = []
    if available(args.redis):
        servers.append(BenchServer("redis", args.redis))
    if available(args.redoubt):
        for loop in args.loops.split(","):
            servers.append(BenchServer(f"redoubt-{loop}", args.redoubt, ["--event-loop", loop]))
    rows = []
    try:
        for s in servers:
            s.start()
        for test in args.tests.split(","):
            for s in servers:
                counts = count_syscalls(s, args.requests, args.clients, test, args.pipeline)
                total = sum(counts.values())
                top = sorted(counts.items(), key=lambda kv: -kv[1])[:3]
                rows.append((test, s.name, total / args.requests,
                             ", ".join(f"{k} {v / args.requests:.2f}" for k, v in top)))
                print(f"  done {test} {s.name}", file=sys.stderr)
    finally:
        for s in servers:
            s.cleanup()
    print(f"# {args.requests} requests, {args.clients} clients, -P {args.pipeline}")
    print(f"{'test':6} {'server':16} {'syscalls/req':>12}  most frequent (per request)")
    for test, name, per, top in rows:
        print(f"{test:6} {name:16} {per:12.3f}  {top}")


if __name__ == "__main__":
    main()
