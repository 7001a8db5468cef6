#!/usr/bin/env bash
# `npm test`: installs what the tests need, starts dockerd if none runs, brings the lab up, runs every test.
# Integration and browser tests need root (namespaces, iptables, dockerd); without it they fail loudly, not skip.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$(date +%s)
step() { echo; echo "== $* ($(( $(date +%s) - t0 )) s)"; }

step "dependencies"
bash scripts/ensure-deps.sh test

step "typecheck"
npx tsc --noEmit

step "unit tests"
npx vitest run --project unit

if [ "$(id -u)" != 0 ]; then
  echo "netatlas: integration tests need root (they start dockerd and read namespaces and iptables)" >&2
  exit 1
fi

step "docker engine and lab"
bash scripts/ensure-docker.sh
bash e2e/lab/lab.sh up
trap 'bash e2e/lab/lab.sh down || true' EXIT

step "integration tests (real dockerd, namespaces, iptables)"
npx vitest run --project integration

step "browser tests (next build + Playwright on Debian chromium)"
npx next build
npx playwright test

step "done"
