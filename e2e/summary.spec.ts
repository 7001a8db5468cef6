import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { LIVE } from './waits';

// The first page: a summary of the live snapshot. Runs against `next start` and the lab (e2e/lab/lab.sh up).

test('the page shows the lab: bridges, containers with their modes, published ports', async ({ page }) => {
  await page.goto('/summary');
  await expect(page.getByTestId('docker-status')).toContainText('Docker 20');
  const containers = page.getByTestId('containers');
  for (const name of ['lab-web', 'lab-api', 'lab-sidecar', 'lab-db', 'lab-worker', 'lab-none', 'lab-hostnet']) {
    await expect(containers).toContainText(name);
  }
  await expect(containers.locator('tr', { hasText: 'lab-sidecar' })).toContainText('container:lab-api');
  await expect(containers.locator('tr', { hasText: 'lab-web' })).toContainText('127.0.0.1:18081→80/tcp');
  await expect(page.getByTestId('bridges').locator('tr', { hasText: 'docker0' })).toContainText('lab-web (eth0)');
  await page.screenshot({ path: 'test-results/summary.png', fullPage: true });
});

test('a container started after the page was served appears on reload', async ({ page }) => {
  const name = 'lab-e2e-late';
  execFileSync('docker', ['run', '-d', '--rm', '--name', name, '--label', 'netatlas.lab=1', '--network', 'netatlas-lab-b', 'netatlas-lab/busybox:1']);
  try {
    // The hub learns of the container from Docker's event stream: reload until it shows (or the poll times out).
    await expect
      .poll(async () => {
        await page.goto('/summary');
        return page.getByTestId('containers').locator('tr', { hasText: name }).textContent({ timeout: 1000 }).catch(() => null);
      }, LIVE)
      .toContain('netatlas-lab-b 198.18.2.');
  } finally {
    execFileSync('docker', ['rm', '-f', name]);
  }
  await expect
    .poll(async () => {
      await page.goto('/summary');
      return page.getByTestId('containers').textContent();
    }, LIVE)
    .not.toContain(name);
});
