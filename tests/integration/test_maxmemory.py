"""maxmemory: every eviction policy keeps used_memory at the limit while 100 MB are written,
volatile-* policies never evict keys without a TTL, volatile-ttl takes the shortest TTL first,
allkeys-lru keeps a recently read working set, noeviction refuses writes with Redis's exact OOM
text, CONFIG SET maxmemory evicts at once, and evictions send the `evicted` event."""

import time

import pytest
import redis

from conftest import assert_error, wait_until

OOM = "OOM command not allowed when used memory > 'maxmemory'."
LIMIT = 20 * 1024 * 1024
VALUE = b"v" * 1000
EVICTING = ["allkeys-lru", "volatile-lru", "allkeys-lfu", "volatile-lfu", "allkeys-random",
            "volatile-random", "volatile-ttl"]


def write_keys(c, start, count, ttl=None, prefix="k", batch=2000):
    """SETs count 1000-byte values; ttl: None, a number of seconds, or a function of i."""
    for base in range(start, start + count, batch):
        p = c.pipeline(transaction=False)
        for i in range(base, min(base + batch, start + count)):
            t = ttl(i) if callable(ttl) else ttl
            p.set(f"{prefix}{i}", VALUE, ex=t)
        p.execute()


def used(c):
    return c.info("memory")["used_memory"]


@pytest.mark.parametrize("policy", EVICTING)
def test_writing_100mb_keeps_used_memory_at_the_limit(server_factory, policy):
    srv = server_factory(maxmemory="20mb", maxmemory_policy=policy)
    c = srv.client(decode_responses=False)
    volatile = policy.startswith("volatile")
    # Keys without a TTL first (2 MB): volatile-* policies must never take one of them.
    write_keys(c, 0, 2000, prefix="persistent:")
    peak = 0
    for chunk in range(10):  # 10 x 10,000 x 1000 B = 100 MB
        write_keys(c, chunk * 10000, 10000, ttl=(100000 if volatile else None))
        peak = max(peak, used(c))
        assert c.ping()
    info = c.info()
    assert info["evicted_keys"] > 0
    assert info["used_memory"] <= LIMIT * 1.03, info["used_memory"]
    assert peak <= LIMIT * 1.05, peak
    assert c.dbsize() < 2000 + 100000  # something was evicted
    if volatile:
        p = c.pipeline(transaction=False)
        for i in range(2000):
            p.exists(f"persistent:{i}")
        assert sum(p.execute()) == 2000, "a volatile-* policy evicted a key without a TTL"


