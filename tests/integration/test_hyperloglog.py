"""HyperLogLog: PFADD, PFCOUNT (one and many keys), PFMERGE, PFDEBUG, PFSELFTEST with Redis
7.0's sparse and dense strings byte for byte (compared with redis-server), promotion by
hll-sparse-max-bytes, DUMP and RDB interop both ways, and corrupted values written with
SETRANGE refused (one test per known Redis CVE shape)."""

import os
import struct

import pytest

from conftest import REDIS_REFERENCE, SERVER_BIN, WRONGTYPE, assert_error

NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value."
CORRUPT = "INVALIDOBJ Corrupted HLL object detected"
needs_redis = pytest.mark.skipif(not os.path.exists(REDIS_REFERENCE),
                                 reason="no /usr/bin/redis-server")
IS_REDOUBT = "redoubt" in os.path.basename(SERVER_BIN)


def header(encoding, card=0, valid=True):
    c = struct.pack("<Q", card)
    if not valid:
        c = c[:7] + bytes([c[7] | 0x80])
    return b"HYLL" + bytes([encoding, 0, 0, 0]) + c


def test_pfadd_pfcount_basics(raw):
    assert raw.cmd("PFADD", "h", "a", "b", "c") == 1
    assert raw.cmd("PFADD", "h", "a") == 0
    assert raw.cmd("PFCOUNT", "h") == 3
    assert raw.cmd("PFADD", "empty") == 1
    assert raw.cmd("PFADD", "empty") == 0
    assert raw.cmd("PFCOUNT", "empty") == 0
    assert raw.cmd("PFCOUNT", "missing") == 0
    assert raw.cmd("GET", "empty") == header(1) + b"\x7f\xff"
    assert raw.cmd("PFDEBUG", "ENCODING", "h") == "sparse"


def test_cardinality_error_is_small(r):
    for start in range(0, 100000, 10000):
        r.pfadd("big", *[f"e{i}" for i in range(start, start + 10000)])
    n = r.pfcount("big")
    assert abs(n - 100000) / 100000 < 0.02
    assert r.execute_command("PFDEBUG", "ENCODING", "big") == "dense"


def test_pfcount_many_keys_and_pfmerge(r):
    r.pfadd("a", *range(0, 1000))
    r.pfadd("b", *range(500, 1500))
    union = r.pfcount("a", "b")
    assert abs(union - 1500) < 30
    assert r.pfmerge("dst", "a", "b") is True
    assert r.pfcount("dst") == union
    assert r.pfcount("a", "missing") == r.pfcount("a")
    assert r.pfmerge("dst2", "missing") is True
    assert r.pfcount("dst2") == 0


def test_type_and_header_checks(raw):
    raw.cmd("RPUSH", "l", "x")
    assert_error(raw.cmd("PFADD", "l", "x"), WRONGTYPE)
    assert_error(raw.cmd("PFCOUNT", "l"), WRONGTYPE)
    raw.cmd("SET", "s", "hello")
    for cmd in (("PFADD", "s", "x"), ("PFCOUNT", "s"), ("PFCOUNT", "s", "s"),
                ("PFMERGE", "d", "s"), ("PFDEBUG", "GETREG", "s")):
        assert_error(raw.cmd(*cmd), NOT_HLL)
    raw.cmd("PFADD", "h", "a")
    raw.cmd("SETRANGE", "h", 0, "X")  # broken magic
    assert_error(raw.cmd("PFCOUNT", "h"), NOT_HLL)
    raw.cmd("PFADD", "h2", "a")
    raw.cmd("SETRANGE", "h2", 4, "\x02")  # invalid encoding
    assert_error(raw.cmd("PFADD", "h2", "b"), NOT_HLL)
    raw.cmd("PFADD", "h3", "a")
    raw.cmd("PFDEBUG", "TODENSE", "h3")
    raw.cmd("APPEND", "h3", "x")  # dense of the wrong length
    assert_error(raw.cmd("PFCOUNT", "h3"), NOT_HLL)


