import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../lib/limits';
import { firstEvent, get, serve, staticAsset, type Served } from './serve.test-helper';

// `netatlas serve` on its default kind of bind (loopback): open to the machine's own pages, closed to every
// other origin. Each case here answered 200 before the server existed (`next start`).

const PORT = 4262;
const BASE = `http://127.0.0.1:${PORT}`;
let server: Served;

beforeAll(async () => {
  server = await serve(['--host', '127.0.0.1', '--port', String(PORT)]);
});
afterAll(async () => {
  await server?.stop();
});

describe('netatlas serve on 127.0.0.1', () => {
  it('answers its own loopback names and refuses a rebinding name with 421, before any work', async () => {
    for (const host of [`127.0.0.1:${PORT}`, `localhost:${PORT}`, `[::1]:${PORT}`]) {
      expect((await get(`${BASE}/api/trpc/snapshot.current`, { host })).status).toBe(200);
    }
    for (const host of ['evil.example', `evil.example:${PORT}`, `127.0.0.1:${PORT + 1}`, '127.0.0.1']) {
      const r = await get(`${BASE}/api/trpc/snapshot.current`, { host });
      expect(r.status, host).toBe(421);
      expect(r.body).not.toContain('containers');
    }
  });

  it('refuses other origins (Origin, Sec-Fetch-Site: cross-site) with 403, but lets a link be followed', async () => {
    const api = `${BASE}/api/trpc/snapshot.current`;
    expect((await get(api, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(api, { origin: 'null' })).status).toBe(403);
    expect((await get(api, { origin: `http://localhost:${PORT}` })).status).toBe(403); // another origin than Host
    expect((await get(api, { origin: BASE })).status).toBe(200);
    expect((await get(api, { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' })).status).toBe(403);
    expect((await get(`${BASE}/summary`, { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'iframe' })).status).toBe(403);
    const link = await get(`${BASE}/summary`, { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' });
    expect(link.status).toBe(200);
  });

  it('refuses a ×900 batch of snapshot.current before running it, and runs a batch within the cap', async () => {
    const path = (n: number) => `${BASE}/api/trpc/${Array(n).fill('snapshot.current').join(',')}?batch=1`;
    const big = await get(path(900));
    expect(big.status).toBe(400);
    expect(big.body.length).toBeLessThan(1_000); // before: 78 MB
    const ok = await get(path(LIMITS.batchSize));
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toHaveLength(LIMITS.batchSize);
    expect((await get(path(LIMITS.batchSize + 1))).status).toBe(400);
  });

  it(`serves at most ${LIMITS.streamSubscribers} live streams at once; 500 subscribers get a clear error beyond that`, async () => {
    const url = `${BASE}/api/trpc/live.revisions`;
    const streams = await Promise.all(Array.from({ length: 500 }, () => firstEvent(url)));
    try {
      const live = streams.filter((s) => s.event === 'message');
      const refused = streams.filter((s) => s.event === 'serialized-error');
      expect(live).toHaveLength(LIMITS.streamSubscribers);
      expect(refused).toHaveLength(500 - LIMITS.streamSubscribers);
      expect(JSON.parse(live[0].data).snapshot.docker.containers.length).toBeGreaterThan(0);
      expect(refused[0].data).toContain('TOO_MANY_REQUESTS');
      expect(refused[0].data).toContain('too many live viewers');
    } finally {
      for (const s of streams) s.close();
    }
    // Closed streams give their slots back.
    await expect
      .poll(async () => {
        const s = await firstEvent(url);
        s.close();
        return s.event;
      }, { timeout: 30_000, interval: 500 })
      .toBe('message');
  });

  it('sends the security headers on every route, and never a CORS header', async () => {
    const asset = await staticAsset(BASE);
    const routes = ['/', '/summary', '/api/trpc/snapshot.current', '/login', asset, '/no-such-page'];
    for (const route of routes) {
      const r = await get(`${BASE}${route}`, { accept: 'text/html' });
      expect(r.status, route).toBeLessThan(500);
      const csp = String(r.headers['content-security-policy']);
      expect(csp, route).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
      expect(csp, route).not.toContain('unsafe-inline\'; script'); // inline script only by nonce
      expect(csp, route).toContain("frame-ancestors 'none'");
      expect(r.headers['x-content-type-options'], route).toBe('nosniff');
      expect(r.headers['referrer-policy'], route).toBe('no-referrer');
      expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control-')), route).toEqual([]);
    }
    expect((await get(`${BASE}/no-such-page`)).status).toBe(404);
    // Refusals carry them too.
    expect((await get(`${BASE}/`, { host: 'evil.example' })).headers['x-content-type-options']).toBe('nosniff');
  });

  it("puts this request's nonce on every inline and bootstrap script of a page", async () => {
    const r = await get(`${BASE}/`);
    const nonce = /'nonce-([^']+)'/.exec(String(r.headers['content-security-policy']))![1];
    const scripts = r.body.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(1);
    for (const s of scripts) expect(s).toContain(`nonce="${nonce}"`);
    const again = await get(`${BASE}/`);
    expect(again.headers['content-security-policy']).not.toBe(r.headers['content-security-policy']);
  });

  it('refuses request bodies over the limit without reading them', async () => {
    const r = await get(`${BASE}/api/trpc/snapshot.current`, { 'content-length': String(LIMITS.requestBodyBytes + 1), 'content-type': 'application/json' }, { method: 'POST' });
    expect(r.status).toBe(413);
  });

  it('needs no token on loopback', async () => {
    expect((await get(`${BASE}/summary`)).status).toBe(200);
    const login = await get(`${BASE}/login?token=anything`);
    expect(login.status).toBe(303);
    expect(login.headers['set-cookie']).toBeUndefined();
  });

  // Last: it stops the server.
  it('on SIGTERM closes open streams and exits 0', async () => {
    const stream = await firstEvent(`${BASE}/api/trpc/live.revisions`);
    expect(stream.event).toBe('message');
    const ended = new Promise<void>((resolve) => stream.response.once('close', () => resolve()));
    expect(await server.stop()).toBe(0);
    await ended;
    expect(server.log()).toContain('SIGTERM: closing');
  });
});
