"""Replication, replica side, against hostile or broken primaries: a fake primary (a Python
socket server) answers the handshake and then sends a truncated RDB, a corrupt one, random
bytes, a diskless stream of random bytes, or a bulk length no disk holds. The replica keeps the
dataset it had, logs why, and retries. REPLICAOF to a primary outside replicaof-allow is refused
with an audit-log line."""

import json
import os
import socket
import threading
import time

import pytest

from test_replication import wait_until

pytestmark = pytest.mark.redoubt_only


class FakePrimary:
    """Answers PING/AUTH/REPLCONF, then +FULLRESYNC and `payload` for PSYNC, then closes."""

    def __init__(self, payload):
        self.payload = payload
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.psyncs = 0
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        self.sock.settimeout(0.2)
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                self.serve(conn)
            except OSError:
                pass
            finally:
                conn.close()

    def serve(self, conn):
        conn.settimeout(5)
        buf = b""
        while not self.stop:
            data = conn.recv(65536)
            if not data:
                return
            buf += data
            while b"\r\n" in buf:
                # Each request is a RESP array; answer once its last line is in.
                cmd, rest = parse_request(buf)
                if cmd is None:
                    break
                buf = rest
                name = cmd[0].upper()
                if name == b"PING":
                    conn.sendall(b"+PONG\r\n")
                elif name in (b"AUTH", b"REPLCONF"):
                    if name == b"REPLCONF" and cmd[1].upper() == b"ACK":
                        continue
                    conn.sendall(b"+OK\r\n")
                elif name == b"PSYNC":
                    self.psyncs += 1
                    conn.sendall(b"+FULLRESYNC " + b"f" * 40 + b" 0\r\n" + self.payload)
                    time.sleep(0.2)
                    return

    def close(self):
        self.stop = True
        self.sock.close()
        self.thread.join(timeout=5)


def parse_request(buf):
    """(args, rest) for one complete multibulk request at the start of buf, else (None, buf)."""
    if not buf.startswith(b"*"):
        return None, buf
    end = buf.find(b"\r\n")
    n = int(buf[1:end])
    pos = end + 2
    args = []
    for _ in range(n):
        end = buf.find(b"\r\n", pos)
        if end < 0:
            return None, buf
        ln = int(buf[pos + 1:end])
        if len(buf) < end + 2 + ln + 2:
            return None, buf
        args.append(buf[end + 2:end + 2 + ln])
        pos = end + 2 + ln + 2
    return args, buf[pos:]


def valid_rdb(server, client):
    client.save()
    with open(os.path.join(server.tmpdir, "dump.rdb"), "rb") as f:
        return f.read()


