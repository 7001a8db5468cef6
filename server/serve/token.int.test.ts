import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../lib/limits';
import { firstEvent, get, serve, staticAsset, type Served } from './serve.test-helper';

// `netatlas serve` on a non-loopback address (the host end of the lab's netatlas-demo veth): nothing without a
// token. The token is the one the server made and printed, as an operator would get it.

const ADDR = '198.19.255.1';
const PORT = 4263;
const BASE = `http://${ADDR}:${PORT}`;
const data = mkdtempSync(join(tmpdir(), 'netatlas-serve-'));
let server: Served;
let token = '';

beforeAll(async () => {
  server = await serve(['--host', ADDR, '--port', String(PORT), '--data', data]);
  const login = /(http:\/\/\S+\/login\?token=(\S+))/.exec(server.log());
  if (!login) throw new Error(`no login URL printed:\n${server.log()}`);
  expect(login[1].startsWith(`${BASE}/login?token=`)).toBe(true);
  token = login[2];
});
afterAll(async () => {
  await server?.stop();
  rmSync(data, { recursive: true, force: true });
});

const bearer = () => ({ authorization: `Bearer ${token}` });

describe(`netatlas serve on ${ADDR}`, () => {
  it('made a strong token, printed it once, warned about plain HTTP, and keeps only its hash (0600 in 0700)', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 random bits
    expect(server.log().split(token).length - 1).toBe(1);
    expect(server.log()).toContain('WARNING: serving a token over plain HTTP');
    const file = join(data, 'auth', 'tokens.json');
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(token);
    expect(JSON.parse(text).tokens.map((t: { name: string }) => t.name)).toEqual(['default']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(data, 'auth')).mode & 0o777).toBe(0o700);
  });

  it('answers 401 on every route and the stream without a token, with a login page for browsers', async () => {
    const asset = await staticAsset(BASE, bearer());
    for (const route of ['/', '/summary', '/api/trpc/snapshot.current', asset, '/no-such-page', '/s/abc']) {
      const r = await get(`${BASE}${route}`);
      expect(r.status, route).toBe(401);
      expect(r.headers['www-authenticate']).toContain('Bearer');
      expect(r.body).not.toContain('containers');
    }
    const page = await get(`${BASE}/`, { accept: 'text/html' });
    expect(page.status).toBe(401);
    expect(page.body).toContain('<form method="post" action="/login"');
    const stream = await firstEvent(`${BASE}/api/trpc/live.revisions`);
    expect(stream.status).toBe(401);
  });

  it('works with Authorization: Bearer, for pages, API and the stream', async () => {
    expect((await get(`${BASE}/summary`, bearer())).status).toBe(200);
    const api = await get(`${BASE}/api/trpc/snapshot.current`, bearer());
    expect(api.status).toBe(200);
    expect(JSON.parse(api.body).result.data.snapshot.docker.containers.length).toBeGreaterThan(0);
    const stream = await firstEvent(`${BASE}/api/trpc/live.revisions`, bearer());
    stream.close();
    expect(stream.event).toBe('message');
  });

  it('logs a browser in: the login URL sets an HttpOnly SameSite=Strict cookie and redirects to a URL without the token', async () => {
    const r = await get(`${BASE}/login?token=${token}&next=/summary`);
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('/summary');
    const cookie = r.headers['set-cookie']![0];
    expect(cookie).toMatch(/^netatlas_token=[^;]+; Path=\/; HttpOnly; SameSite=Strict$/); // no Secure on plain HTTP
    const jar = cookie.split(';')[0];
    expect((await get(`${BASE}/summary`, { cookie: jar })).status).toBe(200);
    // The login form posts the token instead of putting it in a URL.
    const form = await get(`${BASE}/login`, { 'content-type': 'application/x-www-form-urlencoded' }, { method: 'POST', body: `token=${token}&next=%2F` });
    expect(form.status).toBe(303);
    expect(form.headers.location).toBe('/');
    // Only local paths after login.
    expect((await get(`${BASE}/login?token=${token}&next=//evil.example/`)).headers.location).toBe('/');
  });

  it('answers only to its own address (no loopback names, no other name)', async () => {
    for (const host of ['evil.example', `127.0.0.1:${PORT}`, `localhost:${PORT}`]) {
      expect((await get(`${BASE}/summary`, { ...bearer(), host })).status, host).toBe(421);
    }
  });

  it('accepts a token given in a file instead, and refuses one too weak to be a token', { timeout: 300_000 }, async () => {
    const file = join(data, 'given-token');
    writeFileSync(file, 'a-token-given-by-the-operator-0123456789\n', { mode: 0o600 });
    const other = await serve(['--host', ADDR, '--port', String(PORT + 1), '--data', data, '--token-file', file]);
    try {
      expect(other.log()).not.toContain('login?token=');
      const ok = await get(`http://${ADDR}:${PORT + 1}/summary`, { authorization: 'Bearer a-token-given-by-the-operator-0123456789' });
      expect(ok.status).toBe(200);
    } finally {
      await other.stop();
    }
    writeFileSync(file, 'short\n');
    await expect(serve(['--host', ADDR, '--port', String(PORT + 1), '--data', data, '--token-file', file])).rejects.toThrow(/16-512 characters/);
  });

  // Last: it blocks this client address for a window.
  it('rate-limits failed attempts per client address, even a right token once blocked', async () => {
    for (let i = 0; i < LIMITS.failedLoginsPerWindow; i++) {
      expect((await get(`${BASE}/summary`, { authorization: `Bearer wrong-${i}-aaaaaaaaaaaaaaaa` })).status).toBe(401);
    }
    const blocked = await get(`${BASE}/login?token=${token}`);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await get(`${BASE}/summary`, bearer())).status).toBe(429);
  });
});

describe('netatlas serve with --tls-cert/--tls-key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netatlas-tls-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves https with a Secure cookie and no plain-HTTP warning', { timeout: 300_000 }, async () => {
    const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${ADDR}`, '-keyout', key, '-out', cert], { stdio: 'ignore' });
    const t = 'tls-test-token-0123456789abcdef';
    const s = await serve(['--host', ADDR, '--port', String(PORT + 2), '--data', dir, '--tls-cert', cert, '--tls-key', key], { NETATLAS_TOKEN: t });
    try {
      expect(s.log()).toContain(`serving on https://${ADDR}:${PORT + 2}`);
      expect(s.log()).not.toContain('WARNING');
      const url = `https://${ADDR}:${PORT + 2}`;
      expect((await get(`${url}/summary`, {}, { tls: true })).status).toBe(401);
      expect((await get(`${url}/summary`, { authorization: `Bearer ${t}` }, { tls: true })).status).toBe(200);
      const login = await get(`${url}/login?token=${t}`, {}, { tls: true });
      expect(login.headers['set-cookie']![0]).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
      expect(login.headers['strict-transport-security']).toBeDefined();
    } finally {
      await s.stop();
    }
  });
});
