"""COMMAND, COMMAND COUNT / INFO / LIST / DOCS / GETKEYS."""

from conftest import SYNTAX, assert_error, wrong_args

ISSUE_COMMANDS = [
    "get", "set", "getdel", "getex", "getset", "setnx", "setex", "psetex", "mget", "mset",
    "msetnx", "incr", "decr", "incrby", "decrby", "incrbyfloat", "append", "strlen",
    "getrange", "setrange", "del", "unlink", "exists", "type", "rename", "renamenx", "copy",
    "move", "keys", "scan", "randomkey", "dbsize", "flushdb", "flushall", "expire", "pexpire",
    "expireat", "pexpireat", "ttl", "pttl", "expiretime", "pexpiretime", "persist", "touch",
    "object", "select", "swapdb", "ping", "echo", "quit", "reset", "info", "config", "client",
    "command", "time", "lastsave", "monitor", "shutdown", "debug", "auth", "hello",
]


def test_command_count_matches_command_list(raw):
    count = raw.cmd("COMMAND", "COUNT")
    names = raw.cmd("COMMAND", "LIST")
    assert len(names) == len(set(names))
    # LIST includes subcommands ("config|get"); COUNT and COMMAND only top-level commands
    top = [n for n in names if b"|" not in n]
    assert isinstance(count, int) and count == len(top)
    assert len(raw.cmd("COMMAND")) == count
    assert b"config|get" in names


def test_command_list_has_every_issue_command(raw):
    names = {n.decode() for n in raw.cmd("COMMAND", "LIST")}
    missing = sorted(set(ISSUE_COMMANDS) - names)
    assert not missing, f"COMMAND LIST lacks {missing}"


def test_command_list_filterby(raw):
    got = {n.decode() for n in raw.cmd("COMMAND", "LIST", "FILTERBY", "PATTERN", "get*")}
    assert {"get", "getdel", "getex", "getset", "getrange"} <= got
    assert all(n.startswith("get") for n in got)
    keyspace = {n.decode() for n in raw.cmd("COMMAND", "LIST", "FILTERBY", "ACLCAT", "keyspace")}
    assert {"del", "exists", "expire", "rename", "scan", "keys"} <= keyspace
    assert "get" not in keyspace
    assert raw.cmd("COMMAND", "LIST", "FILTERBY", "MODULE", "nosuchmodule") == []
    assert_error(raw.cmd("COMMAND", "LIST", "FILTERBY", "FOO", "bar"), SYNTAX)


def test_command_info_get(raw):
    (entry,) = raw.cmd("COMMAND", "INFO", "get")
    name, arity, flags, first, last, step, categories = entry[:7]
    assert name == b"get" and arity == 2
    assert set(flags) == {"readonly", "fast"}
    assert (first, last, step) == (1, 1, 1)
    assert set(categories) == {"@read", "@string", "@fast"}
    assert len(entry) == 10  # + tips, key specs, subcommands


def test_command_info_shapes(raw):
    entries = raw.cmd("COMMAND", "INFO", "set", "nosuchcmd", "mset", "ping")
    assert entries[1] is None
    by_name = {e[0]: e for e in entries if e}
    assert by_name[b"set"][1] == -3
    assert set(by_name[b"set"][2]) == {"write", "denyoom"}
    assert by_name[b"mset"][3:6] == [1, -1, 2]
    assert by_name[b"ping"][3:6] == [0, 0, 0]


def test_command_info_subcommands(raw):
    (entry,) = raw.cmd("COMMAND", "INFO", "config")
    subs = {s[0].decode() for s in entry[9]}
    assert {"config|get", "config|set", "config|resetstat", "config|rewrite"} <= subs
    (sub,) = raw.cmd("COMMAND", "INFO", "config|get")
    assert sub[0] == b"config|get" and sub[1] == -3


def test_command_docs(raw):
    reply = raw.cmd("COMMAND", "DOCS", "get")
    assert reply[0] == b"get"
    doc = reply[1]
    assert isinstance(doc, list) and len(doc) % 2 == 0 and len(doc) > 0
    assert raw.cmd("COMMAND", "DOCS", "nosuchcmd") == []


def test_command_getkeys(raw):
    assert raw.cmd("COMMAND", "GETKEYS", "set", "a", "b") == [b"a"]
    assert raw.cmd("COMMAND", "GETKEYS", "mset", "a", "1", "b", "2") == [b"a", b"b"]
    assert raw.cmd("COMMAND", "GETKEYS", "copy", "a", "b") == [b"a", b"b"]
    assert raw.cmd("COMMAND", "GETKEYS", "object", "encoding", "k") == [b"k"]
    assert raw.cmd("COMMAND", "GETKEYS", "del", "a", "b", "c") == [b"a", b"b", b"c"]


def test_command_getkeys_errors(raw):
    assert_error(raw.cmd("COMMAND", "GETKEYS", "nosuch", "a"), "ERR Invalid command specified")
    assert_error(raw.cmd("COMMAND", "GETKEYS", "get"), wrong_args("command|getkeys"))
    assert_error(raw.cmd("COMMAND", "GETKEYS", "set", "a"), "ERR Invalid number of arguments "
                 "specified for command")
    assert_error(raw.cmd("COMMAND", "FOO"), "ERR unknown subcommand 'FOO'. Try COMMAND HELP.")


def test_command_info_through_redis_py(r):
    info = r.command()
    assert "get" in info and info["get"]["arity"] == 2
