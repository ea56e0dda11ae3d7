"""Running hardened: privilege drop with run-as-user, the root warning, and the start-up
permission checks on the data directory and the ACL file."""

import os
import pwd
import shutil
import stat
import subprocess
import tempfile

import pytest

from conftest import REDIS_CLI, ServerStartError

pytestmark = pytest.mark.redoubt_only

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="privilege drop needs root")


def proc_ids(pid):
    ids = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("Uid:", "Gid:")):
                ids[line[:3]] = [int(x) for x in line.split()[1:]]
    return ids


@needs_root
def test_run_as_user_drops_root_after_binding(server_factory, tmp_path):
    nobody = pwd.getpwnam("nobody")
    data = tempfile.mkdtemp(dir=str(tmp_path))
    os.chown(data, nobody.pw_uid, nobody.pw_gid)
    os.chmod(data, 0o750)
    srv = server_factory(run_as_user="nobody", dir=data)
    ids = proc_ids(srv.pid)
    assert ids["Uid"] == [nobody.pw_uid] * 4
    assert ids["Gid"] == [nobody.pw_gid] * 4
    c = srv.client()
    assert c.set("after-drop", "1") and c.get("after-drop") == "1"
    assert "Running as user 'nobody'" in srv.log_text()


@needs_root
def test_data_dir_not_writable_by_run_as_user_stops_start_up(run_binary, tmp_path):
    data = tempfile.mkdtemp(dir=str(tmp_path))
    os.chmod(data, 0o700)  # root's
    res = run_binary(["--port", "0", "--unixsocket", str(tmp_path / "s.sock"),
                      "--run-as-user", "nobody", "--dir", data])
    assert res.returncode != 0
    assert "not accessible" in res.stdout or "not writable" in res.stdout


@needs_root
def test_root_without_run_as_user_is_warned(server):
    assert "running as root without run-as-user" in server.log_text()


def test_world_writable_acl_file_is_refused(run_binary, tmp_path):
    acl = tmp_path / "users.acl"
    acl.write_text("user default on nopass ~* &* +@all\n")
    os.chmod(acl, 0o666)
    res = run_binary(["--port", "0", "--unixsocket", str(tmp_path / "s.sock"),
                      "--aclfile", str(acl)])
    assert res.returncode != 0
    assert "writable by every user" in res.stdout


def test_open_data_dir_is_refused_and_left_as_it_is(server_factory, tmp_path):
    data = tempfile.mkdtemp(dir=str(tmp_path))
    os.chmod(data, 0o777)
    with pytest.raises(ServerStartError) as e:
        server_factory(dir=data)
    assert "writable by group or others" in str(e.value)
    assert stat.S_IMODE(os.stat(data).st_mode) == 0o777  # refused, not changed behind our back


SEED_ACL = """user default off nopass nocommands
user monitor on >monitorpassword ~* &* +INFO +MONITOR +KEYS +GET +HGET +LRANGE
user appuser on >strongapppassword ~* &* +@read +@write +@string +@hash +@list +@set +@sortedset -CONFIG -DEBUG -SHUTDOWN -REPLICAOF -SLAVEOF
user admin on >adminpassword allkeys allchannels allcommands
"""


def test_audit_of_the_seed_hardened_configuration_has_no_fail(run_binary, tmp_path):
    acl = tmp_path / "users.acl"
    acl.write_text(SEED_ACL)
    os.chmod(acl, 0o640)
    data = tmp_path / "data"
    data.mkdir(mode=0o750)
    conf = (f"bind 127.0.0.1 ::1\nprotected-mode yes\naclfile {acl}\n"
            'rename-command FLUSHDB ""\nrename-command FLUSHALL ""\nrename-command DEBUG ""\n'
            'rename-command CONFIG ""\nrename-command SHUTDOWN SHUTDOWN_SAFE_KEY_9f3k2\n'
            "maxmemory 512mb\nmaxmemory-policy allkeys-lru\n"
            f'save ""\nappendonly no\ndir {data}\nrun-as-user nobody\n')
    res = run_binary(["--audit"], config_text=conf)
    assert res.returncode == 0, res.stdout
    assert "[FAIL]" not in res.stdout
    assert "[PASS] default-user" in res.stdout
    assert "score: " in res.stdout


