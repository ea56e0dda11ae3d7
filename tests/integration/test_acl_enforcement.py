"""ACL changes reach connected clients, and accepted rules survive the ACL file.

Revocation: after ACL SETUSER, DELUSER or LOAD a client whose subscriptions (channels, and
patterns by their literal text as Redis 7.0 checks them) its user may no longer use is
disconnected, as Redis 7.0 does for SETUSER; Redoubt also does so on ACL LOAD (the default
user included) and ends a MONITOR whose user loses MONITOR.

Injection: a rule with a space or a control byte would be written by ACL SAVE as other words or
other lines than it was (`+select|x\\nuser evil ...` becomes a user). Every rule SETUSER
accepts must come back from ACL SAVE then ACL LOAD exactly as it was.
"""

import pytest

from conftest import ConnectionClosed, assert_error


def is_closed(conn, timeout=3.0):
    return conn.is_closed(timeout=timeout)


def subscriber(srv, user, password, *cmd):
    c = srv.raw()
    assert c.cmd("AUTH", user, password) == "OK"
    reply = c.cmd(*cmd)
    assert reply[0] in (b"subscribe", b"psubscribe"), reply
    return c


def publish_reaches(c, pub, channel):
    """Publishes to `channel`; True when `c` gets the message (and stays connected)."""
    pub.cmd("PUBLISH", channel, "hello")
    try:
        msg = c.read_reply(timeout=1.0)
    except (ConnectionClosed, OSError):
        return False
    return msg is not None and "hello" in str(msg)


# --------------------------------------------------------------------------- revocation


def test_setuser_resetchannels_disconnects_subscriber(server):
    admin = server.raw()
    assert admin.cmd("ACL", "SETUSER", "lim", "on", ">pw", "&news.*", "+@all") == "OK"
    sub = subscriber(server, "lim", "pw", "SUBSCRIBE", "news.x")
    assert publish_reaches(sub, admin, "news.x")
    assert admin.cmd("ACL", "SETUSER", "lim", "resetchannels") == "OK"
    assert is_closed(sub)


def test_pattern_subscription_needs_the_literal_pattern(server):
    admin = server.raw()
    assert admin.cmd("ACL", "SETUSER", "ps", "on", ">pw", "&*", "+@all") == "OK"
    sub = subscriber(server, "ps", "pw", "PSUBSCRIBE", "*")
    assert admin.cmd("ACL", "SETUSER", "ps", "resetchannels", "&public") == "OK"
    # `*` is not the literal pattern `public`: the subscription could read private.admin.
    assert is_closed(sub)


def test_setuser_keeping_the_channel_keeps_the_subscriber(server):
    admin = server.raw()
    assert admin.cmd("ACL", "SETUSER", "lim", "on", ">pw", "&news.*", "+@all") == "OK"
    sub = subscriber(server, "lim", "pw", "SUBSCRIBE", "news.x")
    assert admin.cmd("ACL", "SETUSER", "lim", "&other", "-get") == "OK"
    assert publish_reaches(sub, admin, "news.x")


def test_deluser_disconnects_subscriber(server):
    admin = server.raw()
    assert admin.cmd("ACL", "SETUSER", "lim", "on", ">pw", "&*", "+@all") == "OK"
    sub = subscriber(server, "lim", "pw", "SUBSCRIBE", "a")
    assert admin.cmd("ACL", "DELUSER", "lim") == 1
    assert is_closed(sub)


@pytest.mark.redoubt_only
def test_acl_load_of_default_user_disconnects_its_subscribers(server_factory, tmp_path):
    acl = tmp_path / "users.acl"
    acl.write_text("user default on nopass ~* &* +@all\n")
    srv = server_factory(aclfile=str(acl))
    sub = srv.raw()
    assert sub.cmd("SUBSCRIBE", "private.admin")[0] == b"subscribe"
    psub = srv.raw()
    assert psub.cmd("PSUBSCRIBE", "*")[0] == b"psubscribe"
    keep = srv.raw()
    assert keep.cmd("SUBSCRIBE", "public")[0] == b"subscribe"
    acl.write_text("user default on nopass ~* &public +@all\n")
    admin = srv.raw()
    assert admin.cmd("ACL", "LOAD") == "OK"
    assert is_closed(sub)
    assert is_closed(psub)
    assert publish_reaches(keep, admin, "public")


