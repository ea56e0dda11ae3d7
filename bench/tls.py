#!/usr/bin/python3
"""TLS throughput: redis-benchmark --tls against redoubt-server and redis-server in one run.

Makes a CA, a server and a client certificate with openssl in a temporary directory (the
hardening guide's commands), starts both servers TLS-only (port 0, tls-port, client
certificates required, "TLSv1.2 TLSv1.3"), then for each test and pipeline depth runs
  redis-benchmark --tls --cert client.crt --key client.key --cacert ca.crt -p PORT
                  -t TEST -c 50 -n N -P DEPTH -q --csv
against Redis and then Redoubt, and prints requests/s, the ratio Redoubt/Redis and the server
CPU seconds per 100k requests (utime+stime from /proc/<pid>/stat).

Usage: /usr/bin/python3 bench/tls.py [--requests N] [--clients C] [--tests set,get]
         [--pipelines 1,16] [--redoubt PATH] [--redis PATH]
"""

import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from servers import (  # noqa: E402
    arg_parser, available, BenchServer, free_port, redis_benchmark,
    require_redis_benchmark)


def make_certs(d):
    def run(*args):
        subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True)

    run("req", "-new", "-x509", "-days", "3650", "-nodes", "-keyout", "ca.key", "-out",
        "ca.crt", "-subj", "/CN=Redis-CA")
    for name, cn in (("server", "redis.internal"), ("client", "bench")):
        run("req", "-new", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj",
            f"/CN={cn}")
        run("x509", "-req", "-days", "1825", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey",
            "ca.key", "-CAcreateserial", "-out", f"{name}.crt")
        os.chmod(os.path.join(d, f"{name}.key"), 0o600)


class TlsBenchServer(BenchServer):
    def __init__(self, name, binary, certdir):
        super().__init__(name, binary)
        self.certdir = certdir

    def path(self, f):
        return os.path.join(self.certdir, f)

    def start(self, timeout=20):
        self.port = free_port()
        args = [self.binary, "--port", "0", "--tls-port", str(self.port), "--bind", "127.0.0.1",
                "--tls-cert-file", self.path("server.crt"), "--tls-key-file",
                self.path("server.key"), "--tls-ca-cert-file", self.path("ca.crt"),
                "--tls-auth-clients", "yes", "--tls-protocols", "TLSv1.2 TLSv1.3",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", self.tmpdir]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, cwd=self.tmpdir)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.load_verify_locations(self.path("ca.crt"))
        ctx.load_cert_chain(self.path("client.crt"), self.path("client.key"))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                with ctx.wrap_socket(socket.create_connection(("127.0.0.1", self.port),
                                                              timeout=1)) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(64):
                        return self
            except (OSError, ssl.SSLError):
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.name} did not start; log:\n"
                           + open(self.log_path, errors="replace").read()[-3000:])


def run_benchmark(server, test, pipeline, requests, clients):
    return redis_benchmark(server, requests, [
        "--tls", "--cert", server.path("client.crt"), "--key", server.path("client.key"),
        "--cacert", server.path("ca.crt"), "-t", test, "-c", clients, "-P", pipeline])


def main():
    ap = arg_parser(__doc__)
    ap.add_argument("--requests", "-n", type=int, default=200000)
    ap.add_argument("--clients", "-c", type=int, default=50)
    ap.add_argument("--tests", default="set,get")
    ap.add_argument("--pipelines", default="1,16")
    args = ap.parse_args()

    require_redis_benchmark()
    certdir = tempfile.mkdtemp(prefix="bench-tls-")
    make_certs(certdir)
    servers = []
    if available(args.redis):
        servers.append(TlsBenchServer("redis", args.redis, certdir))
    else:
        print(f"note: no reference redis-server at {args.redis}")
    if available(args.redoubt):
        servers.append(TlsBenchServer("redoubt", args.redoubt, certdir))
    else:
        print(f"note: no redoubt-server at {args.redoubt} (build it: make build)")
    if not servers:
        sys.exit("nothing to benchmark")

    results = {}
    try:
        for s in servers:
            s.start()
        print(f"# TLS: {args.requests} requests, {args.clients} clients, client certificates, "
              f"{os.cpu_count()} CPUs")
        header = f"{'test':<8}{'-P':>4}" + "".join(f"{s.name + ' ops/s':>16}" for s in servers)
        if len(servers) == 2:
            header += f"{'ratio':>9}"
        header += "".join(f"{s.name + ' cpu s/100k':>22}" for s in servers)
        print(header)
        for test in args.tests.split(","):
            for p in (int(x) for x in args.pipelines.split(",")):
                row = {s.name: run_benchmark(s, test, p, args.requests, args.clients)
                       for s in servers}
                results[(test, p)] = row
                line = f"{test:<8}{p:>4}" + "".join(f"{row[s.name][0]:>16.0f}" for s in servers)
                if len(servers) == 2:
                    line += f"{row['redoubt'][0] / row['redis'][0]:>8.2f}x"
                line += "".join(f"{row[s.name][1]:>22.3f}" for s in servers)
                print(line, flush=True)
    finally:
        for s in servers:
            s.cleanup()
        shutil.rmtree(certdir, ignore_errors=True)


if __name__ == "__main__":
    main()
