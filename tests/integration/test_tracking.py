"""Client-side caching (CLIENT TRACKING), as Redis 7.0's tests/unit/tracking.tcl pins it:
RESP3 invalidation pushes, RESP2 redirection through __redis__:invalidate, BCAST prefixes,
OPTIN/OPTOUT with CLIENT CACHING, NOLOOP, flushes, expiry, eviction, tracking-table-max-keys,
scripts and transactions, broken redirections, CLIENT TRACKINGINFO/GETREDIR, INFO and the
error texts."""

import os
import time

import pytest

from conftest import REDIS_REFERENCE, Push, assert_error, encode_command, wait_until

CHANNEL = b"__redis__:invalidate"


def resp3(server):
    c = server.raw()
    assert c.cmd("HELLO", "3")[b"proto"] == 3
    return c


def redirect_sink(server):
    """A RESP2 connection subscribed to __redis__:invalidate, and its client id."""
    sink = server.raw()
    cid = sink.cmd("CLIENT", "ID")
    sink.send(encode_command("SUBSCRIBE", "__redis__:invalidate"))
    assert sink.read_reply() == [b"subscribe", CHANNEL, 1]
    return sink, cid


def invalidated(sink):
    """The keys of the next invalidation a RESP2 redirect sink receives (None: a flush)."""
    msg = sink.read_reply()
    assert msg[:2] == [b"message", CHANNEL], msg
    return msg[2]


def trackinginfo(conn):
    """CLIENT TRACKINGINFO as a dict (RESP2 replies it as a flat array)."""
    if hasattr(conn, "cmd"):
        reply = conn.cmd("CLIENT", "TRACKINGINFO")
    else:
        reply = conn.execute_command("CLIENT", "TRACKINGINFO")
    return reply if isinstance(reply, dict) else dict(zip(reply[0::2], reply[1::2]))


def nothing_more(conn, wait=0.3):
    return conn.read_raw(timeout=wait) == b""


def test_resp3_invalidation_push(server):
    writer = server.client()
    c = resp3(server)
    assert c.cmd("CLIENT", "TRACKING", "on") == "OK"
    writer.set("key1", "1")
    assert c.cmd("GET", "key1") == b"1"
    writer.set("key1", "2")
    push = c.read_reply()
    assert isinstance(push, Push) and push == [b"invalidate", [b"key1"]]
    # Invalidated keys leave the table: a second change sends nothing until read again.
    writer.set("key1", "3")
    assert nothing_more(c)


def test_own_write_invalidation_follows_the_reply(server):
    c = resp3(server)
    c.cmd("CLIENT", "TRACKING", "on")
    c.cmd("HSET", "myhash", "f", "1")
    assert c.cmd("HGET", "myhash", "f") == b"1"
    assert c.cmd("HDEL", "myhash", "f") == 1
    assert c.read_reply() == [b"invalidate", [b"myhash"]]


def test_transaction_reply_comes_before_invalidation(server):
    c = resp3(server)
    c.cmd("CLIENT", "TRACKING", "on")
    c.cmd("MSET", "a{t}", "1", "b{t}", "2")
    c.cmd("GET", "a{t}")
    c.cmd("MULTI")
    c.cmd("INCR", "a{t}")
    c.cmd("GET", "b{t}")
    assert c.cmd("EXEC") == [2, b"2"]
    assert c.read_reply() == [b"invalidate", [b"a{t}"]]


def test_resp2_redirect_through_invalidate_channel(server):
    sink, cid = redirect_sink(server)
    r = server.client()
    assert r.execute_command("CLIENT", "TRACKING", "on", "REDIRECT", cid) == "OK"
    r.set("a{t}", 1)
    r.set("b{t}", 1)
    r.get("a{t}")
    r.incr("b{t}")  # never read: no message
    r.incr("a{t}")
    assert invalidated(sink) == [b"a{t}"]
    assert nothing_more(sink)


def test_different_clients_redirect_to_the_same_connection(server):
    sink, cid = redirect_sink(server)
    r1, r2, writer = server.client(), server.client(), server.client()
    r1.execute_command("CLIENT", "TRACKING", "on", "REDIRECT", cid)
    r2.execute_command("CLIENT", "TRACKING", "on", "REDIRECT", cid)
    writer.mset({"key1{t}": 1, "key2{t}": 1})
    r1.get("key1{t}")
    r2.get("key2{t}")
    writer.incr("key1{t}")
    writer.incr("key2{t}")
    assert invalidated(sink) == [b"key1{t}"]
    assert invalidated(sink) == [b"key2{t}"]


