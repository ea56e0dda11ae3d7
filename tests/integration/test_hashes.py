"""Hash commands: HSET family, reads, counters, HRANDFIELD, HSCAN, and the listpack ->
hashtable conversion at hash-max-listpack-entries / hash-max-listpack-value."""

from conftest import NOT_INT, SYNTAX, WRONGTYPE, Status, assert_error, encode_command, wrong_args

RAND_RANGE = ("ERR value is out of range, value must between -9223372036854775807 and "
              "9223372036854775807")


def pairs(flat):
    return dict(zip(flat[0::2], flat[1::2]))


# ----------------------------------------------------------------------------- HSET & co


def test_hset_counts_new_fields_and_overwrites(raw):
    assert raw.cmd("HSET", "h", "a", "1", "b", "2") == 2
    assert raw.cmd("HSET", "h", "a", "10", "c", "3") == 1
    assert raw.cmd("HGET", "h", "a") == b"10"
    assert raw.cmd("HLEN", "h") == 3
    assert raw.cmd("TYPE", "h") == "hash"


def test_hset_same_field_twice_in_one_call(raw):
    assert raw.cmd("HSET", "h", "a", "1", "a", "2") == 1
    assert raw.cmd("HGET", "h", "a") == b"2"


def test_hset_hmset_odd_arguments(raw):
    assert_error(raw.cmd("HSET", "h", "a", "1", "b"), wrong_args("hset"))
    assert_error(raw.cmd("HMSET", "h", "a", "1", "b"), wrong_args("hmset"))
    assert_error(raw.cmd("HSET", "h", "a"), wrong_args("hset"))
    assert raw.cmd("EXISTS", "h") == 0


def test_hmset_replies_ok(raw):
    reply = raw.cmd("HMSET", "h", "a", "1", "b", "2")
    assert reply == "OK" and isinstance(reply, Status)
    assert raw.cmd("HMGET", "h", "a", "b", "nope") == [b"1", b"2", None]


def test_hsetnx(raw):
    assert raw.cmd("HSETNX", "h", "a", "1") == 1
    assert raw.cmd("HSETNX", "h", "a", "2") == 0
    assert raw.cmd("HGET", "h", "a") == b"1"


def test_binary_safe_fields_and_values(raw):
    f, v = b"\x00f\r\n", bytes(range(256))
    assert raw.cmd("HSET", "h", f, v, b"", b"") == 2
    assert raw.cmd("HGET", "h", f) == v
    assert raw.cmd("HGET", "h", b"") == b""
    assert raw.cmd("HSTRLEN", "h", f) == 256


def test_reads_on_missing_key(raw):
    assert raw.cmd("HGET", "nope", "a") is None
    assert raw.cmd("HMGET", "nope", "a", "b") == [None, None]
    assert raw.cmd("HGETALL", "nope") == []
    assert raw.cmd("HKEYS", "nope") == []
    assert raw.cmd("HVALS", "nope") == []
    assert raw.cmd("HLEN", "nope") == 0
    assert raw.cmd("HEXISTS", "nope", "a") == 0
    assert raw.cmd("HSTRLEN", "nope", "a") == 0
    assert raw.cmd("HDEL", "nope", "a") == 0
    assert raw.cmd("HRANDFIELD", "nope") is None
    assert raw.cmd("HRANDFIELD", "nope", "5") == []
    assert raw.cmd("HSCAN", "nope", "0") == [b"0", []]


def test_getall_keys_vals(raw):
    raw.cmd("HSET", "h", "a", "1", "b", "2", "c", "3")
    assert pairs(raw.cmd("HGETALL", "h")) == {b"a": b"1", b"b": b"2", b"c": b"3"}
    assert sorted(raw.cmd("HKEYS", "h")) == [b"a", b"b", b"c"]
    assert sorted(raw.cmd("HVALS", "h")) == [b"1", b"2", b"3"]


