"""Bitmap commands: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO — the
512 MB cap on bit offsets, Redis 7.0's range rules, BITFIELD overflow modes, and errors."""

import time

import pytest
import redis

from conftest import NOT_INT, SYNTAX, WRONGTYPE, assert_error, make_non_string_key, wrong_args

OFFSET = "ERR bit offset is not an integer or out of range"
BIT_VALUE = "ERR bit is not an integer or out of range"
BAD_TYPE = ("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not "
            "supported but i64 is.")


# ----------------------------------------------------------------------------- SETBIT / GETBIT


def test_setbit_returns_old_bit_and_grows_with_zeros(rb):
    assert rb.setbit("k", 7, 1) == 0
    assert rb.setbit("k", 7, 1) == 1
    assert rb.get("k") == b"\x01"
    assert rb.setbit("k", 100, 1) == 0
    assert rb.strlen("k") == 13
    assert rb.get("k") == b"\x01" + b"\x00" * 11 + b"\x08"
    assert rb.setbit("k", 7, 0) == 1
    assert rb.getbit("k", 7) == 0


def test_getbit_past_the_end_and_missing_key_read_zero(r):
    r.set("k", "a")  # 0x61
    assert [r.getbit("k", i) for i in range(8)] == [0, 1, 1, 0, 0, 0, 0, 1]
    assert r.getbit("k", 8) == 0
    assert r.getbit("k", 4294967295) == 0
    assert r.getbit("missing", 0) == 0
    assert r.exists("missing") == 0


def test_setbit_on_integer_encoded_string(r):
    r.set("n", "1")  # 0x31
    assert r.getbit("n", 7) == 1
    assert r.setbit("n", 6, 1) == 0
    assert r.get("n") == "3"


def test_bit_offsets_out_of_range_are_refused(raw):
    for bad in ("-1", "4294967296", "9223372036854775807", "9223372036854775808",
                "-9223372036854775808", "18446744073709551616", "1.0", "abc", "0x10", "+1"):
        assert_error(raw.cmd("SETBIT", "k", bad, "1"), OFFSET)
        assert_error(raw.cmd("GETBIT", "k", bad), OFFSET)
    assert raw.cmd("EXISTS", "k") == 0


def test_setbit_value_must_be_0_or_1(raw):
    for bad in ("2", "-1", "x", "", "9223372036854775807"):
        assert_error(raw.cmd("SETBIT", "k", "0", bad), BIT_VALUE)
    assert raw.cmd("EXISTS", "k") == 0
    # The offset is checked first.
    assert_error(raw.cmd("SETBIT", "k", "-1", "2"), OFFSET)


def test_last_bit_below_the_512mb_cap(raw):
    assert raw.cmd("SETBIT", "big", "4294967295", "1") == 0
    assert raw.cmd("STRLEN", "big") == 512 * 1024 * 1024
    assert raw.cmd("GETBIT", "big", "4294967295") == 1
    assert raw.cmd("BITCOUNT", "big") == 1
    assert raw.cmd("BITPOS", "big", "1") == 4294967295
    assert_error(raw.cmd("SETBIT", "big", "4294967296", "1"), OFFSET)
    assert raw.cmd("DEL", "big") == 1


def test_offset_cap_follows_proto_max_bulk_len(server_factory):
    c = server_factory(config={"proto-max-bulk-len": "1mb"}).raw()
    assert c.cmd("SETBIT", "k", str(8 * 1024 * 1024 - 1), "1") == 0
    assert c.cmd("STRLEN", "k") == 1024 * 1024
    assert_error(c.cmd("SETBIT", "k", str(8 * 1024 * 1024), "1"), OFFSET)
    assert_error(c.cmd("GETBIT", "k", str(8 * 1024 * 1024)), OFFSET)
    assert_error(c.cmd("BITFIELD", "k", "SET", "u8", "#1048576", "1"), OFFSET)
    assert c.cmd("STRLEN", "k") == 1024 * 1024


