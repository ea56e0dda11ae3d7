"""Sorted-set commands: ZADD flags and their conflicts, scores (formatting, inf, NaN), ranks,
the ZRANGE family (rank, score and lex ranges, REV, LIMIT, ZRANGESTORE), pops and ZMPOP,
ZRANDMEMBER counts, the algebra (WEIGHTS, AGGREGATE, sets as inputs), range removals, ZSCAN,
RESP3 doubles and the listpack -> skiplist conversion."""

import pytest

from conftest import (NOT_INT, SYNTAX, WRONGTYPE, Double, assert_error, wrong_args)

NOT_FLOAT = "ERR value is not a valid float"
MINMAX = "ERR min or max is not a float"
LEXERR = "ERR min or max not valid string range item"
NAN = "ERR resulting score is not a number (NaN)"
POSITIVE = "ERR value is out of range, must be positive"


def zrange(raw, key, *extra):
    return raw.cmd("ZRANGE", key, "0", "-1", *extra)


def fill(raw, key, n, prefix="m"):
    args = []
    for i in range(n):
        args += [str(i), f"{prefix}{i}"]
    return raw.cmd("ZADD", key, *args)


# ----------------------------------------------------------------------------- ZADD


def test_zadd_basic_and_order(raw):
    assert raw.cmd("ZADD", "z", "1", "b", "1", "a", "0.5", "c", "-inf", "d") == 4
    assert zrange(raw, "z") == [b"d", b"c", b"a", b"b"]
    assert raw.cmd("ZADD", "z", "2", "a") == 0
    assert raw.cmd("ZCARD", "z") == 4
    assert raw.cmd("TYPE", "z") == "zset"
    assert raw.cmd("OBJECT", "ENCODING", "z") == b"listpack"


def test_zadd_flags(raw):
    raw.cmd("ZADD", "z", "10", "a")
    assert raw.cmd("ZADD", "z", "NX", "20", "a", "1", "b") == 1
    assert raw.cmd("ZSCORE", "z", "a") == b"10"
    assert raw.cmd("ZADD", "z", "XX", "20", "a", "1", "c") == 0
    assert raw.cmd("ZSCORE", "z", "a") == b"20"
    assert raw.cmd("ZSCORE", "z", "c") is None
    assert raw.cmd("ZADD", "z", "GT", "CH", "5", "a", "30", "b") == 1
    assert raw.cmd("ZSCORE", "z", "a") == b"20"
    assert raw.cmd("ZADD", "z", "LT", "CH", "5", "a", "40", "b") == 1
    assert raw.cmd("ZSCORE", "z", "a") == b"5"
    assert raw.cmd("ZADD", "z", "GT", "1", "new") == 1
    assert raw.cmd("ZADD", "z", "CH", "1", "new", "2", "b") == 1
    assert raw.cmd("ZADD", "z", "INCR", "2.5", "a") == b"7.5"
    assert raw.cmd("ZADD", "z", "NX", "INCR", "1", "a") is None
    assert raw.cmd("ZADD", "z", "GT", "INCR", "-1", "a") is None
    assert raw.cmd("ZADD", "missing", "XX", "1", "a") == 0
    assert raw.cmd("ZADD", "missing", "XX", "INCR", "1", "a") is None
    assert raw.cmd("EXISTS", "missing") == 0


def test_zadd_errors(raw):
    assert_error(raw.cmd("ZADD", "z", "NX", "XX", "1", "a"),
                 "ERR XX and NX options at the same time are not compatible")
    for flags in (("GT", "LT"), ("GT", "NX"), ("LT", "NX")):
        assert_error(raw.cmd("ZADD", "z", *flags, "1", "a"),
                     "ERR GT, LT, and/or NX options at the same time are not compatible")
    assert_error(raw.cmd("ZADD", "z", "INCR", "1", "a", "2", "b"),
                 "ERR INCR option supports a single increment-element pair")
    assert_error(raw.cmd("ZADD", "z", "1", "a", "2"), SYNTAX)
    assert_error(raw.cmd("ZADD", "z", "NX", "XX", "1"), SYNTAX)
    assert_error(raw.cmd("ZADD", "z", "nan", "a"), NOT_FLOAT)
    assert_error(raw.cmd("ZADD", "z", "1", "a", "x", "b"), NOT_FLOAT)
    assert raw.cmd("EXISTS", "z") == 0
    assert_error(raw.cmd("ZADD", "z"), wrong_args("zadd"))
    raw.cmd("SET", "s", "v")
    assert_error(raw.cmd("ZADD", "s", "1", "a"), WRONGTYPE)


