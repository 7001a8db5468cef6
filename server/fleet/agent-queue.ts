import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { parseSnapshot, type Snapshot } from '../../lib/snapshot/schema';
import { applyDelta, tryApplyDelta, type SnapshotDelta } from '../../lib/history/delta';

/**
 * The agent's states the hub has not acknowledged, on disk, so a restarted (or SIGKILLed) agent resends them: one
 * journal per host, `<data>/agent/HOST.queue` (dir 0700, file 0600), JSON lines:
 *   {"t":"base","session":…,"seq":N,"acked":bool,"snapshot":{…}}   first line: the state the rest starts from
 *   {"t":"d","seq":N,"delta":{…}}                                   each later state, as the agent collected it
 *   {"t":"ack","seq":N}                                             the hub acknowledged up to N
 * Appends are one write() each, so a killed process leaves whole lines (a torn last line, from a power cut, is
 * dropped). The journal is rewritten (temporary file, fsync, rename) when acknowledged lines outweigh what is still
 * needed; the agent bounds its size (`maxBytes`) by folding its oldest states into the base.
 */

export interface QueuedState {
  session: string;
  base: { seq: number; snapshot: Snapshot };
  /** The hub acknowledged `base` in this session. */
  hubHasBase: boolean;
  pending: { seq: number; delta: SnapshotDelta }[];
}

export type Restored = { state: QueuedState | null; note: string | null };

export class DiskQueue {
  readonly path: string;
  private fd: number | null = null;
  /** Bytes in the journal. */
  bytes = 0;
  private baseBytes = 0;
  /** Sizes of the pending states' lines, and of lines no longer needed (acknowledged states, acks). */
  private lines: { seq: number; bytes: number }[] = [];
  private waste = 0;

  constructor(dir: string, host: string) {
    const sub = join(dir, 'agent');
    mkdirSync(sub, { recursive: true, mode: 0o700 });
    chmodSync(sub, 0o700);
    this.path = join(sub, `${host}.queue`);
  }

  /** What a previous agent process left, checked as untrusted input. An unreadable journal is kept aside, never lost. */
  load(): Restored {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: null, note: null };
      return this.setAside(`cannot read ${this.path}: ${(e as Error).message}`);
    }
    const lines = text.split('\n');
    // Without a final newline the last line is torn: the state being written when the process died.
    const torn = lines.pop() !== '' ? 1 : 0;
    if (lines.length === 0) return { state: null, note: torn ? `${this.path}: only a torn line, started afresh` : null };
    const parsed = lines.map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        return null;
      }
    });
    const head = parsed[0];
    if (!head || head.t !== 'base' || typeof head.session !== 'string' || !Number.isInteger(head.seq)) {
      return this.setAside(`${this.path}: the first line is not a base state`);
    }
    let snapshot: Snapshot;
    try {
      snapshot = parseSnapshot(head.snapshot);
    } catch (e) {
      return this.setAside(`${this.path}: its base state is not a valid snapshot (${(e as Error).message})`);
    }
    let base = { seq: head.seq as number, snapshot };
    let hubHasBase = head.acked === true;
    const pending: QueuedState['pending'] = [];
    let latest = snapshot;
    for (const [i, rec] of parsed.slice(1).entries()) {
      const bad = (why: string) => this.setAside(`${this.path} line ${i + 2}: ${why}`);
      if (rec?.t === 'd' && Number.isInteger(rec.seq)) {
        const seq = rec.seq as number;
        if (seq !== (pending.at(-1)?.seq ?? base.seq) + 1) return bad(`state ${seq} out of order`);
        const applied = tryApplyDelta(latest, rec.delta as SnapshotDelta);
        if (!applied.ok) return bad(`state ${seq}: ${applied.reason}`);
        latest = applied.snapshot;
        pending.push({ seq, delta: rec.delta as SnapshotDelta });
      } else if (rec?.t === 'ack' && Number.isInteger(rec.seq)) {
        const n = pending.findIndex((p) => p.seq > (rec.seq as number));
        const done = n < 0 ? pending.length : n;
        if ((rec.seq as number) >= base.seq) {
          base = { seq: done ? pending[done - 1].seq : base.seq, snapshot: pending.slice(0, done).reduce((s, p) => applyDelta(s, p.delta), base.snapshot) };
          pending.splice(0, done);
          hubHasBase = true;
        }
      } else return bad('not a queue record');
    }
    this.bytes = Buffer.byteLength(text);
    this.baseBytes = Buffer.byteLength(lines[0]);
    const sizes = new Map(parsed.slice(1).flatMap((r, i) => (r?.t === 'd' ? [[r.seq as number, Buffer.byteLength(lines[i + 1]) + 1]] : [])));
    this.lines = pending.map((p) => ({ seq: p.seq, bytes: sizes.get(p.seq) ?? 0 }));
    this.waste = this.bytes - this.baseBytes - this.lines.reduce((a, l) => a + l.bytes, 0);
    const note = `restored ${pending.length + (hubHasBase ? 0 : 1)} unacknowledged states from ${this.path}${torn ? ' (a torn last line dropped)' : ''}`;
    return { state: { session: head.session as string, base, hubHasBase, pending }, note };
  }

  private setAside(why: string): Restored {
    const aside = `${this.path}.unreadable-${Date.now()}`;
    try {
      renameSync(this.path, aside);
    } catch {
      // already gone
    }
    return { state: null, note: `${why}; kept as ${aside}, started afresh` };
  }

  /** The whole queue anew (a new base, a fold, or compaction). Returns the journal's size. */
  rewrite(s: QueuedState): number {
    this.close();
    const head = JSON.stringify({ t: 'base', session: s.session, seq: s.base.seq, acked: s.hubHasBase, snapshot: s.base.snapshot });
    const deltas = s.pending.map((p) => JSON.stringify({ t: 'd', seq: p.seq, delta: p.delta }));
    const body = [head, ...deltas].join('\n') + '\n';
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, body);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    this.bytes = Buffer.byteLength(body);
    this.baseBytes = Buffer.byteLength(head);
    this.lines = s.pending.map((p, i) => ({ seq: p.seq, bytes: Buffer.byteLength(deltas[i]) + 1 }));
    this.waste = 0;
    return this.bytes;
  }

  append(record: { t: 'd'; seq: number; delta: SnapshotDelta } | { t: 'ack'; seq: number }): void {
    this.fd ??= openSync(this.path, 'a', 0o600);
    const line = JSON.stringify(record) + '\n';
    writeSync(this.fd, line);
    const bytes = Buffer.byteLength(line);
    this.bytes += bytes;
    if (record.t === 'd') this.lines.push({ seq: record.seq, bytes });
    else {
      let n = 0;
      while (n < this.lines.length && this.lines[n].seq <= record.seq) this.waste += this.lines[n++].bytes;
      this.lines.splice(0, n);
      this.waste += bytes;
    }
  }

  /** Worth rewriting: lines no longer needed outweigh the base that a rewrite would write again. */
  get bloated(): boolean {
    return this.waste > this.baseBytes + (1 << 20);
  }

  /** Bytes on disk (for tests and logs). */
  sizeOnDisk(): number {
    return statSync(this.path).size;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
