import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { LIVE } from './waits';

// Runs last (files run in name order): it stops dockerd, which stops the lab's containers; it brings both back.

const root = join(import.meta.dirname, '..');

test('dockerd stopping: the header says so and the last graph stays; dockerd back: live again without reload', async ({ page }) => {
  test.setTimeout(300_000); // stopping dockerd, starting it and the lab again on a cold, busy machine
  await page.goto('/');
  await expect(page.getByTestId('status')).toHaveText('live');
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  try {
    execFileSync('sh', ['-c', 'pkill -TERM -x dockerd; for i in $(seq 150); do pgrep -x dockerd >/dev/null || exit 0; sleep 0.2; done; exit 1']);
    await expect(page.getByTestId('status')).toHaveText('Docker unreachable', LIVE);
    await expect(page.locator('[data-node-id][data-kind="container"][aria-label~="lab-web"]')).toHaveCount(1);
  } finally {
    execFileSync('bash', [join(root, 'scripts/ensure-docker.sh')]);
    execFileSync('bash', [join(root, 'e2e/lab/lab.sh'), 'up']);
  }
  // The hub's watcher retries with backoff, up to 30 s between tries.
  await expect(page.getByTestId('status')).toHaveText('live', { timeout: 60_000 });
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
});
