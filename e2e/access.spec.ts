import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type Served } from '../server/serve/serve.test-helper';

// A second `netatlas serve`, on the lab's non-loopback address (the host end of the netatlas-demo veth), started
// as an operator would: no token given, so it makes one and prints the login URL.

const ADDR = '198.19.255.1';
const PORT = Number(process.env.E2E_PORT ?? 4199) + 1;
const BASE = `http://${ADDR}:${PORT}`;
const data = mkdtempSync(join(tmpdir(), 'netatlas-e2e-access-'));
let server: Served;
let loginUrl = '';
let token = '';

test.beforeAll(async () => {
  test.setTimeout(120_000);
  server = await serve(['--host', ADDR, '--port', String(PORT), '--data', data]);
  const m = /(http:\/\/\S+\/login\?token=(\S+))/.exec(server.log());
  if (!m) throw new Error(`no login URL printed:\n${server.log()}`);
  [, loginUrl, token] = m;
});
test.afterAll(async () => {
  await server?.stop();
  rmSync(data, { recursive: true, force: true });
});

test('without the token every route and the stream answer 401', async ({ request, page }) => {
  const asset = /src="(\/_next\/static\/[^"]+\.js)"/.exec(await (await request.get(`${BASE}/summary`, { headers: { authorization: `Bearer ${token}` } })).text())![1];
  for (const route of ['/', '/summary', '/api/trpc/snapshot.current', '/api/trpc/live.revisions', asset, '/no-such-page']) {
    const r = await request.get(`${BASE}${route}`);
    expect(r.status(), route).toBe(401);
  }
  const r = await page.goto(`${BASE}/`);
  expect(r!.status()).toBe(401);
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  await expect(page.locator('[data-node-id]')).toHaveCount(0);
});

test('the login URL sets the cookie, lands on a URL without the token, and the dashboard works', async ({ page, context }) => {
  const urls: string[] = [];
  const cspErrors: string[] = [];
  page.on('request', (r) => urls.push(r.url()));
  page.on('console', (m) => m.text().includes('Content Security Policy') && cspErrors.push(m.text()));
  await page.goto(loginUrl);
  await expect(page).toHaveURL(`${BASE}/`);
  await expect(page.getByTestId('status')).toHaveText('live', { timeout: 30_000 }); // hydrated, stream open
  await expect(page.locator('[data-node-id][data-kind="container"][aria-label~="lab-web"]')).toHaveCount(1);

  const [cookie] = (await context.cookies(BASE)).filter((c) => c.name === 'netatlas_token');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: false });
  // After the login request itself, no URL the browser asks for carries the token, nor does its address bar.
  const afterLogin = urls.slice(urls.indexOf(loginUrl) + 1);
  expect(afterLogin.length).toBeGreaterThan(3);
  expect(afterLogin.filter((u) => u.includes(token))).toEqual([]);
  expect(await page.evaluate(() => location.href + document.referrer + history.length)).not.toContain(token);
  await page.goto(`${BASE}/summary`);
  await expect(page.getByRole('heading').first()).toBeVisible();
  expect(page.url()).toBe(`${BASE}/summary`);
  expect(cspErrors).toEqual([]); // the nonce'd bootstrap and theme scripts ran under the CSP
});

test('the login form logs in without putting the token in any URL', async ({ page }) => {
  const urls: string[] = [];
  page.on('request', (r) => urls.push(r.url()));
  await page.goto(`${BASE}/summary`);
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(`${BASE}/summary`);
  expect(urls.filter((u) => u.includes(token))).toEqual([]);
});

test('a wrong token is refused and the page cannot be framed by another origin', async ({ page }) => {
  const r = await page.goto(`${BASE}/login?token=not-the-token-0123456789`);
  expect(r!.status()).toBe(401);
  await expect(page.getByText('That token is not valid.')).toBeVisible();
  const resp = await page.request.get(`${BASE}/login`);
  expect(resp.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
});