def test_bitmap_commands_reject_other_types(raw):
    make_non_string_key(raw, "l")
    for cmd in (("SETBIT", "l", "0", "1"), ("GETBIT", "l", "0"), ("BITCOUNT", "l"),
                ("BITCOUNT", "l", "0", "1"), ("BITPOS", "l", "1"), ("BITOP", "AND", "d", "l"),
                ("BITOP", "OR", "d", "missing", "l"), ("BITFIELD", "l", "GET", "u8", "0"),
                ("BITFIELD", "l", "INCRBY", "u8", "0", "1"),
                ("BITFIELD_RO", "l", "GET", "u8", "0")):
        assert_error(raw.cmd(*cmd), WRONGTYPE)
    assert raw.cmd("EXISTS", "d") == 0


def test_arity_errors(raw):
    for cmd in (("SETBIT", "k", "0"), ("GETBIT", "k"), ("BITCOUNT",), ("BITPOS", "k"),
                ("BITOP", "AND", "d"), ("BITFIELD",), ("BITFIELD_RO",)):
        assert_error(raw.cmd(*cmd), wrong_args(cmd[0].lower()))


# ----------------------------------------------------------------------------- BITCOUNT


def test_bitcount_whole_string_and_byte_ranges(r):
    r.set("s", "foobar")
    assert r.bitcount("s") == 26
    assert r.bitcount("s", 0, 0) == 4
    assert r.bitcount("s", 1, 1) == 6
    assert r.execute_command("BITCOUNT", "s", 1, 1, "BYTE") == 6
    assert r.bitcount("s", -2, -1) == 7
    assert r.bitcount("s", 0, 9223372036854775807) == 26
    assert r.bitcount("s", -9223372036854775808, 9223372036854775807) == 26


def test_bitcount_bit_ranges(r):
    r.set("s", "foobar")
    assert r.execute_command("BITCOUNT", "s", 5, 30, "BIT") == 17
    assert r.execute_command("BITCOUNT", "s", 5, 30, "bit") == 17
    assert r.execute_command("BITCOUNT", "s", -3, -1, "BIT") == 1
    assert r.execute_command("BITCOUNT", "s", 0, -1, "BIT") == 26
    assert r.execute_command("BITCOUNT", "s", 47, 47, "BIT") == 0
    assert r.execute_command("BITCOUNT", "s", 48, 100, "BIT") == 0


def test_bitcount_negative_ranges_follow_redis(r):
    r.set("s", "foobar")
    assert r.bitcount("s", -1, -5) == 0  # start > end, both negative
    assert r.bitcount("s", -100, -200) == 0
    assert r.bitcount("s", -200, -100) == 4  # both clamp to byte 0
    assert r.bitcount("s", 4, 2) == 0


def test_bitcount_long_value_matches_python(rb):
    value = bytes((i * 37 + 11) % 256 for i in range(5000))
    rb.set("k", value)
    expected = sum(bin(b).count("1") for b in value)
    assert rb.bitcount("k") == expected
    bits = "".join(f"{b:08b}" for b in value)
    for start, end in ((3, 39996), (1, 8), (64, 127), (7, 7), (100, 30000)):
        assert rb.execute_command("BITCOUNT", "k", start, end, "BIT") == \
            bits[start:end + 1].count("1")


def test_bitcount_errors(raw):
    raw.cmd("SET", "s", "foobar")
    assert_error(raw.cmd("BITCOUNT", "s", "0"), SYNTAX)
    assert_error(raw.cmd("BITCOUNT", "s", "0", "1", "2"), SYNTAX)
    assert_error(raw.cmd("BITCOUNT", "s", "0", "1", "BIT", "x"), SYNTAX)
    assert_error(raw.cmd("BITCOUNT", "s", "a", "1"), NOT_INT)
    assert_error(raw.cmd("BITCOUNT", "s", "0", "9223372036854775808"), NOT_INT)
    # Redis 7.0 answers 0 for a missing key before it looks at the range.
    assert raw.cmd("BITCOUNT", "missing") == 0
    assert raw.cmd("BITCOUNT", "missing", "a", "b") == 0


