import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../lib/snapshot/schema';
import { applyDelta, diffSnapshots } from '../../lib/history/delta';
import { labSnapshot, ruledHost, withRuleInsertedMidChain, withTraffic } from '../../lib/history/corpus.test-helper';
import { addContainer, removeContainer } from '../../lib/topology/synthetic';
import type { HistoryStore, RetentionPolicy } from './store';

/**
 * What every HistoryStore backend promises, run against each (sqlite-store.int.test.ts, pg-store.int.test.ts).
 * A backend supplies fresh locations (a directory, a host in one database), opens stores on them, and shows its
 * stored rows so retention can be checked row by row.
 */
export interface ContractBackend {
  fresh(): string;
  open(location: string, opts: { keyframeEvery?: number; retention?: Partial<RetentionPolicy> }): Promise<HistoryStore>;
  rows(location: string): Promise<{ id: number; at: number; keyframe: boolean; structural: boolean }[]>;
}

export const T0 = Date.parse('2026-03-01T00:00:00Z');
export const text = (s: Snapshot) => JSON.stringify(s);

/** A host's life: traffic every step, and now and then a container, a rule or a sysctl changes. */
export function life(steps: number, stepMs: number, seedHost = ruledHost(16)): Snapshot[] {
  const out: Snapshot[] = [];
  let s = seedHost;
  for (let i = 0; i < steps; i++) {
    s = withTraffic(s, (c) => (c.ports.length && i % 2 ? 2 : 0));
    if (i % 50 === 10) addContainer(s, { name: `late-${i}`, n: 500 + i, networks: [s.docker!.networks[i % 3]] });
    if (i % 50 === 30) removeContainer(s, `late-${i - 20}`);
    if (i % 50 === 40) s = withRuleInsertedMidChain(s);
    if (i % 97 === 0) s.host.sysctls.ipv4Forward = i % 2;
    s.host.collectedAt = new Date(T0 + i * stepMs).toISOString();
    out.push(s);
  }
  return out;
}

