import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestPath } from '../../lib/fleet/protocol';
import { LIMITS } from '../../lib/limits';
import { ruledHost } from '../../lib/history/corpus.test-helper';
import type { Snapshot } from '../../lib/snapshot/schema';
import { startPgCluster, type PgCluster } from '../history/pg-cluster.test-helper';
import { get, serve, type Served } from '../serve/serve.test-helper';
import { TokenStore } from '../serve/tokens';

// `netatlas serve --hub` on a non-loopback address (the lab's netatlas-demo veth) with its own PostgreSQL: one
// process, one token store. An agent's token (made by `netatlas hub-token`, scoped agent:HOST) writes its host and
// nothing else — no page, no API, no other host, no login; a full token reads the fleet and writes no host.

const ADDR = '198.19.255.1';
const PORT = 3173;
const BASE = `http://${ADDR}:${PORT}`;
const root = join(import.meta.dirname, '../..');
const data = mkdtempSync(join(tmpdir(), 'netatlas-serve-hub-'));
let cluster: PgCluster;
let server: Served;
const tok = { alpha: '', beta: '', reader: '' };

const hubToken = (...args: string[]) => execFileSync(process.execPath, [join(root, 'bin/netatlas.mjs'), 'hub-token', '--data', data, ...args], { encoding: 'utf8' }).trim();
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const post = (host: string, token: string | null, body: unknown) => {
  const text = JSON.stringify(body);
  return get(`${BASE}${ingestPath(host)}`, { ...(token ? bearer(token) : {}), 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) }, { method: 'POST', body: text });
};
const batch = (s: Snapshot, session = 's'.repeat(16)) => ({ session, items: [{ seq: 1, snapshot: s }] });
const trpc = (procedure: string, input: unknown, token: string) =>
  get(`${BASE}/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`, bearer(token));

function world(name: string, containers: number): Snapshot {
  const s = ruledHost(containers);
  s.host.hostname = name;
  return s;
}

beforeAll(async () => {
  cluster = startPgCluster(55172);
  tok.alpha = hubToken('--name', 'agent-alpha', '--scope', 'agent:alpha');
  tok.beta = hubToken('--name', 'agent-beta', '--scope', 'agent:beta');
  tok.reader = hubToken('--name', 'reader', '--scope', 'read');
  // This server's own host is not under test: no Docker for it, so nothing here waits on the shared dockerd.
  server = await serve(['--hub', '--pg', cluster.url, '--host', ADDR, '--port', String(PORT), '--data', data], { DOCKER_HOST: `unix://${join(data, 'no-docker.sock')}` });
}, 300_000);

afterAll(async () => {
  await server?.stop();
  cluster?.stop();
  rmSync(data, { recursive: true, force: true });
});

describe('serve --hub: agent tokens are scoped to one host', () => {
  it('hub-token keeps hashes only, each token with its scope', async () => {
    const store = await TokenStore.open(data);
    expect(store.list().map((t) => [t.name, t.scope])).toEqual([
      ['agent-alpha', { kind: 'agent', host: 'alpha' }], ['agent-beta', { kind: 'agent', host: 'beta' }], ['reader', { kind: 'full' }],
    ]);
    expect(server.log()).not.toContain(tok.alpha);
  });

  it("an agent writes its own host, bigger than a page's request limit", async () => {
    const big = world('alpha', 450);
    expect(JSON.stringify(batch(big)).length).toBeGreaterThan(LIMITS.requestBodyBytes);
    const r = await post('alpha', tok.alpha, batch(big));
    expect(r.status, r.body).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ acked: 1, resync: false });
    // The same size anywhere else is still refused before it is read.
    const page = await get(`${BASE}/api/trpc/history.save`, { ...bearer(tok.reader), 'content-length': String(LIMITS.requestBodyBytes + 1) }, { method: 'POST' });
    expect(page.status).toBe(413);
    expect((await post('beta', tok.beta, batch(world('beta', 3)))).status).toBe(200);
  });

  it('an agent token writes no other host, reads nothing and cannot log in', async () => {
    expect((await post('beta', tok.alpha, batch(world('beta', 3)))).status).toBe(403);
    // Refused before any page renders: nothing here waits for this host's collection.
    for (const route of ['/', '/summary', '/api/trpc/snapshot.current', '/api/trpc/fleet.hosts', '/api/fleet/v1/hosts', '/api/fleet/v1/hosts/alpha/latest', '/favicon.svg', '/_next/static/chunks/x.js']) {
      const r = await get(`${BASE}${route}`, bearer(tok.alpha));
      expect(r.status, route).toBe(403);
      expect(r.body, route).not.toContain('"alpha"');
    }
    const login = await get(`${BASE}/login?token=${tok.alpha}`);
    expect(login.status).toBe(403);
    expect(login.headers['set-cookie']).toBeUndefined();
  });

  it('a full token reads the fleet (API and the page’s procedures) and writes no host; no token gets nothing', async () => {
    expect((await post('alpha', tok.reader, batch(world('alpha', 3)))).status).toBe(403);
    expect((await post('alpha', null, batch(world('alpha', 3)))).status).toBe(401);
    expect((await get(`${BASE}/api/fleet/v1/hosts`)).status).toBe(401);
    const hosts = JSON.parse((await get(`${BASE}/api/fleet/v1/hosts`, bearer(tok.reader))).body) as { name: string }[];
    expect(hosts.map((h) => h.name)).toEqual(['alpha', 'beta']);
    const listed = JSON.parse((await trpc('fleet.hosts', undefined, tok.reader)).body);
    expect(listed.result.data).toMatchObject({ on: true, hosts: [{ name: 'alpha' }, { name: 'beta' }] });
    const latest = JSON.parse((await trpc('fleet.latest', { host: 'alpha' }, tok.reader)).body);
    expect(latest.result.data.ok).toBe(true);
    expect(latest.result.data.snapshot.host.hostname).toBe('alpha');
    expect(latest.result.data.snapshot.docker.containers).toHaveLength(450);
    // Time travel reads the chosen host's history in PostgreSQL, never this server's own.
    const status = JSON.parse((await trpc('history.status', { host: 'beta' }, tok.reader)).body);
    expect(status.result.data).toMatchObject({ on: true, revisions: 1 });
    const at = JSON.parse((await trpc('history.at', { host: 'alpha', ref: new Date().toISOString() }, tok.reader)).body);
    expect(at.result.data).toMatchObject({ ok: true, live: false, snapshot: { host: { hostname: 'alpha' } } });
    const unknown = JSON.parse((await trpc('history.at', { host: 'zeta', ref: new Date().toISOString() }, tok.reader)).body);
    expect(unknown.result.data).toEqual({ ok: false, error: 'no host named zeta has reported' });
  });

  it('a revoked agent token is refused at once by the running server', async () => {
    expect(hubToken('--revoke', 'agent-beta')).toBe('revoked agent-beta');
    const r = await post('beta', tok.beta, batch(world('beta', 3), 't'.repeat(16)));
    expect(r.status).toBe(401);
    expect((await post('alpha', tok.alpha, batch(world('alpha', 3), 'u'.repeat(16)))).status).toBe(200);
  });
});