def test_listpack_keeps_insertion_order(raw):
    raw.cmd("HSET", "h", "z", "1", "a", "2", "m", "3")
    assert raw.cmd("HKEYS", "h") == [b"z", b"a", b"m"]


def test_hgetall_resp3_is_a_map(raw):
    raw.cmd("HELLO", "3")
    raw.cmd("HSET", "h", "a", "1", "b", "2")
    assert raw.cmd("HGETALL", "h") == {b"a": b"1", b"b": b"2"}
    assert raw.cmd("HGETALL", "nope") == {}


def test_hdel_counts_and_deletes_empty_key(raw):
    raw.cmd("HSET", "h", "a", "1", "b", "2", "c", "3")
    assert raw.cmd("HDEL", "h", "a", "a", "x") == 1
    assert raw.cmd("HEXISTS", "h", "a") == 0
    assert raw.cmd("HEXISTS", "h", "b") == 1
    assert raw.cmd("HDEL", "h", "b", "c") == 2
    assert raw.cmd("EXISTS", "h") == 0


def test_hdel_deletes_empty_hashtable_key(raw):
    raw.cmd("HSET", "h", "a", "x" * 100)
    assert raw.cmd("OBJECT", "ENCODING", "h") == b"hashtable"
    assert raw.cmd("HDEL", "h", "a") == 1
    assert raw.cmd("EXISTS", "h") == 0


def test_hstrlen(raw):
    raw.cmd("HSET", "h", "a", "hello", "n", "12345")
    assert raw.cmd("HSTRLEN", "h", "a") == 5
    assert raw.cmd("HSTRLEN", "h", "n") == 5
    assert raw.cmd("HSTRLEN", "h", "x") == 0


def test_wrongtype_everywhere(raw):
    raw.cmd("SET", "s", "v")
    for args in (("HSET", "s", "a", "1"), ("HSETNX", "s", "a", "1"), ("HMSET", "s", "a", "1"),
                 ("HGET", "s", "a"), ("HMGET", "s", "a"), ("HGETALL", "s"), ("HDEL", "s", "a"),
                 ("HEXISTS", "s", "a"), ("HLEN", "s"), ("HKEYS", "s"), ("HVALS", "s"),
                 ("HINCRBY", "s", "a", "1"), ("HINCRBYFLOAT", "s", "a", "1"),
                 ("HSTRLEN", "s", "a"), ("HRANDFIELD", "s"), ("HRANDFIELD", "s", "2"),
                 ("HSCAN", "s", "0")):
        assert_error(raw.cmd(*args), WRONGTYPE)
    raw.cmd("HSET", "h", "a", "1")
    assert_error(raw.cmd("GET", "h"), WRONGTYPE)
    assert_error(raw.cmd("APPEND", "h", "x"), WRONGTYPE)


def test_arity_errors(raw):
    for args in (("HGET", "h"), ("HMGET", "h"), ("HGETALL",), ("HDEL", "h"), ("HLEN",),
                 ("HINCRBY", "h", "a"), ("HSETNX", "h", "a"), ("HRANDFIELD",), ("HSCAN", "h")):
        assert_error(raw.cmd(*args), wrong_args(args[0].lower()))


# ----------------------------------------------------------------------------- counters


def test_hincrby(raw):
    assert raw.cmd("HINCRBY", "h", "n", "5") == 5
    assert raw.cmd("HINCRBY", "h", "n", "-7") == -2
    assert raw.cmd("HGET", "h", "n") == b"-2"


