import { EventEmitter, on, once } from 'node:events';
import type { Snapshot } from '../../lib/snapshot/schema';
import { Collector } from '../collect/collector';
import { snapshotFingerprint } from '../../lib/snapshot/fingerprint';
import { diffSnapshots } from '../../lib/history/delta';
import type { LiveMessage } from '../../lib/history/stream';
import { openRecorder, type HistoryRecorder } from '../history/recorder';

/** One published state of the host. Ids only grow (by one), so a reconnecting client can say where it stopped. */
export interface Revision {
  id: number;
  snapshot: Snapshot;
  /** What a viewer is sent for it, built once for every viewer: the whole snapshot… */
  readonly whole: LiveMessage;
  /** …or the delta from the revision before (null for the first), computed on first use. */
  readonly delta: LiveMessage | null;
}

function revision(id: number, snapshot: Snapshot, prev: Revision | undefined): Revision {
  // The previous snapshot only, not the previous revision: revisions must not chain to each other in memory.
  let before = prev?.snapshot;
  let delta: LiveMessage | null | undefined;
  return {
    id,
    snapshot,
    whole: { kind: 'whole', revision: id, snapshot },
    get delta() {
      if (delta === undefined) {
        delta = before ? { kind: 'delta', revision: id, base: id - 1, delta: diffSnapshots(before, snapshot) } : null;
        before = undefined;
      }
      return delta;
    },
  };
}

export interface HubOptions {
  /** Re-read even without notifications (rule counters, legacy iptables changes) while someone watches; 1 s keeps counters and rates live. */
  tickMs?: number;
  /** Coalesce a burst of notifications (one `docker run` makes dozens) into one collection. */
  debounceMs?: number;
  /** Revisions kept for clients that reconnect. */
  keep?: number;
  collector?: Collector;
  /**
   * Called with every published revision (the history recorder). It must not throw or block: it only queues.
   * While it is set the hub also collects when nobody watches, on `idleTickMs`.
   */
  onRevision?: (r: Revision) => void;
  /** The slow tick while nobody watches and `onRevision` is set: events still trigger collections at once. */
  idleTickMs?: number;
  /**
   * While nobody watches, the host's rule counters are re-read at most this often (its rules themselves are re-read at
   * once when their nf_tables generation id moves, and always while legacy iptables tables exist). Default 60 s: what
   * history keeps of counters after an hour anyway.
   */
  idleCountersMs?: number;
}

/**
 * The live hub: one collector per server process, shared by every viewer. It re-collects when Docker events or
 * netlink notifications arrive (and on a slow tick while anyone subscribes), and publishes a revision only when
 * the snapshot actually changed. Viewers subscribe to revisions; nothing they do causes extra host reads.
 */
export class Hub extends EventEmitter {
  private readonly collector: Collector;
  private readonly tickMs: number;
  private readonly debounceMs: number;
  private readonly keep: number;
  private revisions: Revision[] = [];
  private fingerprint = '';
  private nextId = 1;
  private collecting: Promise<void> | null = null;
  private again = false;
  private debounce: NodeJS.Timeout | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private subscribers = 0;
  /** Tells this process's revision ids from another's: a browser still holding ids from before a restart resyncs. */
  readonly epoch = Date.now().toString(36);
  private readonly onRevision: ((r: Revision) => void) | null;
  private idleTicker: NodeJS.Timeout | null = null;
  /** The last snapshot collected, published or not (an unchanged state is not republished, but it is newer). */
  private newest: Snapshot | null = null;
  /** A change notification arrived after the newest collection started. */
  private dirty = false;
  private closed = false;
  private readonly idleCountersMs: number;
  /** Someone asked for the newest reading (`current`): its counters must be fresh even with nobody subscribed. */
  private wantFresh = false;

  constructor(opts: HubOptions = {}) {
    super();
    this.setMaxListeners(0); // one listener per open tab
    this.tickMs = opts.tickMs ?? 1_000;
    this.debounceMs = opts.debounceMs ?? 60;
    this.keep = opts.keep ?? 32;
    this.idleCountersMs = opts.idleCountersMs ?? 60_000;
    this.collector = opts.collector ?? new Collector();
    this.collector.on('change', () => this.schedule());
    this.collector.on('docker-state', () => this.schedule());
    this.collector.watch();
    this.onRevision = opts.onRevision ?? null;
    if (this.onRevision) {
      this.idleTicker = setInterval(() => {
        if (this.subscribers === 0) void this.collect('tick');
      }, opts.idleTickMs ?? 10_000);
      void this.collect();
    }
  }

  get viewers(): number {
    return this.subscribers;
  }

  /** The latest revision, collecting the first one if there is none yet. */
  async latest(): Promise<Revision> {
    if (this.revisions.length === 0) {
      // The first publication, not the end of the collection loop: notifications arriving meanwhile may keep
      // that loop going for a while on a busy host.
      const first = once(this, 'revision') as Promise<[Revision]>;
      await Promise.race([first, this.collect()]);
    }
    // Only a hub closed before its first publication has nothing (server shutdown while a request waits).
    if (this.revisions.length === 0) throw new Error('the live hub is closed');
    return this.revisions[this.revisions.length - 1];
  }

  /**
   * The latest revision with the newest snapshot of that state, collected at most `maxAgeMs` ago (default: the
   * tick) and after any change notified so far: for readers that do not subscribe, which would otherwise get
   * whatever the idle tick last read. Collects on demand, joining a collection already running rather than
   * starting a second one.
   */
  async current(maxAgeMs = this.tickMs): Promise<Pick<Revision, 'id' | 'snapshot'>> {
    const r = await this.latest();
    const at = this.newest ? Date.parse(this.newest.host.collectedAt) : 0;
    // maxAgeMs 0 means "collect now", even within the millisecond of the last collection.
    if ((maxAgeMs > 0 && Date.now() - at <= maxAgeMs && !this.dirty) || this.closed) return { id: r.id, snapshot: this.newest ?? r.snapshot };
    this.wantFresh = true;
    await this.collect(this.dirty ? 'change' : 'tick');
    return { id: this.revisions[this.revisions.length - 1].id, snapshot: this.newest ?? r.snapshot };
  }

