import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../lib/snapshot/schema';
import { diffSnapshots } from '../../lib/history/delta';
import { labSnapshot, ruledHost, withRuleInsertedMidChain, withTraffic } from '../../lib/history/corpus.test-helper';
import { addContainer, removeContainer } from '../../lib/topology/synthetic';
import { migrate, STORE_VERSION } from './migrations';
import { openSqliteHistory, type SqliteHistoryStore, type SqliteStoreOptions } from './sqlite-store';

// The SQLite history store on real files in a temporary directory.

// Stores stay under the OS temp dir (netatlas-history-*) so a failure can be inspected.
const root = mkdtempSync(join(tmpdir(), 'netatlas-history-'));
let dirs = 0;
const freshDir = () => join(root, `store-${++dirs}`);
const text = (s: Snapshot) => JSON.stringify(s);
const T0 = Date.parse('2026-03-01T00:00:00Z');

function open(dir: string, opts: SqliteStoreOptions = {}): SqliteHistoryStore {
  const r = openSqliteHistory(dir, opts);
  if (!r.ok) throw new Error(r.reason);
  return r.store;
}

/** A host's life: traffic every step, and now and then a container, a rule or a sysctl changes. */
function life(steps: number, stepMs: number, seedHost = ruledHost(16)): Snapshot[] {
  const out: Snapshot[] = [];
  let s = seedHost;
  for (let i = 0; i < steps; i++) {
    s = withTraffic(s, (c) => (c.ports.length && i % 2 ? 2 : 0));
    if (i % 50 === 10) addContainer(s, { name: `late-${i}`, n: 500 + i, networks: [s.docker!.networks[i % 3]] });
    if (i % 50 === 30) removeContainer(s, `late-${i - 20}`);
    if (i % 50 === 40) s = withRuleInsertedMidChain(s);
    if (i % 97 === 0) s.host.sysctls.ipv4Forward = i % 2;
    s.host.collectedAt = new Date(T0 + i * stepMs).toISOString();
    out.push(s);
  }
  return out;
}

