#!/usr/bin/python3
"""Persistence figures: load N keys (default 1,000,000, 'key:<i>' with 16-byte values) into
redis-server and redoubt-server in the same run, then time one BGSAVE and sample, every 5 ms
from /proc, the memory of the server and its snapshot child: the peak of parent RSS + child
RSS (what the issue asks; shared copy-on-write pages count twice), the peak of parent PSS +
child PSS (shared pages counted once: the memory the snapshot really costs), and the RDB
file size. Ratios are Redoubt/Redis (lower is better for Redoubt). With --writes, a client
overwrites the keys (pipelined SETs) for as long as the BGSAVE runs, so that copy-on-write
pages show in the figures.

Usage: /usr/bin/python3 bench/persistence.py [--keys N] [--value-size 16] [--redoubt PATH]
         [--redis PATH] [--writes]
"""

import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from memory import load  # noqa: E402
from servers import arg_parser, available, BenchServer  # noqa: E402


def proc_kb(pid, field, path="status"):
    try:
        with open(f"/proc/{pid}/{path}") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def bgsave_running(server):
    return server.info("persistence").get("rdb_bgsave_in_progress", "0").strip() == "1"


def writer(server, n, size, stop, done):
    while not stop.is_set():
        load(server, min(n, 100000), size)
        done[0] += min(n, 100000)


def measure(server, n, size, writes=False):
    server.start()
    load(server, n, size)
    time.sleep(0.5)
    pid = server.proc.pid
    base_rss = proc_kb(pid, "VmRSS")
    reply = server.command("BGSAVE")
    if not reply.startswith(b"+"):
        raise RuntimeError(f"{server.name}: BGSAVE answered {reply!r}")
    t0 = time.monotonic()
    stop = threading.Event()
    done = [0]
    thread = threading.Thread(target=writer, args=(server, n, size, stop, done), daemon=True)
    if writes:
        thread.start()
    peak_rss = peak_pss = base_rss
    child_seen = False
    last_check = 0.0
    while True:
        kids = children(pid)
        child_seen = child_seen or bool(kids)
        rss = proc_kb(pid, "VmRSS") + sum(proc_kb(k, "VmRSS") for k in kids)
        pss = proc_kb(pid, "Pss", "smaps_rollup") + sum(
            proc_kb(k, "Pss", "smaps_rollup") for k in kids)
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        now = time.monotonic()
        if not kids and now - last_check > 0.02:
            last_check = now
            if not bgsave_running(server):
                break
        time.sleep(0.005)
    elapsed = time.monotonic() - t0
    stop.set()
    if writes:
        thread.join()
    info = server.info("persistence")
    if info.get("rdb_last_bgsave_status", "").strip() != "ok":
        raise RuntimeError(f"{server.name}: BGSAVE failed")
    rdb = os.path.getsize(os.path.join(server.tmpdir, "dump.rdb"))
    return {"bgsave_s": elapsed, "base_rss_kb": base_rss, "peak_rss_kb": peak_rss,
            "peak_pss_kb": peak_pss, "rdb_bytes": rdb, "child_seen": child_seen,
            "writes": done[0]}


def ratio(a, b):
    return f"{b / a:.2f}x" if a else "n/a"


def main():
    ap = arg_parser(__doc__)
    ap.add_argument("--keys", type=int, default=1000000)
    ap.add_argument("--value-size", type=int, default=16)
    ap.add_argument("--writes", action="store_true", help="overwrite keys during the BGSAVE")
    args = ap.parse_args()

    results = {}
    for name, binary in (("redis", args.redis), ("redoubt", args.redoubt)):
        if not available(binary):
            print(f"note: no {name} server at {binary}")
            continue
        srv = BenchServer(name, binary)
        try:
            results[name] = measure(srv, args.keys, args.value_size, args.writes)
        finally:
            srv.cleanup()
    if not results:
        sys.exit("nothing to measure")

    print(f"# BGSAVE of {args.keys:,} keys 'key:<i>' with {args.value_size}-byte values"
          + (", keys overwritten meanwhile" if args.writes else ""))
    print(f"{'server':8}  {'BGSAVE s':>8}  {'RSS before':>11}  {'peak RSS p+c':>13}  "
          f"{'peak PSS p+c':>13}  {'RDB bytes':>11}")
    for name, r in results.items():
        print(f"{name:8}  {r['bgsave_s']:>8.2f}  {r['base_rss_kb']:>9,}kB  "
              f"{r['peak_rss_kb']:>11,}kB  {r['peak_pss_kb']:>11,}kB  {r['rdb_bytes']:>11,}")
    if args.writes:
        for name, r in results.items():
            grow = r["peak_pss_kb"] - r["base_rss_kb"]
            per = grow / (r["writes"] / 100000) if r["writes"] else 0
            print(f"{name:8}  {r['writes']:,} SETs during the BGSAVE; PSS growth {grow:,} kB "
                  f"({per:,.0f} kB per 100,000 SETs)")
    if len(results) == 2:
        a, b = results["redis"], results["redoubt"]
        print(f"ratio redoubt/redis: BGSAVE time {ratio(a['bgsave_s'], b['bgsave_s'])}, "
              f"peak RSS {ratio(a['peak_rss_kb'], b['peak_rss_kb'])}, "
              f"peak PSS {ratio(a['peak_pss_kb'], b['peak_pss_kb'])}, "
              f"RDB size {ratio(a['rdb_bytes'], b['rdb_bytes'])}")


if __name__ == "__main__":
    main()
