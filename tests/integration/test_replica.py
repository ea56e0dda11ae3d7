"""Replication, replica side: Redoubt replicates from Debian's Redis 7.0 (diskless `$EOF:`
framing) and from Redoubt (`$<len>` framing): a full sync with every data type, the write
stream, a dropped link and a restart resumed by partial resyncs (the primary's sync_partial_ok
counts them), read-only and stale-data errors as Redis words them, REPLICAOF NO ONE keeping the
old history as replid2, and a chained replica proxying the primary's stream."""

import os
import time

import pytest

from conftest import REDIS_REFERENCE
from test_replication import in_sync, snapshot, wait_until, write_everything

pytestmark = [
    pytest.mark.redoubt_only,
    pytest.mark.skipif(not os.path.exists(REDIS_REFERENCE), reason="no /usr/bin/redis-server"),
]

REPL_USER = "replicator"
REPL_PASS = "repl-Secret-77"
ADMIN_PASS = "admin-Secret-42"


def primary_config():
    return {
        "requirepass": ADMIN_PASS,
        "user": f"{REPL_USER} on >{REPL_PASS} +psync +replconf +ping",
        "repl-diskless-sync-delay": 0,
    }


def replica_of(server_factory, primary, tmp_path, **extra):
    secret = tmp_path / "masterauth"
    secret.write_text(REPL_PASS + "\n")
    os.chmod(secret, 0o600)
    config = {
        "replicaof": f"127.0.0.1 {primary.port}",
        "masteruser": REPL_USER,
        "masterauth-file": str(secret),
    }
    config.update(extra)
    return server_factory(config=config)


def stream_more(p, tag):
    write_everything(p, tag)
    tx = p.pipeline(transaction=True)
    tx.set(f"{tag}:tx", "1")
    tx.incr(f"{tag}:tx")
    tx.rpush(f"{tag}:txl", "x", "y")
    tx.execute()
    p.set(f"{tag}:short", "lived", px=50)
    time.sleep(0.3)
    assert p.get(f"{tag}:short") is None  # expired on the primary: it sends the DEL


def check_replica_info(rc, primary):
    info = rc.info("replication")
    assert info["role"] == "slave"
    assert info["master_host"] == "127.0.0.1"
    assert info["master_port"] == primary.port
    assert info["master_link_status"] == "up"
    assert info["master_sync_in_progress"] == 0
    assert info["slave_repl_offset"] == info["master_repl_offset"]
    assert info["slave_read_only"] == 1
    assert info["slave_priority"] == 100
    role = rc.execute_command("ROLE")
    assert role[:4] == ["slave", "127.0.0.1", primary.port, "connected"]
    assert role[4] == info["master_repl_offset"]


@pytest.mark.parametrize("primary_binary", ["redis", "redoubt"])
def test_full_sync_stream_and_partial_resync_after_drop(server_factory, tmp_path,
                                                        primary_binary):
    binary = REDIS_REFERENCE if primary_binary == "redis" else None
    kw = {"binary": binary} if binary else {}
    primary = server_factory(config=primary_config(), **kw)
    p = primary.client(password=ADMIN_PASS)
    write_everything(p, "before")
    replica = replica_of(server_factory, primary, tmp_path)
    rc = replica.client()
    wait_until(lambda: in_sync(p, rc), what="initial sync")
    assert snapshot(rc) == snapshot(p)
    assert p.info("stats")["sync_full"] == 1
    check_replica_info(rc, primary)

    stream_more(p, "after")
    wait_until(lambda: in_sync(p, rc), what="stream")
    assert snapshot(rc) == snapshot(p)
    assert rc.get("after:tx") == "2"
    assert rc.exists("after:short") == 0

    # The link dropped from the replica's side: PSYNC with the cached primary, +CONTINUE.
    assert "flags=M" in rc.execute_command("CLIENT", "LIST", "TYPE", "master")
    rc.client_kill_filter(_type="master")
    p.set("during-drop", "1")
    p.hset("after:hash", "new", "field")
    wait_until(lambda: p.info("stats")["sync_partial_ok"] == 1, what="partial resync")
    wait_until(lambda: in_sync(p, rc), what="resumed stream")
    assert rc.get("during-drop") == "1"
    assert snapshot(rc) == snapshot(p)
    assert p.info("stats")["sync_full"] == 1
    assert REPL_PASS not in replica.log_text()


