"""Files the server writes: never through a planted symlink, never adopting a planted file,
always owned by the server's user with mode 0600 (issue: temp files followed symlinks).

The data dir must now be private, so another user cannot plant anything in it: the tests show
the start-up refusal of an open data dir, that the old predictable temp name is not followed
even when something sits there, and use a second uid (nobody) where the server still writes
into a directory it does not police (the ACL file's and the log file's directory)."""
import os
import pathlib
import shutil
import stat
import subprocess
import tempfile

import pytest

from conftest import ServerStartError

pytestmark = pytest.mark.redoubt_only

VICTIM_TEXT = "root's secret, must stay as it is\n"


def as_nobody(*cmd):
    """Runs cmd as uid nobody / gid nogroup with no supplementary groups."""
    subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *cmd],
                   check=True)


@pytest.fixture
def victim(tmp_path):
    """A root-owned 0600 file outside every directory the server writes to."""
    d = tmp_path / "victim"
    d.mkdir(mode=0o755)
    f = d / "precious"
    f.write_text(VICTIM_TEXT)
    os.chmod(f, 0o600)
    return f


@pytest.fixture
def open_dir():
    """A directory anybody may create entries in (not sticky), like a careless shared dir;
    under /tmp so that nobody can reach it."""
    d = tempfile.mkdtemp(prefix="redoubt-shared-")
    os.chmod(d, 0o777)
    yield pathlib.Path(d)
    shutil.rmtree(d, ignore_errors=True)


def assert_own_private_file(path):
    st = os.lstat(path)
    assert stat.S_ISREG(st.st_mode), f"{path} is not a regular file"
    assert st.st_uid == os.geteuid(), f"{path} owned by uid {st.st_uid}"
    assert stat.S_IMODE(st.st_mode) == 0o600, oct(st.st_mode)


def test_save_does_not_follow_a_symlink_at_the_old_temp_name(server_factory, victim):
    srv = server_factory()
    os.symlink(victim, os.path.join(srv.tmpdir, f"temp-{srv.pid}.rdb"))
    c = srv.client()
    c.set("k", "v")
    assert c.save() is True
    assert victim.read_text() == VICTIM_TEXT
    assert_own_private_file(os.path.join(srv.tmpdir, "dump.rdb"))
    assert c.get("k") == "v"


def test_bgsave_and_aof_leave_only_private_files_and_no_temp_files(server_factory):
    srv = server_factory(appendonly="yes")
    c = srv.client()
    c.set("k", "v")
    c.bgsave()
    c.bgrewriteaof()
    from conftest import wait_until
    assert wait_until(lambda: c.info("persistence")["rdb_bgsave_in_progress"] == 0
                      and c.info("persistence")["aof_rewrite_in_progress"] == 0, timeout=10)
    assert wait_until(lambda: os.path.exists(os.path.join(srv.tmpdir, "dump.rdb")))
    assert_own_private_file(os.path.join(srv.tmpdir, "dump.rdb"))
    aof_dir = os.path.join(srv.tmpdir, "appendonlydir")
    names = os.listdir(aof_dir)
    assert any(n.endswith(".manifest") for n in names)
    for n in names:
        assert not n.startswith("temp-"), names
        assert_own_private_file(os.path.join(aof_dir, n))
    assert not [n for n in os.listdir(srv.tmpdir) if n.startswith("temp-")]


def test_open_data_dir_is_refused_at_start_up(server_factory, open_dir):
    with pytest.raises(ServerStartError) as e:
        server_factory(dir=str(open_dir))
    assert "writable by group or others" in str(e.value)


def test_group_writable_data_dir_is_refused_at_start_up(server_factory, tmp_path):
    d = tmp_path / "group"
    d.mkdir()
    os.chmod(d, 0o770)
    with pytest.raises(ServerStartError) as e:
        server_factory(dir=str(d))
    assert "chmod 750" in str(e.value)


def test_audit_fails_an_open_data_dir(run_binary, open_dir):
    res = run_binary(["--audit", "--dir", str(open_dir)])
    assert res.returncode == 1, res.stdout
    line = [x for x in res.stdout.splitlines() if "writable by group or others" in x]
    assert line and "[FAIL]" in line[0], res.stdout


