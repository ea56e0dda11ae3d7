"""The facts of our command table equal Redis 7.0's: for every command (and subcommand) the
server lists in COMMAND, compare arity, flags, first/last/step key positions and ACL
categories with Debian's redis-server, and report every mismatch at once."""

import os

import pytest

from conftest import REDIS_REFERENCE, Err


# Commands Redoubt adds on purpose (documented in the README); everything else must be Redis's.
REDOUBT_COMMANDS = {"audit"}


def entries_by_name(conn, names=None):
    """name -> (arity, flags, first, last, step, categories) incl. subcommands."""
    reply = conn.cmd("COMMAND") if names is None else conn.cmd("COMMAND", "INFO", *names)
    out = {}

    def add(entry):
        name = entry[0].decode().lower()
        out[name] = (entry[1], frozenset(str(f).lower() for f in entry[2]), entry[3], entry[4],
                     entry[5], frozenset(str(c).lower() for c in entry[6]))
        if len(entry) > 9 and entry[9]:
            for sub in entry[9]:
                add(sub)

    for entry in reply:
        if entry is not None:
            add(entry)
    return out


@pytest.mark.skipif(not os.path.exists(REDIS_REFERENCE), reason="no /usr/bin/redis-server")
def test_command_info_matches_redis_7_0(server, server_factory):
    ours = entries_by_name(server.raw(timeout=30))
    assert ours, "COMMAND returned nothing"
    reference = server_factory(binary=REDIS_REFERENCE)
    ref_conn = reference.raw(timeout=30)
    version = ref_conn.cmd("INFO", "server").decode()
    assert "redis_version:7.0." in version, "reference redis-server is not 7.0"
    theirs = entries_by_name(ref_conn)

    fields = ("arity", "flags", "first key", "last key", "key step", "ACL categories")
    problems = []
    for name in sorted(ours):
        if name in REDOUBT_COMMANDS:
            continue
        if name not in theirs:
            problems.append(f"{name}: not a Redis 7.0 command")
            continue
        for field, a, b in zip(fields, ours[name], theirs[name]):
            if a != b:
                if isinstance(a, frozenset):
                    detail = (f"extra {sorted(a - b)}" if a - b else "") + \
                             (f" missing {sorted(b - a)}" if b - a else "")
                    problems.append(f"{name}: {field}: ours {sorted(a)} redis {sorted(b)}"
                                    f" ({detail.strip()})")
                else:
                    problems.append(f"{name}: {field}: ours {a} redis {b}")
    assert not problems, (f"{len(problems)} COMMAND INFO mismatches with Redis 7.0 over "
                          f"{len(ours)} commands:\n" + "\n".join(problems))


@pytest.mark.skipif(not os.path.exists(REDIS_REFERENCE), reason="no /usr/bin/redis-server")
def test_subcommands_listed_like_redis(server, server_factory):
    """A container command (CONFIG, CLIENT, OBJECT, COMMAND) must list, among its
    subcommands, every one of Redis's that we implement (reachable by name)."""
    conn = server.raw(timeout=30)
    ours = entries_by_name(conn)
    reference = server_factory(binary=REDIS_REFERENCE).raw(timeout=30)
    theirs = entries_by_name(reference)
    problems = []
    for parent in ("config", "client", "object", "command"):
        if parent not in ours:
            continue
        for sub in sorted(n for n in theirs if n.startswith(parent + "|")):
            if sub in ours:
                continue
            verb = sub.split("|", 1)[1]
            reply = conn.cmd(parent.upper(), verb.upper())
            unknown = isinstance(reply, Err) and "unknown subcommand" in reply
            if not unknown:
                problems.append(f"{sub} answers but is not listed in COMMAND")
    assert not problems, "\n".join(problems)


# Commands added with the rest of Redis 7.0's command set: they must be listed, and their key
# specs (not only the legacy first/last/step) must equal Redis's.
NEW_COMMANDS = ["slowlog", "sort", "sort_ro", "lcs", "pfadd", "pfcount", "pfmerge", "pfdebug",
                "pfselftest", "geoadd", "geodist", "geohash", "geopos", "georadius",
                "georadius_ro", "georadiusbymember", "georadiusbymember_ro", "geosearch",
                "geosearchstore", "module", "lolwut", "ssubscribe", "sunsubscribe", "spublish"]


def _normalise(value):
    """A RESP2 key spec (flat key/value arrays) as nested dicts, without the free-text notes."""
    if isinstance(value, list) and len(value) % 2 == 0 and all(
            isinstance(k, bytes) for k in value[0::2]) and value and value[0] in (
            b"flags", b"notes", b"type", b"index", b"keyword", b"lastkey", b"keynumidx",
            b"begin_search", b"find_keys", b"spec"):
        d = {k.decode(): _normalise(v) for k, v in zip(value[0::2], value[1::2])}
        d.pop("notes", None)
        return d
    if isinstance(value, list):
        return sorted((_normalise(v) for v in value), key=repr)
    return value.decode() if isinstance(value, bytes) else value


@pytest.mark.skipif(not os.path.exists(REDIS_REFERENCE), reason="no /usr/bin/redis-server")
def test_new_commands_listed_with_redis_key_specs(server, server_factory):
    conn = server.raw(timeout=30)
    ref = server_factory(binary=REDIS_REFERENCE).raw(timeout=30)
    ours = conn.cmd("COMMAND", "INFO", *NEW_COMMANDS)
    theirs = ref.cmd("COMMAND", "INFO", *NEW_COMMANDS)
    problems = []
    for name, a, b in zip(NEW_COMMANDS, ours, theirs):
        if a is None:
            problems.append(f"{name}: missing")
            continue
        if _normalise(a[8]) != _normalise(b[8]):
            problems.append(f"{name}: key specs ours {_normalise(a[8])} redis {_normalise(b[8])}")
    assert not problems, "\n".join(problems)
