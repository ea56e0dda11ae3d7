"""One regression test per class of bug in Redis's security history (integer overflows and
unbounded allocations driven by client-supplied counts, offsets, lengths and patterns). Each
test ends by checking that the server is alive, still serves other clients, and that its peak
resident memory (VmHWM) grew by less than a stated bound while the hostile input ran.

The expectations hold for Redis 7.0 too, except where a test is marked redoubt_only (Redoubt
is deliberately stricter; see the README's differences table)."""

import time

import pytest

from conftest import IS_REDIS, Err, encode_command

PE = b"-ERR Protocol error: "
MB = 1024


class Bounded:
    """Records the server's peak RSS on entry; on exit asserts the server answers PING on a
    fresh connection and that the peak grew by less than `bound_kb`."""

    def __init__(self, server, bound_kb):
        self.server = server
        self.bound_kb = bound_kb

    def __enter__(self):
        self.before = self.server.peak_rss_kb()
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            return False
        assert self.server.alive(), "server died"
        assert self.server.raw().cmd("PING") in ("PONG", Err("NOAUTH Authentication required."))
        grown = self.server.peak_rss_kb() - self.before
        assert grown < self.bound_kb, f"peak RSS grew by {grown} kB (bound {self.bound_kb} kB)"
        return False


def is_error(reply, prefix=""):
    return isinstance(reply, Err) and reply.startswith(prefix)


# ------------------------------------------------------------ protocol length overflows

HOSTILE_LENGTHS = [
    ("multibulk_2^31", b"*2147483648\r\n", PE + b"invalid multibulk length\r\n"),
    ("multibulk_2^63-1", b"*9223372036854775807\r\n", PE + b"invalid multibulk length\r\n"),
    ("multibulk_2^64", b"*18446744073709551616\r\n", PE + b"invalid multibulk length\r\n"),
    ("bulk_2^31", b"*1\r\n$2147483648\r\n", PE + b"invalid bulk length\r\n"),
    ("bulk_2^63-1", b"*1\r\n$9223372036854775807\r\n", PE + b"invalid bulk length\r\n"),
    ("bulk_negative", b"*1\r\n$-2\r\n", PE + b"invalid bulk length\r\n"),
    ("bulk_not_a_number", b"*1\r\n$12x\r\n", PE + b"invalid bulk length\r\n"),
]


@pytest.mark.parametrize("authenticated", [False, True], ids=["before_auth", "after_auth"])
@pytest.mark.parametrize("name,data,reply", HOSTILE_LENGTHS, ids=[c[0] for c in HOSTILE_LENGTHS])
def test_length_overflow_in_multibulk_and_bulk_headers(server_factory, authenticated, name,
                                                       data, reply):
    srv = server_factory(requirepass="pw")
    with Bounded(srv, 16 * MB):
        c = srv.raw()
        if authenticated:
            assert c.cmd("AUTH", "pw") == "OK"
        c.send(data)
        # The length is checked before the unauthenticated limits, so the reply is the same
        # before and after AUTH.
        assert c.read_raw(len(reply), timeout=5) == reply
        assert c.is_closed(timeout=5)


def test_many_clients_claiming_huge_lengths_allocate_nothing(server):
    with Bounded(server, 32 * MB):
        held = []
        for _ in range(50):
            c = server.raw()
            c.send(b"*1024\r\n$536870912\r\nab")  # claims 1024 args of 512 MB, sends 2 bytes
            held.append(c)
        time.sleep(0.3)
        assert server.raw().cmd("PING") == "PONG"
        for c in held:
            assert not c.is_closed(timeout=0.05)


# ------------------------------------------------------------ deeply nested aggregates


@pytest.mark.parametrize("resp3", [False, True], ids=["resp2", "resp3"])
def test_deeply_nested_aggregates_in_a_request(server, resp3):
    """Requests are arrays of bulk strings: a nested aggregate is a protocol error at its
    first byte, whatever depth the client claims, and nothing is kept for it."""
    with Bounded(server, 16 * MB):
        c = server.raw()
        if resp3:
            assert isinstance(c.cmd("HELLO", "3"), dict)
        c.send(b"*1\r\n" * 100000)
        assert c.read_raw(timeout=5).startswith(PE + b"expected '$', got '*'")
        assert c.is_closed(timeout=5)
        for opener in (b"%1\r\n", b"~1\r\n", b">1\r\n"):
            c = server.raw()
            c.send(b"*1\r\n" + opener * 1000)
            assert c.read_raw(timeout=5).startswith(PE + b"expected '$', got '"), opener
            assert c.is_closed(timeout=5)