def payloads(rdb):
    corrupt = bytearray(rdb)
    corrupt[len(corrupt) // 2] ^= 0xFF
    junk = os.urandom(600)
    return {
        "truncated": b"$%d\r\n" % len(rdb) + rdb[: len(rdb) // 2],
        "corrupt": b"$%d\r\n" % len(corrupt) + bytes(corrupt),
        "random": b"$%d\r\n" % len(junk) + junk,
        "random-eof": b"$EOF:" + b"m" * 40 + b"\r\n" + junk + b"m" * 40,
        "huge-length": b"$999999999999999999\r\n" + junk,
        "not-a-bulk": b"HTTP/1.1 200 OK\r\n\r\n" + junk,
    }


@pytest.mark.parametrize("kind", ["truncated", "corrupt", "random", "random-eof", "huge-length",
                                  "not-a-bulk"])
def test_bad_full_sync_keeps_the_dataset_and_retries(server_factory, kind):
    server = server_factory()
    c = server.client()
    for i in range(50):
        c.set(f"key:{i}", f"value-{i}")
    c.rpush("list", *range(100))
    c.hset("hash", mapping={"a": "1", "b": "2"})
    before = {k: c.dump(k) for k in c.keys("*")}
    fake = FakePrimary(payloads(valid_rdb(server, c))[kind])
    try:
        assert c.execute_command("REPLICAOF", "127.0.0.1", fake.port) == "OK"
        wait_until(lambda: fake.psyncs >= 2, timeout=20, what="a second attempt")
        assert {k: c.dump(k) for k in c.keys("*")} == before
        info = c.info("replication")
        assert info["role"] == "slave"
        assert info["master_link_status"] == "down"
        assert "MASTER <-> REPLICA sync failed, the dataset is kept as it was" in \
            server.log_text()
    finally:
        c.execute_command("REPLICAOF", "NO", "ONE")
        fake.close()
    assert c.dbsize() == len(before)
    # No half-received file is left behind (an attempt in flight was abandoned by NO ONE).
    assert not [f for f in os.listdir(server.tmpdir) if f.startswith("temp-repl-")]


def test_good_sync_from_the_fake_primary_replaces_the_dataset(server_factory):
    """The control for the test above: the same fake primary with a whole RDB works."""
    source = server_factory()
    sc = source.client()
    sc.set("from-primary", "yes")
    rdb = valid_rdb(source, sc)
    server = server_factory()
    c = server.client()
    c.set("old", "1")
    fake = FakePrimary(b"$%d\r\n" % len(rdb) + rdb)
    try:
        c.execute_command("REPLICAOF", "127.0.0.1", fake.port)
        wait_until(lambda: c.get("from-primary") == "yes", timeout=20, what="the sync")
        assert c.exists("old") == 0
    finally:
        c.execute_command("REPLICAOF", "NO", "ONE")
        fake.close()


def test_replicaof_allow_refuses_other_primaries(server_factory, tmp_path):
    audit = tmp_path / "audit.log"
    server = server_factory(config={"audit-log": str(audit)})
    raw = server.raw()
    reply = raw.cmd("REPLICAOF", "10.1.2.3", "6379")
    assert reply == ("ERR REPLICAOF refused: '10.1.2.3' (10.1.2.3) is not in replicaof-allow "
                     "(default: the configured replicaof and loopback)")
    assert b"role:master" in raw.cmd("INFO", "replication")
    lines = [json.loads(x) for x in audit.read_text().splitlines()]
    refused = [x for x in lines if x.get("event") == "replicaof_refused"]
    assert len(refused) == 1
    assert "10.1.2.3" in json.dumps(refused[0])
    assert "REPLICAOF 10.1.2.3:6379 refused" in server.log_text()
    # Loopback is allowed by default.
    assert raw.cmd("REPLICAOF", "127.0.0.1", "1") == "OK"
    assert raw.cmd("REPLICAOF", "NO", "ONE") == "OK"
    # A protected directive: CONFIG SET cannot widen it.
    assert raw.cmd("CONFIG", "SET", "replicaof-allow", "0.0.0.0/0").startswith("ERR")


def test_replicaof_allow_list_from_config(server_factory):
    server = server_factory(config={"replicaof-allow": "10.1.2.0/24 primary.invalid"})
    raw = server.raw()
    assert raw.cmd("REPLICAOF", "10.1.2.3", "6379") == "OK"  # allowed; it never connects
    assert raw.cmd("REPLICAOF", "NO", "ONE") == "OK"
    # The list replaces the default: loopback is no longer allowed.
    assert raw.cmd("REPLICAOF", "127.0.0.1", "6379").startswith("ERR REPLICAOF refused")
    # A named host is allowed by its name, without resolving it.
    assert raw.cmd("REPLICAOF", "primary.invalid", "6379") == "OK"
    assert raw.cmd("REPLICAOF", "NO", "ONE") == "OK"
    assert raw.cmd("CONFIG", "GET", "replicaof-allow") == [b"replicaof-allow",
                                                           b"10.1.2.0/24 primary.invalid"]


def test_replicaof_allow_is_checked_again_at_every_connect(server_factory):
    """The addresses checked are the ones connected to: a target that stops being allowed
    after REPLICAOF (a changed DNS answer, a narrowed list) gets no reconnect."""
    primary = server_factory()
    replica = server_factory(config={"enable-protected-configs": "yes"})
    rc = replica.client()
    assert rc.execute_command("REPLICAOF", "127.0.0.1", primary.port) in (b"OK", "OK", True)
    wait_until(lambda: rc.info("replication").get("master_link_status") == "up",
               what="link up")
    assert rc.execute_command("CONFIG", "SET", "replicaof-allow", "10.0.0.0/8") in (b"OK", "OK",
                                                                                    True)
    rc.execute_command("CLIENT", "KILL", "TYPE", "master")
    wait_until(lambda: "Not connecting to MASTER" in replica.log_text(), what="refused reconnect")
    time.sleep(1.5)  # several reconnect attempts
    assert rc.info("replication").get("master_link_status") == "down"
