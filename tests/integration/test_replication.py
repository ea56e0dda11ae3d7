"""Replication, primary side: Debian's Redis 7.0 replicates from Redoubt. A full sync carries
every data type in several databases, the write stream follows (canonical names, SELECT when the
db changes, MULTI/EXEC, expiries as DEL), and a dropped link resumes with a partial resync
from the backlog."""

import os
import threading
import time

import pytest

from conftest import REDIS_REFERENCE

pytestmark = [
    pytest.mark.redoubt_only,
    pytest.mark.skipif(not os.path.exists(REDIS_REFERENCE), reason="no /usr/bin/redis-server"),
]

REPL_USER = "replicator"
REPL_PASS = "repl-Secret-77"
ADMIN_PASS = "admin-Secret-42"


def write_everything(c, tag):
    """Every data type, in db 0 and db 3."""
    for db in (0, 3):
        c.execute_command("SELECT", db)
        c.set(f"{tag}:str", f"v-{tag}-{db}")
        c.set(f"{tag}:int", 12345)
        c.set(f"{tag}:ttl", "x", ex=1000)
        c.rpush(f"{tag}:list", *[f"e{i}" for i in range(50)])
        c.hset(f"{tag}:hash", mapping={f"f{i}": str(i) for i in range(40)})
        c.sadd(f"{tag}:set", *[str(i) for i in range(30)])
        c.sadd(f"{tag}:strset", *[f"m{i}" for i in range(30)])
        c.zadd(f"{tag}:zset", {f"z{i}": i * 1.5 for i in range(60)})
        c.incrby(f"{tag}:int", 5)
        c.lpop(f"{tag}:list")
        c.hdel(f"{tag}:hash", "f0")
    c.execute_command("SELECT", 0)


def snapshot(c):
    """db -> key -> (type, value), read with typed commands."""
    out = {}
    for db in (0, 3):
        c.execute_command("SELECT", db)
        keys = {}
        for k in c.keys("*"):
            t = c.type(k)
            if t == "string":
                v = c.get(k)
            elif t == "list":
                v = c.lrange(k, 0, -1)
            elif t == "hash":
                v = c.hgetall(k)
            elif t == "set":
                v = sorted(c.smembers(k))
            elif t == "zset":
                v = c.zrange(k, 0, -1, withscores=True)
            else:
                v = None
            keys[k] = (t, v, c.ttl(k) > 0)
        out[db] = keys
    c.execute_command("SELECT", 0)
    return out


