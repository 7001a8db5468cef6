#!/usr/bin/env bash
# `npm test`: installs what the tests need, starts dockerd if none runs, brings the lab up, runs every test.
# Integration and browser tests need root (namespaces, iptables, dockerd); without it they fail loudly, not skip.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step prints its own minutes when it ends; the table of all steps comes last, also when a step fails, so
# every change can say what it added to the run.
steps=()
step_name=''
step_start=0
minutes() { awk -v s="$1" 'BEGIN { printf "%.1f", s / 60 }'; }
end_step() {
  [ -n "$step_name" ] || return 0
  local took=$(( $(date +%s) - step_start ))
  echo "== $step_name: $(minutes "$took") min${1:+ ($1)}"
  steps+=("$(printf '%6s min  %s%s' "$(minutes "$took")" "$step_name" "${1:+ ($1)}")")
  step_name=''
}
step() { end_step; step_name="$*"; step_start=$(date +%s); echo; echo "== $step_name"; }
t0=$(date +%s)
lab_started=''
finish() {
  local rc=$?
  [ "$rc" = 0 ] || end_step "FAILED, exit $rc"
  if [ -n "$lab_started" ]; then
    step "lab down"
    bash e2e/lab/lab.sh down || true
  fi
  end_step
  echo
  echo "== steps"
  printf '%s\n' "${steps[@]}"
  printf '%6s min  total\n' "$(minutes $(( $(date +%s) - t0 )))"
  exit "$rc"
}
trap finish EXIT

step "dependencies"
bash scripts/ensure-deps.sh test
node scripts/build-cli.mjs

step "typecheck"
npx tsc --noEmit

step "unit tests"
npx vitest run --project unit
end_step

if [ "$(id -u)" != 0 ]; then
  echo "netatlas: integration tests need root (they start dockerd and read namespaces and iptables)" >&2
  exit 1
fi

step "docker engine and lab"
bash scripts/ensure-docker.sh
lab_started=1
bash e2e/lab/lab.sh up

# Built before the integration tests: the server tests (server/serve/) start `netatlas serve`, which needs it.
step "next build"
npx next build

step "integration tests (real dockerd, namespaces, iptables)"
npx vitest run --project integration

step "browser tests (Playwright on Debian chromium)"
npx playwright test
