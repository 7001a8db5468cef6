import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEnvelope, ENVELOPE_VERSION } from '../../lib/share/envelope';
import type { Snapshot } from '../../lib/snapshot/schema';
import { CSRF_HEADER, CSRF_META } from '../../lib/web/csrf';
import { firstEvent, get, serve, type Answer, type Served } from '../serve/serve.test-helper';
import { newShareId, ShareLinkStore } from './links-store';

// Share links on a non-loopback bind (the host end of the lab's netatlas-demo veth) with a token: a link opens
// without the token and grants its one snapshot and the static files its page needs, nothing else; revoke and
// expiry kill it at once. Then `netatlas open FILE`.

const ADDR = '198.19.255.1';
const PORT = 4371;
const BASE = `http://${ADDR}:${PORT}`;
const data = mkdtempSync(join(tmpdir(), 'netatlas-links-'));
let server: Served;
let token = '';
let csrf = '';
let live: Snapshot;
/** A lab container's name: distinctive text that only a snapshot of this host carries. */
let labName = '';

const bearer = () => ({ authorization: `Bearer ${token}` });
const write = (procedure: string, input: unknown) =>
  get(`${BASE}/api/trpc/${procedure}`, { ...bearer(), host: `${ADDR}:${PORT}`, origin: BASE, 'content-type': 'application/json', [CSRF_HEADER]: csrf }, { method: 'POST', body: JSON.stringify(input) });
const dataOf = <T>(r: Answer): T => (JSON.parse(r.body) as { result: { data: T } }).result.data;

interface Made { path: string; link: { key: string; state: string; expiresAt: string; createdAt: string } }

beforeAll(async () => {
  server = await serve(['--host', ADDR, '--port', String(PORT), '--data', data]);
  const login = /\/login\?token=(\S+)/.exec(server.log());
  if (!login) throw new Error(`no login URL printed:\n${server.log()}`);
  token = login[1];
  const page = await get(`${BASE}/`, bearer());
  csrf = new RegExp(`<meta name="${CSRF_META}" content="([^"]+)"`).exec(page.body)?.[1] ?? '';
  expect(csrf).not.toBe('');
  live = dataOf<{ snapshot: Snapshot }>(await get(`${BASE}/api/trpc/snapshot.current`, bearer())).snapshot;
  labName = live.docker?.containers.find((c) => c.name.startsWith('lab-'))?.name ?? '';
  expect(labName, 'a lab container in the live snapshot').not.toBe('');
});
afterAll(async () => {
  await server?.stop();
  rmSync(data, { recursive: true, force: true });
});

/** The share cookie a browser gets by opening the link. */
const cookieOf = (r: Answer) => (r.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).find((c) => c.startsWith('netatlas_share='));

