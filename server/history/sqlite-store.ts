import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import type { Snapshot } from '../../lib/snapshot/schema';
import { applyDelta, diffSnapshots, isEmptyDelta, type SnapshotDelta } from '../../lib/history/delta';
import { describeChanges } from '../../lib/history/changes';
import { checkSnapshotName } from '../../lib/snapshot/ref';
import { prepareDataDir } from './data-dir';
import { migrate, STORE_VERSION } from './migrations';
import { atOf, lastPerBucket, pack, startsKeyframe, unpack, type Decision } from './rows';
import {
  DEFAULT_RETENTION, type AppendResult, type HistoryStats, type HistoryStore, type LoggedChange, type PruneReport,
  type RetentionPolicy, type SavedSnapshotInfo, type StoredSnapshot,
} from './store';

/**
 * The default history store: one SQLite file (WAL) in the data directory. Revisions form chains: a keyframe holds
 * a whole snapshot, each following row the delta from the row before (deflated JSON). A new keyframe starts when
 * the chain reaches `keyframeEvery` rows or its deltas outweigh the last keyframe, which bounds the cost of
 * rebuilding any moment. Retention (`prune`) rewrites chains so that every row left still follows from the one
 * before it; the first row is always a keyframe.
 */

export interface SqliteStoreOptions {
  retention?: Partial<RetentionPolicy>;
  /** At most this many deltas after a keyframe. */
  keyframeEvery?: number;
  /** A new keyframe once the chain's deltas weigh this many times the keyframe. */
  keyframeWeight?: number;
}

export type OpenResult = { ok: true; store: SqliteHistoryStore } | { ok: false; reason: string };

/** Open (creating, migrating) the store in `dir`; says why not instead of throwing. */
export function openSqliteHistory(dir: string, opts: SqliteStoreOptions = {}): OpenResult {
  const prepared = prepareDataDir(dir);
  if (!prepared.ok) return prepared;
  let db: Database.Database | null = null;
  try {
    db = new Database(prepared.dbPath);
    db.pragma('journal_mode = WAL');
    // NORMAL under WAL: a commit survives a process kill; a power cut may lose the last commits, never the file.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return { ok: true, store: new SqliteHistoryStore(db, prepared.dbPath, opts) };
  } catch (e) {
    db?.close();
    return { ok: false, reason: `${prepared.dbPath}: ${(e as Error).message}` };
  }
}

/** Milliseconds of one append by step (added to, so one object can sum several appends). */
export interface AppendSplit {
  diff: number;
  pack: number;
  changes: number;
  insert: number;
}

interface Row {
  id: number;
  at: number;
  keyframe: number;
  structural: number;
  body: Buffer;
}
type Meta = Omit<Row, 'body'>;


export class SqliteHistoryStore implements HistoryStore {
  private readonly retention: RetentionPolicy;
  private readonly keyframeEvery: number;
  private readonly keyframeWeight: number;
  /** The newest revision, its snapshot, and the chain behind it: what the next append diffs against. */
  private last: { id: number; snapshot: Snapshot } | null = null;
  private chain = { length: 0, bytes: 0, keyframeBytes: 0 };
  private thinnedUntil = 0;
  private lastPrune: PruneReport | null = null;
  private readonly q;

  constructor(private readonly db: Database.Database, readonly path: string, opts: SqliteStoreOptions = {}) {
    this.retention = { ...DEFAULT_RETENTION, ...opts.retention };
    this.keyframeEvery = opts.keyframeEvery ?? 600;
    this.keyframeWeight = opts.keyframeWeight ?? 3;
    this.q = {
      insert: db.prepare('INSERT INTO revisions (at, keyframe, structural, body) VALUES (?, ?, ?, ?)'),
      change: db.prepare('INSERT INTO changes (revision, at, kind, action, subject, detail) VALUES (?, ?, ?, ?, ?, ?)'),
      lastAtOrBefore: db.prepare('SELECT id FROM revisions WHERE at <= ? ORDER BY at DESC, id DESC LIMIT 1').pluck(),
      keyframeAtOrBefore: db.prepare('SELECT MAX(id) FROM revisions WHERE id <= ? AND keyframe = 1').pluck(),
      range: db.prepare('SELECT id, at, keyframe, structural, body FROM revisions WHERE id BETWEEN ? AND ? ORDER BY id'),
      meta: db.prepare('SELECT id, at, keyframe, structural FROM revisions WHERE at >= ? AND at < ? ORDER BY id'),
      before: db.prepare('SELECT MAX(id) FROM revisions WHERE id < ?').pluck(),
      after: db.prepare('SELECT id, at, keyframe, structural, body FROM revisions WHERE id > ? ORDER BY id LIMIT 1'),
      update: db.prepare('UPDATE revisions SET keyframe = ?, body = ? WHERE id = ?'),
      remove: db.prepare('DELETE FROM revisions WHERE id = ?'),
      newest: db.prepare('SELECT MAX(id) FROM revisions').pluck(),
    };
    this.loadLast();
  }

