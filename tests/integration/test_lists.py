"""List commands (non-blocking): pushes, pops with COUNT, ranges and indexes, LSET, LINSERT,
LREM, LTRIM, LPOS options, LMOVE/RPOPLPUSH, LMPOP, encodings, and the keys commands on lists."""

import random

import pytest

from conftest import NOT_INT, SYNTAX, WRONGTYPE, Err, assert_error, wrong_args

MUST_BE_POSITIVE = "ERR value is out of range, must be positive"
RANK_ZERO = ("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second "
             "... or use negative to start from the end of the list")
LONG_MIN = "-9223372036854775808"
LONG_MAX = "9223372036854775807"


# ----------------------------------------------------------------------------- pushes


def test_lpush_rpush_return_length_and_order(r):
    assert r.rpush("l", "a", "b") == 2
    assert r.lpush("l", "1", "2") == 4
    assert r.lrange("l", 0, -1) == ["2", "1", "a", "b"]
    assert r.llen("l") == 4
    assert r.llen("missing") == 0


def test_pushx_only_when_key_exists(r):
    assert r.lpushx("l", "a") == 0
    assert r.execute_command("RPUSHX", "l", "a", "b") == 0
    assert r.exists("l") == 0
    r.rpush("l", "x")
    assert r.execute_command("RPUSHX", "l", "y", "z") == 3
    assert r.lpushx("l", "w") == 4
    assert r.lrange("l", 0, -1) == ["w", "x", "y", "z"]


def test_push_arity(raw):
    for cmd in ("LPUSH", "RPUSH", "LPUSHX", "RPUSHX"):
        assert_error(raw.cmd(cmd, "l"), wrong_args(cmd.lower()))


def test_elements_are_binary_safe_and_integers_keep_their_text(rb):
    values = [b"", b"a\x00b\r\n", bytes(range(256)), b"0", b"-1", b"007", b"-0", b"+1",
              b"12345678901", LONG_MIN.encode(), LONG_MAX.encode(), b"99999999999999999999",
              b"x" * 5000, b"1.5"]
    rb.rpush("l", *values)
    assert rb.lrange("l", 0, -1) == values
    assert [rb.lindex("l", i) for i in range(len(values))] == values


# ----------------------------------------------------------------------------- pops


def test_pop_single_and_missing(r):
    r.rpush("l", "a", "b", "c")
    assert r.lpop("l") == "a"
    assert r.rpop("l") == "c"
    assert r.rpop("l") == "b"
    assert r.exists("l") == 0
    assert r.lpop("l") is None


def test_pop_with_count(raw):
    raw.cmd("RPUSH", "l", "a", "b", "c", "d", "e")
    assert raw.cmd("LPOP", "l", "2") == [b"a", b"b"]
    assert raw.cmd("RPOP", "l", "2") == [b"e", b"d"]
    assert raw.cmd("LPOP", "l", "0") == []
    assert raw.cmd("RPOP", "l", LONG_MAX) == [b"c"]
    assert raw.cmd("EXISTS", "l") == 0
    # A missing key answers a null array with a count, a null bulk without.
    assert raw.cmd("LPOP", "l", "0") is None
    assert raw.cmd("LPOP", "l", "5") is None
    raw.send(b"*3\r\n$4\r\nLPOP\r\n$1\r\nl\r\n$1\r\n1\r\n")
    assert raw.read_raw() == b"*-1\r\n"
    raw.send(b"*2\r\n$4\r\nLPOP\r\n$1\r\nl\r\n")
    assert raw.read_raw() == b"$-1\r\n"


def test_pop_count_errors(raw):
    raw.cmd("RPUSH", "l", "a")
    for bad in ("-1", LONG_MIN, "abc", "1.5", ""):
        assert_error(raw.cmd("LPOP", "l", bad), MUST_BE_POSITIVE)
        assert_error(raw.cmd("RPOP", "missing", bad), MUST_BE_POSITIVE)
    assert_error(raw.cmd("LPOP", "l", "1", "2"), wrong_args("lpop"))
    assert_error(raw.cmd("RPOP"), wrong_args("rpop"))
    assert raw.cmd("LLEN", "l") == 1


