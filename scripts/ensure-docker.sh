#!/usr/bin/env bash
# Starts a Docker engine when none answers. The address pool keeps every lab network inside 198.18.0.0/15,
# the benchmarking range, so tests never touch anyone's real addresses.
set -euo pipefail
if docker info >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != 0 ]; then echo "netatlas: Docker is not running and starting it needs root" >&2; exit 1; fi
log=/var/log/netatlas-dockerd.log
echo "netatlas: starting dockerd (log: $log)"
setsid dockerd --bip 198.18.0.1/24 --default-address-pool base=198.18.128.0/17,size=24 >"$log" 2>&1 < /dev/null &
for _ in $(seq 1 60); do
  docker info >/dev/null 2>&1 && exit 0
  sleep 0.5
done
echo "netatlas: dockerd did not come up; last lines of $log:" >&2
tail -20 "$log" >&2
exit 1