def test_hincrby_errors(raw):
    raw.cmd("HSET", "h", "s", "abc", "big", "9223372036854775807", "sp", " 1")
    assert_error(raw.cmd("HINCRBY", "h", "s", "1"), "ERR hash value is not an integer")
    assert_error(raw.cmd("HINCRBY", "h", "sp", "1"), "ERR hash value is not an integer")
    assert_error(raw.cmd("HINCRBY", "h", "big", "1"), "ERR increment or decrement would overflow")
    assert_error(raw.cmd("HINCRBY", "h", "n", "x"), NOT_INT)
    assert_error(raw.cmd("HINCRBY", "h", "n", "1.5"), NOT_INT)
    assert raw.cmd("HGET", "h", "big") == b"9223372036854775807"
    assert raw.cmd("HINCRBY", "h", "m", "-9223372036854775808") == -9223372036854775808
    assert_error(raw.cmd("HINCRBY", "h", "m", "-1"), "ERR increment or decrement would overflow")


def test_hincrby_on_missing_key_with_bad_increment_creates_nothing(raw):
    assert_error(raw.cmd("HINCRBY", "h", "n", "x"), NOT_INT)
    assert raw.cmd("EXISTS", "h") == 0


def test_hincrbyfloat(raw):
    assert raw.cmd("HINCRBYFLOAT", "h", "f", "10.5") == b"10.5"
    assert raw.cmd("HINCRBYFLOAT", "h", "f", "0.1") == b"10.6"
    assert raw.cmd("HINCRBYFLOAT", "h", "f", "-10.6") == b"0"
    assert raw.cmd("HINCRBYFLOAT", "h", "g", "5.0e3") == b"5000"
    raw.cmd("HSET", "h", "i", "3")
    assert raw.cmd("HINCRBYFLOAT", "h", "i", "1") == b"4"


def test_hincrbyfloat_errors(raw):
    raw.cmd("HSET", "h", "s", "abc", "max", "1.7e308")
    assert_error(raw.cmd("HINCRBYFLOAT", "h", "s", "1"), "ERR hash value is not a float")
    assert_error(raw.cmd("HINCRBYFLOAT", "h", "f", "x"), "ERR value is not a valid float")
    assert_error(raw.cmd("HINCRBYFLOAT", "h", "f", "inf"), "ERR value is NaN or Infinity")
    assert_error(raw.cmd("HINCRBYFLOAT", "h", "f", "nan"), "ERR value is not a valid float")
    assert raw.cmd("HEXISTS", "h", "f") == 0


# ----------------------------------------------------------------------------- HRANDFIELD


def test_hrandfield_single(raw):
    raw.cmd("HSET", "h", "a", "1", "b", "2")
    for _ in range(10):
        assert raw.cmd("HRANDFIELD", "h") in (b"a", b"b")


def test_hrandfield_positive_count_distinct(raw):
    fields = {f"f{i}".encode() for i in range(20)}
    raw.cmd("HSET", "h", *[x for f in sorted(fields) for x in (f, b"v")])
    for count in (1, 5, 7, 19, 20, 25, 1000):
        got = raw.cmd("HRANDFIELD", "h", str(count))
        assert len(got) == min(count, 20)
        assert len(set(got)) == len(got) and set(got) <= fields
    assert raw.cmd("HRANDFIELD", "h", "0") == []


def test_hrandfield_negative_count_repeats(raw):
    raw.cmd("HSET", "h", "a", "1")
    assert raw.cmd("HRANDFIELD", "h", "-5") == [b"a"] * 5
    assert raw.cmd("HRANDFIELD", "h", "-3", "WITHVALUES") == [b"a", b"1"] * 3


def test_hrandfield_withvalues(raw):
    data = {f"f{i}".encode(): f"v{i}".encode() for i in range(10)}
    raw.cmd("HSET", "h", *[x for kv in data.items() for x in kv])
    for count in ("3", "8", "10", "50", "-4"):
        got = raw.cmd("HRANDFIELD", "h", count, "withvalues")
        assert len(got) == 2 * min(abs(int(count)), 10 if int(count) > 0 else 99)
        for f, v in zip(got[0::2], got[1::2]):
            assert data[f] == v