def test_pop_resp3_nulls(server):
    c = server.raw()
    c.cmd("HELLO", "3")
    c.send(b"*3\r\n$4\r\nLPOP\r\n$1\r\nl\r\n$1\r\n2\r\n")
    assert c.read_raw() == b"_\r\n"


# ----------------------------------------------------------------------------- LRANGE / LINDEX


@pytest.mark.parametrize("start,end", [(0, -1), (-100, 100), (2, 1), (5, 10), (-3, -2), (0, 0),
                                       (-1, -1), (3, 100), (int(LONG_MIN), int(LONG_MAX)),
                                       (int(LONG_MAX), int(LONG_MIN)), (-6, -7)])
def test_lrange_bounds_like_python_slices(r, start, end):
    items = ["a", "b", "c", "d", "e"]
    r.rpush("l", *items)
    n = len(items)
    s = max(start + n if start < 0 else start, 0)
    e = end + n if end < 0 else end
    want = items[s:e + 1] if s <= e and s < n else []
    assert r.lrange("l", start, end) == want


def test_lrange_errors_and_missing(raw):
    raw.cmd("RPUSH", "l", "a")
    assert_error(raw.cmd("LRANGE", "l", "0", "x"), NOT_INT)
    assert_error(raw.cmd("LRANGE", "l", "99999999999999999999", "1"), NOT_INT)
    assert_error(raw.cmd("LRANGE", "missing", "x", "1"), NOT_INT)
    assert raw.cmd("LRANGE", "missing", "0", "-1") == []


def test_lindex(r, raw):
    r.rpush("l", "a", "b", "c")
    assert r.lindex("l", 0) == "a"
    assert r.lindex("l", -1) == "c"
    assert r.lindex("l", -3) == "a"
    assert r.lindex("l", 3) is None
    assert r.lindex("l", -4) is None
    assert r.lindex("l", LONG_MIN) is None
    assert r.lindex("l", LONG_MAX) is None
    assert r.lindex("missing", 0) is None
    assert_error(raw.cmd("LINDEX", "l", "x"), NOT_INT)


# ----------------------------------------------------------------------------- LSET


def test_lset(r, raw):
    r.rpush("l", "a", "b", "c")
    assert r.lset("l", 1, "B") is True
    assert r.lset("l", -1, "C" * 10000) is True
    assert r.lrange("l", 0, -1) == ["a", "B", "C" * 10000]
    assert_error(raw.cmd("LSET", "l", "3", "x"), "ERR index out of range")
    assert_error(raw.cmd("LSET", "l", "-4", "x"), "ERR index out of range")
    assert_error(raw.cmd("LSET", "l", LONG_MIN, "x"), "ERR index out of range")
    assert_error(raw.cmd("LSET", "missing", "0", "x"), "ERR no such key")
    assert_error(raw.cmd("LSET", "missing", "x", "x"), "ERR no such key")
    assert_error(raw.cmd("LSET", "l", "x", "x"), NOT_INT)


# ----------------------------------------------------------------------------- LINSERT


def test_linsert(r, raw):
    r.rpush("l", "a", "b", "a")
    assert r.linsert("l", "BEFORE", "a", "x") == 4
    assert r.linsert("l", "after", "a", "y") == 5
    assert r.lrange("l", 0, -1) == ["x", "a", "y", "b", "a"]
    assert r.linsert("l", "AFTER", "zz", "y") == -1
    assert r.linsert("missing", "AFTER", "zz", "y") == 0
    assert r.exists("missing") == 0
    assert_error(raw.cmd("LINSERT", "l", "middle", "a", "x"), SYNTAX)
    assert_error(raw.cmd("LINSERT", "missing", "middle", "a", "x"), SYNTAX)


