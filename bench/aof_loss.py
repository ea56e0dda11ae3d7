#!/usr/bin/python3
"""What appendfsync everysec loses: a figure, not a test.

For each server (Redoubt, redis-server) and ROUNDS rounds: start with appendonly yes and
appendfsync everysec, run WRITERS clients that SET unique keys and record every acknowledged
one, SIGKILL the server at a random moment, restart it on the same directory and count the
acknowledged keys that are missing. A SIGKILL leaves written-but-unsynced data in the page
cache, so this counts what the server itself failed to write before acknowledging (expected:
0). What an OS crash or power loss could lose on top is bounded by the writes acknowledged in
the last second before the kill (everysec's window, plus any delayed fsync), printed beside it.

Usage: /usr/bin/python3 bench/aof_loss.py [--rounds N] [--writers W] [--redoubt PATH]
         [--redis PATH]
"""

import os
import random
import signal
import sys
import threading
import time

import redis

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from servers import arg_parser, available, BenchServer  # noqa: E402


class Writer(threading.Thread):
    def __init__(self, port, tag):
        super().__init__(daemon=True)
        self.port, self.tag = port, tag
        self.acked = []  # (key, monotonic time of the ack)
        self.stop = False

    def run(self):
        try:
            c = redis.Redis(port=self.port, socket_timeout=5)
            n = 0
            while not self.stop:
                key = f"{self.tag}:{n}"
                c.set(key, n)
                self.acked.append((key, time.monotonic()))
                n += 1
        except (redis.RedisError, OSError):
            pass


def run(name, binary, rounds, writers, rng):
    srv = BenchServer(name, binary, extra_args=["--appendonly", "yes", "--appendfsync",
                                                "everysec", "--aof-use-rdb-preamble", "no"])
    total, lost, window = 0, 0, 0
    try:
        for rnd in range(rounds):
            srv.start()
            ws = [Writer(srv.port, f"r{rnd}w{i}") for i in range(writers)]
            for w in ws:
                w.start()
            time.sleep(rng.uniform(0.5, 1.5))
            srv.proc.send_signal(signal.SIGKILL)
            killed_at = time.monotonic()
            srv.proc.wait()
            for w in ws:
                w.stop = True
                w.join(10)
            srv.start()
            c = redis.Redis(port=srv.port, socket_timeout=10)
            while True:
                try:
                    c.ping()
                    break
                except redis.BusyLoadingError:
                    time.sleep(0.05)
            acked = [a for w in ws for a in w.acked]
            pipe = c.pipeline(transaction=False)
            for key, _ in acked:
                pipe.exists(key)
            present = pipe.execute()
            total += len(acked)
            lost += present.count(0)
            window += sum(1 for _, t in acked if killed_at - t <= 1.0)
            srv.stop()
    finally:
        srv.cleanup()
    return total, lost, window


def main():
    ap = arg_parser(__doc__)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--writers", type=int, default=4)
    args = ap.parse_args()
    rng = random.Random(42)
    print(f"# appendfsync everysec, {args.rounds} SIGKILL rounds, {args.writers} writers")
    print(f"{'server':<8} {'acked':>8} {'lost':>6} {'acked in last 1s (power-loss bound)':>36}")
    for name, binary in (("redis", args.redis), ("redoubt", args.redoubt)):
        if not available(binary):
            print(f"{name:<8} (not found: {binary})")
            continue
        total, lost, window = run(name, binary, args.rounds, args.writers, rng)
        print(f"{name:<8} {total:>8} {lost:>6} {window:>36}")


if __name__ == "__main__":
    main()
