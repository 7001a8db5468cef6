import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { parseRule } from '../lib/netfilter/iptables-rule';
import type { IptRule, Snapshot } from '../lib/snapshot/schema';

// Sharing: the exported page opens from file:// with no network and the real UI (a path trace runs in it), an
// exported file imported again shows the same graph, and hostile names and rule comments run nothing anywhere.

const sh = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' }).trim();
const MAX_HTML_BYTES = 3 * 1024 * 1024;

async function liveHome(page: Page, query = '') {
  await page.goto(`/${query}`);
  // "live" needs the client's subscription, i.e. a hydrated page: a click before that would go nowhere.
  await expect(page.getByTestId('status')).toHaveText('live');
}

async function exportFile(page: Page, item: string, path: string): Promise<string> {
  await page.getByTestId('export-menu').locator('summary').click();
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId(`export-${item}`).click()]);
  await download.saveAs(path);
  return path;
}

const nodeIds = (page: Page) => page.locator('[data-node-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-node-id')!).sort());

/**
 * Exports while the live graph holds still (other tests share this dockerd and may add containers meanwhile):
 * the node ids drawn before and after the export agree, so they are the ids in the file.
 */
async function exportStable(page: Page, item: string, path: string): Promise<{ file: string; ids: string[] }> {
  for (let attempt = 0; ; attempt++) {
    const before = await nodeIds(page);
    const file = await exportFile(page, item, path);
    const after = await nodeIds(page);
    if (JSON.stringify(before) === JSON.stringify(after) || attempt === 4) return { file, ids: after };
  }
}

/** A context with no network at all: offline, and every request that is not file:, data: or blob: aborted. */
async function offlineContext(ctx: BrowserContext): Promise<string[]> {
  const attempted: string[] = [];
  await ctx.setOffline(true);
  await ctx.route('**/*', (route) => {
    const url = route.request().url();
    if (/^(file|data|blob):/.test(url)) return route.continue();
    attempted.push(url);
    return route.abort();
  });
  return attempted;
}

/** Watches for anything a hostile string could make happen: dialogs, page errors, CSP violations. */
function watch(page: Page) {
  const seen = { dialogs: [] as string[], errors: [] as string[] };
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => seen.errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') seen.errors.push(m.text());
  });
  return seen;
}

test('the exported page opens from file:// offline with the real UI, and a path trace runs in it', async ({ page, browser }, info) => {
  const web = `ctr:${sh('docker', 'inspect', '-f', '{{.Id}}', 'lab-web')}`;
  await liveHome(page);
  const { file, ids: liveIds } = await exportStable(page, 'html', info.outputPath('lab.html'));
  const size = statSync(file).size;
  console.log(`exported lab page: ${size} bytes (${(size / 1024 / 1024).toFixed(2)} MB, limit 3 MB)`);
  expect(size).toBeLessThanOrEqual(MAX_HTML_BYTES);

  const ctx = await browser.newContext();
  const attempted = await offlineContext(ctx);
  const offline = await ctx.newPage();
  const seen = watch(offline);
  await offline.goto(`file://${file}?sel=${encodeURIComponent(web)}&tab=paths`);
  await expect(offline.getByTestId('status')).toHaveText('saved snapshot', { timeout: 30_000 });
  await expect(offline.getByTestId('file-banner')).toContainText('lab.html');
  expect(await nodeIds(offline)).toEqual(liveIds);

  const panel = offline.getByTestId('paths-panel');
  await panel.getByTestId('path-preset').filter({ hasText: /^from outside to 18080$/ }).click();
  await expect(panel.getByTestId('path-outcome')).toHaveText('delivered');
  await expect(offline.getByTestId('path-overlay')).toHaveCount(1);
  // The firewall tab explains rules there too.
  await offline.getByTestId('tab-firewall').click();
  await expect(offline.locator('[data-testid="firewall-panel"] [data-testid="rule"]').first()).toBeVisible();
  // Selection works and is kept in the file:// URL like in the app.
  await offline.getByTestId('tab-details').click();
  // Dispatched: the node may lie outside the first view; the graph handles clicks on its root by delegation.
  await offline.locator('[data-node-id][data-kind="container"][aria-label~="lab-api"]').dispatchEvent('click');
  await expect(offline.getByTestId('details-panel')).toContainText('lab-api');
  await expect(offline).toHaveURL(/sel=ctr%3A/);

  expect(attempted).toEqual([]);
  expect(seen.errors).toEqual([]);
  await ctx.close();
});

