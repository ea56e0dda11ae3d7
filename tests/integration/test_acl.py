"""ACL: every rule kind, every ACL subcommand and its error texts, key permissions by key
spec, ACL LOG, aclfile SAVE/LOAD, `user` directives and requirepass as the default user."""

import hashlib
import os
import stat

import pytest

from conftest import IS_REDIS, Err, assert_error, free_port


def sha(s):
    return hashlib.sha256(s.encode()).hexdigest()


def b2s(x):
    if isinstance(x, bytes):
        return x.decode()
    if isinstance(x, list):
        return [b2s(e) for e in x]
    return x


def pairs(reply):
    reply = b2s(reply)
    return dict(zip(reply[0::2], reply[1::2]))


def setuser(raw, *args):
    return raw.cmd("ACL", "SETUSER", *args)


def test_new_user_and_rule_rendering(raw):
    assert setuser(raw, "foo") == "OK"
    assert b2s(raw.cmd("ACL", "LIST")) == ["user default on nopass ~* &* +@all",
                                           "user foo off resetchannels -@all"]
    assert setuser(raw, "foo", "on", ">p1", "%R~r*", "%W~w*", "%RW~rw*", "~k*", "&ch*",
                   "+get", "+config|get", "-@all", "+set", "(~x* +set)") == "OK"
    line = b2s(raw.cmd("ACL", "LIST"))[1]
    assert line == (f"user foo on #{sha('p1')} %R~r* %W~w* ~rw* ~k* resetchannels &ch* "
                    "-@all +set (~x* resetchannels -@all +set)")
    u = pairs(raw.cmd("ACL", "GETUSER", "foo"))
    assert u["flags"] == ["on"]
    assert u["passwords"] == [sha("p1")]
    assert u["commands"] == "-@all +set"
    assert u["keys"] == "%R~r* %W~w* ~rw* ~k*"
    assert u["channels"] == "&ch*"
    assert [pairs(s) for s in raw.cmd("ACL", "GETUSER", "foo")[11]] == [
        {"commands": "-@all +set", "keys": "~x*", "channels": ""}]
    assert raw.cmd("ACL", "GETUSER", "nosuch") is None


def test_rule_normalisation(raw):
    assert setuser(raw, "u4", "on", ">pw", "allkeys", "allchannels", "allcommands", "-get",
                   "+@all", "-@admin", "+config|get", "-config") == "OK"
    assert b2s(raw.cmd("ACL", "LIST"))[1] == f"user u4 on #{sha('pw')} ~* &* +@all -@admin -config"
    assert setuser(raw, "u1", "on", "nopass", "~a*", "+get", "sanitize-payload") == "OK"
    assert setuser(raw, "u2", "on", "skip-sanitize-payload", ">x", ">y", "<x", "nopass") == "OK"
    assert setuser(raw, "u3", "on", ">x", "reset") == "OK"
    lines = b2s(raw.cmd("ACL", "LIST"))
    assert "user u1 on nopass sanitize-payload ~a* resetchannels -@all +get" in lines
    assert "user u2 on nopass skip-sanitize-payload resetchannels -@all" in lines
    assert "user u3 off sanitize-payload resetchannels -@all" in lines
    assert setuser(raw, "u5", "%R", "%R~*", "resetkeys", "~b", "+select|0") == "OK"
    assert b2s(raw.cmd("ACL", "LIST"))[-1] == "user u5 off ~b resetchannels -@all +select|0"
    assert setuser(raw, "u6", "(+get ~a)", "clearselectors", "&c", "resetchannels") == "OK"
    assert b2s(raw.cmd("ACL", "LIST"))[-1] == "user u6 off resetchannels -@all"


