"""Sentinel: three Debian `redis-sentinel` 7.0 processes monitor a Redoubt primary with two
Redoubt replicas. The primary is SIGKILLed; Sentinel promotes a replica (MULTI, REPLICAOF NO
ONE, CONFIG REWRITE, CLIENT KILL, EXEC), re-points the other one, and every write that WAIT
acknowledged before the kill is on the new primary."""

import os
import signal
import subprocess

import pytest
import redis

from conftest import free_port
from test_replication import in_sync, wait_until

SENTINEL = "/usr/bin/redis-sentinel"

pytestmark = [
    pytest.mark.redoubt_only,
    pytest.mark.skipif(not os.path.exists(SENTINEL), reason="no redis-sentinel"),
]


def start_sentinel(tmp_path, i, primary_port):
    port = free_port()
    d = tmp_path / f"sentinel{i}"
    d.mkdir()
    conf = d / "sentinel.conf"
    conf.write_text(
        f"port {port}\nbind 127.0.0.1\ndir {d}\n"
        f"sentinel monitor mymaster 127.0.0.1 {primary_port} 2\n"
        "sentinel down-after-milliseconds mymaster 1000\n"
        "sentinel failover-timeout mymaster 20000\n"
        "sentinel parallel-syncs mymaster 1\n")
    log = open(d / "sentinel.log", "wb")
    proc = subprocess.Popen([SENTINEL, str(conf)], stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, cwd=d)
    client = redis.Redis(host="127.0.0.1", port=port, decode_responses=True, socket_timeout=5)
    wait_until(lambda: _pings(client), timeout=10, what="sentinel up")
    return proc, client


def _pings(c):
    try:
        return c.ping()
    except redis.RedisError:
        return False


def test_sentinel_promotes_a_redoubt_replica(server_factory, tmp_path):
    primary = server_factory()
    p = primary.client()
    replicas = [server_factory(config={"replicaof": f"127.0.0.1 {primary.port}"})
                for _ in range(2)]
    clients = {r.port: r.client() for r in replicas}
    wait_until(lambda: all(in_sync(p, c) for c in clients.values()), what="replicas synced")
    sentinels = []
    try:
        for i in range(3):
            sentinels.append(start_sentinel(tmp_path, i, primary.port))
        s0 = sentinels[0][1]
        wait_until(lambda: len(s0.sentinel_slaves("mymaster")) == 2
                   and len(s0.sentinel_sentinels("mymaster")) == 2,
                   timeout=30, what="sentinels discover the replicas and each other")
        acked = []
        for i in range(200):
            p.set(f"k{i}", i)
            if i % 20 == 19:
                assert p.execute_command("WAIT", 1, 5000) >= 1
                acked = list(range(i + 1))
        primary.stop(sig=signal.SIGKILL)

        def promoted():
            addr = s0.sentinel_get_master_addr_by_name("mymaster")
            return addr is not None and int(addr[1]) in clients
        wait_until(promoted, timeout=60, what="a replica promoted")
        new_port = int(s0.sentinel_get_master_addr_by_name("mymaster")[1])
        new = clients[new_port]
        wait_until(lambda: new.info("replication")["role"] == "master", timeout=20,
                   what="the promoted replica is a primary")
        for i in acked:
            assert new.get(f"k{i}") == str(i)
        new.set("after-failover", "1")
        other = [c for port, c in clients.items() if port != new_port][0]
        wait_until(lambda: other.info("replication").get("master_port") == new_port
                   and other.get("after-failover") == "1", timeout=40,
                   what="the other replica follows the new primary")
    finally:
        for proc, c in sentinels:
            c.close()
            proc.terminate()
            proc.wait(timeout=10)
