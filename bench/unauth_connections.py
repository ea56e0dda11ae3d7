#!/usr/bin/python3
"""What does an idle unauthenticated connection cost the server?

Starts Redoubt (REDOUBT_SERVER, default build/release/redoubt-server) and /usr/bin/redis-server
with `requirepass` and `auth-timeout 0` for Redoubt (so the connections are not closed while
measured), opens N connections (default 2,000) that never authenticate, and measures the
server's RSS growth per connection in two forms:

  partial-16k   each sent the start of a request with a 16 KB bulk (the largest Redis lets an
                unauthenticated client announce) and 15,000 of its bytes, then went idle
  partial-small each sent 40 bytes of an unfinished request, then went idle

Also prints how many of the connections the server still held afterwards.
A benchmark, not a test: it asserts nothing.
Usage: /usr/bin/python3 bench/unauth_connections.py [--clients N]
"""

import argparse
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from auth_bruteforce import REDIS, REDOUBT, Server  # noqa: E402

FORMS = {
    "partial-16k": b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$16000\r\n" + b"x" * 15000,
    "partial-small": b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$16000\r\nxxxxxxxx",
}


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def still_open(socks):
    n = 0
    for s in socks:
        s.setblocking(False)
        try:
            if s.recv(1, socket.MSG_PEEK) == b"":
                continue  # closed by the server
        except BlockingIOError:
            pass
        except OSError:
            continue
        n += 1
    return n


def measure(binary, extra, form, clients):
    server = Server(binary, extra)
    try:
        if not server.wait_ready():
            server.stop()  # a build without auth-timeout: measure it without
            server = Server(binary, [])
            if not server.wait_ready():
                return None
        time.sleep(0.3)
        before = rss_kb(server.proc.pid)
        socks = []
        for _ in range(clients):
            s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            s.sendall(FORMS[form])
            socks.append(s)
        time.sleep(1.0)
        after = rss_kb(server.proc.pid)
        held = still_open(socks)
        for s in socks:
            s.close()
        return (after - before) * 1024 / clients, held
    finally:
        server.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=2000)
    args = ap.parse_args()
    print("RSS growth per idle unauthenticated connection, %d connections" % args.clients)
    print("%-11s %-14s %14s %10s" % ("server", "form", "bytes/conn", "held"))
    for name, binary, extra in (("redoubt", REDOUBT, ["auth-timeout 0"]),
                                ("redis 7.0", REDIS, [])):
        for form in FORMS:
            got = measure(binary, extra, form, args.clients)
            if got is None:
                print("%-11s %-14s did not start" % (name, form))
                continue
            per, held = got
            print("%-11s %-14s %14.0f %10d" % (name, form, per, held))
    return 0


if __name__ == "__main__":
    sys.exit(main())