# ----------------------------------------------------------------------------- BITPOS


def test_bitpos_missing_key_is_all_zeros(raw):
    assert raw.cmd("BITPOS", "missing", "0") == 0
    assert raw.cmd("BITPOS", "missing", "1") == -1
    assert raw.cmd("BITPOS", "missing", "1", "junk") == -1
    assert_error(raw.cmd("BITPOS", "missing", "2"), "ERR The bit argument must be 1 or 0.")
    assert_error(raw.cmd("BITPOS", "missing", "x"), NOT_INT)


def test_bitpos_byte_ranges(rb):
    rb.set("k", b"\xff\xf0\x00")
    assert rb.bitpos("k", 0) == 12
    assert rb.bitpos("k", 1) == 0
    assert rb.bitpos("k", 1, 1) == 8
    assert rb.bitpos("k", 1, 2) == -1
    assert rb.bitpos("k", 0, 0, 0) == -1
    assert rb.bitpos("k", 1, -1) == -1
    assert rb.bitpos("k", 0, -1) == 16
    assert rb.bitpos("k", 1, -200, -100) == 0


def test_bitpos_bit_ranges(rb):
    rb.set("k", b"\xff\xf0\x00")
    assert rb.execute_command("BITPOS", "k", 1, 7, 15, "BIT") == 7
    assert rb.execute_command("BITPOS", "k", 0, 7, 15, "BIT") == 12
    assert rb.execute_command("BITPOS", "k", 0, 2, 3, "BIT") == -1
    assert rb.execute_command("BITPOS", "k", 1, 12, -1, "bit") == -1
    assert rb.execute_command("BITPOS", "k", 1, 0, 0, "BYTE") == 0


def test_bitpos_clear_bit_past_all_ones(rb):
    rb.set("ones", b"\xff\xff")
    assert rb.bitpos("ones", 0) == 16  # open-ended: the zero padding after the value
    assert rb.bitpos("ones", 0, 1) == 16
    assert rb.bitpos("ones", 0, 0, -1) == -1  # an explicit end: not found
    rb.set("e", b"")
    assert rb.bitpos("e", 0) == -1
    assert rb.bitpos("e", 1) == -1


def test_bitpos_finds_bits_deep_in_long_values(rb):
    assert rb.setbit("k", 80003, 1) == 0
    assert rb.bitpos("k", 1) == 80003
    assert rb.bitpos("k", 1, 100) == 80003
    assert rb.execute_command("BITPOS", "k", 1, 80004, -1, "BIT") == -1
    ones = bytearray(b"\xff" * 20000)
    ones[12345] = 0xFE
    rb.set("o", bytes(ones))
    assert rb.bitpos("o", 0) == 12345 * 8 + 7
    assert rb.bitpos("o", 0, 12346) == 20000 * 8


def test_bitpos_errors(raw):
    raw.cmd("SET", "k", "a")
    assert_error(raw.cmd("BITPOS", "k", "1", "0", "1", "WORD"), SYNTAX)
    assert_error(raw.cmd("BITPOS", "k", "1", "0", "1", "BIT", "x"), SYNTAX)
    assert_error(raw.cmd("BITPOS", "k", "1", "a"), NOT_INT)
    assert_error(raw.cmd("BITPOS", "k", "1", "0", "a"), NOT_INT)


# ----------------------------------------------------------------------------- BITOP


def test_bitop_and_or_xor_not(rb):
    rb.set("a", "foobar")
    rb.set("b", "abcdef")
    assert rb.bitop("AND", "d", "a", "b") == 6
    assert rb.get("d") == b"`bc`ab"
    assert rb.bitop("OR", "d", "a", "b") == 6
    assert rb.get("d") == b"goofev"
    assert rb.bitop("XOR", "d", "a", "b") == 6
    assert rb.get("d") == bytes(x ^ y for x, y in zip(b"foobar", b"abcdef"))
    rb.set("c", b"\x0f\xf0")
    assert rb.bitop("NOT", "d", "c") == 2
    assert rb.get("d") == b"\xf0\x0f"