def test_acl_save_ignores_symlinks_planted_by_another_user(server_factory, victim, open_dir):
    acl = open_dir / "users.acl"
    acl.write_text("user default on nopass ~* &* +@all\n")
    os.chmod(acl, 0o600)
    srv = server_factory(aclfile=str(acl))
    # What the old code opened: <aclfile>.tmp-<pid>, following symlinks and keeping a
    # pre-created file's owner. Plant both forms as another user.
    as_nobody("ln", "-s", str(victim), str(open_dir / f"users.acl.tmp-{srv.pid}"))
    c = srv.client()
    c.execute_command("ACL", "SETUSER", "alice", "on", ">alicepassword", "+get")
    assert c.execute_command("ACL", "SAVE") == "OK"
    assert victim.read_text() == VICTIM_TEXT
    assert_own_private_file(acl)
    assert "user alice" in acl.read_text()


def test_acl_save_does_not_adopt_a_file_pre_created_by_another_user(server_factory, open_dir):
    acl = open_dir / "users.acl"
    acl.write_text("user default on nopass ~* &* +@all\n")
    os.chmod(acl, 0o600)
    srv = server_factory(aclfile=str(acl))
    planted = open_dir / f"users.acl.tmp-{srv.pid}"
    as_nobody("sh", "-c", f"umask 0; : > {planted}")
    assert os.stat(planted).st_uid != 0
    c = srv.client()
    c.execute_command("ACL", "SETUSER", "bob", "on", ">bobpassword", "+get")
    assert c.execute_command("ACL", "SAVE") == "OK"
    assert_own_private_file(acl)
    assert "user bob" in acl.read_text()


def test_config_rewrite_temp_file_is_private_and_not_a_planted_one(server_factory, victim):
    srv = server_factory()
    os.symlink(victim, srv.config_path + f".tmp-{srv.pid}")
    c = srv.client()
    c.config_set("maxmemory-samples", "7")
    assert c.execute_command("CONFIG", "REWRITE") == "OK"
    assert victim.read_text() == VICTIM_TEXT
    # The config file keeps the mode the operator gave it; it is a new regular file of ours.
    st = os.lstat(srv.config_path)
    assert stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid()
    assert "maxmemory-samples 7" in open(srv.config_path).read()
    assert not [n for n in os.listdir(srv.tmpdir) if ".tmp-" in n and not os.path.islink(
        os.path.join(srv.tmpdir, n))]


def test_log_file_is_not_written_through_a_symlink_of_another_user(server_factory, victim,
                                                                   open_dir):
    log = open_dir / "redoubt.log"
    as_nobody("ln", "-s", str(victim), str(log))
    srv = server_factory(logfile=str(log), loglevel="verbose")
    srv.client().ping()
    assert victim.read_text() == VICTIM_TEXT
    assert os.path.islink(log)


def test_log_file_owned_by_another_user_is_not_appended_to(server_factory, open_dir):
    log = open_dir / "redoubt.log"
    as_nobody("sh", "-c", f"umask 0; : > {log}")
    srv = server_factory(logfile=str(log), loglevel="verbose")
    srv.client().ping()
    assert log.read_text() == ""


def test_pid_file_replaces_a_planted_symlink(server_factory, victim, open_dir):
    pidfile = open_dir / "redoubt.pid"
    as_nobody("ln", "-s", str(victim), str(pidfile))
    srv = server_factory(pidfile=str(pidfile))
    assert victim.read_text() == VICTIM_TEXT
    st = os.lstat(pidfile)
    assert stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid()
    assert pidfile.read_text().strip() == str(srv.pid)


def test_audit_log_refuses_a_symlink(server_factory, victim, open_dir):
    audit = open_dir / "audit.log"
    as_nobody("ln", "-s", str(victim), str(audit))
    with pytest.raises(ServerStartError) as e:
        server_factory(audit_log=str(audit))
    assert "can't open audit log" in str(e.value)
    assert victim.read_text() == VICTIM_TEXT
