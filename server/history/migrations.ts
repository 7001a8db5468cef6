import type { Database } from 'better-sqlite3';
import { inflateRawSync } from 'node:zlib';
import { applyDelta, type SnapshotDelta } from '../../lib/history/delta';
import { describeChanges } from '../../lib/history/changes';
import { diffSnapshots } from '../../lib/history/delta';
import type { Snapshot } from '../../lib/snapshot/schema';

/**
 * The store's own schema, versioned with `PRAGMA user_version`. Each migration moves a store from version i to
 * i + 1 inside one transaction, so an upgrade of netatlas opens any older store and a crash mid-upgrade leaves
 * the old version intact. Never edit a released migration: add the next one.
 */
export const MIGRATIONS: ((db: Database) => void)[] = [
  // 1: revisions (a keyframe holds a whole snapshot, other rows a delta from the row before) and saved snapshots.
  (db) => {
    db.exec(`
      CREATE TABLE revisions (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        keyframe INTEGER NOT NULL,
        structural INTEGER NOT NULL,
        body BLOB NOT NULL
      );
      CREATE INDEX revisions_at ON revisions (at);
      CREATE TABLE saved (
        name TEXT PRIMARY KEY,
        note TEXT NOT NULL,
        hostname TEXT NOT NULL,
        at INTEGER NOT NULL,
        saved_at INTEGER NOT NULL,
        body BLOB NOT NULL
      );`);
  },
  // 2: the change log, kept apart from revisions so it outlives their thinning; backfilled from the deltas.
  (db) => {
    db.exec(`
      CREATE TABLE changes (
        revision INTEGER NOT NULL,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT NOT NULL,
        detail TEXT
      );
      CREATE INDEX changes_at ON changes (at);`);
    const insert = db.prepare('INSERT INTO changes (revision, at, kind, action, subject, detail) VALUES (?, ?, ?, ?, ?, ?)');
    let prev: Snapshot | null = null;
    // all(), not iterate(): the connection cannot insert while a statement is still stepping.
    for (const row of db.prepare('SELECT id, at, keyframe, body FROM revisions ORDER BY id').all() as RevisionRow[]) {
      const body = JSON.parse(inflateRawSync(row.body).toString('utf8')) as unknown;
      const next: Snapshot = row.keyframe ? (body as Snapshot) : applyDelta(prev!, body as SnapshotDelta);
      if (prev) {
        for (const c of describeChanges(prev, next, diffSnapshots(prev, next))) insert.run(row.id, row.at, c.kind, c.action, c.subject, c.detail);
      }
      prev = next;
    }
  },
];

export const STORE_VERSION = MIGRATIONS.length;

interface RevisionRow {
  id: number;
  at: number;
  keyframe: number;
  body: Buffer;
}

/** Bring `db` to `target` (default: this netatlas's version); refuses a store written by a newer netatlas. */
export function migrate(db: Database, target = STORE_VERSION): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > STORE_VERSION) {
    throw new Error(`the history store is version ${current}, newer than this netatlas reads (${STORE_VERSION}); upgrade netatlas`);
  }
  for (let v = current; v < target; v++) {
    db.transaction(() => {
      MIGRATIONS[v](db);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
