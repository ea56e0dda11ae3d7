"""Sharded Pub/Sub on one node (Redis 7.0): SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH, PUBSUB
SHARDCHANNELS/SHARDNUMSUB, their counts apart from the regular subscriptions, RESP2 arrays and
RESP3 pushes, ACL channel rules (&pattern), RESET, and the command table rows."""

import os

import pytest

from conftest import REDIS_REFERENCE, Push, assert_error, encode_command


def ssubscribe(conn, *channels):
    conn.send(encode_command("SSUBSCRIBE", *channels))
    return [conn.read_reply() for _ in channels]


def test_ssubscribe_counts_only_shard_channels(server):
    sub = server.raw()
    assert ssubscribe(sub, "c1", "c2", "c1") == [
        [b"ssubscribe", b"c1", 1], [b"ssubscribe", b"c2", 2], [b"ssubscribe", b"c1", 2]]
    # A regular subscription is counted on its own: 1, not 3.
    sub.send(encode_command("SUBSCRIBE", "x"))
    assert sub.read_reply() == [b"subscribe", b"x", 1]
    sub.send(encode_command("UNSUBSCRIBE"))
    assert sub.read_reply() == [b"unsubscribe", b"x", 0]


def test_spublish_reaches_only_shard_subscribers(server):
    r = server.client()
    sub = server.raw()
    ssubscribe(sub, "orders")
    psub = server.raw()
    psub.send(encode_command("PSUBSCRIBE", "*"))
    psub.read_reply()
    chan = server.raw()
    chan.send(encode_command("SUBSCRIBE", "orders"))
    chan.read_reply()
    assert r.execute_command("SPUBLISH", "orders", "o1") == 1
    assert sub.read_reply() == [b"smessage", b"orders", b"o1"]
    # PUBLISH and SPUBLISH are separate spaces: neither reaches the other's subscribers.
    assert r.execute_command("PUBLISH", "orders", "p1") == 2
    assert chan.read_reply() == [b"message", b"orders", b"p1"]
    assert psub.read_reply() == [b"pmessage", b"*", b"orders", b"p1"]
    assert r.execute_command("SPUBLISH", "nobody", "x") == 0
    assert sub.read_raw(timeout=0.2) == b""
    assert chan.read_raw(timeout=0.2) == b""


def test_sunsubscribe_forms(server):
    sub = server.raw()
    ssubscribe(sub, "c1", "c2")
    sub.send(encode_command("SUNSUBSCRIBE", "c1", "nope"))
    assert sub.read_reply() == [b"sunsubscribe", b"c1", 1]
    assert sub.read_reply() == [b"sunsubscribe", b"nope", 1]
    sub.send(encode_command("SUNSUBSCRIBE"))
    assert sub.read_reply() == [b"sunsubscribe", b"c2", 0]
    sub.send(encode_command("SUNSUBSCRIBE"))
    assert sub.read_reply() == [b"sunsubscribe", None, 0]
    # Out of Pub/Sub mode again: ordinary commands run.
    assert sub.cmd("PING") == "PONG"


def test_resp2_shard_subscriber_is_in_subscribed_context(server):
    sub = server.raw()
    ssubscribe(sub, "c")
    assert_error(sub.cmd("GET", "x"),
                 "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT "
                 "/ RESET are allowed in this context")
    assert sub.cmd("PING") == [b"pong", b""]


def test_resp3_smessage_is_a_push(server):
    sub = server.raw()
    sub.cmd("HELLO", "3")
    sub.send(encode_command("SSUBSCRIBE", "z"))
    got = sub.read_reply()
    assert isinstance(got, Push) and got == [b"ssubscribe", b"z", 1]
    # RESP3 subscribers may run any command.
    assert sub.cmd("SET", "k", "v") == "OK"
    server.client().execute_command("SPUBLISH", "z", "m")
    got = sub.read_reply()
    assert isinstance(got, Push) and got == [b"smessage", b"z", b"m"]


def test_pubsub_shardchannels_and_shardnumsub(server):
    r = server.client()
    a, b = server.raw(), server.raw()
    ssubscribe(a, "s1", "s2")
    ssubscribe(b, "s1")
    plain = server.raw()
    plain.send(encode_command("SUBSCRIBE", "regular"))
    plain.read_reply()
    assert sorted(r.execute_command("PUBSUB", "SHARDCHANNELS")) == ["s1", "s2"]
    assert r.execute_command("PUBSUB", "SHARDCHANNELS", "*1") == ["s1"]
    assert r.execute_command("PUBSUB", "SHARDNUMSUB", "s1", "s2", "zz") == [
        "s1", 2, "s2", 1, "zz", 0]
    assert r.execute_command("PUBSUB", "SHARDNUMSUB") == []
    assert r.execute_command("PUBSUB", "CHANNELS") == ["regular"]
    assert r.execute_command("PUBSUB", "NUMSUB", "s1") == ["s1", 0]
    a.close()
    b.close()
    # Disconnected subscribers leave no channel behind.
    for _ in range(100):
        if r.execute_command("PUBSUB", "SHARDCHANNELS") == []:
            break
    assert r.execute_command("PUBSUB", "SHARDCHANNELS") == []


