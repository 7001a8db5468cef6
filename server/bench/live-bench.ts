/**
 * npm run bench:live
 *
 * Against `next start` and the lab, in headless Debian chromium:
 *   1. event-to-screen latency: from `docker run` returning to the container's node being in the DOM, 20 runs,
 *      p50 / p95 (target p95 <= 1 s);
 *   2. at ~50 containers (35 extra on three bench networks): a screenshot after Fit;
 *   3. at ~300 containers (250 more, in 20 compose projects): first render (navigation start → first paint of the
 *      graph; target <= 1.5 s), the page's work after that (long tasks until it settles), frame times over three
 *      rounds of panning and wheel-zooming once settled (target p95 <= 20 ms; long tasks meanwhile are listed),
 *      unfolding a project (click → its containers painted; target <= 100 ms), and a screenshot after Fit.
 * Screenshots go to test-results/. Every container made here carries netatlas.lab=1 and is removed at the end.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { containerNode, launchChromium, pct, waitForServer } from './browser';
import { docker, IMAGE } from './bench-containers';

const PORT = Number(process.env.BENCH_PORT ?? 4188);
const BASE = `http://127.0.0.1:${PORT}`;
// Per server port, so two engineers' runs on one host never remove each other's containers or networks.
const LABEL = `netatlas.bench=live-${PORT}`;
const NETS = [0, 1, 2].map((i) => ({ name: `netatlas-bench-${PORT}-${i}`, subnet: `198.19.${100 + (PORT % 50) * 3 + i}.0/24` }));
const LAB_LABEL = 'netatlas.lab=1';
const VIEWPORT = { width: 1600, height: 1000 };


/** `n` more containers over three bench networks; with `projects`, container i is in compose project bench-(i % projects). */
function startMany(n: number, projects = 0, offset = 0) {
  for (const n of NETS) {
    if (spawnSync('docker', ['network', 'inspect', n.name]).status !== 0) docker('network', 'create', '--label', LABEL, '--label', LAB_LABEL, '--subnet', n.subnet, n.name);
  }
  const compose = projects > 0
    ? `--label com.docker.compose.project=bench-$(( ({}) % ${projects} )) --label com.docker.compose.service=svc-{}`
    : '';
  execFileSync('sh', ['-c', `xargs -P 4 -I{} sh -c 'docker run -d --label ${LABEL} --label ${LAB_LABEL} ${compose} --network netatlas-bench-${PORT}-$(({} % 3)) ${IMAGE} >/dev/null'`], {
    input: Array.from({ length: n }, (_, i) => String(offset + i)).join('\n'),
  });
}

const running = () => docker('ps', '-q').split('\n').filter(Boolean).length;

/** Records, from navigation start, when the graph first has nodes and when that was painted (next frame). */
const FIRST_PAINT_PROBE = `(() => {
  const seen = () => document.querySelector('svg[data-testid="topology"] [data-node-id]');
  const done = () => { window.__graphInDom = performance.now(); requestAnimationFrame(() => { window.__graphPainted = performance.now(); }); };
  const obs = new MutationObserver(() => { if (seen()) { obs.disconnect(); done(); } });
  document.addEventListener('DOMContentLoaded', () => (seen() ? done() : obs.observe(document.body, { childList: true, subtree: true })));
})()`;

/** Long tasks (> 50 ms on the main thread) since navigation, as [start, duration] pairs. */
const LONG_TASK_PROBE = `(() => {
  window.__longTasks = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push([e.startTime, e.duration]); })
    .observe({ type: 'longtask', buffered: true });
})()`;

/** Resolves once the main thread has had no long task for \`quietMs\`: when the page has settled after loading. */
const SETTLED = (quietMs: number) => `new Promise((resolve) => {
  const check = () => {
    const last = window.__longTasks.reduce((m, [t, d]) => Math.max(m, t + d), 0);
    if (performance.now() - last >= ${quietMs}) resolve(performance.now()); else setTimeout(check, 100);
  };
  check();
})`;

