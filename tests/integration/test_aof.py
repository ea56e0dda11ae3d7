"""The append-only file: Redis 7.0's multi-part layout, replay at start-up, absolute
expirations, canonical command names, torn tails and corruption, crash safety under SIGKILL
with appendfsync always, BGREWRITEAOF under load, and interop with Debian's redis-server 7.0
and redis-check-aof in both directions."""

import os
import random
import shutil
import signal
import subprocess
import tempfile
import threading
import time

import pytest
import redis

from conftest import IS_REDIS, REDIS_REFERENCE, SERVER_BIN, wait_until

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHECK_AOF = os.path.join(os.path.dirname(SERVER_BIN), "redoubt-check-aof")
REDIS_CHECK_AOF = "/usr/bin/redis-check-aof"
AOF_DIR = "appendonlydir"
MANIFEST = "appendonly.aof.manifest"


@pytest.fixture
def data_dir(tmp_path):
    d = tmp_path / "data"
    d.mkdir(mode=0o700)
    return str(d)


def start(server_factory, data_dir, binary=SERVER_BIN, wait=True, config=None, **directives):
    d = {"appendonly": "yes", "dir": data_dir, "aof_use_rdb_preamble": "no"}
    d.update(directives)
    srv = server_factory(binary=binary, wait=wait, config=config, **d)
    if wait:
        wait_loaded(srv)
    return srv


def wait_loaded(srv):
    """The readiness probe accepts -LOADING; tests want the data."""
    c = srv.client()

    def loaded():
        try:
            return c.ping()
        except redis.BusyLoadingError:
            return False
    assert wait_until(loaded, 20)


def manifest_files(data_dir):
    with open(os.path.join(data_dir, AOF_DIR, MANIFEST)) as f:
        lines = [ln.split() for ln in f if ln.strip() and not ln.startswith("#")]
    return [(ln[1], ln[5]) for ln in lines]  # (name, type)


def last_incr(data_dir):
    incrs = [name for name, t in manifest_files(data_dir) if t == "i"]
    return os.path.join(data_dir, AOF_DIR, incrs[-1])


def populate(c):
    c.set("str", "hello")
    c.set("int", 12345)
    c.rpush("list", "a", "b", "c", 1, 2)
    c.sadd("set", "x", "y", 7)
    c.zadd("zset", {"m1": 1.5, "m2": -2, "m3": 1e300})
    c.hset("hash", mapping={"f1": "v1", "f2": "2"})
    c.set("ttl", "v", ex=1000)


def snapshot(c):
    return {
        "str": c.get("str"), "int": c.get("int"), "list": c.lrange("list", 0, -1),
        "set": sorted(c.smembers("set")), "zset": c.zrange("zset", 0, -1, withscores=True),
        "hash": c.hgetall("hash"), "ttl_type": c.type("ttl"), "ttl_pos": c.ttl("ttl") > 900,
    }


def crash(srv):
    srv.proc.send_signal(signal.SIGKILL)
    srv.proc.wait(10)


def test_every_type_survives_a_restart_from_the_aof(server_factory, data_dir):
    srv = start(server_factory, data_dir)
    c = srv.client()
    populate(c)
    c.incrbyfloat("float", "1.1")
    c.sadd("popped", "a", "b", "c")
    picked = c.spop("popped")
    c.rpush("bl", "e")
    assert c.blpop("bl", 1) == ("bl", "e")
    pipe = c.pipeline(transaction=True)
    pipe.set("tx1", "1").incr("tx1").execute()
    c2 = srv.client(db=3)
    c2.set("db3", "three")
    before = snapshot(c)
    crash(srv)
    assert [t for _, t in manifest_files(data_dir)][-1] == "i"

    srv2 = start(server_factory, data_dir)
    c = srv2.client()
    assert snapshot(c) == before
    assert c.get("float") == "1.1"
    assert not c.sismember("popped", picked) and c.scard("popped") == 2
    assert c.exists("bl") == 0
    assert c.get("tx1") == "2"
    assert srv2.client(db=3).get("db3") == "three"