test('an exported .json.gz, opened with Open file…, shows the same graph read-only; back to live returns', async ({ page }, info) => {
  await liveHome(page);
  const { file, ids: liveIds } = await exportStable(page, 'gz', info.outputPath('lab.netatlas.json.gz'));
  expect([...readFileSync(file).subarray(0, 2)]).toEqual([0x1f, 0x8b]);

  await page.getByTestId('open-file-input').setInputFiles(file);
  await expect(page.getByTestId('file-banner')).toContainText('lab.netatlas.json.gz');
  await expect(page.getByTestId('status')).toHaveText('saved snapshot');
  expect(await nodeIds(page)).toEqual(liveIds);

  await page.getByTestId('back-to-live').click();
  await expect(page.getByTestId('file-banner')).toHaveCount(0);
  await expect(page.getByTestId('status')).toHaveText('live');

  // Dropping the file anywhere on the page opens it too.
  const base64 = readFileSync(file).toString('base64');
  await page.evaluate((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'dropped.netatlas.json.gz'));
    document.querySelector('main')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, base64);
  await expect(page.getByTestId('file-banner')).toContainText('dropped.netatlas.json.gz');
  expect(await nodeIds(page)).toEqual(liveIds);
});

test('redaction is previewed in the Export menu and applied to the file; pictures wait until it is cleared', async ({ page }, info) => {
  await liveHome(page);
  await page.getByTestId('export-menu').locator('summary').click();
  const preview = page.getByTestId('redaction-preview');
  await expect(preview).toContainText('kept: container, image, network');
  await page.getByTestId('redact-names').check();
  await page.getByTestId('redact-addresses').check();
  await expect(preview).toContainText('redacted: container, image, network');
  await expect(preview).toContainText('redacted: IP addresses');
  await expect(page.getByTestId('export-svg')).toBeDisabled();
  await page.getByTestId('export-menu').locator('summary').click(); // exportFile opens it again
  const file = await exportFile(page, 'json', info.outputPath('redacted.json'));
  const envelope = JSON.parse(readFileSync(file, 'utf8')) as { redaction: { applied: string[] }; snapshot: Snapshot };
  expect(envelope.redaction.applied).toEqual(['names', 'addresses']);
  const text = JSON.stringify(envelope.snapshot);
  const webIp = sh('docker', 'inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', 'lab-web');
  for (const secret of ['"lab-web"', '"lab-api"', '"netatlas-lab-a"', `"${webIp}"`]) expect(text).not.toContain(secret);
  expect(envelope.snapshot.docker!.containers.some((c) => /^container-\d+$/.test(c.name))).toBe(true);
});

