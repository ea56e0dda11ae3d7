#!/usr/bin/python3
"""Can an attacker guessing `admin`'s password lock the real admin out?

Starts Redoubt (REDOUBT_SERVER, default build/release/redoubt-server) and /usr/bin/redis-server
with a Unix socket (unixsocketperm 777, in a directory every uid can reach) and a second TCP
address on a veth pair to a network namespace. For DURATION seconds (default 20) an attacker
sends wrong `AUTH admin ...` as fast as it can while the admin logs in with the right password
every 0.1 s, in three set-ups:

  unix, other uid    attacker runs as `nobody` (setpriv), admin as root, both on the socket
  unix, same uid     both as root on the socket (one source: the admin shares the block)
  tcp, other address attacker inside the namespace (10.213.x.2), admin from 127.0.0.1

Prints the admin's successful logins out of its attempts, and the attacker's checked guesses.
Needs root (setpriv, ip netns). A benchmark, not a test: it asserts nothing.
Usage: /usr/bin/python3 bench/auth_lockout.py [--duration S]
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "tests", "integration"))

from auth_bruteforce import ADMIN_PASSWORD, REDIS, REDOUBT, Reader, Server, resp  # noqa: E402
from netutil import NetNamespace  # noqa: E402

# Wrong AUTHs for admin, one at a time, for argv[2] seconds; prints "checked refused".
ATTACKER = r"""
import socket, sys, time
target, duration = sys.argv[1], float(sys.argv[2])
checked = refused = 0
end = time.monotonic() + duration
s = None
while time.monotonic() < end:
    try:
        if s is None:
            if ":" in target:
                host, port = target.rsplit(":", 1)
                s = socket.create_connection((host, int(port)), timeout=5)
            else:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.settimeout(5)
                s.connect(target)
        s.sendall(b"*3\r\n$4\r\nAUTH\r\n$5\r\nadmin\r\n$5\r\nguess\r\n")
        buf = b""
        while not buf.endswith(b"\r\n"):
            chunk = s.recv(4096)
            if not chunk:
                raise OSError("closed")
            buf += chunk
        if buf.startswith(b"-WRONGPASS"):
            checked += 1
        else:
            refused += 1
    except OSError:
        s = None
        time.sleep(0.01)
print(checked, refused)
"""


def admin_logins(connect, duration):
    ok = tried = 0
    end = time.monotonic() + duration
    while time.monotonic() < end:
        try:
            with connect() as s:
                s.sendall(resp("AUTH", "admin", ADMIN_PASSWORD))
                tried += 1
                if Reader(s).reply() == b"+OK":
                    ok += 1
        except OSError:
            pass
        time.sleep(0.1)
    return ok, tried


def run(label, binary, duration, sock_dir, netns, attacker_argv, target, admin_connect):
    sock = os.path.join(sock_dir, "%d.sock" % time.monotonic_ns())
    server = Server(binary, ["bind 127.0.0.1 %s" % netns.host_ip, "unixsocket %s" % sock,
                             "unixsocketperm 777"])
    try:
        if not server.wait_ready():
            return [label, "-", "did not start: " + " | ".join(server.startup_error())]
        t = target.replace("{sock}", sock).replace("{port}", str(server.port))
        att = subprocess.Popen(attacker_argv + ["/usr/bin/python3", "-c", ATTACKER, t,
                                                str(duration)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(0.5)  # let the attacker get its source blocked first
        ok, tried = admin_logins(lambda: admin_connect(sock, server.port), duration - 1)
        out, err = att.communicate(timeout=duration + 30)
        guesses = out.split()[0] if out.split() else "? (%s)" % err.strip()[-60:]
        return [label, "%d / %d" % (ok, tried), "%s in %.0f s" % (guesses, duration)]
    finally:
        server.stop()
        try:
            os.unlink(sock)
        except OSError:
            pass


def unix_connect(sock, _port):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(sock)
    return s


def tcp_connect(_sock, port):
    return socket.create_connection(("127.0.0.1", port), timeout=5)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=20.0)
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("needs root (setpriv and ip netns)")
        return 1
    ns = NetNamespace()
    reason = ns.create()
    if reason:
        print("cannot create a network namespace: %s" % reason)
        return 1
    sock_dir = tempfile.mkdtemp(prefix="auth_lockout.", dir="/tmp")
    os.chmod(sock_dir, 0o755)
    nobody = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    in_ns = ["ip", "netns", "exec", ns.ns]
    rows = []
    try:
        for name, binary in (("redoubt", REDOUBT), ("redis 7.0", REDIS)):
            rows.append(run(name + ", unix, other uid", binary, args.duration, sock_dir, ns,
                            nobody, "{sock}", unix_connect))
            rows.append(run(name + ", unix, same uid", binary, args.duration, sock_dir, ns,
                            [], "{sock}", unix_connect))
            rows.append(run(name + ", tcp, other address", binary, args.duration, sock_dir, ns,
                            in_ns, ns.host_ip + ":{port}", tcp_connect))
    finally:
        ns.destroy()
        shutil.rmtree(sock_dir, ignore_errors=True)
    header = ["server, set-up", "admin logins ok / tried", "attacker's checked guesses"]
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(3)]
    print("Admin logging in every 0.1 s while an attacker guesses admin's password")
    print("  ".join(h.ljust(widths[i]) for i, h in enumerate(header)))
    for r in rows:
        print("  ".join(str(c).ljust(widths[i]) for i, c in enumerate(r)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
