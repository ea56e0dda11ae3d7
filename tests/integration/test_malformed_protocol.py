"""Malformed and hostile input: Redis's exact `-ERR Protocol error: ...` replies, the
connection closed, other clients still served, and no memory allocated just because a client
claims a length."""

import time

import pytest

from conftest import encode_command

PE = b"-ERR Protocol error: "

# (name, bytes sent, exact reply) -- each one closes the connection
CLOSING_CASES = [
    ("multibulk_length_not_a_number", b"*abc\r\n", PE + b"invalid multibulk length\r\n"),
    ("multibulk_length_over_int_max", b"*2147483648\r\n", PE + b"invalid multibulk length\r\n"),
    ("multibulk_length_overflowing_int64", b"*99999999999999999999\r\n",
     PE + b"invalid multibulk length\r\n"),
    ("negative_bulk_length", b"*1\r\n$-2\r\n", PE + b"invalid bulk length\r\n"),
    ("null_bulk_inside_request", b"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$-1\r\n",
     PE + b"invalid bulk length\r\n"),
    ("bulk_length_not_a_number", b"*1\r\n$abc\r\n", PE + b"invalid bulk length\r\n"),
    ("bulk_claiming_1gb", b"*1\r\n$1073741824\r\n", PE + b"invalid bulk length\r\n"),
    ("bulk_just_over_proto_max_bulk_len", b"*1\r\n$536870913\r\n",
     PE + b"invalid bulk length\r\n"),
    ("expected_dollar_got_letter", b"*1\r\nfoo\r\n", PE + b"expected '$', got 'f'\r\n"),
    ("expected_dollar_got_array", b"*1\r\n*1\r\n", PE + b"expected '$', got '*'\r\n"),
    ("expected_dollar_got_integer", b"*1\r\n:1\r\n", PE + b"expected '$', got ':'\r\n"),
    ("inline_unbalanced_double_quote", b'SET "a b\r\n',
     PE + b"unbalanced quotes in request\r\n"),
    ("inline_unbalanced_single_quote", b"SET 'a b\r\n",
     PE + b"unbalanced quotes in request\r\n"),
    ("inline_closing_quote_followed_by_char", b'SET "a"b c\r\n',
     PE + b"unbalanced quotes in request\r\n"),
    ("inline_line_over_64kb", b"x" * 70000, PE + b"too big inline request\r\n"),
    ("multibulk_count_line_over_64kb", b"*" + b"1" * 70000,
     PE + b"too big mbulk count string\r\n"),
    ("bulk_count_line_over_64kb", b"*1\r\n$" + b"1" * 70000,
     PE + b"too big bulk count string\r\n"),
]


@pytest.mark.parametrize("name,data,reply", CLOSING_CASES, ids=[c[0] for c in CLOSING_CASES])
def test_protocol_error_replies_and_closes(server, name, data, reply):
    bystander = server.raw()
    bystander.cmd("SET", "k", "v")
    c = server.raw()
    c.send(data)
    assert c.read_raw(len(reply), timeout=5) == reply
    assert c.is_closed(timeout=5)
    assert bystander.cmd("GET", "k") == b"v"
    assert server.raw().cmd("PING") == "PONG"


def test_non_positive_multibulk_counts_are_ignored(raw):
    # Redis treats *0, *-1 and *-5 as empty requests: no reply, connection kept
    raw.send(b"*0\r\n*-1\r\n*-5\r\n")
    raw.send(encode_command("PING"))
    assert raw.read_raw(7, timeout=5) == b"+PONG\r\n"


def test_garbage_inline_is_an_unknown_command(raw):
    raw.send(b"\xfe\xfd garbage\r\n")
    reply = raw.read_reply()
    assert reply.startswith("ERR unknown command")
    assert raw.cmd("PING") == "PONG"


def test_empty_bulk_command_name(raw):
    raw.send(b"*1\r\n$0\r\n\r\n")
    assert raw.read_reply() == "ERR unknown command '', with args beginning with: "
    assert raw.cmd("PING") == "PONG"


def test_unterminated_bulk_waits_and_other_clients_are_served(server):
    c = server.raw()
    c.send(b"*2\r\n$4\r\nECHO\r\n$10\r\nabc")  # 3 of 10 bytes, no CRLF
    assert c.read_raw(timeout=0.5) == b""
    assert server.raw().cmd("PING") == "PONG"
    c.send(b"defghij\r\n")  # completing it later works
    assert c.read_reply() == b"abcdefghij"


