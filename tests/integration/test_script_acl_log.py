"""ACL inside scripts as Redis 7.0 reports it: a redis.call refused by ACL gives Redis's script
error texts, and ACL LOG records it with context "lua", the denied object, and the client that
ran the script (cmd=eval); redis.acl_check_cmd only asks and logs nothing. Run against
redis-server 7.0 in the same test."""

import os

import pytest

from conftest import REDIS_REFERENCE

USER_RULES = ["on", "nopass", "+eval", "+evalsha", "+fcall", "+get", "+set", "+publish",
              "~k*", "&ch*"]

# (script, numkeys-and-keys): each refused inside the script.
DENIED = [
    ("return redis.call('get', 'other')", []),
    ("return redis.pcall('get', 'other')", []),
    ("return redis.call('get', KEYS[1])", ["other"]),
    ("return redis.call('incr', 'k1')", []),
    ("return redis.pcall('publish', 'zz', 'm')", []),
    ("return redis.call('publish', 'zz', 'm')", []),
    ("return redis.call('config', 'get', 'maxmemory')", []),
]


def servers(server, server_factory):
    out = [server]
    if os.path.exists(REDIS_REFERENCE):
        out.append(server_factory(binary=REDIS_REFERENCE))
    return out


def user_client(srv):
    admin = srv.raw()
    assert admin.cmd("ACL", "SETUSER", "u", *USER_RULES) == "OK"
    assert admin.cmd("ACL", "LOG", "RESET") == "OK"
    c = srv.raw()
    assert c.cmd("AUTH", "u", "x") == "OK"
    return admin, c


def log_entries(admin):
    entries = []
    for raw in admin.cmd("ACL", "LOG"):
        e = {}
        for i in range(0, len(raw), 2):
            k = raw[i].decode() if isinstance(raw[i], bytes) else raw[i]
            v = raw[i + 1]
            e[k] = v.decode() if isinstance(v, bytes) else v
        entries.append(e)
    return entries


def test_denied_calls_in_scripts_same_errors_as_redis(server, server_factory):
    replies = []
    for srv in servers(server, server_factory):
        _, c = user_client(srv)
        replies.append([str(c.cmd("EVAL", s, str(len(k)), *k)) for s, k in DENIED])
    assert "The user executing the script can't access at least one of the keys" in replies[0][0]
    assert "can't publish to the channel" in replies[0][5]
    assert "can't run this command or subcommand" in replies[0][3]
    if len(replies) == 2:
        assert replies[0] == replies[1]


def test_acl_log_entry_for_a_denied_script_call(server, server_factory):
    for srv in servers(server, server_factory):
        admin, c = user_client(srv)
        c.cmd("EVAL", "return redis.call('get', 'other')", "0")
        c.cmd("EVAL", "return redis.pcall('get', 'other')", "0")
        c.cmd("EVAL", "return redis.pcall('incr', 'k1')", "0")
        c.cmd("EVAL", "return redis.pcall('publish', 'zz', 'm')", "0")
        entries = log_entries(admin)
        got = [(e["reason"], e["context"], e["object"], e["username"], e["count"])
               for e in entries]
        assert got == [("channel", "lua", "zz", "u", 1), ("command", "lua", "incr", "u", 1),
                       ("key", "lua", "other", "u", 2)], (srv.binary, got)
        for e in entries:
            # The client that ran the script, not the script's internal session.
            assert " cmd=eval " in e["client-info"], e["client-info"]
            assert "user=u" in e["client-info"]
            assert "addr=lua" not in e["client-info"]


def test_acl_log_context_inside_multi_is_lua(server, server_factory):
    for srv in servers(server, server_factory):
        admin, c = user_client(srv)
        assert admin.cmd("ACL", "SETUSER", "u", "+multi", "+exec") == "OK"
        assert c.cmd("MULTI") == "OK"
        c.cmd("EVAL", "return redis.pcall('get', 'other')", "0")
        assert "can't access at least one of the keys" in str(c.cmd("EXEC")[0])
        got = [(e["reason"], e["context"], e["object"]) for e in log_entries(admin)]
        assert got == [("key", "lua", "other")], (srv.binary, got)


def test_acl_check_cmd_logs_nothing(server, server_factory):
    for srv in servers(server, server_factory):
        admin, c = user_client(srv)
        assert c.cmd("EVAL", "return redis.acl_check_cmd('get', 'other')", "0") is None
        assert c.cmd("EVAL", "return redis.acl_check_cmd('get', 'k1')", "0") == 1
        assert admin.cmd("ACL", "LOG") == []