def test_read_only_and_stale_data_errors_match_redis(server_factory):
    for binary in (REDIS_REFERENCE, None):
        kw = {"binary": binary} if binary else {}
        # A primary that is not there: the link stays down.
        replica = server_factory(config={"replicaof": "127.0.0.1 1",
                                         "replica-serve-stale-data": "no"}, **kw)
        raw = replica.raw()
        assert raw.cmd("SET", "k", "v") == "READONLY You can't write against a read only replica."
        assert raw.cmd("GET", "k") == ("MASTERDOWN Link with MASTER is down and "
                                       "replica-serve-stale-data is set to 'no'.")
        raw.cmd("MULTI")
        raw.cmd("SET", "k", "v")
        assert raw.cmd("EXEC").startswith("EXECABORT")
        assert b"master_link_status:down" in raw.cmd("INFO", "replication")
        assert raw.cmd("CONFIG", "SET", "replica-serve-stale-data", "yes") == "OK"
        assert raw.cmd("GET", "k") is None
        assert raw.cmd("CONFIG", "SET", "replica-read-only", "no") == "OK"
        assert raw.cmd("SET", "k", "v") == "OK"
        role = raw.cmd("ROLE")
        assert role[0] == b"slave" and role[2] == 1 and role[4] == -1
        assert raw.cmd("REPLICAOF", "127.0.0.1", "1") == "OK Already connected to specified master"
        for bad in ("abc", "70000", "-1"):
            assert raw.cmd("REPLICAOF", "127.0.0.1", bad) == "ERR Invalid master port"
        assert raw.cmd("REPLICAOF", "NO", "ONE") == "OK"
        assert b"role:master" in raw.cmd("INFO", "replication")
        replica.stop()


def test_restart_resumes_with_partial_resync_and_promotion_keeps_history(server_factory,
                                                                       tmp_path):
    primary = server_factory(config=primary_config())
    p = primary.client(password=ADMIN_PASS)
    write_everything(p, "before")
    replica = replica_of(server_factory, primary, tmp_path)
    rc = replica.client()
    wait_until(lambda: in_sync(p, rc), what="initial sync")
    p.execute_command("SELECT", 3)
    p.set("db3-key", "1")  # the stream continues in db 3 after the restart
    wait_until(lambda: in_sync(p, rc), what="stream")
    rc.save()  # the file records the replication id and offset it matches
    replica.stop()
    p.set("db3-while-down", "2")
    p.execute_command("SELECT", 0)
    replica.start(replica.directives, port=replica.port)
    rc = replica.client()
    wait_until(lambda: p.info("stats")["sync_partial_ok"] == 1, what="partial after restart")
    wait_until(lambda: in_sync(p, rc), what="resumed after restart")
    assert p.info("stats")["sync_full"] == 1
    rc.execute_command("SELECT", 3)
    assert rc.get("db3-while-down") == "2"
    assert snapshot(rc) == snapshot(p)

    # Promotion: the old history stays valid as replid2 up to the promotion offset.
    old = p.info("replication")
    assert rc.execute_command("REPLICAOF", "NO", "ONE") == "OK"
    info = rc.info("replication")
    assert info["role"] == "master"
    assert info["master_replid2"] == old["master_replid"]
    assert info["second_repl_offset"] == old["master_repl_offset"] + 1
    assert info["master_replid"] != old["master_replid"]
    rc.set("written-on-promoted", "yes")
    assert rc.get("written-on-promoted") == "yes"


