import { describe, expect, it } from 'vitest';
import { prng, ruledHost, withAllCountersMoved } from '../history/corpus.test-helper';
import type { Snapshot } from '../snapshot/schema';
import { compareSnapshots, hasChangeOf, listedForPage, NEW_FLOWS_LISTED, type Comparison } from './compare';
import { labPair, type Scenario } from './fixtures.test-helper';
import { sideShort } from './reach-diff';
import { tracePath } from '../sim/trace';

/**
 * On pairs of real lab snapshots (lib/compare/__fixtures__/README.md says how each was made). The lists are the
 * whole answer: an extra or missing entry fails. Two host listeners on 127.0.0.1 (4331, 54341) belong to other
 * processes on the shared machine that came and went between the two snapshots: real changes, so they are listed.
 */

const compared = new Map<Scenario, Comparison>();
function compare(s: Scenario): Comparison {
  let c = compared.get(s);
  if (!c) {
    const { before, after } = labPair(s);
    c = compareSnapshots(before, after);
    compared.set(s, c);
  }
  return c;
}

const changeLines = (c: Comparison) => c.changes.map((x) => `${x.action} ${x.kind} | ${x.subject} | ${x.detail}`);
/** Flows that broke, opened or are dropped for another reason: source → target | decided by before → after. */
const flowLines = (c: Comparison) =>
  c.reachability.changes.filter((f) => f.kind !== 'new').map((f) => `${f.kind} ${f.key} | ${sideShort(f.before)} → ${sideShort(f.after)}`);
const newDelivered = (c: Comparison) => c.reachability.changes.filter((f) => f.kind === 'new' && f.after?.verdict === 'delivered').map((f) => f.key);
const flow = (c: Comparison, key: string) => c.reachability.changes.find((f) => f.key === key)!;
const failsOn = (c: Comparison) => (['reachability', 'structure', 'rules'] as const).filter((k) => hasChangeOf(c, k));

