"""Replication, primary side, beyond the basic sync: diskless full sync ($EOF: framing, the
delay and max-replicas sharing one fork), one fork at a time with BGSAVE/BGREWRITEAOF,
min-replicas-to-write, the ping period and repl-timeout, backlog resize and TTL, replica output
buffer limits, WAIT on the client's own writes, and what the stream carries for expiries,
evictions and scripts. Real Redis 7.0 replicas where the behaviour is end to end; a raw socket
playing the replica where the bytes on the wire are the point."""

import os
import re
import signal
import time

import pytest

from conftest import REDIS_REFERENCE, RawConn, encode_command
from test_replication import in_sync, wait_until

pytestmark = [
    pytest.mark.redoubt_only,
    pytest.mark.skipif(not os.path.exists(REDIS_REFERENCE), reason="no /usr/bin/redis-server"),
]


class FakeReplica:
    """A raw socket doing a replica's handshake and reading the sync and the stream."""

    def __init__(self, server, eof=True, rcvbuf=None):
        self.conn = RawConn(port=server.port, timeout=10)
        if rcvbuf:
            import socket
            self.conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        assert self.conn.cmd("REPLCONF", "listening-port", "7777") == "OK"
        capa = ["capa", "eof", "capa", "psync2"] if eof else ["capa", "psync2"]
        assert self.conn.cmd("REPLCONF", *capa) == "OK"
        self.newlines = 0

    def _skip_newlines(self, deadline):
        while True:
            while self.conn.buf[:1] == b"\n":
                self.conn.buf = self.conn.buf[1:]
                self.newlines += 1
            if self.conn.buf:
                return
            self.conn._fill(deadline)

    def psync(self, timeout=20, send=True):
        if send:
            self.conn.send(encode_command("PSYNC", "?", "-1"))
        deadline = time.monotonic() + timeout
        self._skip_newlines(deadline)
        line = self.conn._line(deadline).decode()
        kind, replid, offset = line.lstrip("+").split()
        assert kind == "FULLRESYNC"
        return replid, int(offset)

    def read_rdb(self, timeout=20):
        """(framing, rdb bytes): framing is 'eof' or 'bulk'."""
        deadline = time.monotonic() + timeout
        self._skip_newlines(deadline)
        head = self.conn._line(deadline)
        if head.startswith(b"$EOF:"):
            mark = head[5:]
            assert len(mark) == 40
            while mark not in self.conn.buf:
                self.conn._fill(deadline)
            i = self.conn.buf.index(mark)
            rdb, self.conn.buf = self.conn.buf[:i], self.conn.buf[i + 40:]
            return "eof", rdb
        size = int(head[1:])
        while len(self.conn.buf) < size:
            self.conn._fill(deadline)
        rdb, self.conn.buf = self.conn.buf[:size], self.conn.buf[size:]
        return "bulk", rdb

    def sync(self):
        self.psync()
        return self.read_rdb()

    def read_command(self, timeout=10):
        cmd = [a.decode() for a in self.conn.read_reply(timeout=timeout)]
        return [cmd[0].upper()] + cmd[1:]  # names are case-insensitive on the wire

    def commands_until(self, pred, timeout=10):
        """Stream commands read until pred(cmd) holds; all of them, the matching one last."""
        out = []
        deadline = time.monotonic() + timeout
        while True:
            c = self.read_command(timeout=max(0.1, deadline - time.monotonic()))
            out.append(c)
            if pred(c):
                return out

    def ack(self, offset):
        self.conn.send(encode_command("REPLCONF", "ACK", str(offset)))

    def close(self):
        self.conn.close()


# --- Diskless full sync -----------------------------------------------------------------------

def test_diskless_sync_frames_the_rdb_with_an_eof_mark(server_factory):
    primary = server_factory(config={"repl-diskless-sync": "yes",
                                     "repl-diskless-sync-delay": "0"})
    p = primary.client()
    p.set("k", "v")
    fake = FakeReplica(primary, eof=True)
    framing, rdb = fake.sync()
    assert framing == "eof"
    assert rdb[:5] == b"REDIS" and rdb[-9:-8] == b"\xff"
    assert b"k" in rdb
    assert "Starting BGSAVE for SYNC with target: replicas sockets" in primary.log_text()
    # The stream follows the mark.
    p.set("after", "1")
    cmds = fake.commands_until(lambda c: c[0] == "SET")
    assert cmds[-1][:3] == ["SET", "after", "1"]
    fake.close()


