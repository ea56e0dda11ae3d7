"""SCAN: cursor protocol, MATCH/COUNT/TYPE, errors, and the SCAN guarantee while the table
grows and shrinks during the iteration."""

import random
import time

from conftest import NOT_INT, SYNTAX, assert_error, make_non_string_key


def load(raw, keys, value=b"v"):
    keys = list(keys)
    for i in range(0, len(keys), 500):
        args = []
        for k in keys[i:i + 500]:
            args += [k, value]
        assert raw.cmd("MSET", *args) == "OK"


def full_scan(raw, *opts):
    cursor, seen, rounds = b"0", [], 0
    while True:
        reply = raw.cmd("SCAN", cursor, *opts)
        cursor, batch = reply
        seen += batch
        rounds += 1
        if cursor == b"0":
            return seen, rounds


def test_scan_reply_shape(raw):
    reply = raw.cmd("SCAN", "0")
    assert reply == [b"0", []]
    raw.cmd("SET", "a", "1")
    cursor, keys = raw.cmd("SCAN", "0")
    assert cursor == b"0" and keys == [b"a"]


def test_scan_returns_every_key(raw):
    keys = [f"key:{i}" for i in range(3000)]
    load(raw, keys)
    seen, rounds = full_scan(raw, "COUNT", "100")
    assert set(k.decode() for k in seen) == set(keys)
    assert rounds > 1


def test_scan_match(raw):
    load(raw, [f"user:{i}" for i in range(200)] + [f"item:{i}" for i in range(200)])
    seen, _ = full_scan(raw, "MATCH", "user:1*", "COUNT", "50")
    expected = {f"user:{i}" for i in range(200) if str(i).startswith("1")}
    assert set(k.decode() for k in seen) == expected


def test_scan_type(raw):
    load(raw, [f"s:{i}" for i in range(50)])
    seen, _ = full_scan(raw, "TYPE", "string")
    assert len(set(seen)) == 50
    seen, _ = full_scan(raw, "TYPE", "list")
    assert seen == []
    make_non_string_key(raw, "other")
    kind = raw.cmd("TYPE", "other")
    seen, _ = full_scan(raw, "TYPE", str(kind))
    assert seen == [b"other"]
    # TYPE is case-insensitive
    seen, _ = full_scan(raw, "TYPE", "STRING")
    assert len(set(seen)) == 50


def test_scan_count_is_a_hint(raw):
    load(raw, [f"k:{i}" for i in range(1000)])
    seen, rounds = full_scan(raw, "COUNT", "1000000")
    assert len(set(seen)) == 1000
    assert rounds <= 2


def test_scan_errors(raw):
    assert_error(raw.cmd("SCAN", "abc"), "ERR invalid cursor")
    assert_error(raw.cmd("SCAN", "18446744073709551616"), "ERR invalid cursor")
    assert_error(raw.cmd("SCAN", "0", "COUNT", "0"), SYNTAX)
    assert_error(raw.cmd("SCAN", "0", "COUNT", "-1"), SYNTAX)
    assert_error(raw.cmd("SCAN", "0", "COUNT", "abc"), NOT_INT)
    assert_error(raw.cmd("SCAN", "0", "MATCH"), SYNTAX)
    assert_error(raw.cmd("SCAN", "0", "FOO", "bar"), SYNTAX)


def test_scan_skips_expired_keys(raw):
    raw.cmd("SET", "live", "1")
    raw.cmd("SET", "dead", "1", "PX", "1")
    time.sleep(0.05)
    seen, _ = full_scan(raw)
    assert seen == [b"live"]


def test_scan_guarantee_while_keys_are_added_and_deleted(server):
    """Every key present for the whole iteration is returned at least once, while the
    table grows (keys added) and shrinks (keys deleted) under the cursor."""
    raw = server.raw(timeout=30)
    writer = server.raw(timeout=30)
    stable = [f"stable:{i}" for i in range(5000)]
    doomed = [f"doomed:{i}" for i in range(20000)]
    load(raw, stable)
    load(raw, doomed)
    rng = random.Random(1234)
    rng.shuffle(doomed)
    added = 0
    cursor, seen, rounds = b"0", set(), 0
    while True:
        cursor, batch = raw.cmd("SCAN", cursor, "COUNT", "50")
        seen.update(batch)
        rounds += 1
        # alternate phases: grow hard, then shrink hard, to force rehashing both ways
        if (rounds // 40) % 2 == 0:
            load(writer, [f"new:{added + j}" for j in range(400)])
            added += 400
        else:
            chunk, doomed = doomed[:800], doomed[800:]
            if chunk:
                assert writer.cmd("DEL", *chunk) == len(chunk)
        if rounds % 60 == 0 and added:
            dels = [f"new:{j}" for j in range(max(0, added - 3000), added)]
            writer.cmd("UNLINK", *dels)
        if cursor == b"0":
            break
        assert rounds < 100000
    missing = [k for k in stable if k.encode() not in seen]
    assert not missing, f"{len(missing)} stable keys never returned, e.g. {missing[:5]}"
    assert rounds > 10
    # the iteration really ran while the table grew and shrank
    assert added >= 4000 and len(doomed) < 20000 - 4000, (added, len(doomed), rounds)


def test_scan_through_redis_py_scan_iter(r):
    r.mset({f"a:{i}": i for i in range(500)})
    assert len(set(r.scan_iter(match="a:*", count=37))) == 500