def test_bitop_pads_shorter_and_missing_sources_with_zeros(rb):
    rb.set("a", b"\xff\xff\xff")
    rb.set("b", b"\x0f")
    assert rb.bitop("AND", "d", "a", "b") == 3
    assert rb.get("d") == b"\x0f\x00\x00"
    assert rb.bitop("OR", "d", "b", "a", "missing") == 3
    assert rb.get("d") == b"\xff\xff\xff"
    assert rb.bitop("AND", "d", "a", "missing") == 3
    assert rb.get("d") == b"\x00\x00\x00"
    assert rb.bitop("XOR", "d", "b", "a") == 3
    assert rb.get("d") == b"\xf0\xff\xff"


def test_bitop_target_may_be_a_source_and_loses_its_ttl(rb):
    rb.set("a", "foobar", ex=100)
    rb.set("c", b"\x0f\xf0")
    assert rb.bitop("OR", "a", "a", "c") == 6
    assert rb.get("a") == b"o\xffobar"
    assert rb.ttl("a") == -1


def test_bitop_empty_result_deletes_the_target(rb):
    rb.set("d", "x")
    assert rb.bitop("AND", "d", "missing", "missing2") == 0
    assert rb.exists("d") == 0
    rb.set("e", "")
    assert rb.bitop("OR", "d", "e") == 0
    assert rb.exists("d") == 0


def test_bitop_replaces_a_target_of_another_type(raw):
    make_non_string_key(raw, "d")
    raw.cmd("SET", "a", "x")
    assert raw.cmd("BITOP", "OR", "d", "a") == 1
    assert raw.cmd("GET", "d") == b"x"


def test_bitop_errors(raw):
    raw.cmd("SET", "a", "x")
    assert_error(raw.cmd("BITOP", "NOT", "d", "a", "a"),
                 "ERR BITOP NOT must be called with a single source key.")
    assert_error(raw.cmd("BITOP", "NAND", "d", "a"), SYNTAX)
    assert raw.cmd("EXISTS", "d") == 0


def test_bitop_integer_sources(rb):
    rb.set("i", 12345)
    assert rb.bitop("AND", "d", "i", "i") == 5
    assert rb.get("d") == b"12345"


# ----------------------------------------------------------------------------- BITFIELD


def test_bitfield_get_set_incrby(rb):
    res = rb.bitfield("k").set("i8", 0, -100).get("i8", 0).get("u8", 0).incrby("u4", 4, 3) \
        .execute()
    assert res == [0, -100, 156, 15]
    res = rb.execute_command("BITFIELD", "k", "SET", "i33", 5, -123456789, "GET", "i33", 5,
                             "SET", "u13", 17, 4000, "GET", "u13", 17)
    assert res == [-1073741824, -123456789, 1074, 4000]


def test_bitfield_widest_types(rb):
    res = rb.execute_command("BITFIELD", "w", "SET", "i64", 3, -9223372036854775808, "GET",
                             "i64", 3, "SET", "u63", 70, 9223372036854775807, "GET", "u63", 70,
                             "GET", "u8", 0)
    assert res == [0, -9223372036854775808, 0, 9223372036854775807, 16]


def test_bitfield_positional_offsets(rb):
    assert rb.execute_command("BITFIELD", "k", "SET", "u8", "#2", 255, "GET", "u8", 16,
                              "GET", "u4", "#5") == [0, 255, 15]
    assert rb.strlen("k") == 3


def test_bitfield_overflow_wrap_sat_fail(rb):
    assert rb.execute_command("BITFIELD", "k", "SET", "u8", 0, -1, "SET", "u8", 8, 300,
                              "SET", "i8", 16, 200) == [0, 0, 0]
    assert rb.get("k") == b"\xff\x2c\xc8"
    assert rb.execute_command("BITFIELD", "k", "OVERFLOW", "SAT", "SET", "u8", 0, -1,
                              "SET", "u8", 8, 300, "SET", "i8", 16, 200, "SET", "i8", 24,
                              -200) == [255, 44, -56, 0]
    assert rb.get("k") == b"\xff\xff\x7f\x80"
    assert rb.execute_command("BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u8", 0, 1,
                              "INCRBY", "i8", 16, 1, "INCRBY", "i8", 16, -1) == [None, None, 126]


