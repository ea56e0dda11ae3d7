"""RDB snapshots: Redis 7.0 interop both ways, SAVE/BGSAVE/LASTSAVE, save points, corrupt and
truncated files refused at start-up, MISCONF, LOADING while a big file loads."""
import os
import shutil
import subprocess
import time

import pytest

from conftest import SERVER_BIN, assert_error, free_port, wait_until
import rdb_util
from rdb_util import REDIS_CHECK_RDB, REDIS_SERVER, fill, snapshot

CHECK_RDB = os.path.join(os.path.dirname(os.path.abspath(SERVER_BIN)), "redoubt-check-rdb")
IS_REDOUBT = "redoubt" in os.path.basename(SERVER_BIN)

needs_redis = pytest.mark.skipif(not rdb_util.have_redis(), reason="Debian redis-server not installed")


def data_dir(tmp_path, name="data"):
    d = tmp_path / name
    d.mkdir(mode=0o700)
    return str(d)


def start_on(server_factory, d, binary=SERVER_BIN, **kw):
    return server_factory(binary=binary, dir=d, **kw)


def bgsave_done(c):
    return c.info("persistence")["rdb_bgsave_in_progress"] == 0


def test_save_writes_a_private_file_and_lastsave_moves(server_factory, tmp_path):
    d = data_dir(tmp_path)
    srv = start_on(server_factory, d)
    r = srv.client()
    r.set("k", "v")
    before = r.lastsave()
    time.sleep(1.1)
    assert r.save() is True
    assert r.lastsave() > before
    if IS_REDOUBT:  # Redis leaves the mode to the umask (0644 here); Redoubt writes 0600
        assert os.stat(os.path.join(d, "dump.rdb")).st_mode & 0o777 == 0o600
    assert not [f for f in os.listdir(d) if f.startswith("temp-")]
    info = r.info("persistence")
    assert info["rdb_changes_since_last_save"] == 0
    assert info["rdb_last_bgsave_status"] == "ok"


def test_restart_restores_every_type_and_ttl(server_factory, tmp_path):
    d = data_dir(tmp_path)
    srv = start_on(server_factory, d)
    rb = srv.client(decode_responses=False)
    fill(rb)
    before = snapshot(rb)
    assert rb.save() is True
    srv.stop()
    srv2 = start_on(server_factory, d)
    rb2 = srv2.client(decode_responses=False)
    assert snapshot(rb2) == before
    assert srv2.client().info("persistence")["rdb_last_load_keys_loaded"] == len(before)


def test_bgsave_runs_in_the_background_and_refuses_a_second_one(server_factory, tmp_path):
    d = data_dir(tmp_path)
    srv = start_on(server_factory, d, rdb_key_save_delay=2000)
    r = srv.client()
    for i in range(500):
        r.set(f"k{i}", i)
    assert r.bgsave() is True or r.bgsave() == "Background saving started"
    # The child takes ~1 s (2 ms per key): the server keeps answering meanwhile.
    assert r.ping() is True
    assert r.info("persistence")["rdb_bgsave_in_progress"] == 1
    for i in range(500):
        r.set(f"k{i}", "x" * 100)  # writes while the child runs: copy-on-write
    raw = srv.raw()
    assert_error(raw.cmd("BGSAVE"), "ERR Background save already in progress")
    assert_error(raw.cmd("SAVE"), "ERR Background save already in progress")
    assert wait_until(lambda: bgsave_done(r), timeout=30)
    info = r.info("persistence")
    assert info["rdb_last_bgsave_status"] == "ok"
    assert info["rdb_saves"] >= 1
    assert info["rdb_last_cow_size"] > 0  # the child's copied pages (its own buffers at least)
    assert os.path.exists(os.path.join(d, "dump.rdb"))


def test_save_point_triggers_a_bgsave(server_factory, tmp_path):
    d = data_dir(tmp_path)
    srv = start_on(server_factory, d, save="1 3")
    r = srv.client()
    for i in range(3):
        r.set(f"k{i}", i)
    assert wait_until(lambda: os.path.exists(os.path.join(d, "dump.rdb")), timeout=10)
    assert wait_until(lambda: r.info("persistence")["rdb_changes_since_last_save"] == 0, timeout=10)


def test_shutdown_saves_when_save_points_are_set(server_factory, tmp_path):
    d = data_dir(tmp_path)
    srv = start_on(server_factory, d, save="3600 1")
    r = srv.client()
    r.set("kept", "yes")
    srv.stop()  # SIGTERM
    srv2 = start_on(server_factory, d, save="3600 1")
    assert srv2.client().get("kept") == "yes"


