import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchChromium } from './browser';


/** Milliseconds from the exec of the server process to each step of a fresh dashboard's first picture. */
export interface FirstPicture {
  /** The server says it is listening (`netatlas: serving on …`). */
  listening: number;
  /** The page's response starts (first byte of HTML). */
  html: number;
  /** The whole HTML is in, with the first snapshot inside it (the page embeds it). */
  htmlDone: number;
  /** The last script the page loaded up to the picture is in (Next's scripts are async: no DOM event waits for them). */
  scripts: number;
  /** The graph is drawn with every container: the first picture. */
  picture: number;
}

/**
 * exec of a fresh `netatlas serve` (from `dir`, a data directory of its own, as `npm start` runs it) → the graph
 * drawn with at least `containers` containers in headless chromium, with the steps in between. Browser times come
 * from the Navigation Timing entry of the page, placed on the bench's clock through the epoch.
 */
export async function firstPicture(containers: number, port: number, dir = '.'): Promise<FirstPicture> {
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const data = mkdtempSync(join(tmpdir(), 'netatlas-first-picture-'));
  const t0 = Date.now();
  const server = spawn(process.execPath, [join(resolve(dir), 'bin/netatlas.mjs'), 'serve', '--host', '127.0.0.1', '--port', String(port), '--data', data], {
    cwd: resolve(dir),
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let listening = 0;
  let stderr = '';
  server.stderr!.on('data', (b: Buffer) => {
    stderr += b.toString();
    if (!listening && stderr.includes('serving on')) listening = Date.now() - t0;
  });
  try {
    for (;;) {
      try {
        await page.goto(`http://127.0.0.1:${port}/`, { waitUntil: 'commit' });
        break;
      } catch {
        if (Date.now() - t0 > 120_000 || server.exitCode !== null) throw new Error(`the server did not come up: ${stderr}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    // A function, not a string: the server's CSP forbids eval.
    await page.waitForFunction(
      (n) => document.querySelector('[data-node-id]') !== null && document.querySelectorAll('[data-node-id][data-kind="container"]').length >= n,
      containers,
      { timeout: 120_000, polling: 'raf' },
    );
    const picture = Date.now() - t0;
    const nav = (await page.evaluate((until) => {
      const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const scripts = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((r) => r.initiatorType === 'script' && performance.timeOrigin + r.responseEnd <= until);
      return { origin: performance.timeOrigin, responseStart: n.responseStart, responseEnd: n.responseEnd, scripts: Math.max(0, ...scripts.map((r) => r.responseEnd)) };
    }, t0 + picture)) as { origin: number; responseStart: number; responseEnd: number; scripts: number };
    const at = (t: number) => Math.round(nav.origin + t - t0);
    return { listening, html: at(nav.responseStart), htmlDone: at(nav.responseEnd), scripts: at(nav.scripts), picture };
  } finally {
    await browser.close();
    process.kill(-server.pid!, 'SIGTERM');
    await new Promise((r) => (server.exitCode !== null ? r(null) : server.once('exit', r)));
    rmSync(data, { recursive: true, force: true });
  }
}