describe('SQLite history store', () => {
  it('rebuilds every moment exactly, across keyframes and after reopening', async () => {
    const dir = freshDir();
    const host = life(240, 1000);
    let store = open(dir, { keyframeEvery: 25 });
    const appended = host.map((s) => store.appendSync(s));
    expect(appended.every((r) => r !== null)).toBe(true);
    expect(appended.filter((r) => r!.keyframe).length).toBeGreaterThan(240 / 26);
    // An identical state is not a new revision.
    expect(store.appendSync(structuredClone(host.at(-1)!))).toBeNull();
    const check = (st: SqliteHistoryStore) => {
      for (let i = 0; i < host.length; i += 7) {
        expect(text(st.snapshotAtSync(new Date(T0 + i * 1000))!.snapshot), `at step ${i}`).toBe(text(host[i]));
        expect(text(st.snapshotAtSync(new Date(T0 + i * 1000 + 999))!.snapshot)).toBe(text(host[i]));
      }
      expect(st.snapshotAtSync(new Date(T0 - 1))).toBeNull();
    };
    check(store);
    store.close();
    store = open(dir, { keyframeEvery: 25 });
    check(store);
    // Appending after a reopen continues the chain from the stored state.
    const next = withTraffic(host.at(-1)!, () => 9);
    next.host.collectedAt = new Date(T0 + 241_000).toISOString();
    expect(store.appendSync(next)!.keyframe).toBe(false);
    expect(text(store.snapshotAtSync(new Date(T0 + 241_000))!.snapshot)).toBe(text(next));
    const changes = await store.changesSince(new Date(T0));
    expect(changes.some((c) => c.kind === 'container' && c.action === 'added' && c.subject === 'late-10')).toBe(true);
    expect(changes.some((c) => c.kind === 'rule' && c.subject.includes('198.18.99.0/24'))).toBe(true);
    store.close();
  });

  it('two writers on one data directory never chain a delta to the wrong row', () => {
    const dir = freshDir();
    const one = open(dir, { keyframeEvery: 50 });
    const two = open(dir, { keyframeEvery: 50 });
    const host = life(60, 1000);
    host.forEach((s, i) => (i % 3 === 0 ? two : one).appendSync(s));
    for (let i = 0; i < host.length; i++) expect(text(one.snapshotAtSync(new Date(T0 + i * 1000))!.snapshot), `step ${i}`).toBe(text(host[i]));
    one.close();
    two.close();
  });

  it('keeps the data directory private: 0700 dir, 0600 database and WAL', () => {
    const dir = freshDir();
    const store = open(dir);
    store.appendSync(ruledHost(3));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of ['history.sqlite', 'history.sqlite-wal']) expect(statSync(join(dir, f)).mode & 0o777, f).toBe(0o600);
    store.close();
  });

  it('applies retention: counters thinned, then coarse keyframes, then gone; every change logged; every kept moment exact', async () => {
    const dir = freshDir();
    const retention = { fullCountersMs: 10 * 60_000, thinnedCountersBucketMs: 60_000, everyChangeMs: 3 * 3_600_000, coarseBucketMs: 3_600_000, maxAgeMs: 6 * 3_600_000 };
    const store = open(dir, { keyframeEvery: 40, retention });
    const host = life(8 * 360, 10_000); // 8 hours, one revision every 10 s
    for (const s of host) store.appendSync(s);
    const byTime = new Map(host.map((s) => [Date.parse(s.host.collectedAt), s]));
    const now = new Date(T0 + 8 * 3_600_000);
    const before = await store.changesSince(new Date(T0 + 2 * 3_600_000));
    const report = store.pruneSync(now);
    expect(report.thinned).toBeGreaterThan(0);
    expect(report.coarsened).toBeGreaterThan(0);
    expect(report.expired).toBeGreaterThan(0);

    const db = new Database(join(dir, 'history.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT id, at, keyframe, structural FROM revisions ORDER BY id').all() as { id: number; at: number; keyframe: number; structural: number }[];
    db.close();
    const age = (at: number) => now.getTime() - at;
    expect(rows[0].keyframe).toBe(1);
    expect(rows.every((r) => age(r.at) <= retention.maxAgeMs)).toBe(true);
    const coarse = rows.filter((r) => age(r.at) > retention.everyChangeMs);
    expect(coarse.every((r) => r.keyframe === 1)).toBe(true);
    expect(new Set(coarse.map((r) => Math.floor(r.at / 3_600_000))).size).toBe(coarse.length);
    const middle = rows.filter((r) => age(r.at) <= retention.everyChangeMs && age(r.at) > retention.fullCountersMs + 60_000);
    const counterOnly = middle.filter((r) => !r.structural && !r.keyframe);
    expect(new Set(counterOnly.map((r) => Math.floor(r.at / 60_000))).size).toBe(counterOnly.length);
    // Every structural revision younger than everyChangeMs survived, and the recent ones are all there.
    const structuralTimes = host.filter((_, i) => i > 0).filter((s, i) => diffSnapshots(host[i], s).structure !== null).map((s) => Date.parse(s.host.collectedAt));
    const kept = new Set(rows.map((r) => r.at));
    for (const at of structuralTimes.filter((at) => age(at) <= retention.everyChangeMs)) expect(kept.has(at), new Date(at).toISOString()).toBe(true);
    expect(rows.filter((r) => age(r.at) <= retention.fullCountersMs).length).toBe(60);
    // What is left rebuilds exactly the state collected at that moment.
    // (Every coarse and thinned row, and every 5th recent one: each rebuild replays its chain.)
    const sample = rows.filter((r, i) => age(r.at) > retention.fullCountersMs || i % 5 === 0);
    for (const r of sample) expect(text(store.snapshotAtSync(new Date(r.at))!.snapshot)).toBe(text(byTime.get(r.at)!));
    // The change log outlives the thinning.
    expect(await store.changesSince(new Date(T0 + 2 * 3_600_000))).toEqual(before);
    expect((await store.stats()).lastPrune).toEqual(report);
    store.close();
  });

  it('evicts the oldest revisions for the size cap, never saved snapshots', async () => {
    const dir = freshDir();
    const store = open(dir, { keyframeEvery: 10, retention: { maxBytes: 60_000 } });
    const host = life(300, 1000, ruledHost(30));
    await store.save('before', 'the first state', host[0]);
    for (const s of host) store.appendSync(s);
    expect((await store.stats()).revisionBytes).toBeGreaterThan(60_000);
    const report = store.pruneSync(new Date(T0 + 300_000));
    expect(report.evictedForSize).toBeGreaterThan(0);
    const stats = await store.stats();
    expect(stats.revisionBytes).toBeLessThanOrEqual(60_000);
    expect(stats.saved).toBe(1);
    expect(text((await store.loadSaved('before'))!)).toBe(text(host[0]));
    expect(text(store.snapshotAtSync(stats.oldest!)!.snapshot)).toBe(text(host.find((s) => s.host.collectedAt === stats.oldest!.toISOString())!));
    expect(text(store.snapshotAtSync(new Date(T0 + 299_000))!.snapshot)).toBe(text(host[299]));
    store.close();
  });

  it('saves, lists and deletes named snapshots; refuses bad names', async () => {
    const store = open(freshDir());
    const s = labSnapshot();
    const info = await store.save('before-deploy', 'before 1.4', s);
    expect(info).toMatchObject({ name: 'before-deploy', note: 'before 1.4', hostname: s.host.hostname });
    expect((await store.listSaved()).map((x) => x.name)).toEqual(['before-deploy']);
    expect(text((await store.loadSaved('before-deploy'))!)).toBe(text(s));
    await expect(store.save('live', '', s)).rejects.toThrow(/reserved/);
    await expect(store.save('before-deploy', '', s)).rejects.toThrow(/UNIQUE/);
    expect(await store.deleteSaved('before-deploy')).toBe(true);
    expect(await store.deleteSaved('before-deploy')).toBe(false);
    expect(await store.loadSaved('before-deploy')).toBeNull();
    store.close();
  });

  it('opens a version-1 store: migrates it and backfills the change log', async () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const host = life(30, 1000);
    const db = new Database(join(dir, 'history.sqlite'));
    migrate(db, 1);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    const insert = db.prepare('INSERT INTO revisions (at, keyframe, structural, body) VALUES (?, ?, ?, ?)');
    host.forEach((s, i) => {
      const body = i === 0 ? s : diffSnapshots(host[i - 1], s);
      insert.run(T0 + i * 1000, i === 0 ? 1 : 0, i === 0 || diffSnapshots(host[i - 1], s).structure ? 1 : 0, deflateRawSync(JSON.stringify(body)));
    });
    db.close();
    const store = open(dir);
    expect((await store.stats()).schemaVersion).toBe(STORE_VERSION);
    expect(STORE_VERSION).toBeGreaterThan(1);
    expect((await store.changesSince(new Date(T0))).some((c) => c.subject === 'late-10' && c.action === 'added')).toBe(true);
    expect(text(store.snapshotAtSync(new Date(T0 + 29_000))!.snapshot)).toBe(text(host[29]));
    store.close();
  });

  it('refuses a store from a newer netatlas, and says why when the data directory is unusable', () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const db = new Database(join(dir, 'history.sqlite'));
    db.pragma(`user_version = ${STORE_VERSION + 1}`);
    db.close();
    const newer = openSqliteHistory(dir);
    expect(newer.ok).toBe(false);
    if (!newer.ok) expect(newer.reason).toMatch(/newer than this netatlas/);

    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const under = openSqliteHistory(join(file, 'history'));
    expect(under.ok).toBe(false);
    if (!under.ok) expect(under.reason).toMatch(/ENOTDIR/);

    const garbage = freshDir();
    mkdirSync(garbage, { recursive: true });
    writeFileSync(join(garbage, 'history.sqlite'), 'this is not a database, just text long enough to be read as a header');
    const bad = openSqliteHistory(garbage);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toMatch(/not a database/);
  });

  it('survives kill -9 mid-write: integrity ok, at most the revision being written lost', async () => {
    const dir = freshDir();
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '__fixtures__/crash-writer.ts'), dir], {
      cwd: join(import.meta.dirname, '../..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let committed = 0;
    let buffered = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`writer committed only ${committed} revisions in 90 s`)), 90_000);
      child.on('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
      child.stdout!.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const l of lines) committed = Number(l);
        // Well into the loop, past several keyframes: kill it while it writes.
        if (committed >= 150) {
          clearTimeout(timer);
          child.removeAllListeners('exit');
          resolve();
        }
      });
    });
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    const db = new Database(join(dir, 'history.sqlite'));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const maxId = db.prepare('SELECT MAX(id) FROM revisions').pluck().get() as number;
    db.close();
    // Everything it reported committed is there (it may have committed one more it had no time to print).
    expect(maxId).toBeGreaterThanOrEqual(committed);
    const store = open(dir);
    const latest = store.snapshotAtSync(new Date('2100-01-01'))!;
    expect(latest.revision).toBe(maxId);
    expect(latest.snapshot.docker!.containers.length).toBeGreaterThan(40);
    store.close();
  });
});