test('pictures: the graph as SVG with styles inlined and the drawn path, and as PNG', async ({ page }, info) => {
  const web = `ctr:${sh('docker', 'inspect', '-f', '{{.Id}}', 'lab-web')}`;
  await liveHome(page, `?sel=${encodeURIComponent(web)}&tab=paths`);
  await page.getByTestId('paths-panel').getByTestId('path-preset').filter({ hasText: /^from outside to 18080$/ }).click();
  await expect(page.getByTestId('path-overlay')).toHaveCount(1);
  const { file, ids } = await exportStable(page, 'svg', info.outputPath('graph.svg'));
  const svg = readFileSync(file, 'utf8');
  expect(svg).toMatch(/^<\?xml[^>]*>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(new Set([...svg.matchAll(/data-node-id="([^"]+)"/g)].map((m) => m[1]))).toEqual(new Set(ids));
  // No class is left to resolve: colours and fonts are attributes; the path and the selection are drawn.
  expect(svg).not.toContain('class=');
  expect(svg).toMatch(/<text[^>]*font-size="[^"]+"/);
  expect(svg).toContain('data-testid="path-overlay"');
  expect(svg).toMatch(new RegExp(`data-node-id="${web}"[^>]*data-selected="true"`));

  const png = readFileSync(await exportFile(page, 'png', info.outputPath('graph.png')));
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.readUInt32BE(16)).toBeGreaterThan(400); // width from the IHDR chunk: the whole graph at 2×
});

test('a file that is not a snapshot is refused with a message, and the live view stays', async ({ page }, info) => {
  await liveHome(page);
  const bad = info.outputPath('future.json');
  writeFileSync(bad, JSON.stringify({ schemaVersion: 3, host: {} }));
  await page.getByTestId('open-file-input').setInputFiles(bad);
  await expect(page.getByTestId('share-error')).toContainText('made by a newer netatlas: schemaVersion 3 > 1');
  await expect(page.getByTestId('file-banner')).toHaveCount(0);
  await expect(page.getByTestId('status')).toHaveText('live');
});

const HOSTILE = {
  script: '</script><script>alert(1)</script>',
  comment: '<!--',
  separators: 'a\u2028b\u2029c',
  img: '<img src=x onerror="alert(2)">',
};

/** The lab fixture with hostile container and network names and a hostile rule comment. */
function hostileSnapshot(): Snapshot {
  const s = JSON.parse(readFileSync(new URL('../lib/snapshot/__fixtures__/lab-snapshot.json', import.meta.url), 'utf8')) as Snapshot;
  const names = Object.values(HOSTILE);
  s.docker!.containers.slice(0, names.length).forEach((c, i) => (c.name = names[i]));
  s.docker!.networks.find((n) => n.name === 'netatlas-lab-a')!.name = HOSTILE.img;
  s.host.hostname = HOSTILE.script;
  const host = s.namespaces.find((n) => n.kind === 'host')!;
  const forward = host.netfilter!.ipv4!.tables.find((t) => t.name === 'filter')!.chains.find((c) => c.name === 'FORWARD')!;
  forward.rules.unshift(parseRule(`-A FORWARD -s 198.18.9.9/32 -m comment --comment "${HOSTILE.script} ${HOSTILE.img} <!--" -j ACCEPT`) as IptRule);
  return s;
}

const scriptTexts = (page: Page) => page.locator('script').evaluateAll((els) => els.map((e) => `${e.getAttribute('type')}:${e.textContent}`));

/** `scripts`: the page's scripts before the hostile data arrived; none may be added. */
async function expectInert(page: Page, seen: ReturnType<typeof watch>, scripts: string[]) {
  // Shown as text…
  await expect(page.locator('[data-node-id][data-kind="container"]', { hasText: HOSTILE.script }).first()).toBeVisible();
  await expect(page.getByTestId('header')).toContainText(HOSTILE.script);
  // …and nothing made of it: no image element, no script beyond the page's own, no dialog, no error.
  expect(await page.locator('img').count()).toBe(0);
  expect((await scriptTexts(page)).filter((t) => !scripts.includes(t))).toEqual([]);
  expect(seen.dialogs).toEqual([]);
  expect(seen.errors).toEqual([]);
}

test('hostile names and rule comments run nothing: imported, exported to a page, and that page opened offline', async ({ page, browser }, info) => {
  const seen = watch(page);
  await liveHome(page);
  const liveScripts = await scriptTexts(page);
  const file = info.outputPath('hostile.json');
  writeFileSync(file, JSON.stringify(hostileSnapshot()));
  await page.getByTestId('open-file-input').setInputFiles(file);
  await expect(page.getByTestId('file-banner')).toBeVisible();
  await expectInert(page, seen, liveScripts);
  await page.getByTestId('tab-firewall').click();
  await expect(page.getByTestId('firewall-panel')).toContainText('<img src=x onerror=');

  const html = await exportFile(page, 'html', info.outputPath('hostile.html'));
  // Outside the app's own script (whose strings mention <script>: React's, and the page template it re-exports
  // with), one script element, the data; the host name is in the escaped title and the data nowhere as text.
  const text = readFileSync(html, 'utf8').replace(/<script id="netatlas-app">[\s\S]*<\/script>/, '');
  expect(text.match(/<script/gi)).toHaveLength(1);
  expect(text.replace(/<title>.*<\/title>/, '')).not.toContain('alert(');

  const ctx = await browser.newContext();
  await offlineContext(ctx);
  const offline = await ctx.newPage();
  const seenOffline = watch(offline);
  await offline.goto(`file://${html}`);
  await expect(offline.getByTestId('status')).toHaveText('saved snapshot', { timeout: 30_000 });
  // The page's own two: the inert data and the app.
  const own = await scriptTexts(offline);
  expect(own.map((t) => t.split(':')[0])).toEqual(['application/gzip', 'null']);
  await expectInert(offline, seenOffline, own);
  await offline.getByTestId('tab-firewall').click();
  await expect(offline.getByTestId('firewall-panel')).toContainText('<img src=x onerror=');
  expect(seenOffline.dialogs).toEqual([]);
  await ctx.close();
});
