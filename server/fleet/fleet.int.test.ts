import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseSnapshot, type Snapshot } from '../../lib/snapshot/schema';
import { ruledHost, withTraffic } from '../../lib/history/corpus.test-helper';
import { addContainer } from '../../lib/topology/synthetic';
import { ingestPath } from '../../lib/fleet/protocol';
import { startPgCluster, type PgCluster } from '../history/pg-cluster.test-helper';
import { openPgHistory } from '../history/pg-store';
import { hashToken } from './tokens';

// Three "hosts" on one machine: each agent (the real CLI, `netatlas agent`) reads its own world, a snapshot file the
// test rewrites (the --snapshot-source seam), and feeds one hub (`netatlas hub`) on a private PostgreSQL
// (127.0.0.1:54342). The hub and agents are killed with SIGKILL mid-stream; every state an agent held must end up in
// PostgreSQL exactly, and nothing twice.

const root = join(import.meta.dirname, '../..');
const HUB_PORT = 4341;
const HUB = `http://127.0.0.1:${HUB_PORT}`;
const HOSTS = ['alpha', 'beta', 'gamma'] as const;
type Host = (typeof HOSTS)[number];
const T0 = Date.parse('2026-05-01T00:00:00Z');

let cluster: PgCluster;
let pool: pg.Pool;
let dir: string;
const tokens: Record<string, string> = {};
const READ = 'read-token-for-the-test-0123456789';
const worlds = {} as Record<Host, { state: Snapshot; step: number; expected: Snapshot[] }>;
let hub: ChildProcess | null = null;
const agents = {} as Record<Host, { proc: ChildProcess; collected: number; restored: string | null } | null>;

