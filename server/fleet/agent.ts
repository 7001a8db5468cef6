import { randomBytes } from 'node:crypto';
import type { Snapshot } from '../../lib/snapshot/schema';
import { applyDelta, diffSnapshots, isEmptyDelta, type SnapshotDelta } from '../../lib/history/delta';
import { ingestPath, type IngestItem, type IngestReply } from '../../lib/fleet/protocol';
import type { DiskQueue, QueuedState } from './agent-queue';

/**
 * The agent's side of lib/fleet/protocol.ts: it collects its host's state on a tick, keeps every state the hub has
 * not acknowledged (as deltas, plus the acknowledged state they start from), and sends them in order. On a failure
 * it retries with exponential backoff (0.5 s doubling to 30 s, with jitter); on `resync` it sends its first
 * unacknowledged state whole. States collected while the hub is away are kept, up to `maxPending`.
 */

export interface AgentOptions {
  hub: string;
  host: string;
  token: string;
  /** Where states come from: the collector, or a test seam (`--snapshot-source`). */
  collect: () => Promise<Snapshot>;
  intervalMs?: number;
  maxPending?: number;
  /** At most this many states per request. */
  batch?: number;
  log?: (line: string) => void;
  /** Keeps unacknowledged states on disk (agent-queue.ts); the agent resumes from it. */
  queue?: DiskQueue;
  /** The journal's size limit: beyond it the oldest states fold into the base. */
  queueMaxBytes?: number;
}

interface Pending {
  seq: number;
  /** From the previous pending state, or from `acked` for the first. */
  delta: SnapshotDelta;
}