def test_audit_of_an_open_server_fails_naming_each_fix(run_binary):
    res = run_binary(["--audit", "--json", "--bind", "0.0.0.0", "--protected-mode", "no"])
    assert res.returncode == 1
    import json
    report = json.loads(res.stdout)
    failed = {c["check"] for c in report["checks"] if c["level"] == "FAIL"}
    assert {"bind", "protected-mode", "default-user"} <= failed
    assert all(c["fix"] for c in report["checks"] if c["level"] != "PASS")


def test_audit_command_checks_the_running_server(server_factory):
    srv = server_factory(requirepass="a-long-enough-password-for-the-audit-check-0123")
    c = srv.raw()
    c.cmd("AUTH", "a-long-enough-password-for-the-audit-check-0123")
    def as_text(reply):
        return reply.decode() if isinstance(reply, bytes) else str(reply)

    text = as_text(c.cmd("AUDIT"))
    assert "[PASS] bind:" in text and "[PASS] default-user" in text and "score: " in text
    import json
    report = json.loads(as_text(c.cmd("AUDIT", "JSON")))
    assert report["total"] == len(report["checks"]) > 10
    # AUDIT is an admin command: a user without @admin is refused.
    c.cmd("ACL", "SETUSER", "app", "on", ">pw", "~*", "+@read", "+@write")
    app = srv.raw()
    app.cmd("AUTH", "app", "pw")
    assert str(app.cmd("AUDIT")).startswith("NOPERM")


def test_audit_reports_scripting_and_who_can_run_lua(server_factory, run_binary):
    srv = server_factory(requirepass="a-long-enough-password-for-the-audit-check-0123")
    c = srv.raw()
    c.cmd("AUTH", "a-long-enough-password-for-the-audit-check-0123")
    assert c.cmd("ACL", "SETUSER", "jobs", "on", ">pw", "~*", "+@scripting") == "OK"
    assert c.cmd("ACL", "SETUSER", "reader", "on", ">pw", "~*", "+@read") == "OK"
    text = c.cmd("AUDIT").decode()
    line = next(x for x in text.splitlines() if "scripting:" in x)
    assert line.startswith("[PASS]"), line
    assert "users who can run EVAL/FCALL: default jobs" in line, line
    assert "reader" not in line
    assert c.cmd("ACL", "SETUSER", "guest", "on", "nopass", "+evalsha") == "OK"
    line = next(x for x in c.cmd("AUDIT").decode().splitlines() if "scripting:" in x)
    assert line.startswith("[WARN]") and "without a password: guest" in line, line
    assert c.cmd("CONFIG", "SET", "enable-scripting", "no") == "OK"
    line = next(x for x in c.cmd("AUDIT").decode().splitlines() if "scripting:" in x)
    assert line.startswith("[PASS]") and "enable-scripting no" in line, line
    # The offline form reports the same from the configuration file.
    res = run_binary(["--audit", "--enable-scripting", "no"])
    assert any(x.startswith("[PASS] scripting: enable-scripting no")
               for x in res.stdout.splitlines()), res.stdout


def _cli_as(user, group, sock):
    return subprocess.run(["setpriv", f"--reuid={user}", f"--regid={group}", "--clear-groups",
                           REDIS_CLI, "-s", sock, "PING"],
                          capture_output=True, text=True, timeout=10)


@needs_root
def test_unix_socket_belongs_to_run_as_user_with_unixsocketperm(server_factory):
    nobody = pwd.getpwnam("nobody")
    base = tempfile.mkdtemp(prefix="redoubt-sock-")  # under /tmp: reachable by every uid
    try:
        os.chmod(base, 0o755)
        data = os.path.join(base, "data")
        os.mkdir(data, 0o700)
        os.chown(data, nobody.pw_uid, nobody.pw_gid)
        sock = os.path.join(base, "redoubt.sock")
        server_factory(run_as_user="nobody", dir=data, unixsocket=sock, unixsocketperm="700")
        st = os.lstat(sock)
        assert stat.S_ISSOCK(st.st_mode)
        assert (st.st_uid, st.st_gid) == (nobody.pw_uid, nobody.pw_gid)
        assert stat.S_IMODE(st.st_mode) == 0o700
        ok = _cli_as("nobody", "nogroup", sock)
        assert ok.stdout.strip() == "PONG", ok.stdout + ok.stderr
        other = _cli_as("daemon", "daemon", sock)
        assert "PONG" not in other.stdout
        assert "Permission denied" in other.stdout + other.stderr
    finally:
        shutil.rmtree(base, ignore_errors=True)
