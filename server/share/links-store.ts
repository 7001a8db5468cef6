import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, constants, mkdirSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Envelope } from '../../lib/share/envelope';
import type { Snapshot } from '../../lib/snapshot/schema';
import { linkState, SHARE_ID, SHARE_ID_BYTES, type LinkState } from '../../lib/share/link';
import { LIMITS } from '../../lib/limits';
import { defaultDataDir } from '../history/data-dir';

/**
 * Share links: `<data>/shares.sqlite` (0600 in the 0700 data directory), apart from the history store so that
 * links work while history is off or has failed, its retention and size cap never touch a shared snapshot, and
 * the two schemas version independently. A link's id is its capability: only SHA-256(id) is stored (128 random
 * bits cannot be searched), so the file grants nothing to whoever reads it; the id is shown once, at creation.
 * Revoking or expiring drops the snapshot at once; the row stays so the link can answer "revoked" (410).
 */

const MIGRATIONS: ((db: Database.Database) => void)[] = [
  (db) => {
    db.exec(`
      CREATE TABLE shares (
        key TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER,
        created_by TEXT NOT NULL,
        source TEXT NOT NULL,
        hostname TEXT NOT NULL,
        captured_at TEXT NOT NULL,
        redaction TEXT NOT NULL,
        body BLOB
      );`);
  },
];

/** What the list of links shows: never the id, which is not kept. */
export interface ShareLinkInfo {
  /** SHA-256 of the id (hex): names the link for revoke without being able to open it. */
  key: string;
  /** ISO 8601 (the list travels as JSON). */
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  state: LinkState;
  createdBy: string;
  /** What was shared: `live`, a moment, a saved name. */
  source: string;
  hostname: string;
  capturedAt: string;
  redaction: string[];
}

export type Opened = { state: 'live'; envelope: Envelope; info: ShareLinkInfo } | { state: 'unknown' | 'expired' | 'revoked' };

interface Row {
  key: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  created_by: string;
  source: string;
  hostname: string;
  captured_at: string;
  redaction: string;
}

export const keyOf = (id: string) => createHash('sha256').update(id, 'utf8').digest('hex');
export const newShareId = () => randomBytes(SHARE_ID_BYTES).toString('base64url');

export class ShareLinkStore {
  private readonly q;

  private constructor(private readonly db: Database.Database, readonly path: string) {
    this.q = {
      insert: db.prepare(`INSERT INTO shares (key, created_at, expires_at, revoked_at, created_by, source, hostname, captured_at, redaction, body)
        VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)`),
      meta: db.prepare('SELECT key, created_at, expires_at, revoked_at, created_by, source, hostname, captured_at, redaction FROM shares WHERE key = ?'),
      body: db.prepare('SELECT body FROM shares WHERE key = ?').pluck(),
      all: db.prepare('SELECT key, created_at, expires_at, revoked_at, created_by, source, hostname, captured_at, redaction FROM shares ORDER BY created_at DESC'),
      liveCount: db.prepare('SELECT COUNT(*) FROM shares WHERE revoked_at IS NULL AND expires_at > ?').pluck(),
      revoke: db.prepare('UPDATE shares SET revoked_at = ?, body = NULL WHERE key = ? AND revoked_at IS NULL'),
      dropExpired: db.prepare('UPDATE shares SET body = NULL WHERE expires_at <= ? AND body IS NOT NULL'),
      forget: db.prepare('DELETE FROM shares WHERE MAX(expires_at, COALESCE(revoked_at, 0)) < ?'),
    };
  }