@pytest.mark.parametrize("op,reason", [
    ("bogus", "Syntax error"),
    ("+nosuch", "Unknown command or category name in ACL"),
    ("-@nosuch", "Unknown command or category name in ACL"),
    ("#abc", "The password hash must be exactly 64 characters and contain only lowercase "
             "hexadecimal characters"),
    ("!" + "A" * 64, "The password hash must be exactly 64 characters and contain only "
                     "lowercase hexadecimal characters"),
    ("<nope", "The password you are trying to remove from the user does not exist"),
    ("%X~a", "Syntax error"),
    ("%", "Syntax error"),
    ("+config|", "Syntax error"),
    ("+config|get|x", "Allowing first-arg of a subcommand is not supported"),
    ("+config|nosuch", "Unknown command or category name in ACL"),
    ("-get|x", "Unknown command or category name in ACL"),
    ("(~x bogus)", "Syntax error"),
])
def test_setuser_errors(raw, op, reason):
    assert_error(setuser(raw, "bar", op), f"ERR Error in ACL SETUSER modifier '{op}': {reason}")
    assert raw.cmd("ACL", "GETUSER", "bar") is None  # nothing applied


def test_setuser_pattern_after_all_and_parenthesis_errors(raw):
    assert_error(setuser(raw, "bar", "allkeys", "~a"),
                 "ERR Error in ACL SETUSER modifier '~a': Adding a pattern after the * pattern "
                 "(or the 'allkeys' flag) is not valid and does not have any effect. Try "
                 "'resetkeys' to start with an empty list of patterns")
    assert_error(setuser(raw, "bar", "allchannels", "&a"),
                 "ERR Error in ACL SETUSER modifier '&a': Adding a pattern after the * pattern "
                 "(or the 'allchannels' flag) is not valid and does not have any effect. Try "
                 "'resetchannels' to start with an empty list of channels")
    assert_error(setuser(raw, "bar", "(+get"),
                 "ERR Unmatched parenthesis in acl selector starting at '(+get'.")
    assert_error(setuser(raw, "a b"), "ERR Usernames can't contain spaces or null characters")
    assert_error(raw.cmd("ACL", "SETUSER"),
                 "ERR wrong number of arguments for 'acl|setuser' command")


def test_setuser_is_all_or_nothing(raw):
    assert setuser(raw, "alice", "on", ">pw", "+get") == "OK"
    assert isinstance(setuser(raw, "alice", "-get", "+set", "bogus"), Err)
    assert pairs(raw.cmd("ACL", "GETUSER", "alice"))["commands"] == "-@all +get"


def test_command_and_key_permissions(server):
    admin = server.raw()
    assert setuser(admin, "ro", "on", ">pw", "%R~x*", "%W~w*", "+@all") == "OK"
    c = server.raw()
    assert c.cmd("AUTH", "ro", "pw") == "OK"
    assert c.cmd("GET", "x1") is None
    assert_error(c.cmd("SET", "x1", "v"),
                 "NOPERM this user has no permissions to access one of the keys used as "
                 "arguments")
    assert c.cmd("SET", "w1", "v") == "OK"
    assert_error(c.cmd("GET", "w1"), "NOPERM this user has no permissions to access one of "
                                     "the keys used as arguments")
    assert c.cmd("DEL", "w1") == 1
    assert_error(c.cmd("MGET", "x1", "other"), "NOPERM *")
    assert setuser(admin, "cmds", "on", ">pw", "allkeys", "+get", "+config|get") == "OK"
    d = server.raw()
    assert d.cmd("AUTH", "cmds", "pw") == "OK"
    assert_error(d.cmd("SET", "a", "b"),
                 "NOPERM this user has no permissions to run the 'set' command")
    assert_error(d.cmd("CONFIG", "SET", "maxmemory", "0"),
                 "NOPERM this user has no permissions to run the 'config|set' command")
    assert isinstance(d.cmd("CONFIG", "GET", "maxmemory"), list)
    assert d.cmd("PING") is not None and isinstance(d.cmd("PING"), Err)
    assert d.cmd("AUTH", "cmds", "pw") == "OK"  # AUTH is never denied