def test_pfdebug(raw):
    raw.cmd("PFADD", "h", "a", "b")
    decoded = raw.cmd("PFDEBUG", "DECODE", "h")
    assert decoded.count(b"v:") == 2 and decoded.startswith(b"Z:")
    regs = raw.cmd("PFDEBUG", "GETREG", "h")
    assert len(regs) == 16384 and sum(1 for v in regs if v) == 2
    assert raw.cmd("PFDEBUG", "ENCODING", "h") == "dense"  # GETREG converts
    assert raw.cmd("PFDEBUG", "TODENSE", "h") == 0
    assert_error(raw.cmd("PFDEBUG", "DECODE", "h"), "ERR HLL encoding is not sparse")
    assert_error(raw.cmd("PFDEBUG", "NOPE", "h"), "ERR Unknown PFDEBUG subcommand 'NOPE'")
    assert_error(raw.cmd("PFDEBUG", "GETREG", "missing"), "ERR The specified key does not exist")
    assert raw.cmd("PFSELFTEST") == "OK"


def test_cache_is_written_by_pfcount_and_invalidated_by_pfadd(raw):
    raw.cmd("PFADD", "h", "a", "b", "c")
    assert raw.cmd("GETRANGE", "h", 15, 15) == b"\x80"  # cache invalid
    assert raw.cmd("PFCOUNT", "h") == 3
    assert raw.cmd("GETRANGE", "h", 8, 15) == struct.pack("<Q", 3)
    raw.cmd("PFADD", "h", "d")
    assert raw.cmd("GETRANGE", "h", 15, 15) == b"\x80"


# --- byte-for-byte equality and interop with Redis 7.0 -------------------------------------


@needs_redis
@pytest.mark.parametrize("max_bytes", [3000, 200, 0, 10000])
def test_same_bytes_as_redis(server, server_factory, max_bytes):
    ours = server.raw()
    theirs = server_factory(binary=REDIS_REFERENCE).raw()
    for conn in (ours, theirs):
        conn.cmd("CONFIG", "SET", "hll-sparse-max-bytes", max_bytes)
    for step in (1, 5, 20, 100, 500, 2000, 8000):
        batch = [f"x{step}:{i}" for i in range(step)]
        for conn in (ours, theirs):
            conn.cmd("PFADD", "h", *batch)
            conn.cmd("PFADD", f"h{step}", *batch)
        assert ours.cmd("GET", "h") == theirs.cmd("GET", "h"), step
        assert ours.cmd("PFCOUNT", "h") == theirs.cmd("PFCOUNT", "h"), step
        assert ours.cmd("GET", "h") == theirs.cmd("GET", "h"), step
    keys = [f"h{s}" for s in (1, 5, 20, 100, 500, 2000, 8000)]
    assert ours.cmd("PFCOUNT", *keys) == theirs.cmd("PFCOUNT", *keys)
    for conn in (ours, theirs):
        conn.cmd("PFMERGE", "m", "h5", "h20", "h100")
        conn.cmd("PFMERGE", "md", "h5", "h8000")
    assert ours.cmd("GET", "m") == theirs.cmd("GET", "m")
    assert ours.cmd("GET", "md") == theirs.cmd("GET", "md")
    assert ours.cmd("PFDEBUG", "DECODE", "h5") == theirs.cmd("PFDEBUG", "DECODE", "h5")


@needs_redis
@pytest.mark.redoubt_only
def test_dump_restore_both_ways(server, server_factory):
    ours = server.raw()
    theirs = server_factory(binary=REDIS_REFERENCE).raw()
    theirs.cmd("PFADD", "sparse", *range(100))
    theirs.cmd("PFADD", "dense", *range(5000))
    for key in ("sparse", "dense"):
        payload = theirs.cmd("DUMP", key)
        assert ours.cmd("RESTORE", key, 0, payload) == "OK"
        assert ours.cmd("PFCOUNT", key) == theirs.cmd("PFCOUNT", key)
        ours.cmd("PFADD", key, "more", "elements")
        back = ours.cmd("DUMP", key)
        assert theirs.cmd("RESTORE", key + ":back", 0, back) == "OK"
        assert theirs.cmd("PFCOUNT", key + ":back") == ours.cmd("PFCOUNT", key)
        assert theirs.cmd("GET", key + ":back") == ours.cmd("GET", key)


