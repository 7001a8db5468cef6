import pg from 'pg';
import type { Snapshot } from '../../lib/snapshot/schema';
import { applyDelta, diffSnapshots, isEmptyDelta, type SnapshotDelta } from '../../lib/history/delta';
import { describeChanges } from '../../lib/history/changes';
import { checkSnapshotName } from '../../lib/snapshot/ref';
import { atOf, lastPerBucket, pack, startsKeyframe, unpack, type ChainState, type Decision } from './rows';
import {
  DEFAULT_RETENTION, type AppendResult, type HistoryStats, type HistoryStore, type LoggedChange, type PruneReport,
  type RetentionPolicy, type SavedSnapshotInfo, type StoredSnapshot,
} from './store';

/**
 * The history store on PostgreSQL, for a fleet: one database holds every host's history, and a store object is one
 * host's view of it (`openPgHistory(pool, host)`). Rows and chains are the SQLite store's (keyframes and deflated
 * deltas, the same retention); revision ids come from one sequence, so they grow per host as well. Appends lock the
 * host's row first (SELECT … FOR UPDATE), so two writers for one host never chain a delta to the wrong row.
 */

export interface PgStoreOptions {
  retention?: Partial<RetentionPolicy>;
  keyframeEvery?: number;
  keyframeWeight?: number;
}

/** Each migration moves the schema from version i to i + 1 in one transaction; never edit a released one. */
const MIGRATIONS: string[] = [
  `CREATE TABLE hosts (id SERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE);
   CREATE TABLE revisions (
     id BIGSERIAL PRIMARY KEY, host INTEGER NOT NULL REFERENCES hosts(id), at BIGINT NOT NULL,
     keyframe BOOLEAN NOT NULL, structural BOOLEAN NOT NULL, body BYTEA NOT NULL);
   CREATE INDEX revisions_host_at ON revisions (host, at);
   CREATE INDEX revisions_host_id ON revisions (host, id);
   CREATE TABLE changes (
     seq BIGSERIAL PRIMARY KEY, host INTEGER NOT NULL REFERENCES hosts(id), revision BIGINT NOT NULL, at BIGINT NOT NULL,
     kind TEXT NOT NULL, action TEXT NOT NULL, subject TEXT NOT NULL, detail TEXT);
   CREATE INDEX changes_host_at ON changes (host, at);
   CREATE TABLE saved (
     host INTEGER NOT NULL REFERENCES hosts(id), name TEXT NOT NULL, note TEXT NOT NULL, hostname TEXT NOT NULL,
     at BIGINT NOT NULL, saved_at BIGINT NOT NULL, body BYTEA NOT NULL, PRIMARY KEY (host, name));`,
];
export const PG_STORE_VERSION = MIGRATIONS.length;

/** Bring the database to this netatlas's schema; refuses one written by a newer netatlas. Safe to run concurrently. */
export async function migratePg(pool: pg.Pool): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    // One migrator at a time: hub processes may start together.
    await c.query('SELECT pg_advisory_xact_lock(7423001)');
    await c.query('CREATE TABLE IF NOT EXISTS netatlas_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    const r = await c.query<{ value: string }>("SELECT value FROM netatlas_meta WHERE key = 'schema_version'");
    const current = r.rows.length ? Number(r.rows[0].value) : 0;
    if (current > PG_STORE_VERSION) {
      throw new Error(`the history database is version ${current}, newer than this netatlas reads (${PG_STORE_VERSION}); upgrade netatlas`);
    }
    for (let v = current; v < PG_STORE_VERSION; v++) await c.query(MIGRATIONS[v]);
    await c.query(
      "INSERT INTO netatlas_meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = $1",
      [String(PG_STORE_VERSION)],
    );
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}

export type PgOpenResult = { ok: true; store: PgHistoryStore } | { ok: false; reason: string };

