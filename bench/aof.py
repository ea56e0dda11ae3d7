#!/usr/bin/python3
"""AOF write throughput: SET with appendonly yes, appendfsync everysec and always, Redoubt
against redis-server in the same run.

For each fsync policy it starts both servers with
  --appendonly yes --appendfsync POLICY --aof-use-rdb-preamble no
runs  redis-benchmark -t set -c CLIENTS -n N -P 1 -r 100000 -q --csv  against each, and prints
requests/s, the ratio Redoubt/Redis and server CPU seconds per 100k requests. With `always`
every reply waits for an fsync, grouped across the clients of one event-loop turn, so the
figure is bounded by the disk's fsync rate.

Usage: /usr/bin/python3 bench/aof.py [--requests N] [--clients C] [--policies everysec,always]
         [--redoubt PATH] [--redis PATH]
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from servers import (  # noqa: E402
    arg_parser, available, BenchServer, redis_benchmark,
    require_redis_benchmark)


def bench(server, requests, clients):
    return redis_benchmark(server, requests, ["-t", "set", "-c", clients, "-r", 100000, "-P", 1])


def main():
    ap = arg_parser(__doc__)
    ap.add_argument("--requests", "-n", type=int, default=100000)
    ap.add_argument("--clients", "-c", type=int, default=50)
    ap.add_argument("--policies", default="everysec,always")
    args = ap.parse_args()
    require_redis_benchmark()
    if not (available(args.redis) and available(args.redoubt)):
        sys.exit("need both binaries: --redis and --redoubt")

    print(f"# SET, {args.requests} requests, {args.clients} clients, appendonly yes")
    print(f"{'appendfsync':<12} {'redis rps':>12} {'redoubt rps':>12} {'ratio':>7} "
          f"{'redis cpu/100k':>15} {'redoubt cpu/100k':>17}")
    for policy in args.policies.split(","):
        row = {}
        for name, binary in (("redis", args.redis), ("redoubt", args.redoubt)):
            s = BenchServer(name, binary, extra_args=[
                "--appendonly", "yes", "--appendfsync", policy, "--aof-use-rdb-preamble", "no"])
            try:
                s.start()
                row[name] = bench(s, args.requests, args.clients)
            finally:
                s.cleanup()
        (r_rps, r_cpu), (d_rps, d_cpu) = row["redis"], row["redoubt"]
        print(f"{policy:<12} {r_rps:>12.0f} {d_rps:>12.0f} {d_rps / r_rps:>7.2f} "
              f"{r_cpu:>15.3f} {d_cpu:>17.3f}")


if __name__ == "__main__":
    main()