def test_selectors_are_alternatives(server):
    admin = server.raw()
    assert setuser(admin, "s", "on", ">pw", "~a*", "+get", "(~b* +set)") == "OK"
    c = server.raw()
    assert c.cmd("AUTH", "s", "pw") == "OK"
    assert c.cmd("SET", "b1", "v") == "OK"
    assert c.cmd("GET", "a1") is None
    assert_error(c.cmd("SET", "a1", "v"), "NOPERM *")
    assert_error(c.cmd("GET", "b1"), "NOPERM *")


def test_first_arg_rule(server):
    admin = server.raw()
    assert setuser(admin, "f", "on", ">pw", "+select|0") == "OK"
    c = server.raw()
    assert c.cmd("AUTH", "f", "pw") == "OK"
    assert c.cmd("SELECT", "0") == "OK"
    assert_error(c.cmd("SELECT", "1"),
                 "NOPERM this user has no permissions to run the 'select' command")


def test_acl_log(server):
    admin = server.raw()
    assert admin.cmd("ACL", "LOG", "RESET") == "OK"
    assert setuser(admin, "u1", "on", "nopass", "~a*", "+get") == "OK"
    c = server.raw()
    assert c.cmd("AUTH", "u1", "x") == "OK"
    c.cmd("GET", "b")
    c.cmd("SET", "a", "b")
    c.cmd("SET", "a", "b")
    assert isinstance(c.cmd("AUTH", "nouser", "x"), Err)
    log = raw_log = admin.cmd("ACL", "LOG")
    assert len(log) == 3
    auth, cmd, key = (pairs(e) for e in raw_log)
    assert auth["reason"] == "auth" and auth["object"] == "AUTH" and auth["username"] == "nouser"
    assert cmd["reason"] == "command" and cmd["object"] == "set" and cmd["count"] == 2
    assert cmd["context"] == "toplevel" and cmd["username"] == "u1"
    assert "user=u1" in cmd["client-info"] and "cmd=set" in cmd["client-info"]
    assert float(cmd["age-seconds"]) >= 0
    assert key["reason"] == "key" and key["object"] == "b"
    assert len(admin.cmd("ACL", "LOG", "1")) == 1
    assert admin.cmd("ACL", "LOG", "-1") == []
    assert_error(admin.cmd("ACL", "LOG", "x"), "ERR value is not an integer or out of range")
    assert_error(admin.cmd("ACL", "LOG", "1", "2"),
                 "ERR unknown subcommand or wrong number of arguments for 'LOG'. Try ACL HELP.")
    assert admin.cmd("ACL", "LOG", "RESET") == "OK"
    assert admin.cmd("ACL", "LOG") == []


def test_acl_log_in_multi_and_max_len(server):
    admin = server.raw()
    assert admin.cmd("CONFIG", "SET", "acllog-max-len", "2") == "OK"
    assert setuser(admin, "m", "on", "nopass", "+multi", "+exec") == "OK"
    c = server.raw()
    assert c.cmd("AUTH", "m", "x") == "OK"
    assert c.cmd("MULTI") == "OK"
    assert_error(c.cmd("GET", "k"), "NOPERM *")
    for k in ("SET", "DEL", "INCR"):
        c.cmd(k, "k") if k != "SET" else c.cmd(k, "k", "v")
    log = [pairs(e) for e in admin.cmd("ACL", "LOG")]
    assert len(log) == 2
    assert all(e["context"] == "multi" for e in log)


@pytest.mark.redoubt_only
def test_acl_log_extra_fields(server):
    """Redoubt's ACL LOG entries also carry Redis 7.2's entry-id and timestamps."""
    admin = server.raw()
    assert isinstance(admin.cmd("AUTH", "nouser", "x"), Err)
    e = pairs(admin.cmd("ACL", "LOG")[0])
    assert list(e) == ["count", "reason", "context", "object", "username", "age-seconds",
                       "client-info", "entry-id", "timestamp-created", "timestamp-last-updated"]
    assert e["timestamp-created"] == e["timestamp-last-updated"] > 0


