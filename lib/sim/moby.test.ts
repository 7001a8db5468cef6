import { describe, expect, it } from 'vitest';
import { parseNftText } from '../netfilter/nft-text-parse';
import type { Snapshot } from '../snapshot/schema';
import { mobyHost, mobyRules, mobyText } from './fixtures.test-helper';
import { tracePath } from './trace';
import type { Endpoint, Outcome, TraceResult } from './types';

// Docker 28 and 29's own documented rules (moby's iptablesdoc/nftablesdoc generated files) on the documentation's
// host: uplink eth0 203.0.113.2, bridge1 192.0.2.0/24 with c1 = 192.0.2.2 publishing 8080 → 80, docker0.

const OUT: Endpoint = { kind: 'outside', ip: '198.51.100.7', iface: 'eth0' };
const C1: Endpoint = { kind: 'container', containerId: 'id-c1' };
const to = (ip: string, port: number | null = 80) => ({ kind: 'ip' as const, ip, port });
const trace = (s: Snapshot, from: Endpoint, target: ReturnType<typeof to>): TraceResult => tracePath(s, { from, to: target, protocol: 'tcp' });
const seen = (o: Outcome) => (o.result === 'delivered' ? o.seenSource : o.result);

describe.each(['28.0.1', '28.3.0', '29.7.2'])('Docker %s iptables, usernet-portmap', (v) => {
  const s = mobyHost({ ipv4: mobyRules(`docker-v${v}_iptablesdoc_usernet-portmap.iptables-S.txt`) });

  it('a published port is DNATed to c1, which sees the client', () => {
    const r = trace(s, OUT, to('203.0.113.2', 8080));
    expect(r.outcome).toMatchObject({ result: 'delivered', namespaceId: 'netns:100', seenSource: '198.51.100.7', seenDestination: '192.0.2.2:80' });
  });

  it('direct access to the container from outside is dropped in raw PREROUTING', () => {
    expect(trace(s, OUT, to('192.0.2.2')).outcome).toMatchObject({ result: 'dropped', table: 'raw', chain: 'PREROUTING', index: 0 });
  });

  it('c1 going out is masqueraded to the uplink address and leaves the host', () => {
    expect(trace(s, C1, to('198.51.100.7', 443)).outcome).toMatchObject({
      result: 'delivered',
      seenSource: '203.0.113.2',
      leaves: { iface: 'eth0', via: '203.0.113.1' },
    });
  });
});

describe('Docker 28.0.0: the ipset in FORWARD', () => {
  it('is unknown, but with the documented FORWARD policy ACCEPT both answers deliver', () => {
    const s = mobyHost({ ipv4: mobyRules('docker-v28.0.0_iptablesdoc_usernet-portmap.iptables-S.txt') });
    const r = trace(s, OUT, to('203.0.113.2', 8080));
    expect(seen(r.outcome)).toBe('198.51.100.7');
    expect(r.steps.at(-1)).toMatchObject({ type: 'note', text: expect.stringContaining('the outcome is the same either way') });
  });

  it('decides the outcome once FORWARD drops by default', () => {
    const rules = mobyRules('docker-v28.0.0_iptablesdoc_usernet-portmap.iptables-S.txt');
    rules.tables.find((t) => t.name === 'filter')!.chains.find((c) => c.name === 'FORWARD')!.policy = 'DROP';
    const r = trace(mobyHost({ ipv4: rules }), OUT, to('203.0.113.2', 8080));
    expect(r.outcome).toMatchObject({
      result: 'uncertain',
      table: 'filter',
      chain: 'FORWARD',
      index: 3,
      rule: '-A FORWARD -m set --match-set docker-ext-bridges-v4 dst -j DOCKER',
      why: expect.stringContaining('ipset'),
    });
  });
});

describe('Docker 28.3 without the userland proxy', () => {
  const rules = mobyRules('docker-v28.3.0_iptablesdoc_usernet-portmap-noproxy.iptables-S.txt');

  it('c1 reaching its own published port through the host: hairpin DNAT + MASQUERADE, seen from bridge1’s address', () => {
    const r = trace(mobyHost({ ipv4: rules }), C1, to('203.0.113.2', 8080));
    expect(r.outcome).toMatchObject({ result: 'delivered', namespaceId: 'netns:100', seenSource: '192.0.2.1', seenDestination: '192.0.2.2:80' });
    expect(r.steps.filter((x) => x.type === 'nat').map((x) => x.type === 'nat' && x.kind)).toEqual(['dnat', 'masquerade']);
  });

  it('the host on 127.0.0.1: DNAT in OUTPUT works only with route_localnet on the bridge', () => {
    const ok = trace(mobyHost({ ipv4: rules, routeLocalnet: { bridge1: 1 } }), { kind: 'host' }, to('127.0.0.1', 8080));
    expect(ok.outcome).toMatchObject({ result: 'delivered', seenSource: '192.0.2.1' });
    const no = trace(mobyHost({ ipv4: rules }), { kind: 'host' }, to('127.0.0.1', 8080));
    expect(no.outcome).toMatchObject({ result: 'dropped', cause: 'martian', why: expect.stringContaining('route_localnet=0') });
  });
});

