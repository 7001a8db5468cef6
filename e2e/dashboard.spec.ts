import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { LIVE } from './waits';

// The live graph against `next start` and the lab. Ground truth comes from docker and ip, not from netatlas.

const sh = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' }).trim();
const node = (page: Page, kind: string, label: string) => page.locator(`[data-node-id][data-kind="${kind}"][aria-label~="${label}"]`);
const LAB = ['lab-web', 'lab-api', 'lab-sidecar', 'lab-db', 'lab-worker', 'lab-none', 'lab-hostnet'];

test('every lab object is drawn: bridges, both veth ends, namespaces, containers, ports', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('status')).toHaveText('live');
  for (const name of LAB) await expect(node(page, 'container', name)).toHaveCount(1);

  // Bridges by their network's name (docker0 is the network `bridge`).
  for (const b of ['netatlas-lab-a', 'netatlas-lab-b']) await expect(node(page, 'bridge', b)).toHaveCount(1);
  await expect(page.locator('[data-node-id="br:docker0"]')).toHaveAttribute('aria-label', 'bridge bridge');

  // Compose projects start folded (one node each): unfold them all, so every object is drawn.
  const folded = page.getByTestId('projects').locator('button[aria-pressed="false"]');
  while ((await folded.count()) > 0) await folded.first().click();
  await expect(page.locator('[data-node-id][data-kind="project"]')).toHaveCount(0);

  // Both ends of every veth pair on the host (ip says how many host-side ends there are).
  const hostVeths = (JSON.parse(sh('ip', '-j', '-d', 'link', 'show', 'type', 'veth')) as unknown[]).length;
  await expect(page.locator('[data-node-id][data-kind="veth"]')).toHaveCount(hostVeths * 2);

  await expect(node(page, 'namespace', 'netatlas-demo')).toHaveCount(1);
  // container:X — the sidecar is drawn inside the same namespace box as the container it shares with.
  const api = await node(page, 'container', 'lab-api').getAttribute('data-parent');
  expect(api).toBeTruthy();
  expect(await node(page, 'container', 'lab-sidecar').getAttribute('data-parent')).toBe(api);

  await expect(page.locator('[data-node-id][data-kind="port"]')).toHaveCount(3); // 0.0.0.0:18080, [::]:18080, 127.0.0.1:18081
  await page.getByRole('button', { name: /fit/i }).click();
  await page.screenshot({ path: 'test-results/graph.png', fullPage: true });
});

test('a container appears when started and disappears when removed, without a reload', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('status')).toHaveText('live');
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  const name = 'lab-e2e-live';
  sh('docker', 'run', '-d', '--name', name, '--label', 'netatlas.lab=1', '--network', 'netatlas-lab-a', 'netatlas-lab/busybox:1');
  try {
    await expect(node(page, 'container', name)).toHaveCount(1, LIVE);
  } finally {
    sh('docker', 'rm', '-f', name);
  }
  await expect(node(page, 'container', name)).toHaveCount(0, LIVE);
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
});

test('clicking a container shows its details; the selection is in the URL and a deep link reopens it', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('status')).toHaveText('live'); // hydrated, so the clicks land
  // Fit first: where lab-api lands depends on bridge names (random ids), and the first view may not show it.
  await page.getByRole('button', { name: /fit/i }).click();
  await node(page, 'container', 'lab-api').click();
  const panel = page.getByTestId('details-panel');
  const inspect = JSON.parse(sh('docker', 'inspect', 'lab-api'))[0];
  await expect(panel).toContainText('lab-api');
  await expect(panel).toContainText('netatlas-lab/busybox:1');
  for (const [net, ep] of Object.entries(inspect.NetworkSettings.Networks as Record<string, { IPAddress: string; MacAddress: string }>)) {
    await expect(panel).toContainText(net);
    await expect(panel).toContainText(ep.IPAddress);
    await expect(panel).toContainText(ep.MacAddress);
  }
  await expect(panel).toContainText('api'); // its network alias
  await expect(page).toHaveURL(/[?&]sel=/);

  const url = page.url();
  const fresh = await page.context().newPage();
  await fresh.goto(url);
  await expect(fresh.getByTestId('details-panel')).toContainText('lab-api');
  await expect(fresh.getByTestId('details-panel')).toContainText(inspect.NetworkSettings.Networks['netatlas-lab-a'].IPAddress);
});

test('the search box finds a container by IP and selects it', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('status')).toHaveText('live');
  const ip = sh('docker', 'inspect', '-f', '{{.NetworkSettings.Networks.bridge.IPAddress}}', 'lab-web');
  await page.getByRole('combobox', { name: 'Search' }).fill(ip);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('details-panel')).toContainText(ip);
});