  private loadLast() {
    const id = this.q.newest.get() as number | null;
    this.last = null;
    this.chain = { length: 0, bytes: 0, keyframeBytes: 0 };
    if (id === null) return;
    const kf = this.q.keyframeAtOrBefore.get(id) as number;
    const rows = this.q.range.all(kf, id) as Row[];
    this.last = { id, snapshot: this.rebuild(rows) };
    this.chain = { length: rows.length - 1, bytes: rows.slice(1).reduce((n, r) => n + r.body.length, 0), keyframeBytes: rows[0].body.length };
  }

  private rebuild(rows: Row[], from: Snapshot | null = null): Snapshot {
    let s = from;
    for (const r of rows) s = r.keyframe ? unpack<Snapshot>(r.body) : applyDelta(s!, unpack<SnapshotDelta>(r.body));
    return s!;
  }

  /** The snapshot of revision `id` (which must exist). */
  private snapshotOf(id: number): Snapshot {
    if (this.last?.id === id) return this.last.snapshot;
    const kf = this.q.keyframeAtOrBefore.get(id) as number;
    return this.rebuild(this.q.range.all(kf, id) as Row[]);
  }

  async append(snapshot: Snapshot): Promise<AppendResult | null> {
    return this.appendSync(snapshot);
  }

  /**
   * The synchronous core of `append`, for the benchmark and the crash test. `split`, when given, receives the
   * milliseconds spent in each step (the benchmark prints them).
   */
  appendSync(snapshot: Snapshot, split?: AppendSplit): AppendResult | null {
    // IMMEDIATE: take the write lock before reading what the newest row is, so a second process writing to the
    // same store (two servers on one data directory) can never make a delta against the wrong predecessor.
    return this.db.transaction(() => this.appendLocked(snapshot, split)).immediate();
  }

  private appendLocked(snapshot: Snapshot, split?: AppendSplit): AppendResult | null {
    let t = split ? performance.now() : 0;
    const lap = (step: keyof AppendSplit) => {
      if (!split) return;
      const now = performance.now();
      split[step] += now - t;
      t = now;
    };
    const newest = this.q.newest.get() as number | null;
    if (newest !== (this.last?.id ?? null)) this.loadLast();
    const at = atOf(snapshot);
    const prev = this.last;
    const delta = prev ? diffSnapshots(prev.snapshot, snapshot) : null;
    lap('diff');
    if (delta && isEmptyDelta(delta)) return null;
    const structural = delta === null || delta.structure !== null;
    const body = delta ? pack(delta) : null;
    const keyframe = startsKeyframe(this.chain, body, this.keyframeEvery, this.keyframeWeight);
    const stored = keyframe ? pack(snapshot) : body!;
    lap('pack');
    const changes = prev && delta ? describeChanges(prev.snapshot, snapshot, delta) : [];
    lap('changes');
    const id = Number(this.q.insert.run(at, keyframe ? 1 : 0, structural ? 1 : 0, stored).lastInsertRowid);
    for (const c of changes) this.q.change.run(id, at, c.kind, c.action, c.subject, c.detail);
    lap('insert');
    this.last = { id, snapshot };
    this.chain = keyframe ? { length: 0, bytes: 0, keyframeBytes: stored.length } : { ...this.chain, length: this.chain.length + 1, bytes: this.chain.bytes + stored.length };
    return { revision: id, base: prev?.id ?? null, delta, keyframe, structural, bytes: stored.length, changes };
  }

  async snapshotAt(at: Date): Promise<StoredSnapshot | null> {
    return this.snapshotAtSync(at);
  }

  snapshotAtSync(at: Date): StoredSnapshot | null {
    const id = this.q.lastAtOrBefore.get(at.getTime()) as number | undefined;
    if (id === undefined) return null;
    const snapshot = this.snapshotOf(id);
    return { revision: id, at: new Date(atOf(snapshot)), snapshot };
  }