def test_bitfield_incrby_counters_saturate(rb):
    replies = [rb.execute_command("BITFIELD", "c", "INCRBY", "u2", 100, 1, "OVERFLOW", "SAT",
                                  "INCRBY", "u2", 102, 1) for _ in range(4)]
    assert replies == [[1, 1], [2, 2], [3, 3], [0, 3]]


def test_bitfield_64_bit_edges(rb):
    assert rb.execute_command(
        "BITFIELD", "c", "INCRBY", "i64", 0, 9223372036854775807, "INCRBY", "i64", 0, 1,
        "OVERFLOW", "SAT", "INCRBY", "i64", 0, -1, "INCRBY", "i64", 0,
        -9223372036854775808) == [9223372036854775807, -9223372036854775808,
                                  -9223372036854775808, -9223372036854775808]
    assert rb.execute_command(
        "BITFIELD", "c", "OVERFLOW", "SAT", "INCRBY", "u63", 64, 9223372036854775807, "INCRBY",
        "u63", 64, 1, "OVERFLOW", "WRAP", "INCRBY", "u63", 64, 5, "INCRBY", "u63", 64,
        -9223372036854775808) == [9223372036854775807, 9223372036854775807, 4, 4]


def test_bitfield_failed_write_still_creates_the_key(rb):
    assert rb.execute_command("BITFIELD", "f", "OVERFLOW", "FAIL", "SET", "u8", 0, 999) == [None]
    assert rb.get("f") == b"\x00"


def test_bitfield_get_only_reads_missing_key_as_zeros(rb):
    assert rb.execute_command("BITFIELD", "missing", "GET", "u8", 0, "GET", "i64", 100) == [0, 0]
    assert rb.execute_command("BITFIELD", "missing") == []
    assert rb.exists("missing") == 0


def test_bitfield_types_and_offsets_are_validated(raw):
    for bad in ("u64", "i65", "i0", "u0", "u", "i", "x8", "I8", "u08", "i-1", "8"):
        assert_error(raw.cmd("BITFIELD", "k", "GET", bad, "0"), BAD_TYPE)
    for bad in ("-1", "4294967296", "#536870912", "#1152921504606846977",
                "#9223372036854775807", "#-1", "#", "##1", "#x", "9223372036854775808"):
        assert_error(raw.cmd("BITFIELD", "k", "SET", "u8", bad, "1"), OFFSET)
    assert raw.cmd("EXISTS", "k") == 0


def test_bitfield_syntax_errors_run_nothing(raw):
    assert_error(raw.cmd("BITFIELD", "k", "OVERFLOW", "BAD", "SET", "u8", "0", "1"),
                 "ERR Invalid OVERFLOW type specified")
    assert_error(raw.cmd("BITFIELD", "k", "OVERFLOW"), SYNTAX)
    assert_error(raw.cmd("BITFIELD", "k", "GET", "u8"), SYNTAX)
    assert_error(raw.cmd("BITFIELD", "k", "SET", "u8", "0"), SYNTAX)
    assert_error(raw.cmd("BITFIELD", "k", "FOO"), SYNTAX)
    assert_error(raw.cmd("BITFIELD", "k", "INCRBY", "u8", "0", "x"), NOT_INT)
    assert_error(raw.cmd("BITFIELD", "k", "SET", "u8", "0", "1", "GET", "u64", "0"), BAD_TYPE)
    assert raw.cmd("EXISTS", "k") == 0


def test_bitfield_write_near_the_cap(raw):
    assert raw.cmd("BITFIELD", "big", "SET", "i64", "4294967295", "-1") == [0]
    # The last allowed offset plus a 64-bit field reaches 8 bytes past 512 MB, as in Redis.
    assert raw.cmd("STRLEN", "big") == 512 * 1024 * 1024 + 8
    assert raw.cmd("BITFIELD_RO", "big", "GET", "i64", "4294967295") == [-1]
    assert raw.cmd("DEL", "big") == 1


