import type { Snapshot } from '../../lib/snapshot/schema';
import type { Change } from '../../lib/history/changes';
import type { SnapshotDelta } from '../../lib/history/delta';

/**
 * Where the history lives. SQLite (`sqlite-store.ts`) is the default; a PostgreSQL backend for a fleet implements
 * the same interface. Methods are async so a networked backend fits; revision ids only grow.
 */
export interface HistoryStore {
  /** Record the host's state; returns the revision id, or null when nothing differs from the last one. */
  append(snapshot: Snapshot): Promise<AppendResult | null>;
  /** The host as it was at `at` (the last revision collected at or before it), or null if history starts later. */
  snapshotAt(at: Date): Promise<StoredSnapshot | null>;
  /** The change log from `since` (inclusive) to `until` (default now), oldest first. */
  changesSince(since: Date, until?: Date): Promise<LoggedChange[]>;
  save(name: string, note: string, snapshot: Snapshot): Promise<SavedSnapshotInfo>;
  listSaved(): Promise<SavedSnapshotInfo[]>;
  loadSaved(name: string): Promise<Snapshot | null>;
  /** True when it existed. */
  deleteSaved(name: string): Promise<boolean>;
  stats(): Promise<HistoryStats>;
  /** Apply the retention policy as of `now`; returns what it did. */
  prune(now: Date): Promise<PruneReport>;
  close(): void;
}

export interface AppendResult {
  revision: number;
  /** The revision this one follows and the delta from it (what a fleet viewer is sent), or null for the first. */
  base: number | null;
  delta: SnapshotDelta | null;
  keyframe: boolean;
  structural: boolean;
  /** Bytes stored for this revision (its deflated delta or keyframe). */
  bytes: number;
  changes: Change[];
}

export interface StoredSnapshot {
  revision: number;
  /** When the snapshot was collected. */
  at: Date;
  snapshot: Snapshot;
}

export interface LoggedChange extends Change {
  revision: number;
  at: Date;
}

export interface SavedSnapshotInfo {
  name: string;
  note: string;
  hostname: string;
  /** When the saved snapshot was collected, and when it was saved. */
  at: Date;
  savedAt: Date;
  bytes: number;
}

export interface RetentionPolicy {
  /** Counter-only revisions are kept at full resolution this long… */
  fullCountersMs: number;
  /** …then one per this bucket, until `everyChangeMs`. Structural revisions are all kept until then. */
  thinnedCountersBucketMs: number;
  /** Every change kept this long (default 7 days)… */
  everyChangeMs: number;
  /** …then one keyframe per `coarseBucketMs` (default hourly) until `maxAgeMs` (default 90 days). */
  coarseBucketMs: number;
  maxAgeMs: number;
  /** Bytes the revisions may use; the oldest go first. Saved snapshots are never evicted and not counted. */
  maxBytes: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const DEFAULT_RETENTION: RetentionPolicy = {
  fullCountersMs: HOUR,
  thinnedCountersBucketMs: 60_000,
  everyChangeMs: 7 * DAY,
  coarseBucketMs: HOUR,
  maxAgeMs: 90 * DAY,
  maxBytes: 2 * 1024 ** 3,
};

export interface HistoryStats {
  path: string;
  schemaVersion: number;
  revisions: number;
  keyframes: number;
  structuralRevisions: number;
  oldest: Date | null;
  newest: Date | null;
  /** Bytes the revisions' bodies take, and the database file's pages in use (all tables and indexes). */
  revisionBytes: number;
  usedBytes: number;
  saved: number;
  savedBytes: number;
  retention: RetentionPolicy;
  lastPrune: PruneReport | null;
}

export interface PruneReport {
  at: Date;
  /** Counter-only revisions merged into their neighbours (older than `fullCountersMs`). */
  thinned: number;
  /** Revisions older than `everyChangeMs` folded into hourly keyframes. */
  coarsened: number;
  /** Revisions dropped for age (`maxAgeMs`) or for the size cap. */
  expired: number;
  evictedForSize: number;
}

/** History that could not be opened or stopped working: the dashboard keeps serving live and says why. */
export interface HistoryOff {
  off: true;
  reason: string;
}