def test_acl_cat_genpass_whoami_users_help(raw):
    cats = b2s(raw.cmd("ACL", "CAT"))
    assert cats == ["keyspace", "read", "write", "set", "sortedset", "list", "hash", "string",
                    "bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow",
                    "blocking", "dangerous", "connection", "transaction", "scripting"]
    strings = set(b2s(raw.cmd("ACL", "CAT", "string")))
    assert {"get", "set", "incr", "append"} <= strings and "del" not in strings
    assert {"config|get", "config|set"} <= set(b2s(raw.cmd("ACL", "CAT", "admin")))
    assert_error(raw.cmd("ACL", "CAT", "nosuch"), "ERR Unknown category 'nosuch'")
    assert_error(raw.cmd("ACL", "CAT", "a", "b"),
                 "ERR unknown subcommand or wrong number of arguments for 'CAT'. Try ACL HELP.")
    p = b2s(raw.cmd("ACL", "GENPASS"))
    assert len(p) == 64 and int(p, 16) >= 0
    assert len(b2s(raw.cmd("ACL", "GENPASS", "5"))) == 2
    for bad in ("0", "4097"):
        assert_error(raw.cmd("ACL", "GENPASS", bad),
                     "ERR ACL GENPASS argument must be the number of bits for the output "
                     "password, a positive number up to 4096")
    assert_error(raw.cmd("ACL", "GENPASS", "x"), "ERR value is not an integer or out of range")
    assert b2s(raw.cmd("ACL", "WHOAMI")) == "default"
    assert_error(raw.cmd("ACL", "WHOAMI", "x"),
                 "ERR wrong number of arguments for 'acl|whoami' command")
    assert setuser(raw, "zed") == "OK" and setuser(raw, "abe") == "OK"
    assert b2s(raw.cmd("ACL", "USERS")) == ["abe", "default", "zed"]
    help_ = b2s(raw.cmd("ACL", "HELP"))
    assert help_[0] == "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert help_[-2:] == ["HELP", "    Prints this help."]
    assert_error(raw.cmd("ACL", "FOO"), "ERR unknown subcommand 'FOO'. Try ACL HELP.")


def test_acl_dryrun(raw):
    assert setuser(raw, "u1", "on", "nopass", "~a*", "+get") == "OK"
    assert raw.cmd("ACL", "DRYRUN", "u1", "get", "a") == "OK"
    assert b2s(raw.cmd("ACL", "DRYRUN", "u1", "get", "b")) == \
        "This user has no permissions to access the 'b' key"
    assert b2s(raw.cmd("ACL", "DRYRUN", "u1", "set", "a", "b")) == \
        "This user has no permissions to run the 'set' command"
    assert_error(raw.cmd("ACL", "DRYRUN", "nouser", "get", "a"), "ERR User 'nouser' not found")
    assert_error(raw.cmd("ACL", "DRYRUN", "u1", "nocmd", "a"), "ERR Command 'nocmd' not found")
    assert_error(raw.cmd("ACL", "DRYRUN", "u1", "get", "a", "b"),
                 "ERR wrong number of arguments for 'get' command")
    assert_error(raw.cmd("ACL", "DRYRUN", "u1", "config", "nosuch"),
                 "ERR Command 'config' not found")


def test_deluser_disconnects_clients(server):
    admin = server.raw()
    assert setuser(admin, "gone", "on", ">pw", "+@all", "~*") == "OK"
    c = server.raw()
    assert c.cmd("AUTH", "gone", "pw") == "OK"
    assert_error(admin.cmd("ACL", "DELUSER", "default", "gone"),
                 "ERR The 'default' user cannot be removed")
    assert admin.cmd("ACL", "DELUSER", "gone", "nosuch") == 1
    assert admin.cmd("ACL", "DELUSER", "gone") == 0
    assert c.is_closed()
    assert_error(server.raw().cmd("AUTH", "gone", "pw"),
                 "WRONGPASS invalid username-password pair or user is disabled.")