@pytest.mark.parametrize("first_line", [b"POST / HTTP/1.1\r\n", b"Host: example.com\r\n",
                                        b"post /x HTTP/1.0\r\n"])
def test_http_lines_close_the_connection_silently(server, first_line):
    c = server.raw()
    c.send(first_line)
    assert c.is_closed(timeout=5)
    assert c.buf == b"" or not c.buf.startswith(b"+")
    assert server.wait_for_log("Possible SECURITY ATTACK detected")
    assert server.raw().cmd("PING") == "PONG"


def test_http_request_closes_even_before_auth(server_factory):
    srv = server_factory(requirepass="pw")
    c = srv.raw()
    c.send(b"POST / HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert c.is_closed(timeout=5)


# ----------------------------------------------------------------------------- limits


def test_unauthenticated_multibulk_over_10_args(server_factory):
    srv = server_factory(requirepass="pw")
    c = srv.raw()
    c.send(b"*11\r\n")
    assert c.read_raw(timeout=5) == PE + b"unauthenticated multibulk length\r\n"
    assert c.is_closed()
    ok = srv.raw()
    ok.send(b"*10\r\n")  # ten is still allowed
    assert ok.read_raw(timeout=0.5) == b""
    assert not ok.is_closed(timeout=0.3)


def test_unauthenticated_million_args_claim(server_factory):
    srv = server_factory(requirepass="pw")
    c = srv.raw()
    c.send(b"*1000000\r\n")
    assert c.read_raw(timeout=5) == PE + b"unauthenticated multibulk length\r\n"
    assert c.is_closed()


def test_unauthenticated_bulk_over_16kb(server_factory):
    srv = server_factory(requirepass="pw")
    c = srv.raw()
    c.send(b"*2\r\n$16385\r\n")
    assert c.read_raw(timeout=5) == PE + b"unauthenticated bulk length\r\n"
    assert c.is_closed()
    ok = srv.raw()
    ok.send(b"*2\r\n$4\r\nAUTH\r\n$16384\r\n")
    assert ok.read_raw(timeout=0.5) == b""
    assert not ok.is_closed(timeout=0.3)


def test_unauthenticated_1gb_bulk_is_invalid_bulk_length(server_factory):
    # the proto-max-bulk-len check comes before the unauthenticated one
    srv = server_factory(requirepass="pw")
    c = srv.raw()
    c.send(b"*1\r\n$1073741824\r\n")
    assert c.read_raw(timeout=5) == PE + b"invalid bulk length\r\n"
    assert c.is_closed()


def test_authenticated_clients_may_send_many_args(server_factory):
    srv = server_factory(requirepass="pw")
    c = srv.raw()
    assert c.cmd("AUTH", "pw") == "OK"
    args = []
    for i in range(50):
        args += [f"k{i}", "v"]
    assert c.cmd("MSET", *args) == "OK"
    assert c.cmd("ECHO", "x" * 100000) == b"x" * 100000


def test_proto_max_bulk_len_is_configurable(server_factory):
    srv = server_factory(proto_max_bulk_len="1mb")
    c = srv.raw()
    c.send(b"*2\r\n$4\r\nECHO\r\n$1048577\r\n")
    assert c.read_raw(timeout=5) == PE + b"invalid bulk length\r\n"
    assert c.is_closed()


def test_hostile_length_claims_do_not_allocate(server):
    """Many connections claiming huge lengths at once: the server keeps serving, and its
    RSS does not grow by more than a few MB (nothing allocated for a claimed length)."""
    probe = server.raw()
    probe.cmd("SET", "k", "v")
    time.sleep(0.2)
    before = server.rss_kb()
    held = []
    for _ in range(20):
        a = server.raw()
        a.send(b"*1000000\r\n$3\r\nSET\r\n")  # claims a million arguments, sends one
        b = server.raw()
        b.send(b"*2\r\n$4\r\nECHO\r\n$536870912\r\nabc")  # claims 512 MB, sends 3 bytes
        held += [a, b]
    for data, reply in [(c[1], c[2]) for c in CLOSING_CASES]:
        c = server.raw()
        c.send(data)
        assert c.read_raw(len(reply), timeout=5) == reply
        c.close()
    for _ in range(50):
        assert probe.cmd("GET", "k") == b"v"
    time.sleep(0.3)
    after = server.rss_kb()
    grown_mb = (after - before) / 1024
    print(f"RSS growth {grown_mb:.2f} MB")
    assert grown_mb < 8, f"RSS grew by {grown_mb:.1f} MB ({before} kB -> {after} kB)"
    for c in held:
        assert not c.is_closed(timeout=0.05)  # they are only waiting for their data