def test_pubsub_help_lists_shard_subcommands(server):
    lines = server.client().execute_command("PUBSUB", "HELP")
    assert "SHARDCHANNELS [<pattern>]" in lines
    assert "SHARDNUMSUB [<shardchannel> ...]" in lines
    assert len(lines) == 14


def test_reset_drops_shard_subscriptions(server):
    r = server.client()
    sub = server.raw()
    ssubscribe(sub, "gone")
    assert sub.cmd("RESET") == "RESET"
    assert r.execute_command("SPUBLISH", "gone", "x") == 0
    assert r.execute_command("PUBSUB", "SHARDNUMSUB", "gone") == ["gone", 0]
    assert sub.cmd("GET", "x") is None


def test_ssubscribe_refused_inside_exec(server):
    c = server.raw()
    c.cmd("MULTI")
    assert c.cmd("SSUBSCRIBE", "q") == "QUEUED"
    reply = c.cmd("EXEC")
    assert_error(reply[0], "ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client")
    assert c.cmd("PUBSUB", "SHARDNUMSUB", "q") == [b"q", 0]


def test_acl_channel_rules_apply_to_shard_channels(server):
    admin = server.client()
    admin.execute_command("ACL", "SETUSER", "shard", "on", "nopass", "+@all", "~*",
                          "resetchannels", "&ok*")
    c = server.raw()
    assert c.cmd("AUTH", "shard", "x") == "OK"
    denied = ("NOPERM this user has no permissions to access one of the channels used as "
              "arguments")
    assert_error(c.cmd("SSUBSCRIBE", "ok1", "bad"), denied)
    assert_error(c.cmd("SPUBLISH", "bad", "x"), denied)
    assert c.cmd("SPUBLISH", "ok", "x") == 0
    assert ssubscribe(c, "ok1") == [[b"ssubscribe", b"ok1", 1]]
    # SUNSUBSCRIBE is never refused: leaving a channel needs no permission.
    c.send(encode_command("SUNSUBSCRIBE", "bad"))
    assert c.read_reply() == [b"sunsubscribe", b"bad", 1]
    log = admin.acl_log()
    assert any(e["reason"] == "channel" for e in log)


def test_acl_change_disconnects_shard_subscriber_losing_access(server):
    admin = server.client()
    admin.execute_command("ACL", "SETUSER", "shard2", "on", "nopass", "+@all", "~*",
                          "resetchannels", "&news")
    c = server.raw()
    assert c.cmd("AUTH", "shard2", "x") == "OK"
    ssubscribe(c, "news")
    admin.execute_command("ACL", "SETUSER", "shard2", "resetchannels", "&other")
    assert c.is_closed()


def test_command_getkeys_treats_shard_channels_as_no_keys(server):
    r = server.raw()
    assert_error(r.cmd("COMMAND", "GETKEYS", "SPUBLISH", "ch", "m"),
                 "ERR The command has no key arguments")


def test_client_list_reports_shard_subscriptions(server):
    sub = server.raw()
    ssubscribe(sub, "a", "b")
    info = server.client().execute_command("CLIENT", "LIST")
    lines = [l for l in info.splitlines() if "cmd=ssubscribe" in l]
    assert len(lines) == 1 and " ssub=2 " in lines[0]


def test_info_counts_shard_channels(server):
    r = server.client()
    sub = server.raw()
    ssubscribe(sub, "a", "b")
    assert r.info("stats")["pubsubshard_channels"] == 2


SHARD_COMMANDS = ["ssubscribe", "sunsubscribe", "spublish", "pubsub|shardchannels",
                  "pubsub|shardnumsub"]


@pytest.mark.skipif(not os.path.exists(REDIS_REFERENCE), reason="no /usr/bin/redis-server")
def test_command_info_and_docs_equal_redis(server, server_factory):
    ours = server.raw()
    ref = server_factory(binary=REDIS_REFERENCE).raw()
    assert ours.cmd("COMMAND", "INFO", *SHARD_COMMANDS) == \
        ref.cmd("COMMAND", "INFO", *SHARD_COMMANDS)

    def docs(conn):
        reply = conn.cmd("COMMAND", "DOCS", "ssubscribe", "sunsubscribe", "spublish", "pubsub")
        out = {}
        for name, body in zip(reply[0::2], reply[1::2]):
            d = dict(zip(body[0::2], body[1::2]))
            out[name] = {k: d[k] for k in (b"summary", b"since", b"group")}
            for sub, sbody in zip(d.get(b"subcommands", [])[0::2],
                                  d.get(b"subcommands", [])[1::2]):
                sd = dict(zip(sbody[0::2], sbody[1::2]))
                out[sub] = {k: sd[k] for k in (b"summary", b"since", b"group")}
        return out

    assert docs(ours) == docs(ref)