def test_replica_without_capa_eof_gets_a_sized_bulk(server_factory):
    primary = server_factory(config={"repl-diskless-sync": "yes",
                                     "repl-diskless-sync-delay": "0"})
    primary.client().set("k", "v")
    fake = FakeReplica(primary, eof=False)
    framing, rdb = fake.sync()
    assert framing == "bulk" and rdb[:5] == b"REDIS"
    assert "Starting BGSAVE for SYNC with target: disk" in primary.log_text()


def test_disk_based_sync_when_diskless_is_off(server_factory):
    primary = server_factory(config={"repl-diskless-sync": "no"})
    primary.client().set("k", "v")
    fake = FakeReplica(primary, eof=True)
    framing, rdb = fake.sync()
    assert framing == "bulk" and rdb[:5] == b"REDIS" and rdb[-9:-8] == b"\xff"
    assert "Starting BGSAVE for SYNC with target: disk" in primary.log_text()


def test_replicas_within_the_delay_share_one_fork(server_factory):
    primary = server_factory(config={"repl-diskless-sync": "yes",
                                     "repl-diskless-sync-delay": "2"})
    primary.client().set("k", "v")
    a, b = FakeReplica(primary), FakeReplica(primary)
    start = time.monotonic()
    a.conn.send(encode_command("PSYNC", "?", "-1"))
    time.sleep(0.5)
    replid_b, off_b = b.psync()
    replid_a, off_a = a.psync(send=False)
    waited = time.monotonic() - start
    assert 1.5 <= waited < 10  # the delay, not at once
    assert (replid_a, off_a) == (replid_b, off_b)
    assert a.newlines + b.newlines >= 1  # keepalives while waiting
    assert a.read_rdb()[0] == b.read_rdb()[0] == "eof"
    assert primary.log_text().count("Starting BGSAVE for SYNC") == 1
    assert "Delay next BGSAVE for diskless SYNC" in primary.log_text()


def test_max_replicas_starts_the_fork_before_the_delay(server_factory):
    primary = server_factory(config={"repl-diskless-sync": "yes",
                                     "repl-diskless-sync-delay": "30",
                                     "repl-diskless-sync-max-replicas": "2"})
    a, b = FakeReplica(primary), FakeReplica(primary)
    start = time.monotonic()
    a.conn.send(encode_command("PSYNC", "?", "-1"))
    b.conn.send(encode_command("PSYNC", "?", "-1"))
    for f in (a, b):
        f.psync(send=False)
    assert time.monotonic() - start < 10
    assert primary.log_text().count("Starting BGSAVE for SYNC with target: replicas sockets") == 1
    assert a.read_rdb()[0] == b.read_rdb()[0] == "eof"


def test_replica_attaches_to_a_running_disk_snapshot(server_factory):
    # rdb-key-save-delay (µs per key): the snapshot takes ~2 s, long enough to join it.
    primary = server_factory(config={"repl-diskless-sync": "no", "rdb-key-save-delay": "100000"})
    p = primary.client()
    for i in range(20):
        p.set(f"k{i}", i)
    a = FakeReplica(primary)
    replid_a, off_a = a.psync()
    p.set("during", "1")  # after the fork: in the stream both replicas get after the RDB
    b = FakeReplica(primary)
    replid_b, off_b = b.psync()
    assert (replid_b, off_b) == (replid_a, off_a)
    assert "Waiting for end of BGSAVE for SYNC" in primary.log_text()
    for f in (a, b):
        framing, rdb = f.read_rdb(timeout=30)
        assert framing == "bulk" and b"during" not in rdb
        cmds = f.commands_until(lambda c: c[0] == "SET", timeout=10)
        assert cmds[-1][:3] == ["SET", "during", "1"]
    assert primary.log_text().count("Starting BGSAVE for SYNC") == 1


def test_redis_replicas_diskless_and_disk_based(server_factory):
    for diskless in ("yes", "no"):
        primary = server_factory(config={"repl-diskless-sync": diskless,
                                         "repl-diskless-sync-delay": "1",
                                         "enable-debug-command": "yes"})
        p = primary.client()
        for i in range(200):
            p.set(f"s{i}", f"v{i}")
        p.rpush("l", *range(100))
        p.hset("h", mapping={f"f{i}": i for i in range(50)})
        p.zadd("z", {f"m{i}": i for i in range(50)})
        p.sadd("set", *range(40))
        p.xadd("st", {"a": "1"})
        reps = [server_factory(binary=REDIS_REFERENCE,
                               config={"replicaof": f"127.0.0.1 {primary.port}",
                                       "enable-debug-command": "yes"})
                for _ in range(2)]
        rcs = [r.client() for r in reps]
        for rc in rcs:
            wait_until(lambda rc=rc: in_sync(p, rc), what="sync")
        p.incr("counter")
        for rc in rcs:
            wait_until(lambda rc=rc: in_sync(p, rc), what="stream")
            assert rc.execute_command("DEBUG", "DIGEST") == p.execute_command("DEBUG", "DIGEST")
        assert p.info("stats")["sync_full"] == 2
        target = "replicas sockets" if diskless == "yes" else "disk"
        assert f"Starting BGSAVE for SYNC with target: {target}" in primary.log_text()


