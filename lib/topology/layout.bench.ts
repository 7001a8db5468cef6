/**
 * Timing of buildGraph / layoutGraph on a busy synthetic host. Run: `npx tsx lib/topology/layout.bench.ts [containers]`.
 * (Not a vitest test: timings depend on the machine, so nothing here asserts them.)
 */
import { buildGraph } from './build';
import { layoutGraph } from './layout';
import { addContainer, syntheticSnapshot } from './synthetic';

const containers = Number(process.argv[2] ?? 300);
const runs = 30;

function median(f: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

const s = syntheticSnapshot(containers);
const coldStart = performance.now();
const g = buildGraph(s);
const first = layoutGraph(g);
const cold = performance.now() - coldStart;

const next = structuredClone(s);
addContainer(next, { name: 'late-arrival', n: 9999, networks: [next.docker!.networks[0]] });
const g2 = buildGraph(next);

const build = median(() => buildGraph(s));
const fresh = median(() => layoutGraph(g));
const incremental = median(() => layoutGraph(g2, first));

console.log(`${containers} containers → ${g.nodes.length} nodes, ${g.edges.length} edges`);
console.log(`first build+layout (cold JIT): ${cold.toFixed(1)} ms`);
console.log(`buildGraph median:              ${build.toFixed(2)} ms`);
console.log(`layoutGraph fresh median:       ${fresh.toFixed(2)} ms`);
console.log(`layoutGraph with previous, +1:  ${incremental.toFixed(2)} ms`);