def test_resp2_client_without_redirect_gets_no_messages(server):
    c = server.raw()
    assert c.cmd("CLIENT", "TRACKING", "on") == "OK"
    c.cmd("GET", "k")
    server.client().set("k", "v")
    assert nothing_more(c)
    assert c.cmd("PING") == "PONG"


def test_bcast_with_empty_prefix_reports_every_key(server):
    sink, cid = redirect_sink(server)
    r = server.client()
    r.execute_command("CLIENT", "TRACKING", "on", "BCAST", "REDIRECT", cid)
    r.mset({"a{t}": 1, "b{t}": 2, "c{t}": 3})
    assert sorted(invalidated(sink)) == [b"a{t}", b"b{t}", b"c{t}"]


def test_bcast_with_prefixes(server):
    sink, cid = redirect_sink(server)
    r = server.client()
    r.execute_command("CLIENT", "TRACKING", "on", "BCAST", "REDIRECT", cid, "PREFIX", "a:",
                      "PREFIX", "b:")
    p = r.pipeline(transaction=True)
    for k in ("a:1{t}", "a:2{t}", "b:1{t}", "b:2{t}", "c:1{t}"):
        p.incr(k)
    p.execute()
    # One message per prefix, each with that prefix's keys.
    got = sorted([sorted(invalidated(sink)), sorted(invalidated(sink))])
    assert got == [[b"a:1{t}", b"a:2{t}"], [b"b:1{t}", b"b:2{t}"]]
    assert nothing_more(sink)
    # Adding a prefix keeps the old ones.
    r.execute_command("CLIENT", "TRACKING", "on", "BCAST", "REDIRECT", cid, "PREFIX", "c:")
    r.incr("c:1234")
    assert invalidated(sink) == [b"c:1234"]
    info = trackinginfo(r)
    assert sorted(info["prefixes"]) == ["a:", "b:", "c:"]


def test_bcast_resp3_push_on_same_connection(server):
    c = resp3(server)
    c.cmd("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:")
    server.client().set("user:1", "x")
    server.client().set("other", "x")
    assert c.read_reply() == [b"invalidate", [b"user:1"]]
    assert nothing_more(c)


def test_optin_tracks_only_after_caching_yes(server):
    sink, cid = redirect_sink(server)
    r, writer = server.client(), server.client()
    r.execute_command("CLIENT", "TRACKING", "on", "OPTIN", "REDIRECT", cid)
    writer.set("key1", 1)
    r.get("key1")  # not tracked: no CACHING yes
    writer.set("key1", 2)
    assert nothing_more(sink)
    assert r.execute_command("CLIENT", "CACHING", "yes") == "OK"
    r.get("key1")
    writer.set("key1", 3)
    assert invalidated(sink) == [b"key1"]
    # The hint covers one command only.
    r.get("key1")
    writer.set("key1", 4)
    assert nothing_more(sink)


def test_optout_skips_after_caching_no(server):
    sink, cid = redirect_sink(server)
    r, writer = server.client(), server.client()
    r.execute_command("CLIENT", "TRACKING", "on", "OPTOUT", "REDIRECT", cid)
    writer.set("key1", 1)
    assert r.execute_command("CLIENT", "CACHING", "no") == "OK"
    r.get("key1")
    writer.set("key1", 2)
    writer.set("key2", 1)
    r.get("key2")
    writer.set("key2", 2)
    assert invalidated(sink) == [b"key2"]
    assert nothing_more(sink)


def test_noloop_in_standard_mode(server):
    sink, cid = redirect_sink(server)
    r, writer = server.client(), server.client()
    r.execute_command("CLIENT", "TRACKING", "on", "REDIRECT", cid, "NOLOOP")
    r.mget("otherkey1{t}", "loopkey{t}", "otherkey2{t}")
    writer.set("otherkey1{t}", 1)
    r.set("loopkey{t}", 1)
    writer.set("otherkey2{t}", 1)
    assert invalidated(sink) == [b"otherkey1{t}"]
    assert invalidated(sink) == [b"otherkey2{t}"]
    assert nothing_more(sink)