def test_shutdown_nosave_does_not_save(server_factory, tmp_path):
    d = data_dir(tmp_path)
    srv = start_on(server_factory, d, save="3600 1")
    raw = srv.raw()
    raw.cmd("SET", "gone", "1")
    raw.send(b"SHUTDOWN NOSAVE\r\n")
    assert raw.is_closed()
    srv.wait_exit()
    assert not os.path.exists(os.path.join(d, "dump.rdb"))


def test_flushall_saves_an_empty_dataset(server_factory, tmp_path):
    d = data_dir(tmp_path)
    srv = start_on(server_factory, d, save="3600 1")
    r = srv.client()
    r.set("a", "1")
    r.save()
    r.flushall()
    srv.stop(sig=9)
    srv2 = start_on(server_factory, d, save="3600 1")
    assert srv2.client().dbsize() == 0


def test_misconf_after_a_failed_bgsave(server_factory, tmp_path):
    d = data_dir(tmp_path)
    srv = start_on(server_factory, d, save="3600 1")
    r = srv.client()
    r.set("a", "1")
    shutil.rmtree(d)  # the snapshot cannot be written any more (even as root)
    r.bgsave()
    assert wait_until(lambda: bgsave_done(r), timeout=10)
    assert r.info("persistence")["rdb_last_bgsave_status"] == "err"
    raw = srv.raw()
    assert_error(raw.cmd("SET", "b", "2"),
                 "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to "
                 "persist to disk. Commands that may modify the data set are disabled, because "
                 "this instance is configured to report errors during writes if RDB snapshotting "
                 "fails (stop-writes-on-bgsave-error option). Please check the Redis logs for "
                 "details about the RDB error.")
    assert raw.cmd("GET", "a") == b"1"  # reads still work
    # PING too: Redis 7.0 refuses it so that a health check sees the failure.
    assert raw.cmd("PING").startswith("MISCONF Redis is configured to save RDB snapshots")
    assert raw.cmd("CONFIG", "SET", "stop-writes-on-bgsave-error", "no") == "OK"
    assert raw.cmd("PING") == "PONG"
    assert raw.cmd("SET", "b", "2") == "OK"


def test_misconf_and_transactions(server_factory, tmp_path):
    # As Redis 7.0: commands queued before the disk error run at EXEC unless a write is
    # queued; then EXEC is refused and the transaction discarded (EXECABORT with the reason).
    d = data_dir(tmp_path)
    srv = start_on(server_factory, d, save="3600 1")
    r = srv.client()
    r.set("a", "1")
    reads, writes = srv.raw(), srv.raw()
    assert [reads.cmd(*c) for c in (["MULTI"], ["PING"], ["GET", "a"])] == ["OK", "QUEUED",
                                                                          "QUEUED"]
    assert [writes.cmd(*c) for c in (["MULTI"], ["SET", "b", "2"])] == ["OK", "QUEUED"]
    shutil.rmtree(d)
    r.bgsave()
    assert wait_until(lambda: bgsave_done(r), timeout=10)
    assert reads.cmd("EXEC") == ["PONG", b"1"]
    assert_error(writes.cmd("EXEC"), "EXECABORT Transaction discarded because of: MISCONF Redis "
                 "is configured to save RDB snapshots*")
    assert_error(writes.cmd("DISCARD"), "ERR DISCARD without MULTI")
    assert r.get("b") is None


def test_failed_save_command_is_an_error_not_misconf(server_factory, tmp_path):
    # A synchronous SAVE that fails answers a bare ERR; unlike a failed BGSAVE it does not
    # turn on -MISCONF (Redis 7.0 keeps rdb_last_bgsave_status as it was).
    d = data_dir(tmp_path)
    srv = start_on(server_factory, d, save="3600 1")
    raw = srv.raw()
    assert raw.cmd("SET", "a", "1") == "OK"
    shutil.rmtree(d)
    assert_error(raw.cmd("SAVE"), "ERR")
    assert raw.cmd("SET", "b", "2") == "OK"
    assert raw.cmd("PING") == "PONG"


def test_debug_reload_keeps_the_dataset(server_factory, tmp_path):
    d = data_dir(tmp_path)
    srv = start_on(server_factory, d, enable_debug_command="yes")
    rb = srv.client(decode_responses=False)
    fill(rb)
    before = snapshot(rb)
    assert rb.execute_command("DEBUG", "RELOAD") == b"OK"
    assert snapshot(rb) == before


