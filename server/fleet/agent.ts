import { randomBytes } from 'node:crypto';
import type { Snapshot } from '../../lib/snapshot/schema';
import { applyDelta, diffSnapshots, isEmptyDelta, type SnapshotDelta } from '../../lib/history/delta';
import { ingestPath, type IngestItem, type IngestReply } from '../../lib/fleet/protocol';

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
}

interface Pending {
  seq: number;
  /** From the previous pending state, or from `acked` for the first. */
  delta: SnapshotDelta;
}

export class Agent {
  readonly session = randomBytes(12).toString('hex');
  private seq = 0;
  /** The newest state the hub acknowledged in this session, or the state before the first pending one. */
  private base: { seq: number; snapshot: Snapshot } | null = null;
  /** The hub holds `base` (it acknowledged it in this session); otherwise the first pending state goes whole. */
  private hubHasBase = false;
  private pending: Pending[] = [];
  private latest: Snapshot | null = null;
  private attempt = 0;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: AgentOptions) {}

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
      this.log(`collected ${this.seq}`);
      return;
    }
    const delta = diffSnapshots(this.latest, s);
    if (isEmptyDelta(delta)) return;
    this.pending.push({ seq: ++this.seq, delta });
    this.latest = s;
    this.log(`collected ${this.seq}`);
    const max = this.o.maxPending ?? 3600;
    if (this.pending.length > max) {
      // Too far behind: fold the oldest into the base, which the hub then gets whole.
      const drop = this.pending.splice(0, this.pending.length - max);
      this.base = { seq: drop.at(-1)!.seq, snapshot: drop.reduce((acc, p) => applyDelta(acc, p.delta), this.base!.snapshot) };
      this.hubHasBase = false;
      this.log(`dropped ${drop.length} states the hub never acknowledged (over ${max})`);
    }
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
  }
}
