"""MULTI/EXEC/DISCARD/WATCH/UNWATCH with Redis's semantics: queued replies, EXECABORT after
a queueing error, runtime errors inside EXEC, WATCH aborting on changes from another client,
on deletion, on expiry and on FLUSHALL."""

import time

from conftest import assert_error


def test_exec_runs_queued_commands_and_returns_their_replies(raw):
    assert raw.cmd("MULTI") == "OK"
    assert raw.cmd("SET", "a", "1") == "QUEUED"
    assert raw.cmd("INCR", "a") == "QUEUED"
    assert raw.cmd("GET", "a") == "QUEUED"
    assert raw.cmd("EXEC") == ["OK", 2, b"2"]


def test_errors_outside_and_inside_a_transaction(raw):
    assert_error(raw.cmd("EXEC"), "ERR EXEC without MULTI")
    assert_error(raw.cmd("DISCARD"), "ERR DISCARD without MULTI")
    raw.cmd("MULTI")
    assert_error(raw.cmd("MULTI"), "ERR MULTI calls can not be nested")
    assert_error(raw.cmd("WATCH", "x"), "ERR WATCH inside MULTI is not allowed")
    assert raw.cmd("DISCARD") == "OK"


def test_queueing_error_aborts_the_whole_transaction(raw):
    raw.cmd("MULTI")
    assert raw.cmd("SET", "k", "v") == "QUEUED"
    assert_error(raw.cmd("NOSUCHCOMMAND"),
                 "ERR unknown command 'NOSUCHCOMMAND', with args beginning with: ")
    assert_error(raw.cmd("GET"), "ERR wrong number of arguments for 'get' command")
    assert_error(raw.cmd("EXEC"), "EXECABORT Transaction discarded because of previous errors.")
    assert raw.cmd("GET", "k") is None


def test_runtime_error_inside_exec_does_not_stop_the_others(raw):
    raw.cmd("SET", "s", "text")
    raw.cmd("MULTI")
    raw.cmd("INCR", "s")
    raw.cmd("SET", "t", "1")
    replies = raw.cmd("EXEC")
    assert str(replies[0]).startswith("ERR value is not an integer")
    assert replies[1] == "OK"


def test_discard_drops_the_queue(raw):
    raw.cmd("MULTI")
    raw.cmd("SET", "d", "1")
    assert raw.cmd("DISCARD") == "OK"
    assert raw.cmd("GET", "d") is None


def test_watch_aborts_exec_when_another_client_writes(server):
    a, b = server.raw(), server.raw()
    a.cmd("SET", "w", "1")
    assert a.cmd("WATCH", "w") == "OK"
    b.cmd("SET", "w", "2")
    a.cmd("MULTI")
    a.cmd("SET", "w", "3")
    assert a.cmd("EXEC") is None
    assert a.cmd("GET", "w") == b"2"


def test_watch_on_missing_key_aborts_when_it_is_created(server):
    a, b = server.raw(), server.raw()
    a.cmd("WATCH", "new")
    b.cmd("SET", "new", "x")
    a.cmd("MULTI")
    a.cmd("GET", "new")
    assert a.cmd("EXEC") is None


def test_watch_aborts_on_delete_and_on_flushall(server):
    a, b = server.raw(), server.raw()
    a.cmd("SET", "d1", "1")
    a.cmd("WATCH", "d1")
    b.cmd("DEL", "d1")
    a.cmd("MULTI")
    assert a.cmd("EXEC") is None
    a.cmd("SET", "d2", "1")
    a.cmd("WATCH", "d2")
    b.cmd("FLUSHALL")
    a.cmd("MULTI")
    assert a.cmd("EXEC") is None


def test_watch_aborts_when_the_key_expires(server):
    a = server.raw()
    a.cmd("SET", "e", "1", "PX", "100")
    a.cmd("WATCH", "e")
    time.sleep(0.3)
    a.cmd("MULTI")
    a.cmd("GET", "e")
    assert a.cmd("EXEC") is None


def test_unchanged_watch_lets_exec_run_and_unwatch_forgets(server):
    a, b = server.raw(), server.raw()
    a.cmd("SET", "u", "1")
    a.cmd("WATCH", "u")
    a.cmd("MULTI")
    a.cmd("INCR", "u")
    assert a.cmd("EXEC") == [2]
    a.cmd("WATCH", "u")
    assert a.cmd("UNWATCH") == "OK"
    b.cmd("SET", "u", "9")
    a.cmd("MULTI")
    a.cmd("GET", "u")
    assert a.cmd("EXEC") == [b"9"]


def test_exec_releases_watches_so_later_writes_do_not_matter(server):
    a, b = server.raw(), server.raw()
    a.cmd("WATCH", "r")
    a.cmd("MULTI")
    a.cmd("SET", "r", "1")
    assert a.cmd("EXEC") == ["OK"]
    b.cmd("SET", "r", "2")
    a.cmd("MULTI")
    a.cmd("GET", "r")
    assert a.cmd("EXEC") == [b"2"]


def test_redis_py_pipeline_transaction(server):
    r = server.client()
    with r.pipeline(transaction=True) as p:
        p.set("p", 1).incr("p").get("p")
        assert p.execute() == [True, 2, "2"]