  /** Opens (creating, migrating) `<dataDir>/shares.sqlite`; the directory 0700, the file 0600. */
  static open(dataDir: string): ShareLinkStore {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const path = join(dataDir, 'shares.sqlite');
    // Created 0600 before SQLite opens it: its -wal and -shm files take the database file's mode.
    closeSync(openSync(path, constants.O_CREAT | constants.O_RDWR, 0o600));
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    const db = new Database(path);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      const current = db.pragma('user_version', { simple: true }) as number;
      if (current > MIGRATIONS.length) throw new Error(`${path} is version ${current}, newer than this netatlas reads (${MIGRATIONS.length}); upgrade netatlas`);
      for (let v = current; v < MIGRATIONS.length; v++) {
        db.transaction(() => {
          MIGRATIONS[v](db);
          db.pragma(`user_version = ${v + 1}`);
        })();
      }
    } catch (e) {
      db.close();
      throw e;
    }
    return new ShareLinkStore(db, path);
  }

  /**
   * Stores an (already redacted) envelope under a new id and returns the id: the only time it exists outside the
   * holder's hands. `expiresAt` comes from lib/share/link.ts `expiryOf` (tests may pass a past one).
   */
  create(envelope: Envelope, opts: { expiresAt: number; createdBy: string; source: string; now?: number }): { id: string; info: ShareLinkInfo } | { error: string } {
    const now = opts.now ?? Date.now();
    this.sweep(now);
    if ((this.q.liveCount.get(now) as number) >= LIMITS.shareLinksLive) {
      return { error: `at most ${LIMITS.shareLinksLive} share links may be live at once: revoke one first` };
    }
    const id = newShareId();
    const key = keyOf(id);
    this.q.insert.run(key, now, opts.expiresAt, opts.createdBy, opts.source, envelope.host.name, envelope.capturedAt,
      JSON.stringify(envelope.redaction.applied), deflateRawSync(JSON.stringify(envelope)));
    return { id, info: infoOf(this.q.meta.get(key) as Row, now) };
  }

  /** The link's state without reading its snapshot (the server's check on every request that carries it). */
  state(id: string, now = Date.now()): Opened['state'] {
    if (!SHARE_ID.test(id)) return 'unknown';
    const row = this.q.meta.get(keyOf(id)) as Row | undefined;
    return row ? linkState({ expiresAt: row.expires_at, revokedAt: row.revoked_at }, now) : 'unknown';
  }

  /** The shared envelope, if the link is live. */
  open(id: string, now = Date.now()): Opened {
    if (!SHARE_ID.test(id)) return { state: 'unknown' };
    const key = keyOf(id);
    const row = this.q.meta.get(key) as Row | undefined;
    if (!row) return { state: 'unknown' };
    const info = infoOf(row, now);
    if (info.state !== 'live') return { state: info.state };
    const body = this.q.body.get(key) as Buffer | null;
    if (!body) return { state: 'expired' };
    return { state: 'live', envelope: JSON.parse(inflateRawSync(body).toString('utf8')) as Envelope, info };
  }

  /** What a live link shares, as a snapshot to compare (`share:ID` in the reference grammar), or why not. */
  snapshotOf(id: string, now = Date.now()): { ok: true; snapshot: Snapshot; label: string } | { ok: false; error: string } {
    const o = this.open(id, now);
    if (o.state !== 'live') return { ok: false, error: o.state === 'unknown' ? 'no such share link here' : `that share link is ${o.state}` };
    const redacted = o.info.redaction.length ? `, redacted: ${o.info.redaction.join(', ')}` : '';
    return { ok: true, snapshot: o.envelope.snapshot, label: `share link (${o.info.source} at ${o.info.capturedAt}${redacted})` };
  }

  list(now = Date.now()): ShareLinkInfo[] {
    this.sweep(now);
    return (this.q.all.all() as Row[]).map((r) => infoOf(r, now));
  }

  /** True when a live (or expired, not yet revoked) link was revoked now; its snapshot is deleted with it. */
  revoke(key: string, now = Date.now()): boolean {
    return this.q.revoke.run(now, key).changes > 0;
  }

  /** Expired snapshots are dropped; rows of links dead for 30 days are forgotten (they then answer 404). */
  private sweep(now: number) {
    this.q.dropExpired.run(now);
    this.q.forget.run(now - 30 * 86_400_000);
  }

  close() {
    this.db.close();
  }
}

function infoOf(r: Row, now: number): ShareLinkInfo {
  return {
    key: r.key, createdAt: new Date(r.created_at).toISOString(), expiresAt: new Date(r.expires_at).toISOString(),
    revokedAt: r.revoked_at === null ? null : new Date(r.revoked_at).toISOString(),
    state: linkState({ expiresAt: r.expires_at, revokedAt: r.revoked_at }, now),
    createdBy: r.created_by, source: r.source, hostname: r.hostname, capturedAt: r.captured_at,
    redaction: JSON.parse(r.redaction) as string[],
  };
}

const g = globalThis as typeof globalThis & { __netatlasShareLinks?: { dir: string; store: ShareLinkStore } };

export type StoreResult = { ok: true; store: ShareLinkStore } | { ok: false; reason: string };

/**
 * The server's one store, in NETATLAS_DATA (which `netatlas serve` sets) or the default data directory, or why it
 * cannot be opened. Kept on globalThis so the serve layer and Next's bundles share one connection.
 */
export function shareLinks(): StoreResult {
  const dir = process.env.NETATLAS_DATA || defaultDataDir();
  if (g.__netatlasShareLinks?.dir === dir) return { ok: true, store: g.__netatlasShareLinks.store };
  try {
    g.__netatlasShareLinks = { dir, store: ShareLinkStore.open(dir) };
    return { ok: true, store: g.__netatlasShareLinks.store };
  } catch (e) {
    // Opening a file and a database reports failure only by throwing (permissions, a full disk, a newer schema).
    return { ok: false, reason: `share links are unavailable: ${(e as Error).message}` };
  }
}