def test_zincrby_and_nan(raw):
    assert raw.cmd("ZINCRBY", "z", "1.5", "a") == b"1.5"
    assert raw.cmd("ZINCRBY", "z", "0.1", "a") == b"1.6000000000000001"
    assert raw.cmd("ZINCRBY", "z", "+inf", "a") == b"inf"
    assert_error(raw.cmd("ZINCRBY", "z", "-inf", "a"), NAN)
    assert raw.cmd("ZSCORE", "z", "a") == b"inf"
    assert_error(raw.cmd("ZINCRBY", "z", "abc", "a"), NOT_FLOAT)


def test_negative_zero_in_skiplist(raw):
    raw.cmd("CONFIG", "SET", "zset-max-listpack-entries", "0")
    raw.cmd("ZADD", "z", "-0", "a")
    assert raw.cmd("ZSCORE", "z", "a") == b"-0"


def test_score_formatting(raw):
    raw.cmd("ZADD", "z", "0.1", "a", "1e20", "b", "-0", "c", "3.0", "d", "-inf", "e",
            "123456789012345678", "f")
    assert raw.cmd("ZMSCORE", "z", "a", "b", "c", "d", "e", "f", "none") == [
        b"0.10000000000000001", b"1e+20", b"0", b"3", b"-inf", b"1.2345678901234568e+17",
        None]
    assert raw.cmd("ZMSCORE", "missing", "a") == [None]


# ----------------------------------------------------------------------------- ranks, counts


def test_zrank_zrevrank_zcount(raw):
    raw.cmd("ZADD", "z", "1", "a", "2", "b", "3", "c")
    assert raw.cmd("ZRANK", "z", "a") == 0
    assert raw.cmd("ZREVRANK", "z", "a") == 2
    assert raw.cmd("ZRANK", "z", "x") is None
    assert raw.cmd("ZRANK", "missing", "x") is None
    assert raw.cmd("ZCOUNT", "z", "-inf", "+inf") == 3
    assert raw.cmd("ZCOUNT", "z", "(1", "3") == 2
    assert raw.cmd("ZCOUNT", "z", "(1", "(3") == 1
    assert raw.cmd("ZCOUNT", "z", "3", "1") == 0
    assert raw.cmd("ZCOUNT", "missing", "1", "2") == 0
    assert_error(raw.cmd("ZCOUNT", "z", "x", "1"), MINMAX)
    assert_error(raw.cmd("ZCOUNT", "z", "1", "(nan"), MINMAX)


def test_zlexcount_and_lex_errors(raw):
    raw.cmd("ZADD", "z", "0", "a", "0", "b", "0", "c", "0", "d")
    assert raw.cmd("ZLEXCOUNT", "z", "-", "+") == 4
    assert raw.cmd("ZLEXCOUNT", "z", "[b", "[c") == 2
    assert raw.cmd("ZLEXCOUNT", "z", "(b", "(c") == 0
    assert raw.cmd("ZLEXCOUNT", "z", "+", "-") == 0
    for bad in (("a", "+"), ("-", "c"), ("", "+"), ("--", "+"), ("-", "+x")):
        assert_error(raw.cmd("ZLEXCOUNT", "z", *bad), LEXERR)


# ----------------------------------------------------------------------------- ZRANGE family


