import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { diffSnapshots } from '../../lib/history/delta';
import { ruledHost } from '../../lib/history/corpus.test-helper';
import { migrate, STORE_VERSION } from './migrations';
import { openSqliteHistory, type SqliteHistoryStore, type SqliteStoreOptions } from './sqlite-store';
import { life, storeContract, T0, text } from './store-contract.test-helper';

// The SQLite history store on real files in a temporary directory.

// The SQLite history store on real files in a temporary directory: the store contract every backend meets, then
// what is SQLite's own (file modes, migrations, a kill -9 mid-write).

// Stores stay under the OS temp dir (netatlas-history-*) so a failure can be inspected.
const root = mkdtempSync(join(tmpdir(), 'netatlas-history-'));
let dirs = 0;
const freshDir = () => join(root, `store-${++dirs}`);

function open(dir: string, opts: SqliteStoreOptions = {}): SqliteHistoryStore {
  const r = openSqliteHistory(dir, opts);
  if (!r.ok) throw new Error(r.reason);
  return r.store;
}

storeContract('SQLite', {
  fresh: freshDir,
  open: async (dir, opts) => open(dir, opts),
  rows: async (dir) => {
    const db = new Database(join(dir, 'history.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT id, at, keyframe, structural FROM revisions ORDER BY id').all() as { id: number; at: number; keyframe: number; structural: number }[];
    db.close();
    return rows.map((r) => ({ ...r, keyframe: r.keyframe === 1, structural: r.structural === 1 }));
  },
});

describe('SQLite history store', () => {
  it('keeps the data directory private: 0700 dir, 0600 database and WAL', () => {
    const dir = freshDir();
    const store = open(dir);
    store.appendSync(ruledHost(3));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of ['history.sqlite', 'history.sqlite-wal']) expect(statSync(join(dir, f)).mode & 0o777, f).toBe(0o600);
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