def test_volatile_ttl_evicts_the_shortest_ttl_first(server_factory):
    srv = server_factory(maxmemory="20mb", maxmemory_policy="volatile-ttl")
    c = srv.client(decode_responses=False)
    n = 40000  # 40 MB: about half must go
    # Written with decreasing TTLs, so that evicting the oldest (LRU-like) would keep the
    # shortest TTLs: only a TTL-ordered eviction keeps the first keys.
    write_keys(c, 0, n, ttl=lambda i: 200000 - i)
    p = c.pipeline(transaction=False)
    for i in range(n):
        p.exists(f"k{i}")
    alive = p.execute()
    survivors = [i for i, a in enumerate(alive) if a]
    assert 0 < len(survivors) < n
    # Survivors are the longest TTLs, i.e. the lowest indexes: an LRU-like order would keep
    # the second half, a random one would split them evenly.
    first_half = sum(1 for i in survivors if i < n // 2) / len(survivors)
    print("volatile-ttl survivors in the longest-TTL half:", first_half)
    # Measured: 0.79 on Redoubt, 0.77 on Redis 7.0 (sampling 5 keys, as Redis).
    assert first_half >= 0.7, first_half


def lru_working_set_survival(server_factory, policy, tick):
    """Redis's LRU-approximation test in spirit: 2,000 hot keys read again and again while
    48 MB of cold keys stream through a 20 MB cache. Returns the fraction of hot keys kept.
    The LRU clock has Redis's one-second resolution, so with `tick` the writer lets it move
    every 6 MB (less than the cache holds)."""
    srv = server_factory(maxmemory="20mb", maxmemory_policy=policy)
    c = srv.client(decode_responses=False)
    hot = [f"hot:{i}" for i in range(2000)]
    p = c.pipeline(transaction=False)
    for k in hot:
        p.set(k, VALUE)
    p.execute()
    for chunk in range(24):  # 24 x 2,000 cold keys of 1000 B = 48 MB
        if tick and chunk % 3 == 0:
            time.sleep(1.05)
        p = c.pipeline(transaction=False)
        for k in hot:
            p.get(k)
        p.execute()
        write_keys(c, chunk * 2000, 2000, prefix="cold:")
    assert c.info("stats")["evicted_keys"] > 20000
    p = c.pipeline(transaction=False)
    for k in hot:
        p.exists(k)
    return sum(p.execute()) / len(hot)


def test_allkeys_lru_keeps_the_recently_read_working_set(server_factory):
    kept = lru_working_set_survival(server_factory, "allkeys-lru", tick=True)
    print("allkeys-lru: hot keys kept", kept)
    # Measured: 1.00 on Redoubt and on Redis 7.0 (allkeys-random keeps about 0.2).
    assert kept >= 0.95, kept


def test_allkeys_random_does_not_keep_the_working_set(server_factory):
    # The control for the test above: without LRU the hot keys are evicted like the others.
    kept = lru_working_set_survival(server_factory, "allkeys-random", tick=False)
    print("allkeys-random: hot keys kept", kept)
    assert kept < 0.6, kept


def test_noeviction_refuses_writes_with_the_exact_oom_text(server_factory):
    srv = server_factory(maxmemory_policy="noeviction")
    c = srv.client(decode_responses=False)
    raw = srv.raw()
    write_keys(c, 0, 5000)  # 5 MB
    limit = used(c) - 2 * 1024 * 1024
    assert c.config_set("maxmemory", limit)
    assert_error(raw.cmd("SET", "new", "x"), OOM)
    assert_error(raw.cmd("SADD", "s", "x"), OOM)
    assert raw.cmd("GET", "k1") == VALUE
    assert raw.cmd("EXISTS", "k1") == 1
    # Inside MULTI nothing is queued while over the limit, and EXEC then aborts.
    assert raw.cmd("MULTI") == "OK"
    assert_error(raw.cmd("GET", "k1"), OOM)
    assert_error(raw.cmd("EXEC"), "EXECABORT Transaction discarded because of previous errors.")
    assert c.info("stats")["evicted_keys"] == 0
    # Reads and deletes still work; once memory is back under the limit, so do writes.
    for base in range(0, 5000, 1000):
        assert raw.cmd("DEL", *[f"k{i}" for i in range(base, base + 1000)]) == 1000
    assert wait_until(lambda: used(c) < limit)
    assert raw.cmd("SET", "new", "x") == "OK"
    assert raw.cmd("GET", "new") == b"x"


def test_config_set_maxmemory_evicts_down_at_once(server_factory):
    srv = server_factory(maxmemory_policy="allkeys-random")
    c = srv.client(decode_responses=False)
    write_keys(c, 0, 30000)  # 30 MB
    assert used(c) > 25 * 1024 * 1024
    assert c.config_set("maxmemory", "10mb")
    # Redoubt evicts down within CONFIG SET; Redis 7.0 within a few event-loop turns.
    assert wait_until(lambda: used(c) <= 10 * 1024 * 1024 * 1.03, timeout=5)
    assert c.info("stats")["evicted_keys"] > 15000
    assert srv.raw().cmd("CONFIG", "GET", "maxmemory") == [b"maxmemory", b"10485760"]


def test_evictions_send_the_evicted_keyspace_event(server_factory):
    srv = server_factory(maxmemory="20mb", maxmemory_policy="allkeys-lru",
                         notify_keyspace_events="Ee")
    c = srv.client(decode_responses=False)
    sub = srv.client(decode_responses=False).pubsub()
    sub.subscribe("__keyevent@0__:evicted")
    assert sub.get_message(timeout=2)["type"] == "subscribe"
    write_keys(c, 0, 30000)
    evicted = c.info("stats")["evicted_keys"]
    assert evicted > 0
    got = []
    deadline = time.monotonic() + 10
    while len(got) < evicted and time.monotonic() < deadline:
        m = sub.get_message(timeout=1)
        if m and m["type"] == "message":
            got.append(m["data"])
    assert len(got) == evicted
    assert all(k.startswith(b"k") for k in got)
    assert c.exists(got[0]) == 0


def test_object_freq_counts_accesses_under_lfu(server_factory):
    srv = server_factory(maxmemory_policy="allkeys-lfu")
    raw = srv.raw()
    # Not integers: Redis shares small integer values between keys (and so their counter).
    raw.cmd("SET", "hot", "a")
    raw.cmd("SET", "cold", "b")
    for _ in range(2000):
        raw.send(b"GET hot\r\n")
    for _ in range(2000):
        raw.read_reply()
    assert raw.cmd("OBJECT", "FREQ", "hot") > raw.cmd("OBJECT", "FREQ", "cold") >= 0
    assert_error(raw.cmd("OBJECT", "IDLETIME", "hot"),
                 "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note "
                 "that when switching between policies at runtime LRU and LFU data will take "
                 "some time to adjust.")
    assert raw.cmd("CONFIG", "SET", "maxmemory-policy", "allkeys-lru") == "OK"
    assert raw.cmd("OBJECT", "IDLETIME", "hot") >= 0


def test_lfu_counter_on_copy_store_and_restore(server_factory):
    # As Redis: COPY makes a new object (initial counter 5), a *STORE into an existing key
    # keeps that key's counter, RESTORE FREQ sets it and IDLETIME is ignored under LFU.
    srv = server_factory(maxmemory_policy="allkeys-lfu", lfu_decay_time="0")
    c = srv.client(decode_responses=False)
    c.sadd("s1", "a", "b")
    c.restore("hot", 0, c.dump("s1"), frequency=100)
    assert c.object("freq", "hot") == 100
    assert c.copy("hot", "copy") is True
    assert c.object("freq", "copy") == 5
    c.sunionstore("hot", ["s1"])  # overwrites hot, keeps its counter (one more access at most)
    assert c.object("freq", "hot") in (100, 101)
    c.restore("idle", 0, c.dump("s1"), idletime=1000)
    assert c.object("freq", "idle") == 5


def test_memory_usage_grows_with_the_value(server):
    raw = server.raw()
    raw.cmd("SET", "small", "x")
    raw.cmd("SET", "big", "x" * 100000)
    small = raw.cmd("MEMORY", "USAGE", "small")
    big = raw.cmd("MEMORY", "USAGE", "big", "SAMPLES", "0")
    assert 0 < small < 200
    assert 100000 <= big < 140000
    assert raw.cmd("MEMORY", "USAGE", "missing") is None
    assert_error(raw.cmd("MEMORY", "USAGE", "big", "SAMPLES", "-1"), "ERR syntax error")
    assert_error(raw.cmd("MEMORY", "USAGE", "big", "SAMPLES", "x"),
                 "ERR value is not an integer or out of range")
    stats = raw.cmd("MEMORY", "STATS")
    fields = dict(zip(stats[::2], stats[1::2])) if isinstance(stats, list) else stats
    assert fields[b"keys.count"] == 2
    assert fields[b"total.allocated"] > 100000
    assert raw.cmd("MEMORY", "PURGE") == "OK"


def test_info_memory_reports_the_limit_and_policy(server_factory):
    srv = server_factory(maxmemory="512mb", maxmemory_policy="allkeys-lru")
    info = srv.client().info("memory")
    assert info["maxmemory"] == 512 * 1024 * 1024
    assert info["maxmemory_human"] == "512.00M"
    assert info["maxmemory_policy"] == "allkeys-lru"
    assert info["used_memory_peak"] >= info["used_memory"] > 0
    assert info["mem_fragmentation_ratio"] > 0
    assert "lazyfree_pending_objects" in info
    assert info["used_memory_startup"] > 0
    assert info["used_memory_overhead"] >= info["used_memory_startup"]
    assert info["used_memory_dataset"] >= 0


def _memory_usage_usec_per_call(c, *args, calls=5):
    c.config_resetstat()
    for _ in range(calls):
        c.execute_command("MEMORY", "USAGE", *args)
    return c.info("commandstats")["cmdstat_memory|usage"]["usec_per_call"]


def test_memory_usage_samples_bounds_the_cost_on_a_huge_set(server):
    # As Redis 7.0: SAMPLES (default 5) estimates an aggregate from that many elements, so a
    # read-only user cannot stall the server with MEMORY USAGE on a 1,000,000-member set.
    c = server.client()
    for start in range(0, 1_000_000, 10_000):
        c.sadd("huge", *[f"member:{i}" for i in range(start, start + 10_000)])
    assert c.scard("huge") == 1_000_000
    exact = c.execute_command("MEMORY", "USAGE", "huge", "SAMPLES", "0")
    default = c.execute_command("MEMORY", "USAGE", "huge")
    assert abs(default - exact) < exact * 0.5, (default, exact)
    sampled_us = _memory_usage_usec_per_call(c, "huge")
    full_us = _memory_usage_usec_per_call(c, "huge", "SAMPLES", "0", calls=1)
    # Redis takes ~0.6 ms; the full walk takes tens of ms. Generous margins either way.
    assert sampled_us < 5000, sampled_us
    assert sampled_us * 10 < full_us, (sampled_us, full_us)
    # Several SAMPLES options: the last one counts (Redis parses them all).
    assert c.execute_command("MEMORY", "USAGE", "huge", "SAMPLES", "1", "SAMPLES", "0") == exact
    assert_error(server.raw().cmd("MEMORY", "USAGE", "huge", "SAMPLES"), "ERR syntax error")
