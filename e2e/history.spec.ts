import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { LIVE } from './waits';

// Time travel against `next start` (with a temporary NETATLAS_DATA, see playwright.config.ts) and the real host:
// a container started during the test is absent from the past and present live. Ground truth is `docker`.

const sh = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' }).trim();
const node = (page: Page, kind: string, label: string) => page.locator(`[data-node-id][data-kind="${kind}"][aria-label~="${label}"]`);

test('scrub back to before a container existed: absent from graph and paths; back to live: present; save and delete a snapshot', async ({ page }) => {
  const web = `ctr:${sh('docker', 'inspect', '-f', '{{.Id}}', 'lab-web')}`;
  await page.goto(`/?sel=${encodeURIComponent(web)}&tab=paths`);
  await expect(page.getByTestId('status')).toHaveText('live');
  await expect(page.getByTestId('timeline')).toBeVisible(LIVE); // history is on (not "history off")
  // A moment the server has recorded (the page's revision) and that is before the container.
  const before = new Date().toISOString();

  const name = `lab-tt-${randomBytes(4).toString('hex')}`;
  sh('docker', 'run', '-d', '--name', name, '--label', 'netatlas.lab=1', 'netatlas-lab/busybox:1');
  try {
    const presets = page.getByTestId('paths-panel').getByTestId('path-preset').filter({ hasText: name });
    await expect(node(page, 'container', name)).toHaveCount(1, LIVE);
    await expect(presets).toHaveCount(1); // lab-web → the new container (both on the default bridge)
    // Its start is a tick on the timeline (from the change log).
    await expect(page.locator(`[data-testid="timeline-tick"][aria-label*="container added ${name}"]`)).toHaveCount(1, LIVE);

    await page.getByRole('textbox', { name: 'Go to time' }).fill(before);
    await page.getByRole('textbox', { name: 'Go to time' }).press('Enter');
    const banner = page.getByTestId('time-travel-banner');
    await expect(banner).toContainText('viewing', LIVE);
    await expect(node(page, 'container', 'lab-web')).toHaveCount(1);
    await expect(node(page, 'container', name)).toHaveCount(0);
    await expect(presets).toHaveCount(0);
    await expect(page).toHaveURL(/[?&]at=/);

    // The URL points at that moment: a fresh page opens in the past.
    const fresh = await page.context().newPage();
    await fresh.goto(page.url());
    await expect(fresh.getByTestId('time-travel-banner')).toContainText('viewing', LIVE);
    await expect(node(fresh, 'container', 'lab-web')).toHaveCount(1);
    await expect(node(fresh, 'container', name)).toHaveCount(0);
    await fresh.close();

    await banner.getByRole('button', { name: 'back to live' }).click();
    await expect(banner).toHaveCount(0);
    await expect(page).not.toHaveURL(/[?&]at=/);
    await expect(node(page, 'container', name)).toHaveCount(1);
    await expect(presets).toHaveCount(1);

    // Save the live host under a name; it is listed with its host; delete it again.
    const snap = `e2e-${name}`;
    await page.getByRole('tab', { name: 'History' }).click();
    const panel = page.getByTestId('history-panel');
    await panel.getByRole('textbox', { name: 'Snapshot name' }).fill(snap);
    await panel.getByRole('textbox', { name: 'Note' }).fill('saved by e2e/history.spec.ts');
    await panel.getByRole('button', { name: 'Save', exact: true }).click();
    const row = panel.locator(`[data-testid="saved-list"] tr[data-name="${snap}"]`);
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(sh('hostname'));
    await expect(panel.getByTestId('change-list')).toContainText(`container added ${name}`);
    await row.getByRole('button', { name: `Delete ${snap}` }).click();
    await expect(row).toHaveCount(0);
  } finally {
    sh('docker', 'rm', '-f', name);
  }
});
