"""The seed's ACL file, its renames and the protected-config attack, as the issue pins them:
the four users command by command via `redis-cli -u redis://user:pass@...` and `AUTH user pass`,
rename-command disabling and renaming, and CONFIG SET dir + dbfilename refused by default."""

import subprocess

import pytest

from conftest import REDIS_CLI, Err, assert_error

SEED_ACL = """\
user default off nopass nocommands
user monitor on >monitorpassword ~* &* +INFO +MONITOR +KEYS +GET +HGET +LRANGE
user appuser on >strongapppassword ~* &* +@read +@write +@string +@hash +@list +@set +@sortedset -CONFIG -DEBUG -SHUTDOWN -REPLICAOF -SLAVEOF
user admin on >adminpassword allkeys allchannels allcommands
"""
PASSWORDS = {"monitor": "monitorpassword", "appuser": "strongapppassword",
             "admin": "adminpassword"}
NOAUTH = "NOAUTH Authentication required."
WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled."


@pytest.fixture
def seeded(server_factory, tmp_path):
    acl = tmp_path / "users.acl"
    acl.write_text(SEED_ACL)
    return server_factory(aclfile=str(acl))


def cli_url(srv, user, *args):
    url = f"redis://{user}:{PASSWORDS[user]}@127.0.0.1:{srv.port}"
    out = subprocess.run([REDIS_CLI, "--no-auth-warning", "-u", url, *args],
                         capture_output=True, text=True, timeout=20)
    return out.stdout.strip()


def cli_auth(srv, user, *args):
    session = f"AUTH {user} {PASSWORDS[user]}\n" + " ".join(args) + "\n"
    out = srv.cli(input=session)
    lines = out.stdout.strip().splitlines()
    assert lines[0] == "OK", out.stdout
    return "\n".join(lines[1:])


def allowed(out):
    return "NOPERM" not in out


@pytest.mark.parametrize("via", [cli_url, cli_auth])
def test_seed_users_command_by_command(seeded, via):
    r = seeded.raw()
    assert r.cmd("AUTH", "admin", "adminpassword") == "OK"
    r.cmd("SET", "k", "v")
    # monitor: INFO, GET, HGET, LRANGE, KEYS; not SET.
    for args in (("INFO", "server"), ("GET", "k"), ("HGET", "h", "f"), ("LRANGE", "l", "0", "-1"),
                 ("KEYS", "*")):
        assert allowed(via(seeded, "monitor", *args)), args
    assert "NOPERM" in via(seeded, "monitor", "SET", "k", "v2")
    assert "NOPERM" in via(seeded, "monitor", "CONFIG", "GET", "port")
    # appuser: strings, hashes, lists, sets, sorted sets; not CONFIG, DEBUG, SHUTDOWN, REPLICAOF.
    for args in (("SET", "s", "1"), ("GET", "s"), ("INCR", "s"), ("HSET", "h", "f", "v"),
                 ("HGET", "h", "f"), ("LPUSH", "l", "a"), ("LRANGE", "l", "0", "-1"),
                 ("SADD", "st", "a"), ("SMEMBERS", "st"), ("ZADD", "z", "1", "a"),
                 ("ZRANGE", "z", "0", "-1")):
        assert allowed(via(seeded, "appuser", *args)), args
    for args in (("CONFIG", "GET", "port"), ("DEBUG", "SLEEP", "0"), ("SHUTDOWN",),
                 ("REPLICAOF", "NO", "ONE")):
        out = via(seeded, "appuser", *args)
        # Redis checks enable-debug-command before ACL; Redoubt checks ACL first (NOPERM).
        assert "NOPERM" in out or "unknown command" in out or "not allowed" in out, (args, out)
    # admin: everything.
    for args in (("CONFIG", "GET", "port"), ("ACL", "WHOAMI"), ("SET", "a", "1"),
                 ("FLUSHALL",)):
        assert allowed(via(seeded, "admin", *args)), args


