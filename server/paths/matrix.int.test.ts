import { beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../lib/snapshot/schema';
import { tracePath } from '../../lib/sim/trace';
import type { Outcome, TraceQuery, TraceResult } from '../../lib/sim/types';
import type { Observation } from './kernel';
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
    expect(lab.sources).toHaveLength(10);
    expect(lab.targets).toHaveLength(19);
    // Every source × every target, loopback ones included.
    expect(observed).toHaveLength(190);
  });

  it('loopback, loopback-only published ports and ports where nothing listens show', () => {
    expect(at('lab-web', 'own 127.0.0.1:80')).toMatchObject({ connected: true, seenSource: '127.0.0.1' });
    expect(at('lab-web', 'published 127.0.0.1:18081')).toMatchObject({ connected: false, failure: 'fast' }); // its own loopback
    expect(at('host', 'loopback-only 198.19.255.1:18081')).toMatchObject({ connected: false, failure: 'fast' });
    expect(at('lab-api', 'lab-web:81').connected).toBe(false);
    expect(at('198.19.255.2@na-demo-h', 'outside 198.19.255.2:80')).toMatchObject({ connected: true, seenSource: '198.19.255.2' });
    expect(at('lab-api', 'lab-db udp:18053')).toMatchObject({ connected: true, seenSource: '198.18.1.2' });
    expect(at('lab-api', 'lab-db udp:18054')).toMatchObject({ connected: false, failure: 'fast' }); // ICMP port unreachable
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
  const query: TraceQuery = { from: pair.source.sim, to: { kind: 'ip', ip: pair.target.ip, port: pair.target.port }, protocol: pair.target.protocol ?? 'tcp' };
  let result: TraceResult;
  try {
    result = tracePath(snapshot, query);
  } catch (e) {
    return { pair, result: null, error: (e as Error).stack ?? String(e), agree: false };
  }
  const delivered = result.outcome.result === 'delivered';
  const seen = result.outcome.result === 'delivered' ? result.outcome.seenSource : null;
  const failure = expectedFailure(result.outcome.result);
  const agree =
    delivered === pair.observed.connected && (!delivered || seen === pair.observed.seenSource) && (failure === null || failure === pair.observed.failure);
  return { pair, result, error: null, agree };
};

/**
 * How the kernel should fail for the simulator's outcome: an answer (RST, or REJECT's ICMP) fails at once, a drop
 * times out. no-route is not compared: an on-link neighbour that never answers ARP fails with EHOSTUNREACH only
 * after the neighbour timeout, a missing route at once.
 */
function expectedFailure(result: Outcome['result']): Observation['failure'] {
  if (result === 'refused' || result === 'port-unreachable' || result === 'rejected') return 'fast';
  if (result === 'dropped') return 'timeout';
  return null;
}

const kernelWords = (p: ObservedPair) =>
  p.observed.connected ? `connected, seen from ${p.observed.seenSource}` : `failed (${p.observed.failure}, ${p.observed.ms} ms): ${p.observed.error}`;
const simWords = (v: Verdict) => {
  if (!v.result) return `threw: ${v.error?.split('\n')[0]}`;
  const o = v.result.outcome;
  return o.result === 'delivered' ? `delivered, seen from ${o.seenSource}` : o.result;
};

describe('the simulator agrees with the kernel', () => {
  it('on every pair: delivered ⇔ connected, and the source the server sees', () => {
    const verdicts = observed.map(judge);
    const bad = verdicts.filter((v) => !v.agree);
    const count = (f: (v: Verdict) => boolean) => verdicts.filter(f).length;
    console.log(
      `paths: ${verdicts.length - bad.length}/${verdicts.length} agree; kernel: ${count((v) => v.pair.observed.connected)} connected, ` +
        `${count((v) => v.pair.observed.failure === 'fast')} failed at once, ${count((v) => v.pair.observed.failure === 'timeout')} timed out; ` +
        `simulator: ${['delivered', 'refused', 'port-unreachable', 'rejected', 'dropped', 'no-route', 'uncertain'].map((r) => `${count((v) => v.result?.outcome.result === r)} ${r}`).join(', ')}`,
    );
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
