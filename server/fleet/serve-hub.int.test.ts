import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestPath } from '../../lib/fleet/protocol';
import { LIMITS } from '../../lib/limits';
import { ruledHost, withTraffic } from '../../lib/history/corpus.test-helper';
import { diffSnapshots } from '../../lib/history/delta';
import { receive, startStream, type LiveMessage } from '../../lib/history/stream';
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
    const latest = JSON.parse((await trpc('fleet.since', { host: 'alpha', revision: null }, tok.reader)).body);
    expect(latest.result.data.ok).toBe(true);
    expect(latest.result.data.messages[0].snapshot.host.hostname).toBe('alpha');
    expect(latest.result.data.messages[0].snapshot.docker.containers).toHaveLength(450);
    // Time travel reads the chosen host's history in PostgreSQL, never this server's own.
    const status = JSON.parse((await trpc('history.status', { host: 'beta' }, tok.reader)).body);
    expect(status.result.data).toMatchObject({ on: true, revisions: 1 });
    const at = JSON.parse((await trpc('history.at', { host: 'alpha', ref: new Date().toISOString() }, tok.reader)).body);
    expect(at.result.data).toMatchObject({ ok: true, live: false, snapshot: { host: { hostname: 'alpha' } } });
    const unknown = JSON.parse((await trpc('history.at', { host: 'zeta', ref: new Date().toISOString() }, tok.reader)).body);
    expect(unknown.result.data).toEqual({ ok: false, error: 'no host named zeta has reported' });
  });

  it('a page follows a host by deltas: nothing while it is unchanged, then only what changed', async () => {
    const since = async (revision: number | null) => JSON.parse((await trpc('fleet.since', { host: 'alpha', revision }, tok.reader)).body).result.data;
    const first = await since(null);
    expect(first.ok).toBe(true);
    expect(first.messages.map((m: LiveMessage) => m.kind)).toEqual(['whole']);
    const held = first.messages[0] as Extract<LiveMessage, { kind: 'whole' }>;
    expect(held.snapshot.docker!.containers).toHaveLength(450);
    expect(await since(held.revision)).toEqual({ ok: true, messages: [] });
    // The agent, in the same session, sends two states as deltas: traffic moved counters, nothing else.
    let s = held.snapshot;
    const items = [2, 3].map((seq) => {
      const next = withTraffic(s, (c) => (c.ports.length ? 5 : 0));
      next.host.collectedAt = new Date(Date.parse(s.host.collectedAt) + 1000).toISOString();
      const item = { seq, delta: diffSnapshots(s, next) };
      s = next;
      return item;
    });
    const r = await post('alpha', tok.alpha, { session: 's'.repeat(16), items });
    expect(JSON.parse(r.body)).toMatchObject({ acked: 3, resync: false });
    const update = await since(held.revision);
    expect(update.messages.map((m: LiveMessage) => m.kind)).toEqual(['delta', 'delta']);
    let state = startStream(held.revision, held.snapshot);
    for (const m of update.messages) state = receive(state, m);
    expect(state.resync).toBeNull();
    expect(JSON.stringify(state.snapshot)).toBe(JSON.stringify(s));
    expect(state.structureAt, 'counters alone do not change the structure').toBe(held.revision);
    expect(JSON.stringify(update).length).toBeLessThan(JSON.stringify(first).length / 20);
    // A revision this hub never made (another hub's, a stale tab's): the whole snapshot.
    expect((await since(held.revision + 1_000_000)).messages.map((m: LiveMessage) => m.kind)).toEqual(['whole']);
  });

  it('a revoked agent token is refused at once by the running server', async () => {
    expect(hubToken('--revoke', 'agent-beta')).toBe('revoked agent-beta');
    const r = await post('beta', tok.beta, batch(world('beta', 3), 't'.repeat(16)));
    expect(r.status).toBe(401);
    expect((await post('alpha', tok.alpha, batch(world('alpha', 3), 'u'.repeat(16)))).status).toBe(200);
  });
});