def test_linsert_integer_pivot_matches_by_value(r):
    r.rpush("l", "1", "10", "100")
    assert r.linsert("l", "BEFORE", "10", "x") == 4
    assert r.linsert("l", "BEFORE", "010", "x") == -1
    assert r.lrange("l", 0, -1) == ["1", "x", "10", "100"]


# ----------------------------------------------------------------------------- LREM / LTRIM


def test_lrem_directions_and_counts(r, raw):
    r.rpush("l", "a", "b", "a", "c", "a", "a")
    assert r.lrem("l", 1, "a") == 1
    assert r.lrange("l", 0, -1) == ["b", "a", "c", "a", "a"]
    assert r.lrem("l", -2, "a") == 2
    assert r.lrange("l", 0, -1) == ["b", "a", "c"]
    assert r.lrem("l", 0, "zz") == 0
    assert r.lrem("l", 0, "a") == 1
    assert r.lrem("missing", 0, "a") == 0
    assert_error(raw.cmd("LREM", "l", "x", "a"), NOT_INT)
    r.rpush("m", "1", "2", "1", "1")
    assert r.lrem("m", LONG_MIN, "1") == 3
    assert r.lrem("m", 0, "2") == 1
    assert r.exists("m") == 0


@pytest.mark.parametrize("start,end", [(1, -2), (0, -1), (5, 10), (2, 1), (-100, 1), (-2, 100),
                                       (int(LONG_MIN), int(LONG_MAX)), (0, 0)])
def test_ltrim(r, start, end):
    items = ["a", "b", "c", "d"]
    r.rpush("l", *items)
    assert r.ltrim("l", start, end) is True
    n = len(items)
    s = max(start + n if start < 0 else start, 0)
    e = end + n if end < 0 else end
    want = items[s:e + 1] if s <= e and s < n else []
    assert r.lrange("l", 0, -1) == want
    assert r.exists("l") == (1 if want else 0)


def test_ltrim_errors_and_missing(raw):
    assert raw.cmd("LTRIM", "missing", "0", "1") == "OK"
    assert_error(raw.cmd("LTRIM", "missing", "a", "1"), NOT_INT)


# ----------------------------------------------------------------------------- LPOS


def test_lpos_rank_count_maxlen(r):
    r.rpush("l", "a", "b", "c", "1", "2", "3", "c", "c")
    assert r.lpos("l", "c") == 2
    assert r.lpos("l", "c", rank=2) == 6
    assert r.lpos("l", "c", rank=-1) == 7
    assert r.lpos("l", "c", rank=-3) == 2
    assert r.lpos("l", "c", rank=4) is None
    assert r.lpos("l", "c", count=0) == [2, 6, 7]
    assert r.lpos("l", "c", count=2) == [2, 6]
    assert r.lpos("l", "c", count=2, rank=-1) == [7, 6]
    assert r.lpos("l", "c", count=0, maxlen=7) == [2, 6]
    assert r.lpos("l", "c", count=0, rank=-1, maxlen=2) == [7, 6]
    assert r.lpos("l", "c", maxlen=2) is None
    assert r.lpos("l", "zz", count=3) == []
    assert r.lpos("l", "1") == 3
    assert r.lpos("missing", "c") is None
    assert r.lpos("missing", "c", count=1) == []


def test_lpos_rank_long_min_as_redis_7_0(raw):
    raw.cmd("RPUSH", "l", "a", "c", "b", "c", "c")
    # Redis 7.0 negates LONG_MIN into itself: the first match from the tail, and a COUNT
    # that never stops the scan.
    assert raw.cmd("LPOS", "l", "c", "RANK", LONG_MIN) == 4
    assert raw.cmd("LPOS", "l", "c", "RANK", LONG_MIN, "COUNT", "1") == [4, 3, 1]