/** One host's history in the database behind `pool` (created on first use). Says why not instead of throwing. */
export async function openPgHistory(pool: pg.Pool, host: string, opts: PgStoreOptions = {}): Promise<PgOpenResult> {
  try {
    await migratePg(pool);
    const r = await pool.query<{ id: number }>(
      'INSERT INTO hosts (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id',
      [host],
    );
    const store = new PgHistoryStore(pool, r.rows[0].id, host, opts);
    await store.loadLast(pool);
    return { ok: true, store };
  } catch (e) {
    return { ok: false, reason: `PostgreSQL: ${(e as Error).message}` };
  }
}

/** The host names the database holds, oldest first (the schema must exist: `migratePg` or `openPgHistory` first). */
export async function listPgHosts(pool: pg.Pool): Promise<string[]> {
  return (await pool.query<{ name: string }>('SELECT name FROM hosts ORDER BY id')).rows.map((r) => r.name);
}

interface Row {
  id: number;
  at: number;
  keyframe: boolean;
  structural: boolean;
  body: Buffer;
}
type Meta = Omit<Row, 'body'>;
type Q = pg.Pool | pg.PoolClient;

// BIGINT arrives as text (it may exceed 2^53); ids and millisecond times here never do.
const num = (v: string | number | null) => (v === null ? null : Number(v));
const toRow = (r: Record<string, unknown>): Row => ({
  id: Number(r.id), at: Number(r.at), keyframe: r.keyframe as boolean, structural: r.structural as boolean, body: r.body as Buffer,
});

export class PgHistoryStore implements HistoryStore {
  private readonly retention: RetentionPolicy;
  private readonly keyframeEvery: number;
  private readonly keyframeWeight: number;
  private last: { id: number; snapshot: Snapshot } | null = null;
  private chain: ChainState = { length: 0, bytes: 0, keyframeBytes: 0 };
  private thinnedUntil = 0;
  private lastPrune: PruneReport | null = null;

  constructor(private readonly pool: pg.Pool, readonly hostId: number, readonly host: string, opts: PgStoreOptions = {}) {
    this.retention = { ...DEFAULT_RETENTION, ...opts.retention };
    this.keyframeEvery = opts.keyframeEvery ?? 600;
    this.keyframeWeight = opts.keyframeWeight ?? 3;
  }

  private async newest(q: Q): Promise<number | null> {
    return num((await q.query('SELECT MAX(id) AS id FROM revisions WHERE host = $1', [this.hostId])).rows[0].id);
  }

  private async range(q: Q, from: number, to: number): Promise<Row[]> {
    const r = await q.query('SELECT id, at, keyframe, structural, body FROM revisions WHERE host = $1 AND id BETWEEN $2 AND $3 ORDER BY id', [this.hostId, from, to]);
    return r.rows.map(toRow);
  }

  private async keyframeAtOrBefore(q: Q, id: number): Promise<number> {
    return Number((await q.query('SELECT MAX(id) AS id FROM revisions WHERE host = $1 AND id <= $2 AND keyframe', [this.hostId, id])).rows[0].id);
  }

  /** Re-read the newest revision and its chain (after a reopen, another writer, or a prune). */
  async loadLast(q: Q): Promise<void> {
    const id = await this.newest(q);
    this.last = null;
    this.chain = { length: 0, bytes: 0, keyframeBytes: 0 };
    if (id === null) return;
    const rows = await this.range(q, await this.keyframeAtOrBefore(q, id), id);
    this.last = { id, snapshot: rebuild(rows) };
    this.chain = { length: rows.length - 1, bytes: rows.slice(1).reduce((n, r) => n + r.body.length, 0), keyframeBytes: rows[0].body.length };
  }

  private async snapshotOf(q: Q, id: number): Promise<Snapshot> {
    if (this.last?.id === id) return this.last.snapshot;
    return rebuild(await this.range(q, await this.keyframeAtOrBefore(q, id), id));
  }