def test_noloop_in_bcast_mode(server):
    sink, cid = redirect_sink(server)
    r, writer = server.client(), server.client()
    r.execute_command("CLIENT", "TRACKING", "on", "BCAST", "REDIRECT", cid, "NOLOOP")
    writer.set("otherkey1", 1)
    r.set("loopkey", 1)
    writer.set("otherkey2", 1)
    assert invalidated(sink) == [b"otherkey1"]
    assert invalidated(sink) == [b"otherkey2"]
    assert nothing_more(sink)


def test_noloop_script_writes_are_the_callers(server):
    c = resp3(server)
    assert c.cmd("CLIENT", "TRACKING", "on", "NOLOOP") == "OK"
    c.cmd("SET", "key1", "1")
    assert c.cmd("GET", "key1") == b"1"
    c.cmd("EVAL", "return redis.call('set', 'key1', '2')", "0")
    assert c.cmd("GET", "key1") == b"2"
    assert nothing_more(c)
    # Another client's script is not the caller's own change: it is reported.
    server.client().eval("return redis.call('set', 'key1', '3')", 0)
    assert c.read_reply() == [b"invalidate", [b"key1"]]


def test_scripts_track_their_declared_keys_when_they_read(server):
    c = resp3(server)
    writer = server.client()
    c.cmd("CLIENT", "TRACKING", "on")
    writer.mset({"key1{t}": 1, "key2{t}": 1})
    # A script that reads nothing tracks nothing.
    c.cmd("EVAL", "redis.call('set', 'key3{t}', 'bar')", "2", "key1{t}", "key2{t}")
    writer.mset({"key2{t}": 2, "key1{t}": 2})
    assert nothing_more(c)
    # A script that reads tracks the keys it declared.
    c.cmd("EVAL", "redis.call('get', 'key3{t}')", "2", "key1{t}", "key2{t}")
    writer.mset({"key2{t}": 2, "key1{t}": 2})
    assert c.read_reply() == [b"invalidate", [b"key2{t}"]]
    assert c.read_reply() == [b"invalidate", [b"key1{t}"]]


def test_script_and_transaction_writes_invalidate_readers(server):
    c = resp3(server)
    c.cmd("CLIENT", "TRACKING", "on")
    writer = server.client()
    writer.mset({"s1": 1, "s2": 1})
    c.cmd("MGET", "s1", "s2")
    writer.eval("redis.call('incr', KEYS[1])", 1, "s1")
    assert c.read_reply() == [b"invalidate", [b"s1"]]
    p = writer.pipeline(transaction=True)
    p.delete("s2")
    p.execute()
    assert c.read_reply() == [b"invalidate", [b"s2"]]


def test_redirect_to_a_resp3_client(server):
    target = resp3(server)
    cid = target.cmd("CLIENT", "ID")
    r, writer = server.client(), server.client()
    r.execute_command("CLIENT", "TRACKING", "on", "REDIRECT", cid)
    writer.set("key1", 1)
    r.get("key1")
    writer.incr("key1")
    push = target.read_reply()
    assert isinstance(push, Push) and push == [b"invalidate", [b"key1"]]


def test_flushall_and_flushdb_send_null_invalidation(server):
    sink, cid = redirect_sink(server)
    r, writer = server.client(), server.client()
    r.execute_command("CLIENT", "TRACKING", "on", "REDIRECT", cid)
    r.get("key1")
    r.get("key2")
    assert r.info("stats")["tracking_total_keys"] == 2
    writer.flushall()
    assert invalidated(sink) is None
    assert r.info("stats")["tracking_total_keys"] == 0
    writer.flushdb()
    assert invalidated(sink) is None
    c = resp3(server)
    c.cmd("CLIENT", "TRACKING", "on")
    writer.execute_command("FLUSHALL", "ASYNC")
    assert c.read_reply() == [b"invalidate", None]


def test_own_flushdb_in_transaction_invalidates_after_exec(server):
    c = resp3(server)
    c.cmd("CLIENT", "TRACKING", "on")
    c.cmd("SET", "a", "1")
    c.cmd("GET", "a")
    c.cmd("MULTI")
    c.cmd("FLUSHDB")
    assert c.cmd("EXEC") == ["OK"]
    assert c.read_reply() == [b"invalidate", None]


def test_expired_keys_are_invalidated(server):
    sink, cid = redirect_sink(server)
    r = server.client()
    r.execute_command("CLIENT", "TRACKING", "on", "BCAST", "REDIRECT", cid, "NOLOOP")
    r.set("mykey", "myval", px=1)
    r.set("mykeyotherkey", "myval")  # NOLOOP: the client's own write
    # The expiry is the server's change, not the client's: NOLOOP does not hide it.
    assert invalidated(sink) == [b"mykey"]


