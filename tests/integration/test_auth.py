"""requirepass and AUTH: the seed session through redis-cli, AUTH forms and error texts."""

import pytest
import redis

from conftest import Err, assert_error, encode_command, wrong_args

NOAUTH = "NOAUTH Authentication required."
WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled."
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def secured(server_factory):
    return server_factory(requirepass=PASSWORD)


def test_seed_session_through_redis_cli(secured):
    """The hardening guide's session: set before auth fails, auth, set, get."""
    session = f"set key1 10\nauth {PASSWORD}\nset key1 10\nget key1\n"
    out = secured.cli("--no-raw", input=session)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["(error) NOAUTH Authentication required.", "OK", "OK",
                                       '"10"']


def test_seed_session_one_shot_commands(secured):
    out = secured.cli("set", "key1", "10")
    assert "NOAUTH Authentication required." in out.stdout
    out = secured.cli("--no-auth-warning", "-a", PASSWORD, "set", "key1", "10")
    assert out.stdout.strip() == "OK"
    out = secured.cli("--no-auth-warning", "-a", PASSWORD, "get", "key1")
    assert out.stdout.strip() == "10"


def test_every_command_needs_auth(secured):
    c = secured.raw()
    for cmd in (("PING",), ("GET", "k"), ("SET", "k", "v"), ("SELECT", "1"), ("CONFIG", "GET",
                "*"), ("CLIENT", "SETNAME", "x"), ("INFO",), ("COMMAND",), ("ECHO", "x"),
                ("KEYS", "*"), ("DBSIZE",)):
        assert_error(c.cmd(*cmd), NOAUTH)


def test_unknown_command_and_arity_are_checked_before_auth(secured):
    # Redis's admission order: known command -> arity -> authenticated
    c = secured.raw()
    assert_error(c.cmd("NOSUCHCMD", "x"),
                 "ERR unknown command 'NOSUCHCMD', with args beginning with: 'x' ")
    assert_error(c.cmd("GET"), wrong_args("get"))
    assert_error(c.cmd("GET", "k"), NOAUTH)


def test_quit_and_reset_allowed_before_auth(secured):
    c = secured.raw()
    assert c.cmd("RESET") == "RESET"
    c.send(encode_command("QUIT"))
    assert c.read_reply() == "OK"
    assert c.is_closed()


def test_auth_with_password(secured):
    c = secured.raw()
    assert c.cmd("AUTH", PASSWORD) == "OK"
    assert c.cmd("SET", "k", "v") == "OK"
    assert c.cmd("GET", "k") == b"v"


def test_auth_default_user_with_password(secured):
    c = secured.raw()
    assert c.cmd("AUTH", "default", PASSWORD) == "OK"
    assert c.cmd("PING") == "PONG"


def test_wrong_password(secured):
    c = secured.raw()
    assert_error(c.cmd("AUTH", "nope"), WRONGPASS)
    assert_error(c.cmd("AUTH", "default", "nope"), WRONGPASS)
    assert_error(c.cmd("AUTH", "nosuchuser", PASSWORD), WRONGPASS)
    assert_error(c.cmd("PING"), NOAUTH)
    assert c.cmd("AUTH", PASSWORD) == "OK"  # the connection is not dropped


def test_failed_auth_after_success_keeps_the_session(secured):
    c = secured.raw()
    assert c.cmd("AUTH", PASSWORD) == "OK"
    assert_error(c.cmd("AUTH", "wrong"), WRONGPASS)
    assert c.cmd("PING") == "PONG"


def test_auth_arity_and_syntax(secured):
    c = secured.raw()
    assert_error(c.cmd("AUTH"), wrong_args("auth"))
    assert_error(c.cmd("AUTH", "a", "b", "c"), "ERR syntax error")


def test_auth_when_no_password_is_set(raw):
    assert_error(raw.cmd("AUTH", "anything"),
                 "ERR AUTH <password> called without any password configured for the default "
                 "user. Are you sure your configuration is correct?")
    # the default user has nopass: any password is accepted in the two-argument form
    assert raw.cmd("AUTH", "default", "anything") == "OK"
    assert_error(raw.cmd("AUTH", "nosuchuser", "x"), WRONGPASS)


def test_requirepass_set_at_runtime(server):
    admin = server.raw()
    assert admin.cmd("CONFIG", "SET", "requirepass", "newpass") == "OK"
    assert admin.cmd("PING") == "PONG"  # existing connections stay authenticated
    c = server.raw()
    assert_error(c.cmd("PING"), NOAUTH)
    assert c.cmd("AUTH", "newpass") == "OK"
    assert admin.cmd("CONFIG", "SET", "requirepass", "") == "OK"
    assert server.raw().cmd("PING") == "PONG"


def test_redis_py_password_and_errors(secured):
    good = secured.client(password=PASSWORD)
    assert good.set("k", "v") is True
    with pytest.raises(redis.AuthenticationError):
        secured.client().get("k")
    with pytest.raises((redis.AuthenticationError, redis.ResponseError), match="WRONGPASS"):
        secured.client(password="bad").get("k")
    named = secured.client(username="default", password=PASSWORD)
    assert named.get("k") == "v"


@pytest.mark.redoubt_only
def test_config_get_requirepass_is_redacted_for_non_admin(secured):
    """requirepass is sensitive: a user who may run CONFIG GET but is not an admin sees it
    redacted."""
    admin = secured.raw()
    assert admin.cmd("AUTH", PASSWORD) == "OK"
    reply = admin.cmd("ACL", "SETUSER", "reader", "on", ">readerpw", "~*", "+@all", "-@admin",
                      "+config|get")
    if isinstance(reply, Err):
        pytest.skip(f"ACL SETUSER not available yet: {reply}")
    c = secured.raw()
    assert c.cmd("AUTH", "reader", "readerpw") == "OK"
    reply = c.cmd("CONFIG", "GET", "requirepass")
    assert not isinstance(reply, Err), reply
    assert reply[0] == b"requirepass"
    assert PASSWORD.encode() not in reply[1]


def test_password_never_appears_in_the_log(server_factory):
    srv = server_factory(requirepass=PASSWORD, loglevel="debug")
    c = srv.raw()
    c.cmd("AUTH", "wrong-" + PASSWORD)
    c.cmd("AUTH", PASSWORD)
    c.cmd("CONFIG", "SET", "requirepass", PASSWORD + "-2")
    c.cmd("CONFIG", "GET", "*")
    srv.stop()
    log = srv.log_text()
    assert PASSWORD not in log
