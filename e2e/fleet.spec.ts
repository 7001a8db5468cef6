import { expect, test, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ruledHost } from '../lib/history/corpus.test-helper';
import { addContainer, addNetwork } from '../lib/topology/synthetic';
import type { Snapshot } from '../lib/snapshot/schema';
import { startPgCluster, type PgCluster } from '../server/history/pg-cluster.test-helper';
import { serve, type Served } from '../server/serve/serve.test-helper';
import { TokenStore } from '../server/serve/tokens';

// One `netatlas serve --hub` (loopback, its own PostgreSQL) fed by three real `netatlas agent` processes, each
// reading a recorded world (the --snapshot-source seam, as fleet.int.test.ts): alpha and beta carry the same swarm
// overlay (one network id), gamma does not. The page picks hosts and draws the fleet.

const PORT = Number(process.env.E2E_PORT ?? 4199) + 1;
const BASE = `http://127.0.0.1:${PORT}`;
const PG_PORT = 55171;
const HOSTS = ['alpha', 'beta', 'gamma'] as const;
const HOSTILE = '<img src=x onerror="document.title=\'pwned\'">';
const root = join(import.meta.dirname, '..');
// Made in beforeAll: Playwright loads a spec file in more than one process, and only the worker's is removed.
let dir = '';
let cluster: PgCluster;
let server: Served;
const agents: ChildProcess[] = [];

/** A host's world: a few containers of its own (named after it), and on alpha and beta a task on the overlay. */
function world(name: string, i: number): Snapshot {
  const s = ruledHost(3 + i);
  s.host.hostname = name;
  addContainer(s, { name: `${name}-web`, n: 500 + i, networks: [s.docker!.networks[1]] });
  // What agents send is untrusted: a network name that would be markup if anything rendered it as HTML.
  if (name === 'gamma') addNetwork(s, HOSTILE, 97);
  if (name !== 'gamma') {
    const overlay = addNetwork(s, 'lab-overlay', 95);
    Object.assign(overlay, { driver: 'overlay', scope: 'swarm' });
    addContainer(s, { name: `${name}-task`, n: 600 + i, networks: [overlay] });
  }
  return s;
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  dir = mkdtempSync(join(tmpdir(), 'netatlas-e2e-fleet-'));
  cluster = startPgCluster(PG_PORT);
  const data = join(dir, 'data');
  const store = await TokenStore.open(data);
  for (const [i, h] of HOSTS.entries()) {
    writeFileSync(join(dir, `${h}.token`), `${await store.add(`agent-${h}`, { kind: 'agent', host: h })}\n`);
    writeFileSync(join(dir, `${h}.json`), JSON.stringify(world(h, i)));
  }
  // The hub's own host is not under test: no Docker for it (a hub machine may have none), so the page never waits
  // on the shared dockerd, whatever state other work leaves it in.
  server = await serve(['--hub', '--pg', cluster.url, '--port', String(PORT), '--data', data], { DOCKER_HOST: `unix://${join(dir, 'no-docker.sock')}` });
  for (const h of HOSTS) {
    const p = spawn(process.execPath, [join(root, 'bin/netatlas.mjs'), 'agent', '--hub', BASE, '--token-file', join(dir, `${h}.token`), '--name', h,
      '--interval', '500', '--snapshot-source', join(dir, `${h}.json`), '--data', join(dir, `agent-${h}`)], { cwd: root, stdio: 'ignore' });
    agents.push(p);
  }
});

