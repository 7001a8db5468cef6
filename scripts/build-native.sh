#!/usr/bin/env bash
# Builds the native namespace reader when its source is newer than the binary (or the binary is missing).
# A failed build is not fatal: netatlas then reads namespaces through its shell path and says so in `problems`.
set -uo pipefail
cd "$(dirname "$0")/.."
src=server/collect/native/netns-reader.c
out=server/collect/native/build/netns-reader
[ -x "$out" ] && [ "$out" -nt "$src" ] && exit 0
mkdir -p "$(dirname "$out")"
if cc -O2 -Wall -o "$out.tmp" "$src" -lnftables; then
  mv "$out.tmp" "$out"
else
  rm -f "$out.tmp"
  echo "netatlas: could not build $src; namespaces will be read with nsenter and ip (slower)" >&2
fi