def test_zrange_by_rank(raw):
    raw.cmd("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d")
    assert raw.cmd("ZRANGE", "z", "1", "2") == [b"b", b"c"]
    assert raw.cmd("ZRANGE", "z", "-2", "-1", "WITHSCORES") == [b"c", b"3", b"d", b"4"]
    assert raw.cmd("ZRANGE", "z", "0", "1", "REV") == [b"d", b"c"]
    assert raw.cmd("ZREVRANGE", "z", "0", "-3") == [b"d", b"c"]
    assert raw.cmd("ZRANGE", "z", "5", "10") == []
    assert raw.cmd("ZRANGE", "z", "-100", "100") == [b"a", b"b", b"c", b"d"]
    assert raw.cmd("ZRANGE", "z", "2", "1") == []
    assert raw.cmd("ZRANGE", "missing", "0", "-1") == []
    assert_error(raw.cmd("ZRANGE", "z", "a", "1"), NOT_INT)
    assert_error(raw.cmd("ZRANGE", "z", "0", "1", "LIMIT", "0", "1"),
                 "ERR syntax error, LIMIT is only supported in combination with either BYSCORE "
                 "or BYLEX")
    assert_error(raw.cmd("ZRANGE", "z", "0", "1", "BYLEX", "WITHSCORES"),
                 "ERR syntax error, WITHSCORES not supported in combination with BYLEX")
    assert_error(raw.cmd("ZRANGE", "z", "0", "1", "BYSCORE", "BYLEX"), SYNTAX)
    assert_error(raw.cmd("ZREVRANGE", "z", "0", "1", "REV"), SYNTAX)
    assert_error(raw.cmd("ZRANGE", "z", "0", "1", "FOO"), SYNTAX)


def test_zrange_by_score(raw):
    raw.cmd("ZADD", "z", "-inf", "n", "1", "a", "2", "b", "3", "c", "+inf", "p")
    assert raw.cmd("ZRANGEBYSCORE", "z", "-inf", "+inf") == [b"n", b"a", b"b", b"c", b"p"]
    assert raw.cmd("ZRANGEBYSCORE", "z", "(1", "3", "WITHSCORES") == [b"b", b"2", b"c", b"3"]
    assert raw.cmd("ZRANGEBYSCORE", "z", "1", "+inf", "LIMIT", "1", "2") == [b"b", b"c"]
    assert raw.cmd("ZRANGEBYSCORE", "z", "1", "+inf", "LIMIT", "1", "-1") == [b"b", b"c", b"p"]
    assert raw.cmd("ZRANGEBYSCORE", "z", "1", "+inf", "LIMIT", "-1", "2") == []
    assert raw.cmd("ZRANGEBYSCORE", "z", "1", "+inf", "LIMIT", "10", "2") == []
    assert raw.cmd("ZREVRANGEBYSCORE", "z", "3", "(1") == [b"c", b"b"]
    assert raw.cmd("ZREVRANGEBYSCORE", "z", "+inf", "-inf", "LIMIT", "1", "1") == [b"c"]
    assert raw.cmd("ZRANGE", "z", "(3", "-inf", "BYSCORE", "REV", "WITHSCORES") == [
        b"b", b"2", b"a", b"1", b"n", b"-inf"]
    assert raw.cmd("ZRANGEBYSCORE", "z", "inf", "inf") == [b"p"]
    assert_error(raw.cmd("ZRANGEBYSCORE", "z", "a", "1"), MINMAX)
    assert_error(raw.cmd("ZRANGEBYSCORE", "z", "0", "1", "BYSCORE"), SYNTAX)
    assert_error(raw.cmd("ZRANGEBYSCORE", "z", "0", "1", "LIMIT", "x", "1"), NOT_INT)
    assert_error(raw.cmd("ZRANGEBYSCORE", "z", "0", "1", "LIMIT", "1"), SYNTAX)