describe(`share links on ${ADDR}`, () => {
  let made: Made;
  let cookie = '';

  it('makes a link with the token (a write: same origin + CSRF), stored 0600, the id nowhere on disk', async () => {
    const refused = await get(`${BASE}/api/trpc/shares.create`, { ...bearer(), 'content-type': 'application/json' }, { method: 'POST', body: JSON.stringify({ source: { kind: 'current' }, redact: [] }) });
    expect(refused.status).toBe(403); // no origin, no CSRF secret
    const r = await write('shares.create', { source: { kind: 'current' }, redact: [], expiresInDays: 7 });
    expect(r.status, r.body).toBe(200);
    made = dataOf<Made>(r);
    expect(made.path).toMatch(/^\/s\/[A-Za-z0-9_-]{22,}$/);
    expect(Date.parse(made.link.expiresAt) - Date.parse(made.link.createdAt)).toBe(7 * 86_400_000);
    const file = join(data, 'shares.sqlite');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const id = made.path.slice(3);
    const raw = spawnSync('grep', ['-c', id, file, `${file}-wal`], { encoding: 'utf8' });
    expect(raw.stdout.trim().split('\n').every((l) => l.endsWith(':0'))).toBe(true);
    const tooLong = await write('shares.create', { source: { kind: 'current' }, redact: [], expiresInDays: 91 });
    expect(tooLong.status).toBe(400);
  });

  it('opens the link without the token: 200, the frozen snapshot, a share cookie, no write secret', async () => {
    const r = await get(`${BASE}${made.path}`, { accept: 'text/html' });
    expect(r.status).toBe(200);
    expect(r.body).toContain(live.host.hostname);
    expect(r.body).toContain(labName);
    expect(r.body).not.toContain(CSRF_META);
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    cookie = cookieOf(r) ?? '';
    expect(cookie).not.toBe('');
    expect(r.headers['set-cookie']!.join()).toContain('HttpOnly');
    const script = /src="(\/_next\/static\/[^"]+\.js)"/.exec(r.body)?.[1];
    expect(script).toBeDefined();
    expect((await get(`${BASE}${script}`, { cookie })).status).toBe(200);
    expect((await get(`${BASE}${made.path}`, { cookie })).status).toBe(200);
  });

  it('grants nothing else: the live page, the API, the stream, history, another id', async () => {
    for (const route of ['/', '/summary', '/api/trpc/snapshot.current', '/api/trpc/shares.list', '/api/trpc/history.list', '/api/offline-assets', '/no-such-page']) {
      const r = await get(`${BASE}${route}`, { cookie });
      expect(r.status, route).toBe(403);
      expect(r.body).not.toContain(labName);
      expect((await get(`${BASE}${route}`)).status, `${route} with nothing`).toBe(401);
    }
    const stream = await firstEvent(`${BASE}/api/trpc/live.revisions`, { cookie });
    stream.close();
    expect(stream.status).toBe(403);
    const other = await get(`${BASE}/s/${newShareId()}`, { cookie });
    expect(other.status).toBe(404);
    expect(other.body).not.toContain(labName);
    // A write with the share cookie and a guessed secret goes nowhere either.
    const w = await get(`${BASE}/api/trpc/shares.create`, { cookie, origin: BASE, 'content-type': 'application/json', [CSRF_HEADER]: 'x' }, { method: 'POST', body: '{}' });
    expect(w.status).toBe(403);
  });

  it('lists links for the token holder, and a revoked link is dead at once (page and cookie)', async () => {
    const list = dataOf<{ links: Made['link'][]; loopbackOnly: boolean }>(await get(`${BASE}/api/trpc/shares.list`, bearer()));
    expect(list.loopbackOnly).toBe(false);
    expect(list.links.find((l) => l.key === made.link.key)?.state).toBe('live');
    const r = await write('shares.revoke', { key: made.link.key });
    expect(r.status, r.body).toBe(200);
    expect(dataOf<{ revoked: boolean }>(r).revoked).toBe(true);
    const page = await get(`${BASE}${made.path}`, { accept: 'text/html' });
    expect(page.status).toBe(410);
    expect(page.body).toContain('revoked');
    expect(page.body).not.toContain(labName);
    expect((await get(`${BASE}${made.path}`, { cookie })).status).toBe(410);
    expect((await get(`${BASE}/`, { cookie })).status).toBe(401); // the cookie is worth nothing now
    const after = dataOf<{ links: Made['link'][] }>(await get(`${BASE}/api/trpc/shares.list`, bearer()));
    expect(after.links.find((l) => l.key === made.link.key)?.state).toBe('revoked');
  });

  it('honours expiry: a link whose expiry has passed answers 410', async () => {
    const store = ShareLinkStore.open(data);
    try {
      const envelope = await makeEnvelope(live);
      const now = Date.now();
      const expired = store.create(envelope, { expiresAt: now - 1, createdBy: 'test', source: 'live', now: now - 86_400_000 });
      const fresh = store.create(envelope, { expiresAt: now + 60_000, createdBy: 'test', source: 'live', now });
      if ('error' in expired || 'error' in fresh) throw new Error('could not create links');
      const dead = await get(`${BASE}/s/${expired.id}`, { accept: 'text/html' });
      expect(dead.status).toBe(410);
      expect(dead.body).toContain('expired');
      expect((await get(`${BASE}/s/${fresh.id}`)).status).toBe(200);
    } finally {
      store.close();
    }
  });

  it('a redacted link carries the redacted snapshot', async () => {
    const r = await write('shares.create', { source: { kind: 'current' }, redact: ['hostname', 'names'], expiresInDays: 1 });
    expect(r.status, r.body).toBe(200);
    const page = await get(`${BASE}${dataOf<Made>(r).path}`);
    expect(page.status).toBe(200);
    expect(page.body).not.toContain(labName);
    expect(page.body).toContain('redacted: hostname, names');
  });
});

describe('netatlas open FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netatlas-open-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const open = (file: string) => spawnSync(process.execPath, ['bin/netatlas.mjs', 'open', file, '--port', '4372', '--data', dir], { encoding: 'utf8', timeout: 60_000 });

  it('refuses an invalid, an oversized and a newer file with a clear message, exit 1', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format": "netatlas-snapshot", "snapshot": 5');
    const big = join(dir, 'big.json');
    writeFileSync(big, '');
    truncateSync(big, 40 * 1024 * 1024);
    const newer = join(dir, 'newer.json');
    writeFileSync(newer, JSON.stringify({ ...(await makeEnvelope(live)), envelopeVersion: ENVELOPE_VERSION + 1 }));
    for (const [file, says] of [[bad, 'JSON'], [big, 'file too large'], [newer, 'newer netatlas'], [join(dir, 'missing.json'), 'cannot read']]) {
      const r = open(file);
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toContain('netatlas open: ');
      expect(r.stderr).toContain(says);
    }
  });

  it("serves the file's snapshot read-only, with no live view", async () => {
    const file = join(dir, 'lab.netatlas.json');
    const frozen: Snapshot = { ...live, host: { ...live.host, hostname: 'opened-from-a-file' } };
    writeFileSync(file, JSON.stringify(await makeEnvelope(frozen)));
    const opened = await serve([file, '--port', '4373', '--data', dir], {}, 'open');
    try {
      const page = await get('http://127.0.0.1:4373/', { accept: 'text/html' });
      expect(page.status).toBe(200);
      expect(page.body).toContain('opened-from-a-file');
      expect((await get('http://127.0.0.1:4373/summary')).body).toContain('opened-from-a-file');
      const current = await get('http://127.0.0.1:4373/api/trpc/snapshot.current');
      expect(current.status).toBe(412);
      expect(current.body).toContain('no live view');
      expect(opened.log()).toContain('this host is not collected');
      // A link made here shares the file.
      const secret = new RegExp(`<meta name="${CSRF_META}" content="([^"]+)"`).exec(page.body)?.[1] ?? '';
      const made = await get('http://127.0.0.1:4373/api/trpc/shares.create', { origin: 'http://127.0.0.1:4373', 'content-type': 'application/json', [CSRF_HEADER]: secret },
        { method: 'POST', body: JSON.stringify({ source: { kind: 'current' }, redact: [] }) });
      expect(made.status, made.body).toBe(200);
      const shared = await get(`http://127.0.0.1:4373${dataOf<Made>(made).path}`);
      expect(shared.status).toBe(200);
      expect(shared.body).toContain('opened-from-a-file');
    } finally {
      await opened.stop();
    }
  });
});