@needs_redis
@pytest.mark.redoubt_only
def test_rdb_both_ways(server_factory, tmp_path):
    d = tmp_path / "data"
    d.mkdir(mode=0o700)
    ref = server_factory(binary=REDIS_REFERENCE, dir=str(d))
    rc = ref.raw()
    rc.cmd("PFADD", "sparse", *range(50))
    rc.cmd("PFADD", "dense", *range(3000))
    expected = {k: rc.cmd("GET", k) for k in ("sparse", "dense")}
    rc.cmd("SAVE")
    ref.stop()
    ours = server_factory(dir=str(d))
    oc = ours.raw()
    assert {k: oc.cmd("GET", k) for k in expected} == expected
    oc.cmd("PFADD", "sparse", "x")
    oc.cmd("PFADD", "dense", "y")
    expected = {k: oc.cmd("GET", k) for k in ("sparse", "dense")}
    counts = {k: oc.cmd("PFCOUNT", k) for k in expected}
    oc.cmd("SAVE")
    ours.stop()
    ref2 = server_factory(binary=REDIS_REFERENCE, dir=str(d)).raw()
    assert {k: ref2.cmd("PFCOUNT", k) for k in expected} == counts


# --- corrupted values: one test per known Redis CVE shape -------------------------------------


def assert_refused_everywhere(raw, key):
    for cmd in (("PFADD", key, "a", "b", "c", "d"), ("PFCOUNT", key), ("PFCOUNT", key, key),
                ("PFMERGE", "dst", key), ("PFMERGE", key, key), ("PFDEBUG", "GETREG", key),
                ("PFDEBUG", "TODENSE", key)):
        reply = raw.cmd(*cmd)
        assert str(reply).startswith(("INVALIDOBJ", "WRONGTYPE")), (cmd, reply)
    assert raw.cmd("PING") == "PONG"


@pytest.mark.redoubt_only
def test_cve_2019_10192_sparse_runs_past_the_registers(raw):
    """VAL runs covering more than 16384 registers (hllSparseToDense wrote past the dense
    buffer)."""
    raw.cmd("SET", "h", header(1, valid=False) + b"\x7f\xff" + b"\xff" * 1000)
    assert_refused_everywhere(raw, "h")


@pytest.mark.redoubt_only
def test_cve_2019_10193_merge_overflows_the_max_array(raw):
    """A sparse value whose opcodes sum past 16384 registers, merged (hllMerge's stack array)."""
    raw.cmd("SET", "h", header(1, valid=False) + b"\x7f\xff" * 3 + b"\x83" * 50)
    assert_refused_everywhere(raw, "h")


@pytest.mark.redoubt_only
def test_cve_2025_32023_xzero_runs_wrap_the_index(raw):
    """So many XZERO opcodes that a 32-bit register index wraps negative, then a VAL write."""
    raw.cmd("SET", "h", header(1, valid=False) + b"\x7f\xff" * 140000 + b"\x80")
    assert_refused_everywhere(raw, "h")


def test_sparse_with_additional_bytes_at_the_tail(raw):
    """Redis's own test: a valid sparse HLL with bytes appended is detected."""
    raw.cmd("PFADD", "h", "a", "b", "c")
    raw.cmd("APPEND", "h", "hello")
    assert_error(raw.cmd("PFCOUNT", "h"), CORRUPT)


@pytest.mark.redoubt_only
def test_sparse_truncated_and_short_of_registers(raw):
    raw.cmd("SET", "h", header(1) + b"\x7f")  # XZERO cut in half
    assert_refused_everywhere(raw, "h")
    raw.cmd("SET", "h", header(1) + b"\x7f\xfe")  # 16383 registers only
    assert_refused_everywhere(raw, "h")
    raw.cmd("SET", "h", header(1))  # no opcodes at all
    assert_refused_everywhere(raw, "h")


@pytest.mark.redoubt_only
def test_random_setrange_fuzz_never_crashes(raw):
    import random
    rng = random.Random(1)
    for i in range(200):
        raw.cmd("DEL", "h")
        raw.cmd("PFADD", "h", *[f"e{j}" for j in range(rng.choice((3, 50, 300)))])
        if rng.random() < 0.3:
            raw.cmd("PFDEBUG", "TODENSE", "h")
        n = raw.cmd("STRLEN", "h")
        for _ in range(rng.randint(1, 4)):
            raw.cmd("SETRANGE", "h", rng.randrange(16, n), bytes([rng.randrange(256)]))
        for cmd in (("PFADD", "h", f"z{i}"), ("PFCOUNT", "h"), ("PFCOUNT", "h", "h"),
                    ("PFMERGE", "d", "h")):
            reply = raw.cmd(*cmd)
            assert isinstance(reply, int) or str(reply).startswith(("OK", "INVALIDOBJ")), reply
    assert raw.cmd("PING") == "PONG"
