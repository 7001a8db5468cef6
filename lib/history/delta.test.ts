import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../snapshot/schema';
import { applyDelta, diffSnapshots, isEmptyDelta, tryApplyDelta, type ListPatch, type ObjectPatch } from './delta';
import { deltaCorpus, labSnapshot, prng, ruledHost, withContainerRestarted, withRuleInsertedMidChain, withTraffic } from './corpus.test-helper';

const corpus = deltaCorpus();
const text = (s: Snapshot) => JSON.stringify(s);

describe('snapshot deltas', () => {
  it('has a corpus with every kind of change', () => {
    const labels = corpus.map(([l]) => l).join('\n');
    for (const kind of ['counters moved', 'rule inserted mid-chain', 'sysctls changed', 'container restarted into a new namespace',
      'container removed', 'network and containers added', 'docker unreachable', 'namespaces gain listeners', 'namespaces gain an unknown field']) {
      expect(labels).toContain(kind);
    }
    expect(corpus.length).toBeGreaterThan(40);
  });

  it('apply(a, diff(a, b)) equals b for every pair in the corpus, as JSON text, without touching a', () => {
    let pairs = 0;
    for (const [la, a] of corpus) {
      const before = text(a);
      for (const [lb, b] of corpus) {
        const delta = diffSnapshots(a, b);
        const got = applyDelta(a, delta);
        if (text(got) !== text(b)) expect.fail(`${la} → ${lb}: applied delta differs from the target`);
        pairs++;
      }
      expect(text(a)).toBe(before);
    }
    expect(pairs).toBe(corpus.length ** 2);
  }, 120_000);

  it('a snapshot against itself, or an equal copy, is an empty delta', () => {
    for (const [label, s] of corpus) {
      expect(isEmptyDelta(diffSnapshots(s, s)), label).toBe(true);
      expect(isEmptyDelta(diffSnapshots(s, structuredClone(s))), label).toBe(true);
    }
  });

  it('survives a JSON round trip', () => {
    // Every kind of change from each base, as the wire carries it (the full pairing is the test above).
    for (const [la, a] of corpus.filter(([l]) => !l.includes(' '))) {
      for (const [lb, b] of corpus) {
        const wire = JSON.parse(JSON.stringify(diffSnapshots(a, b)));
        expect(text(applyDelta(a, wire)), `${la} → ${lb}`).toBe(text(b));
      }
    }
  }, 120_000);

  it('keeps counters apart from structure', () => {
    const a = ruledHost(40);
    const b = withTraffic(a, (c) => (c.ports.length ? 3 : 0));
    b.host.collectedAt = '2025-01-01T00:00:01.000Z';
    const d = diffSnapshots(a, b);
    expect(d.structure).toBeNull();
    expect(d.counters).not.toBeNull();
    // Structure alone leaves the counters as they were.
    expect(text(applyDelta(a, { ...d, counters: null }))).toBe(text(a));
  });

  it('inserting a rule mid-chain adds it by identity, leaving its neighbours alone', () => {
    const a = labSnapshot();
    const b = withRuleInsertedMidChain(a);
    const d = diffSnapshots(a, b);
    const tables = (((d.structure!.fields!.namespaces as ListPatch).items![0][1] as ObjectPatch).fields!.netfilter as ObjectPatch);
    const serialized = JSON.stringify(tables);
    expect(serialized).toContain('198.18.99.0/24');
    expect(serialized).not.toContain('"remove"');
    expect(d.counters).toBeNull();
  });

  it('a container restarted into a new namespace removes the old namespace and adds the new one', () => {
    const a = ruledHost(10);
    const b = withContainerRestarted(a, 'app-003', 4026999123);
    const ns = diffSnapshots(a, b).structure!.fields!.namespaces as ListPatch;
    expect(ns.remove).toHaveLength(1);
    expect(ns.add).toHaveLength(1);
    expect((ns.add![0][1] as { inode: number }).inode).toBe(4026999123);
  });

  it('a namespace whose inode is reused by a new sandbox is a different namespace', () => {
    const a = ruledHost(4);
    const b = structuredClone(a);
    const ns = b.namespaces.find((n) => n.kind === 'container')!;
    ns.name = 'f00dfeedbeef'; // same inode, another sandbox: what `unshare -n` in a loop produces
    const d = diffSnapshots(a, b).structure!.fields!.namespaces as ListPatch;
    expect(d.remove).toHaveLength(1);
    expect(d.add).toHaveLength(1);
  });

  it('random walks of changes reconstruct every step', () => {
    const rnd = prng(7);
    let prev = ruledHost(30);
    const start = prev;
    const deltas = [];
    for (let step = 0; step < 30; step++) {
      const pick = [...corpus.filter(([l]) => l.startsWith('synthetic-24')).map(([, s]) => s)];
      const next = rnd() < 0.5 ? withTraffic(prev, () => (rnd() < 0.2 ? 1 : 0)) : pick[Math.floor(rnd() * pick.length)];
      deltas.push(JSON.parse(JSON.stringify(diffSnapshots(prev, next))));
      prev = next;
    }
    let s = start;
    for (const d of deltas) s = applyDelta(s, d);
    expect(text(s)).toBe(text(prev));
  });

  it('reports a delta that does not fit instead of half-applying it', () => {
    const a = ruledHost(10);
    const b = withContainerRestarted(a, 'app-003', 4026999123);
    const d = diffSnapshots(a, b);
    const r = tryApplyDelta(b, d); // applied twice: the old namespace is no longer there
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/no item/);
    expect(tryApplyDelta(a, { ...d, version: 99 as 1 }).ok).toBe(false);
  });
});