# --- One fork at a time -----------------------------------------------------------------------

def test_bgsave_while_a_sync_child_runs(server_factory):
    # rdb-key-save-delay (µs per key) makes the snapshot take ~2 s.
    primary = server_factory(config={"repl-diskless-sync": "no", "rdb-key-save-delay": "100000"})
    p = primary.client()
    for i in range(20):
        p.set(f"k{i}", i)
    fake = FakeReplica(primary)
    fake.psync()
    raw = primary.raw()
    assert raw.cmd("BGSAVE") == "ERR Background save already in progress"
    assert raw.cmd("SAVE") == "ERR Background save already in progress"
    assert p.info("persistence")["rdb_bgsave_in_progress"] == 1
    assert raw.cmd("BGREWRITEAOF") == "Background append only file rewriting scheduled"
    assert fake.read_rdb(timeout=30)[0] == "bulk"
    assert p.info("persistence")["aof_rewrite_scheduled"] == 1
    # The scheduled rewrite runs once the sync child is gone.
    wait_until(lambda: p.info("persistence")["aof_rewrites"] >= 1, timeout=60, what="rewrite")


def test_sync_waits_for_a_running_bgsave(server_factory):
    primary = server_factory(config={"repl-diskless-sync": "yes",
                                     "repl-diskless-sync-delay": "0",
                                     "rdb-key-save-delay": "100000"})
    p = primary.client()
    for i in range(20):
        p.set(f"k{i}", i)
    assert p.bgsave()
    fake = FakeReplica(primary)
    fake.conn.send(encode_command("PSYNC", "?", "-1"))
    early = fake.conn.read_raw(timeout=1.0)
    assert b"FULLRESYNC" not in early  # not before the BGSAVE ends
    assert "Waiting for next BGSAVE for SYNC" in primary.log_text()
    fake.conn.buf = early
    fake.psync(timeout=30, send=False)
    assert fake.read_rdb(timeout=30)[0] == "eof"
    log = primary.log_text()
    assert log.index("Background saving terminated with success") < log.index(
        "Starting BGSAVE for SYNC")


# --- min-replicas, ping, timeout, backlog -------------------------------------------------------

def test_min_replicas_to_write(server_factory):
    primary = server_factory(config={"min-replicas-to-write": "1", "min-replicas-max-lag": "2"})
    raw = primary.raw()
    assert raw.cmd("SET", "k", "v") == "NOREPLICAS Not enough good replicas to write."
    assert raw.cmd("GET", "k") is None
    assert raw.cmd("MULTI") == "OK"
    assert raw.cmd("SET", "k", "v") == "NOREPLICAS Not enough good replicas to write."
    assert raw.cmd("EXEC").startswith("EXECABORT")
    assert "min_slaves_good_slaves:0" in raw.cmd("INFO", "replication").decode()
    # Scripts: one declared writing is refused up front, an old-style one at its first write.
    assert raw.cmd("EVAL", "#!lua\nreturn 1", "0") == "NOREPLICAS Not enough good replicas to write."
    assert raw.cmd("EVAL", "#!lua flags=no-writes\nreturn 1", "0") == 1
    assert raw.cmd("EVAL", "return redis.call('SET', 'k', 'v')", "0").startswith(
        "NOREPLICAS Not enough good replicas to write.")
    assert raw.cmd("EVAL", "return redis.call('GET', 'k')", "0") is None
    replica = server_factory(binary=REDIS_REFERENCE,
                             config={"replicaof": f"127.0.0.1 {primary.port}"})
    wait_until(lambda: raw.cmd("SET", "k", "v") == "OK", what="a good replica")
    assert "min_slaves_good_slaves:1" in raw.cmd("INFO", "replication").decode()
    # A replica that stops ACKing is no longer good after min-replicas-max-lag.
    os.kill(replica.pid, signal.SIGSTOP)
    try:
        wait_until(lambda: raw.cmd("SET", "k", "v") != "OK", timeout=15, what="lagging replica")
        assert raw.cmd("SET", "k", "v") == "NOREPLICAS Not enough good replicas to write."
    finally:
        os.kill(replica.pid, signal.SIGCONT)
    wait_until(lambda: raw.cmd("SET", "k", "v") == "OK", what="replica back")


