#!/usr/bin/env bash
# `npm start [-- --host A --port N …]`: install what is missing, build when the sources changed, then become
# `netatlas serve` (exec, so SIGTERM/SIGINT reach the server). Options and HOST/PORT: see `netatlas serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh run
node scripts/build-cli.mjs
if [ ! -f .next/BUILD_ID ] || [ -n "$(find app components lib server public next.config.js package-lock.json -newer .next/BUILD_ID -print -quit 2>/dev/null)" ]; then
  npx next build
fi
exec node bin/netatlas.mjs serve "$@"
