"""`make install DESTDIR=...` lays out the binary, config, systemd unit and data directory
with the stated modes, and the unit carries the hardening directives."""

import os
import shutil
import stat
import subprocess

import pytest

pytestmark = pytest.mark.redoubt_only

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RELEASE_BIN = os.path.join(ROOT, "build", "release", "redoubt-server")


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def installed(tmp_path):
    if not os.path.exists(RELEASE_BIN):
        pytest.skip("no release build to install (make build)")
    dest = tmp_path / "root"
    subprocess.run(["make", "-s", "-C", ROOT, "install", f"DESTDIR={dest}", "PREFIX=/usr"],
                   check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return dest


def test_install_lays_out_files_with_tight_modes(installed):
    assert mode(installed / "usr/bin/redoubt-server") == 0o755
    assert mode(installed / "usr/bin/redoubt-check-aof") == 0o755
    assert mode(installed / "etc/redoubt") == 0o750
    assert mode(installed / "etc/redoubt/redoubt.conf") == 0o640
    assert mode(installed / "var/lib/redoubt") == 0o750
    assert mode(installed / "lib/systemd/system/redoubt.service") == 0o644


def test_unit_runs_unprivileged_and_hardened(installed):
    unit = (installed / "lib/systemd/system/redoubt.service").read_text()
    for line in ("Type=notify", "User=redoubt", "NoNewPrivileges=yes", "ProtectSystem=strict",
                 "ProtectHome=yes", "PrivateTmp=yes", "ReadWritePaths=/var/lib/redoubt",
                 "CapabilityBoundingSet=\n", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
                 "MemoryDenyWriteExecute=yes", "SystemCallFilter=@system-service",
                 "ExecStart=/usr/bin/redoubt-server /etc/redoubt/redoubt.conf"):
        assert line in unit, line


def test_unit_passes_systemd_analyze_when_available(installed):
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed here")
    unit = installed / "lib/systemd/system/redoubt.service"
    res = subprocess.run([tool, "verify", "--root", str(installed), str(unit)],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    # Syntax problems are what we look for; a missing user, binary or system target in the
    # bare install root is a fact of that root, not of the unit.
    environment = ("Failed to resolve", "not executable", "No such file", "not found")
    problems = [l for l in res.stdout.splitlines()
                if l.strip() and "redoubt" in l and not any(e in l for e in environment)]
    assert not problems, res.stdout


def test_installed_config_is_the_secure_default(installed):
    text = (installed / "etc/redoubt/redoubt.conf").read_text()
    assert "\nbind 127.0.0.1 -::1" in text
    assert "\nprotected-mode yes" in text
    # The ACL file is read from the data dir, named in full so that the relative aclfile is
    # found whatever the working directory of whoever runs the server or --audit.
    assert "\naclfile users.acl\n" in text
    assert "\ndir /var/lib/redoubt\n" in text and "\ndir ./\n" not in text


def test_staged_install_carries_no_credentials(installed):
    # The password is made on the machine that runs the server (install as root, or --init).
    assert os.listdir(installed / "var/lib/redoubt") == []
