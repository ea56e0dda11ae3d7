"""Shared helpers for the RDB and DUMP/RESTORE tests: fill a server with every type and
encoding Redis 7.0 has for them, and take a comparable snapshot of a server's content."""
import os
import time

REDIS_SERVER = "/usr/bin/redis-server"
REDIS_CHECK_RDB = "/usr/bin/redis-check-rdb"


def have_redis():
    return os.access(REDIS_SERVER, os.X_OK)


def fill(r):
    """Every type in its small and large encodings, expiries, three databases.
    `r` is a redis-py client (decode_responses=False) on db 0."""
    long_text = b"redoubt " * 40  # compressible, 320 bytes
    rnd = bytes((i * 131 + 7) % 256 for i in range(700))  # binary, poorly compressible
    p = r.pipeline(transaction=False)
    # strings: integer encodings, embstr, raw, LZF-compressible, binary, empty
    for k, v in [(b"s:int8", b"7"), (b"s:int16", b"-1234"), (b"s:int32", b"2000000000"),
                 (b"s:int64", b"9223372036854775807"), (b"s:neg64", b"-9223372036854775808"),
                 (b"s:lead0", b"007"), (b"s:short", b"hello"), (b"s:empty", b""),
                 (b"s:long", long_text), (b"s:bin", rnd), (b"s:float", b"3.14")]:
        p.set(k, v)
    # lists: small, many elements (several quicklist nodes), big elements
    p.rpush(b"l:small", b"a", b"b", b"1", b"-2", b"300000", b"x" * 70)
    p.rpush(b"l:big", *[str(i).encode() * (i % 5 + 1) for i in range(5000)])
    p.rpush(b"l:fat", *[long_text + str(i).encode() for i in range(50)])
    # sets: intset 16/32/64-bit, intset past the limit, strings small/big
    p.sadd(b"set:i16", 1, 2, 3, -100)
    p.sadd(b"set:i32", 1, 70000, -70000)
    p.sadd(b"set:i64", 1, 2 ** 40, -(2 ** 40))
    p.sadd(b"set:ibig", *range(1000))
    p.sadd(b"set:str", b"a", b"b", b"c")
    p.sadd(b"set:strbig", *[b"m" + str(i).encode() for i in range(2000)])
    # hashes: listpack, hashtable by count, hashtable by value length, integer fields/values
    p.hset(b"h:small", mapping={b"f1": b"v1", b"f2": b"2", b"3": b"-4"})
    p.hset(b"h:big", mapping={b"f" + str(i).encode(): str(i).encode() for i in range(1000)})
    p.hset(b"h:longval", mapping={b"a": b"1", b"b": long_text})
    # sorted sets: listpack, skiplist by count and by member length, special scores
    p.zadd(b"z:small", {b"a": 1, b"b": 2.5, b"c": -3, b"d": 1e300, b"e": 0.1})
    p.zadd(b"z:inf", {b"pinf": float("inf"), b"ninf": float("-inf"), b"zero": 0})
    p.zadd(b"z:big", {b"m" + str(i).encode(): i * 1.5 for i in range(1000)})
    p.zadd(b"z:longmember", {long_text: 1, b"x": 2})
    # expiries (absolute, far away so that they do not pass during the test)
    far = int(time.time() * 1000) + 3600 * 1000
    p.set(b"e:str", b"v", px=3600 * 1000)
    p.rpush(b"e:list", b"a")
    p.pexpireat(b"e:list", far)
    p.hset(b"e:hash", b"f", b"v")
    p.pexpireat(b"e:hash", far + 12345)
    p.execute()
    for db in (1, 5):
        p = r.pipeline(transaction=False)
        p.execute_command("SELECT", db)
        p.set(b"db" + str(db).encode(), b"in db " + str(db).encode())
        p.zadd(b"zz", {b"m": db})
        p.sadd(b"set", b"x", b"y")
        p.execute_command("PEXPIREAT", b"zz", far + db)
        p.execute_command("SELECT", 0)
        p.execute()


def value_of(r, key):
    t = r.type(key)
    if t == b"string":
        return ("string", r.get(key))
    if t == b"list":
        return ("list", r.lrange(key, 0, -1))
    if t == b"set":
        return ("set", sorted(r.smembers(key)))
    if t == b"hash":
        return ("hash", sorted(r.hgetall(key).items()))
    if t == b"zset":
        return ("zset", r.zrange(key, 0, -1, withscores=True))
    raise AssertionError(f"unexpected type {t!r} for {key!r}")


def snapshot(r, databases=(0, 1, 5), encodings=True):
    """{(db, key): (type, value, pexpiretime, encoding)} for every key of `databases`."""
    out = {}
    for db in databases:
        r.execute_command("SELECT", db)
        for key in r.scan_iter(count=1000):
            enc = None
            if encodings and r.type(key) != b"string":
                enc = r.object("encoding", key)
            out[(db, key)] = value_of(r, key) + (r.execute_command("PEXPIRETIME", key), enc)
    r.execute_command("SELECT", 0)
    return out