/** Frame times (ms) over the next \`n\` animation frames, collected in the page. */
const FRAME_PROBE = (n: number) => `(() => {
  window.__frames = [];
  let last = performance.now();
  const loop = (t) => { window.__frames.push(t - last); last = t; if (window.__frames.length < ${n}) requestAnimationFrame(loop); };
  requestAnimationFrame(loop);
})()`;

/** Click a folded project in the page and time until its containers are in the DOM and painted. */
const UNFOLD_PROBE = (project: string) => `new Promise((resolve) => {
  const el = document.querySelector('[data-node-id="proj:${project}"]');
  const before = document.querySelectorAll('[data-kind="container"]').length;
  const t0 = performance.now();
  const check = () => {
    if (document.querySelectorAll('[data-kind="container"]').length > before) {
      obs.disconnect();
      requestAnimationFrame(() => resolve(performance.now() - t0));
    }
  };
  const obs = new MutationObserver(check);
  obs.observe(document.body, { childList: true, subtree: true });
  el.dispatchEvent(new MouseEvent('click', { bubbles: true }));
})`;

async function fitAndShoot(page: import('playwright-core').Page, file: string) {
  await page.getByTestId('fit').click();
  // The view is committed (usePanZoom): not a picture of the zoom on its way.
  await page.waitForFunction(`!document.querySelector('svg[data-testid="topology"]').hasAttribute('data-moving')`);
  await page.screenshot({ path: file });
  console.log(`screenshot after Fit: ${file}`);
}

function removeBench() {
  const ids = docker('ps', '-aq', '--filter', `label=${LABEL}`).split('\n').filter(Boolean);
  if (ids.length) execFileSync('sh', ['-c', 'xargs -n 50 docker rm -f >/dev/null'], { input: ids.join('\n') });
  for (const n of NETS) spawnSync('docker', ['network', 'rm', n.name]);
}

