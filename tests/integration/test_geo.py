"""Geo commands against redis-server 7.0 in the same run: identical scores (52-bit geohash),
coordinates, distances and rounding, geohash strings, search results and stored sets, and the
argument errors of Redis 7.0."""

import os
import random

import pytest

from conftest import REDIS_REFERENCE, SYNTAX, WRONGTYPE, assert_error

needs_redis = pytest.mark.skipif(not os.path.exists(REDIS_REFERENCE),
                                 reason="no /usr/bin/redis-server")

SICILY = ["13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"]


@pytest.fixture
def pair(server, server_factory):
    if not os.path.exists(REDIS_REFERENCE):
        pytest.skip("no /usr/bin/redis-server")
    return server.raw(), server_factory(binary=REDIS_REFERENCE).raw()


def both(pair, *cmd):
    ours, theirs = pair
    a, b = ours.cmd(*cmd), theirs.cmd(*cmd)
    assert a == b, (cmd, a, b)
    return a


def test_geoadd_and_documented_example(raw):
    assert raw.cmd("GEOADD", "Sicily", *SICILY) == 2
    assert raw.cmd("GEODIST", "Sicily", "Palermo", "Catania") == b"166274.1516"
    assert raw.cmd("GEODIST", "Sicily", "Palermo", "Catania", "km") == b"166.2742"
    assert raw.cmd("GEOHASH", "Sicily", "Palermo", "Catania", "x") == [
        b"sqc8b49rny0", b"sqdtr74hyu0", None]
    assert raw.cmd("GEOPOS", "Sicily", "Palermo", "nope") == [
        [b"13.36138933897018433", b"38.11555639549629859"], None]
    assert raw.cmd("GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "ASC") == [
        [b"Catania", b"56.4413"], [b"Palermo", b"190.4424"]]
    assert raw.cmd("ZSCORE", "Sicily", "Palermo") == b"3479099956230698"


def test_geoadd_options_and_errors(raw):
    assert raw.cmd("GEOADD", "g", "NX", *SICILY) == 2
    assert raw.cmd("GEOADD", "g", "NX", "1", "1", "Palermo") == 0
    assert raw.cmd("GEOADD", "g", "XX", "CH", "1", "1", "Palermo", "2", "2", "New") == 1
    assert raw.cmd("ZCARD", "g") == 2
    assert_error(raw.cmd("GEOADD", "g", "NX", "XX", "1", "1", "a"), SYNTAX)
    assert_error(raw.cmd("GEOADD", "g", "1", "1"), "ERR wrong number of arguments for 'geoadd' command")
    assert_error(raw.cmd("GEOADD", "g", "1", "1", "a", "2"), SYNTAX)
    assert_error(raw.cmd("GEOADD", "g", "181", "0", "a"),
                 "ERR invalid longitude,latitude pair 181.000000,0.000000")
    assert_error(raw.cmd("GEOADD", "g", "x", "0", "a"), "ERR value is not a valid float")
    raw.cmd("SET", "s", "x")
    assert_error(raw.cmd("GEOADD", "s", "1", "1", "a"), WRONGTYPE)
    assert_error(raw.cmd("GEOPOS", "s", "a"), WRONGTYPE)
    assert_error(raw.cmd("GEODIST", "g", "a", "b", "parsec"),
                 "ERR unsupported unit provided. please use M, KM, FT, MI")
    assert raw.cmd("GEODIST", "missing", "a", "b") is None
    assert raw.cmd("GEOPOS", "missing", "a") == [None]


def random_points(rng, n):
    out = []
    for i in range(n):
        out += [f"{rng.uniform(-180, 180):.6f}", f"{rng.uniform(-85, 85):.6f}", f"p{i}"]
    return out


def test_scores_positions_hashes_and_distances_equal_redis(pair):
    rng = random.Random(3)
    pts = random_points(rng, 300) + ["180", "85.05112878", "edge1", "-180", "-85.05112878",
                                     "edge2", "0", "0", "zero"]
    both(pair, "GEOADD", "g", *pts)
    members = [pts[i] for i in range(2, len(pts), 3)]
    assert both(pair, "ZRANGE", "g", 0, -1, "WITHSCORES")
    both(pair, "GEOPOS", "g", *members)
    both(pair, "GEOHASH", "g", *members)
    for _ in range(200):
        a, b = rng.choice(members), rng.choice(members)
        for unit in ("m", "km", "ft", "mi"):
            both(pair, "GEODIST", "g", a, b, unit)