def test_lpos_errors(raw):
    raw.cmd("RPUSH", "l", "a")
    assert_error(raw.cmd("LPOS", "l", "a", "RANK", "0"), RANK_ZERO)
    assert_error(raw.cmd("LPOS", "l", "a", "RANK", "x"), NOT_INT)
    assert_error(raw.cmd("LPOS", "l", "a", "COUNT", "-1"), "ERR COUNT can't be negative")
    assert_error(raw.cmd("LPOS", "l", "a", "COUNT", "x"), "ERR COUNT can't be negative")
    assert_error(raw.cmd("LPOS", "l", "a", "MAXLEN", "-1"), "ERR MAXLEN can't be negative")
    assert_error(raw.cmd("LPOS", "l", "a", "RANK"), SYNTAX)
    assert_error(raw.cmd("LPOS", "l", "a", "FOO", "1"), SYNTAX)
    assert_error(raw.cmd("LPOS", "missing", "a", "RANK", "0"), RANK_ZERO)


# ----------------------------------------------------------------------------- LMOVE / RPOPLPUSH


def test_lmove_all_directions(r):
    r.rpush("src", "1", "2", "3", "4")
    assert r.lmove("src", "dst", "LEFT", "RIGHT") == "1"
    assert r.lmove("src", "dst", "RIGHT", "LEFT") == "4"
    assert r.lmove("src", "dst", "left", "left") == "2"
    assert r.lmove("src", "dst", "right", "right") == "3"
    assert r.exists("src") == 0
    assert r.lrange("dst", 0, -1) == ["2", "4", "1", "3"]
    assert r.lmove("src", "dst", "LEFT", "LEFT") is None


def test_lmove_same_key_rotates(r):
    r.rpush("l", "a", "b", "c")
    assert r.lmove("l", "l", "LEFT", "RIGHT") == "a"
    assert r.lrange("l", 0, -1) == ["b", "c", "a"]
    assert r.rpoplpush("l", "l") == "a"
    assert r.lrange("l", 0, -1) == ["a", "b", "c"]
    r.rpush("one", "x")
    assert r.rpoplpush("one", "one") == "x"
    assert r.lrange("one", 0, -1) == ["x"]


def test_lmove_errors(r, raw):
    raw.cmd("SET", "s", "v")
    raw.cmd("RPUSH", "l", "a")
    assert_error(raw.cmd("LMOVE", "l", "d", "UP", "LEFT"), SYNTAX)
    assert_error(raw.cmd("LMOVE", "l", "d", "LEFT", "DOWN"), SYNTAX)
    assert_error(raw.cmd("LMOVE", "l", "s", "LEFT", "LEFT"), WRONGTYPE)
    assert_error(raw.cmd("RPOPLPUSH", "l", "s"), WRONGTYPE)
    assert_error(raw.cmd("RPOPLPUSH", "s", "l"), WRONGTYPE)
    assert raw.cmd("LLEN", "l") == 1  # nothing popped
    # A missing source answers null before the destination's type is looked at.
    assert raw.cmd("RPOPLPUSH", "missing", "s") is None


# ----------------------------------------------------------------------------- LMPOP


def test_lmpop(raw):
    raw.cmd("RPUSH", "b", "1", "2", "3")
    raw.cmd("RPUSH", "c", "x")
    assert raw.cmd("LMPOP", "3", "a", "b", "c", "RIGHT", "COUNT", "2") == [b"b", [b"3", b"2"]]
    assert raw.cmd("LMPOP", "2", "a", "b", "left") == [b"b", [b"1"]]
    assert raw.cmd("EXISTS", "b") == 0
    assert raw.cmd("LMPOP", "2", "b", "c", "LEFT", "COUNT", LONG_MAX) == [b"c", [b"x"]]
    assert raw.cmd("LMPOP", "1", "c", "LEFT") is None