def test_expirations_are_written_as_absolute_times(server_factory, data_dir):
    srv = start(server_factory, data_dir)
    c = srv.client()
    c.set("a", "1", px=400)
    c.set("b", "1")
    c.expire("b", 1)
    c.setex("c", 1, "1")
    c.set("d", "1")
    c.getex("d", px=400)
    c.set("keep", "1")
    crash(srv)
    with open(last_incr(data_dir), "rb") as f:
        text = f.read().upper()
    assert b"PXAT" in text and b"PEXPIREAT" in text
    time.sleep(1.2)
    # Replayed after the TTLs passed: the keys are gone, not given a fresh TTL.
    srv2 = start(server_factory, data_dir)
    c = srv2.client()
    assert c.exists("a", "b", "c", "d") == 0
    assert c.get("keep") == "1"


@pytest.mark.redoubt_only  # Redis writes the alias typed by the client
def test_renamed_command_replays_on_a_server_without_the_rename(server_factory, data_dir):
    srv = start(server_factory, data_dir, config={"rename-command": "SET MYSET"})
    c = srv.client()
    c.execute_command("MYSET", "k", "v")
    crash(srv)
    with open(last_incr(data_dir), "rb") as f:
        text = f.read()
    assert b"MYSET" not in text
    srv2 = start(server_factory, data_dir)
    assert srv2.client().get("k") == "v"
    srv2.stop()
    # And on a server where the command is hidden by a rename: loading still finds it.
    srv3 = start(server_factory, data_dir, config={"rename-command": "SET OTHERSET"})
    assert srv3.client().get("k") == "v"


def write_base_aof(server_factory, data_dir):
    """An AOF whose last incr file ends with `SET last v`; returns (path, bytes, start)."""
    srv = start(server_factory, data_dir)
    c = srv.client()
    for i in range(5):
        c.set(f"k{i}", f"v{i}")
    c.set("last", "v")
    srv.stop()
    path = last_incr(data_dir)
    with open(path, "rb") as f:
        data = f.read()
    start_off = data.rindex(b"*3\r\n")
    assert data[start_off:].lower() == b"*3\r\n$3\r\nset\r\n$4\r\nlast\r\n$1\r\nv\r\n"
    return path, data, start_off


def test_aof_cut_at_every_offset_of_its_last_command_loads(server_factory, data_dir):
    path, data, start_off = write_base_aof(server_factory, data_dir)
    pristine = os.path.join(os.path.dirname(data_dir), "pristine")
    shutil.copytree(data_dir, pristine)
    for cut in range(start_off + 1, len(data)):
        shutil.rmtree(data_dir)
        shutil.copytree(pristine, data_dir)
        with open(path, "r+b") as f:
            f.truncate(cut)
        srv = start(server_factory, data_dir, aof_load_truncated="yes")
        c = srv.client()
        assert c.get("k4") == "v4", cut
        assert c.exists("last") == 0, cut
        c.set("after", "1")  # appends after the torn tail was cut off
        srv.stop()
        assert "short read" in srv.log_text().lower() or IS_REDIS
        assert os.path.getsize(path) > start_off
        srv = start(server_factory, data_dir, aof_load_truncated="no")
        assert srv.client().get("after") == "1", cut
        assert srv.client().exists("last") == 0
        srv.stop()


def test_torn_tail_is_refused_without_aof_load_truncated(server_factory, data_dir):
    path, data, start_off = write_base_aof(server_factory, data_dir)
    with open(path, "r+b") as f:
        f.truncate(len(data) - 3)
    srv = start(server_factory, data_dir, aof_load_truncated="no", wait=False)
    assert srv.proc.wait(10) != 0
    assert "unexpected end of file" in srv.log_text().lower()


def test_corruption_in_the_middle_refuses_start_up(server_factory, data_dir):
    path, data, start_off = write_base_aof(server_factory, data_dir)
    bad = bytearray(data)
    mid = data.index(b"k2")
    bad[mid - 4] = ord("!")  # the '$' of k2's length line
    with open(path, "wb") as f:
        f.write(bad)
    srv = start(server_factory, data_dir, aof_load_truncated="yes", wait=False)
    assert srv.proc.wait(10) != 0
    log = srv.log_text()
    assert "Bad file format reading the append only file" in log
    assert os.path.basename(path) in log


class Writer(threading.Thread):
    """Writes SET w<id>:<n> n as fast as acknowledged; records every acknowledged key."""

    def __init__(self, port, wid):
        super().__init__(daemon=True)
        self.port, self.wid = port, wid
        self.acked = []
        self.stop = False

    def run(self):
        try:
            c = redis.Redis(port=self.port, socket_timeout=5)
            n = 0
            while not self.stop:
                key = f"w{self.wid}:{n}"
                c.set(key, n)
                self.acked.append(key)
                n += 1
        except (redis.ConnectionError, redis.TimeoutError, ConnectionError, OSError):
            pass