# ------------------------------------------------------------ string and bit offsets

OFFSET_CASES = [
    (("SETRANGE", "k", "4294967295", "x"),
     "ERR string exceeds maximum allowed size (proto-max-bulk-len)"),
    (("SETRANGE", "k", "9223372036854775807", "x"),
     "ERR string exceeds maximum allowed size (proto-max-bulk-len)"),
    (("SETRANGE", "k", "-1", "x"), "ERR offset is out of range"),
    (("SETRANGE", "k", "-9223372036854775808", "x"), "ERR offset is out of range"),
    (("SETBIT", "k", "4294967296", "1"), "ERR bit offset is not an integer or out of range"),
    (("SETBIT", "k", "9223372036854775807", "1"),
     "ERR bit offset is not an integer or out of range"),
    (("SETBIT", "k", "-1", "1"), "ERR bit offset is not an integer or out of range"),
    (("GETBIT", "k", "18446744073709551616"), "ERR bit offset is not an integer or out of range"),
    (("BITFIELD", "k", "SET", "u8", "4294967296", "1"),
     "ERR bit offset is not an integer or out of range"),
    (("BITFIELD", "k", "SET", "u8", "#536870912", "1"),
     "ERR bit offset is not an integer or out of range"),
    (("BITFIELD", "k", "GET", "u8", "9223372036854775807"),
     "ERR bit offset is not an integer or out of range"),
    (("BITFIELD", "k", "INCRBY", "u8", "#9223372036854775807", "1"),
     "ERR bit offset is not an integer or out of range"),
    (("BITFIELD_RO", "k", "GET", "i64", "-1"), "ERR bit offset is not an integer or out of range"),
]


@pytest.mark.parametrize("cmd,error", OFFSET_CASES, ids=[" ".join(c[0]) for c in OFFSET_CASES])
def test_offsets_near_2_32_and_2_63(server, cmd, error):
    with Bounded(server, 16 * MB):
        c = server.raw()
        c.cmd("SET", "k", "abc")
        assert c.cmd(*cmd) == Err(error)
        assert c.cmd("GET", "k") == b"abc"


def test_append_and_setrange_past_proto_max_bulk_len(server_factory):
    srv = server_factory(proto_max_bulk_len="1mb")
    with Bounded(srv, 16 * MB):
        c = srv.raw()
        c.cmd("SET", "k", "x" * 1000)
        big = "y" * (1024 * 1024 - 1000)
        assert c.cmd("APPEND", "k", big) == 1024 * 1024
        assert c.cmd("APPEND", "k", "z") == Err(
            "ERR string exceeds maximum allowed size (proto-max-bulk-len)")
        assert c.cmd("SETRANGE", "k", str(1024 * 1024), "z") == Err(
            "ERR string exceeds maximum allowed size (proto-max-bulk-len)")
        assert c.cmd("STRLEN", "k") == 1024 * 1024
        # SETBIT's limit follows proto-max-bulk-len too: the last bit of 1 MB is the last one
        assert c.cmd("SETBIT", "b", str(8 * 1024 * 1024 - 1), "1") == 0
        assert c.cmd("SETBIT", "b", str(8 * 1024 * 1024), "1") == Err(
            "ERR bit offset is not an integer or out of range")


def test_getrange_with_extreme_ends_returns_within_the_string(server):
    with Bounded(server, 16 * MB):
        c = server.raw()
        c.cmd("SET", "k", "hello")
        assert c.cmd("GETRANGE", "k", "0", "9223372036854775807") == b"hello"
        assert c.cmd("GETRANGE", "k", "-9223372036854775808", "9223372036854775807") == b"hello"
        assert c.cmd("GETRANGE", "k", "9223372036854775807", "-9223372036854775808") == b""


# ------------------------------------------------------------ random-member counts

RANDOM_COMMANDS = [
    ("SRANDMEMBER", ("SADD", "key", "a", "b", "c"), ()),
    ("HRANDFIELD", ("HSET", "key", "a", "1", "b", "2"), ("WITHVALUES",)),
    ("ZRANDMEMBER", ("ZADD", "key", "1", "a", "2", "b"), ("WITHSCORES",)),
]


