/**
 * Reachability matrix timings: `tsx lib/reach/matrix.bench.ts` (part of `npm run bench:graph`). Prints the time to
 * compute the whole matrix on synthetic hosts; nothing asserts it.
 */
import { syntheticSnapshot } from '../topology/synthetic';
import { reachMatrix } from './matrix';

// Synthetic containers publish every 8th a port; with `listeners` (as a newer collector reports) every one serves :80.
for (const [n, listening] of [[10, false], [50, false], [50, true], [300, false]] as const) {
  const s = syntheticSnapshot(n);
  if (listening) for (const ns of s.namespaces) if (ns.kind === 'container') Object.assign(ns, { listeners: [{ proto: 'tcp', address: '0.0.0.0', port: 80 }] });
  const t0 = performance.now();
  const m = reachMatrix(s);
  const ms = performance.now() - t0;
  const cells = m.cells.flat().filter((c) => c !== null).length;
  console.log(`matrix, ${n} containers${listening ? ', each listening on :80' : ''}: ${m.sources.length} sources × ${m.targets.length} targets = ${cells} traces in ${ms.toFixed(0)} ms` +
    (n === 50 ? ' (target ≤ 1000 ms)' : ''));
}