export function storeContract(name: string, b: ContractBackend) {
  describe(`${name}: the history store contract`, () => {
    it('rebuilds every moment exactly, across keyframes and after reopening', async () => {
      const loc = b.fresh();
      const host = life(240, 1000);
      let store = await b.open(loc, { keyframeEvery: 25 });
      const appended = [];
      for (const s of host) appended.push(await store.append(s));
      expect(appended.every((r) => r !== null)).toBe(true);
      expect(appended.filter((r) => r!.keyframe).length).toBeGreaterThan(240 / 26);
      // Each revision names the one it follows and the delta from it: what a fleet viewer is sent.
      expect(appended[0]!.base).toBeNull();
      for (let i = 1; i < host.length; i += 5) {
        expect(appended[i]!.base).toBe(appended[i - 1]!.revision);
        expect(text(applyDelta(host[i - 1], appended[i]!.delta!)), `delta of step ${i}`).toBe(text(host[i]));
      }
      // An identical state is not a new revision.
      expect(await store.append(structuredClone(host.at(-1)!))).toBeNull();
      const check = async (st: HistoryStore) => {
        for (let i = 0; i < host.length; i += 7) {
          expect(text((await st.snapshotAt(new Date(T0 + i * 1000)))!.snapshot), `at step ${i}`).toBe(text(host[i]));
          expect(text((await st.snapshotAt(new Date(T0 + i * 1000 + 999)))!.snapshot)).toBe(text(host[i]));
        }
        expect(await st.snapshotAt(new Date(T0 - 1))).toBeNull();
      };
      await check(store);
      store.close();
      store = await b.open(loc, { keyframeEvery: 25 });
      await check(store);
      // Appending after a reopen continues the chain from the stored state.
      const next = withTraffic(host.at(-1)!, () => 9);
      next.host.collectedAt = new Date(T0 + 241_000).toISOString();
      expect((await store.append(next))!.keyframe).toBe(false);
      expect(text((await store.snapshotAt(new Date(T0 + 241_000)))!.snapshot)).toBe(text(next));
      const changes = await store.changesSince(new Date(T0));
      expect(changes.some((c) => c.kind === 'container' && c.action === 'added' && c.subject === 'late-10')).toBe(true);
      expect(changes.some((c) => c.kind === 'rule' && c.subject.includes('198.18.99.0/24'))).toBe(true);
      store.close();
    });

    it('two writers on one store never chain a delta to the wrong row', async () => {
      const loc = b.fresh();
      const one = await b.open(loc, { keyframeEvery: 50 });
      const two = await b.open(loc, { keyframeEvery: 50 });
      const host = life(60, 1000);
      for (const [i, s] of host.entries()) await (i % 3 === 0 ? two : one).append(s);
      for (let i = 0; i < host.length; i++) expect(text((await one.snapshotAt(new Date(T0 + i * 1000)))!.snapshot), `step ${i}`).toBe(text(host[i]));
      one.close();
      two.close();
    });

    it('applies retention: counters thinned, then coarse keyframes, then gone; every change logged; every kept moment exact', async () => {
      const loc = b.fresh();
      const retention = { fullCountersMs: 10 * 60_000, thinnedCountersBucketMs: 60_000, everyChangeMs: 3 * 3_600_000, coarseBucketMs: 3_600_000, maxAgeMs: 6 * 3_600_000 };
      const store = await b.open(loc, { keyframeEvery: 40, retention });
      const host = life(8 * 360, 10_000); // 8 hours, one revision every 10 s
      for (const s of host) await store.append(s);
      const byTime = new Map(host.map((s) => [Date.parse(s.host.collectedAt), s]));
      const now = new Date(T0 + 8 * 3_600_000);
      const before = await store.changesSince(new Date(T0 + 2 * 3_600_000));
      const report = await store.prune(now);
      expect(report.thinned).toBeGreaterThan(0);
      expect(report.coarsened).toBeGreaterThan(0);
      expect(report.expired).toBeGreaterThan(0);

      const rows = await b.rows(loc);
      const age = (at: number) => now.getTime() - at;
      expect(rows[0].keyframe).toBe(true);
      expect(rows.every((r) => age(r.at) <= retention.maxAgeMs)).toBe(true);
      const coarse = rows.filter((r) => age(r.at) > retention.everyChangeMs);
      expect(coarse.every((r) => r.keyframe)).toBe(true);
      expect(new Set(coarse.map((r) => Math.floor(r.at / 3_600_000))).size).toBe(coarse.length);
      const middle = rows.filter((r) => age(r.at) <= retention.everyChangeMs && age(r.at) > retention.fullCountersMs + 60_000);
      const counterOnly = middle.filter((r) => !r.structural && !r.keyframe);
      expect(new Set(counterOnly.map((r) => Math.floor(r.at / 60_000))).size).toBe(counterOnly.length);
      // Every structural revision younger than everyChangeMs survived, and the recent ones are all there.
      const structuralTimes = host.filter((_, i) => i > 0).filter((s, i) => diffSnapshots(host[i], s).structure !== null).map((s) => Date.parse(s.host.collectedAt));
      const kept = new Set(rows.map((r) => r.at));
      for (const at of structuralTimes.filter((at) => age(at) <= retention.everyChangeMs)) expect(kept.has(at), new Date(at).toISOString()).toBe(true);
      expect(rows.filter((r) => age(r.at) <= retention.fullCountersMs).length).toBe(60);
      // What is left rebuilds exactly the state collected at that moment (every coarse and thinned row, every 5th recent one).
      const sample = rows.filter((r, i) => age(r.at) > retention.fullCountersMs || i % 5 === 0);
      for (const r of sample) expect(text((await store.snapshotAt(new Date(r.at)))!.snapshot)).toBe(text(byTime.get(r.at)!));
      // The change log outlives the thinning.
      expect(await store.changesSince(new Date(T0 + 2 * 3_600_000))).toEqual(before);
      expect((await store.stats()).lastPrune).toEqual(report);
      store.close();
    });

    it('evicts the oldest revisions for the size cap, never saved snapshots', async () => {
      const store = await b.open(b.fresh(), { keyframeEvery: 10, retention: { maxBytes: 60_000 } });
      const host = life(300, 1000, ruledHost(30));
      await store.save('before', 'the first state', host[0]);
      for (const s of host) await store.append(s);
      expect((await store.stats()).revisionBytes).toBeGreaterThan(60_000);
      const report = await store.prune(new Date(T0 + 300_000));
      expect(report.evictedForSize).toBeGreaterThan(0);
      const stats = await store.stats();
      expect(stats.revisionBytes).toBeLessThanOrEqual(60_000);
      expect(stats.saved).toBe(1);
      expect(text((await store.loadSaved('before'))!)).toBe(text(host[0]));
      expect(text((await store.snapshotAt(stats.oldest!))!.snapshot)).toBe(text(host.find((s) => s.host.collectedAt === stats.oldest!.toISOString())!));
      expect(text((await store.snapshotAt(new Date(T0 + 299_000)))!.snapshot)).toBe(text(host[299]));
      store.close();
    });

    it('saves, lists and deletes named snapshots; refuses bad names', async () => {
      const store = await b.open(b.fresh(), {});
      const s = labSnapshot();
      const info = await store.save('before-deploy', 'before 1.4', s);
      expect(info).toMatchObject({ name: 'before-deploy', note: 'before 1.4', hostname: s.host.hostname });
      expect((await store.listSaved()).map((x) => x.name)).toEqual(['before-deploy']);
      expect(text((await store.loadSaved('before-deploy'))!)).toBe(text(s));
      await expect(store.save('live', '', s)).rejects.toThrow(/reserved/);
      await expect(store.save('before-deploy', '', s)).rejects.toThrow(/UNIQUE/);
      expect(await store.deleteSaved('before-deploy')).toBe(true);
      expect(await store.deleteSaved('before-deploy')).toBe(false);
      expect(await store.loadSaved('before-deploy')).toBeNull();
      store.close();
    });
  });
}
