"""String commands: SET and its options, GET*, SET* variants, M*, INCR family, ranges."""

import time

import pytest

from conftest import (NOT_INT, SYNTAX, WRONGTYPE, Err, Status, assert_error,
                      make_non_string_key, wrong_args)

INVALID_EXPIRE = "ERR invalid expire time in '{}' command"


# ----------------------------------------------------------------------------- SET


def test_set_and_get_round_trip_binary_safe(raw):
    value = bytes(range(256)) + b"\r\n\x00end"
    assert raw.cmd("SET", "k", value) == "OK"
    assert isinstance(raw.cmd("SET", "k", value), Status)
    assert raw.cmd("GET", "k") == value
    assert raw.cmd("GET", "missing") is None


def test_set_empty_value_and_empty_key(raw):
    assert raw.cmd("SET", "", "") == "OK"
    assert raw.cmd("GET", "") == b""
    assert raw.cmd("EXISTS", "") == 1


def test_set_nx_only_when_missing(raw):
    assert raw.cmd("SET", "k", "1", "NX") == "OK"
    assert raw.cmd("SET", "k", "2", "NX") is None
    assert raw.cmd("GET", "k") == b"1"


def test_set_xx_only_when_present(raw):
    assert raw.cmd("SET", "k", "1", "XX") is None
    assert raw.cmd("EXISTS", "k") == 0
    raw.cmd("SET", "k", "1")
    assert raw.cmd("SET", "k", "2", "XX") == "OK"
    assert raw.cmd("GET", "k") == b"2"


def test_set_options_are_case_insensitive(raw):
    assert raw.cmd("set", "k", "1", "nx", "ex", "100") == "OK"
    assert 0 < raw.cmd("TTL", "k") <= 100


def test_set_conflicting_options_are_syntax_errors(raw):
    for args in (("NX", "XX"), ("EX", "10", "PX", "10"), ("EX", "10", "EXAT", "9999999999"),
                 ("PX", "10", "PXAT", "9999999999999"), ("KEEPTTL", "EX", "10"),
                 ("EX", "10", "KEEPTTL"), ("EX",), ("FOO",), ("GET", "GET", "FOO")):
        assert_error(raw.cmd("SET", "k", "v", *args), SYNTAX)
    assert raw.cmd("EXISTS", "k") == 0


def test_set_invalid_expire_times(raw):
    bad = INVALID_EXPIRE.format("set")
    for opt, val in (("EX", "0"), ("EX", "-1"), ("PX", "0"), ("PX", "-5"), ("EXAT", "0"),
                     ("PXAT", "0"), ("EX", "9223372036854775807"),
                     ("PX", "9223372036854775807"), ("EXAT", "9223372036854775807"),
                     ("EX", "922337203685477580")):  # seconds * 1000 overflows
        assert_error(raw.cmd("SET", "k", "v", opt, val), bad)
    assert_error(raw.cmd("SET", "k", "v", "EX", "abc"), NOT_INT)
    assert_error(raw.cmd("SET", "k", "v", "PX", "1.5"), NOT_INT)
    assert raw.cmd("EXISTS", "k") == 0


def test_set_ex_px_exat_pxat_set_the_ttl(raw):
    now = int(time.time())
    assert raw.cmd("SET", "a", "v", "EX", "100") == "OK"
    assert 98 <= raw.cmd("TTL", "a") <= 100
    assert raw.cmd("SET", "b", "v", "PX", "100000") == "OK"
    assert 98000 <= raw.cmd("PTTL", "b") <= 100000
    assert raw.cmd("SET", "c", "v", "EXAT", str(now + 200)) == "OK"
    assert raw.cmd("EXPIRETIME", "c") == now + 200
    assert raw.cmd("SET", "d", "v", "PXAT", str(now * 1000 + 300123)) == "OK"
    assert raw.cmd("PEXPIRETIME", "d") == now * 1000 + 300123


def test_set_exat_in_the_past_deletes_immediately(raw):
    assert raw.cmd("SET", "k", "v", "EXAT", "1") == "OK"
    assert raw.cmd("EXISTS", "k") == 0
    assert raw.cmd("GET", "k") is None


def test_set_without_keepttl_clears_ttl(raw):
    raw.cmd("SET", "k", "v", "EX", "100")
    raw.cmd("SET", "k", "v2")
    assert raw.cmd("TTL", "k") == -1