def test_expiry_of_a_read_key_invalidates_it(server):
    c = resp3(server)
    server.client().set("ttl", "v", px=100)
    c.cmd("CLIENT", "TRACKING", "on")
    assert c.cmd("GET", "ttl") == b"v"
    assert c.read_reply(timeout=5) == [b"invalidate", [b"ttl"]]


def test_eviction_invalidation_comes_before_the_reply(server):
    c = resp3(server)
    c.cmd("CLIENT", "TRACKING", "on")
    info = server.client().info("memory")
    limit = info["used_memory"] + 300 * 1024
    c.cmd("CONFIG", "SET", "maxmemory-policy", "volatile-random")
    c.cmd("CONFIG", "SET", "maxmemory", str(limit))
    c.cmd("SETEX", "volatile-key", "10000", "x")
    c.cmd("GET", "volatile-key")
    c.cmd("SETBIT", "big-key", str(8 * 600 * 1024), "0")  # ~600 KB: over the limit
    assert c.cmd("GETBIT", "big-key", "0") == [b"invalidate", [b"volatile-key"]]
    assert c.read_reply() == 0
    c.cmd("CONFIG", "SET", "maxmemory", "0")


def test_tracking_table_max_keys_evicts_with_invalidations(server):
    sink, cid = redirect_sink(server)
    r = server.client()
    r.execute_command("CLIENT", "TRACKING", "on", "REDIRECT", cid)
    n = 250
    p = r.pipeline(transaction=False)
    for i in range(n):
        p.get(f"key{i}")
    p.execute()
    assert r.info("stats")["tracking_total_keys"] == n
    r.config_set("tracking-table-max-keys", 1)
    # The first pass evicts 100, the next (from the cron, the server idle) 200: enough.
    seen = set()
    for _ in range(n - 1):
        seen.update(invalidated(sink))
    assert len(seen) == n - 1
    sink.send(encode_command("PING"))
    assert sink.read_reply() == [b"pong", b""]
    assert r.info("stats")["tracking_total_keys"] == 1


def test_broken_redirect_is_reported_in_resp3(server):
    sink, cid = redirect_sink(server)
    c = resp3(server)
    c.cmd("CLIENT", "TRACKING", "on", "REDIRECT", str(cid))
    c.cmd("GET", "key1")
    sink.close()
    wait_until(lambda: all(
        f"id={cid} " not in l for l in server.client().execute_command("CLIENT", "LIST")
        .splitlines()))
    server.client().set("key1", "2")
    assert c.read_reply() == [b"tracking-redir-broken", cid]
    info = c.cmd("CLIENT", "TRACKINGINFO")
    assert info[b"flags"] == [b"on", b"broken_redirect"]
    assert info[b"redirect"] == cid


def test_switching_to_bcast_drops_per_key_messages(server):
    c = resp3(server)
    writer = server.client()
    c.cmd("CLIENT", "TRACKING", "on")
    writer.set("key1", 1)
    c.cmd("GET", "key1")
    c.cmd("CLIENT", "TRACKING", "off")
    c.cmd("CLIENT", "TRACKING", "on", "BCAST")
    writer.incr("key1")
    assert c.cmd("PING") == [b"invalidate", [b"key1"]]
    assert c.read_reply() == "PONG"


def test_unblocked_client_gets_invalidation_after_its_reply(server):
    r = server.client()
    r.rpush("list2{t}", "a")
    c = resp3(server)
    c.cmd("CLIENT", "TRACKING", "on")
    c.cmd("LRANGE", "list2{t}", "0", "-1")
    c.send(encode_command("BLMOVE", "list1{t}", "list2{t}", "left", "left", "0"))
    wait_until(lambda: r.info("clients")["blocked_clients"] == 1)
    r.rpush("list1{t}", "foo")
    assert c.read_reply() == b"foo"
    assert c.read_reply() == [b"invalidate", [b"list2{t}"]]


