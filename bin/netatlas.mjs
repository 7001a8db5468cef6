#!/usr/bin/env node
// The netatlas CLI. Runs the compiled bundle in dist/cli/ (scripts/build-cli.mjs); builds it first when it is
// missing or one of its sources changed since (a stat per source file, 1–2 ms in all).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist/cli');

/** The compiled entry if it is up to date, else null. */
function builtEntry() {
  const stampPath = join(dist, 'stamp.json');
  if (!existsSync(stampPath)) return null;
  const stamp = JSON.parse(readFileSync(stampPath, 'utf8'));
  const entry = join(dist, stamp.entry);
  if (!existsSync(entry)) return null;
  for (const input of stamp.inputs) {
    const st = statSync(join(root, input), { throwIfNoEntry: false });
    if (!st || st.mtimeMs > stamp.builtAt) return null;
  }
  return entry;
}

const entry = builtEntry() ?? (await (await import('../scripts/build-cli.mjs')).buildCli());
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