def test_hrandfield_withvalues_resp3_nests_pairs(raw):
    raw.cmd("HELLO", "3")
    raw.cmd("HSET", "h", "a", "1")
    assert raw.cmd("HRANDFIELD", "h", "2", "WITHVALUES") == [[b"a", b"1"]]
    assert raw.cmd("HRANDFIELD", "h", "-2", "WITHVALUES") == [[b"a", b"1"], [b"a", b"1"]]


def test_hrandfield_count_errors(raw):
    raw.cmd("HSET", "h", "a", "1")
    assert_error(raw.cmd("HRANDFIELD", "h", "x"), NOT_INT)
    assert_error(raw.cmd("HRANDFIELD", "h", "-9223372036854775808"), RAND_RANGE)
    assert_error(raw.cmd("HRANDFIELD", "h", "1", "WITHVALUE"), SYNTAX)
    assert_error(raw.cmd("HRANDFIELD", "h", "1", "WITHVALUES", "x"), SYNTAX)
    assert_error(raw.cmd("HRANDFIELD", "h", "-9223372036854775807", "WITHVALUES"),
                 "ERR value is out of range")
    assert_error(raw.cmd("HRANDFIELD", "h", "9223372036854775807", "WITHVALUES"),
                 "ERR value is out of range")
    # Huge positive counts are clamped to the hash's size.
    assert raw.cmd("HRANDFIELD", "h", "9223372036854775807") == [b"a"]
    assert raw.cmd("HRANDFIELD", "h", "4611686018427387903", "WITHVALUES") == [b"a", b"1"]


def test_hrandfield_hashtable_encoding(raw):
    raw.cmd("HSET", "h", *[x for i in range(600) for x in (f"f{i}", str(i))])
    assert raw.cmd("OBJECT", "ENCODING", "h") == b"hashtable"
    for count in (5, 300, 599, 600):
        got = raw.cmd("HRANDFIELD", "h", str(count))
        assert len(got) == count == len(set(got))
    got = raw.cmd("HRANDFIELD", "h", "4", "WITHVALUES")
    for f, v in zip(got[0::2], got[1::2]):
        assert f == b"f" + v


# ----------------------------------------------------------------------------- HSCAN


def full_hscan(raw, key, *opts):
    cursor, seen = b"0", {}
    for _ in range(10000):
        cursor, items = raw.cmd("HSCAN", key, cursor, *opts)
        seen.update(pairs(items))
        if cursor == b"0":
            return seen
    raise AssertionError("HSCAN did not terminate")


def test_hscan_listpack_returns_all_at_once(raw):
    raw.cmd("HSET", "h", "a", "1", "b", "2", "c", "3")
    cursor, items = raw.cmd("HSCAN", "h", "0", "COUNT", "1")
    assert cursor == b"0" and pairs(items) == {b"a": b"1", b"b": b"2", b"c": b"3"}
    cursor, items = raw.cmd("HSCAN", "h", "0", "MATCH", "b*")
    assert cursor == b"0" and items == [b"b", b"2"]


def test_hscan_hashtable_iterates_everything(raw):
    raw.cmd("HSET", "h", *[x for i in range(1000) for x in (f"f{i}", f"v{i}")])
    seen = full_hscan(raw, "h", "COUNT", "37")
    assert seen == {f"f{i}".encode(): f"v{i}".encode() for i in range(1000)}
    matched = full_hscan(raw, "h", "MATCH", "f99*")
    assert set(matched) == {b"f99", *{f"f99{i}".encode() for i in range(10)}}


def test_hscan_errors(raw):
    raw.cmd("HSET", "h", "a", "1")
    assert_error(raw.cmd("HSCAN", "h", "x"), "ERR invalid cursor")
    assert_error(raw.cmd("HSCAN", "h", "0", "COUNT", "0"), SYNTAX)
    assert_error(raw.cmd("HSCAN", "h", "0", "COUNT", "x"), NOT_INT)
    assert_error(raw.cmd("HSCAN", "h", "0", "TYPE", "hash"), SYNTAX)
    assert_error(raw.cmd("HSCAN", "h", "0", "MATCH"), SYNTAX)
    # A missing key answers before the options are looked at.
    assert raw.cmd("HSCAN", "nope", "0", "BOGUS") == [b"0", []]