def test_set_keepttl_retains_ttl(raw):
    raw.cmd("SET", "k", "v", "EX", "100")
    assert raw.cmd("SET", "k", "v2", "KEEPTTL") == "OK"
    assert 98 <= raw.cmd("TTL", "k") <= 100
    assert raw.cmd("GET", "k") == b"v2"
    assert raw.cmd("SET", "fresh", "v", "KEEPTTL") == "OK"
    assert raw.cmd("TTL", "fresh") == -1


def test_set_get_returns_old_value(raw):
    assert raw.cmd("SET", "k", "v1", "GET") is None
    assert raw.cmd("SET", "k", "v2", "GET") == b"v1"
    assert raw.cmd("GET", "k") == b"v2"


def test_set_get_with_nx_and_xx(raw):
    # Redis 7.0 allows GET together with NX.
    assert raw.cmd("SET", "k", "v1", "NX", "GET") is None
    assert raw.cmd("SET", "k", "v2", "NX", "GET") == b"v1"
    assert raw.cmd("GET", "k") == b"v1"
    assert raw.cmd("SET", "k", "v3", "XX", "GET") == b"v1"
    assert raw.cmd("SET", "nokey", "v", "XX", "GET") is None
    assert raw.cmd("EXISTS", "nokey") == 0


def test_set_get_on_wrong_type_is_an_error_and_does_not_write(raw):
    make_non_string_key(raw, "l")
    assert_error(raw.cmd("SET", "l", "v", "GET"), WRONGTYPE)
    assert raw.cmd("TYPE", "l") != "string"


def test_set_overwrites_any_type(raw):
    make_non_string_key(raw, "l")
    assert raw.cmd("SET", "l", "v") == "OK"
    assert raw.cmd("TYPE", "l") == "string"


def test_set_and_get_arity(raw):
    assert_error(raw.cmd("SET", "k"), wrong_args("set"))
    assert_error(raw.cmd("GET"), wrong_args("get"))
    assert_error(raw.cmd("GET", "a", "b"), wrong_args("get"))


def test_get_on_wrong_type(raw):
    make_non_string_key(raw, "l")
    assert_error(raw.cmd("GET", "l"), WRONGTYPE)


# ----------------------------------------------------------------------------- GET* / SET*


def test_getdel(raw):
    raw.cmd("SET", "k", "v", "EX", "100")
    assert raw.cmd("GETDEL", "k") == b"v"
    assert raw.cmd("EXISTS", "k") == 0
    assert raw.cmd("GETDEL", "k") is None


def test_getdel_wrong_type(raw):
    make_non_string_key(raw, "l")
    assert_error(raw.cmd("GETDEL", "l"), WRONGTYPE)
    assert raw.cmd("EXISTS", "l") == 1


def test_getex_sets_and_clears_ttl(raw):
    raw.cmd("SET", "k", "v")
    assert raw.cmd("GETEX", "k") == b"v"
    assert raw.cmd("TTL", "k") == -1
    assert raw.cmd("GETEX", "k", "EX", "100") == b"v"
    assert 98 <= raw.cmd("TTL", "k") <= 100
    assert raw.cmd("GETEX", "k", "PX", "50000") == b"v"
    assert 48000 <= raw.cmd("PTTL", "k") <= 50000
    now = int(time.time())
    assert raw.cmd("GETEX", "k", "EXAT", str(now + 500)) == b"v"
    assert raw.cmd("EXPIRETIME", "k") == now + 500
    assert raw.cmd("GETEX", "k", "PXAT", str(now * 1000 + 600000)) == b"v"
    assert raw.cmd("PEXPIRETIME", "k") == now * 1000 + 600000
    assert raw.cmd("GETEX", "k", "PERSIST") == b"v"
    assert raw.cmd("TTL", "k") == -1


def test_getex_missing_key_and_errors(raw):
    assert raw.cmd("GETEX", "nokey", "EX", "10") is None
    raw.cmd("SET", "k", "v")
    assert_error(raw.cmd("GETEX", "k", "PERSIST", "EX", "10"), SYNTAX)
    assert_error(raw.cmd("GETEX", "k", "EX", "10", "PX", "10"), SYNTAX)
    assert_error(raw.cmd("GETEX", "k", "FOO"), SYNTAX)
    assert_error(raw.cmd("GETEX", "k", "EX", "0"), INVALID_EXPIRE.format("getex"))
    assert_error(raw.cmd("GETEX", "k", "EXAT", "0"), INVALID_EXPIRE.format("getex"))
    assert_error(raw.cmd("GETEX", "k", "EX", "x"), NOT_INT)
    assert raw.cmd("TTL", "k") == -1


