/**
 * The graph layout's figures: `npm run bench:graph` (`tsx lib/topology/layout.bench.ts`).
 * After "Fit" (the UI's fit, lib/topology/fit.ts) in a 1600×1000 window — whose graph canvas is CANVAS, the rest
 * being header, filters and side panel — the smallest container label on screen and the share of the canvas the
 * picture covers, at 10, 50 and 300 containers; layout times at 300.
 * (Not a vitest test: timings depend on the machine, so nothing here asserts them.)
 */
import { buildGraph } from './build';
import { boundsOf, fitView } from './fit';
import { nameFont, projectFont } from './labels';
import { layoutGraph } from './layout';
import { collapseProjects, projectsOf } from './projects';
import { addContainer, syntheticSnapshot } from './synthetic';

/** The graph's canvas in a 1600×1000 window (e2e/graph.spec.ts measures it: 1216 wide, 760–790 tall). */
const VIEW = { w: 1216, h: 760 };
const runs = 30;

/** A label's size on screen (labels.ts: the size drawn at that scale, or hidden). */
const onScreen = (font: number | null, k: number) => (font === null ? 'hidden' : `${(font * k).toFixed(1)} px`);

function median(f: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

for (const n of [10, 50, 300]) {
  const g = buildGraph(syntheticSnapshot(n));
  const l = layoutGraph(g);
  const b = boundsOf(l.values())!;
  const v = fitView(b, VIEW.w, VIEW.h);
  const share = (b.w * v.k * b.h * v.k) / (VIEW.w * VIEW.h);
  console.log(`${String(n).padStart(3)} containers: layout ${Math.round(b.w)}×${Math.round(b.h)}, fit scale ${v.k.toFixed(3)}, ` +
    `container and network names ${onScreen(nameFont(v.k), v.k)} (target ≥ 9 px at 50), canvas used ${(share * 100).toFixed(0)}% (target ≥ 50%)`);
}

const s = syntheticSnapshot(300);
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

console.log(`300 containers → ${g.nodes.length} nodes, ${g.edges.length} edges`);
console.log(`first build+layout (cold JIT): ${cold.toFixed(1)} ms`);
console.log(`buildGraph median:              ${build.toFixed(2)} ms`);
console.log(`layoutGraph fresh median:       ${fresh.toFixed(2)} ms (target ≤ 100)`);
console.log(`layoutGraph with previous, +1:  ${incremental.toFixed(2)} ms`);

// The first view of a busy host whose containers mostly belong to compose projects (one node per project), 50 not
// (grouped by network).
const ps = syntheticSnapshot(300, 6, 20, 50);
const full = buildGraph(ps);
const projects = projectsOf(ps);
const folded = collapseProjects(full, projects, new Set());
const lf = layoutGraph(folded);
const bf = boundsOf(lf.values())!;
const vf = fitView(bf, VIEW.w, VIEW.h);
console.log(`300 containers in 20 compose projects, folded: ${folded.nodes.length} nodes (of ${full.nodes.length}), ` +
  `fit scale ${vf.k.toFixed(3)}, project names ${onScreen(projectFont(vf.k), vf.k)}, container and network names ${onScreen(nameFont(vf.k), vf.k)}`);
// A host of no compose project at all: its containers grouped by network.
const plain = syntheticSnapshot(300, 6);
const grouped = collapseProjects(buildGraph(plain), projectsOf(plain), new Set());
const vg = fitView(boundsOf(layoutGraph(grouped).values())!, VIEW.w, VIEW.h);
console.log(`300 containers of no compose project, grouped by network: ${grouped.nodes.length} nodes, fit scale ${vg.k.toFixed(3)}, ` +
  `group names ${onScreen(projectFont(vg.k), vg.k)}, network names ${onScreen(nameFont(vg.k), vg.k)}`);
const unfold = median(() => layoutGraph(collapseProjects(full, projects, new Set(['project-3'])), lf));
console.log(`unfold one project (collapse + layout with previous) median: ${unfold.toFixed(2)} ms`);
