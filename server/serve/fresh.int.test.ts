import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../lib/snapshot/schema';
import { get, serve, type Served } from './serve.test-helper';

// snapshot.current with nobody subscribed: the hub then only collects on events and on its 10 s idle tick, and
// used to answer with whatever that tick last read (40 s old, seen). Now every answer is at most one tick (1 s)
// old and includes every change notified before the request.

const PORT = 4362;
const TICK_MS = 1_000;
const NAME = `lab-fresh-${process.pid}`;
const data = mkdtempSync(join(tmpdir(), 'netatlas-fresh-'));
let server: Served;

beforeAll(async () => {
  server = await serve(['--host', '127.0.0.1', '--port', String(PORT), '--data', data]);
});
afterAll(async () => {
  execFileSync('sh', ['-c', `docker rm -f ${NAME} >/dev/null 2>&1 || true`]);
  await server?.stop();
  rmSync(data, { recursive: true, force: true });
});

/** snapshot.current, with the time the request was sent. */
async function current(): Promise<{ askedAt: number; snapshot: Snapshot }> {
  const askedAt = Date.now();
  const r = await get(`http://127.0.0.1:${PORT}/api/trpc/snapshot.current`);
  expect(r.status).toBe(200);
  return { askedAt, snapshot: JSON.parse(r.body).result.data.snapshot };
}

const ageAtRequest = (a: { askedAt: number; snapshot: Snapshot }) => a.askedAt - Date.parse(a.snapshot.host.collectedAt);

describe('snapshot.current with nobody subscribed', () => {
  it('is never older than the tick, even after the host was quiet for 3 s', async () => {
    const first = await current();
    expect(ageAtRequest(first)).toBeLessThanOrEqual(TICK_MS);
    await new Promise((r) => setTimeout(r, 3_000)); // the scenario: a quiet while, shorter than the idle tick
    const second = await current();
    console.log(`answers' age at request: ${ageAtRequest(first)} ms, then ${ageAtRequest(second)} ms after 3 s idle`);
    expect(ageAtRequest(second)).toBeLessThanOrEqual(TICK_MS);
    expect(Date.parse(second.snapshot.host.collectedAt)).toBeGreaterThan(Date.parse(first.snapshot.host.collectedAt));
  });

  it('shows a container started just before the request', async () => {
    execFileSync('docker', ['run', '-d', '--name', NAME, '--label', 'netatlas.lab=1', 'netatlas-lab/busybox:1']);
    const t0 = performance.now();
    // Docker's event reaches the hub a moment after `docker run` returns; a request sent before it arrives may
    // be answered from a reading less than a tick old, so poll, checking every answer's age.
    await expect
      .poll(async () => {
        const a = await current();
        expect(ageAtRequest(a)).toBeLessThanOrEqual(TICK_MS);
        return a.snapshot.docker?.containers.some((c) => c.name === NAME) ?? false;
      }, { timeout: 60_000, interval: 50 })
      .toBe(true);
    console.log(`docker run → snapshot.current shows it: ${(performance.now() - t0).toFixed(0)} ms`);
  });
});