def test_getex_wrong_type(raw):
    make_non_string_key(raw, "l")
    assert_error(raw.cmd("GETEX", "l"), WRONGTYPE)


def test_getset(raw):
    assert raw.cmd("GETSET", "k", "v1") is None
    raw.cmd("EXPIRE", "k", "100")
    assert raw.cmd("GETSET", "k", "v2") == b"v1"
    assert raw.cmd("GET", "k") == b"v2"
    assert raw.cmd("TTL", "k") == -1  # GETSET discards the TTL


def test_getset_wrong_type(raw):
    make_non_string_key(raw, "l")
    assert_error(raw.cmd("GETSET", "l", "x"), WRONGTYPE)


def test_setnx(raw):
    assert raw.cmd("SETNX", "k", "1") == 1
    assert raw.cmd("SETNX", "k", "2") == 0
    assert raw.cmd("GET", "k") == b"1"


def test_setex_and_psetex(raw):
    assert raw.cmd("SETEX", "k", "100", "v") == "OK"
    assert 98 <= raw.cmd("TTL", "k") <= 100
    assert raw.cmd("PSETEX", "p", "100000", "v") == "OK"
    assert 98000 <= raw.cmd("PTTL", "p") <= 100000
    assert raw.cmd("GET", "p") == b"v"


def test_setex_psetex_invalid_expire(raw):
    for ttl in ("0", "-1"):
        assert_error(raw.cmd("SETEX", "k", ttl, "v"), INVALID_EXPIRE.format("setex"))
        assert_error(raw.cmd("PSETEX", "k", ttl, "v"), INVALID_EXPIRE.format("psetex"))
    assert_error(raw.cmd("SETEX", "k", "abc", "v"), NOT_INT)
    assert_error(raw.cmd("SETEX", "k", "9223372036854775807", "v"),
                 INVALID_EXPIRE.format("setex"))
    assert raw.cmd("EXISTS", "k") == 0


# ----------------------------------------------------------------------------- M*


def test_mset_mget(raw):
    assert raw.cmd("MSET", "a", "1", "b", "2", "a", "3") == "OK"
    assert raw.cmd("MGET", "a", "b", "c") == [b"3", b"2", None]


def test_mset_odd_arguments(raw):
    assert_error(raw.cmd("MSET", "a"), wrong_args("mset"))
    assert_error(raw.cmd("MSET", "a", "1", "b"), wrong_args("mset"))
    assert raw.cmd("EXISTS", "a") == 0


def test_mget_returns_nil_for_wrong_type(raw):
    make_non_string_key(raw, "l")
    raw.cmd("SET", "a", "1")
    assert raw.cmd("MGET", "a", "l") == [b"1", None]


def test_msetnx_all_or_nothing(raw):
    assert raw.cmd("MSETNX", "a", "1", "b", "2") == 1
    assert raw.cmd("MSETNX", "b", "x", "c", "3") == 0
    assert raw.cmd("EXISTS", "c") == 0
    assert raw.cmd("GET", "b") == b"2"
    assert_error(raw.cmd("MSETNX", "x"), wrong_args("msetnx"))
    assert_error(raw.cmd("MSETNX", "x", "1", "y"), wrong_args("msetnx"))


def test_mset_clears_ttl(raw):
    raw.cmd("SET", "a", "1", "EX", "100")
    raw.cmd("MSET", "a", "2")
    assert raw.cmd("TTL", "a") == -1


# ----------------------------------------------------------------------------- INCR family


def test_incr_decr_from_missing_key(raw):
    assert raw.cmd("INCR", "n") == 1
    assert raw.cmd("INCRBY", "n", "10") == 11
    assert raw.cmd("DECR", "n") == 10
    assert raw.cmd("DECRBY", "n", "20") == -10
    assert raw.cmd("GET", "n") == b"-10"
    assert raw.cmd("DECR", "m") == -1