def test_sigkill_loses_no_acknowledged_write_with_appendfsync_always(server_factory,
                                                                     data_dir):
    rng = random.Random(1234)
    acked = []
    for rnd in range(20):
        srv = start(server_factory, data_dir, appendfsync="always")
        c = srv.client()
        missing = [k for k in acked if not c.exists(k)]
        assert not missing, f"round {rnd}: {len(missing)} acknowledged writes lost"
        writers = [Writer(srv.port, f"{rnd}-{i}") for i in range(3)]
        for w in writers:
            w.start()
        time.sleep(rng.uniform(0.05, 0.3))
        crash(srv)
        for w in writers:
            w.stop = True
            w.join(10)
            acked += w.acked
    srv = start(server_factory, data_dir, appendfsync="always")
    c = srv.client()
    assert len(acked) > 100
    pipe = c.pipeline(transaction=False)
    for k in acked:
        pipe.exists(k)
    assert all(pipe.execute())


def test_bgrewriteaof_while_writes_continue_loses_nothing(server_factory, data_dir):
    srv = start(server_factory, data_dir)
    c = srv.client()
    writers = [Writer(srv.port, i) for i in range(2)]
    for w in writers:
        w.start()
    for _ in range(3):
        time.sleep(0.15)
        assert c.bgrewriteaof()
        assert wait_until(lambda: c.info("persistence")["aof_rewrite_in_progress"] == 0, 10)
    time.sleep(0.1)
    for w in writers:
        w.stop = True
        w.join(10)
    assert c.info("persistence")["aof_rewrites"] >= 1 or IS_REDIS
    srv.stop()
    files = manifest_files(data_dir)
    assert [t for _, t in files] == ["b", "i"]
    srv2 = start(server_factory, data_dir)
    c = srv2.client()
    acked = [k for w in writers for k in w.acked]
    assert len(acked) > 50
    pipe = c.pipeline(transaction=False)
    for k in acked:
        pipe.exists(k)
    assert all(pipe.execute())


def test_config_set_appendonly_yes_writes_a_base_first(server_factory, data_dir):
    srv = start(server_factory, data_dir, appendonly="no")
    c = srv.client()
    c.set("before", "1")
    c.rpush("l", *range(200))
    assert c.config_set("appendonly", "yes")
    assert wait_until(lambda: c.info("persistence")["aof_rewrite_in_progress"] == 0
                      and os.path.exists(os.path.join(data_dir, AOF_DIR, MANIFEST)), 10)
    c.set("after", "2")
    crash(srv)
    srv2 = start(server_factory, data_dir)
    c = srv2.client()
    assert c.get("before") == "1" and c.get("after") == "2"
    assert c.llen("l") == 200


def test_info_persistence_reports_the_aof(server_factory, data_dir):
    srv = start(server_factory, data_dir)
    info = srv.client().info("persistence")
    for field in ("aof_enabled", "aof_rewrite_in_progress", "aof_last_bgrewrite_status",
                  "aof_last_write_status", "aof_current_size", "aof_base_size",
                  "aof_buffer_length", "aof_delayed_fsync"):
        assert field in info, field
    assert info["aof_enabled"] == 1


