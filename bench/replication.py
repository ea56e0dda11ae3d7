#!/usr/bin/python3
"""Replication figures, Redoubt primary vs Redis primary in the same run: load N keys
(default 1,000,000, 'key:<i>' with 16-byte values) into the primary, point a replica at it
(always Debian's redis-server, so that only the primary differs) and time the full sync from
REPLICAOF until the replica's link is up with its load done, sampling every 5 ms from /proc
the primary's RSS and that of its snapshot child (peak parent RSS, and peak parent + child);
then, with the replica attached, write throughput with redis-benchmark SET (-P 1 and -P 16).
Both primaries run with repl-diskless-sync-delay 0 (Redis 7.0's default delay of 5 s would
be most of the time measured); --disk uses repl-diskless-sync no. Ratios are Redoubt/Redis:
for time and memory lower is better for Redoubt, for ops/s higher.

Usage: /usr/bin/python3 bench/replication.py [--keys N] [--value-size 16] [--requests N]
         [--disk] [--redoubt PATH] [--redis PATH]
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from memory import load  # noqa: E402
from persistence import children, proc_kb  # noqa: E402
from servers import (BenchServer, arg_parser, available, redis_benchmark,  # noqa: E402
                     require_redis_benchmark)


def sync_and_sample(primary, replica, timeout=600):
    """REPLICAOF, then wait for the sync; (seconds, peak parent RSS KiB, peak parent+child)."""
    pid = primary.proc.pid
    peak_parent = peak_total = 0
    replica.command("REPLICAOF", "127.0.0.1", str(primary.port))
    start = time.monotonic()
    last_check = 0.0
    while time.monotonic() - start < timeout:
        parent = proc_kb(pid, "VmRSS")
        child = sum(proc_kb(c, "VmRSS") for c in children(pid))
        peak_parent = max(peak_parent, parent)
        peak_total = max(peak_total, parent + child)
        now = time.monotonic()
        if now - last_check >= 0.02:
            last_check = now
            info = replica.info("replication")
            if (info.get("master_link_status", "").strip() == "up"
                    and info.get("master_sync_in_progress", "1").strip() == "0"):
                return now - start, peak_parent, peak_total
        time.sleep(0.005)
    raise RuntimeError(f"{primary.name}: the replica did not finish its sync in {timeout} s")


def measure(name, binary, redis_binary, args):
    diskless = "no" if args.disk else "yes"
    primary = BenchServer(name, binary, ["--repl-diskless-sync", diskless,
                                         "--repl-diskless-sync-delay", "0"])
    replica = BenchServer(f"{name}-replica", redis_binary)
    try:
        primary.start()
        replica.start()
        load(primary, args.keys, args.value_size)
        time.sleep(0.5)
        base_rss = proc_kb(primary.proc.pid, "VmRSS")
        secs, peak_parent, peak_total = sync_and_sample(primary, replica)
        dbsize = replica.command("DBSIZE")
        rps = {}
        for depth in (1, 16):
            rps[depth], _ = redis_benchmark(primary, args.requests,
                                            ["-t", "set", "-c", "50", "-P", depth, "-r", 100000])
        return {"sync_s": secs, "base_rss_mb": base_rss / 1024, "peak_rss_mb": peak_parent / 1024,
                "peak_total_mb": peak_total / 1024, "set_p1": rps[1], "set_p16": rps[16],
                "replica_keys": dbsize.decode().strip().lstrip(":")}
    finally:
        replica.cleanup()
        primary.cleanup()


def main():
    ap = arg_parser(__doc__)
    ap.add_argument("--keys", type=int, default=1000000)
    ap.add_argument("--value-size", type=int, default=16)
    ap.add_argument("--requests", type=int, default=200000)
    ap.add_argument("--disk", action="store_true", help="repl-diskless-sync no")
    args = ap.parse_args()
    require_redis_benchmark()
    if not available(args.redis):
        sys.exit(f"{args.redis} not found: the replica is always redis-server")
    results = {}
    for name, binary in (("redis", args.redis), ("redoubt", args.redoubt)):
        if not available(binary):
            print(f"{name}: {binary} not found, skipped")
            continue
        results[name] = measure(name, binary, args.redis, args)
    mode = "disk-based" if args.disk else "diskless"
    print(f"\nfull sync ({mode}) of {args.keys:,} keys ({args.value_size}-byte values) to a "
          f"redis-server replica, then SET with the replica attached")
    rows = [("full sync time (s)", "sync_s", "{:.2f}"),
            ("primary RSS before sync (MB)", "base_rss_mb", "{:.1f}"),
            ("primary peak RSS during sync (MB)", "peak_rss_mb", "{:.1f}"),
            ("peak primary + child RSS (MB)", "peak_total_mb", "{:.1f}"),
            ("SET ops/s -P 1", "set_p1", "{:,.0f}"),
            ("SET ops/s -P 16", "set_p16", "{:,.0f}")]
    print(f"{'':36} {'redis':>12} {'redoubt':>12} {'ratio':>8}")
    for label, key, fmt in rows:
        cells = [fmt.format(results[n][key]) if n in results else "-" for n in ("redis",
                                                                                 "redoubt")]
        ratio = ""
        if len(results) == 2 and results["redis"][key]:
            ratio = f"{results['redoubt'][key] / results['redis'][key]:.2f}x"
        print(f"{label:36} {cells[0]:>12} {cells[1]:>12} {ratio:>8}")
    for n, r in results.items():
        print(f"{n}: the replica holds {r['replica_keys']} keys after the full sync")


if __name__ == "__main__":
    main()