def test_lmpop_errors(raw):
    raw.cmd("SET", "s", "v")
    raw.cmd("RPUSH", "l", "a")
    numkeys = "ERR numkeys should be greater than 0"
    assert_error(raw.cmd("LMPOP", "0", "l", "LEFT"), numkeys)
    assert_error(raw.cmd("LMPOP", "-1", "l", "LEFT"), numkeys)
    assert_error(raw.cmd("LMPOP", "x", "l", "LEFT"), numkeys)
    assert_error(raw.cmd("LMPOP", LONG_MAX, "l", "LEFT"), SYNTAX)
    assert_error(raw.cmd("LMPOP", "2", "l", "LEFT"), SYNTAX)
    assert_error(raw.cmd("LMPOP", "1", "l", "MIDDLE"), SYNTAX)
    assert_error(raw.cmd("LMPOP", "1", "l", "LEFT", "COUNT", "0"),
                 "ERR count should be greater than 0")
    assert_error(raw.cmd("LMPOP", "1", "l", "LEFT", "COUNT", "x"),
                 "ERR count should be greater than 0")
    assert_error(raw.cmd("LMPOP", "1", "l", "LEFT", "COUNT", "1", "COUNT", "1"), SYNTAX)
    assert_error(raw.cmd("LMPOP", "1", "l", "LEFT", "COUNT"), SYNTAX)
    assert_error(raw.cmd("LMPOP", "1", "l", "LEFT", "FOO"), SYNTAX)
    assert_error(raw.cmd("LMPOP", "1", "l"), wrong_args("lmpop"))
    assert_error(raw.cmd("LMPOP", "2", "missing", "s", "LEFT"), WRONGTYPE)
    assert raw.cmd("LMPOP", "2", "l", "s", "LEFT") == [b"l", [b"a"]]  # stops at the first list


def test_lmpop_getkeys(raw):
    assert raw.cmd("COMMAND", "GETKEYS", "LMPOP", "2", "a", "b", "LEFT", "COUNT", "1") == \
        [b"a", b"b"]


# ----------------------------------------------------------------------------- types and keys


def test_wrong_type_everywhere(raw):
    raw.cmd("SET", "s", "v")
    for cmd in (("LPUSH", "s", "a"), ("RPUSH", "s", "a"), ("LPUSHX", "s", "a"),
                ("RPUSHX", "s", "a"), ("LPOP", "s"), ("RPOP", "s", "1"), ("LLEN", "s"),
                ("LRANGE", "s", "0", "-1"), ("LINDEX", "s", "0"), ("LSET", "s", "0", "a"),
                ("LINSERT", "s", "BEFORE", "a", "b"), ("LREM", "s", "0", "a"),
                ("LTRIM", "s", "0", "1"), ("LPOS", "s", "a"), ("LMOVE", "s", "d", "LEFT", "LEFT"),
                ("RPOPLPUSH", "s", "d"), ("LMPOP", "1", "s", "LEFT")):
        assert_error(raw.cmd(*cmd), WRONGTYPE)
    raw.cmd("RPUSH", "l", "a")
    assert_error(raw.cmd("GET", "l"), WRONGTYPE)
    assert_error(raw.cmd("APPEND", "l", "x"), WRONGTYPE)


def test_type_encoding_copy_rename_move(r):
    r.rpush("l", "a", "b")
    assert r.type("l") == "list"
    assert r.object("encoding", "l") == "quicklist"
    assert r.copy("l", "c") is True
    r.rpop("l")
    assert r.lrange("c", 0, -1) == ["a", "b"]
    assert r.rename("c", "d") is True
    assert r.lrange("d", 0, -1) == ["a", "b"]
    assert r.move("d", 1) is True
    r.execute_command("SELECT", 1)
    assert r.lrange("d", 0, -1) == ["a", "b"]
    assert r.scan(0, _type="list", count=100)[1] == ["d"]