  async changesSince(since: Date, until = new Date()): Promise<LoggedChange[]> {
    const rows = this.db
      .prepare('SELECT revision, at, kind, action, subject, detail FROM changes WHERE at >= ? AND at <= ? ORDER BY at, revision, rowid')
      .all(since.getTime(), until.getTime()) as (Omit<LoggedChange, 'at'> & { at: number })[];
    return rows.map((r) => ({ ...r, at: new Date(r.at) }));
  }

  async save(name: string, note: string, snapshot: Snapshot): Promise<SavedSnapshotInfo> {
    const bad = checkSnapshotName(name);
    if (bad) throw new RangeError(bad);
    const body = pack(snapshot);
    const savedAt = Date.now();
    this.db
      .prepare('INSERT INTO saved (name, note, hostname, at, saved_at, body) VALUES (?, ?, ?, ?, ?, ?)')
      .run(name, note, snapshot.host.hostname, atOf(snapshot), savedAt, body);
    return { name, note, hostname: snapshot.host.hostname, at: new Date(atOf(snapshot)), savedAt: new Date(savedAt), bytes: body.length };
  }

  async listSaved(): Promise<SavedSnapshotInfo[]> {
    const rows = this.db
      .prepare('SELECT name, note, hostname, at, saved_at AS savedAt, length(body) AS bytes FROM saved ORDER BY saved_at, name')
      .all() as { name: string; note: string; hostname: string; at: number; savedAt: number; bytes: number }[];
    return rows.map((r) => ({ ...r, at: new Date(r.at), savedAt: new Date(r.savedAt) }));
  }

  hasSaved(name: string): boolean {
    return this.db.prepare('SELECT 1 FROM saved WHERE name = ?').pluck().get(name) !== undefined;
  }

  async loadSaved(name: string): Promise<Snapshot | null> {
    const body = this.db.prepare('SELECT body FROM saved WHERE name = ?').pluck().get(name) as Buffer | undefined;
    return body ? unpack<Snapshot>(body) : null;
  }

  async deleteSaved(name: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM saved WHERE name = ?').run(name).changes > 0;
  }

