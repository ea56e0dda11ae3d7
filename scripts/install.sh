#!/usr/bin/env bash
# Installs Redoubt: the binary, /etc/redoubt/redoubt.conf (0640), the systemd unit, and the
# data directory /var/lib/redoubt (0750). With DESTDIR empty and run as root it also creates
# the `redoubt` system user, gives it the config and data directory, and runs
# `redoubt-server --init /var/lib/redoubt` (users.acl, admin password printed once); with
# DESTDIR set it only lays the files out (packaging, tests).
#   usage: scripts/install.sh [PREFIX] [DESTDIR]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PREFIX=${1:-/usr/local}
DESTDIR=${2:-}
BIN=build/release/redoubt-server
[[ -x $BIN ]] || { echo "install: $BIN is missing; run 'make build' first" >&2; exit 1; }

bindir=$DESTDIR$PREFIX/bin
confdir=$DESTDIR/etc/redoubt
unitdir=$DESTDIR/lib/systemd/system
datadir=$DESTDIR/var/lib/redoubt

install -d -m 0755 "$bindir" "$unitdir"
install -d -m 0750 "$confdir" "$datadir"
install -m 0755 "$BIN" "$bindir/redoubt-server"
install -m 0755 build/release/redoubt-check-rdb "$bindir/redoubt-check-rdb"
# An existing config is never overwritten: it is the operator's. The data directory is named
# in it, so its relative aclfile (users.acl) is found whatever the working directory.
if [[ ! -e $confdir/redoubt.conf ]]; then
  sed 's|^dir \./$|dir /var/lib/redoubt|' redoubt.conf > "$confdir/redoubt.conf"
  chmod 0640 "$confdir/redoubt.conf"
fi
sed "s|@BINDIR@|$PREFIX/bin|g" dist/redoubt.service > "$unitdir/redoubt.service"
chmod 0644 "$unitdir/redoubt.service"
# The AOF checker (redis-check-aof's counterpart), when it was built.
if [[ -x build/release/redoubt-check-aof ]]; then
  install -m 0755 build/release/redoubt-check-aof "$bindir/redoubt-check-aof"
fi

if [[ -z $DESTDIR && $(id -u) -eq 0 ]]; then
  if ! getent passwd redoubt >/dev/null; then
    useradd --system --home-dir /var/lib/redoubt --no-create-home \
      --shell /usr/sbin/nologin --user-group redoubt
  fi
  chown redoubt:redoubt "$datadir" "$confdir"
  chown redoubt:redoubt "$confdir/redoubt.conf"
  # First install: the admin user and its password (printed once), made by the server's own
  # user so the files are its. A staged install (DESTDIR) carries no credentials: the
  # package's post-install step runs this.
  if [[ ! -e $datadir/users.acl ]]; then
    runuser -u redoubt -- "$bindir/redoubt-server" --init "$datadir"
  fi
  if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
    systemctl daemon-reload
  fi
  echo "installed; start with: systemctl enable --now redoubt"
fi