def test_incr_keeps_ttl(raw):
    raw.cmd("SET", "n", "5", "EX", "100")
    assert raw.cmd("INCR", "n") == 6
    assert 98 <= raw.cmd("TTL", "n") <= 100


def test_incr_overflow(raw):
    raw.cmd("SET", "n", "9223372036854775807")
    assert_error(raw.cmd("INCR", "n"), "ERR increment or decrement would overflow")
    assert_error(raw.cmd("INCRBY", "n", "1"), "ERR increment or decrement would overflow")
    raw.cmd("SET", "n", "-9223372036854775808")
    assert_error(raw.cmd("DECR", "n"), "ERR increment or decrement would overflow")
    assert_error(raw.cmd("INCRBY", "n", "-1"), "ERR increment or decrement would overflow")
    assert raw.cmd("GET", "n") == b"-9223372036854775808"


def test_decrby_min_int64_is_its_own_error(raw):
    raw.cmd("SET", "n", "10")
    assert_error(raw.cmd("DECRBY", "n", "-9223372036854775808"), "ERR decrement would overflow")
    assert raw.cmd("DECRBY", "n", "9223372036854775807") == -9223372036854775797


def test_incr_non_integer_values(raw):
    for value in ("abc", " 1", "1 ", "", "1.5", "007", "+5", "-0", "12345678901234567890"):
        raw.cmd("SET", "s", value)
        assert_error(raw.cmd("INCR", "s"), NOT_INT)
    raw.cmd("SET", "n", "1")
    for incr in ("abc", "1.5", "9223372036854775808", ""):
        assert_error(raw.cmd("INCRBY", "n", incr), NOT_INT)
        assert_error(raw.cmd("DECRBY", "n", incr), NOT_INT)


def test_incr_wrong_type(raw):
    make_non_string_key(raw, "l")
    for cmd in (("INCR", "l"), ("DECR", "l"), ("INCRBY", "l", "1"), ("DECRBY", "l", "1"),
                ("INCRBYFLOAT", "l", "1")):
        assert_error(raw.cmd(*cmd), WRONGTYPE)


def test_incrbyfloat(raw):
    raw.cmd("SET", "f", "10.5")
    assert raw.cmd("INCRBYFLOAT", "f", "0.1") == b"10.6"
    assert raw.cmd("INCRBYFLOAT", "f", "-5") == b"5.6"
    assert raw.cmd("INCRBYFLOAT", "new", "3.0e3") == b"3000"
    assert raw.cmd("INCRBYFLOAT", "new", "5.0e-1") == b"3000.5"
    raw.cmd("SET", "i", "1")
    assert raw.cmd("INCRBYFLOAT", "i", "1") == b"2"
    assert raw.cmd("GET", "i") == b"2"


def test_incrbyfloat_formats_without_exponent(raw):
    raw.cmd("SET", "f", "0")
    # Redis formats with %.17Lg-like human output: no exponent, trailing zeros removed.
    assert raw.cmd("INCRBYFLOAT", "f", "1e20") == b"100000000000000000000"
    raw.cmd("SET", "g", "0")
    assert raw.cmd("INCRBYFLOAT", "g", "0.0001") == b"0.0001"


def test_incrbyfloat_rejects_nan_and_infinity(raw):
    raw.cmd("SET", "f", "1")
    assert_error(raw.cmd("INCRBYFLOAT", "f", "nan"), "ERR value is not a valid float")
    for inc in ("inf", "-inf", "+inf"):
        assert_error(raw.cmd("INCRBYFLOAT", "f", inc),
                     "ERR increment would produce NaN or Infinity")
    assert raw.cmd("GET", "f") == b"1"


def test_incrbyfloat_invalid_values(raw):
    raw.cmd("SET", "f", "1")
    for inc in ("abc", " 1", "1.5e", ""):
        assert_error(raw.cmd("INCRBYFLOAT", "f", inc), "ERR value is not a valid float")
    raw.cmd("SET", "s", "abc")
    assert_error(raw.cmd("INCRBYFLOAT", "s", "1"), "ERR value is not a valid float")


# ----------------------------------------------------------------------------- APPEND etc.


def test_append_and_strlen(raw):
    assert raw.cmd("APPEND", "a", "hello") == 5
    assert raw.cmd("APPEND", "a", " world") == 11
    assert raw.cmd("GET", "a") == b"hello world"
    assert raw.cmd("STRLEN", "a") == 11
    assert raw.cmd("STRLEN", "nokey") == 0
    raw.cmd("SET", "i", "123")
    assert raw.cmd("APPEND", "i", "4") == 4
    assert raw.cmd("GET", "i") == b"1234"
    assert raw.cmd("STRLEN", "i") == 4