# ----------------------------------------------------------------------------- encodings


def test_encoding_listpack_up_to_max_entries(raw):
    raw.cmd("HSET", "h", *[x for i in range(512) for x in (f"f{i}", "v")])
    assert raw.cmd("OBJECT", "ENCODING", "h") == b"listpack"
    raw.cmd("HSET", "h", "f511", "again")
    assert raw.cmd("OBJECT", "ENCODING", "h") == b"listpack"
    raw.cmd("HSET", "h", "one-more", "v")
    assert raw.cmd("OBJECT", "ENCODING", "h") == b"hashtable"
    assert raw.cmd("HLEN", "h") == 513
    assert raw.cmd("HGET", "h", "f0") == b"v"
    # Never converted back.
    raw.cmd("HDEL", "h", *[f"f{i}" for i in range(500)])
    assert raw.cmd("OBJECT", "ENCODING", "h") == b"hashtable"


def test_encoding_value_length_threshold(raw):
    raw.cmd("HSET", "h", "a", "x" * 64)
    assert raw.cmd("OBJECT", "ENCODING", "h") == b"listpack"
    raw.cmd("HSET", "h", "b", "x" * 65)
    assert raw.cmd("OBJECT", "ENCODING", "h") == b"hashtable"
    raw.cmd("HSET", "h2", "f" * 65, "v")
    assert raw.cmd("OBJECT", "ENCODING", "h2") == b"hashtable"
    assert raw.cmd("HGET", "h", "a") == b"x" * 64


def test_encoding_thresholds_follow_config(raw):
    raw.cmd("CONFIG", "SET", "hash-max-listpack-entries", "4")
    raw.cmd("CONFIG", "SET", "hash-max-listpack-value", "8")
    raw.cmd("HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4")
    assert raw.cmd("OBJECT", "ENCODING", "h") == b"listpack"
    raw.cmd("HSET", "h", "e", "5")
    assert raw.cmd("OBJECT", "ENCODING", "h") == b"hashtable"
    raw.cmd("HINCRBYFLOAT", "h2", "f", "1.000000001")
    assert raw.cmd("OBJECT", "ENCODING", "h2") == b"hashtable"


def test_hincrbyfloat_long_result_converts(raw):
    raw.cmd("CONFIG", "SET", "hash-max-listpack-value", "3")
    raw.cmd("HSET", "h", "f", "1")
    assert raw.cmd("OBJECT", "ENCODING", "h") == b"listpack"
    raw.cmd("HINCRBY", "h", "f", "1000")
    assert raw.cmd("OBJECT", "ENCODING", "h") == b"hashtable"


# ----------------------------------------------------------------------------- keyspace


def test_copy_rename_move_and_expire_of_hashes(raw):
    raw.cmd("HSET", "h", "a", "1", "b", "2")
    assert raw.cmd("COPY", "h", "h2") == 1
    raw.cmd("HSET", "h2", "c", "3")
    assert raw.cmd("HLEN", "h") == 2 and raw.cmd("HLEN", "h2") == 3
    raw.cmd("HSET", "big", *[x for i in range(600) for x in (f"f{i}", "v")])
    assert raw.cmd("COPY", "big", "big2") == 1
    assert raw.cmd("OBJECT", "ENCODING", "big2") == b"hashtable"
    assert raw.cmd("HLEN", "big2") == 600
    assert raw.cmd("RENAME", "h", "r") == "OK"
    assert raw.cmd("HGET", "r", "a") == b"1"
    assert raw.cmd("MOVE", "r", "1") == 1
    raw.cmd("SELECT", "1")
    assert raw.cmd("HGET", "r", "b") == b"2"
    raw.cmd("SELECT", "0")
    assert raw.cmd("PEXPIRE", "h2", "50") == 1
    raw.cmd("HSET", "h2", "d", "4")
    assert raw.cmd("PTTL", "h2") > 0
    import time
    time.sleep(0.12)
    assert raw.cmd("HLEN", "h2") == 0
    assert raw.cmd("EXISTS", "h2") == 0


