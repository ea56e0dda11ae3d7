"""Pub/Sub: SUBSCRIBE/PSUBSCRIBE delivery, UNSUBSCRIBE forms, PUBSUB introspection, RESP3
pushes, the RESP2 subscribed-context restriction, and the pubsub output-buffer limit."""

import time

from conftest import Push, assert_error, encode_command


def test_subscribe_confirms_each_channel_with_a_running_count(server):
    sub = server.raw()
    sub.send(encode_command("SUBSCRIBE", "a", "b", "a"))
    assert sub.read_reply() == [b"subscribe", b"a", 1]
    assert sub.read_reply() == [b"subscribe", b"b", 2]
    assert sub.read_reply() == [b"subscribe", b"a", 2]


def test_publish_reaches_channel_and_pattern_subscribers(server):
    sub = server.raw()
    sub.send(encode_command("SUBSCRIBE", "news"))
    assert sub.read_reply() == [b"subscribe", b"news", 1]
    psub = server.raw()
    psub.send(encode_command("PSUBSCRIBE", "n*"))
    assert psub.read_reply() == [b"psubscribe", b"n*", 1]
    pub = server.raw()
    assert pub.cmd("PUBLISH", "news", "hello") == 2
    assert sub.read_reply() == [b"message", b"news", b"hello"]
    assert psub.read_reply() == [b"pmessage", b"n*", b"news", b"hello"]
    assert pub.cmd("PUBLISH", "other", "x") == 0


def test_unsubscribe_without_arguments_drops_everything(server):
    sub = server.raw()
    sub.send(encode_command("SUBSCRIBE", "a", "b"))
    sub.read_reply()
    sub.read_reply()
    sub.send(encode_command("UNSUBSCRIBE"))
    got = {sub.read_reply()[1], sub.read_reply()[1]}
    assert got == {b"a", b"b"}
    sub.send(encode_command("UNSUBSCRIBE"))
    assert sub.read_reply() == [b"unsubscribe", None, 0]
    sub.send(encode_command("PUNSUBSCRIBE"))
    assert sub.read_reply() == [b"punsubscribe", None, 0]
    # Out of subscribed mode, ordinary commands work again.
    assert sub.cmd("PING") == "PONG"


def test_pubsub_channels_numsub_numpat(server):
    a = server.raw()
    a.send(encode_command("SUBSCRIBE", "chan1", "chan2"))
    a.read_reply()
    a.read_reply()
    b = server.raw()
    b.send(encode_command("PSUBSCRIBE", "p*", "q*"))
    b.read_reply()
    b.read_reply()
    c = server.raw()
    assert sorted(c.cmd("PUBSUB", "CHANNELS")) == [b"chan1", b"chan2"]
    assert c.cmd("PUBSUB", "CHANNELS", "*1") == [b"chan1"]
    assert c.cmd("PUBSUB", "NUMSUB", "chan1", "nope") == [b"chan1", 1, b"nope", 0]
    assert c.cmd("PUBSUB", "NUMPAT") == 2
    a.close()
    deadline = time.time() + 5
    while c.cmd("PUBSUB", "NUMSUB", "chan1") != [b"chan1", 0] and time.time() < deadline:
        time.sleep(0.05)
    assert c.cmd("PUBSUB", "NUMSUB", "chan1") == [b"chan1", 0]


def test_resp2_subscribed_client_may_only_run_pubsub_commands(server):
    sub = server.raw()
    sub.send(encode_command("SUBSCRIBE", "x"))
    sub.read_reply()
    assert_error(sub.cmd("GET", "k"),
                 "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / "
                 "QUIT / RESET are allowed in this context")
    assert sub.cmd("PING") == [b"pong", b""]
    assert sub.cmd("PING", "hi") == [b"pong", b"hi"]


def test_resp3_messages_are_pushes_and_other_commands_still_work(server):
    sub = server.raw()
    sub.cmd("HELLO", "3")
    sub.send(encode_command("SUBSCRIBE", "x"))
    confirm = sub.read_reply()
    assert isinstance(confirm, Push) and confirm == [b"subscribe", b"x", 1]
    assert sub.cmd("SET", "k", "v") == "OK"
    server.raw().cmd("PUBLISH", "x", "m")
    msg = sub.read_reply()
    assert isinstance(msg, Push) and msg == [b"message", b"x", b"m"]


def test_reset_leaves_subscribed_mode(server):
    sub = server.raw()
    sub.send(encode_command("SUBSCRIBE", "x"))
    sub.read_reply()
    assert sub.cmd("RESET") == "RESET"
    assert server.raw().cmd("PUBSUB", "NUMSUB", "x") == [b"x", 0]
    assert sub.cmd("GET", "k") is None


def test_slow_subscriber_is_disconnected_by_the_pubsub_output_limit(server_factory):
    srv = server_factory(config={"client-output-buffer-limit": "pubsub 256kb 128kb 60"})
    sub = srv.raw()
    sub.send(encode_command("SUBSCRIBE", "flood"))
    sub.read_reply()
    # Make the subscriber's socket buffer tiny by never reading, then flood it.
    pub = srv.raw()
    payload = "x" * 16384
    rss_before = srv.rss_kb()
    for _ in range(2000):
        pub.send(encode_command("PUBLISH", "flood", payload))
    for _ in range(2000):
        pub.read_reply(timeout=10)
    deadline = time.time() + 10
    while pub.cmd("PUBSUB", "NUMSUB", "flood") != [b"flood", 0] and time.time() < deadline:
        time.sleep(0.05)
    assert pub.cmd("PUBSUB", "NUMSUB", "flood") == [b"flood", 0]
    # 2000 x 16 KB = 32 MB was published; the server did not keep it.
    assert srv.rss_kb() - rss_before < 24 * 1024


def test_acl_channel_rules_apply_to_subscribe_psubscribe_and_publish(server):
    admin = server.raw()
    assert admin.cmd("ACL", "SETUSER", "news", "on", ">pw", "resetchannels", "&news.*",
                     "+@pubsub") == "OK"
    c = server.raw()
    assert c.cmd("AUTH", "news", "pw") == "OK"
    assert c.cmd("PUBLISH", "news.eu", "x") == 0
    denied = ("NOPERM this user has no permissions to access one of the channels used as "
              "arguments")
    assert_error(c.cmd("PUBLISH", "sports", "x"), denied)
    assert_error(c.cmd("SUBSCRIBE", "sports"), denied)
    # A pattern subscription must be allowed as that exact pattern.
    assert_error(c.cmd("PSUBSCRIBE", "news.e*"), denied)
    c.send(encode_command("PSUBSCRIBE", "news.*"))
    assert c.read_reply() == [b"psubscribe", b"news.*", 1]