@pytest.mark.parametrize("cmd,fill,opt", RANDOM_COMMANDS, ids=[c[0] for c in RANDOM_COMMANDS])
def test_random_member_counts_long_min_and_long_max(server, cmd, fill, opt):
    with Bounded(server, 16 * MB):
        c = server.raw()
        c.cmd(*fill)
        for extra in ((), opt):
            assert is_error(c.cmd(cmd, "key", "-9223372036854775808", *extra),
                            "ERR value is out of range")
            # With values the reply holds two entries per member: LONG_MAX is refused, half of
            # it is the whole collection.
            if extra:
                assert is_error(c.cmd(cmd, "key", "9223372036854775807", *extra),
                                "ERR value is out of range")
            whole = c.cmd(cmd, "key", "4611686018427387903", *extra)
            assert isinstance(whole, list) and 0 < len(whole) <= 6


@pytest.mark.redoubt_only
@pytest.mark.parametrize("cmd,fill,opt", RANDOM_COMMANDS, ids=[c[0] for c in RANDOM_COMMANDS])
def test_random_member_huge_negative_counts_are_refused(server, cmd, fill, opt):
    """Redis 7.0 tries to produce 2^40 (or 2^62) replies here and runs out of memory; Redoubt
    refuses counts whose reply could not fit in memory."""
    with Bounded(server, 16 * MB):
        c = server.raw()
        c.cmd(*fill)
        for count in ("-1099511627776", "-4611686018427387904"):
            for extra in ((), opt):
                reply = c.cmd(cmd, "key", count, *extra)
                # (with values, -2^62 already overflows the reply length: Redis's range error)
                assert is_error(reply, "ERR count is too large for a reply") or (
                    extra and count.startswith("-46") and is_error(reply, "ERR value is out of range"))
        assert len(c.cmd(cmd, "key", "-1000")) == 1000


# ------------------------------------------------------------ exponential glob patterns

EVIL_PATTERN = "*a" * 30 + "*b"  # backtracks exponentially in a naive matcher
EVIL_SUBJECT = "a" * 120


def test_exponential_glob_in_keys_and_scan_match(server):
    with Bounded(server, 16 * MB):
        c = server.raw(timeout=10)
        c.cmd("SET", EVIL_SUBJECT, "v")
        assert c.cmd("KEYS", EVIL_PATTERN) == []
        cursor, found = c.cmd("SCAN", "0", "MATCH", EVIL_PATTERN, "COUNT", "1000")
        assert found == []
        c.cmd("HSET", "h", EVIL_SUBJECT, "1")
        assert c.cmd("HSCAN", "h", "0", "MATCH", EVIL_PATTERN)[1] == []
        c.cmd("SADD", "s", EVIL_SUBJECT)
        assert c.cmd("SSCAN", "s", "0", "MATCH", EVIL_PATTERN)[1] == []
        c.cmd("ZADD", "z", "1", EVIL_SUBJECT)
        assert c.cmd("ZSCAN", "z", "0", "MATCH", EVIL_PATTERN)[1] == []


def test_exponential_glob_in_psubscribe(server):
    with Bounded(server, 16 * MB):
        sub = server.raw(timeout=10)
        assert sub.cmd("PSUBSCRIBE", EVIL_PATTERN)[0] == b"psubscribe"
        pub = server.raw(timeout=10)
        assert pub.cmd("PUBLISH", EVIL_SUBJECT, "m") == 0
        assert pub.cmd("PUBSUB", "NUMPAT") == 1


def test_exponential_glob_in_acl_key_and_channel_patterns(server):
    with Bounded(server, 16 * MB):
        admin = server.raw(timeout=10)
        assert admin.cmd("ACL", "SETUSER", "evil", "on", ">pw", "~" + EVIL_PATTERN,
                         "&" + EVIL_PATTERN, "+@all") == "OK"
        c = server.raw(timeout=10)
        assert c.cmd("AUTH", "evil", "pw") == "OK"
        assert is_error(c.cmd("GET", EVIL_SUBJECT), "NOPERM")
        assert is_error(c.cmd("PUBLISH", EVIL_SUBJECT, "m"), "NOPERM")
        assert c.cmd("GET", "a" * 30 + "b") is None  # the pattern still matches what it should


# ------------------------------------------------------------ duplicate keys, inf and NaN


def test_msetnx_with_the_same_key_twice(server):
    with Bounded(server, 16 * MB):
        c = server.raw()
        assert c.cmd("MSETNX", "k", "v1", "k", "v2") == 1
        assert c.cmd("GET", "k") == b"v2"
        assert c.cmd("MSETNX", "k", "v3", "other", "x") == 0
        assert c.cmd("EXISTS", "other") == 0
        assert c.cmd("MSET", "d", "1", "d", "2") == "OK"
        assert c.cmd("GET", "d") == b"2"