def test_old_single_file_aof_is_moved_into_the_directory(server_factory, data_dir):
    with open(os.path.join(data_dir, "appendonly.aof"), "wb") as f:
        f.write(b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$1\r\n1\r\n")
    srv = start(server_factory, data_dir)
    assert srv.client().get("old") == "1"
    assert not os.path.exists(os.path.join(data_dir, "appendonly.aof"))
    assert "b" in [t for _, t in manifest_files(data_dir)]


# --- Interop with Debian's redis-server 7.0 -------------------------------------------------


@pytest.mark.parametrize("preamble", ["no", "yes"])
def test_redis_written_aof_loads_into_the_server_under_test(server_factory, data_dir, preamble):
    ref = start(server_factory, data_dir, binary=REDIS_REFERENCE, aof_use_rdb_preamble=preamble)
    c = ref.client()
    populate(c)
    c.bgrewriteaof()  # the base holds these (an RDB with the preamble on)
    assert wait_until(lambda: c.info("persistence")["aof_rewrite_in_progress"] == 0, 10)
    c.expire("str", 5000)
    with c.pipeline(transaction=True) as p:
        p.incr("counter").incr("counter").execute()
    before = snapshot(c)
    ref.stop()
    base = [n for n, t in manifest_files(data_dir) if t == "b"][0]
    assert base.endswith(".rdb" if preamble == "yes" else ".aof")
    srv = start(server_factory, data_dir)
    c = srv.client()
    assert snapshot(c) == before
    assert c.get("counter") == "2"
    assert 4000 < c.ttl("str") <= 5000


@pytest.mark.parametrize("preamble", ["no", "yes"])
def test_our_aof_loads_into_redis_and_passes_redis_check_aof(server_factory, data_dir,
                                                             preamble):
    srv = start(server_factory, data_dir, aof_use_rdb_preamble=preamble)
    c = srv.client()
    populate(c)
    c.bgrewriteaof()
    assert wait_until(lambda: c.info("persistence")["aof_rewrite_in_progress"] == 0, 10)
    base = [n for n, t in manifest_files(data_dir) if t == "b"][0]
    assert base.endswith(".rdb" if preamble == "yes" else ".aof")
    dump = c.dump("hash")
    c.restore("restored", 100000, dump)
    c.set("after-rewrite", "1")
    with c.pipeline(transaction=True) as p:
        p.incr("counter").incr("counter").execute()
    before = snapshot(c)
    srv.stop()
    out = subprocess.run([REDIS_CHECK_AOF, os.path.join(data_dir, AOF_DIR, MANIFEST)],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "is valid" in out.stdout
    ref = start(server_factory, data_dir, binary=REDIS_REFERENCE)
    c = ref.client()
    assert snapshot(c) == before
    assert c.get("after-rewrite") == "1" and c.get("counter") == "2"
    assert c.hgetall("restored") == {"f1": "v1", "f2": "2"} and 90 < c.ttl("restored") <= 100


# --- redoubt-check-aof ----------------------------------------------------------------------


@pytest.mark.redoubt_only
def test_check_aof_fixes_a_torn_tail(server_factory, data_dir):
    path, data, start_off = write_base_aof(server_factory, data_dir)
    with open(path, "r+b") as f:
        f.truncate(len(data) - 5)
    manifest = os.path.join(data_dir, AOF_DIR, MANIFEST)
    out = subprocess.run([CHECK_AOF, manifest], capture_output=True, text=True, timeout=30)
    assert out.returncode == 1 and "--fix" in out.stdout
    out = subprocess.run([CHECK_AOF, "--fix", manifest], capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == 0, out.stdout
    assert os.path.getsize(path) == start_off
    out = subprocess.run([CHECK_AOF, manifest], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0 and "valid" in out.stdout
    # Redis's own checker agrees with the fixed file.
    out = subprocess.run([REDIS_CHECK_AOF, manifest], capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == 0, out.stdout


@pytest.mark.redoubt_only
def test_check_aof_refuses_to_fix_corruption_in_the_middle(server_factory, data_dir):
    path, data, start_off = write_base_aof(server_factory, data_dir)
    bad = bytearray(data)
    bad[data.index(b"k2") - 4] = ord("!")
    with open(path, "wb") as f:
        f.write(bad)
    out = subprocess.run([CHECK_AOF, "--fix", path], capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == 1
    assert "not valid" in out.stdout
    assert os.path.getsize(path) == len(data)


def test_auto_aof_rewrite_starts_when_the_aof_doubles(server_factory, data_dir):
    srv = start(server_factory, data_dir, auto_aof_rewrite_percentage=100,
                auto_aof_rewrite_min_size="16kb")
    c = srv.client()
    assert c.info("persistence")["aof_rewrites"] == 0
    for i in range(300):
        c.set(f"key:{i}", "x" * 100)
    assert wait_until(lambda: c.info("persistence")["aof_rewrites"] >= 1, 10)
    assert wait_until(lambda: c.info("persistence")["aof_rewrite_in_progress"] == 0, 10)
    c.set("after", "1")
    crash(srv)
    srv2 = start(server_factory, data_dir)
    c = srv2.client()
    assert c.dbsize() == 301 and c.get("key:299") == "x" * 100


def test_bgrewriteaof_with_the_aof_off_writes_a_loadable_base(server_factory, data_dir):
    srv = start(server_factory, data_dir, appendonly="no")
    c = srv.client()
    c.set("k", "v")
    c.hset("h", "f", "1")
    assert c.bgrewriteaof()
    assert wait_until(lambda: c.info("persistence")["aof_rewrite_in_progress"] == 0
                      and os.path.exists(os.path.join(data_dir, AOF_DIR, MANIFEST)), 10)
    srv.stop()
    assert [t for _, t in manifest_files(data_dir)] == ["b"]
    srv2 = start(server_factory, data_dir)
    c = srv2.client()
    assert c.get("k") == "v" and c.hget("h", "f") == "1"


def test_aof_write_errors_refuse_writes_with_misconf(server_factory, tmp_path):
    # A full file system (a small tmpfs filled up): every AOF write fails with ENOSPC. (The
    # server refuses to append through a symlink, so the incr file cannot be /dev/full.)
    mnt = tmp_path / "small"
    mnt.mkdir(mode=0o700)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(mnt)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)")
    srv = None
    try:
        srv = start(server_factory, str(mnt))
        _aof_write_errors_on_a_full_disk(srv, str(mnt))
    finally:
        if srv is not None:
            srv.stop()
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def _aof_write_errors_on_a_full_disk(srv, data_dir):
    c = srv.client()
    fd = os.open(os.path.join(data_dir, "filler"), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while os.write(fd, b"x" * 4096) > 0:
            pass
    except OSError:
        pass
    os.close(fd)
    c.set("a", "1")  # executed; its AOF write fails before the reply leaves

    def refused():
        try:
            c.set("b", "2")
        except redis.ResponseError as e:
            return str(e) == "MISCONF Errors writing to the AOF file: No space left on device"
        return False
    assert wait_until(refused, 5)
    assert c.info("persistence")["aof_last_write_status"] == "err"
    assert c.get("a") == "1"  # reads still work
    with pytest.raises(redis.ResponseError, match="^MISCONF Errors writing to the AOF file"):
        c.ping()  # as Redis 7.0: a health check sees the failure


@pytest.mark.redoubt_only  # Redis's loader runs these through a fake client too
def test_aof_with_watch_subscribe_and_monitor_replays_and_leaves_nothing_behind(
        server_factory, data_dir):
    # A hand-written file may hold commands that register the session somewhere; the replay
    # session must not stay registered once it is gone (a later write or publish would touch
    # it).
    os.makedirs(os.path.join(data_dir, AOF_DIR))
    with open(os.path.join(data_dir, AOF_DIR, "appendonly.aof.1.incr.aof"), "wb") as f:
        for cmd in (["SELECT", "0"], ["SET", "k", "v"], ["WATCH", "k"], ["SUBSCRIBE", "ch"],
                    ["PSUBSCRIBE", "p*"], ["MONITOR"]):
            f.write(b"*%d\r\n" % len(cmd) + b"".join(
                b"$%d\r\n%s\r\n" % (len(a), a.encode()) for a in cmd))
    with open(os.path.join(data_dir, AOF_DIR, MANIFEST), "w") as f:
        f.write("file appendonly.aof.1.incr.aof seq 1 type i\n")
    srv = start(server_factory, data_dir)
    c = srv.client()
    assert c.get("k") == "v"
    c.set("k", "w")
    assert c.publish("ch", "x") == 0 and c.publish("pa", "x") == 0
    assert c.pubsub_numpat() == 0
    assert c.flushall() is True
    assert c.ping() is True


def test_appendonly_yes_during_bgsave_waits_for_the_snapshot(server_factory, data_dir):
    # One child at a time: the AOF base is scheduled while a BGSAVE runs, then written.
    srv = start(server_factory, data_dir, appendonly="no", rdb_key_save_delay="1000")
    c = srv.client()
    pipe = c.pipeline(transaction=False)
    for i in range(2000):
        pipe.set(f"k{i}", "v")
    pipe.execute()
    c.bgsave()
    assert c.info("persistence")["rdb_bgsave_in_progress"] == 1
    c.config_set("rdb-key-save-delay", "0")
    assert c.config_set("appendonly", "yes") is True
    info = c.info("persistence")
    assert info["aof_rewrite_scheduled"] == 1 and info["aof_rewrite_in_progress"] == 0
    assert wait_until(lambda: c.info("persistence")["aof_rewrites"] >= 1, 30)
    assert wait_until(lambda: c.info("persistence")["aof_rewrite_in_progress"] == 0, 30)
    srv.stop()
    srv2 = start(server_factory, data_dir)
    assert srv2.client().dbsize() == 2000


def test_config_set_appendonly_no_stops_appending(server_factory, data_dir):
    srv = start(server_factory, data_dir)
    c = srv.client()
    c.set("kept", "1")
    assert c.config_set("appendonly", "no")
    assert c.info("persistence")["aof_enabled"] == 0
    c.set("not-in-aof", "1")
    crash(srv)
    srv2 = start(server_factory, data_dir)
    c = srv2.client()
    assert c.get("kept") == "1" and c.exists("not-in-aof") == 0


def test_restore_ttl_is_written_as_absttl(server_factory, data_dir):
    srv = start(server_factory, data_dir)
    c = srv.client()
    c.set("src", "value")
    c.restore("dst", 400, c.dump("src"))
    crash(srv)
    with open(last_incr(data_dir), "rb") as f:
        assert b"ABSTTL" in f.read().upper()
    time.sleep(0.6)
    srv2 = start(server_factory, data_dir)
    c = srv2.client()
    assert c.get("src") == "value" and c.exists("dst") == 0


def test_rdb_preamble_base_survives_restarts(server_factory, data_dir):
    srv = start(server_factory, data_dir, aof_use_rdb_preamble="yes")
    c = srv.client()
    populate(c)
    c.bgrewriteaof()
    assert wait_until(lambda: c.info("persistence")["aof_rewrite_in_progress"] == 0, 10)
    c.set("after", "1")
    before = snapshot(c)
    crash(srv)
    base = [n for n, t in manifest_files(data_dir) if t == "b"][0]
    with open(os.path.join(data_dir, AOF_DIR, base), "rb") as f:
        assert f.read(5) == b"REDIS"
    srv2 = start(server_factory, data_dir, aof_use_rdb_preamble="yes")
    c = srv2.client()
    assert snapshot(c) == before and c.get("after") == "1"


def test_old_single_file_aof_with_an_rdb_preamble_loads(server_factory, data_dir):
    srv = start(server_factory, data_dir, appendonly="no")
    c = srv.client()
    c.set("from-rdb", "1")
    c.rpush("list", "a", "b")
    assert c.save()
    srv.stop()
    with open(os.path.join(data_dir, "dump.rdb"), "rb") as f:
        rdb = f.read()
    os.unlink(os.path.join(data_dir, "dump.rdb"))
    with open(os.path.join(data_dir, "appendonly.aof"), "wb") as f:
        f.write(rdb + b"*3\r\n$5\r\nRPUSH\r\n$4\r\nlist\r\n$1\r\nc\r\n")
    srv2 = start(server_factory, data_dir)
    c = srv2.client()
    assert c.get("from-rdb") == "1"
    assert c.lrange("list", 0, -1) == ["a", "b", "c"]


@pytest.mark.redoubt_only
def test_check_aof_validates_an_rdb_base(server_factory, data_dir):
    srv = start(server_factory, data_dir, aof_use_rdb_preamble="yes")
    c = srv.client()
    populate(c)
    c.bgrewriteaof()
    assert wait_until(lambda: c.info("persistence")["aof_rewrite_in_progress"] == 0, 10)
    srv.stop()
    manifest = os.path.join(data_dir, AOF_DIR, MANIFEST)
    out = subprocess.run([CHECK_AOF, manifest], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stdout
    assert "RDB preamble" in out.stdout and "OK" in out.stdout
    base = [n for n, t in manifest_files(data_dir) if t == "b"][0]
    path = os.path.join(data_dir, AOF_DIR, base)
    data = bytearray(open(path, "rb").read())
    data[len(data) // 2] ^= 0xFF
    open(path, "wb").write(data)
    out = subprocess.run([CHECK_AOF, "--fix", manifest], capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == 1 and "not valid" in out.stdout


def test_bgrewriteaof_during_bgsave_is_scheduled_then_runs(server_factory, data_dir):
    srv = start(server_factory, data_dir)
    c = srv.client()
    pipe = c.pipeline(transaction=False)
    for i in range(50000):
        pipe.set(f"k{i}", "v" * 50)
    pipe.execute()
    raw = srv.raw()
    raw.send(b"*1\r\n$6\r\nBGSAVE\r\n*1\r\n$12\r\nBGREWRITEAOF\r\n")
    raw.read_reply()
    reply = raw.read_reply()
    assert reply in ("Background append only file rewriting scheduled",
                     "Background append only file rewriting started")
    assert wait_until(lambda: c.info("persistence")["aof_rewrites"] >= 1, 20)
    assert wait_until(lambda: c.info("persistence")["aof_rewrite_scheduled"] == 0, 20)


def test_bgsave_during_rewrite_is_refused_unless_scheduled(server_factory, data_dir):
    # One child at a time, as Redis: a plain BGSAVE during a rewrite is refused with Redis's
    # text, BGSAVE SCHEDULE runs once the rewrite is done.
    srv = start(server_factory, data_dir, aof_use_rdb_preamble="yes")
    c = srv.client()
    pipe = c.pipeline(transaction=False)
    for i in range(3000):
        pipe.set(f"k{i}", "v")
    pipe.execute()
    c.config_set("rdb-key-save-delay", "1000")  # ~3 s of rewrite
    before = c.lastsave()
    raw = srv.raw()  # the status texts themselves (redis-py turns them into True)
    assert raw.cmd("BGREWRITEAOF") == "Background append only file rewriting started"
    assert raw.cmd("BGSAVE") == ("ERR Another child process is active (AOF?): can't BGSAVE "
                                 "right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE "
                                 "whenever possible.")
    assert raw.cmd("BGSAVE", "SCHEDULE") == "Background saving scheduled"
    c.config_set("rdb-key-save-delay", "0")  # the running child keeps its delay
    assert c.info("persistence")["aof_rewrite_in_progress"] == 1
    assert c.info("persistence")["rdb_bgsave_in_progress"] == 0
    assert wait_until(lambda: c.lastsave() != before, 30)
    assert c.info("persistence")["rdb_last_bgsave_status"] == "ok"
    assert c.info("persistence")["aof_last_bgrewrite_status"] == "ok"


def test_clients_get_loading_while_the_aof_loads(server_factory, data_dir):
    # A command-form AOF big enough to take a while to replay (~35 MB, 1,000,000 SETs).
    os.makedirs(os.path.join(data_dir, AOF_DIR))
    with open(os.path.join(data_dir, AOF_DIR, "appendonly.aof.1.incr.aof"), "wb") as f:
        f.write(b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n")
        chunk = []
        for i in range(1000000):
            k = b"key:%d" % i
            chunk.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$5\r\nvalue\r\n" % (len(k), k))
            if len(chunk) == 10000:
                f.write(b"".join(chunk))
                chunk = []
    with open(os.path.join(data_dir, AOF_DIR, MANIFEST), "w") as f:
        f.write("file appendonly.aof.1.incr.aof seq 1 type i\n")
    srv = start(server_factory, data_dir, wait=False)
    replies = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with srv._connect_raw(timeout=5) as raw:
                while time.monotonic() < deadline:
                    reply = raw.cmd("GET", "key:999999")
                    replies.append(reply)
                    if reply == b"value":
                        break
                    time.sleep(0.005)
            break
        except (OSError, ConnectionError):
            time.sleep(0.005)
    assert replies and replies[-1] == b"value"
    assert any(str(r).startswith("LOADING") for r in replies), replies[:3]
    assert srv.client().dbsize() == 1000000


@pytest.mark.redoubt_only
def test_aof_buffer_is_reported_and_not_counted_for_eviction(server_factory, data_dir):
    # Redis leaves the AOF buffer out of the maxmemory check (mem_not_counted_for_evict). The
    # buffer keeps its allocation after a write (up to 4 MB), so a 1 MB SET leaves at least
    # that much, and INFO reports it in both fields.
    srv = start(server_factory, data_dir)
    c = srv.client()
    assert c.info("memory")["mem_aof_buffer"] < 1 << 20
    c.set("big", "x" * (1 << 20))
    mem = c.info("memory")
    assert mem["mem_aof_buffer"] >= 1 << 20
    assert mem["mem_not_counted_for_evict"] == mem["mem_aof_buffer"]
    c.config_set("appendonly", "no")
    assert c.info("memory")["mem_not_counted_for_evict"] == 0
