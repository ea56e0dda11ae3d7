"""Lazy freeing: UNLINK and FLUSHALL ASYNC return at once and the memory comes back when the
background thread has freed the values (lazyfree_pending_objects back to 0, lazyfreed_objects
counted); the lazyfree-lazy-user-* directives make DEL and FLUSHALL lazy."""

import time

import redis

from conftest import wait_until


def fill_set(c, key, n):
    for base in range(0, n, 10000):
        c.sadd(key, *range(base, min(base + 10000, n)))


def used(c):
    return c.info("memory")["used_memory"]


def test_unlink_of_a_big_set_frees_its_memory_afterwards(server):
    c = server.client()
    empty = used(c)
    fill_set(c, "big", 300000)
    full = used(c)
    assert full - empty > 5 * 1024 * 1024
    freed_before = c.info("memory")["lazyfreed_objects"]
    assert c.unlink("big") == 1
    assert c.exists("big") == 0
    assert wait_until(lambda: used(c) < empty + (full - empty) // 10, timeout=10)
    # The counters move when the thread has finished the value, just after its memory.
    assert wait_until(lambda: c.info("memory")["lazyfree_pending_objects"] == 0)
    assert c.info("memory")["lazyfreed_objects"] == freed_before + 1


def test_unlink_of_a_small_value_is_freed_inline(server):
    c = server.client()
    c.sadd("small", 1, 2, 3)
    c.set("s", "x")
    freed_before = c.info("memory")["lazyfreed_objects"]
    assert c.unlink("small", "s", "missing") == 2
    assert c.info("memory")["lazyfreed_objects"] == freed_before


def test_flushall_async_returns_at_once_and_frees_in_the_background(server):
    c = server.client()
    empty = used(c)
    for base in range(0, 200000, 10000):
        c.mset({f"key:{i}": "v" * 100 for i in range(base, base + 10000)})
    fill_set(c, "set", 100000)
    full = used(c)
    assert c.flushall(asynchronous=True)
    assert c.dbsize() == 0
    assert wait_until(lambda: used(c) < empty + (full - empty) // 10, timeout=10)
    assert wait_until(lambda: c.info("memory")["lazyfree_pending_objects"] == 0)


def test_lazyfree_lazy_user_del_makes_del_lazy(server_factory):
    srv = server_factory(lazyfree_lazy_user_del="yes")
    c = srv.client()
    fill_set(c, "big", 100000)
    freed_before = c.info("memory")["lazyfreed_objects"]
    assert c.delete("big") == 1
    assert wait_until(lambda: c.info("memory")["lazyfreed_objects"] == freed_before + 1)


def test_lazyfree_lazy_user_flush_makes_flushdb_lazy(server_factory):
    srv = server_factory(lazyfree_lazy_user_flush="yes")
    c = srv.client()
    fill_set(c, "big", 100000)
    c.set("k", "v")
    freed_before = c.info("memory")["lazyfreed_objects"]
    assert c.flushdb()
    assert c.dbsize() == 0
    assert wait_until(lambda: c.info("memory")["lazyfreed_objects"] >= freed_before + 1)


def test_lazyfree_lazy_server_del_frees_an_overwritten_value_lazily(server_factory):
    srv = server_factory(lazyfree_lazy_server_del="yes")
    c = srv.client()
    fill_set(c, "big", 100000)
    freed_before = c.info("memory")["lazyfreed_objects"]
    assert c.set("big", "now a string")
    assert c.get("big") == "now a string"
    assert wait_until(lambda: c.info("memory")["lazyfreed_objects"] == freed_before + 1)


def test_lazyfree_lazy_expire_frees_an_expired_value_lazily(server_factory):
    srv = server_factory(lazyfree_lazy_expire="yes")
    c = srv.client()
    fill_set(c, "big", 100000)
    freed_before = c.info("memory")["lazyfreed_objects"]
    assert c.pexpire("big", 50)
    assert wait_until(lambda: c.exists("big") == 0)
    assert wait_until(lambda: c.info("memory")["lazyfreed_objects"] == freed_before + 1)


def test_lazyfree_lazy_eviction_frees_evicted_values_in_the_background(server_factory):
    srv = server_factory(maxmemory="20mb", maxmemory_policy="allkeys-lru",
                         lazyfree_lazy_eviction="yes")
    c = srv.client()
    for i in range(12):  # 12 sets of 50,000 members: about 3 MB each, 36 MB in all
        for attempt in range(50):
            try:
                fill_set(c, f"set:{i}", 50000)
                break
            except redis.ResponseError as e:
                # Redis 7.0 may answer OOM while the evicted values are still being freed.
                assert str(e).startswith("OOM"), e
                time.sleep(0.05)
    info = c.info()
    assert info["evicted_keys"] >= 3
    assert wait_until(lambda: c.info("memory")["lazyfreed_objects"] >= 3)
    assert wait_until(lambda: used(c) <= 20 * 1024 * 1024 * 1.05)