async function main() {
  if (spawnSync('test', ['-f', '.next/BUILD_ID']).status !== 0) execFileSync('npx', ['next', 'build'], { stdio: 'inherit' });
  const server = spawn('npx', ['next', 'start', '-H', '127.0.0.1', '-p', String(PORT)], { stdio: 'ignore', detached: true });
  const browser = await launchChromium();
  try {
    await waitForServer(BASE);
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(BASE);
    await page.waitForSelector(containerNode('lab-web'));

    // 1. event → screen (BENCH_LIVE_SKIP_EVENTS=1 skips it)
    const latencies: number[] = [];
    for (let i = 0; i < (process.env.BENCH_LIVE_SKIP_EVENTS ? 0 : 20); i++) {
      const name = `lab-bench-live-${i}`;
      docker('run', '-d', '--name', name, '--label', LABEL, IMAGE);
      const t0 = performance.now();
      await page.waitForSelector(containerNode(name), { timeout: 15_000 });
      latencies.push(performance.now() - t0);
      docker('rm', '-f', name);
      await page.waitForSelector(containerNode(name), { state: 'detached', timeout: 15_000 });
    }

    if (latencies.length > 0) console.log('\nevent-to-screen (docker run returned → node in DOM), 20 runs');
    if (latencies.length > 0) console.log(`  p50 ${pct(latencies, 50).toFixed(0)} ms   p95 ${pct(latencies, 95).toFixed(0)} ms   max ${Math.max(...latencies).toFixed(0)} ms   (target p95 <= 1000)`);

    // 2. ~50 containers: a screenshot after Fit.
    const extra50 = Math.max(0, 50 - running());
    startMany(extra50);
    const shots = await browser.newPage({ viewport: VIEWPORT, reducedMotion: 'reduce' });
    await shots.goto(BASE);
    await shots.waitForFunction(`document.querySelectorAll('[data-node-id][data-kind="container"]').length >= ${extra50}`, undefined, { timeout: 120_000 });
    await fitAndShoot(shots, `test-results/graph-fit-${running()}-containers.png`);

    // 3. ~300 containers, most in compose projects.
    startMany(Math.max(0, 300 - running()), 20, extra50);
    await shots.reload();
    await shots.waitForFunction(`document.querySelectorAll('[data-node-id][data-kind="project"]').length >= 20`, undefined, { timeout: 180_000 });
    await fitAndShoot(shots, `test-results/graph-fit-${running()}-containers.png`);

    // One viewer, as an operator has: a second live page would repaint on every delta on the same two cores.
    await shots.close();
    const fresh = await browser.newPage({ viewport: VIEWPORT });
    await fresh.addInitScript(FIRST_PAINT_PROBE);
    await fresh.addInitScript(LONG_TASK_PROBE);
    await fresh.goto(BASE);
    await fresh.waitForFunction('window.__graphPainted !== undefined', undefined, { timeout: 90_000 });
    const firstPaint = (await fresh.evaluate('window.__graphPainted')) as number;
    const nodes = await fresh.locator('[data-node-id]').count();

    // Work the page does after its first paint (findings, the panels) is reported on its own, and pan and zoom are
    // measured once it has settled: an operator's gestures, not the page's start-up, are what the frame target is for.
    const settled = (await fresh.evaluate(SETTLED(1000))) as number;
    const startup = (await fresh.evaluate('window.__longTasks')) as [number, number][];
    const box = (await fresh.locator('svg[data-testid="topology"]').boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const pan: number[] = [];
    const zoom: number[] = [];
    // Three rounds of each: one slow frame in a round of ~150 is under the p95, three are not.
    for (let round = 0; round < 3; round++) {
      // A string, not a function: tsx would add helpers (__name) that do not exist in the page.
      await fresh.evaluate(FRAME_PROBE(150));
      await fresh.mouse.move(cx, cy);
      await fresh.mouse.down();
      for (let i = 0; i < 120; i++) await fresh.mouse.move(cx + 300 * Math.sin(i / 10), cy + 150 * Math.cos(i / 10));
      await fresh.mouse.up();
      pan.push(...((await fresh.evaluate('window.__frames')) as number[]).slice(2));
      await fresh.evaluate(FRAME_PROBE(150));
      for (let i = 0; i < 60; i++) await fresh.mouse.wheel(0, i < 30 ? -60 : 60);
      zoom.push(...((await fresh.evaluate('window.__frames')) as number[]).slice(2));
    }
    const during = ((await fresh.evaluate('window.__longTasks')) as [number, number][]).filter(([t]) => t > settled);

    const unfold: number[] = [];
    for (const p of ['bench-3', 'bench-7', 'bench-11']) unfold.push((await fresh.evaluate(UNFOLD_PROBE(p))) as number);

    // The machine's load while measuring: frame times mean little on a machine that is busy with something else.
    console.log(`\nat ${running()} containers (${nodes} nodes drawn, compose projects folded), 1600×1000, load ${loadavg()[0].toFixed(1)}:`);
    console.log(`  first render (navigation start → first paint of the graph): ${firstPaint.toFixed(0)} ms (target <= 1500)`);
    const busy = startup.filter(([t]) => t > firstPaint);
    console.log(`  after it, the page settled at ${settled.toFixed(0)} ms: ${busy.length} long tasks, ${busy.reduce((a, [, d]) => a + d, 0).toFixed(0)} ms in all (longest ${Math.max(0, ...busy.map(([, d]) => d)).toFixed(0)} ms)`);
    console.log(`  pan:  ${pan.length} frames, p50 ${pct(pan, 50).toFixed(1)} ms, p95 ${pct(pan, 95).toFixed(1)} ms, max ${Math.max(...pan).toFixed(1)} ms (target p95 <= 20)`);
    console.log(`  zoom: ${zoom.length} frames, p50 ${pct(zoom, 50).toFixed(1)} ms, p95 ${pct(zoom, 95).toFixed(1)} ms, max ${Math.max(...zoom).toFixed(1)} ms (target p95 <= 20)`);
    console.log(`  long tasks while panning and zooming: ${during.length} (${during.map(([, d]) => d.toFixed(0)).join(', ') || 'none'} ms)`);
    console.log(`  unfold a project (click → its containers painted): ${unfold.map((x) => x.toFixed(0)).join(', ')} ms (target <= 100)`);
  } finally {
    await browser.close();
    removeBench();
    if (server.pid) process.kill(-server.pid);
  }
}

void main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