test.afterAll(async () => {
  for (const p of agents) p.kill('SIGKILL');
  await server?.stop();
  cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const picker = (page: Page) => page.getByTestId('host-picker');
const container = (page: Page, name: string) => page.locator(`[data-node-id][data-kind="container"][aria-label~="${name}"]`);

test('the picker lists every host the agents report', async ({ page }) => {
  await page.goto(BASE);
  await expect(picker(page).locator('option')).toHaveText([/^this server/, /^Fleet view/, ...HOSTS], { timeout: 60_000 });
});

test('choosing a host shows its containers in the graph and its panels; another host replaces them', async ({ page }) => {
  await page.goto(BASE);
  await expect(picker(page).locator('option', { hasText: 'alpha' })).toHaveCount(1, { timeout: 60_000 });
  await picker(page).selectOption('alpha');
  await expect(page).toHaveURL(/[?&]host=alpha/);
  await expect(page.getByTestId('header')).toContainText('· alpha');
  await expect(container(page, 'alpha-web')).toHaveCount(1);
  await expect(container(page, 'alpha-task')).toHaveCount(1);
  // The panels read the same host: its own container in the details, its history (one state stored so far or more).
  await container(page, 'alpha-web').click();
  await expect(page.getByTestId('details-panel')).toContainText('alpha-web');
  await page.getByRole('tab', { name: 'History' }).click();
  await expect(page.getByTestId('history-panel')).not.toContainText('History is off');
  // The host changes: its agent sends a delta, and the page, polling from the revision it holds, draws it.
  const changed = world('alpha', 0);
  addContainer(changed, { name: 'alpha-late', n: 700, networks: [changed.docker!.networks[1]] });
  writeFileSync(join(dir, 'alpha.json.tmp'), JSON.stringify(changed));
  renameSync(join(dir, 'alpha.json.tmp'), join(dir, 'alpha.json')); // whole, never half-written, for the agent
  await expect(container(page, 'alpha-late')).toHaveCount(1, { timeout: 60_000 });

  await picker(page).selectOption('gamma');
  await expect(page.getByTestId('header')).toContainText('· gamma');
  await expect(container(page, 'gamma-web')).toHaveCount(1);
  await expect(container(page, 'alpha-web')).toHaveCount(0);
  // A link to the host opens it.
  await page.goto(`${BASE}/?host=beta`);
  await expect(container(page, 'beta-web')).toHaveCount(1);
  // A host no agent reports says so, rather than waiting.
  await page.goto(`${BASE}/?host=zeta`);
  await expect(page.getByTestId('host-error')).toHaveText('no host named zeta has reported');
});

test('the fleet view draws hosts as groups and the overlay across the two hosts that carry it', async ({ page }) => {
  await page.goto(`${BASE}/?view=fleet`);
  const view = page.getByTestId('fleet-view');
  for (const h of HOSTS) await expect(view.locator(`[data-fleet-host="${h}"]`)).toHaveCount(1, { timeout: 60_000 });
  const lane = view.locator('[data-overlay-lane="lab-overlay"]');
  await expect(lane).toHaveAttribute('data-hosts', 'alpha beta');
  await expect(view.locator('[data-fleet-host="gamma"] [data-fleet-network="lab-overlay"]')).toHaveCount(0);
  // The lane really runs from alpha's group to beta's, and drops into the overlay's row in each.
  const box = async (sel: string) => (await view.locator(sel).first().boundingBox())!;
  const line = await box('[data-overlay-lane="lab-overlay"] [data-lane-line]');
  for (const h of ['alpha', 'beta']) {
    const host = await box(`[data-fleet-host="${h}"] rect`);
    const row = await box(`[data-fleet-host="${h}"] [data-fleet-network="lab-overlay"] rect`);
    const drop = await box(`[data-overlay-lane="lab-overlay"] [data-drop="${h}"]`);
    expect(drop.x).toBeGreaterThan(host.x);
    expect(drop.x).toBeLessThan(host.x + host.width);
    expect(drop.y + drop.height).toBeGreaterThanOrEqual(row.y);
    expect(drop.x).toBeGreaterThanOrEqual(line.x - 1);
    expect(drop.x).toBeLessThanOrEqual(line.x + line.width + 1);
  }
  await expect(view.locator('[data-fleet-host="alpha"] [data-fleet-network="lab-overlay"]')).toContainText('alpha-task');
  // Untrusted names are text: shown as written, never markup.
  await expect(view.locator('[data-fleet-host="gamma"]')).toContainText(HOSTILE);
  await expect(page.locator('img')).toHaveCount(0);
  expect(await page.title()).not.toBe('pwned');
  // A host's name opens it with the full dashboard.
  await view.locator('[data-fleet-host="gamma"] [role="link"]').click();
  await expect(page).toHaveURL(/[?&]host=gamma/);
  await expect(container(page, 'gamma-web')).toHaveCount(1);
});

test("the fleet API needs an agent's token even on loopback", async ({ request }) => {
  const r = await request.post(`${BASE}/api/fleet/v1/hosts/alpha/ingest`, { data: { session: 'x'.repeat(16), items: [] } });
  expect(r.status()).toBe(401);
});