def test_expiry_removes_list(r):
    r.rpush("l", "a")
    r.pexpire("l", 50)
    assert r.ttl("l") in (0, 1)
    import time
    time.sleep(0.1)
    assert r.llen("l") == 0
    assert r.lpushx("l", "x") == 0
    assert r.exists("l") == 0


def test_big_list_nodes_and_random_ops_against_python(r):
    rnd = random.Random(7)
    model = []
    p = r.pipeline(transaction=False)
    for i in range(0, 20000, 500):
        chunk = [str(j) if j % 3 else f"element:{j}" for j in range(i, i + 500)]
        p.rpush("l", *chunk)
        model.extend(chunk)
    p.execute()
    assert r.object("encoding", "l") == "quicklist"
    for _ in range(300):
        op = rnd.randrange(6)
        if op == 0:
            v = str(rnd.randrange(-5000, 5000))
            assert r.lpush("l", v) == len(model) + 1
            model.insert(0, v)
        elif op == 1:
            i = rnd.randrange(len(model))
            v = "x" * rnd.randrange(0, 100)
            r.lset("l", i, v)
            model[i] = v
        elif op == 2:
            i = rnd.randrange(-len(model), len(model))
            assert r.lindex("l", i) == model[i]
        elif op == 3:
            pivot = model[rnd.randrange(len(model))]
            assert r.linsert("l", "AFTER", pivot, "ins") == len(model) + 1
            model.insert(model.index(pivot) + 1, "ins")
        elif op == 4:
            s = rnd.randrange(len(model))
            assert r.lrange("l", s, s + 50) == model[s:s + 51]
        else:
            n = rnd.randrange(1, 30)
            assert r.rpop("l", n) == model[-n:][::-1]
            del model[-n:]
    assert r.llen("l") == len(model)
    assert r.lrange("l", 0, -1) == model
    assert r.lrem("l", 0, "ins") == model.count("ins")


def test_list_commands_through_redis_cli(server):
    out = server.cli("RPUSH", "l", "a", "b", "c")
    assert out.stdout.strip() == "3"
    out = server.cli("LRANGE", "l", "0", "-1")
    assert out.stdout.split() == ["a", "b", "c"]
    out = server.cli("LPOS", "l", "b")
    assert out.stdout.strip() == "1"


# ----------------------------------------------------------------------------- notifications


def _events(server, r, commands):
    """The __keyevent@0__ (event, key) pairs the commands cause, in order."""
    r.config_set("notify-keyspace-events", "Elg")
    sub = server.client()
    p = sub.pubsub()
    p.psubscribe("__keyevent@0__:*")
    assert p.get_message(timeout=2)["type"] == "psubscribe"
    for cmd in commands:
        r.execute_command(*cmd)
    r.execute_command("PING")
    out = []
    while True:
        m = p.get_message(timeout=0.5)
        if m is None:
            break
        out.append((m["channel"].split(":", 1)[1], m["data"]))
    p.close()
    return out


def test_keyspace_events_of_list_commands(server, r):
    got = _events(server, r, [
        ("RPUSH", "l", "a", "b", "c"), ("LPUSHX", "l", "z"), ("LPUSHX", "none", "z"),
        ("LSET", "l", "0", "y"), ("LINSERT", "l", "BEFORE", "a", "x"), ("LREM", "l", "0", "x"),
        ("LREM", "l", "0", "nothing"), ("LTRIM", "l", "0", "-1"), ("LMOVE", "l", "m", "LEFT", "RIGHT"),
        ("RPOP", "l", "10"), ("LMPOP", "1", "m", "LEFT"), ("LPOS", "m", "a")])
    assert got == [("rpush", "l"), ("lpush", "l"), ("lset", "l"), ("linsert", "l"), ("lrem", "l"),
                   ("ltrim", "l"), ("rpush", "m"), ("lpop", "l"), ("rpop", "l"), ("del", "l"),
                   ("lpop", "m"), ("del", "m")]