@pytest.mark.redoubt_only
def test_turning_a_user_off_disconnects_its_clients(server):
    """Redis keeps the sessions of a disabled user; Redoubt closes them."""
    admin = server.raw()
    assert setuser(admin, "x", "on", ">pw", "+@all") == "OK"
    c = server.raw()
    assert c.cmd("AUTH", "x", "pw") == "OK"
    assert setuser(admin, "x", "off") == "OK"
    assert c.is_closed()


def test_default_user_off_and_requirepass(server_factory):
    srv = server_factory(requirepass="s3cret")
    c = srv.raw()
    assert_error(c.cmd("GET", "k"), "NOAUTH Authentication required.")
    assert c.cmd("AUTH", "s3cret") == "OK"
    assert b2s(c.cmd("ACL", "LIST")) == [f"user default on #{sha('s3cret')} ~* &* +@all"]
    assert c.cmd("CONFIG", "SET", "requirepass", "") == "OK"
    assert b2s(c.cmd("ACL", "LIST")) == ["user default on nopass ~* &* +@all"]
    assert c.cmd("CONFIG", "SET", "requirepass", "other") == "OK"
    assert srv.raw().cmd("AUTH", "other") == "OK"
    assert c.cmd("ACL", "SETUSER", "admin", "on", ">a", "+@all", "~*") == "OK"
    assert c.cmd("ACL", "SETUSER", "default", "off") == "OK"
    d = srv.raw()
    assert_error(d.cmd("AUTH", "other"),
                 "WRONGPASS invalid username-password pair or user is disabled.")
    assert d.cmd("AUTH", "admin", "a") == "OK"
    assert b2s(d.cmd("ACL", "WHOAMI")) == "admin"
    assert d.cmd("RESET") == "RESET"
    assert_error(d.cmd("GET", "k"), "NOAUTH Authentication required.")


def test_user_directives_in_config(server_factory):
    srv = server_factory(config={"user": ["alice on >apw ~a* +get", "default on nopass +@all ~*"]})
    c = srv.raw()
    assert b2s(c.cmd("ACL", "LIST")) == [
        f"user alice on #{sha('apw')} ~a* resetchannels -@all +get",
        "user default on nopass sanitize-payload ~* resetchannels +@all"]
    assert c.cmd("AUTH", "alice", "apw") == "OK"
    assert_error(c.cmd("SET", "a", "b"), "NOPERM *")


def test_user_directive_errors(run_binary):
    out = run_binary(config_text=f"port {free_port()}\nuser alice on bogus\n")
    assert out.returncode != 0
    assert "Error in user declaration 'alice': Syntax error" in out.stdout


def test_aclfile_and_user_directives_refused_together(run_binary, tmp_path):
    acl = tmp_path / "users.acl"
    acl.write_text("user bob on nopass\n")
    out = run_binary(config_text=f"port {free_port()}\naclfile {acl}\nuser alice on nopass\n")
    assert out.returncode != 0
    assert ("Configuring Redis with users defined in redis.conf and at the same setting an ACL "
            "file path is invalid") in out.stdout


def test_aclfile_errors_abort_startup(run_binary, tmp_path):
    acl = tmp_path / "users.acl"
    acl.write_text("user x on nopass\nuser y bogus\n")
    out = run_binary(config_text=f"port {free_port()}\naclfile {acl}\n")
    assert out.returncode != 0
    assert "users.acl:2: Syntax error." in out.stdout


