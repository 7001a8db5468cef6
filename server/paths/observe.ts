// The kernel side of the packet-path matrix alone: `tsx server/paths/observe.ts [--json]` (root, lab up).
// Prints which source reaches which target and the source address the server saw.
import { discoverLab, formatMatrix, observeAll, pairsOf } from './matrix';

const lab = discoverLab();
const pairs = pairsOf(lab);
const t0 = performance.now();
const observed = await observeAll(pairs);
const secs = ((performance.now() - t0) / 1000).toFixed(1);
if (process.argv.includes('--json')) {
  const rows = observed.map((o) => ({ from: o.source.label, to: o.target.label, ip: o.target.ip, port: o.target.port, ...o.observed }));
  process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
} else {
  process.stdout.write(`${formatMatrix(lab, observed)}\n`);
  const connected = observed.filter((o) => o.observed.connected).length;
  process.stdout.write(`\n${pairs.length} pairs, ${connected} connected, in ${secs} s\n`);
}
