import { describe, expect, it } from 'vitest';
import type { Snapshot } from '@/lib/snapshot/schema';
import { counterIndex, elapsedSeconds, formatCount, formatRate, packetRate, rateBase, rateFor, ruleKey } from './rates';
import { HOST_NS, labSnapshot } from './test-fixture.test-helper';

const s = labSnapshot();

/** A later revision: `dt` seconds on, with `f` applied to every host rule counter. */
function later(base: Snapshot, dt: number, f: (table: string, chain: string, index: number, packets: number) => number | null): Snapshot {
  const next = structuredClone(base);
  next.host.collectedAt = new Date(Date.parse(base.host.collectedAt) + dt * 1000).toISOString();
  const host = next.namespaces.find((n) => n.id === HOST_NS)!;
  for (const t of host.netfilter!.ipv4!.tables) {
    for (const c of t.chains) {
      c.rules.forEach((r, i) => {
        const p = f(t.name, c.name, i, r.counters?.packets ?? 0);
        r.counters = p === null ? null : { packets: p, bytes: p * 60 };
      });
    }
  }
  return next;
}

const dnat = (snap: Snapshot) => {
  const host = snap.namespaces.find((n) => n.id === HOST_NS)!;
  const chain = host.netfilter!.ipv4!.tables.find((t) => t.name === 'nat')!.chains.find((c) => c.name === 'DOCKER')!;
  const index = chain.rules.findIndex((r) => r.raw.includes('--dport 18080') && r.raw.includes('DNAT'));
  const rule = chain.rules[index];
  return { key: ruleKey(HOST_NS, 'ipv4', 'nat', 'DOCKER', index, rule.raw), rule };
};

describe('packetRate', () => {
  it('is the packet difference over the elapsed time', () => {
    expect(packetRate({ packets: 130, bytes: 0 }, { packets: 100, bytes: 0 }, 2)).toBe(15);
    expect(packetRate({ packets: 100, bytes: 0 }, { packets: 100, bytes: 0 }, 1)).toBe(0);
  });
  it('is unknown on the first revision, for a new rule, without counters or elapsed time', () => {
    expect(packetRate({ packets: 1, bytes: 0 }, undefined, 1)).toBeNull();
    expect(packetRate({ packets: 1, bytes: 0 }, null, 1)).toBeNull();
    expect(packetRate(null, { packets: 1, bytes: 0 }, 1)).toBeNull();
    expect(packetRate({ packets: 2, bytes: 0 }, { packets: 1, bytes: 0 }, null)).toBeNull();
    expect(packetRate({ packets: 2, bytes: 0 }, { packets: 1, bytes: 0 }, 0)).toBeNull();
  });
  it('is unknown when the counter went backwards (zeroed, reloaded)', () => {
    expect(packetRate({ packets: 3, bytes: 0 }, { packets: 500, bytes: 0 }, 1)).toBeNull();
  });
});

describe('elapsedSeconds', () => {
  it('reads ISO times; backwards, equal or unreadable times give null', () => {
    expect(elapsedSeconds('2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.500Z')).toBe(1.5);
    expect(elapsedSeconds('2026-01-01T00:00:01Z', '2026-01-01T00:00:00Z')).toBeNull();
    expect(elapsedSeconds('2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')).toBeNull();
    expect(elapsedSeconds('yesterday', '2026-01-01T00:00:00Z')).toBeNull();
  });
});