def test_incrbyfloat_to_infinity_or_nan(server):
    with Bounded(server, 16 * MB):
        c = server.raw()
        c.cmd("SET", "f", "1")
        assert c.cmd("INCRBYFLOAT", "f", "inf") == Err("ERR increment would produce NaN or Infinity")
        assert c.cmd("INCRBYFLOAT", "f", "nan") == Err("ERR value is not a valid float")
        assert c.cmd("GET", "f") == b"1"
        c.cmd("SET", "big", "1e4932")
        assert is_error(c.cmd("INCRBYFLOAT", "big", "1e4932"))
        c.cmd("HSET", "h", "x", "1")
        assert c.cmd("HINCRBYFLOAT", "h", "x", "inf") == Err("ERR value is NaN or Infinity")
        assert is_error(c.cmd("HINCRBYFLOAT", "h", "x", "nan"))
        assert c.cmd("HGET", "h", "x") == b"1"
        c.cmd("ZADD", "z", "1", "m")
        assert is_error(c.cmd("ZINCRBY", "z", "nan", "m"))
        assert c.cmd("ZADD", "z", "inf", "m") == 0
        assert is_error(c.cmd("ZINCRBY", "z", "-inf", "m"),
                        "ERR resulting score is not a number (NaN)")


# ------------------------------------------------------------ COMMAND GETKEYS

GETKEYS_MALFORMED = [
    ("ZUNIONSTORE", "dst", "-1", "a"),
    ("ZUNIONSTORE", "dst", "99999", "a"),
    ("ZUNIONSTORE", "dst", "9223372036854775807", "a"),
    ("ZINTER", "-9223372036854775808", "a"),
    ("LMPOP", "-1", "a", "LEFT"),
    ("LMPOP", "0", "a", "LEFT"),
    ("ZMPOP", "5", "a", "MIN"),
    ("BLMPOP", "0", "2147483648", "a", "LEFT"),
    ("SINTERCARD", "0", "a"),
]


@pytest.mark.parametrize("args", GETKEYS_MALFORMED, ids=[" ".join(a) for a in GETKEYS_MALFORMED])
def test_command_getkeys_on_malformed_key_counts(server, args):
    with Bounded(server, 16 * MB):
        c = server.raw()
        reply = c.cmd("COMMAND", "GETKEYS", *args)
        assert is_error(reply, "ERR"), reply


def test_command_getkeys_arity_and_unknown(server):
    with Bounded(server, 16 * MB):
        c = server.raw()
        assert c.cmd("COMMAND", "GETKEYS", "nosuch", "a") == Err("ERR Invalid command specified")
        assert is_error(c.cmd("COMMAND", "GETKEYS", "GET"))
        assert c.cmd("COMMAND", "GETKEYS", "GET", "k") == [b"k"]
        assert c.cmd("COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2") == [b"a", b"b"]


# ------------------------------------------------------------ slow and idle clients


def test_slow_loris_clients_do_not_block_others(server):
    """Fifty clients each dribbling a command one byte at a time: the others are served
    between their bytes, and every slow command completes."""
    with Bounded(server, 16 * MB):
        slow = [server.raw() for _ in range(50)]
        payload = encode_command("SET", "slow", "x" * 20)
        fast = server.raw()
        for i, byte in enumerate(payload):
            for s in slow:
                s.send(bytes([byte]))
            if i % 8 == 0:
                assert fast.cmd("PING") == "PONG"
        for s in slow:
            assert s.read_raw(5, timeout=5) == b"+OK\r\n"


def test_idle_slow_loris_is_closed_by_timeout(server_factory):
    srv = server_factory(timeout="1")
    c = srv.raw()
    c.send(b"*2\r\n$4\r\nECHO\r\n$10\r\nab")  # starts a command and never finishes it
    assert c.is_closed(timeout=5)
    assert srv.raw().cmd("PING") == "PONG"


def test_unauthenticated_clients_hold_bounded_memory(server_factory):
    """Before AUTH, requests are limited in size (10 args, 16 KB bulks), so 200 clients each
    sitting on the largest partial request they may send hold little memory. (Redoubt goes
    further and closes an unauthenticated client holding more than 8 KB: see
    test_auth_defences.py; Redis keeps them open.)"""
    srv = server_factory(requirepass="pw")
    with Bounded(srv, 32 * MB):
        held = []
        for _ in range(200):
            c = srv.raw()
            c.send(b"*2\r\n$4\r\nAUTH\r\n$16384\r\n" + b"p" * 16000)
            held.append(c)
        time.sleep(0.3)
        for c in held[:10]:
            assert c.is_closed(timeout=0.05) != IS_REDIS