def test_ping_period_and_repl_timeout(server_factory):
    primary = server_factory(config={"repl-ping-replica-period": "1", "repl-timeout": "3",
                                     "repl-diskless-sync-delay": "0"})
    fake = FakeReplica(primary)
    _, offset = fake.psync()
    fake.read_rdb()
    start = time.monotonic()
    cmds = fake.commands_until(lambda c: c == ["PING"], timeout=5)
    assert time.monotonic() - start < 3
    assert cmds[-1] == ["PING"]
    # It never ACKs: dropped after repl-timeout.
    assert fake.conn.is_closed(timeout=10)
    primary.wait_for_log("Disconnecting timedout replica (streaming sync)")
    # One that ACKs stays.
    fake2 = FakeReplica(primary)
    fake2.sync()
    for _ in range(10):
        fake2.ack(0)
        time.sleep(0.5)
    info = primary.client().info("replication")
    assert info["connected_slaves"] == 1 and info["slave0"]["state"] == "online"


def test_backlog_resize_at_runtime_and_ttl(server_factory):
    primary = server_factory(config={"repl-backlog-size": "1mb", "repl-backlog-ttl": "2",
                                     "repl-diskless-sync-delay": "0"})
    p = primary.client()
    fake = FakeReplica(primary)
    fake.sync()
    for i in range(100):
        p.set(f"k{i}", "x" * 1000)
    info = p.info("replication")
    assert info["repl_backlog_histlen"] > 100000
    p.config_set("repl-backlog-size", "32kb")
    info = p.info("replication")
    assert info["repl_backlog_size"] == 32768 and info["repl_backlog_histlen"] == 32768
    assert info["repl_backlog_first_byte_offset"] == info["master_repl_offset"] + 1 - 32768
    p.config_set("repl-backlog-size", "1")  # raised to Redis's minimum
    assert p.info("replication")["repl_backlog_size"] == 16384
    replid = info["master_replid"]
    fake.close()
    # No replica for repl-backlog-ttl seconds: the backlog is freed and the id changes.
    wait_until(lambda: p.info("replication")["repl_backlog_active"] == 0, timeout=15,
               what="backlog freed")
    assert p.info("replication")["master_replid"] != replid
    assert "Replication backlog freed after 2 seconds without connected replicas." in \
        primary.log_text()


def test_replica_output_buffer_limit(server_factory):
    primary = server_factory(config={"client-output-buffer-limit": "replica 256kb 0 0",
                                     "repl-diskless-sync": "no", "rdb-key-save-delay": "100000"})
    p = primary.client()
    for i in range(20):
        p.set(f"k{i}", i)
    fake = FakeReplica(primary)
    fake.psync()
    # While its snapshot is written, the stream it will be sent piles up: past the hard limit
    # the link is closed.
    for i in range(40):
        p.set(f"big{i}", "x" * 10000)
    primary.wait_for_log("overcoming of output buffer limits")
    assert p.info("replication")["connected_slaves"] == 0
    assert fake.conn.is_closed(timeout=10)


def test_info_lists_replicas_with_lag(server_factory):
    primary = server_factory()
    replica = server_factory(binary=REDIS_REFERENCE,
                             config={"replicaof": f"127.0.0.1 {primary.port}"})
    p = primary.client()
    rc = replica.client()
    wait_until(lambda: in_sync(p, rc), what="sync")
    # The link is up on the replica's side a moment before the primary reaps its child.
    wait_until(lambda: p.info("replication")["slave0"]["state"] == "online", what="online")
    info = p.info("replication")
    assert info["connected_slaves"] == 1
    assert info["slave0"]["state"] == "online" and info["slave0"]["lag"] <= 1
    os.kill(replica.pid, signal.SIGSTOP)
    try:
        time.sleep(3.2)
        assert p.info("replication")["slave0"]["lag"] >= 2
    finally:
        os.kill(replica.pid, signal.SIGCONT)


# --- WAIT -------------------------------------------------------------------------------------

def test_wait_uses_the_clients_own_last_write(server_factory):
    primary = server_factory()
    replica = server_factory(binary=REDIS_REFERENCE,
                             config={"replicaof": f"127.0.0.1 {primary.port}"})
    writer = primary.client()
    reader = primary.client()
    rc = replica.client()
    writer.set("a", "1")
    wait_until(lambda: in_sync(writer, rc), what="sync")
    assert writer.execute_command("WAIT", 1, 5000) == 1
    os.kill(replica.pid, signal.SIGSTOP)
    try:
        writer.set("b", "2")  # not ACKed: the replica is stopped
        start = time.monotonic()
        # The reader wrote nothing since: its WAIT is satisfied at once.
        assert reader.execute_command("WAIT", 1, 2000) == 1
        assert time.monotonic() - start < 1.0
        start = time.monotonic()
        assert writer.execute_command("WAIT", 1, 300) == 0
        assert time.monotonic() - start >= 0.25
    finally:
        os.kill(replica.pid, signal.SIGCONT)
    assert writer.execute_command("WAIT", 1, 5000) == 1