def test_scan_type_hash(raw):
    raw.cmd("HSET", "h", "a", "1")
    raw.cmd("SET", "s", "1")
    cursor, keys = raw.cmd("SCAN", "0", "TYPE", "hash", "COUNT", "100")
    assert keys == [b"h"]


def test_hset_keeps_ttl(raw):
    raw.cmd("HSET", "h", "a", "1")
    raw.cmd("EXPIRE", "h", "100")
    raw.cmd("HSET", "h", "b", "2")
    raw.cmd("HDEL", "h", "a")
    assert 0 < raw.cmd("TTL", "h") <= 100


# ----------------------------------------------------------------------------- notifications


def keyevents(server, commands):
    """Runs `commands` with hash and generic events on; returns [(event, key)] in order."""
    c = server.raw()
    c.cmd("CONFIG", "SET", "notify-keyspace-events", "Ehg")
    sub = server.raw()
    sub.send(encode_command("PSUBSCRIBE", "__keyevent@0__:*"))
    sub.read_reply()
    for cmd in commands:
        c.cmd(*cmd)
    c.cmd("PUBLISH", "__keyevent@0__:end", "end")
    out = []
    while True:
        msg = sub.read_reply(timeout=3)
        event, key = msg[2].split(b":", 1)[1], msg[3]
        if event == b"end":
            return out
        out.append((event.decode(), key.decode()))


def test_hash_keyspace_events(server):
    events = keyevents(server, [
        ("HSET", "h", "a", "1", "b", "2"), ("HMSET", "h", "a", "3"), ("HSETNX", "h", "a", "x"),
        ("HSETNX", "h", "c", "x"), ("HINCRBY", "h", "n", "1"), ("HINCRBYFLOAT", "h", "f", "1"),
        ("HGET", "h", "a"), ("HDEL", "h", "zz"), ("HDEL", "h", "a", "b", "c"),
        ("HDEL", "h", "n", "f")])
    assert events == [
        ("hset", "h"), ("hset", "h"), ("hset", "h"), ("hincrby", "h"), ("hincrbyfloat", "h"),
        ("hdel", "h"), ("hdel", "h"), ("del", "h")]


# ----------------------------------------------------------------------------- redis-py


def test_redis_py_hash_api(r):
    assert r.hset("user:1", mapping={"name": "ada", "age": "36"}) == 2
    assert r.hgetall("user:1") == {"name": "ada", "age": "36"}
    assert r.hincrby("user:1", "age", 1) == 37
    assert r.hincrbyfloat("user:1", "score", 0.5) == 0.5
    assert r.hmget("user:1", ["name", "nope"]) == ["ada", None]
    assert dict(r.hscan_iter("user:1", match="a*")) == {"age": "37"}
    assert r.hrandfield("user:1", 5, withvalues=True)
    assert r.hdel("user:1", "name", "age", "score") == 3
    assert r.exists("user:1") == 0


def test_redis_cli_hash_session(server):
    assert server.cli("HSET", "h", "a", "1", "b", "2").stdout.strip() == "2"
    assert server.cli("HGETALL", "h").stdout.split() == ["a", "1", "b", "2"]
    out = server.cli("--no-raw", "HGETALL", "h").stdout
    assert '1) "a"' in out and '4) "2"' in out
    assert server.cli("--no-raw", "HGET", "h", "x").stdout.strip() == "(nil)"