def test_append_strlen_wrong_type(raw):
    make_non_string_key(raw, "l")
    assert_error(raw.cmd("APPEND", "l", "x"), WRONGTYPE)
    assert_error(raw.cmd("STRLEN", "l"), WRONGTYPE)


def test_getrange(raw):
    raw.cmd("SET", "a", "hello world")
    assert raw.cmd("GETRANGE", "a", "0", "4") == b"hello"
    assert raw.cmd("GETRANGE", "a", "-5", "-1") == b"world"
    assert raw.cmd("GETRANGE", "a", "5", "3") == b""
    assert raw.cmd("GETRANGE", "a", "-100", "100") == b"hello world"
    assert raw.cmd("GETRANGE", "a", "100", "200") == b""
    assert raw.cmd("GETRANGE", "a", "-1", "-5") == b""
    assert raw.cmd("GETRANGE", "nokey", "0", "10") == b""
    assert raw.cmd("GETRANGE", "a", "0", "-1") == b"hello world"
    assert_error(raw.cmd("GETRANGE", "a", "0", "abc"), NOT_INT)
    assert_error(raw.cmd("GETRANGE", "a", "0"), wrong_args("getrange"))


def test_getrange_on_integer_encoded_value(raw):
    raw.cmd("SET", "i", "1234567")
    assert raw.cmd("GETRANGE", "i", "1", "3") == b"234"


def test_setrange(raw):
    raw.cmd("SET", "a", "hello world")
    assert raw.cmd("SETRANGE", "a", "6", "W") == 11
    assert raw.cmd("GET", "a") == b"hello World"
    assert raw.cmd("SETRANGE", "b", "5", "x") == 6
    assert raw.cmd("GET", "b") == b"\x00\x00\x00\x00\x00x"
    assert raw.cmd("SETRANGE", "a", "9", "12345") == 14
    assert raw.cmd("GET", "a") == b"hello Wor12345"


def test_setrange_empty_value_does_not_create_key(raw):
    assert raw.cmd("SETRANGE", "nk", "10", "") == 0
    assert raw.cmd("EXISTS", "nk") == 0
    raw.cmd("SET", "k", "abc")
    assert raw.cmd("SETRANGE", "k", "100", "") == 3


def test_setrange_offset_errors(raw):
    raw.cmd("SET", "k", "abc")
    assert_error(raw.cmd("SETRANGE", "k", "-1", "x"), "ERR offset is out of range")
    assert_error(raw.cmd("SETRANGE", "k", "abc", "x"), NOT_INT)
    too_big = "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
    # 512 MB is proto-max-bulk-len: offset + length must stay within it...
    assert_error(raw.cmd("SETRANGE", "k", str(512 * 1024 * 1024), "x"), too_big)
    # ...without overflowing the addition.
    assert_error(raw.cmd("SETRANGE", "k", "9223372036854775807", "x"), too_big)
    assert_error(raw.cmd("SETRANGE", "new", str(512 * 1024 * 1024), "x"), too_big)
    assert raw.cmd("GET", "k") == b"abc"
    assert raw.cmd("EXISTS", "new") == 0


def test_setrange_wrong_type(raw):
    make_non_string_key(raw, "l")
    assert_error(raw.cmd("SETRANGE", "l", "0", "x"), WRONGTYPE)
    assert_error(raw.cmd("GETRANGE", "l", "0", "1"), WRONGTYPE)


def test_string_commands_through_redis_py(r):
    """The same behaviour through a real client library."""
    assert r.set("k", "v", ex=100) is True
    assert r.get("k") == "v"
    assert r.set("k", "v2", nx=True) is None
    assert r.mset({"a": "1", "b": "2"}) is True
    assert r.mget("a", "b", "zz") == ["1", "2", None]
    assert r.incrbyfloat("a", 1.5) == pytest.approx(2.5)
    assert r.getrange("k", 0, 0) == "v"
    assert r.append("k", "!") == 2
    assert r.getdel("k") == "v!"
    assert r.getex("b", ex=50) == "2"
    assert 48 <= r.ttl("b") <= 50
