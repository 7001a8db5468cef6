import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type Served } from '../server/serve/serve.test-helper';

// Share links on the lab's non-loopback address with a token (a `netatlas serve` of this spec's own): the owner
// logs in and makes a link; a fresh browser context without the token opens it and sees the graph, and gets
// nothing else; revoke kills it.

const ADDR = '198.19.255.1';
const PORT = Number(process.env.E2E_PORT ?? 4199) + 2;
const BASE = `http://${ADDR}:${PORT}`;
const data = mkdtempSync(join(tmpdir(), 'netatlas-e2e-links-'));
let server: Served;
let loginUrl = '';

test.beforeAll(async () => {
  test.setTimeout(240_000);
  server = await serve(['--host', ADDR, '--port', String(PORT), '--data', data]);
  const m = /(http:\/\/\S+\/login\?token=\S+)/.exec(server.log());
  if (!m) throw new Error(`no login URL printed:\n${server.log()}`);
  loginUrl = m[1];
});
test.afterAll(async () => {
  await server?.stop();
  rmSync(data, { recursive: true, force: true });
});

const labWeb = '[data-node-id][data-kind="container"][aria-label~="lab-web"]';

test('a link opens without the token in a fresh context, grants nothing else, and dies when revoked', async ({ browser }) => {
  const owner = await browser.newContext();
  const page = await owner.newPage();
  await page.goto(loginUrl);
  await expect(page.getByTestId('status')).toHaveText('live', { timeout: 30_000 });
  await page.getByTestId('share-menu').locator('summary').click();
  await expect(page.getByTestId('share-list')).toContainText('None yet.');
  await expect(page.getByTestId('share-loopback-note')).toHaveCount(0); // reachable by others here
  await page.getByTestId('share-create').click();
  const link = await page.getByTestId('share-link').inputValue();
  expect(link).toMatch(new RegExp(`^${BASE.replaceAll('.', '\\.')}/s/[A-Za-z0-9_-]{22,}$`));
  await expect(page.getByTestId('share-list-item')).toHaveCount(1);

  const guest = await browser.newContext();
  const g = await guest.newPage();
  const failed: string[] = [];
  g.on('response', (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
  const opened = await g.goto(link);
  expect(opened!.status()).toBe(200);
  await expect(g.locator(labWeb)).toHaveCount(1);
  await expect(g.getByTestId('file-banner')).toContainText('Viewing shared link');
  await g.locator(labWeb).click(); // the full UI: details of the selection
  await expect(g.getByTestId('details-panel')).toContainText('lab-web');
  await expect(g.getByTestId('share-menu')).toHaveCount(0); // a link cannot make links
  expect(failed).toEqual([]); // the page needed nothing the link does not grant

  expect((await g.goto(`${BASE}/`))!.status()).toBe(403);
  expect((await guest.request.get(`${BASE}/api/trpc/live.revisions`)).status()).toBe(403);
  expect((await guest.request.get(`${BASE}/api/trpc/snapshot.current`)).status()).toBe(403);
  expect((await g.goto(`${BASE}/s/${randomBytes(16).toString('base64url')}`))!.status()).toBe(404);
  await expect(g.locator('[data-node-id]')).toHaveCount(0);

  await page.getByTestId('share-revoke').click();
  await expect(page.getByTestId('share-list-item')).toHaveAttribute('data-state', 'revoked');
  const dead = await g.goto(link);
  expect(dead!.status()).toBe(410);
  await expect(g.getByTestId('dead-link')).toContainText('revoked');
  await expect(g.locator('[data-node-id]')).toHaveCount(0);
  await guest.close();
  await owner.close();
});

test('on a loopback bind the Share menu says a link only works for people who can reach this address', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('share-menu').locator('summary').click();
  await expect(page.getByTestId('share-loopback-note')).toContainText('only for people who can reach this address');
});
