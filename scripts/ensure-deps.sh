#!/usr/bin/env bash
# Installs what netatlas needs on a Debian machine, when missing: Debian packages (as root with apt) and npm
# packages. `ensure-deps.sh run` is for serving the dashboard (it reads the host with ip, nsenter, iptables, nft);
# `ensure-deps.sh test` adds the Docker engine, busybox for the lab image, chromium for the browser tests and
# PostgreSQL's server (the fleet hub's tests start a private cluster with initdb/pg_ctl);
# `ensure-deps.sh lab` is what the lab needs (Debian packages only, no npm).
# Idempotent: a second run changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
purpose="${1:-test}"

need=()
command -v ip >/dev/null || need+=(iproute2)
command -v nsenter >/dev/null || need+=(util-linux)
command -v iptables-save >/dev/null || need+=(iptables)
command -v nft >/dev/null || need+=(nftables)
# The native namespace reader (server/collect/native/netns-reader.c) is built here with the system compiler.
if [ "$purpose" != lab ]; then
  command -v cc >/dev/null || need+=(gcc libc6-dev)
  [ -f /usr/include/nftables/libnftables.h ] || need+=(libnftables-dev)
fi
if [ "$purpose" = test ] || [ "$purpose" = lab ]; then
  command -v dockerd >/dev/null || need+=(docker.io)
  { [ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx httpd; } || need+=(busybox-static)
fi
if [ "$purpose" = test ]; then
  command -v chromium >/dev/null || need+=(chromium)
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "netatlas: installing Debian packages: ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "netatlas: missing ${need[*]} and cannot install them (needs root and apt-get)" >&2
    exit 1
  fi
fi

[ "$purpose" = lab ] && exit 0

bash scripts/build-native.sh

# npm packages: install only when the lock file changed since the last install. `npm install --no-save`, not
# `npm ci`: the registry here lacks some other platforms' optional binaries, which `npm ci` insists on finding
# in the lock file; the lock still pins every package this machine installs.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-save --no-audit --no-fund
fi