def test_acl_save_and_load(server_factory, tmp_path):
    acl = tmp_path / "users.acl"
    acl.write_text("user alice on >secret ~a* +get\n")
    srv = server_factory(aclfile=str(acl))
    c = srv.raw()
    assert c.cmd("AUTH", "alice", "secret") == "OK"
    admin = srv.raw()
    assert setuser(admin, "bob", "on", ">bobpw", "+@read", "~*") == "OK"
    assert admin.cmd("ACL", "SAVE") == "OK"
    text = acl.read_text()
    assert "secret" not in text and "bobpw" not in text
    assert f"user alice on #{sha('secret')} ~a* resetchannels -@all +get" in text.splitlines()
    assert "user default on nopass ~* &* +@all" in text.splitlines()
    if not IS_REDIS:
        assert stat.S_IMODE(os.stat(acl).st_mode) == 0o600
    # A bad file changes nothing.
    acl.write_text("user x on nopass\nuser y bogus +nosuch\nfoo\nuser y on\n")
    reply = admin.cmd("ACL", "LOAD")
    assert_error(reply, f"ERR {acl}:2: Syntax error. {acl}:2: Error in applying operation "
                        f"'+nosuch': Unknown command or category name in ACL. {acl}:3 should "
                        "start with user keyword followed by the username. WARNING: Duplicate "
                        "user 'y' found on line 4. WARNING: ACL errors detected, no change to "
                        "the previously active ACL rules was performed")
    assert "bob" in b2s(admin.cmd("ACL", "USERS"))
    acl.write_text("user carol on >c +@all ~*\n")
    assert admin.cmd("ACL", "LOAD") == "OK"
    assert b2s(srv.raw().cmd("ACL", "USERS")) == ["carol", "default"]
    assert c.is_closed()  # alice is gone: her session too


def test_save_load_without_aclfile(raw):
    msg = ("ERR This Redis instance is not configured to use an ACL file. You may want to "
           "specify users via the ACL SETUSER command and then issue a CONFIG REWRITE "
           "(assuming you have a Redis configuration file set) in order to store users in the "
           "Redis configuration.")
    assert_error(raw.cmd("ACL", "SAVE"), msg)
    assert_error(raw.cmd("ACL", "LOAD"), msg)


def test_hello_auth_with_acl_user(server_factory):
    srv = server_factory(requirepass="pw")
    c = srv.raw()
    assert c.cmd("ACL", "SETUSER", "h", "on", ">hp", "+@all") == Err(
        "NOAUTH Authentication required.")
    assert c.cmd("AUTH", "pw") == "OK"
    assert c.cmd("ACL", "SETUSER", "h", "on", ">hp", "+@all") == "OK"
    d = srv.raw()
    reply = d.cmd("HELLO", "2", "AUTH", "h", "hp")
    assert isinstance(reply, list)
    assert b2s(d.cmd("ACL", "WHOAMI")) == "h"
    assert_error(srv.raw().cmd("HELLO", "2", "AUTH", "h", "bad"),
                 "WRONGPASS invalid username-password pair or user is disabled.")


def test_client_kill_user(server):
    admin = server.raw()
    assert setuser(admin, "k", "on", ">p", "+@all") == "OK"
    c = server.raw()
    assert c.cmd("AUTH", "k", "p") == "OK"
    assert admin.cmd("CLIENT", "KILL", "USER", "k") == 1
    assert c.is_closed()
    assert_error(admin.cmd("CLIENT", "KILL", "USER", "nosuch"), "ERR No such user 'nosuch'")


@pytest.mark.redoubt_only
def test_config_get_secrets_only_for_admins(server_factory):
    srv = server_factory(requirepass="pw")
    c = srv.raw()
    assert c.cmd("AUTH", "pw") == "OK"
    assert b2s(c.cmd("CONFIG", "GET", "requirepass")) == ["requirepass", "pw"]
    assert setuser(c, "r", "on", ">r", "+@all", "-@admin", "+config|get") == "OK"
    d = srv.raw()
    assert d.cmd("AUTH", "r", "r") == "OK"
    assert b2s(d.cmd("CONFIG", "GET", "requirepass")) == ["requirepass", "(redacted)"]