def wait_until(pred, timeout=20.0, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def in_sync(primary, replica):
    p = primary.info("replication")
    r = replica.info("replication")
    return (r.get("master_link_status") == "up"
            and r.get("master_repl_offset") == p["master_repl_offset"])


@pytest.fixture
def pair(server_factory):
    primary = server_factory(config={
        "requirepass": ADMIN_PASS,
        "user": f"{REPL_USER} on >{REPL_PASS} +psync +replconf +ping",
    })
    replica = server_factory(binary=REDIS_REFERENCE, config={
        "replicaof": f"127.0.0.1 {primary.port}",
        "masteruser": REPL_USER,
        "masterauth": REPL_PASS,
    })
    return primary, replica


def test_redis_replica_full_sync_stream_and_partial_resync(pair):
    primary, replica = pair
    p = primary.client(password=ADMIN_PASS)
    rc = replica.client()
    write_everything(p, "before")
    wait_until(lambda: in_sync(p, rc), what="initial sync")
    assert snapshot(rc) == snapshot(p)
    assert p.info("stats")["sync_full"] == 1

    # The write stream after the sync: every type, a transaction, an expiry, a rename.
    write_everything(p, "after")
    tx = p.pipeline(transaction=True)
    tx.set("tx:a", "1")
    tx.incr("tx:a")
    tx.rpush("tx:l", "x", "y")
    tx.execute()
    p.set("short", "lived", px=50)
    time.sleep(0.3)
    assert p.get("short") is None  # expired on the primary: a DEL goes to the replica
    p.rename("after:str", "after:renamed")
    wait_until(lambda: in_sync(p, rc), what="stream")
    assert snapshot(rc) == snapshot(p)
    assert rc.get("tx:a") == "2"
    assert rc.exists("short") == 0

    info = p.info("replication")
    assert info["role"] == "master"
    assert info["connected_slaves"] == 1
    assert info["slave0"]["state"] == "online"
    assert info["slave0"]["port"] == replica.port
    assert len(info["master_replid"]) == 40
    assert info["repl_backlog_active"] == 1
    assert info["repl_backlog_histlen"] > 0
    role = p.execute_command("ROLE")
    assert role[0] == "master" and role[1] == info["master_repl_offset"]
    assert role[2][0][:2] == ["127.0.0.1", str(replica.port)]

    # Drop the link from the replica's side; it comes back with PSYNC and gets +CONTINUE.
    replid = info["master_replid"]
    rc.client_kill_filter(_type="master")
    p.set("during-drop", "1")
    p.hset("after:hash", "new", "field")
    wait_until(lambda: p.info("stats")["sync_partial_ok"] == 1, what="partial resync")
    wait_until(lambda: in_sync(p, rc), what="resync")
    assert p.info("stats")["sync_full"] == 1
    assert rc.info("replication")["master_replid"] == replid
    assert snapshot(rc) == snapshot(p)
    assert "Successful partial resynchronization with master" in replica.log_text()

    # The primary drops the link: the replica is its one "replica" client, flags=S.
    listed = p.client_list(_type="replica")
    assert len(listed) == 1 and listed[0]["flags"] == "S" and listed[0]["user"] == REPL_USER
    assert p.execute_command("CLIENT", "KILL", "TYPE", "replica") == 1
    p.zadd("after:zset", {"late": 99})
    wait_until(lambda: p.info("stats")["sync_partial_ok"] == 2, what="second partial resync")
    wait_until(lambda: in_sync(p, rc), what="second resync")
    assert p.info("stats")["sync_full"] == 1
    assert snapshot(rc) == snapshot(p)


def test_replconf_and_psync_replies(server_factory):
    # Disk-based: the RDB comes at once as a sized bulk (diskless would wait
    # repl-diskless-sync-delay for more replicas, then frame it with $EOF:).
    primary = server_factory(config={"repl-diskless-sync": "no"})
    raw = primary.raw()
    assert raw.cmd("REPLCONF", "listening-port", "6390") == "OK"
    assert raw.cmd("REPLCONF", "capa", "eof", "capa", "psync2") == "OK"
    assert raw.cmd("REPLCONF", "nosuch", "1").startswith("ERR Unrecognized REPLCONF option: nosuch")
    assert raw.cmd("REPLCONF", "listening-port") == "ERR syntax error"
    # A replication id the primary never had: a full resync with the current id and offset.
    reply = raw.cmd("PSYNC", "0" * 40, "100")
    kind, replid, offset = reply.split()
    assert kind == "FULLRESYNC" and len(replid) == 40 and int(offset) >= 0
    bulk = raw.read_line(timeout=10)
    assert bulk.startswith(b"$")
    size = int(bulk[1:])
    deadline = time.monotonic() + 10
    while len(raw.buf) < size:  # the RDB has no CRLF after it
        raw._fill(deadline)
    assert raw.buf[:5] == b"REDIS" and raw.buf[size - 9:size - 8] == b"\xff"


def test_wait_counts_acked_replicas(pair):
    primary, replica = pair
    p = primary.client(password=ADMIN_PASS)
    rc = replica.client()
    p.set("k", "v")
    wait_until(lambda: in_sync(p, rc), what="sync")
    assert p.execute_command("WAIT", 0, 0) >= 0
    p.set("k2", "v2")
    start = time.monotonic()
    assert p.execute_command("WAIT", 1, 5000) == 1  # the replica ACKs after GETACK
    assert time.monotonic() - start < 4
    assert rc.get("k2") == "v2"
    # Two replicas wanted, one exists: the timeout ends the wait with the count.
    p.set("k3", "v3")
    start = time.monotonic()
    assert p.execute_command("WAIT", 2, 300) == 1
    assert time.monotonic() - start >= 0.25


def test_wait_without_replicas_times_out_with_zero(server_factory):
    primary = server_factory()
    c = primary.client()
    c.set("a", "1")
    assert c.execute_command("WAIT", 0, 0) == 0
    start = time.monotonic()
    assert c.execute_command("WAIT", 1, 200) == 0
    assert time.monotonic() - start >= 0.15
    raw = primary.raw()
    assert raw.cmd("WAIT", "x", "1") == "ERR value is not an integer or out of range"
    assert raw.cmd("WAIT", "1", "-1") == "ERR timeout is negative"


def test_renamed_command_reaches_replica_under_canonical_name(server_factory):
    primary = server_factory(config={"rename-command": "SET RENAMED-SET"})
    replica = server_factory(binary=REDIS_REFERENCE,
                             config={"replicaof": f"127.0.0.1 {primary.port}"})
    p = primary.client()
    rc = replica.client()
    wait_until(lambda: rc.info("replication").get("master_link_status") == "up", what="link")
    p.execute_command("RENAMED-SET", "k", "v")
    wait_until(lambda: in_sync(p, rc), what="stream")
    assert rc.get("k") == "v"  # the replica has no rename: it must have received SET


def test_backlog_exhausted_means_full_resync(server_factory):
    primary = server_factory(config={"repl-backlog-size": "16kb"})
    replica = server_factory(binary=REDIS_REFERENCE,
                             config={"replicaof": f"127.0.0.1 {primary.port}",
                                     "enable-debug-command": "yes"})
    p = primary.client()
    rc = replica.client()
    p.set("first", "1")
    wait_until(lambda: in_sync(p, rc), what="initial sync")
    big = "x" * 1000
    pipe = p.pipeline(transaction=False)
    for i in range(100):  # ~100 KB: more than the backlog keeps
        pipe.set(f"big:{i}", big)
    # The replica cuts its link and sleeps in the same read (no reconnection in between), so
    # it comes back only after the writes have run past the backlog.
    rpipe = rc.pipeline(transaction=False)
    rpipe.execute_command("CLIENT", "KILL", "TYPE", "master")
    rpipe.execute_command("DEBUG", "SLEEP", "1")
    t = threading.Thread(target=rpipe.execute)
    t.start()
    time.sleep(0.3)
    pipe.execute()
    t.join()
    wait_until(lambda: p.info("stats")["sync_full"] == 2, what="second full sync")
    wait_until(lambda: in_sync(p, rc), what="resync")
    assert p.info("stats")["sync_partial_err"] == 1
    assert p.info("stats")["sync_partial_ok"] == 0
    assert rc.dbsize() == p.dbsize() == 101
    assert rc.get("big:99") == big
