"""LCS: the string, LEN, IDX with MINMATCHLEN/WITHMATCHLEN as Redis 7.0 replies them, errors,
and the bound on the transient table (LEN alone is not bounded: it needs linear memory)."""

import pytest

from conftest import SYNTAX, assert_error


def test_lcs_string_len_and_idx(raw):
    raw.cmd("MSET", "a", "ohmytext", "b", "mynewtext")
    assert raw.cmd("LCS", "a", "b") == b"mytext"
    assert raw.cmd("LCS", "a", "b", "LEN") == 6
    assert raw.cmd("LCS", "a", "b", "IDX") == [
        b"matches", [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], b"len", 6]
    assert raw.cmd("LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN") == [
        b"matches", [[[4, 7], [5, 8], 4]], b"len", 6]
    assert raw.cmd("LCS", "a", "b", "IDX", "MINMATCHLEN", "-5") == raw.cmd("LCS", "a", "b", "IDX")


def test_lcs_missing_keys_and_integers(raw):
    raw.cmd("SET", "a", "ohmytext")
    assert raw.cmd("LCS", "a", "missing") == b""
    assert raw.cmd("LCS", "missing", "missing2", "LEN") == 0
    assert raw.cmd("LCS", "a", "missing", "IDX") == [b"matches", [], b"len", 0]
    raw.cmd("SET", "i", "12345")
    raw.cmd("SET", "j", "2x4")
    assert raw.cmd("LCS", "i", "j") == b"24"


def test_lcs_matches_redis_on_random_strings(server, server_factory):
    import random
    from conftest import REDIS_REFERENCE
    import os
    if not os.path.exists(REDIS_REFERENCE):
        pytest.skip("no /usr/bin/redis-server")
    ours = server.raw()
    theirs = server_factory(binary=REDIS_REFERENCE).raw()
    rng = random.Random(7)
    for _ in range(40):
        a = "".join(rng.choice("abc") for _ in range(rng.randint(0, 40)))
        b = "".join(rng.choice("abc") for _ in range(rng.randint(0, 40)))
        for conn in (ours, theirs):
            conn.cmd("MSET", "a", a, "b", b)
        for opts in ((), ("LEN",), ("IDX", "WITHMATCHLEN"), ("IDX", "MINMATCHLEN", "2")):
            assert ours.cmd("LCS", "a", "b", *opts) == theirs.cmd("LCS", "a", "b", *opts), \
                (a, b, opts)


def test_lcs_errors(raw):
    raw.cmd("MSET", "a", "x", "b", "y")
    raw.cmd("RPUSH", "l", "x")
    assert_error(raw.cmd("LCS", "a", "l"), "ERR The specified keys must contain string values")
    assert_error(raw.cmd("LCS", "a", "b", "IDX", "LEN"),
                 "ERR If you want both the length and indexes, please just use IDX.")
    assert_error(raw.cmd("LCS", "a", "b", "MINMATCHLEN", "x"),
                 "ERR value is not an integer or out of range")
    assert_error(raw.cmd("LCS", "a", "b", "MINMATCHLEN"), SYNTAX)
    assert_error(raw.cmd("LCS", "a", "b", "NOPE"), SYNTAX)


@pytest.mark.redoubt_only
def test_lcs_table_is_bounded_but_len_is_not(raw):
    """Two 6,000-byte strings need a 144 MB table: refused (Redis allows up to
    proto-max-bulk-len, 512 MB). LEN on the same strings works."""
    raw.cmd("SET", "a", "ab" * 3000)
    raw.cmd("SET", "b", "ba" * 3000)
    assert_error(raw.cmd("LCS", "a", "b"), "ERR Insufficient memory, transient memory for LCS*")
    assert_error(raw.cmd("LCS", "a", "b", "IDX"), "ERR Insufficient memory*")
    assert raw.cmd("LCS", "a", "b", "LEN", timeout=60) == 5999
    raw.cmd("SET", "a", "ab" * 2000)
    raw.cmd("SET", "b", "ba" * 2000)
    assert len(raw.cmd("LCS", "a", "b", timeout=60)) == 3999


def test_lcs_refused_past_proto_max_bulk_len(raw):
    raw.cmd("CONFIG", "SET", "proto-max-bulk-len", "1mb")
    raw.cmd("SET", "a", "x" * 600)
    raw.cmd("SET", "b", "y" * 600)
    assert_error(raw.cmd("LCS", "a", "b"), "ERR Insufficient memory, transient memory for LCS*")
