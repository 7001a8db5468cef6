import type { Snapshot } from '../../lib/snapshot/schema';
import { defaultDataDir } from './data-dir';
import { openSqliteHistory, type SqliteStoreOptions } from './sqlite-store';
import type { HistoryStore } from './store';

export type HistoryStatus = { on: true; path: string } | { on: false; reason: string };

/**
 * Records the hub's revisions into a store, one at a time and never in the hub's way: `record` only queues.
 * The first failure (full disk, unwritable file, a corrupt store) turns history off with the reason; live mode
 * goes on untouched. Retention runs once an hour.
 */
export class HistoryRecorder {
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private pruner: NodeJS.Timeout | null = null;
  private current: HistoryStatus;

  constructor(private store: HistoryStore | null, status: HistoryStatus, pruneEveryMs = 3_600_000) {
    this.current = status;
    if (store) {
      this.pruner = setInterval(() => this.enqueue((s) => s.prune(new Date()).then(() => undefined)), pruneEveryMs);
      this.pruner.unref();
    }
  }

  get status(): HistoryStatus {
    return this.current;
  }

  /** The store while history is on (for reads: time travel, the change log, saved snapshots). */
  get history(): HistoryStore | null {
    return this.current.on ? this.store : null;
  }

  record(snapshot: Snapshot): void {
    // A store slower than the collector would grow the queue without bound: skip, the next revision carries
    // the state anyway (deltas are computed against what was stored, not what was skipped).
    if (this.pending > 8) return;
    this.enqueue((s) => s.append(snapshot).then(() => undefined));
  }

  /** Resolves once everything queued so far is written (or history went off). */
  flush(): Promise<void> {
    return this.queue;
  }

  private enqueue(work: (s: HistoryStore) => Promise<void>) {
    const store = this.store;
    if (!store || !this.current.on) return;
    this.pending++;
    this.queue = this.queue
      .then(() => (this.current.on ? work(store) : undefined))
      .catch((e: unknown) => this.turnOff(`writing failed: ${(e as Error).message}`))
      .finally(() => this.pending--);
  }

  private turnOff(reason: string) {
    if (!this.current.on) return;
    this.current = { on: false, reason };
    console.error(`netatlas: history off: ${reason}`);
    this.close();
  }

  close() {
    if (this.pruner) clearInterval(this.pruner);
    this.pruner = null;
    this.store?.close();
    this.store = null;
  }
}

/**
 * History for the server: `NETATLAS_DATA` (set by `netatlas serve --data DIR` / scripts/start.sh) or the default
 * state directory; `NETATLAS_HISTORY=off` disables it. Never throws: an unusable directory is a status.
 */
export function openRecorder(env: Record<string, string | undefined> = process.env, opts: SqliteStoreOptions = {}): HistoryRecorder {
  if (env.NETATLAS_HISTORY === 'off') return new HistoryRecorder(null, { on: false, reason: 'disabled (NETATLAS_HISTORY=off)' });
  const dir = env.NETATLAS_DATA || defaultDataDir(env);
  const opened = openSqliteHistory(dir, opts);
  if (!opened.ok) {
    console.error(`netatlas: history off: ${opened.reason}`);
    return new HistoryRecorder(null, { on: false, reason: opened.reason });
  }
  console.log(`netatlas: history in ${opened.store.path}`);
  return new HistoryRecorder(opened.store, { on: true, path: opened.store.path });
}