describe('compare on real lab snapshots', () => {
  it('a container connected to a second network: the endpoint, its interfaces and routes; the flows it opened', () => {
    const c = compare('connect');
    expect(changeLines(c)).toEqual([
      'added endpoint | i16-q1 on netatlas-i16-p | connected at 198.18.160.21/24',
      'added interface | host: veth to i16-q1 eth1 | veth on netatlas-i16-p',
      'added listener | host | 127.0.0.1:4331/tcp',
      'added interface | i16-q1: eth1 | veth',
      'removed route | i16-q1 | default via 198.18.161.1 dev eth0',
      'added route | i16-q1 | default via 198.18.160.1 dev eth1',
      'added route | i16-q1 | 198.18.160.0/24 dev eth1',
    ]);
    expect(flowLines(c)).toEqual([
      'opened i16-q1 → i16-p1@netatlas-i16-p:80/tcp | filter DOCKER-ISOLATION-STAGE-2 rule 2 → delivered',
      'opened i16-q1 → i16-p2@netatlas-i16-p:80/tcp | filter DOCKER-ISOLATION-STAGE-2 rule 2 → delivered',
    ]);
    // Its new address is a new target: 18 new flows, delivered from its own network, the host and itself.
    expect(c.reachability.changes.filter((f) => f.kind === 'new')).toHaveLength(18);
    expect(newDelivered(c)).toEqual([
      'host → i16-q1@netatlas-i16-p:80/tcp',
      'i16-p1 → i16-q1@netatlas-i16-p:80/tcp',
      'i16-p2 → i16-q1@netatlas-i16-p:80/tcp',
      'i16-q1 → i16-q1@netatlas-i16-p:80/tcp',
    ]);
    const opened = flow(c, 'i16-q1 → i16-p1@netatlas-i16-p:80/tcp');
    expect(opened.because).toMatch(/^before: dropped by filter DOCKER-ISOLATION-STAGE-2 rule 2 \(-A DOCKER-ISOLATION-STAGE-2 -o br-\w+ -j DROP\); after: delivered — endpoint added: i16-q1 on netatlas-i16-p \(connected at 198\.18\.160\.21\/24\)$/);
    expect(c.changes[opened.related[0]]).toMatchObject({ kind: 'endpoint', action: 'added' });
    // Each side's query traces that side's path, as the compare view shows it when the flow is opened.
    const { before, after } = labPair('connect');
    expect(tracePath(before, opened.queries.before!).summary).toContain('DOCKER-ISOLATION-STAGE-2');
    expect(tracePath(after, opened.queries.after!).summary).toContain('delivered to i16-p1');
    expect(failsOn(c)).toEqual(['reachability', 'structure']);
  });

  it('a DOCKER-USER rule: one rule, explained; the flows from outside it breaks, and those it now decides', () => {
    const c = compare('rule');
    expect(changeLines(c)).toEqual([
      'added rule | host ipv4 filter/DOCKER-USER | -A DOCKER-USER -s 203.0.113.0/24 -m comment --comment netatlas-lab-test -j DROP',
    ]);
    expect(c.changes[0].explanation).toBe('Drops packets from 203.0.113.0/24 (comment: "netatlas-lab-test").');
    expect(c.changes[0].object).toEqual({
      type: 'rule', namespace: 'host', family: 'ipv4', table: 'filter', chain: 'DOCKER-USER', index: 0,
      text: '-A DOCKER-USER -s 203.0.113.0/24 -m comment --comment netatlas-lab-test -j DROP',
    });
    const policyToUser = (target: string) => `changed outside → ${target} | the filter FORWARD policy → filter DOCKER-USER rule 1`;
    expect(flowLines(c)).toEqual([
      'broken outside → lab-web@bridge:80/tcp | delivered → filter DOCKER-USER rule 1',
      'broken outside → published 192.0.2.2:18080/tcp | delivered → filter DOCKER-USER rule 1',
      policyToUser('i16-p1@netatlas-i16-p:80/tcp'),
      policyToUser('i16-p2@netatlas-i16-p:80/tcp'),
      policyToUser('i16-q1@netatlas-i16-q:80/tcp'),
      policyToUser('lab-api@netatlas-lab-a:80/tcp'),
      policyToUser('lab-api@netatlas-lab-b:80/tcp'),
      policyToUser('lab-db@netatlas-lab-a:80/tcp'),
      'changed outside → lab-int1@netatlas-lab-int:80/tcp | filter DOCKER-ISOLATION-STAGE-1 rule 6 → filter DOCKER-USER rule 1',
      policyToUser('lab-linked@bridge:80/tcp'),
      policyToUser('lab-mv1@netatlas-lab-mv:80/tcp'),
      policyToUser('lab-noicc1@netatlas-lab-noicc:80/tcp'),
      policyToUser('lab-noicc2@netatlas-lab-noicc:80/tcp'),
      policyToUser('lab-worker@netatlas-lab-b:80/tcp'),
      policyToUser('netatlas-shop-api-1@netatlas-lab-shop:80/tcp'),
      policyToUser('netatlas-shop-db-1@netatlas-lab-shop:80/tcp'),
      policyToUser('netatlas-shop-web-1@netatlas-lab-shop:80/tcp'),
      policyToUser('outside'),
    ]);
    expect(flow(c, 'outside → published 192.0.2.2:18080/tcp').because).toBe(
      'before: delivered; after: dropped by filter DOCKER-USER rule 1 (-A DOCKER-USER -s 203.0.113.0/24 -m comment --comment netatlas-lab-test -j DROP)' +
        ' — that rule was added (host ipv4 filter/DOCKER-USER)',
    );
    expect(failsOn(c)).toEqual(['reachability', 'rules']);
  });

  it('a port published by a new container: the container, its port and Docker\'s three rules; new flows only', () => {
    const c = compare('port');
    expect(changeLines(c)).toEqual([
      'added container | i16-pub | netatlas-lab/busybox:1',
      'added port | i16-pub | 127.0.0.1:18350 → 80/tcp',
      'added interface | host: veth to i16-pub eth0 | veth on netatlas-i16-p',
      'removed listener | host | 127.0.0.1:54341/tcp',
      'added listener | host | 127.0.0.1:18350/tcp',
      'added rule | host ipv4 filter/DOCKER | -A DOCKER -d 198.18.160.30/32 ! -i br-f3648a3adafd -o br-f3648a3adafd -p tcp -m tcp --dport 80 -j ACCEPT',
      'added rule | host ipv4 nat/POSTROUTING | -A POSTROUTING -s 198.18.160.30/32 -d 198.18.160.30/32 -p tcp -m tcp --dport 80 -j MASQUERADE',
      'added rule | host ipv4 nat/DOCKER | -A DOCKER -d 127.0.0.1/32 ! -i br-f3648a3adafd -p tcp -m tcp --dport 18350 -j DNAT --to-destination 198.18.160.30:80',
    ]);
    const dnat = c.changes.find((x) => x.detail?.includes('DNAT'))!;
    expect(dnat.explanation).toContain('redirected to i16-pub (198.18.160.30:80)');
    expect(flowLines(c)).toEqual([]);
    expect(newDelivered(c)).toContain('host → published 127.0.0.1:18350/tcp');
    expect(c.reachability.changes.filter((f) => f.kind === 'new')).toHaveLength(38);
    expect(failsOn(c)).toEqual(['structure', 'rules']);
  });

  it('a container restarted: one line, although its namespace, veth and DNS ports are all new', () => {
    const c = compare('restart');
    expect(changeLines(c)).toEqual(['restarted container | i16-p2 | new network namespace']);
    expect(c.reachability.changes).toEqual([]);
    expect(failsOn(c)).toEqual(['structure']);
  });

  it('icc turned off (the network recreated): the option, the icc rule swapped, the flows it broke', () => {
    const c = compare('icc');
    expect(changeLines(c)).toEqual([
      'recreated network | netatlas-i16-icc | icc on → off, bridge br-b6f68c95d990 → br-f3d9ff25610b, option com.docker.network.bridge.enable_icc (unset) → false',
      'removed interface | host: veth to i16-c1 eth0 | veth on netatlas-i16-icc',
      'removed interface | host: veth to i16-c2 eth0 | veth on netatlas-i16-icc',
      'added interface | host: veth to i16-c1 eth1 | veth on netatlas-i16-icc',
      'added interface | host: veth to i16-c2 eth1 | veth on netatlas-i16-icc',
      'removed rule | host ipv4 filter/FORWARD | -A FORWARD -i br-b6f68c95d990 -o br-b6f68c95d990 -j ACCEPT',
      'added rule | host ipv4 filter/FORWARD | -A FORWARD -i br-f3d9ff25610b -o br-f3d9ff25610b -j DROP',
      'removed interface | i16-c1: eth0 | veth',
      'added interface | i16-c1: eth1 | veth',
      'removed route | i16-c1 | default via 198.18.162.1 dev eth0',
      'removed route | i16-c1 | 198.18.162.0/24 dev eth0',
      'added route | i16-c1 | default via 198.18.162.1 dev eth1',
      'added route | i16-c1 | 198.18.162.0/24 dev eth1',
      'removed interface | i16-c2: eth0 | veth',
      'added interface | i16-c2: eth1 | veth',
      'removed route | i16-c2 | default via 198.18.162.1 dev eth0',
      'removed route | i16-c2 | 198.18.162.0/24 dev eth0',
      'added route | i16-c2 | default via 198.18.162.1 dev eth1',
      'added route | i16-c2 | 198.18.162.0/24 dev eth1',
    ]);
    expect(c.changes.find((x) => x.detail?.endsWith('-j DROP'))!.explanation).toContain('inter-container communication is disabled');
    expect(flowLines(c)).toEqual([
      'broken i16-c1 → i16-c2@netatlas-i16-icc:80/tcp | delivered → filter FORWARD rule 39',
      'broken i16-c2 → i16-c1@netatlas-i16-icc:80/tcp | delivered → filter FORWARD rule 39',
    ]);
    // The fact, not the mechanism: the network's icc option, though the DROP rule Docker wrote decided it.
    const broken = flow(c, 'i16-c1 → i16-c2@netatlas-i16-icc:80/tcp');
    expect(broken.because).toContain('— network recreated: netatlas-i16-icc (icc on → off');
    expect(broken.related.map((i) => c.changes[i].kind)).toContain('rule');
    expect(failsOn(c)).toEqual(['reachability', 'structure', 'rules']);
  });
});

