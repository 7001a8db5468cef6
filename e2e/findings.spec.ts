import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';

// The Findings tab against the lab: the findings `netatlas check` gives (server/findings/check.int.test.ts proves them
// against the kernel) show with evidence and fix, their objects carry badges on the graph, and a container's DNS
// shows in its details.

const sh = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' }).trim();
const ctr = (name: string) => `ctr:${sh('docker', 'inspect', '-f', '{{.Id}}', name)}`;

test('the Findings tab lists the lab’s findings with evidence and fix, and badges their objects', async ({ page }) => {
  await page.goto('/?tab=findings');
  await expect(page.getByTestId('status')).toHaveText('live');
  const panel = page.getByTestId('findings-panel');
  const macvlan = panel.locator('[data-testid="finding"][data-finding-id="macvlan-host-isolation:lab-mv1:netatlas-lab-mv"]');
  await expect(macvlan).toHaveAttribute('data-level', 'warning');
  await expect(macvlan).toContainText('lab-mv1 (macvlan on na-mv-parent) and this host cannot reach each other');
  await expect(macvlan.getByRole('list', { name: 'evidence' })).toContainText('198.18.6.2');
  await expect(macvlan.getByTestId('finding-fix')).toContainText('type macvlan mode bridge');
  const loop = panel.locator('[data-testid="finding"][data-finding-id="published-on-loopback:lab-web:127.0.0.1:18081/tcp"]');
  await expect(loop).toHaveAttribute('data-level', 'info');

  // The badge sits on the concerned container; clicking the object button selects it.
  const mv = ctr('lab-mv1');
  await expect(page.locator(`[data-node-id="${mv}"] [data-finding-badge]`)).toHaveAttribute('data-finding-badge', 'warning');
  await macvlan.getByRole('button', { name: 'lab-mv1' }).click();
  await expect(page.locator(`[data-node-id="${mv}"]`)).toHaveAttribute('data-selected', 'true');
  // A container no finding names has no badge.
  await expect(page.locator(`[data-node-id="${ctr('lab-int1')}"] [data-finding-badge]`)).toHaveCount(0);
});

test('a lab container’s details show its DNS: the embedded DNS on a user-defined network, none on the default bridge', async ({ page }) => {
  await page.goto(`/?sel=${encodeURIComponent(ctr('lab-api'))}`);
  await expect(page.getByTestId('status')).toHaveText('live');
  const api = page.getByTestId('container-dns');
  await expect(api).toContainText('127.0.0.11');
  await expect(api).toContainText("resolved by Docker's embedded DNS (127.0.0.11) on netatlas-lab-a, netatlas-lab-b");
  await page.goto(`/?sel=${encodeURIComponent(ctr('lab-web'))}`);
  const web = page.getByTestId('container-dns');
  await expect(web).toContainText('not resolved: no embedded DNS');
  await expect(web).not.toContainText('127.0.0.11');
});

test('a macvlan container’s details name its parent and mode, and the graph links its interface to the parent', async ({ page }) => {
  await page.goto(`/?sel=${encodeURIComponent(ctr('lab-mv1'))}`);
  await expect(page.getByTestId('status')).toHaveText('live');
  await expect(page.getByTestId('details-panel')).toContainText('na-mv-parent (mode bridge)');
  await expect(page.locator('[data-edge-id][data-kind="parent"]')).toHaveCount(1);
});
