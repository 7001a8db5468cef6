import { beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../lib/snapshot/schema';
import { tracePath } from '../../lib/sim/trace';
import type { TraceQuery, TraceResult } from '../../lib/sim/types';
import { collectSnapshot } from '../collect/collector';
import { discoverLab, formatMatrix, observeAll, pairsOf, type Lab, type ObservedPair } from './matrix';

// The packet-path simulator against the kernel. Every source in the lab connects for real to every target (busybox
// wget to the lab's /cgi-bin/remote, which echoes the peer address it saw); the simulator answers the same question
// from ONE snapshot taken before. For every pair: predicted delivered ⇔ connected, and when delivered, the predicted
// source address the server sees = the observed one. A disagreement is a simulator bug: nothing here is loosened.

let lab: Lab;
let snapshot: Snapshot;
let observed: ObservedPair[];

beforeAll(async () => {
  lab = discoverLab();
  snapshot = await collectSnapshot();
  observed = await observeAll(pairsOf(lab), 8);
  console.log(`kernel matrix (what the connections did):\n${formatMatrix(lab, observed)}`);
}, 180_000);

const at = (from: string, to: string) => {
  const o = observed.find((x) => x.source.label === from && x.target.label === to);
  if (!o) throw new Error(`no pair ${from} → ${to}`);
  return o.observed;
};

describe('the lab exercises what the matrix is for (kernel facts, no simulator)', () => {
  it('has the pairs it should', () => {
    expect(lab.sources).toHaveLength(9);
    expect(lab.targets).toHaveLength(13);
    // Loopback targets only from the host: 9 × 13 − 8 × 2.
    expect(observed).toHaveLength(101);
  });

  it('isolation, icc, --internal, the DOCKER-USER rule and docker-proxy all show', () => {
    expect(at('lab-api', 'lab-db').connected).toBe(true); // same network
    expect(at('lab-db', 'lab-worker').connected).toBe(false); // bridges are isolated from each other
    expect(at('lab-noicc1', 'lab-noicc2').connected).toBe(false); // icc disabled
    expect(at('host', 'lab-noicc2').connected).toBe(true);
    expect(at('lab-int1', 'outside 198.19.255.2:80').connected).toBe(false); // internal: no way out
    expect(at('host', 'lab-int1').connected).toBe(true);
    expect(at('lab-db', 'outside 198.19.255.2:80')).toMatchObject({ connected: true, seenSource: '198.19.255.1' }); // masqueraded
    expect(at('lab-worker', 'outside 198.19.255.2:80').connected).toBe(false); // the lab's DOCKER-USER rule
    expect(at('host', 'published 127.0.0.1:18081')).toMatchObject({ connected: true, seenSource: '198.18.0.1' }); // docker-proxy
    expect(at('host', 'lab-mv1').connected).toBe(false); // macvlan: the host cannot reach its child through the parent
    expect(at('lab-mv1', 'lab-mv1')).toMatchObject({ connected: true, seenSource: '198.18.6.2' });
  });
});

interface Verdict {
  pair: ObservedPair;
  result: TraceResult | null;
  error: string | null;
  agree: boolean;
}

const judge = (pair: ObservedPair): Verdict => {
  const query: TraceQuery = { from: pair.source.sim, to: { kind: 'ip', ip: pair.target.ip, port: pair.target.port }, protocol: 'tcp' };
  let result: TraceResult;
  try {
    result = tracePath(snapshot, query);
  } catch (e) {
    return { pair, result: null, error: (e as Error).stack ?? String(e), agree: false };
  }
  const delivered = result.outcome.result === 'delivered';
  const seen = result.outcome.result === 'delivered' ? result.outcome.seenSource : null;
  const agree = delivered === pair.observed.connected && (!delivered || seen === pair.observed.seenSource);
  return { pair, result, error: null, agree };
};

const kernelWords = (p: ObservedPair) => (p.observed.connected ? `connected, seen from ${p.observed.seenSource}` : `failed: ${p.observed.error}`);
const simWords = (v: Verdict) => {
  if (!v.result) return `threw: ${v.error?.split('\n')[0]}`;
  const o = v.result.outcome;
  return o.result === 'delivered' ? `delivered, seen from ${o.seenSource}` : o.result;
};

describe('the simulator agrees with the kernel', () => {
  it('on every pair: delivered ⇔ connected, and the source the server sees', () => {
    const verdicts = observed.map(judge);
    const bad = verdicts.filter((v) => !v.agree);
    console.log(`paths: ${verdicts.length - bad.length}/${verdicts.length} agree`);
    if (bad.length) {
      const rows = bad.map((v) => [
        v.pair.source.label,
        `${v.pair.target.label} (${v.pair.target.ip}:${v.pair.target.port})`,
        kernelWords(v.pair),
        simWords(v),
      ]);
      const widths = [0, 1, 2, 3].map((i) => Math.max(...[['from', 'to', 'kernel', 'simulator'], ...rows].map((r) => r[i].length)));
      const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ');
      const out = [line(['from', 'to', 'kernel', 'simulator'])];
      for (const [k, v] of bad.entries()) {
        out.push(line(rows[k]));
        out.push(`    ${v.result ? v.result.summary : v.error}`);
      }
      console.log(`disagreements:\n${out.join('\n')}`);
    }
    expect(bad.map((v) => `${v.pair.source.label} → ${v.pair.target.label}: kernel ${kernelWords(v.pair)}; simulator ${simWords(v)}`)).toEqual([]);
  });
});