# ----------------------------------------------------------------------------- BITFIELD_RO


def test_bitfield_ro_reads(rb):
    rb.set("k", b"\xab\xcd")
    assert rb.execute_command("BITFIELD_RO", "k", "GET", "u8", 0, "GET", "i16", 0,
                              "GET", "u4", "#3") == [0xAB, -21555, 0xD]
    assert rb.execute_command("BITFIELD_RO", "k", "OVERFLOW", "SAT", "GET", "u8", 8) == [0xCD]
    assert rb.execute_command("BITFIELD_RO", "missing", "GET", "u8", 0) == [0]


def test_bitfield_ro_refuses_writes(raw):
    for args in (("SET", "u8", "0", "1"), ("INCRBY", "u8", "0", "1"),
                 ("GET", "u8", "0", "SET", "u8", "0", "1")):
        assert_error(raw.cmd("BITFIELD_RO", "k", *args),
                     "ERR BITFIELD_RO only supports the GET subcommand")
    # Argument errors come first.
    assert_error(raw.cmd("BITFIELD_RO", "k", "SET", "u64", "0", "1"), BAD_TYPE)
    assert raw.cmd("EXISTS", "k") == 0


def test_bitfield_ro_is_allowed_for_a_read_only_acl_user(r):
    r.execute_command("ACL", "SETUSER", "reader", "on", ">pw", "~*", "+@read")
    r.set("k", "a")
    c = redis.Redis(host=r.connection_pool.connection_kwargs["host"],
                    port=r.connection_pool.connection_kwargs["port"],
                    username="reader", password="pw")
    assert c.execute_command("BITFIELD_RO", "k", "GET", "u8", 0) == [0x61]
    assert c.getbit("k", 1) == 1
    with pytest.raises(redis.exceptions.NoPermissionError):
        c.setbit("k", 0, 1)
    with pytest.raises(redis.exceptions.NoPermissionError):
        c.execute_command("BITFIELD", "k", "GET", "u8", 0)
    c.close()


# ----------------------------------------------------------------------------- side effects


def test_setbit_bitfield_and_bitop_notify_keyspace_events(r):
    r.config_set("notify-keyspace-events", "KEA")
    p = r.pubsub()
    p.psubscribe("__keyspace@0__:*")
    assert p.get_message(timeout=2)["type"] == "psubscribe"
    r.setbit("a", 3, 1)
    r.execute_command("BITFIELD", "a", "INCRBY", "u8", 8, 1)
    r.execute_command("BITFIELD", "a", "GET", "u8", 8)  # no event for reads
    r.bitop("NOT", "b", "a")
    r.bitop("AND", "b", "missing", "missing")
    events = []
    deadline = time.time() + 2
    while len(events) < 4 and time.time() < deadline:
        m = p.get_message(timeout=0.2)
        if m and m["type"] == "pmessage":
            events.append((m["channel"], m["data"]))
    assert events == [("__keyspace@0__:a", "setbit"), ("__keyspace@0__:a", "setbit"),
                      ("__keyspace@0__:b", "set"), ("__keyspace@0__:b", "del")]
    p.close()


def test_setbit_dirties_a_watched_key(server):
    c1, c2 = server.client(), server.client()
    c1.set("k", "a")
    p = c1.pipeline()
    p.watch("k")
    c2.setbit("k", 0, 1)
    p.multi()
    p.get("k")
    with pytest.raises(redis.exceptions.WatchError):
        p.execute()


def test_bitmaps_through_redis_cli(server):
    out = server.cli("SETBIT", "k", "9", "1")
    assert out.stdout.strip() == "(integer) 0" or out.stdout.strip() == "0"
    out = server.cli("BITCOUNT", "k")
    assert out.stdout.strip() in ("(integer) 1", "1")
    out = server.cli("BITFIELD", "k", "GET", "u16", "0")
    assert out.stdout.strip() in ("1) (integer) 64", "64")
