#!/usr/bin/env bash
# Installs what Redoubt needs to build, test and benchmark on Debian 12.
# Idempotent: checks every package with dpkg -s first, so a ready machine does nothing
# (no apt-get update, no sudo prompt).
set -euo pipefail

PACKAGES=(
  build-essential g++ cmake ninja-build pkg-config
  libssl-dev libjemalloc-dev liblzf-dev libgtest-dev libgmock-dev
  liburing-dev                              # the io_uring event loop
  liblua5.1-0-dev lua-cjson-dev lua-bitop   # scripting: Lua 5.1, cjson, bit
  python3-redis python3-pytest
  redis-tools redis-server   # reference server for compatibility tests and benchmarks
  redis-sentinel             # Sentinel fails over Redoubt primaries in the replication tests
  iproute2                   # ip netns for the protected-mode test
  strace                     # bench/syscalls.py counts system calls per request
  openssl                    # the TLS tests and bench make their certificates with it
  clang-format
  clang libclang-rt-14-dev   # libFuzzer targets (make fuzz, fuzz smoke in make test)
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed'; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "setup: installing missing packages: ${missing[*]}"
SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  SUDO=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -q --no-install-recommends "${missing[@]}"

# redis-server is installed only as the tests' and benchmarks' reference. On a machine with
# systemd, Debian's package starts it on port 6379 at once, which is where `make run` starts
# Redoubt: when this script installed it, stop it and keep it from starting at boot.
if [[ " ${missing[*]} " == *" redis-server "* ]] && command -v systemctl >/dev/null &&
   [[ -d /run/systemd/system ]]; then
  "${SUDO[@]}" systemctl disable --now redis-server >/dev/null 2>&1 || true
fi