def test_seed_default_user_is_off(seeded):
    c = seeded.raw()
    assert_error(c.cmd("GET", "k"), NOAUTH)
    assert_error(c.cmd("AUTH", "anything"), "ERR AUTH <password> called without any password "
                 "configured for the default user. Are you sure your configuration is correct?")
    assert_error(c.cmd("AUTH", "default", "x"), WRONGPASS)
    assert_error(c.cmd("AUTH", "appuser", "wrong"), WRONGPASS)
    assert c.cmd("AUTH", "appuser", "strongapppassword") == "OK"
    assert seeded.cli("PING").stdout.strip() == NOAUTH


def test_seed_acl_list(seeded):
    c = seeded.raw()
    assert c.cmd("AUTH", "admin", "adminpassword") == "OK"
    lines = [x.decode() for x in c.cmd("ACL", "LIST")]
    assert lines[0].startswith("user admin on #") and lines[0].endswith(" ~* &* +@all")
    assert lines[2] == "user default off nopass resetchannels -@all"
    assert lines[3].startswith("user monitor on #")
    assert set(lines[3].split(" -@all ")[1].split()) == {"+info", "+monitor", "+keys", "+get",
                                                         "+hget", "+lrange"}


SEED_RENAMES = ['FLUSHDB ""', 'FLUSHALL ""', 'DEBUG ""', 'CONFIG ""',
                "SHUTDOWN SHUTDOWN_SAFE_KEY_9f3k2"]


def test_seed_renames(server_factory):
    srv = server_factory(config={"rename-command": SEED_RENAMES})
    c = srv.raw()
    for args in (("FLUSHDB",), ("FLUSHALL",), ("DEBUG", "SLEEP", "0"), ("CONFIG", "GET", "x"),
                 ("SHUTDOWN",)):
        assert_error(c.cmd(*args), f"ERR unknown command '{args[0]}', with args beginning "
                                   "with: *")
    assert c.cmd("SET", "k", "v") == "OK"
    c.send(b"*2\r\n$23\r\nshutdown_safe_key_9F3K2\r\n$6\r\nNOSAVE\r\n")
    srv.wait_exit(timeout=10)


def test_config_renamed(server_factory):
    srv = server_factory(requirepass="pw", config={"rename-command": "CONFIG ASC12_CONFIG"})
    c = srv.raw()
    assert c.cmd("AUTH", "pw") == "OK"
    assert_error(c.cmd("config", "get", "requirepass"), "ERR unknown command 'config'*")
    reply = c.cmd("asc12_config", "get", "requirepass")
    assert isinstance(reply, list) and reply[0] == b"requirepass"
    assert isinstance(c.cmd("AsC12_CoNfIg", "GET", "port"), list)


def test_protected_configs_refused(raw):
    def failed(name, why):
        return f"ERR CONFIG SET failed (possibly related to argument '{name}') - {why}"
    # The ssh-key planting attack: point dir at ~/.ssh and dbfilename at authorized_keys.
    assert_error(raw.cmd("CONFIG", "SET", "dir", "/root/.ssh"),
                 failed("dir", "can't set protected config"))
    assert_error(raw.cmd("CONFIG", "SET", "dbfilename", "authorized_keys"),
                 failed("dbfilename", "can't set protected config"))
    assert_error(raw.cmd("CONFIG", "SET", "appendfilename", "x.aof"),
                 failed("appendfilename", "can't set immutable config"))
    assert_error(raw.cmd("CONFIG", "SET", "aclfile", "/tmp/x.acl"),
                 failed("aclfile", "can't set immutable config"))


def test_dbfilename_must_be_a_bare_name(server_factory):
    srv = server_factory(enable_protected_configs="yes")
    c = srv.raw()
    assert_error(c.cmd("CONFIG", "SET", "dbfilename", "../evil.rdb"),
                 "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - "
                 "dbfilename can't be a path, just a filename")
    assert c.cmd("CONFIG", "SET", "dbfilename", "ok.rdb") == "OK"