describe('rates between two revisions', () => {
  it('first revision: no base, every rate unknown', () => {
    expect(rateBase(null, s)).toBeNull();
    expect(rateBase(s, s)).toBeNull();
    const { key, rule } = dnat(s);
    expect(rateFor(null, key, rule.counters)).toBeNull();
  });

  it('a rule whose counter moved has a rate; one that did not has 0', () => {
    const next = later(s, 2, (t, c, i, p) => p + (t === 'nat' && c === 'DOCKER' ? 10 : 0));
    const base = rateBase(s, next)!;
    expect(base.seconds).toBe(2);
    const d = dnat(next);
    expect(rateFor(base, d.key, d.rule.counters)).toBe(5);
    const host = next.namespaces.find((n) => n.id === HOST_NS)!;
    const fwd = host.netfilter!.ipv4!.tables.find((t) => t.name === 'filter')!.chains.find((c) => c.name === 'FORWARD')!;
    expect(rateFor(base, ruleKey(HOST_NS, 'ipv4', 'filter', 'FORWARD', 0, fwd.rules[0].raw), fwd.rules[0].counters)).toBe(0);
  });

  it('a counter reset gives no rate rather than a negative one', () => {
    const busy = later(s, 1, (_t, _c, _i, p) => p + 1000);
    const reset = later(busy, 1, () => 0);
    const base = rateBase(busy, reset)!;
    const d = dnat(reset);
    expect(rateFor(base, d.key, d.rule.counters)).toBeNull();
  });

  it('a rule that disappeared or moved has no rate (its key is not in the previous revision)', () => {
    const next = later(s, 1, (_t, _c, _i, p) => p + 1);
    const host = next.namespaces.find((n) => n.id === HOST_NS)!;
    const docker = host.netfilter!.ipv4!.tables.find((t) => t.name === 'nat')!.chains.find((c) => c.name === 'DOCKER')!;
    docker.rules.unshift({ ...docker.rules[0], raw: '-A DOCKER -i lab-new -j RETURN' });
    const base = rateBase(s, next)!;
    const d = dnat(next); // now one position further down
    expect(rateFor(base, d.key, d.rule.counters)).toBeNull();
    // And a rule gone from the current revision is simply not asked about; the old key stays in the base only.
    expect(counterIndex(next).has(dnat(s).key)).toBe(false);
  });

  it('indexes every counted rule of every namespace, iptables and native nftables', () => {
    const idx = counterIndex(s);
    const total = s.namespaces.reduce(
      (n, ns) => n + (['ipv4', 'ipv6'] as const).reduce((m, f) => m + (ns.netfilter?.[f]?.tables ?? []).reduce((k, t) => k + t.chains.reduce((j, c) => j + c.rules.filter((r) => r.counters).length, 0), 0), 0),
      0,
    );
    expect(idx.size).toBe(total);
    const withNft = structuredClone(s);
    withNft.namespaces[0].netfilter!.nftables = [
      { family: 'ip', name: 'docker-bridges', sets: [], chains: [{ name: 'x', type: null, hook: null, priority: null, policy: null, rules: [{ text: 'counter accept', handle: 3, counters: { packets: 4, bytes: 5 }, comment: null, expr: null }] }] },
    ];
    expect(counterIndex(withNft).get(ruleKey(HOST_NS, 'nft:ip', 'docker-bridges', 'x', 0, 'counter accept'))).toEqual({ packets: 4, bytes: 5 });
  });
});

describe('formatting', () => {
  it('rates', () => {
    expect(formatRate(null)).toBe('—');
    expect(formatRate(Number.NaN)).toBe('—');
    expect(formatRate(0)).toBe('0/s');
    expect(formatRate(0.5)).toBe('0.5/s');
    expect(formatRate(3)).toBe('3/s');
    expect(formatRate(42.4)).toBe('42/s');
    expect(formatRate(3400)).toBe('3.4k/s');
    expect(formatRate(1_200_000)).toBe('1.2M/s');
  });
  it('counters as iptables -L -v prints them', () => {
    expect(formatCount(null)).toBe('—');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(99999)).toBe('99999');
    expect(formatCount(100000)).toBe('100K');
    expect(formatCount(9_999_499)).toBe('9999K');
    expect(formatCount(12_345_678)).toBe('12M');
    expect(formatCount(5_000_000_000)).toBe('5000M');
    expect(formatCount(50_000_000_000)).toBe('50G');
  });
});