  /**
   * Revisions after `lastId` (the one a reconnecting client last saw), then every new one until `signal` aborts.
   * If `lastId` is too old to resume from, the client gets the latest revision, which is a whole snapshot anyway.
   */
  async *revisionsSince(lastId: number | null, signal?: AbortSignal): AsyncGenerator<Revision> {
    this.subscribers++;
    this.startTicking();
    // Listen before reading the backlog, so a revision published in between is not lost.
    const events = on(this, 'revision', { signal }) as AsyncIterableIterator<[Revision]>;
    try {
      const current = await this.latest();
      // Every revision is a whole snapshot, so resuming is simple: what came after lastId if we still have it,
      // else (too old, or from before a server restart) just the latest.
      const at = lastId === null ? -1 : this.revisions.findIndex((r) => r.id === lastId);
      const backlog = at >= 0 ? this.revisions.slice(at + 1) : [current];
      let sent = lastId ?? 0;
      for (const r of backlog) {
        sent = r.id;
        yield r;
      }
      for await (const [r] of events) {
        if (r.id > sent) {
          sent = r.id;
          yield r;
        }
      }
    } catch (e) {
      if ((e as Error).name !== 'AbortError') throw e;
    } finally {
      this.subscribers--;
      if (this.subscribers === 0) this.stopTicking();
    }
  }

  /**
   * What a viewer is sent: after `lastId`, the deltas it missed, else the whole latest snapshot; then one delta per
   * revision. Every viewer shares the same message objects (see `Revision`).
   */
  async *messagesSince(lastId: number | null, signal?: AbortSignal): AsyncGenerator<LiveMessage> {
    let prev = lastId;
    for await (const r of this.revisionsSince(lastId, signal)) {
      const delta = prev !== null && r.id === prev + 1 ? r.delta : null;
      prev = r.id;
      yield delta ?? r.whole;
    }
  }

  /** The SSE event id of a revision, and back (null when it came from another process). */
  eventId(id: number): string {
    return `${this.epoch}-${id}`;
  }

  revisionOfEventId(text: string | null | undefined): number | null {
    const [epoch, id] = (text ?? '').split('-');
    const n = Number(id);
    return epoch === this.epoch && Number.isSafeInteger(n) ? n : null;
  }

  private schedule() {
    this.dirty = true;
    if (this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = null;
      void this.collect();
    }, this.debounceMs);
  }

  /**
   * Collect once; a change notification arriving meanwhile runs one more collection after this one, never two at
   * once. A tick arriving meanwhile is dropped: when a collection takes longer than the tick, re-running for every
   * tick would keep the loop going forever.
   */
  collect(reason: 'change' | 'tick' = 'change'): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.collecting) {
      if (reason === 'change') this.again = true;
      return this.collecting;
    }
    this.collecting = (async () => {
      try {
        do {
          this.again = false;
          this.dirty = false;
          const fresh = this.subscribers > 0 || this.wantFresh;
          this.wantFresh = false;
          const snapshot = await this.collector.snapshot({ countersMaxAgeMs: fresh ? 0 : this.idleCountersMs });
          if (this.closed) return; // collected by a closing collector: nothing to publish or record
          this.newest = snapshot;
          const fp = snapshotFingerprint(snapshot);
          if (fp !== this.fingerprint || this.revisions.length === 0) {
            this.fingerprint = fp;
            const r = revision(this.nextId++, snapshot, this.revisions.at(-1));
            this.revisions = [...this.revisions.slice(-(this.keep - 1)), r];
            this.emit('revision', r);
            this.onRevision?.(r);
          }
        } while (this.again);
      } finally {
        this.collecting = null;
      }
    })();
    return this.collecting;
  }

  private startTicking() {
    this.ticker ??= setInterval(() => void this.collect('tick'), this.tickMs);
  }

  private stopTicking() {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  /** Stops collecting; resolves once the collector's children have exited and no collection is running. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopTicking();
    if (this.idleTicker) clearInterval(this.idleTicker);
    if (this.debounce) clearTimeout(this.debounce);
    const running = this.collecting?.catch(() => {});
    await this.collector.close();
    // A collection still running now waits on readers that are gone (their children have exited) and its answer
    // is thrown away: give it a moment to notice, never the power to hold a stopping server.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([running, new Promise<void>((done) => (timer = setTimeout(done, 300)))]);
    clearTimeout(timer);
  }
}

const g = globalThis as typeof globalThis & { __netatlasHub?: Hub; __netatlasHistory?: HistoryRecorder };

/** The process-wide hub (kept on globalThis so dev-mode reloads and route bundles share one). */
export function hub(): Hub {
  g.__netatlasHub ??= new Hub({ onRevision: (r) => history().record(r.snapshot) });
  return g.__netatlasHub;
}

/** The process-wide history recorder: its status says whether history is on, and why not. */
export function history(): HistoryRecorder {
  g.__netatlasHistory ??= openRecorder();
  return g.__netatlasHistory;
}

/**
 * Server shutdown: stops the process-wide hub (its children exit), then writes what the history recorder has
 * queued and closes its database. Both stay in place, closed, so a request still running cannot start new ones.
 */
export async function stopHub(): Promise<void> {
  await g.__netatlasHub?.close();
  const recorder = g.__netatlasHistory;
  if (recorder) {
    await recorder.flush();
    recorder.close();
  }
}