describe('Docker 28.3 with icc disabled', () => {
  it('drops traffic between two containers of the network, bridged through iptables', () => {
    const s = mobyHost({
      ipv4: mobyRules('docker-v28.3.0_iptablesdoc_usernet-portmap-noicc.iptables-S.txt'),
      containers: [
        { name: 'c1', ip: '192.0.2.2', bridge: 'bridge1' },
        { name: 'c2', ip: '192.0.2.3', bridge: 'bridge1' },
      ],
    });
    const r = trace(s, { kind: 'container', containerId: 'id-c2' }, to('192.0.2.2'));
    expect(r.outcome).toMatchObject({ result: 'dropped', chain: 'DOCKER-FORWARD', rule: '-A DOCKER-FORWARD -i bridge1 -o bridge1 -j DROP' });
  });
});

describe('Docker 29 nftables (ip docker-bridges)', () => {
  const nft = mobyHost({ nftables: parseNftText(mobyText('docker-v29.7.2_nftablesdoc_usernet-portmap.nft.txt')) });

  it('a published port: dnat in nat-prerouting-and-output, accepted by the per-bridge chain the vmap picks', () => {
    const r = trace(nft, OUT, to('203.0.113.2', 8080));
    expect(r.outcome).toMatchObject({ result: 'delivered', seenSource: '198.51.100.7', seenDestination: '192.0.2.2:80' });
    const rules = r.steps.filter((x) => x.type === 'rule' && x.verdict === 'match');
    expect(rules.map((x) => x.type === 'rule' && `${x.chain}#${x.index} ${x.effect}`)).toEqual([
      'nat-PREROUTING#0 jump nat-prerouting-and-output',
      'nat-prerouting-and-output#0 DNAT → 192.0.2.2:80',
      'filter-FORWARD#0 oifname vmap @filter-forward-in-jumps: jump filter-forward-in__bridge1',
      'filter-forward-in__bridge1#2 accept',
      'nat-POSTROUTING#1 oifname vmap @nat-postrouting-in-jumps: jump nat-postrouting-in__bridge1',
    ]);
  });

  it('direct access is dropped by the raw-priority chain', () => {
    expect(trace(nft, OUT, to('192.0.2.2')).outcome).toMatchObject({ result: 'dropped', table: 'ip docker-bridges', chain: 'raw-PREROUTING', index: 0 });
  });

  it('from another bridge: direct access to c1 is dropped in raw, an unpublished container in the filter chain', () => {
    const s = mobyHost({
      nftables: parseNftText(mobyText('docker-v29.7.2_nftablesdoc_usernet-portmap.nft.txt')),
      containers: [
        { name: 'c1', ip: '192.0.2.2', bridge: 'bridge1' },
        { name: 'c2', ip: '192.0.2.3', bridge: 'bridge1' },
        { name: 'd1', ip: '172.17.0.2', bridge: 'docker0' },
      ],
    });
    const d1: Endpoint = { kind: 'container', containerId: 'id-d1' };
    expect(trace(s, d1, to('192.0.2.2')).outcome).toMatchObject({ result: 'dropped', chain: 'raw-PREROUTING', index: 0 });
    expect(trace(s, d1, to('192.0.2.3')).outcome).toMatchObject({ result: 'dropped', chain: 'filter-forward-in__bridge1', index: 3 });
    // ICC on bridge1, bridged through br_netfilter: accepted by the per-bridge chain's ICC rule.
    expect(trace(s, { kind: 'container', containerId: 'id-c2' }, to('192.0.2.2')).outcome).toMatchObject({ result: 'delivered', seenSource: '192.0.2.3' });
  });

  it('going out, masquerade comes from the chain the iifname vmap picks in POSTROUTING', () => {
    const r = trace(nft, C1, to('198.51.100.7', 443));
    expect(r.outcome).toMatchObject({ result: 'delivered', seenSource: '203.0.113.2' });
    expect(r.steps.find((x) => x.type === 'nat')).toMatchObject({ kind: 'masquerade', by: 'ip docker-bridges nat-postrouting-out__bridge1 rule 1' });
  });

  it('published on 127.0.0.1: remote loopback is refused, and the host’s own 127.0.0.1 is not DNATed', () => {
    const lo = mobyHost({ nftables: parseNftText(mobyText('docker-v29.7.2_nftablesdoc_usernet-portmap-lo.nft.txt')) });
    expect(trace(lo, OUT, to('203.0.113.2', 8080)).outcome).toMatchObject({ result: 'delivered', namespaceId: 'netns:1', listener: 'unknown' });
    const host = trace(lo, { kind: 'host' }, to('127.0.0.1', 8080));
    expect(host.outcome).toMatchObject({ result: 'delivered', namespaceId: 'netns:1', seenSource: '127.0.0.1' });
    expect(host.steps.filter((x) => x.type === 'nat')).toEqual([]);
  });

  it('with a docker-proxy on 127.0.0.1:8080, the host reaches c1 from bridge1’s address', () => {
    const lo = mobyHost({
      nftables: parseNftText(mobyText('docker-v29.7.2_nftablesdoc_usernet-portmap-lo.nft.txt')),
      proxies: [{ pid: 42, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 8080, containerIp: '192.0.2.2', containerPort: 80, containerId: 'id-c1' }],
    });
    const r = trace(lo, { kind: 'host' }, to('127.0.0.1', 8080));
    expect(r.legs).toBe(2);
    expect(r.outcome).toMatchObject({ result: 'delivered', seenSource: '192.0.2.1' });
  });
});