describe('compare on made-up changes', () => {
  const { before } = labPair('rule');

  it('counters and collection times are never changes', () => {
    const c = compareSnapshots(before, withAllCountersMoved(before, prng(7)));
    expect(c.changes).toEqual([]);
    expect(c.reachability.changes).toEqual([]);
  });

  it('a rule moved to the end of its chain is one move, not a removal and an addition', () => {
    const after = structuredClone(before) as Snapshot;
    const forward = after.namespaces.find((n) => n.kind === 'host')!.netfilter!.ipv4!.tables.find((t) => t.name === 'filter')!.chains.find((ch) => ch.name === 'FORWARD')!;
    const [first] = forward.rules.splice(0, 1);
    forward.rules.push(first);
    const rules = compareSnapshots(before, after).changes.filter((x) => x.kind === 'rule');
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ action: 'moved', subject: 'host ipv4 filter/FORWARD', object: { index: forward.rules.length - 1, text: first.raw } });
    expect(rules[0].detail).toBe(`${first.raw} (position 1 → ${forward.rules.length})`);
  });

  it('a container recreated under the same name is one container that changed, its flows kept', () => {
    const after = structuredClone(before) as Snapshot;
    const c = after.docker!.containers.find((x) => x.name === 'i16-p1')!;
    const oldId = c.id;
    c.id = 'f'.repeat(64);
    for (const ns of after.namespaces) ns.containers = ns.containers.map((id) => (id === oldId ? c.id : id));
    for (const n of after.docker!.networks) n.containers = n.containers.map((id) => (id === oldId ? c.id : id));
    const got = compareSnapshots(before, after);
    expect(changeLines(got)).toEqual([`recreated container | i16-p1 | id ${oldId.slice(0, 12)} → ffffffffffff`]);
    expect(got.reachability.changes).toEqual([]);
  });

  it('a host that grew: the page is sent every new flow that is delivered and the first others, and counts them all', () => {
    const whole = compareSnapshots(ruledHost(5), ruledHost(80));
    const fresh = whole.reachability.changes.filter((f) => f.kind === 'new');
    expect(fresh.length).toBeGreaterThan(NEW_FLOWS_LISTED);
    const delivered = fresh.filter((f) => f.after?.verdict === 'delivered');
    expect(whole.reachability.newFlows).toEqual({ total: fresh.length, delivered: delivered.length });
    const page = listedForPage(whole);
    const listed = page.reachability.changes.filter((f) => f.kind === 'new');
    expect(listed).toHaveLength(NEW_FLOWS_LISTED);
    expect(listed.slice(0, delivered.length)).toEqual(delivered);
    expect(page.reachability.newFlows).toEqual(whole.reachability.newFlows);
    expect(page.reachability.changes.filter((f) => f.kind !== 'new')).toEqual(whole.reachability.changes.filter((f) => f.kind !== 'new'));
    expect(JSON.stringify(page).length).toBeLessThan(JSON.stringify(whole).length / 4);
  });
});
