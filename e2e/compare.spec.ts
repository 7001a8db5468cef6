import { expect, test } from '@playwright/test';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DATA } from './server';

// Compare mode against `next start` and the live lab: a container saved in a named snapshot and then removed is a
// ghost on the union graph, a "container removed" entry in the change list, and flows broken. The CLI saves into
// the server's data directory (e2e/server.ts); the saved name is unique to this run and deleted afterwards, as is
// the container.

const root = join(import.meta.dirname, '..');
const GHOST = 'i16-e2e-ghost';
const SAVED = `i16-e2e-before-${process.pid}`;
const netatlas = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, 'bin/netatlas.mjs'), ...args, '--data', DATA], { cwd: root, encoding: 'utf8' });
const docker = (...args: string[]) => spawnSync('docker', args, { encoding: 'utf8' });

test.afterAll(() => {
  docker('rm', '-f', GHOST);
  netatlas('snapshot', '--delete', SAVED);
});

test('a removed container is a ghost on the union graph and an entry in the change list', async ({ page }) => {
  docker('rm', '-f', GHOST);
  // On the default bridge, beside lab-web: its flows there are delivered in A and broken (gone) in B.
  execFileSync('docker', ['run', '-d', '--name', GHOST, '--label', 'netatlas.lab=1', 'netatlas-lab/busybox:1', 'sleep', '2147483647']);
  const saved = netatlas('snapshot', '--save', SAVED, '--note', 'compare e2e');
  expect(saved.status, saved.stderr).toBe(0);
  execFileSync('docker', ['rm', '-f', GHOST]);

  // The dashboard's header leads to compare mode; its picker writes A and B into the URL.
  await page.goto('/');
  await page.getByTestId('header').getByRole('link', { name: 'Compare' }).click();
  await expect(page).toHaveURL(/\/compare$/);
  // The picker is inert until hydrated (what is typed earlier would be lost): wait for it, generously on a busy machine.
  await expect(page.getByRole('button', { name: 'Compare' })).toBeEnabled({ timeout: 60_000 });
  await page.getByLabel('A', { exact: true }).fill(`name:${SAVED}`);
  await page.getByLabel('B', { exact: true }).fill('live');
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(page).toHaveURL(new RegExp(`/compare\\?a=name%3A${SAVED}&b=live$`));

  // The answer is the change list or an error; an error fails at once with its words (an unknown name, no history).
  const changes = page.getByTestId('change-list');
  const alert = page.locator('[data-testid="compare-note"][role="alert"]');
  await expect(changes.or(alert)).toBeVisible({ timeout: 60_000 }); // two reachability matrices on a busy machine
  expect(await alert.count(), (await alert.allInnerTexts()).join(' ')).toBe(0);

  // B is the host as of the request, read after the removal's Docker event.
  const removed = changes.locator('li[data-kind="container"][data-action="removed"]', { hasText: GHOST });
  await expect(removed).toHaveCount(1);

  const ghost = page.locator(`[data-testid="compare-graph"] [data-node-id][data-kind="container"][aria-label~="${GHOST}"]`);
  await expect(ghost).toHaveCount(1);
  await expect(ghost).toHaveCSS('opacity', '0.4');
  await expect(page.getByTestId('compare-legend')).toContainText('only in A (removed: a ghost)');
  await expect(page.getByTestId('reach-changes')).toContainText('flows compared');

  // A broken flow opens to its path in A, traced when opened (B has no such flow: its source is gone).
  const broken = page.locator('[data-testid="reach-change"][data-kind="broken"]', { hasText: `${GHOST} → lab-web` }).first();
  await broken.getByRole('button').click();
  const traces = broken.getByTestId('flow-traces');
  const before = traces.locator('[data-testid="flow-side"][data-side="before"]');
  await expect(before).toContainText('Before: delivered');
  await expect(before.locator('p').nth(1)).toContainText('lab-web'); // the path's paragraph
  await before.locator('summary').click(); // and its steps, as the Paths tab lists them
  await expect(before.getByTestId('path-step').last()).toHaveAttribute('data-step-type', 'deliver');
  await expect(traces.locator('[data-testid="flow-side"][data-side="after"]')).toHaveText('After: no such flow');

  // An entry selects its object on the graph.
  await changes.locator('li[data-kind="container"][data-action="removed"]', { hasText: GHOST }).getByRole('button').click();
  await expect(ghost).toHaveAttribute('data-selected', 'true');
  await page.screenshot({ path: 'test-results/compare.png', fullPage: true });
});

test('a file opened in the page and a share link are compared like any other snapshot', async ({ page }) => {
  // A share link of the live host, made from the dashboard's Share menu.
  await page.goto('/');
  await expect(page.getByTestId('status')).toHaveText('live', { timeout: 60_000 });
  await page.getByTestId('share-menu').locator('summary').click();
  await page.getByTestId('share-create').click();
  const link = await page.getByTestId('share-link').inputValue();

  // A: a snapshot file read in the page by the one file reader; B: the link, pasted.
  await page.goto('/compare');
  await expect(page.getByRole('button', { name: 'Compare' })).toBeEnabled({ timeout: 60_000 });
  await page.getByLabel('Open a file as A').setInputFiles(join(root, 'lib/snapshot/__fixtures__/lab-snapshot.json'));
  await expect(page.getByLabel('A', { exact: true })).toHaveValue('file:lab-snapshot.json');
  await page.getByLabel('B', { exact: true }).fill(link);
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(page).toHaveURL(/\/compare\?a=file%3Alab-snapshot\.json&b=http/);

  const changes = page.getByTestId('change-list');
  const alert = page.locator('[data-testid="compare-note"][role="alert"]');
  await expect(changes.or(alert)).toBeVisible({ timeout: 60_000 });
  expect(await alert.count(), (await alert.allInnerTexts()).join(' ')).toBe(0);
  const sides = page.getByRole('complementary', { name: 'Changes' });
  await expect(sides).toContainText('A: file lab-snapshot.json');
  await expect(sides).toContainText('B: share link (live at');
  await expect(page.getByTestId('reach-changes')).toContainText('flows compared');

  // The file never went to the server: a reload has the URL but not the file, and says so.
  await page.reload();
  await expect(alert).toContainText('lab-snapshot.json is not open in this page');
});