function cli(args: string[]): ChildProcess {
  const p = spawn(process.execPath, [join(root, 'bin/netatlas.mjs'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  p.stderr!.on('data', (c: Buffer) => process.stderr.write(`[${args[0]}] ${c}`));
  return p;
}

async function startHub() {
  hub = cli(['hub', '--pg', cluster.url, '--tokens', join(dir, 'tokens.json'), '--port', String(HUB_PORT)]);
  await new Promise<void>((resolve, reject) => {
    hub!.once('exit', (code) => reject(new Error(`hub exited with ${code}`)));
    hub!.stdout!.on('data', (c: Buffer) => c.toString().includes('hub listening') && resolve());
  });
  hub.removeAllListeners('exit');
}

function startAgent(h: Host) {
  const proc = cli(['agent', '--hub', HUB, '--token-file', join(dir, `${h}.token`), '--name', h, '--data', join(dir, 'data'), '--interval', '100', '--snapshot-source', join(dir, `${h}.json`)]);
  const a = { proc, collected: 0, restored: null as string | null };
  let buf = '';
  proc.stdout!.on('data', (c: Buffer) => {
    buf += c.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) {
      if (l.startsWith('collected ')) a.collected++;
      if (l.startsWith('restored ')) a.restored = l;
    }
  });
  agents[h] = a;
}

function kill9(p: ChildProcess | null | undefined) {
  if (!p || p.exitCode !== null) return Promise.resolve();
  const gone = new Promise((r) => p.once('exit', r));
  p.kill('SIGKILL');
  return gone;
}

/** The next state of a host's world, written where its agent reads it. Returns once the agent has collected it. */
async function advance(h: Host, opts: { agentUp: boolean }) {
  const w = worlds[h];
  w.step++;
  let s = withTraffic(w.state, (c) => (c.ports.length ? w.step : 0));
  if (w.step % 4 === 0) addContainer(s, { name: `${h}-late-${w.step}`, n: 700 + w.step, networks: [s.docker!.networks[0]] });
  s = structuredClone(s);
  s.host.collectedAt = new Date(T0 + w.step * 1000).toISOString();
  w.state = s;
  const file = join(dir, `${h}.json`);
  writeFileSync(`${file}.tmp`, JSON.stringify(s));
  renameSync(`${file}.tmp`, file);
  if (!opts.agentUp) return;
  w.expected.push(asRead(s));
  const a = agents[h]!;
  const before = a.collected;
  await expect.poll(() => a.collected, { timeout: 60_000 }).toBeGreaterThan(before);
}

/** A state as the agent reads it from its world (validated: the schema's own key order). */
const asRead = (s: Snapshot) => parseSnapshot(JSON.parse(JSON.stringify(s)));

const get = async (path: string, token = READ) => fetch(`${HUB}${path}`, { headers: { authorization: `Bearer ${token}` } });

async function hubHoldsLatest(h: Host) {
  await expect
    .poll(async () => {
      const r = await get(`/api/fleet/v1/hosts/${h}/latest`).catch(() => null);
      return r?.ok ? ((await r.json()) as Snapshot).host.collectedAt : null;
    }, { timeout: 60_000, interval: 200 })
    .toBe(worlds[h].state.host.collectedAt);
}

/** Every state an agent held is in PostgreSQL, exactly as it was. */
async function everyStateStored(h: Host) {
  const r = await openPgHistory(pool, h);
  if (!r.ok) throw new Error(r.reason);
  for (const s of worlds[h].expected) {
    const got = await r.store.snapshotAt(new Date(s.host.collectedAt));
    expect(JSON.stringify(got?.snapshot), `${h} at ${s.host.collectedAt}`).toBe(JSON.stringify(s));
  }
  return r.store;
}

beforeAll(async () => {
  cluster = startPgCluster(54342);
  pool = new pg.Pool({ connectionString: cluster.url, max: 4 });
  // Idle clients are terminated when the cluster stops at the end: expected, not an error of the test.
  pool.on('error', () => undefined);
  dir = mkdtempSync(join(tmpdir(), 'netatlas-fleet-'));
  const entries = [{ name: 'reader', scope: 'read', sha256: hashToken(READ) }];
  HOSTS.forEach((h, i) => {
    tokens[h] = `agent-token-${h}-${'x'.repeat(20)}`;
    writeFileSync(join(dir, `${h}.token`), `${tokens[h]}\n`);
    entries.push({ name: `agent-${h}`, scope: `agent:${h}`, sha256: hashToken(tokens[h]) });
    const s = ruledHost(3 + 2 * i);
    s.host.hostname = h;
    s.host.collectedAt = new Date(T0).toISOString();
    worlds[h] = { state: s, step: 0, expected: [asRead(s)] };
    writeFileSync(join(dir, `${h}.json`), JSON.stringify(s));
  });
  writeFileSync(join(dir, 'tokens.json'), JSON.stringify(entries));
  await startHub();
  for (const h of HOSTS) startAgent(h);
  // Each agent has read its world's first state before the worlds move on.
  for (const h of HOSTS) {
    await vi.waitFor(() => {
      if (agents[h]!.collected === 0) throw new Error(`agent ${h} has not collected yet`);
    }, { timeout: 120_000, interval: 100 });
  }
}, 300_000);

afterAll(async () => {
  await Promise.all([...HOSTS.map((h) => kill9(agents[h]?.proc)), kill9(hub)]);
  cluster?.stop();
  await pool?.end();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('three agents, one hub, PostgreSQL', () => {
  it('each agent streams its own host: a whole snapshot, then deltas', { timeout: 300_000 }, async () => {
    for (let i = 0; i < 5; i++) for (const h of HOSTS) await advance(h, { agentUp: true });
    for (const h of HOSTS) await hubHoldsLatest(h);
    for (const h of HOSTS) await everyStateStored(h);
    const list = (await (await get('/api/fleet/v1/hosts')).json()) as { name: string; revision: number }[];
    expect(list.map((x) => x.name).sort()).toEqual([...HOSTS]);
  });

  it('an agent may write only its own host; readers may not write; no token, no access', async () => {
    const post = (host: string, token: string) =>
      fetch(`${HUB}${ingestPath(host)}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ session: 'x'.repeat(16), items: [] }) });
    expect((await post('beta', tokens.alpha)).status).toBe(403);
    expect((await post('alpha', READ)).status).toBe(403);
    expect((await post('alpha', 'not-a-token')).status).toBe(401);
    expect((await get('/api/fleet/v1/hosts', tokens.alpha)).status).toBe(403);
    // Garbage from a valid agent is refused with a reason and changes nothing.
    const bad = await fetch(`${HUB}${ingestPath('alpha')}`, {
      method: 'POST', headers: { authorization: `Bearer ${tokens.alpha}` },
      body: JSON.stringify({ session: 'y'.repeat(16), items: [{ seq: 1, snapshot: { schemaVersion: 1, host: 'nope' } }] }),
    });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: string }).error).toMatch(/invalid snapshot/);
    await hubHoldsLatest('alpha');
  });

  it('the hub killed mid-stream: agents keep what they collect and resend it; nothing lost, nothing twice', { timeout: 300_000 }, async () => {
    await kill9(hub);
    for (let i = 0; i < 6; i++) for (const h of HOSTS) await advance(h, { agentUp: true });
    const before = await pool.query('SELECT COUNT(*)::int AS n FROM revisions');
    await startHub();
    for (const h of HOSTS) await hubHoldsLatest(h);
    for (const h of HOSTS) {
      const store = await everyStateStored(h);
      // One revision per state: the resync's whole snapshot was diffed against what the store held.
      expect((await store.stats()).revisions, h).toBe(worlds[h].expected.length);
    }
    expect((await pool.query('SELECT COUNT(*)::int AS n FROM revisions')).rows[0].n).toBe(before.rows[0].n + 6 * HOSTS.length);
  });

  it('an agent killed and restarted: it resumes from its disk queue, stores nothing twice, and goes on', { timeout: 300_000 }, async () => {
    await kill9(agents.beta!.proc);
    const revisions = async () => (await pool.query("SELECT COUNT(*)::int AS n FROM revisions r JOIN hosts h ON h.id = r.host WHERE h.name = 'beta'")).rows[0].n as number;
    const held = await revisions();
    startAgent('beta');
    // It resumes its session from the disk queue (whatever was not acknowledged yet is resent), and the world has not moved.
    await expect.poll(() => agents.beta!.restored, { timeout: 60_000 }).toMatch(/^restored \d+ unacknowledged states/);
    await hubHoldsLatest('beta');
    expect(await revisions()).toBe(held);
    for (let i = 0; i < 3; i++) await advance('beta', { agentUp: true });
    await hubHoldsLatest('beta');
    expect(await revisions()).toBe(held + 3);
    await everyStateStored('beta');
  });
});