def test_wait_inside_multi_does_not_block(server_factory):
    primary = server_factory()
    replica = server_factory(binary=REDIS_REFERENCE,
                             config={"replicaof": f"127.0.0.1 {primary.port}"})
    c = primary.client()
    rc = replica.client()
    c.set("a", "1")
    wait_until(lambda: in_sync(c, rc), what="sync")
    assert c.execute_command("WAIT", 1, 5000) == 1
    tx = c.pipeline(transaction=True)
    tx.set("b", "2")
    tx.execute_command("WAIT", 1, 0)
    start = time.monotonic()
    # As Redis: the SET in the same transaction is not yet part of the client's offset.
    assert tx.execute() == [True, 1]
    assert time.monotonic() - start < 1.0
    raw = primary.raw()
    assert raw.cmd("EVAL", "return redis.call('WAIT', 0, 0)", "0").startswith(
        "ERR This Redis command is not allowed from script")


# --- What the stream carries --------------------------------------------------------------------

def test_expiry_propagates_as_del_or_unlink(server_factory):
    for lazy, verb in (("no", "DEL"), ("yes", "UNLINK")):
        primary = server_factory(config={"lazyfree-lazy-expire": lazy,
                                         "repl-diskless-sync-delay": "0"})
        p = primary.client()
        fake = FakeReplica(primary)
        fake.sync()
        p.execute_command("SELECT", 5)
        p.set("gone", "x", px=100)
        cmds = fake.commands_until(lambda c: c[0] in ("DEL", "UNLINK"), timeout=10)
        assert ["SELECT", "5"] in cmds
        assert cmds[-1] == [verb, "gone"]
        fake.close()


def test_eviction_propagates_as_del_or_unlink(server_factory):
    for lazy, verb in (("no", "DEL"), ("yes", "UNLINK")):
        primary = server_factory(config={"lazyfree-lazy-eviction": lazy,
                                         "maxmemory-policy": "allkeys-random",
                                         "repl-diskless-sync-delay": "0"})
        p = primary.client()
        fake = FakeReplica(primary)
        fake.sync()
        for i in range(200):
            p.set(f"k{i}", "v" * 1000)
        used = p.info("memory")["used_memory"]
        p.config_set("maxmemory", used - 50000)
        p.set("one-more", "x")
        cmds = fake.commands_until(lambda c: c[0] in ("DEL", "UNLINK"), timeout=10)
        assert cmds[-1][0] == verb and cmds[-1][1].startswith("k")
        p.config_set("maxmemory", 0)
        fake.close()


def test_scripts_and_renamed_commands_replicate_as_effects(server_factory):
    primary = server_factory(config={"rename-command": "INCR SECRET-INCR",
                                     "enable-debug-command": "yes"})
    replica = server_factory(binary=REDIS_REFERENCE,
                             config={"replicaof": f"127.0.0.1 {primary.port}",
                                     "enable-debug-command": "yes"})
    p = primary.client()
    rc = replica.client()
    wait_until(lambda: rc.info("replication").get("master_link_status") == "up", what="link")
    # A value only the primary can compute: the replica must receive it, not re-run the script.
    p.eval("redis.call('SET', KEYS[1], redis.call('TIME')[1] .. ':' .. math.random()); "
           "redis.call('INCRBY', KEYS[2], 1); return 1", 2, "t", "n")
    p.execute_command("FUNCTION", "LOAD",
                      "#!lua name=lib\nredis.register_function('put', function(k, a) "
                      "redis.call('HSET', k[1], 'f', a[1]); redis.call('SELECT', 7); "
                      "redis.call('SET', 'in7', a[1]); return 1 end)")
    p.execute_command("FCALL", "put", 1, "h", "val")
    p.execute_command("SECRET-INCR", "n")
    p.execute_command("SELECT", 3)
    p.set("db3", "x")
    wait_until(lambda: in_sync(p, rc), what="stream")
    p.execute_command("SELECT", 0)
    assert rc.get("t") == p.get("t") and ":" in rc.get("t")
    assert rc.get("n") == "2"
    assert rc.execute_command("DEBUG", "DIGEST") == p.execute_command("DEBUG", "DIGEST")