  async stats(): Promise<HistoryStats> {
    const r = this.db
      .prepare(`SELECT COUNT(*) AS revisions, COALESCE(SUM(keyframe), 0) AS keyframes, COALESCE(SUM(structural), 0) AS structural,
                MIN(at) AS oldest, MAX(at) AS newest, COALESCE(SUM(length(body)), 0) AS bytes FROM revisions`)
      .get() as { revisions: number; keyframes: number; structural: number; oldest: number | null; newest: number | null; bytes: number };
    const s = this.db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(length(body)), 0) AS bytes FROM saved').get() as { n: number; bytes: number };
    return {
      path: this.path,
      schemaVersion: this.db.pragma('user_version', { simple: true }) as number,
      revisions: r.revisions,
      keyframes: r.keyframes,
      structuralRevisions: r.structural,
      oldest: r.oldest === null ? null : new Date(r.oldest),
      newest: r.newest === null ? null : new Date(r.newest),
      revisionBytes: r.bytes,
      usedBytes: this.usedBytes(),
      saved: s.n,
      savedBytes: s.bytes,
      retention: this.retention,
      lastPrune: this.lastPrune,
    };
  }

  /** Pages in use (the file itself only shrinks on VACUUM; freed pages are reused). */
  usedBytes(): number {
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    return (pages - free) * (this.db.pragma('page_size', { simple: true }) as number);
  }

  /** The database file plus its WAL on disk. */
  fileBytes(): number {
    const size = (p: string) => {
      try {
        return statSync(p).size;
      } catch {
        return 0;
      }
    };
    return size(this.path) + size(`${this.path}-wal`);
  }

  async prune(now: Date): Promise<PruneReport> {
    return this.pruneSync(now);
  }

  pruneSync(now: Date): PruneReport {
    const t = now.getTime();
    const p = this.retention;
    const report: PruneReport = { at: now, thinned: 0, coarsened: 0, expired: 0, evictedForSize: 0 };
    this.db.transaction(() => {
      // Too old: gone, with their change log.
      const expired = this.q.meta.all(0, t - p.maxAgeMs) as Meta[];
      report.expired = this.rewrite(expired, () => 'drop');
      this.db.prepare('DELETE FROM changes WHERE at < ?').run(t - p.maxAgeMs);
      // Older than every-change: one keyframe per coarse bucket (the last of each).
      const firstLoose = this.db.prepare('SELECT MIN(at) FROM revisions WHERE at < ? AND keyframe = 0').pluck().get(t - p.everyChangeMs) as number | null;
      if (firstLoose !== null) {
        const from = Math.floor(firstLoose / p.coarseBucketMs) * p.coarseBucketMs;
        const rows = this.q.meta.all(from, t - p.everyChangeMs) as Meta[];
        const keep = lastPerBucket(rows, p.coarseBucketMs, () => false);
        report.coarsened = this.rewrite(rows, (r) => (keep.has(r.id) ? 'keyframe' : 'drop'));
      }
      // Older than full-resolution counters: counter-only revisions thinned to the last of each bucket.
      const lo = Math.max(this.thinnedUntil, t - p.everyChangeMs);
      const hi = Math.floor((t - p.fullCountersMs) / p.thinnedCountersBucketMs) * p.thinnedCountersBucketMs;
      if (hi > lo) {
        const rows = this.q.meta.all(lo, hi) as Meta[];
        const keep = lastPerBucket(rows, p.thinnedCountersBucketMs, (r) => r.keyframe === 1 || r.structural === 1);
        report.thinned = this.rewrite(rows, (r) => (keep.has(r.id) ? 'keep' : 'drop'));
        this.thinnedUntil = hi;
      }
      report.evictedForSize = this.evictForSize();
    }).immediate(); // the write lock first, as in append
    // Rewriting may have turned the newest chain into another shape: measure it again.
    this.loadLast();
    this.lastPrune = report;
    return report;
  }

  /** Oldest revisions go, a tenth at a time, until the revisions fit `maxBytes`. */
  private evictForSize(): number {
    let evicted = 0;
    for (;;) {
      const bytes = this.db.prepare('SELECT COALESCE(SUM(length(body)), 0) FROM revisions').pluck().get() as number;
      if (bytes <= this.retention.maxBytes) return evicted;
      const n = this.db.prepare('SELECT COUNT(*) FROM revisions').pluck().get() as number;
      if (n <= 1) return evicted;
      const rows = this.db.prepare('SELECT id, at, keyframe, structural FROM revisions ORDER BY id LIMIT ?').all(Math.max(1, Math.floor(n / 10))) as Meta[];
      evicted += this.rewrite(rows, () => 'drop');
    }
  }

  /**
   * Walk `rows` (consecutive revisions, oldest first) rebuilding each snapshot, and apply each decision so the
   * chains stay whole: a kept row after dropped ones gets the delta from the last kept row (or becomes a keyframe
   * when nothing before it is left), and so does the first row after the range. Returns the rows dropped.
   */
  private rewrite(rows: Meta[], decide: (r: Meta) => Decision): number {
    if (rows.length === 0) return 0;
    const first = rows[0].id;
    const last = rows[rows.length - 1].id;
    const before = this.q.before.get(first) as number | null;
    let snap: Snapshot | null = before === null ? null : this.snapshotOf(before);
    let kept: Snapshot | null = snap;
    let gap = false;
    let dropped = 0;
    const settle = (r: Row, d: Decision) => {
      if (d === 'drop') {
        this.q.remove.run(r.id);
        dropped++;
        gap = true;
        return;
      }
      if ((d === 'keyframe' || kept === null) && !r.keyframe) this.q.update.run(1, pack(snap), r.id);
      else if (gap && !r.keyframe) this.q.update.run(0, pack(diffSnapshots(kept!, snap!)), r.id);
      kept = snap;
      gap = false;
    };
    const decisions = new Map(rows.map((r) => [r.id, decide(r)]));
    // all(), not iterate(): the connection cannot write while a statement is still stepping.
    for (const r of this.q.range.all(first, last) as Row[]) {
      snap = r.keyframe ? unpack<Snapshot>(r.body) : applyDelta(snap!, unpack<SnapshotDelta>(r.body));
      settle(r, decisions.get(r.id) ?? 'keep');
    }
    if (gap) {
      const next = this.q.after.get(last) as Row | undefined;
      if (next) {
        snap = next.keyframe ? unpack<Snapshot>(next.body) : applyDelta(snap!, unpack<SnapshotDelta>(next.body));
        settle(next, 'keep');
      }
    }
    return dropped;
  }

  close() {
    this.db.close();
  }
}

export { STORE_VERSION };