def test_tracking_option_errors(server):
    c = server.raw()
    cid = c.cmd("CLIENT", "ID")
    assert_error(c.cmd("CLIENT", "TRACKING", "on", "PREFIX", "a"),
                 "ERR PREFIX option requires BCAST mode to be enabled")
    assert_error(c.cmd("CLIENT", "TRACKING", "on", "BCAST", "OPTIN"),
                 "ERR OPTIN and OPTOUT are not compatible with BCAST")
    assert_error(c.cmd("CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT"),
                 "ERR You can't specify both OPTIN mode and OPTOUT mode")
    assert_error(c.cmd("CLIENT", "TRACKING", "on", "REDIRECT", "999999"),
                 "ERR The client ID you want redirect to does not exist")
    assert_error(c.cmd("CLIENT", "TRACKING", "on", "REDIRECT", "x"),
                 "ERR value is not an integer or out of range")
    assert_error(c.cmd("CLIENT", "TRACKING", "on", "REDIRECT", str(cid), "REDIRECT", str(cid)),
                 "ERR A client can only redirect to a single other client")
    assert_error(c.cmd("CLIENT", "TRACKING", "on", "BOGUS"), "ERR syntax error")
    assert_error(c.cmd("CLIENT", "TRACKING", "maybe"), "ERR syntax error")
    assert_error(c.cmd("CLIENT", "CACHING", "yes"),
                 "ERR CLIENT CACHING can be called only when the client is in tracking mode "
                 "with OPTIN or OPTOUT mode enabled")
    c.cmd("CLIENT", "TRACKING", "on")
    assert_error(c.cmd("CLIENT", "CACHING", "yes"),
                 "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.")
    assert_error(c.cmd("CLIENT", "CACHING", "no"),
                 "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.")
    assert_error(c.cmd("CLIENT", "CACHING", "maybe"), "ERR syntax error")
    assert_error(c.cmd("CLIENT", "TRACKING", "on", "BCAST"),
                 "ERR You can't switch BCAST mode on/off before disabling tracking for this "
                 "client, and then re-enabling it with a different mode.")
    c.cmd("CLIENT", "TRACKING", "off")
    c.cmd("CLIENT", "TRACKING", "on", "OPTIN")
    assert_error(c.cmd("CLIENT", "TRACKING", "on", "OPTOUT"),
                 "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this "
                 "client, and then re-enabling it with a different mode.")