export class Agent {
  /** Random per agent, kept across restarts by the disk queue (the hub then continues where it was). */
  session = randomBytes(12).toString('hex');
  private seq = 0;
  /** The newest state the hub acknowledged in this session, or the state before the first pending one. */
  private base: { seq: number; snapshot: Snapshot } | null = null;
  /** The hub holds `base` (it acknowledged it in this session); otherwise the first pending state goes whole. */
  private hubHasBase = false;
  private pending: Pending[] = [];
  private latest: Snapshot | null = null;
  private attempt = 0;
  private queueBroken = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: AgentOptions) {
    const restored = o.queue?.load();
    if (restored?.note) this.log(restored.note);
    const q = restored?.state;
    if (q) {
      this.session = q.session;
      this.base = q.base;
      // Whether the hub answering now still holds the base is unknown (it may be another hub, or have lost its
      // database): send it once more. A hub that has it skips it (same session, number not newer); one that lacks it
      // stores it, diffed against what it holds, so nothing is stored twice.
      this.hubHasBase = false;
      this.pending = q.pending;
      this.latest = q.pending.reduce((s, p) => applyDelta(s, p.delta), q.base.snapshot);
      this.seq = q.pending.at(-1)?.seq ?? q.base.seq;
    }
  }

  private queued(): QueuedState {
    return { session: this.session, base: this.base!, hubHasBase: this.hubHasBase, pending: this.pending };
  }

  /** Over the disk limit: fold the oldest tenth of the pending states into the base until the journal fits. */
  private boundQueue() {
    const q = this.o.queue;
    const max = this.o.queueMaxBytes ?? 64 << 20;
    if (!q || q.bytes <= max) return;
    let size = q.rewrite(this.queued());
    while (size > max && this.pending.length > 0) {
      this.fold(Math.max(1, Math.ceil(this.pending.length / 10)), `over ${max} bytes on disk`);
      size = q.rewrite(this.queued());
    }
  }

  private fold(n: number, why: string) {
    const drop = this.pending.splice(0, n);
    this.base = { seq: drop.at(-1)!.seq, snapshot: drop.reduce((acc, p) => applyDelta(acc, p.delta), this.base!.snapshot) };
    this.hubHasBase = false;
    this.log(`dropped ${drop.length} states the hub never acknowledged (${why})`);
  }

  private log(line: string) {
    this.o.log?.(line);
  }

  /** Collect once; a state equal to the last one is not a new state. */
  async collectOnce(): Promise<void> {
    const s = await this.o.collect();
    if (this.latest === null) {
      this.base = { seq: ++this.seq, snapshot: s };
      this.hubHasBase = false;
      this.pending = [];
      this.latest = s;
      this.persist((q) => q.rewrite(this.queued()));
      this.log(`collected ${this.seq}`);
      return;
    }
    const delta = diffSnapshots(this.latest, s);
    if (isEmptyDelta(delta)) return;
    this.pending.push({ seq: ++this.seq, delta });
    this.latest = s;
    // On disk before it counts as collected: a kill after this line loses nothing.
    this.persist((q) => q.append({ t: 'd', seq: this.seq, delta }));
    this.log(`collected ${this.seq}`);
    const max = this.o.maxPending ?? 3600;
    // Too far behind: fold the oldest into the base, which the hub then gets whole.
    if (this.pending.length > max) {
      this.fold(this.pending.length - max, `over ${max}`);
      this.persist((q) => q.rewrite(this.queued()));
    }
    this.persist(() => this.boundQueue());
  }

  /** The states to send: the base whole when the hub lacks it, then pending deltas. */
  private outgoing(): IngestItem[] {
    const items: IngestItem[] = [];
    if (!this.base) return items;
    if (!this.hubHasBase) items.push({ seq: this.base.seq, snapshot: this.base.snapshot });
    for (const p of this.pending.slice(0, (this.o.batch ?? 200) - items.length)) items.push({ seq: p.seq, delta: p.delta });
    return items;
  }

  private acknowledge(acked: number) {
    if (!this.base || acked < this.base.seq) return;
    let snap = this.base.snapshot;
    let n = 0;
    while (n < this.pending.length && this.pending[n].seq <= acked) snap = applyDelta(snap, this.pending[n++].delta);
    this.base = { seq: acked, snapshot: snap };
    this.pending.splice(0, n);
    this.hubHasBase = true;
    this.persist((q) => {
      q.append({ t: 'ack', seq: acked });
      if (q.bloated) q.rewrite(this.queued());
    });
  }

  /** A disk that fails (full, read-only) costs the queue's durability, never the states held in memory. */
  private persist(write: (q: DiskQueue) => void) {
    const q = this.o.queue;
    if (!q || !this.base) return;
    try {
      // After a failed write the journal lacks something: the whole queue is written again instead.
      if (this.queueBroken) q.rewrite(this.queued());
      else write(q);
      this.queueBroken = false;
    } catch (e) {
      this.queueBroken = true;
      this.log(`disk queue: ${(e as Error).message} (states are kept in memory only until it works again)`);
    }
  }

  /** Send what is outstanding once. True when the hub holds everything. */
  async flush(): Promise<boolean> {
    const items = this.outgoing();
    if (items.length === 0) return true;
    const res = await fetch(new URL(ingestPath(this.o.host), this.o.hub), {
      method: 'POST',
      headers: { authorization: `Bearer ${this.o.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ session: this.session, items }),
      signal: AbortSignal.timeout(60_000),
    });
    const reply = (await res.json().catch(() => ({}))) as Partial<IngestReply> & { error?: string };
    if (res.status === 401 || res.status === 403) throw new Error(`the hub refused this agent: ${reply.error ?? res.status}`);
    if (typeof reply.acked === 'number') this.acknowledge(reply.acked);
    if (reply.resync) {
      // The hub lost track (it restarted, or a delta did not apply): the base goes whole, pending deltas follow it.
      this.hubHasBase = false;
      this.log(`resync from ${this.base?.seq}`);
      return false;
    }
    if (!res.ok) throw new Error(`hub answered ${res.status}: ${reply.error ?? ''}`);
    this.log(`acked ${reply.acked}`);
    return this.outgoing().length === 0;
  }

  /**
   * Collect on every tick until stopped, and send when the backoff allows: a hub that is away delays sending, never
   * collecting, so every state is kept.
   */
  start(): void {
    let nextSend = 0;
    const tick = async () => {
      if (this.stopped) return;
      const started = Date.now();
      try {
        await this.collectOnce();
      } catch (e) {
        this.log(`collect failed: ${(e as Error).message}`);
      }
      if (Date.now() >= nextSend) {
        try {
          while (!(await this.flush()) && !this.stopped) {
            /* resync, or more than one batch to send: go on at once */
          }
          this.attempt = 0;
        } catch (e) {
          const wait = Math.min(30_000, 500 * 2 ** this.attempt++) * (0.75 + Math.random() / 2);
          nextSend = Date.now() + wait;
          this.log(`send failed (${(e as Error).message}); retrying in ${Math.round(wait)} ms`);
        }
      }
      // A fixed rate: the time the tick took (a slow hub answering) comes off the wait.
      const wait = Math.max(0, (this.o.intervalMs ?? 1000) - (Date.now() - started));
      if (!this.stopped) this.timer = setTimeout(() => void tick(), wait);
    };
    void tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.o.queue?.close();
  }
}