@pytest.mark.redoubt_only
def test_loading_reply_while_a_big_file_loads(server_factory, tmp_path):
    d = data_dir(tmp_path)
    srv = start_on(server_factory, d, enable_debug_command="yes")
    r = srv.client()
    r.execute_command("DEBUG", "POPULATE", 2000)
    r.save()
    srv.stop()
    # 1 ms per key: ~2 s of loading, events served every KB.
    srv2 = start_on(server_factory, d, wait=False, key_load_delay=1000,
                    loading_process_events_interval_bytes=1024)
    deadline = time.monotonic() + 10
    seen_loading = False
    while time.monotonic() < deadline and not seen_loading:
        try:
            raw = srv2.raw(timeout=2)
        except OSError:
            time.sleep(0.05)
            continue
        reply = raw.cmd("GET", "key:1")
        if isinstance(reply, str) and reply.startswith("LOADING"):
            assert_error(reply, "LOADING Redis is loading the dataset in memory")
            info = raw.cmd("INFO", "persistence")  # INFO is allowed while loading
            text = info if isinstance(info, str) else info.decode()
            assert "loading:1" in text
            seen_loading = True
        raw.close()
    assert seen_loading, "never saw -LOADING"
    srv2.wait_for_log("Done loading RDB", timeout=20)
    assert wait_until(lambda: srv2.raw().cmd("DBSIZE") == 2000, timeout=5)


@pytest.mark.redoubt_only
@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to chown the data dir")
def test_data_dir_owned_by_another_user_is_refused(tmp_path):
    d = data_dir(tmp_path, "foreign")
    os.chown(d, 65534, 65534)
    res = subprocess.run([SERVER_BIN, "--port", str(free_port()), "--dir", d, "--save", ""],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=20)
    assert res.returncode != 0
    assert "owned by uid 65534" in res.stdout


def corrupt_start(tmp_path, content):
    d = data_dir(tmp_path, "bad")
    with open(os.path.join(d, "dump.rdb"), "wb") as f:
        f.write(content)
    return subprocess.run([SERVER_BIN, "--port", str(free_port()), "--dir", d, "--save", ""],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=20)


def good_rdb(server_factory, tmp_path):
    d = data_dir(tmp_path, "good")
    srv = start_on(server_factory, d)
    rb = srv.client(decode_responses=False)
    fill(rb)
    rb.save()
    srv.stop()
    with open(os.path.join(d, "dump.rdb"), "rb") as f:
        return f.read()


