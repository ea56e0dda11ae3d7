"""Helpers for listening-socket inspection (/proc/net) and network namespaces (ip netns)."""

import ipaddress
import os
import random
import re
import shutil
import subprocess


def _decode_addr(hex_addr):
    raw = bytes.fromhex(hex_addr)
    if len(raw) == 4:
        return ipaddress.IPv4Address(raw[::-1])
    # IPv6: four 32-bit words, each in host (little-endian) order
    words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
    return ipaddress.IPv6Address(words)


def process_socket_inodes(pid):
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def listening_addresses(pid, port=None):
    """{(address string, port)} of the TCP sockets in LISTEN state owned by `pid`."""
    inodes = process_socket_inodes(pid)
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                lines = f.read().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            cols = line.split()
            local, state, inode = cols[1], cols[3], cols[9]
            if state != "0A" or inode not in inodes:  # 0A = LISTEN
                continue
            addr_hex, port_hex = local.split(":")
            p = int(port_hex, 16)
            if port is None or p == port:
                found.add((str(_decode_addr(addr_hex)), p))
    return found


def global_ipv4_addresses():
    """Non-loopback IPv4 addresses configured on this host."""
    if not shutil.which("ip"):
        return []
    out = subprocess.run(["ip", "-o", "-4", "addr", "show", "scope", "global"],
                         capture_output=True, text=True).stdout
    addrs = []
    for line in out.splitlines():
        parts = line.split()
        if "inet" in parts:
            addrs.append(parts[parts.index("inet") + 1].split("/")[0])
    return addrs


class NetNamespace:
    """A network namespace joined to the host by a veth pair:
    host side 10.213.X.1/24, namespace side 10.213.X.2/24. Root only."""

    def __init__(self):
        tag = f"{os.getpid()}x{random.randint(0, 99)}"
        self.ns = f"rdt{tag}"
        self.host_if = f"rdh{tag}"[:15]
        self.ns_if = f"rdn{tag}"[:15]
        used = subprocess.run(["ip", "-o", "-4", "addr"], capture_output=True, text=True).stdout
        for _ in range(100):
            x = random.randint(1, 254)
            if f"10.213.{x}." not in used:
                break
        self.host_ip = f"10.213.{x}.1"
        self.ns_ip = f"10.213.{x}.2"
        self.created = False

    def _run(self, *args, check=True):
        return subprocess.run(list(args), capture_output=True, text=True, check=check,
                              timeout=30)

    @staticmethod
    def sweep_stale():
        """Deletes namespaces left by earlier test runs that died before cleaning up
        (named rdt<pid>x<n>, where <pid> no longer exists)."""
        out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            name = line.split()[0] if line.split() else ""
            m = re.fullmatch(r"rdt(\d+)x\d+", name)
            if m and not os.path.exists(f"/proc/{m.group(1)}"):
                subprocess.run(["ip", "netns", "del", name], capture_output=True)

    def create(self):
        """Returns None on success, else the reason it could not be made."""
        if os.geteuid() != 0:
            return "not root"
        if not shutil.which("ip"):
            return "no `ip` command (iproute2)"
        self.sweep_stale()
        res = self._run("ip", "netns", "add", self.ns, check=False)
        if res.returncode != 0:
            return f"`ip netns add` failed: {res.stderr.strip()}"
        self.created = True
        try:
            self._run("ip", "link", "add", self.host_if, "type", "veth", "peer", "name",
                      self.ns_if)
            self._run("ip", "link", "set", self.ns_if, "netns", self.ns)
            self._run("ip", "addr", "add", f"{self.host_ip}/24", "dev", self.host_if)
            self._run("ip", "link", "set", self.host_if, "up")
            self.exec("ip", "addr", "add", f"{self.ns_ip}/24", "dev", self.ns_if)
            self.exec("ip", "link", "set", self.ns_if, "up")
            self.exec("ip", "link", "set", "lo", "up")
        except subprocess.CalledProcessError as e:
            self.destroy()
            return f"veth setup failed: {' '.join(e.cmd)}: {e.stderr.strip()}"
        return None

    def exec(self, *args, check=True, timeout=30, input=None):
        return subprocess.run(["ip", "netns", "exec", self.ns, *args], capture_output=True,
                              text=True, check=check, timeout=timeout, input=input)

    def destroy(self):
        subprocess.run(["ip", "link", "del", self.host_if], capture_output=True)
        if self.created:
            subprocess.run(["ip", "netns", "del", self.ns], capture_output=True)
            self.created = False
