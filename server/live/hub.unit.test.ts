import { EventEmitter, once } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Hub } from './hub';
import type { Collector } from '../collect/collector';

const lab = JSON.parse(readFileSync(new URL('../../lib/snapshot/__fixtures__/lab-snapshot.json', import.meta.url), 'utf8'));

/** A collector slower than the hub's tick: what a cold, busy machine looks like to the hub. */
class SlowCollector extends EventEmitter {
  calls = 0;
  /** The counters age the hub allowed for each collection. */
  counterAges: (number | undefined)[] = [];
  constructor(private readonly ms: number) {
    super();
  }
  watch() {}
  close() {}
  async snapshot(opts: { countersMaxAgeMs?: number } = {}) {
    this.calls++;
    this.counterAges.push(opts.countersMaxAgeMs);
    await new Promise((r) => setTimeout(r, this.ms));
    return lab;
  }
}

describe('hub with a collector slower than its tick', () => {
  it('gives the first subscriber its first revision after one collection, not after the ticks stop', async () => {
    const collector = new SlowCollector(300);
    const hub = new Hub({ tickMs: 100, collector: collector as unknown as Collector });
    const ac = new AbortController();
    try {
      const it = hub.revisionsSince(null, ac.signal);
      const first = await it.next();
      expect(first.done).toBe(false);
      expect(first.value?.id).toBe(1);
      // Ticks during the collection were dropped, not queued: one collection (maybe a second one started by a
      // tick after it) rather than one per tick.
      expect(collector.calls).toBeLessThanOrEqual(2);
    } finally {
      ac.abort();
      hub.close();
    }
  });

  it('still re-collects once after a change notification that arrives mid-collection', async () => {
    const collector = new SlowCollector(200);
    const hub = new Hub({ tickMs: 60_000, debounceMs: 1, collector: collector as unknown as Collector });
    try {
      const done = hub.collect();
      await expect.poll(() => collector.calls, { timeout: 10_000 }).toBe(1);
      collector.emit('change');
      await done;
      await expect.poll(() => collector.calls, { timeout: 10_000 }).toBe(2);
    } finally {
      hub.close();
    }
  });
});

/** Stamps each snapshot with the time it was taken, as the real collector does. */
class StampingCollector extends SlowCollector {
  async snapshot(opts: { countersMaxAgeMs?: number } = {}) {
    const s = await super.snapshot(opts);
    return { ...s, host: { ...s.host, collectedAt: new Date().toISOString() } };
  }
}

describe('hub.current() with nobody subscribed', () => {
  it('collects on demand when the newest snapshot is too old or a change was notified, once for callers arriving together', async () => {
    const collector = new StampingCollector(50);
    const hub = new Hub({ tickMs: 60_000, debounceMs: 60_000, collector: collector as unknown as Collector });
    try {
      const first = await hub.current();
      expect(collector.calls).toBe(1);
      expect((await hub.current()).snapshot).toBe(first.snapshot); // fresh enough: answered without a read
      expect(collector.calls).toBe(1);

      const t0 = Date.now();
      const answers = await Promise.all([hub.current(0), hub.current(0), hub.current(0)]);
      expect(collector.calls).toBe(2); // one collection for all three
      for (const a of answers) expect(Date.parse(a.snapshot.host.collectedAt)).toBeGreaterThanOrEqual(t0);
      expect(answers[0].id).toBe(first.id); // the same state: no new revision, but the newer reading of it

      collector.emit('change'); // its debounced collection would come a minute later
      await hub.current();
      expect(collector.calls).toBe(3);
    } finally {
      await hub.close();
    }
  });

  it('answers nothing new once closed, and starts no collection', async () => {
    const collector = new StampingCollector(10);
    const hub = new Hub({ tickMs: 60_000, collector: collector as unknown as Collector });
    await hub.current();
    await hub.close();
    await hub.current(0);
    expect(collector.calls).toBe(1);
  });
});

describe('host rule counters', () => {
  it('are read fresh while someone watches or asks for the current state, and may age while the hub only records', async () => {
    const collector = new StampingCollector(10);
    const hub = new Hub({ tickMs: 60_000, debounceMs: 60_000, idleTickMs: 60_000, idleCountersMs: 45_000, onRevision: () => {}, collector: collector as unknown as Collector });
    const ac = new AbortController();
    try {
      await once(hub, 'revision'); // the recording hub's own first collection
      expect(collector.counterAges).toEqual([45_000]);
      collector.emit('change'); // so current() must collect (its debounced collection would come a minute later)
      await hub.current();
      expect(collector.counterAges).toEqual([45_000, 0]);
      const it = hub.revisionsSince(null, ac.signal);
      await it.next();
      await hub.collect('tick');
      expect(collector.counterAges.at(-1)).toBe(0);
      ac.abort();
      await it.next().catch(() => {});
      await hub.collect('tick');
      expect(collector.counterAges.at(-1)).toBe(45_000);
    } finally {
      await hub.close();
    }
  });
});