def test_zrange_by_lex(raw):
    raw.cmd("ZADD", "z", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e")
    assert raw.cmd("ZRANGEBYLEX", "z", "-", "+") == [b"a", b"b", b"c", b"d", b"e"]
    assert raw.cmd("ZRANGEBYLEX", "z", "[b", "(d") == [b"b", b"c"]
    assert raw.cmd("ZRANGEBYLEX", "z", "-", "+", "LIMIT", "1", "2") == [b"b", b"c"]
    assert raw.cmd("ZREVRANGEBYLEX", "z", "+", "[c") == [b"e", b"d", b"c"]
    assert raw.cmd("ZRANGE", "z", "(d", "-", "BYLEX", "REV") == [b"c", b"b", b"a"]
    assert raw.cmd("ZRANGEBYLEX", "z", "[z", "+") == []
    assert_error(raw.cmd("ZRANGEBYLEX", "z", "b", "+"), LEXERR)
    assert_error(raw.cmd("ZRANGEBYLEX", "z", "-", "+", "WITHSCORES"),
                 "ERR syntax error, WITHSCORES not supported in combination with BYLEX")


def test_zrangestore(raw):
    raw.cmd("ZADD", "src", "1", "a", "2", "b", "3", "c")
    assert raw.cmd("ZRANGESTORE", "dst", "src", "0", "1") == 2
    assert zrange(raw, "dst", "WITHSCORES") == [b"a", b"1", b"b", b"2"]
    assert raw.cmd("ZRANGESTORE", "dst", "src", "(1", "+inf", "BYSCORE", "LIMIT", "1", "1") == 1
    assert zrange(raw, "dst") == [b"c"]
    assert raw.cmd("ZRANGESTORE", "dst", "src", "+", "-", "BYLEX", "REV") == 3
    assert raw.cmd("ZRANGESTORE", "dst", "src", "5", "6") == 0
    assert raw.cmd("EXISTS", "dst") == 0
    raw.cmd("SET", "dst", "x")
    assert raw.cmd("ZRANGESTORE", "dst", "missing", "0", "-1") == 0
    assert raw.cmd("EXISTS", "dst") == 0
    assert_error(raw.cmd("ZRANGESTORE", "dst", "src", "0", "1", "WITHSCORES"), SYNTAX)
    assert raw.cmd("ZRANGESTORE", "src", "src", "0", "0") == 1
    assert zrange(raw, "src") == [b"a"]


# ----------------------------------------------------------------------------- removal


def test_zrem_and_remrange(raw):
    raw.cmd("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e")
    assert raw.cmd("ZREM", "z", "a", "x", "a") == 1
    assert raw.cmd("ZREMRANGEBYRANK", "z", "-1", "-1") == 1
    assert raw.cmd("ZREMRANGEBYSCORE", "z", "(2", "3") == 1
    assert zrange(raw, "z") == [b"b", b"d"]
    assert raw.cmd("ZREMRANGEBYRANK", "z", "5", "10") == 0
    assert raw.cmd("ZREMRANGEBYSCORE", "z", "-inf", "+inf") == 2
    assert raw.cmd("EXISTS", "z") == 0
    raw.cmd("ZADD", "z", "0", "a", "0", "b", "0", "c")
    assert raw.cmd("ZREMRANGEBYLEX", "z", "[a", "(c") == 2
    assert raw.cmd("ZREMRANGEBYLEX", "z", "-", "+") == 1
    assert raw.cmd("EXISTS", "z") == 0
    assert raw.cmd("ZREM", "missing", "a") == 0
    assert raw.cmd("ZREMRANGEBYRANK", "missing", "0", "-1") == 0
    assert_error(raw.cmd("ZREMRANGEBYRANK", "z", "x", "1"), NOT_INT)
    assert_error(raw.cmd("ZREMRANGEBYSCORE", "z", "x", "1"), MINMAX)
    assert_error(raw.cmd("ZREMRANGEBYLEX", "z", "x", "+"), LEXERR)


# ----------------------------------------------------------------------------- pops


def test_zpopmin_zpopmax(raw):
    raw.cmd("ZADD", "z", "1", "a", "2", "b", "3", "c")
    assert raw.cmd("ZPOPMIN", "z") == [b"a", b"1"]
    assert raw.cmd("ZPOPMAX", "z", "5") == [b"c", b"3", b"b", b"2"]
    assert raw.cmd("EXISTS", "z") == 0
    assert raw.cmd("ZPOPMIN", "z") == []
    raw.cmd("ZADD", "z", "1", "a")
    assert raw.cmd("ZPOPMIN", "z", "0") == []
    assert_error(raw.cmd("ZPOPMIN", "z", "-1"), POSITIVE)
    assert_error(raw.cmd("ZPOPMIN", "z", "x"), POSITIVE)
    assert_error(raw.cmd("ZPOPMIN", "z", "1", "2"), SYNTAX)


def test_zmpop(raw):
    raw.cmd("ZADD", "b", "1", "x", "2", "y", "3", "z")
    assert raw.cmd("ZMPOP", "2", "a", "b", "MIN") == [b"b", [[b"x", b"1"]]]
    assert raw.cmd("ZMPOP", "2", "a", "b", "max", "COUNT", "10") == [
        b"b", [[b"z", b"3"], [b"y", b"2"]]]
    assert raw.cmd("ZMPOP", "2", "a", "b", "MIN") is None
    assert_error(raw.cmd("ZMPOP", "0", "a", "MIN"), "ERR numkeys should be greater than 0")
    assert_error(raw.cmd("ZMPOP", "x", "a", "MIN"), "ERR numkeys should be greater than 0")
    assert_error(raw.cmd("ZMPOP", "3", "a", "MIN"), SYNTAX)
    assert_error(raw.cmd("ZMPOP", "9223372036854775807", "a", "MIN"), SYNTAX)
    assert_error(raw.cmd("ZMPOP", "1", "a", "MID"), SYNTAX)
    assert_error(raw.cmd("ZMPOP", "1", "a", "MIN", "COUNT", "0"),
                 "ERR count should be greater than 0")
    assert_error(raw.cmd("ZMPOP", "1", "a", "MIN", "COUNT", "1", "COUNT", "1"), SYNTAX)
    raw.cmd("SET", "s", "v")
    assert_error(raw.cmd("ZMPOP", "2", "a", "s", "MIN"), WRONGTYPE)


def test_pops_resp3_shapes(raw):
    raw.cmd("HELLO", "3")
    raw.cmd("ZADD", "z", "1", "a", "2", "b", "3", "c")
    assert raw.cmd("ZPOPMIN", "z") == [b"a", 1.0]
    assert raw.cmd("ZPOPMIN", "z", "1") == [[b"b", 2.0]]
    assert raw.cmd("ZMPOP", "1", "z", "MAX") == [b"z", [[b"c", 3.0]]]
    raw.cmd("ZADD", "z", "1.5", "a")
    score = raw.cmd("ZSCORE", "z", "a")
    assert isinstance(score, Double) and score == 1.5
    assert raw.cmd("ZRANGE", "z", "0", "-1", "WITHSCORES") == [[b"a", 1.5]]
    assert raw.cmd("ZRANDMEMBER", "z", "1", "WITHSCORES") == [[b"a", 1.5]]
    assert raw.cmd("ZUNION", "1", "z", "WITHSCORES") == [[b"a", 1.5]]


# ----------------------------------------------------------------------------- ZRANDMEMBER


def test_zrandmember(raw):
    assert raw.cmd("ZRANDMEMBER", "z") is None
    assert raw.cmd("ZRANDMEMBER", "z", "5") == []
    raw.cmd("ZADD", "z", "1", "a", "2", "b", "3", "c")
    assert raw.cmd("ZRANDMEMBER", "z") in (b"a", b"b", b"c")
    assert raw.cmd("ZRANDMEMBER", "z", "0") == []
    got = raw.cmd("ZRANDMEMBER", "z", "2")
    assert len(got) == 2 and len(set(got)) == 2
    assert sorted(raw.cmd("ZRANDMEMBER", "z", "10")) == [b"a", b"b", b"c"]
    got = raw.cmd("ZRANDMEMBER", "z", "-10")
    assert len(got) == 10 and set(got) <= {b"a", b"b", b"c"}
    got = raw.cmd("ZRANDMEMBER", "z", "-4", "WITHSCORES")
    assert len(got) == 8
    for m, s in zip(got[::2], got[1::2]):
        assert {b"a": b"1", b"b": b"2", b"c": b"3"}[m] == s
    assert_error(raw.cmd("ZRANDMEMBER", "z", "-9223372036854775808"),
                 "ERR value is out of range, value must between -9223372036854775807 and "
                 "9223372036854775807")
    assert_error(raw.cmd("ZRANDMEMBER", "z", "-9223372036854775807", "WITHSCORES"),
                 "ERR value is out of range")
    assert_error(raw.cmd("ZRANDMEMBER", "z", "4611686018427387904", "WITHSCORES"),
                 "ERR value is out of range")
    assert_error(raw.cmd("ZRANDMEMBER", "z", "1", "FOO"), SYNTAX)
    assert_error(raw.cmd("ZRANDMEMBER", "z", "x"), NOT_INT)


def test_zrandmember_large_skiplist(raw):
    fill(raw, "z", 500)
    got = raw.cmd("ZRANDMEMBER", "z", "100")
    assert len(set(got)) == 100
    got = raw.cmd("ZRANDMEMBER", "z", "400")
    assert len(set(got)) == 400
    assert len(raw.cmd("ZRANDMEMBER", "z", "-1000")) == 1000


# ----------------------------------------------------------------------------- algebra


def test_zunion_zinter_zdiff(raw):
    raw.cmd("ZADD", "a", "1", "x", "2", "y", "3", "z")
    raw.cmd("ZADD", "b", "10", "y", "20", "z", "30", "w")
    assert raw.cmd("ZUNION", "2", "a", "b", "WITHSCORES") == [
        b"x", b"1", b"y", b"12", b"z", b"23", b"w", b"30"]
    assert raw.cmd("ZUNION", "2", "a", "b", "WEIGHTS", "2", "0.5", "AGGREGATE", "MAX",
                   "WITHSCORES") == [b"x", b"2", b"y", b"5", b"z", b"10", b"w", b"15"]
    assert raw.cmd("ZINTER", "2", "a", "b", "AGGREGATE", "MIN", "WITHSCORES") == [
        b"y", b"2", b"z", b"3"]
    assert raw.cmd("ZINTER", "3", "a", "b", "missing") == []
    assert raw.cmd("ZDIFF", "2", "a", "b", "WITHSCORES") == [b"x", b"1"]
    assert raw.cmd("ZDIFF", "2", "missing", "b") == []
    assert raw.cmd("ZINTERCARD", "2", "a", "b") == 2
    assert raw.cmd("ZINTERCARD", "2", "a", "b", "LIMIT", "1") == 1
    assert raw.cmd("ZINTERCARD", "2", "a", "b", "LIMIT", "0") == 2


def test_algebra_with_sets_and_store(raw):
    raw.cmd("ZADD", "z", "5", "a", "6", "b")
    raw.cmd("SADD", "s", "a", "c")
    assert raw.cmd("ZUNIONSTORE", "dst", "2", "z", "s") == 3
    assert zrange(raw, "dst", "WITHSCORES") == [b"c", b"1", b"a", b"6", b"b", b"6"]
    assert raw.cmd("ZINTERSTORE", "dst", "2", "z", "s", "WEIGHTS", "1", "10") == 1
    assert zrange(raw, "dst", "WITHSCORES") == [b"a", b"15"]
    assert raw.cmd("ZDIFFSTORE", "dst", "2", "s", "z") == 1
    assert zrange(raw, "dst", "WITHSCORES") == [b"c", b"1"]
    assert raw.cmd("ZINTERSTORE", "dst", "2", "z", "missing") == 0
    assert raw.cmd("EXISTS", "dst") == 0
    assert raw.cmd("ZUNIONSTORE", "z", "2", "z", "z") == 2
    assert zrange(raw, "z", "WITHSCORES") == [b"a", b"10", b"b", b"12"]


def test_algebra_inf_and_nan(raw):
    raw.cmd("ZADD", "a", "inf", "x")
    raw.cmd("ZADD", "b", "-inf", "x")
    assert raw.cmd("ZUNION", "2", "a", "b", "WITHSCORES") == [b"x", b"0"]
    assert raw.cmd("ZINTER", "2", "a", "b", "WEIGHTS", "0", "1", "WITHSCORES") == [b"x", b"-inf"]
    assert raw.cmd("ZUNION", "1", "a", "WEIGHTS", "0", "WITHSCORES") == [b"x", b"0"]
    assert raw.cmd("ZINTER", "2", "a", "b", "AGGREGATE", "MAX", "WITHSCORES") == [b"x", b"inf"]


def test_algebra_errors(raw):
    raw.cmd("ZADD", "a", "1", "x")
    assert_error(raw.cmd("ZUNION", "0", "a"),
                 "ERR at least 1 input key is needed for 'zunion' command")
    assert_error(raw.cmd("ZUNIONSTORE", "d", "0", "a"),
                 "ERR at least 1 input key is needed for 'zunionstore' command")
    assert_error(raw.cmd("ZUNION", "x", "a"), NOT_INT)
    assert_error(raw.cmd("ZUNION", "3", "a"), SYNTAX)
    assert_error(raw.cmd("ZUNION", "1", "a", "WEIGHTS", "x"), "ERR weight value is not a float")
    assert_error(raw.cmd("ZUNION", "1", "a", "AGGREGATE", "AVG"), SYNTAX)
    assert_error(raw.cmd("ZDIFF", "1", "a", "WEIGHTS", "1"), SYNTAX)
    assert_error(raw.cmd("ZUNIONSTORE", "d", "1", "a", "WITHSCORES"), SYNTAX)
    assert_error(raw.cmd("ZINTERCARD", "1", "a", "LIMIT", "-1"), "ERR LIMIT can't be negative")
    assert_error(raw.cmd("ZINTERCARD", "1", "a", "WITHSCORES"), SYNTAX)
    raw.cmd("SET", "str", "v")
    assert_error(raw.cmd("ZUNION", "2", "a", "str", "BOGUS"), WRONGTYPE)


# ----------------------------------------------------------------------------- ZSCAN


def test_zscan_listpack_and_skiplist(raw):
    raw.cmd("ZADD", "small", "1", "a", "2.5", "b")
    assert raw.cmd("ZSCAN", "small", "0") == [b"0", [b"a", b"1", b"b", b"2.5"]]
    assert raw.cmd("ZSCAN", "small", "0", "MATCH", "b*") == [b"0", [b"b", b"2.5"]]
    assert raw.cmd("ZSCAN", "missing", "0") == [b"0", []]
    fill(raw, "big", 300)
    seen = {}
    cursor = b"0"
    while True:
        cursor, items = raw.cmd("ZSCAN", "big", cursor, "COUNT", "20")
        for m, s in zip(items[::2], items[1::2]):
            seen[m] = s
        if cursor == b"0":
            break
    assert len(seen) == 300 and seen[b"m42"] == b"42"
    assert_error(raw.cmd("ZSCAN", "big", "x"), "ERR invalid cursor")
    assert_error(raw.cmd("ZSCAN", "big", "0", "COUNT", "0"), SYNTAX)


# ----------------------------------------------------------------------------- encodings, keys


def test_conversion_to_skiplist(raw):
    fill(raw, "z", 128)
    assert raw.cmd("OBJECT", "ENCODING", "z") == b"listpack"
    raw.cmd("ZADD", "z", "128", "m128")
    assert raw.cmd("OBJECT", "ENCODING", "z") == b"skiplist"
    raw.cmd("ZADD", "long", "1", "x" * 65)
    assert raw.cmd("OBJECT", "ENCODING", "long") == b"skiplist"
    raw.cmd("ZADD", "short", "1", "x" * 64)
    assert raw.cmd("OBJECT", "ENCODING", "short") == b"listpack"
    assert raw.cmd("ZRANGE", "z", "100", "102", "WITHSCORES") == [
        b"m100", b"100", b"m101", b"101", b"m102", b"102"]
    assert raw.cmd("ZRANK", "z", "m127") == 127
    assert raw.cmd("ZCOUNT", "z", "(10", "20") == 10
    # Store results take the encoding their size calls for.
    assert raw.cmd("ZRANGESTORE", "d", "z", "0", "9") == 10
    assert raw.cmd("OBJECT", "ENCODING", "d") == b"listpack"
    assert raw.cmd("ZUNIONSTORE", "u", "1", "z") == 129
    assert raw.cmd("OBJECT", "ENCODING", "u") == b"skiplist"


def test_config_thresholds(raw):
    raw.cmd("CONFIG", "SET", "zset-max-listpack-entries", "2")
    fill(raw, "z", 3)
    assert raw.cmd("OBJECT", "ENCODING", "z") == b"skiplist"
    raw.cmd("CONFIG", "SET", "zset-max-listpack-entries", "0")
    raw.cmd("ZADD", "y", "1", "a")
    assert raw.cmd("OBJECT", "ENCODING", "y") == b"skiplist"


@pytest.mark.parametrize("n", [5, 200])
def test_keys_commands_on_zsets(raw, n):
    fill(raw, "z", n)
    assert raw.cmd("COPY", "z", "c") == 1
    raw.cmd("ZADD", "z", "-1", "extra")
    assert raw.cmd("ZCARD", "c") == n
    assert raw.cmd("RENAME", "c", "r") == "OK"
    assert raw.cmd("ZSCORE", "r", "m3") == b"3"
    assert raw.cmd("MOVE", "r", "1") == 1
    raw.cmd("SELECT", "1")
    assert raw.cmd("ZCARD", "r") == n
    raw.cmd("SELECT", "0")
    assert raw.cmd("SCAN", "0", "TYPE", "zset") == [b"0", [b"z"]]
    assert raw.cmd("PEXPIRE", "z", "1") == 1
    import time
    time.sleep(0.05)
    assert raw.cmd("ZCARD", "z") == 0
    assert raw.cmd("EXISTS", "z") == 0
