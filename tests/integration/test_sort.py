"""SORT and SORT_RO: numeric and ALPHA order, ASC/DESC, LIMIT clamping, BY patterns (keys and
hash fields, constant BY keeping the native order), GET (# and ->), STORE, Redis 7.0's error
texts, and its ACL rule: BY/GET patterns need access to every key."""

import pytest
import redis

from conftest import SYNTAX, WRONGTYPE, assert_error

NOT_DOUBLE = "ERR One or more scores can't be converted into double"


def test_numeric_sort_of_list_set_and_zset(r):
    r.rpush("l", 3, 1, 2, 10)
    r.sadd("s", 3, 1, 2, 10)
    r.zadd("z", {"3": 1, "1": 2, "2": 3, "10": 4})
    for key in ("l", "s", "z"):
        assert r.sort(key) == ["1", "2", "3", "10"]
        assert r.sort(key, desc=True) == ["10", "3", "2", "1"]
    assert r.execute_command("SORT_RO", "l", "DESC") == ["10", "3", "2", "1"]


def test_alpha_and_equal_scores_tie_break_on_the_element(r):
    r.rpush("l", "b", "a", "c", "10", "9")
    assert r.sort("l", alpha=True) == ["10", "9", "a", "b", "c"]
    r.rpush("n", "1.0", "1", "01", "-0.5", "1e1")
    assert r.sort("n") == ["-0.5", "01", "1", "1.0", "1e1"]


def test_non_numeric_elements_fail(raw):
    raw.cmd("RPUSH", "l", "1", "x")
    assert_error(raw.cmd("SORT", "l"), NOT_DOUBLE)
    raw.cmd("RPUSH", "nan", "nan")
    assert_error(raw.cmd("SORT", "nan"), NOT_DOUBLE)


def test_limit_clamps_like_redis(r):
    r.rpush("l", *range(10))
    assert r.sort("l", start=2, num=3) == ["2", "3", "4"]
    assert r.sort("l", start=-5, num=2) == ["0", "1"]
    assert r.sort("l", start=8, num=100) == ["8", "9"]
    assert r.sort("l", start=20, num=2) == []
    assert r.sort("l", start=0, num=-1) == [str(i) for i in range(10)]
    assert r.sort("l", start=2, num=0) == []
    assert r.sort("l", start=9223372036854775807, num=9223372036854775807) == []


def test_by_pattern_and_hash_field(r):
    r.rpush("l", "a", "b", "c")
    r.mset({"w_a": 3, "w_b": 1, "w_c": 2})
    assert r.sort("l", by="w_*") == ["b", "c", "a"]
    r.hset("h_a", "f", 30)
    r.hset("h_b", "f", 10)
    r.hset("h_c", "f", 20)
    assert r.sort("l", by="h_*->f") == ["b", "c", "a"]
    assert r.sort("l", by="h_*->f", desc=True) == ["a", "c", "b"]
    # Missing weights count as 0 (numeric) or sort first (ALPHA).
    r.rpush("m", "a", "b", "zz")
    assert r.sort("m", by="w_*") == ["zz", "b", "a"]
    r.mset({"s_a": "y", "s_b": "x"})
    assert r.sort("m", by="s_*", alpha=True) == ["zz", "b", "a"]


def test_constant_by_keeps_native_order(r):
    r.rpush("l", 3, 1, 2)
    assert r.sort("l", by="nosort") == ["3", "1", "2"]
    assert r.sort("l", by="nosort", desc=True) == ["2", "1", "3"]
    assert r.sort("l", by="nosort", start=1, num=5) == ["1", "2"]
    assert r.sort("l", by="nosort", desc=True, start=1, num=1) == ["1"]
    r.zadd("z", {"c": 1, "a": 2, "b": 3})
    assert r.sort("z", by="nosort") == ["c", "a", "b"]
    assert r.sort("z", by="nosort", desc=True, start=1, num=2) == ["a", "c"]
    # A set stored with a constant BY is sorted ALPHA, so the result does not depend on layout.
    r.sadd("s", "b", "c", "a")
    assert r.sort("s", by="nosort", store="dst") == 3
    assert r.lrange("dst", 0, -1) == ["a", "b", "c"]


