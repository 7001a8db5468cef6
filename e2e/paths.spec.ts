import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';

// Packet paths in the UI against the lab. The simulator's agreement with the kernel is proven by
// server/paths/matrix.int.test.ts; here: every preset works, steps link to rules, the path is drawn.

const sh = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' }).trim();
const ctr = (name: string) => `ctr:${sh('docker', 'inspect', '-f', '{{.Id}}', name)}`;
const OUTCOMES = ['delivered', 'dropped', 'rejected', 'no route', 'uncertain', 'refused', 'port unreachable'];

async function openPaths(page: Page, name: string) {
  await page.goto(`/?sel=${encodeURIComponent(ctr(name))}&tab=paths`);
  // "live" needs the client's subscription, i.e. a hydrated page: a click before that would go nowhere.
  await expect(page.getByTestId('status')).toHaveText('live');
  return page.getByTestId('paths-panel');
}

for (const name of ['lab-web', 'lab-api', 'lab-noicc1', 'lab-int1']) {
  test(`every preset of ${name} gives an outcome, a summary and steps`, async ({ page }) => {
    const panel = await openPaths(page, name);
    const presets = panel.getByTestId('path-preset');
    const labels = await presets.allTextContents();
    expect(labels.length).toBeGreaterThan(2);
    for (const [i, label] of labels.entries()) {
      // By label (and which of its namesakes), not by position: a container started meanwhile (on a busy shared
      // host, by anyone) adds a preset and shifts the list under a positional locator.
      const namesakes = labels.slice(0, i).filter((l) => l === label).length;
      const preset = presets.and(panel.getByRole('button', { name: label, exact: true })).nth(namesakes);
      await preset.click();
      await expect(panel.getByTestId('path-error')).toHaveCount(0);
      await expect(preset).toHaveAttribute('aria-pressed', 'true');
      const outcome = (await panel.getByTestId('path-outcome').textContent({ timeout: 20_000 }))?.trim() ?? '';
      expect(OUTCOMES, `preset ${i}: ${label}`).toContain(outcome);
      await expect(panel.getByTestId('path-summary')).not.toBeEmpty();
      expect(await panel.getByTestId('path-step').count()).toBeGreaterThan(0);
    }
  });
}

test('lab-web from outside to 18080: delivered, drawn on the graph, and a rule step opens the firewall tab on it', async ({ page }) => {
  const panel = await openPaths(page, 'lab-web');
  await panel.getByTestId('path-preset').filter({ hasText: /^from outside to 18080$/ }).click();
  await expect(panel.getByTestId('path-outcome')).toHaveText('delivered');
  await expect(page.getByTestId('path-overlay')).toHaveCount(1);
  const dnat = panel.locator('[data-testid="path-step"][data-step-type="rule"][data-verdict="match"]', { hasText: 'DNAT' }).first();
  await dnat.getByRole('button').first().click();
  const focused = page.locator('[data-testid="firewall-panel"] [data-testid="rule"][data-focused="true"]');
  await expect(focused).toHaveCount(1);
  await expect(focused).toHaveAttribute('data-role', 'published-port-dnat');
});

test('lab-web from outside to 18081 (published on 127.0.0.1 only) is refused, naming what listens there', async ({ page }) => {
  const panel = await openPaths(page, 'lab-web');
  await panel.getByTestId('path-preset').filter({ hasText: /^from outside to 18081$/ }).click();
  await expect(panel.getByTestId('path-outcome')).toHaveText('refused');
  await expect(panel.getByTestId('path-verdict')).toContainText(/connection refused.*listens on 127\.0\.0\.1:18081 \(docker-proxy \(pid \d+\)\) only/);
});

test('lab-api to lab-web (another network) is dropped, and the answer names the deciding rule', async ({ page }) => {
  const panel = await openPaths(page, 'lab-api');
  await panel.getByTestId('path-preset').filter({ hasText: 'lab-web' }).first().click();
  await expect(panel.getByTestId('path-outcome')).toHaveText('dropped');
  await expect(panel.getByTestId('path-summary')).toContainText(/DOCKER-ISOLATION|FORWARD/);
});