  /** Run `fn` in a transaction holding this host's lock. */
  private async locked<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      await c.query('SELECT id FROM hosts WHERE id = $1 FOR UPDATE', [this.hostId]);
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      // What this object believed about the newest row may be wrong now.
      this.last = null;
      throw e;
    } finally {
      c.release();
    }
  }

  async append(snapshot: Snapshot): Promise<AppendResult | null> {
    return this.locked(async (c) => {
      if ((await this.newest(c)) !== (this.last?.id ?? null)) await this.loadLast(c);
      const at = atOf(snapshot);
      const prev = this.last;
      const delta = prev ? diffSnapshots(prev.snapshot, snapshot) : null;
      if (delta && isEmptyDelta(delta)) return null;
      const structural = delta === null || delta.structure !== null;
      const body = delta ? pack(delta) : null;
      const keyframe = startsKeyframe(this.chain, body, this.keyframeEvery, this.keyframeWeight);
      const stored = keyframe ? pack(snapshot) : body!;
      const changes = prev && delta ? describeChanges(prev.snapshot, snapshot, delta) : [];
      const r = await c.query('INSERT INTO revisions (host, at, keyframe, structural, body) VALUES ($1, $2, $3, $4, $5) RETURNING id', [
        this.hostId, at, keyframe, structural, stored,
      ]);
      const id = Number(r.rows[0].id);
      if (changes.length) {
        await c.query(
          `INSERT INTO changes (host, revision, at, kind, action, subject, detail)
           SELECT $1, $2, $3, * FROM unnest($4::text[], $5::text[], $6::text[], $7::text[])`,
          [this.hostId, id, at, changes.map((x) => x.kind), changes.map((x) => x.action), changes.map((x) => x.subject), changes.map((x) => x.detail)],
        );
      }
      this.last = { id, snapshot };
      this.chain = keyframe
        ? { length: 0, bytes: 0, keyframeBytes: stored.length }
        : { ...this.chain, length: this.chain.length + 1, bytes: this.chain.bytes + stored.length };
      return { revision: id, base: prev?.id ?? null, delta, keyframe, structural, bytes: stored.length, changes };
    });
  }

  /** The newest revision's snapshot, or null for a host with no history yet. */
  async latest(): Promise<StoredSnapshot | null> {
    const id = await this.newest(this.pool);
    if (id === null) return null;
    const snapshot = await this.snapshotOf(this.pool, id);
    return { revision: id, at: new Date(atOf(snapshot)), snapshot };
  }

  async snapshotAt(at: Date): Promise<StoredSnapshot | null> {
    const r = await this.pool.query('SELECT id FROM revisions WHERE host = $1 AND at <= $2 ORDER BY at DESC, id DESC LIMIT 1', [this.hostId, at.getTime()]);
    if (r.rows.length === 0) return null;
    const id = Number(r.rows[0].id);
    const snapshot = await this.snapshotOf(this.pool, id);
    return { revision: id, at: new Date(atOf(snapshot)), snapshot };
  }

  async changesSince(since: Date, until = new Date()): Promise<LoggedChange[]> {
    const r = await this.pool.query(
      'SELECT revision, at, kind, action, subject, detail FROM changes WHERE host = $1 AND at >= $2 AND at <= $3 ORDER BY at, revision, seq',
      [this.hostId, since.getTime(), until.getTime()],
    );
    return r.rows.map((x) => ({ revision: Number(x.revision), at: new Date(Number(x.at)), kind: x.kind, action: x.action, subject: x.subject, detail: x.detail }));
  }

  async save(name: string, note: string, snapshot: Snapshot): Promise<SavedSnapshotInfo> {
    const bad = checkSnapshotName(name);
    if (bad) throw new RangeError(bad);
    const body = pack(snapshot);
    const savedAt = Date.now();
    try {
      await this.pool.query('INSERT INTO saved (host, name, note, hostname, at, saved_at, body) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        this.hostId, name, note, snapshot.host.hostname, atOf(snapshot), savedAt, body,
      ]);
    } catch (e) {
      // The same words as SQLite's, so callers and the contract tests read one message.
      if ((e as { code?: string }).code === '23505') throw new Error(`UNIQUE constraint failed: a snapshot named ${name} is already saved`);
      throw e;
    }
    return { name, note, hostname: snapshot.host.hostname, at: new Date(atOf(snapshot)), savedAt: new Date(savedAt), bytes: body.length };
  }

  async listSaved(): Promise<SavedSnapshotInfo[]> {
    const r = await this.pool.query(
      'SELECT name, note, hostname, at, saved_at, length(body) AS bytes FROM saved WHERE host = $1 ORDER BY saved_at, name',
      [this.hostId],
    );
    return r.rows.map((x) => ({ name: x.name, note: x.note, hostname: x.hostname, at: new Date(Number(x.at)), savedAt: new Date(Number(x.saved_at)), bytes: Number(x.bytes) }));
  }

  async loadSaved(name: string): Promise<Snapshot | null> {
    const r = await this.pool.query('SELECT body FROM saved WHERE host = $1 AND name = $2', [this.hostId, name]);
    return r.rows.length ? unpack<Snapshot>(r.rows[0].body) : null;
  }

  async deleteSaved(name: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM saved WHERE host = $1 AND name = $2', [this.hostId, name])).rowCount ?? 0) > 0;
  }

  async stats(): Promise<HistoryStats> {
    const r = (await this.pool.query(
      `SELECT COUNT(*) AS revisions, COUNT(*) FILTER (WHERE keyframe) AS keyframes, COUNT(*) FILTER (WHERE structural) AS structural,
              MIN(at) AS oldest, MAX(at) AS newest, COALESCE(SUM(length(body)), 0) AS bytes FROM revisions WHERE host = $1`,
      [this.hostId],
    )).rows[0];
    const s = (await this.pool.query('SELECT COUNT(*) AS n, COALESCE(SUM(length(body)), 0) AS bytes FROM saved WHERE host = $1', [this.hostId])).rows[0];
    const version = (await this.pool.query("SELECT value FROM netatlas_meta WHERE key = 'schema_version'")).rows[0].value;
    const used = (await this.pool.query('SELECT pg_database_size(current_database()) AS n')).rows[0].n;
    return {
      path: `postgresql host ${this.host}`,
      schemaVersion: Number(version),
      revisions: Number(r.revisions),
      keyframes: Number(r.keyframes),
      structuralRevisions: Number(r.structural),
      oldest: r.oldest === null ? null : new Date(Number(r.oldest)),
      newest: r.newest === null ? null : new Date(Number(r.newest)),
      revisionBytes: Number(r.bytes),
      // The whole database (every host's rows), as PostgreSQL counts it.
      usedBytes: Number(used),
      saved: Number(s.n),
      savedBytes: Number(s.bytes),
      retention: this.retention,
      lastPrune: this.lastPrune,
    };
  }

  async prune(now: Date): Promise<PruneReport> {
    const t = now.getTime();
    const p = this.retention;
    const report: PruneReport = { at: now, thinned: 0, coarsened: 0, expired: 0, evictedForSize: 0 };
    const meta = async (c: Q, from: number, to: number): Promise<Meta[]> =>
      (await c.query('SELECT id, at, keyframe, structural FROM revisions WHERE host = $1 AND at >= $2 AND at < $3 ORDER BY id', [this.hostId, from, to])).rows.map(
        (x) => ({ id: Number(x.id), at: Number(x.at), keyframe: x.keyframe, structural: x.structural }),
      );
    await this.locked(async (c) => {
      report.expired = await this.rewrite(c, await meta(c, 0, t - p.maxAgeMs), () => 'drop');
      await c.query('DELETE FROM changes WHERE host = $1 AND at < $2', [this.hostId, t - p.maxAgeMs]);
      const firstLoose = num((await c.query('SELECT MIN(at) AS at FROM revisions WHERE host = $1 AND at < $2 AND NOT keyframe', [this.hostId, t - p.everyChangeMs])).rows[0].at);
      if (firstLoose !== null) {
        const rows = await meta(c, Math.floor(firstLoose / p.coarseBucketMs) * p.coarseBucketMs, t - p.everyChangeMs);
        const keep = lastPerBucket(rows, p.coarseBucketMs, () => false);
        report.coarsened = await this.rewrite(c, rows, (r) => (keep.has(r.id) ? 'keyframe' : 'drop'));
      }
      const lo = Math.max(this.thinnedUntil, t - p.everyChangeMs);
      const hi = Math.floor((t - p.fullCountersMs) / p.thinnedCountersBucketMs) * p.thinnedCountersBucketMs;
      if (hi > lo) {
        const rows = await meta(c, lo, hi);
        const keep = lastPerBucket(rows, p.thinnedCountersBucketMs, (r) => r.keyframe || r.structural);
        report.thinned = await this.rewrite(c, rows, (r) => (keep.has(r.id) ? 'keep' : 'drop'));
        this.thinnedUntil = hi;
      }
      report.evictedForSize = await this.evictForSize(c);
      await this.loadLast(c);
    });
    this.lastPrune = report;
    return report;
  }

  private async evictForSize(c: pg.PoolClient): Promise<number> {
    let evicted = 0;
    for (;;) {
      const r = (await c.query('SELECT COALESCE(SUM(length(body)), 0) AS bytes, COUNT(*) AS n FROM revisions WHERE host = $1', [this.hostId])).rows[0];
      const n = Number(r.n);
      if (Number(r.bytes) <= this.retention.maxBytes || n <= 1) return evicted;
      const rows = (await c.query('SELECT id, at, keyframe, structural FROM revisions WHERE host = $1 ORDER BY id LIMIT $2', [this.hostId, Math.max(1, Math.floor(n / 10))])).rows.map(
        (x) => ({ id: Number(x.id), at: Number(x.at), keyframe: x.keyframe, structural: x.structural }),
      );
      evicted += await this.rewrite(c, rows, () => 'drop');
    }
  }

  /** The SQLite store's `rewrite`, step for step: every row left still follows from the one kept before it. */
  private async rewrite(c: pg.PoolClient, rows: Meta[], decide: (r: Meta) => Decision): Promise<number> {
    if (rows.length === 0) return 0;
    const first = rows[0].id;
    const last = rows[rows.length - 1].id;
    const before = num((await c.query('SELECT MAX(id) AS id FROM revisions WHERE host = $1 AND id < $2', [this.hostId, first])).rows[0].id);
    let snap: Snapshot | null = before === null ? null : await this.snapshotOf(c, before);
    let kept: Snapshot | null = snap;
    let gap = false;
    let dropped = 0;
    const update = (keyframe: boolean, body: Buffer, id: number) =>
      c.query('UPDATE revisions SET keyframe = $1, body = $2 WHERE id = $3', [keyframe, body, id]);
    const settle = async (r: Row, d: Decision) => {
      if (d === 'drop') {
        await c.query('DELETE FROM revisions WHERE id = $1', [r.id]);
        dropped++;
        gap = true;
        return;
      }
      if ((d === 'keyframe' || kept === null) && !r.keyframe) await update(true, pack(snap), r.id);
      else if (gap && !r.keyframe) await update(false, pack(diffSnapshots(kept!, snap!)), r.id);
      kept = snap;
      gap = false;
    };
    const decisions = new Map(rows.map((r) => [r.id, decide(r)]));
    for (const r of await this.range(c, first, last)) {
      snap = r.keyframe ? unpack<Snapshot>(r.body) : applyDelta(snap!, unpack<SnapshotDelta>(r.body));
      await settle(r, decisions.get(r.id) ?? 'keep');
    }
    if (gap) {
      const next = (await c.query('SELECT id, at, keyframe, structural, body FROM revisions WHERE host = $1 AND id > $2 ORDER BY id LIMIT 1', [this.hostId, last])).rows.map(toRow)[0];
      if (next) {
        snap = next.keyframe ? unpack<Snapshot>(next.body) : applyDelta(snap!, unpack<SnapshotDelta>(next.body));
        await settle(next, 'keep');
      }
    }
    return dropped;
  }

  /** The pool belongs to whoever opened the store (a hub shares one among its hosts). */
  close(): void {}
}

function rebuild(rows: Row[]): Snapshot {
  let s: Snapshot | null = null;
  for (const r of rows) s = r.keyframe ? unpack<Snapshot>(r.body) : applyDelta(s!, unpack<SnapshotDelta>(r.body));
  return s!;
}