def test_get_patterns(raw):
    raw.cmd("RPUSH", "l", "1", "2", "3")
    raw.cmd("MSET", "o_1", "one", "o_3", "three")
    raw.cmd("HSET", "h_2", "name", "two")
    reply = raw.cmd("SORT", "l", "GET", "#", "GET", "o_*", "GET", "h_*->name")
    assert reply == [b"1", b"one", None, b"2", None, b"two", b"3", b"three", None]
    # A GET pattern without '*' names no key; "->" with no field is part of the key name.
    assert raw.cmd("SORT", "l", "GET", "const") == [None, None, None]
    raw.cmd("SET", "x_1->", "arrow")
    assert raw.cmd("SORT", "l", "GET", "x_*->", "LIMIT", "0", "1") == [b"arrow"]
    # Wrong types behind a pattern read as missing.
    raw.cmd("RPUSH", "o_2", "list")
    assert raw.cmd("SORT", "l", "GET", "o_*") == [b"one", None, b"three"]


def test_store_replaces_and_deletes(r):
    r.rpush("l", 3, 1, 2)
    r.set("dst", "old", ex=100)
    assert r.sort("l", store="dst") == 3
    assert r.lrange("dst", 0, -1) == ["1", "2", "3"]
    assert r.ttl("dst") == -1
    r.mset({"o_1": "a", "o_3": "c"})
    assert r.sort("l", get=["#", "o_*"], store="dst") == 6
    assert r.lrange("dst", 0, -1) == ["1", "a", "2", "", "3", "c"]
    assert r.sort("missing", store="dst") == 0
    assert r.exists("dst") == 0


def test_errors(raw):
    raw.cmd("SET", "str", "x")
    assert_error(raw.cmd("SORT", "str"), WRONGTYPE)
    assert_error(raw.cmd("SORT", "l", "BOGUS"), SYNTAX)
    assert_error(raw.cmd("SORT", "l", "LIMIT", "1"), SYNTAX)
    assert_error(raw.cmd("SORT", "l", "LIMIT", "a", "1"),
                 "ERR value is not an integer or out of range")
    assert_error(raw.cmd("SORT_RO", "l", "STORE", "dst"), SYNTAX)
    # Options are parsed before the key is looked up.
    assert_error(raw.cmd("SORT", "str", "BOGUS"), SYNTAX)
    assert raw.cmd("SORT", "missing") == []


def test_getkeys_names_the_store_key(raw):
    keys = raw.cmd("COMMAND", "GETKEYS", "SORT", "src", "LIMIT", "0", "1", "BY", "store",
                   "STORE", "dst")
    assert keys == [b"src", b"dst"]
    assert raw.cmd("COMMAND", "GETKEYS", "SORT_RO", "src", "GET", "#") == [b"src"]


def test_acl_by_and_get_need_full_key_access(server, r):
    r.rpush("app:l", 2, 1)
    r.set("app:w_1", 5)
    r.acl_setuser("u", enabled=True, passwords=["+pw"], keys=["app:*"],
                  commands=["+@all"])
    u = server.client(username="u", password="pw")
    assert u.sort("app:l") == ["1", "2"]
    assert u.sort("app:l", by="const") == ["2", "1"]
    with pytest.raises(redis.ResponseError) as e:
        u.sort("app:l", by="app:w_*")
    assert str(e.value) == "BY option of SORT denied due to insufficient ACL permissions."
    with pytest.raises(redis.ResponseError) as e:
        u.sort("app:l", get="#")
    assert str(e.value) == "GET option of SORT denied due to insufficient ACL permissions."
    with pytest.raises(redis.exceptions.NoPermissionError):
        u.sort("app:l", store="other")
    assert u.sort("app:l", store="app:dst") == 2
    r.acl_setuser("v", enabled=True, passwords=["+pw"], keys=["*"], commands=["+@all"])
    v = server.client(username="v", password="pw")
    assert v.sort("app:l", by="app:w_*", get="#") == ["2", "1"]
