"""CLIENT PAUSE edge cases as Redis 7.0 behaves (after tests/unit/pause.tcl): the order held
clients are released in, expiry during a pause, and pauses issued inside MULTI."""

import time

from conftest import wait_until


def info_field(raw, section, field):
    text = raw.cmd("INFO", section).decode()
    for line in text.split("\r\n"):
        if line.startswith(field + ":"):
            return int(line.split(":", 1)[1])
    raise AssertionError(f"no {field} in INFO {section}")


def blocked(raw):
    return info_field(raw, "clients", "blocked_clients")


def test_held_clients_are_all_released_in_the_order_they_were_held(server):
    ctl = server.raw()
    # Connected in one order, held in the opposite one: release follows the holding order.
    clients = [server.raw() for _ in range(5)]
    assert ctl.cmd("CLIENT", "PAUSE", "100000", "WRITE") == "OK"
    for i, c in enumerate(reversed(clients)):
        c.send(f"*3\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$1\r\n{i}\r\n".encode())
        assert wait_until(lambda: blocked(ctl) == i + 1, timeout=5)
    assert ctl.cmd("LLEN", "l") == 0
    assert ctl.cmd("CLIENT", "UNPAUSE") == "OK"
    replies = sorted(c.read_reply() for c in clients)
    assert replies == [1, 2, 3, 4, 5]
    assert ctl.cmd("LRANGE", "l", "0", "-1") == [b"0", b"1", b"2", b"3", b"4"]
    assert blocked(ctl) == 0


def test_several_requests_of_one_client_wait_and_run_once(server):
    ctl, c = server.raw(), server.raw()
    assert ctl.cmd("CLIENT", "PAUSE", "100000", "WRITE") == "OK"
    c.send(b"*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n" * 3)
    assert wait_until(lambda: blocked(ctl) == 1, timeout=5)
    c.send(b"*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n")  # more input while held: still one client
    time.sleep(0.1)
    assert blocked(ctl) == 1
    ctl.cmd("CLIENT", "UNPAUSE")
    assert [c.read_reply() for _ in range(4)] == [1, 2, 3, 4]


def test_no_expiry_during_a_write_pause(server):
    """Redis's 'Test both active and passive expires are skipped during client pause'."""
    r = server.raw()
    expired = info_field(r, "stats", "expired_keys")
    r.cmd("MULTI")
    r.cmd("SET", "foo", "bar", "PX", "10")
    r.cmd("SET", "bar", "foo", "PX", "10")
    r.cmd("CLIENT", "PAUSE", "50000", "WRITE")
    assert r.cmd("EXEC") == ["OK", "OK", "OK"]
    # Logically expired for readers...
    assert wait_until(lambda: r.cmd("GET", "foo") is None and r.cmd("GET", "bar") is None)
    time.sleep(0.3)  # several cron runs: active expiry would have deleted them by now
    # ... but neither the reads nor the cron deleted them.
    assert info_field(r, "stats", "expired_keys") == expired
    assert r.cmd("DBSIZE") == 2
    r.cmd("CLIENT", "UNPAUSE")
    r.cmd("GET", "foo")
    r.cmd("GET", "bar")
    assert info_field(r, "stats", "expired_keys") == expired + 2
    assert r.cmd("DBSIZE") == 0


def test_pause_inside_multi_starts_at_the_end_of_the_transaction(server):
    """Redis's 'Test that client pause starts at the end of a transaction'."""
    r, other = server.raw(), server.raw()
    r.cmd("MULTI")
    r.cmd("SET", "FOO1", "BAR")
    r.cmd("CLIENT", "PAUSE", "60000", "WRITE")
    r.cmd("SET", "FOO2", "BAR")
    assert r.cmd("EXEC") == ["OK", "OK", "OK"]
    other.send(b"*3\r\n$3\r\nSET\r\n$4\r\nFOO3\r\n$3\r\nBAR\r\n")
    assert wait_until(lambda: blocked(r) == 1, timeout=5)
    assert r.cmd("GET", "FOO1") == b"BAR"
    assert r.cmd("GET", "FOO2") == b"BAR"
    assert r.cmd("GET", "FOO3") is None
    r.cmd("CLIENT", "UNPAUSE")
    assert other.read_reply() == "OK"
    assert r.cmd("GET", "FOO3") == b"BAR"


def test_write_exec_waits_read_exec_passes_a_write_pause(server):
    ctl, w, ro = server.raw(), server.raw(), server.raw()
    w.cmd("SET", "k", "0")
    assert ctl.cmd("CLIENT", "PAUSE", "60000", "WRITE") == "OK"
    ro.cmd("MULTI")
    ro.cmd("GET", "k")
    assert ro.cmd("EXEC") == [b"0"]
    # Queuing a write is itself held, as Redis checks the pause before queuing.
    w.cmd("MULTI")
    w.send(b"*2\r\n$4\r\nINCR\r\n$1\r\nk\r\n*1\r\n$4\r\nEXEC\r\n")
    assert wait_until(lambda: blocked(ctl) == 1, timeout=5)
    assert ctl.cmd("GET", "k") == b"0"
    ctl.cmd("CLIENT", "UNPAUSE")
    assert w.read_reply() == "QUEUED"
    assert w.read_reply() == [1]


def test_pause_all_holds_reads_and_the_pausing_clients_next_request(server):
    ctl, reader = server.raw(), server.raw()
    ctl.cmd("SET", "k", "v")
    # CLIENT PAUSE then GET in one pipeline: the GET waits like everyone else's.
    ctl.send(b"*4\r\n$6\r\nCLIENT\r\n$5\r\nPAUSE\r\n$3\r\n300\r\n$3\r\nALL\r\n"
             b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n")
    assert ctl.read_reply() == "OK"
    t0 = time.monotonic()
    assert reader.cmd("GET", "k") == b"v"
    assert ctl.read_reply() == b"v"
    assert time.monotonic() - t0 > 0.15