def test_searches_equal_redis(pair):
    rng = random.Random(5)
    pts = []
    for i in range(400):  # a cluster around Rome, and some far away
        pts += [f"{12.5 + rng.uniform(-1, 1):.6f}", f"{41.9 + rng.uniform(-1, 1):.6f}", f"r{i}"]
    pts += random_points(rng, 50)
    both(pair, "GEOADD", "g", *pts)
    for radius, unit in ((10, "km"), (50, "km"), (30, "mi"), (100000, "ft"), (0, "m")):
        both(pair, "GEORADIUS", "g", "12.5", "41.9", radius, unit, "WITHDIST", "WITHCOORD",
             "WITHHASH", "ASC")
        both(pair, "GEORADIUS_RO", "g", "12.5", "41.9", radius, unit, "DESC", "COUNT", 7)
        both(pair, "GEORADIUSBYMEMBER", "g", "r0", radius, unit, "WITHDIST", "ASC")
        both(pair, "GEORADIUSBYMEMBER_RO", "g", "r1", radius, unit, "COUNT", 3, "WITHDIST")
        both(pair, "GEOSEARCH", "g", "FROMLONLAT", "12.5", "41.9", "BYRADIUS", radius, unit,
             "ASC", "WITHDIST")
        both(pair, "GEOSEARCH", "g", "FROMMEMBER", "r2", "BYBOX", radius * 2, radius, unit,
             "DESC", "WITHCOORD")
        n = both(pair, "GEOSEARCHSTORE", "dst", "g", "FROMLONLAT", "12.5", "41.9", "BYBOX",
                 radius * 3, radius * 3, unit, "ASC", "COUNT", 20, "STOREDIST")
        both(pair, "ZRANGE", "dst", 0, -1, "WITHSCORES")
        both(pair, "GEORADIUS", "g", "12.5", "41.9", radius, unit, "STORE", "dst2")
        both(pair, "ZRANGE", "dst2", 0, -1, "WITHSCORES")
        assert isinstance(n, int)
    # Result sets (unordered) agree, ANY included.
    ours, theirs = pair
    a = ours.cmd("GEOSEARCH", "g", "FROMLONLAT", "12.5", "41.9", "BYRADIUS", 60, "km")
    b = theirs.cmd("GEOSEARCH", "g", "FROMLONLAT", "12.5", "41.9", "BYRADIUS", 60, "km")
    assert sorted(a) == sorted(b)
    assert len(ours.cmd("GEOSEARCH", "g", "FROMMEMBER", "r0", "BYRADIUS", 500, "km", "COUNT",
                        5, "ANY")) == 5


def test_search_errors_equal_redis(pair):
    both(pair, "GEOADD", "g", *SICILY)
    both(pair, "SET", "s", "x")
    cases = [
        ("GEORADIUS", "g", "15", "37", "-1", "km"),
        ("GEORADIUS", "g", "15", "37", "x", "km"),
        ("GEORADIUS", "g", "15", "37", "1", "lightyear"),
        ("GEORADIUS", "g", "15", "37", "1", "km", "COUNT", "0"),
        ("GEORADIUS", "g", "15", "37", "1", "km", "ANY"),
        ("GEORADIUS", "g", "15", "37", "1", "km", "STORE", "d", "WITHDIST"),
        ("GEORADIUS_RO", "g", "15", "37", "1", "km", "STORE", "d"),
        ("GEORADIUSBYMEMBER", "g", "nobody", "1", "km"),
        ("GEORADIUSBYMEMBER", "missing", "nobody", "1", "km"),
        ("GEORADIUSBYMEMBER", "missing", "nobody", "1", "km", "STORE", "d"),
        ("GEOSEARCH", "g", "BYRADIUS", "1", "km", "ASC"),
        ("GEOSEARCH", "g", "FROMLONLAT", "15", "37", "ASC", "COUNT", "1"),
        ("GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYBOX", "-1", "1", "km"),
        ("GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYBOX", "1", "x", "km"),
        ("GEOSEARCH", "g", "FROMMEMBER", "Palermo", "FROMLONLAT", "1", "2", "BYRADIUS", 1, "m"),
        ("GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "STORE", "x"),
        ("GEOSEARCHSTORE", "d", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km",
         "WITHDIST"),
        ("GEOSEARCH", "s", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km"),
        ("GEOSEARCH", "missing", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km"),
        ("GEOSEARCH", "g", "FROMLONLAT", "15", "100", "BYRADIUS", "1", "km"),
    ]
    for cmd in cases:
        both(pair, *cmd)


def test_resp3_coordinates_are_doubles(server):
    raw = server.raw()
    raw.cmd("HELLO", 3)
    raw.cmd("GEOADD", "g", *SICILY)
    pos = raw.cmd("GEOPOS", "g", "Palermo")
    assert [float(x) for x in pos[0]] == pytest.approx([13.361389, 38.115556], abs=1e-5)
    assert raw.cmd("GEODIST", "g", "Palermo", "Catania") == b"166274.1516"
