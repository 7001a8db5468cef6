import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSnapshot, type Snapshot } from '../../lib/snapshot/schema';
import { ruledHost, withTraffic } from '../../lib/history/corpus.test-helper';
import { addContainer } from '../../lib/topology/synthetic';
import { startPgCluster, type PgCluster } from '../history/pg-cluster.test-helper';
import { openPgHistory } from '../history/pg-store';
import { hashToken } from './tokens';

// The agent's disk queue with the real CLI: the hub is down while the agent records states, the agent is killed
// with SIGKILL and restarted (still no hub), the hub comes up — every state reaches PostgreSQL once, in order.
// The agent reads a world the test rewrites (the --snapshot-source seam), so every state is known exactly.

const root = join(import.meta.dirname, '../..');
const HUB_PORT = 3181;
const HUB = `http://127.0.0.1:${HUB_PORT}`;
const HOST = 'queued';
const T0 = Date.parse('2026-06-01T00:00:00Z');
const TOKEN = `agent-token-${HOST}-${'q'.repeat(20)}`;

let cluster: PgCluster;
let pool: pg.Pool;
let dir: string;
let hub: ChildProcess | null = null;
let agent: { proc: ChildProcess; out: string[] } | null = null;
let state: Snapshot;
let step = 0;
const expected: Snapshot[] = [];

