/**
 * npm run bench:first [-- 10 300]      (100 and more only under `flock /work/bench.lock`)
 *
 * The first picture of a fresh dashboard (issue #12, target <= 3 s at 300 containers), split into its steps:
 * exec of `netatlas serve` → listening → first byte of HTML → whole HTML (the first snapshot is inside) → the last
 * script loaded → the graph drawn with every bench container (`first-picture.ts`). For each N, BENCH_RUNS (3)
 * fresh servers per build, medians printed. BENCH_DIRS=old,new (checkouts with their own `next build`) alternates
 * the builds run by run, so a before/after comparison shares the machine's load; the default is this checkout.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { benchContainers, docker, IMAGE } from './bench-containers';
import { firstPicture, type FirstPicture } from './first-picture';

const { ensure: ensureContainers, removeAll } = benchContainers('first', 126);
const PORT = Number(process.env.BENCH_PORT ?? 4251);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DIRS = (process.env.BENCH_DIRS ?? '.').split(',');
const STEPS = ['listening', 'html', 'htmlDone', 'scripts', 'picture'] as const;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
  docker('image', 'inspect', IMAGE); // the lab image: run `npm run lab:up` first
  for (const dir of DIRS) if (!existsSync(join(dir, '.next/BUILD_ID'))) execFileSync('npx', ['next', 'build'], { cwd: dir, stdio: 'inherit' });
  const rows: { n: number; dir: string; load: number; steps: Record<(typeof STEPS)[number], number> }[] = [];
  try {
    for (const n of sizes.length ? sizes : [10]) {
      ensureContainers(n);
      const runs = new Map<string, FirstPicture[]>(DIRS.map((d) => [d, []]));
      const loads: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        for (const dir of DIRS) {
          loads.push(loadavg()[0]);
          const r = await firstPicture(n, PORT, dir);
          process.stderr.write(`bench: N=${n} ${dir} ${JSON.stringify(r)} load ${loadavg()[0].toFixed(1)}\n`);
          runs.get(dir)!.push(r);
        }
      }
      for (const dir of DIRS) {
        const rs = runs.get(dir)!;
        rows.push({ n, dir, load: median(loads), steps: Object.fromEntries(STEPS.map((s) => [s, median(rs.map((r) => r[s]))])) as never });
      }
    }
  } finally {
    removeAll();
  }
  const f = (x: number, w: number) => x.toFixed(0).padStart(w);
  console.log(`\nfirst picture of a fresh dashboard, ms from exec (median of ${RUNS}; 1-min load average beside)`);
  console.log('   N  build                 listening  HTML start  HTML end  scripts  picture   load');
  for (const r of rows) {
    const s = r.steps;
    console.log(`${f(r.n, 4)}  ${r.dir.padEnd(20).slice(0, 20)}  ${f(s.listening, 9)}  ${f(s.html, 10)}  ${f(s.htmlDone, 8)}  ${f(s.scripts, 7)}  ${f(s.picture, 7)}  ${r.load.toFixed(1).padStart(5)}`);
  }
  console.log('target at 300 containers: picture <= 3000 ms');
}

void main();