@pytest.mark.redoubt_only
def test_monitor_ends_when_its_user_loses_monitor(server):
    admin = server.raw()
    assert admin.cmd("ACL", "SETUSER", "ops", "on", ">pw", "~*", "&*", "+@all") == "OK"
    mon = server.raw()
    assert mon.cmd("AUTH", "ops", "pw") == "OK"
    assert mon.cmd("MONITOR") == "OK"
    assert admin.cmd("ACL", "SETUSER", "ops", "-monitor") == "OK"
    assert is_closed(mon)


@pytest.mark.redoubt_only
def test_monitor_keeps_running_when_rights_stay(server):
    admin = server.raw()
    assert admin.cmd("ACL", "SETUSER", "ops", "on", ">pw", "~*", "&*", "+@all") == "OK"
    mon = server.raw()
    assert mon.cmd("AUTH", "ops", "pw") == "OK"
    assert mon.cmd("MONITOR") == "OK"
    assert admin.cmd("ACL", "SETUSER", "ops", "-get") == "OK"
    admin.cmd("PING")
    line = mon.read_reply(timeout=3.0)
    assert "PING" in str(line).upper()


# --------------------------------------------------------------------------- injection

INJECTIONS = [
    "+select|x\nuser evil on nopass ~* &* +@all",
    "+select|x y",
    "+select|x\ty",
    "+select|x\ry",
    "+select|\x01",
    "~a\nuser evil",
    "%R~a\x7f",
    "&ch\x00",
    "(~x +get\nuser evil on nopass)",
    "(~x \"a b\")",
]


@pytest.mark.redoubt_only
@pytest.mark.parametrize("rule", INJECTIONS)
def test_rule_with_space_or_control_byte_is_refused(server_factory, tmp_path, rule):
    acl = tmp_path / "users.acl"
    acl.write_text("")
    srv = server_factory(aclfile=str(acl))
    c = srv.raw()
    shown = rule.replace("\r", " ").replace("\n", " ")
    assert_error(c.cmd("ACL", "SETUSER", "inj", "on", rule),
                 f"ERR Error in ACL SETUSER modifier '{shown}': Syntax error")
    assert c.cmd("ACL", "USERS") == [b"default"]
    assert c.cmd("ACL", "SAVE") == "OK"
    assert "evil" not in acl.read_text()


@pytest.mark.redoubt_only
def test_injected_first_argument_rule_adds_no_user(server_factory, tmp_path):
    acl = tmp_path / "users.acl"
    acl.write_text("")
    srv = server_factory(aclfile=str(acl))
    c = srv.raw()
    c.cmd("ACL", "SETUSER", "injA", "on", ">pw", "+select|x\nuser evil on nopass ~* &* +@all")
    assert c.cmd("ACL", "SAVE") == "OK"
    assert c.cmd("ACL", "LOAD") == "OK"
    assert c.cmd("AUTH", "evil", "anything").startswith("WRONGPASS")


ACCEPTED = [
    ["on", ">a password with spaces", "~k*", "&c*", "+get"],
    ["on", ">tab\tand\nnewline", "+select|0", "+select|1", "-@all", "+select|2"],
    ["on", "#" + "a" * 64, "%R~r*", "%W~w*", "(~x* +set)", "(&y* %R~z +get)"],
    ["off", "nopass", "+@all", "-flushall", "resetchannels", "&news"],
    ["on", "nopass", "-@all", "+@read", "-@dangerous", "+client|list"],
]


@pytest.mark.parametrize("rules", ACCEPTED)
def test_accepted_rules_survive_save_and_load(server_factory, tmp_path, rules):
    acl = tmp_path / "users.acl"
    acl.write_text("")
    srv = server_factory(aclfile=str(acl))
    c = srv.raw()
    assert c.cmd("ACL", "SETUSER", "u", *rules) == "OK"
    before = c.cmd("ACL", "LIST")
    assert c.cmd("ACL", "SAVE") == "OK"
    assert c.cmd("ACL", "LOAD") == "OK"
    assert c.cmd("ACL", "LIST") == before