function cli(args: string[]): ChildProcess {
  const p = spawn(process.execPath, [join(root, 'bin/netatlas.mjs'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  p.stderr!.on('data', (c: Buffer) => process.stderr.write(`[${args[0]}] ${c}`));
  return p;
}

function startAgent() {
  const proc = cli(['agent', '--hub', HUB, '--token-file', join(dir, 'token'), '--name', HOST, '--data', join(dir, 'data'), '--interval', '100', '--snapshot-source', join(dir, 'world.json')]);
  const a = { proc, out: [] as string[] };
  let buf = '';
  proc.stdout!.on('data', (c: Buffer) => {
    buf += c.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    a.out.push(...lines);
  });
  agent = a;
}

const collected = () => agent!.out.filter((l) => l.startsWith('collected ')).length;

function kill9(p: ChildProcess | null | undefined) {
  if (!p || p.exitCode !== null) return Promise.resolve();
  const gone = new Promise((r) => p.once('exit', r));
  p.kill('SIGKILL');
  return gone;
}

function writeWorld(s: Snapshot) {
  const file = join(dir, 'world.json');
  writeFileSync(`${file}.tmp`, JSON.stringify(s));
  renameSync(`${file}.tmp`, file);
}

/** The world's next state; returns once the agent has collected it (and so written it to its queue). */
async function advance() {
  step++;
  let s = withTraffic(state, (c) => (c.ports.length ? step : 0));
  if (step % 3 === 0) addContainer(s, { name: `late-${step}`, n: 800 + step, networks: [s.docker!.networks[0]] });
  s = structuredClone(s);
  s.host.collectedAt = new Date(T0 + step * 1000).toISOString();
  state = s;
  const before = collected();
  writeWorld(s);
  expected.push(parseSnapshot(JSON.parse(JSON.stringify(s))));
  await expect.poll(collected, { timeout: 60_000 }).toBeGreaterThan(before);
}

const queueFile = () => join(dir, 'data', 'agent', `${HOST}.queue`);

beforeAll(async () => {
  cluster = startPgCluster(55181);
  pool = new pg.Pool({ connectionString: cluster.url, max: 4 });
  pool.on('error', () => undefined);
  dir = mkdtempSync(join(tmpdir(), 'netatlas-agent-queue-'));
  writeFileSync(join(dir, 'token'), `${TOKEN}\n`);
  writeFileSync(join(dir, 'tokens.json'), JSON.stringify([{ name: `agent-${HOST}`, scope: `agent:${HOST}`, sha256: hashToken(TOKEN) }]));
  state = ruledHost(4);
  state.host.hostname = HOST;
  state.host.collectedAt = new Date(T0).toISOString();
  writeWorld(state);
  expected.push(parseSnapshot(JSON.parse(JSON.stringify(state))));
}, 300_000);

afterAll(async () => {
  await Promise.all([kill9(agent?.proc), kill9(hub)]);
  cluster?.stop();
  await pool?.end();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the agent disk queue', () => {
  it('hub down, agent SIGKILLed and restarted, hub back: every state stored once, in order', { timeout: 300_000 }, async () => {
    startAgent();
    await expect.poll(collected, { timeout: 120_000 }).toBe(1);
    for (let i = 0; i < 5; i++) await advance();
    // Nobody acknowledged anything: it all failed to send.
    expect(agent!.out.some((l) => l.startsWith('send failed'))).toBe(true);
    expect(statSync(queueFile()).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'data', 'agent')).mode & 0o777).toBe(0o700);

    await kill9(agent!.proc);
    startAgent();
    await expect.poll(() => agent!.out.find((l) => l.startsWith('restored ')), { timeout: 120_000 }).toMatch(/^restored 6 unacknowledged states/);
    for (let i = 0; i < 3; i++) await advance();
    // The restarted agent numbers on from where the killed one stopped, in the same session.
    expect(agent!.out.filter((l) => l.startsWith('collected ')).map((l) => Number(l.split(' ')[1]))).toEqual([7, 8, 9]);

    hub = cli(['hub', '--pg', cluster.url, '--tokens', join(dir, 'tokens.json'), '--port', String(HUB_PORT)]);
    await expect.poll(() => agent!.out.some((l) => l === `acked ${expected.length}`), { timeout: 120_000, interval: 200 }).toBe(true);

    const r = await openPgHistory(pool, HOST);
    if (!r.ok) throw new Error(r.reason);
    expect((await r.store.stats()).revisions).toBe(expected.length);
    for (const s of expected) {
      const got = await r.store.snapshotAt(new Date(s.host.collectedAt));
      expect(JSON.stringify(got?.snapshot), s.host.collectedAt).toBe(JSON.stringify(s));
    }
    // In order: revisions were appended in the order the states were collected.
    const at = await pool.query<{ at: string }>('SELECT r.at FROM revisions r JOIN hosts h ON h.id = r.host WHERE h.name = $1 ORDER BY r.id', [HOST]);
    expect(at.rows.map((x) => new Date(Number(x.at)).toISOString())).toEqual(expected.map((s) => s.host.collectedAt));
  });

  it('once the hub acknowledged everything, a restart resends nothing and the journal starts from the acknowledged state', { timeout: 300_000 }, async () => {
    const held = (await pool.query('SELECT COUNT(*)::int AS n FROM revisions')).rows[0].n as number;
    await kill9(agent!.proc);
    startAgent();
    await expect.poll(() => agent!.out.find((l) => l.startsWith('restored ')), { timeout: 120_000 }).toMatch(/^restored 0 unacknowledged states/);
    await advance();
    await expect.poll(() => agent!.out.some((l) => l === `acked ${expected.length}`), { timeout: 120_000, interval: 200 }).toBe(true);
    expect((await pool.query('SELECT COUNT(*)::int AS n FROM revisions')).rows[0].n).toBe(held + 1);
    const lines = readFileSync(queueFile(), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { t: string; seq: number });
    expect(lines[0].t).toBe('base');
    expect(lines.at(-1)).toEqual({ t: 'ack', seq: expected.length });
  });
  it('a restarted agent whose hub knows nothing of it (another database) sends its state whole', { timeout: 300_000 }, async () => {
    // Nothing new is collected after the restart: before, the agent trusted the journal's "the hub holds the base"
    // and never sent anything to a hub that had never seen it.
    await Promise.all([kill9(agent!.proc), kill9(hub)]);
    await pool.query('CREATE DATABASE other_hub');
    const url = cluster.url.replace(/\/postgres$/, '/other_hub');
    hub = cli(['hub', '--pg', url, '--tokens', join(dir, 'tokens.json'), '--port', String(HUB_PORT)]);
    startAgent();
    await expect.poll(() => agent!.out.some((l) => l === `acked ${expected.length}`), { timeout: 120_000, interval: 200 }).toBe(true);
    const other = new pg.Pool({ connectionString: url });
    try {
      const r = await openPgHistory(other, HOST);
      if (!r.ok) throw new Error(r.reason);
      expect((await r.store.stats()).revisions).toBe(1);
      const got = await r.store.snapshotAt(new Date(expected.at(-1)!.host.collectedAt));
      expect(JSON.stringify(got?.snapshot)).toBe(JSON.stringify(expected.at(-1)));
    } finally {
      await other.end();
    }
  });
});