@pytest.mark.redoubt_only
def test_flipped_byte_is_refused_with_a_clear_message(server_factory, tmp_path):
    data = bytearray(good_rdb(server_factory, tmp_path))
    data[len(data) // 2] ^= 0x40
    res = corrupt_start(tmp_path, bytes(data))
    assert res.returncode != 0
    assert "dump.rdb" in res.stdout
    assert "Fatal error loading the DB" in res.stdout
    assert "checksum" in res.stdout.lower() or "offset" in res.stdout


@pytest.mark.redoubt_only
def test_truncated_file_is_refused(server_factory, tmp_path):
    data = good_rdb(server_factory, tmp_path)
    res = corrupt_start(tmp_path, data[: len(data) * 2 // 3])
    assert res.returncode != 0
    # Where the cut lands depends on the key order, which the per-process hash seed varies: in
    # the middle of a value, or inside a collection whose length then exceeds what is left.
    assert ("unexpected end of input at offset" in res.stdout
            or "collection length larger than the input at offset" in res.stdout), res.stdout


@pytest.mark.redoubt_only
def test_zero_checksum_is_not_a_free_pass(server_factory, tmp_path):
    data = good_rdb(server_factory, tmp_path)
    res = corrupt_start(tmp_path, data[:-8] + b"\0" * 8)
    assert res.returncode != 0
    assert "no checksum" in res.stdout


@pytest.mark.redoubt_only
def test_redoubt_check_rdb_reports_ok_and_errors(server_factory, tmp_path):
    data = good_rdb(server_factory, tmp_path)
    path = tmp_path / "x.rdb"
    path.write_bytes(data)
    ok = subprocess.run([CHECK_RDB, str(path)], stdout=subprocess.PIPE, text=True)
    assert ok.returncode == 0, ok.stdout
    assert "RDB looks OK" in ok.stdout
    bad = bytearray(data)
    bad[len(bad) // 2] ^= 0x01
    path.write_bytes(bytes(bad))
    res = subprocess.run([CHECK_RDB, str(path)], stdout=subprocess.PIPE, text=True)
    assert res.returncode == 1
    assert "RDB ERROR DETECTED" in res.stdout


# --- interop with Debian's redis-server 7.0 ---------------------------------------------------

@needs_redis
@pytest.mark.redoubt_only
def test_redis_written_rdb_loads_with_every_value_and_ttl(server_factory, tmp_path):
    d = data_dir(tmp_path)
    ref = start_on(server_factory, d, binary=REDIS_SERVER)
    rb = ref.client(decode_responses=False)
    fill(rb)
    expected = snapshot(rb)
    assert rb.save() is True
    ref.stop()
    ours = start_on(server_factory, d)
    assert snapshot(ours.client(decode_responses=False)) == expected


@needs_redis
@pytest.mark.redoubt_only
def test_redoubt_written_rdb_passes_redis_check_rdb_and_loads_in_redis(server_factory, tmp_path):
    d = data_dir(tmp_path)
    ours = start_on(server_factory, d)
    rb = ours.client(decode_responses=False)
    fill(rb)
    expected = snapshot(rb)
    assert rb.save() is True
    ours.stop()
    res = subprocess.run([REDIS_CHECK_RDB, os.path.join(d, "dump.rdb")], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    assert res.returncode == 0, res.stdout
    assert "RDB looks OK" in res.stdout
    ref = start_on(server_factory, d, binary=REDIS_SERVER)
    assert snapshot(ref.client(decode_responses=False)) == expected


@needs_redis
@pytest.mark.redoubt_only
def test_uncompressed_rdb_without_checksum_interops(server_factory, tmp_path):
    d = data_dir(tmp_path)
    ours = start_on(server_factory, d, rdbcompression="no", rdbchecksum="no")
    rb = ours.client(decode_responses=False)
    fill(rb)
    expected = snapshot(rb)
    rb.save()
    ours.stop()
    ref = start_on(server_factory, d, binary=REDIS_SERVER, rdbchecksum="no")
    assert snapshot(ref.client(decode_responses=False)) == expected


def test_shutdown_refuses_when_the_final_save_fails(server_factory, tmp_path):
    d = data_dir(tmp_path)
    srv = start_on(server_factory, d, save="3600 1")
    raw = srv.raw()
    raw.cmd("SET", "a", "1")
    shutil.rmtree(d)
    assert_error(raw.cmd("SHUTDOWN"), "ERR Errors trying to SHUTDOWN. Check logs.")
    assert raw.cmd("PING") == "PONG"
    raw.send(b"SHUTDOWN NOSAVE\r\n")
    assert raw.is_closed()
    srv.wait_exit()


# --- idle times and LFU counters (RDB_OPCODE_IDLE / RDB_OPCODE_FREQ) --------------------------

def _access_info_survives(server_factory, tmp_path, writer, reader, policy):
    """Under an LRU policy a key's idle time, under LFU its access counter, is written into the
    snapshot and given back on load, so eviction after a restart still knows what is cold."""
    d = data_dir(tmp_path)
    conf = {"maxmemory_policy": policy, "lfu_decay_time": "0"}
    w = start_on(server_factory, d, binary=writer, **conf)
    rb = w.client(decode_responses=False)
    rb.set("src", "v")
    payload = rb.dump("src")
    lru = policy.endswith("lru")
    if lru:
        rb.restore("cold", 0, payload, idletime=1000)
    else:
        rb.restore("hot", 0, payload, frequency=100)
    assert rb.save() is True
    w.stop()
    c = start_on(server_factory, d, binary=reader, **conf).client()
    if lru:
        assert 1000 <= c.object("idletime", "cold") < 1060
        assert c.object("idletime", "src") < 60
    else:
        assert c.object("freq", "hot") == 100
        assert c.object("freq", "src") < 100


@pytest.mark.parametrize("policy", ["allkeys-lru", "volatile-lru", "allkeys-lfu"])
def test_idle_time_and_lfu_counter_survive_a_restart(server_factory, tmp_path, policy):
    _access_info_survives(server_factory, tmp_path, SERVER_BIN, SERVER_BIN, policy)


@needs_redis
@pytest.mark.redoubt_only
@pytest.mark.parametrize("policy", ["allkeys-lru", "allkeys-lfu"])
@pytest.mark.parametrize("direction", ["redis-to-redoubt", "redoubt-to-redis"])
def test_idle_time_and_lfu_counter_interop(server_factory, tmp_path, policy, direction):
    pair = (REDIS_SERVER, SERVER_BIN) if direction == "redis-to-redoubt" else (SERVER_BIN,
                                                                                REDIS_SERVER)
    _access_info_survives(server_factory, tmp_path, *pair, policy)