def test_bcast_prefix_collisions(server):
    c = server.raw()
    assert_error(c.cmd("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "FOOBAR", "PREFIX", "FOO"),
                 "ERR Prefix 'FOOBAR' overlaps with another provided prefix 'FOO'. Prefixes for "
                 "a single client must not overlap.")
    assert_error(c.cmd("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "FOO", "PREFIX", "FOOBAR"),
                 "ERR Prefix 'FOO' overlaps with another provided prefix 'FOOBAR'. Prefixes for "
                 "a single client must not overlap.")
    assert c.cmd("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "FOO", "PREFIX", "BAR") == "OK"
    assert_error(c.cmd("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "FO"),
                 "ERR Prefix 'FO' overlaps with an existing prefix 'FOO'. Prefixes for a single "
                 "client must not overlap.")
    assert_error(c.cmd("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "BARB"),
                 "ERR Prefix 'BARB' overlaps with an existing prefix 'BAR'. Prefixes for a "
                 "single client must not overlap.")


@pytest.mark.redoubt_only
def test_later_prefix_overlap_is_refused_with_one_reply(server):
    # Redis 7.0.15 answers this with the error and then +OK, and enables the prefixes.
    c = server.raw()
    assert_error(c.cmd("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", "PREFIX", "b",
                       "PREFIX", "bc"),
                 "ERR Prefix 'b' overlaps with another provided prefix 'bc'. Prefixes for a "
                 "single client must not overlap.")
    assert c.cmd("PING") == "PONG"
    assert trackinginfo(c)[b"flags"] == [b"off"]


def test_trackinginfo_and_getredir(server):
    sink, cid = redirect_sink(server)
    r = server.client()
    assert r.execute_command("CLIENT", "GETREDIR") == -1
    info = trackinginfo(r)
    assert info == {"flags": ["off"], "redirect": -1, "prefixes": []}
    r.execute_command("CLIENT", "TRACKING", "on", "REDIRECT", cid, "NOLOOP")
    assert r.execute_command("CLIENT", "GETREDIR") == cid
    info = trackinginfo(r)
    assert info == {"flags": ["on", "noloop"], "redirect": cid, "prefixes": []}
    r.execute_command("CLIENT", "TRACKING", "off")
    r.execute_command("CLIENT", "TRACKING", "on", "OPTIN")
    assert r.execute_command("CLIENT", "GETREDIR") == 0
    r.execute_command("CLIENT", "CACHING", "yes")
    # CLIENT calls keep the one-shot hint.
    info = trackinginfo(r)
    assert info["flags"] == ["on", "optin", "caching-yes"]
    r.execute_command("CLIENT", "TRACKING", "off")
    r.execute_command("CLIENT", "TRACKING", "on", "OPTOUT")
    r.execute_command("CLIENT", "CACHING", "no")
    assert trackinginfo(r)["flags"] == ["on", "optout", "caching-no"]
    r.execute_command("CLIENT", "TRACKING", "off")
    r.execute_command("CLIENT", "TRACKING", "on", "BCAST")
    info = trackinginfo(r)
    assert info == {"flags": ["on", "bcast"], "redirect": 0, "prefixes": [""]}
    c = resp3(server)
    c.cmd("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "foo", "PREFIX", "bar")
    info = c.cmd("CLIENT", "TRACKINGINFO")
    assert isinstance(info[b"flags"], list) and sorted(info[b"prefixes"]) == [b"bar", b"foo"]


def test_info_tracking_fields(server):
    sink, cid = redirect_sink(server)
    r, writer, other = server.client(), server.client(), server.client()
    r.execute_command("CLIENT", "TRACKING", "on", "REDIRECT", cid)
    writer.set("key1", 1)
    writer.set("key2", 2)
    r.get("key1")
    r.get("key2")
    other.execute_command("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "prefix:")
    info = writer.info()
    assert info["tracking_total_items"] == 2
    assert info["tracking_total_keys"] == 2
    assert info["tracking_total_prefixes"] == 1
    assert info["tracking_clients"] == 2


def test_client_list_shows_tracking(server):
    sink, cid = redirect_sink(server)
    r = server.client()
    r.execute_command("CLIENT", "TRACKING", "on", "BCAST", "REDIRECT", cid)
    line = r.execute_command("CLIENT", "INFO")
    assert "flags=tB " in line and f" redir={cid} " in line


def test_reset_and_disconnect_end_tracking(server):
    r = server.client()
    c = server.raw()
    c.cmd("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "p")
    assert r.info()["tracking_clients"] == 1
    assert c.cmd("RESET") == "RESET"
    assert trackinginfo(c)[b"flags"] == [b"off"]
    info = r.info()
    assert info["tracking_clients"] == 0 and info["tracking_total_prefixes"] == 0
    c.cmd("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "p")
    c.close()
    wait_until(lambda: r.info()["tracking_clients"] == 0)
    assert r.info()["tracking_total_prefixes"] == 0
    r.set("pkey", 1)  # no client left under the prefix: nothing to send, nothing to crash


def test_tracking_does_not_follow_a_disconnected_reader(server):
    r = server.client()
    c = resp3(server)
    c.cmd("CLIENT", "TRACKING", "on")
    c.cmd("GET", "k")
    info = r.info()
    assert info["tracking_clients"] == 1 and info["tracking_total_keys"] == 1
    c.close()
    wait_until(lambda: r.info()["tracking_clients"] == 0)
    r.set("k", "v")
    assert r.info()["tracking_total_keys"] == 0


TRACKING_COMMANDS = ["client|tracking", "client|caching", "client|getredir",
                     "client|trackinginfo"]


@pytest.mark.skipif(not os.path.exists(REDIS_REFERENCE), reason="no /usr/bin/redis-server")
def test_command_info_and_docs_equal_redis(server, server_factory):
    ours = server.raw()
    ref = server_factory(binary=REDIS_REFERENCE).raw()
    assert ours.cmd("COMMAND", "INFO", *TRACKING_COMMANDS) == \
        ref.cmd("COMMAND", "INFO", *TRACKING_COMMANDS)

    def docs(conn):
        reply = conn.cmd("COMMAND", "DOCS", "client")
        body = dict(zip(reply[1][0::2], reply[1][1::2]))
        subs = body[b"subcommands"]
        out = {}
        for name, sbody in zip(subs[0::2], subs[1::2]):
            if name.decode() in TRACKING_COMMANDS:
                sd = dict(zip(sbody[0::2], sbody[1::2]))
                out[name] = {k: sd[k] for k in (b"summary", b"since", b"group")}
        return out

    got = docs(ours)
    assert len(got) == len(TRACKING_COMMANDS)
    assert got == docs(ref)
