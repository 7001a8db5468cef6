#!/usr/bin/env bash
# `npm start [-- --port N]`: install what is missing, build when the sources changed, serve on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${PORT:-4100}"
host="${HOST:-127.0.0.1}"
while [ $# -gt 0 ]; do
  case "$1" in
    --port|-p) port="$2"; shift 2 ;;
    --port=*) port="${1#*=}"; shift ;;
    --host) host="$2"; shift 2 ;;
    *) echo "netatlas: unknown option $1 (use --port N)" >&2; exit 2 ;;
  esac
done
bash scripts/ensure-deps.sh run
node scripts/build-cli.mjs
if [ ! -f .next/BUILD_ID ] || [ -n "$(find app components lib server public next.config.js package-lock.json -newer .next/BUILD_ID -print -quit 2>/dev/null)" ]; then
  npx next build
fi
[ "$(id -u)" = 0 ] || echo "netatlas: not running as root: container namespaces and iptables will not be readable" >&2
echo "netatlas: serving on http://$host:$port"
exec npx next start -H "$host" -p "$port"