def test_chained_replica_and_failover_to_a_replica_resumes_partially(server_factory, tmp_path):
    primary = server_factory(config=primary_config())
    p = primary.client(password=ADMIN_PASS)
    a = replica_of(server_factory, primary, tmp_path)
    ac = a.client()
    wait_until(lambda: in_sync(p, ac), what="a synced")
    # b replicates from a (no password on a): the stream is p's, proxied byte for byte.
    b = server_factory(config={"replicaof": f"127.0.0.1 {a.port}"})
    bc = b.client()
    write_everything(p, "chain")
    wait_until(lambda: in_sync(p, ac) and in_sync(ac, bc), what="chain in sync")
    assert snapshot(bc) == snapshot(p)
    assert bc.info("replication")["master_replid"] == p.info("replication")["master_replid"]
    assert bc.info("replication")["master_repl_offset"] == \
        p.info("replication")["master_repl_offset"]
    assert ac.info("replication")["connected_slaves"] == 1

    # Fail over to a: a is promoted, b stays with it and resumes with +CONTINUE.
    primary.stop()
    assert ac.execute_command("REPLICAOF", "NO", "ONE") == "OK"
    wait_until(lambda: a.client().info("stats")["sync_partial_ok"] >= 1, what="b resumes on a")
    ac.set("after-failover", "1")
    wait_until(lambda: bc.get("after-failover") == "1", what="b follows a")
    assert ac.info("stats")["sync_full"] == 1  # b's first sync only


def test_replica_expires_nothing_itself(server_factory, tmp_path):
    """As a Redis replica: a key past its TTL reads as missing but stays (DBSIZE counts it)
    until the primary's DEL arrives."""
    primary = server_factory(config=dict(primary_config(), **{"active-expire-enabled": "no"}))
    p = primary.client(password=ADMIN_PASS)
    replica = replica_of(server_factory, primary, tmp_path)
    rc = replica.client()
    wait_until(lambda: in_sync(p, rc), what="initial sync")
    p.set("soon", "gone", px=300)
    p.set("stays", "1")
    wait_until(lambda: in_sync(p, rc), what="stream")
    time.sleep(0.6)
    assert rc.get("soon") is None  # logically expired
    assert rc.dbsize() == 2  # but not deleted by the replica
    time.sleep(0.3)  # several replica cron passes: still no active expiry
    assert rc.dbsize() == 2
    assert p.get("soon") is None  # the primary expires it and sends the DEL
    wait_until(lambda: rc.dbsize() == 1, what="the primary's DEL")


def test_killing_the_link_at_random_points_loses_nothing(server_factory, tmp_path):
    """20 link kills, from either side, during full syncs, partial resyncs and the stream,
    under a write load with transactions: the replica ends equal to the primary."""
    import random
    rng = random.Random(18)
    primary = server_factory(config=primary_config())
    p = primary.client(password=ADMIN_PASS)
    write_everything(p, "base")
    for i in range(2000):
        p.set(f"bulk:{i}", "x" * 50)
    replica = replica_of(server_factory, primary, tmp_path)
    rc = replica.client()

    def syncs():
        st = p.info("stats")
        return st["sync_full"] + st["sync_partial_ok"]

    seen = 0
    for round_ in range(20):
        # Wait for the next sync (the replica retries each second), then cut it at a random
        # point: in the transfer, the resync or the stream.
        wait_until(lambda: syncs() > seen, timeout=30, what="a new sync")
        seen = syncs()
        for j in range(rng.randint(0, 30)):
            if j % 7 == 0:
                tx = p.pipeline(transaction=True)
                tx.incr("counter")
                tx.rpush("log", f"{round_}:{j}")
                tx.execute()
            else:
                p.set(f"r{round_}:{j}", j)
        time.sleep(rng.random() * 0.05)
        # In a transfer the replica has no master client yet: then the primary cuts the link.
        if rng.random() >= 0.5 or rc.client_kill_filter(_type="master") == 0:
            p.client_kill_filter(_type="slave")
    wait_until(lambda: in_sync(p, rc), timeout=60, what="the final sync")
    st = p.info("stats")
    print("syncs", st["sync_full"], st["sync_partial_ok"], st["sync_partial_err"])
    assert st["sync_full"] + st["sync_partial_ok"] >= 21  # each kill cut a live link
    assert snapshot(rc) == snapshot(p)
    assert rc.dbsize() == p.dbsize()
    assert rc.get("counter") == p.get("counter")
    assert rc.lrange("log", 0, -1) == p.lrange("log", 0, -1)
