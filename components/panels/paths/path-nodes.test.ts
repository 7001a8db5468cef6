import { describe, expect, it } from 'vitest';
import type { Step, TraceQuery, TraceResult } from '@/lib/sim/types';
import { buildGraph } from '@/lib/topology/build';
import { pathNodeIds, targetNodeId } from './path-nodes';
import { API, API_NS, DB, DB_NS, HOST_NS, labSnapshot, WEB, WEB_NS } from './test-fixture.test-helper';

const s = labSnapshot();
const graphIds = new Set(buildGraph(s).nodes.map((n) => n.id));

const rule = (hook: string, table: string, chain: string, index: number | null, verdict: 'match' | 'no-match' | 'policy', effect: string | null): Step => ({
  type: 'rule', namespaceId: HOST_NS, family: 'ipv4', hook, table, chain, index, text: `-A ${chain} …`, verdict, effect, explanation: null,
});

const result = (query: TraceQuery, steps: Step[]): TraceResult => ({
  query,
  steps,
  outcome: { result: 'delivered', namespaceId: DB_NS, containerIds: [DB], port: null, seenSource: '', seenDestination: '' },
  legs: steps.some((x) => x.type === 'proxy') ? 2 : 1,
  summary: '',
  reply: null,
});

describe('pathNodeIds', () => {
  it('container → its veth end → host-side veth → bridge → the peer veth → the other container', () => {
    const r = result({ from: { kind: 'container', containerId: API }, to: { kind: 'ip', ip: '198.18.1.3', port: null }, protocol: 'icmp' }, [
      { type: 'route', namespaceId: API_NS, decision: '198.18.1.0/24 dev eth0', via: null, dev: 'eth0', src: '198.18.1.2' },
      rule('OUTPUT', 'filter', 'OUTPUT', null, 'policy', 'ACCEPT'),
      { type: 'hop', from: { namespaceId: API_NS, iface: 'eth0' }, to: { namespaceId: HOST_NS, iface: 'veth48250fa' }, what: 'veth pair' },
      { type: 'bridge', bridge: 'br-f0376874e379', from: 'veth48250fa', to: 'vethfac17c0', nfCalled: true, what: 'bridged' },
      rule('FORWARD', 'filter', 'FORWARD', 0, 'match', 'jump DOCKER-USER'),
      { type: 'hop', from: { namespaceId: HOST_NS, iface: 'vethfac17c0' }, to: { namespaceId: DB_NS, iface: 'eth0' }, what: 'veth pair' },
      { type: 'deliver', namespaceId: DB_NS, containerIds: [DB], what: 'delivered to lab-db' },
    ]);
    const path = pathNodeIds(s, r);
    expect(path).toEqual([
      `ctr:${API}`,
      `if:${API_NS}/25`,
      `if:${HOST_NS}/26`,
      'br:br-f0376874e379',
      `if:${HOST_NS}/30`,
      `if:${DB_NS}/29`,
      `ctr:${DB}`,
    ]);
    for (const id of path) expect(graphIds.has(id), id).toBe(true);
  });

  it('from outside through the uplink, the published port (DNAT), the bridge, to the container', () => {
    const r = result({ from: { kind: 'outside', ip: '198.51.100.7', iface: 'eth0' }, to: { kind: 'ip', ip: '192.0.2.2', port: 18080 }, protocol: 'tcp' }, [
      rule('PREROUTING', 'nat', 'DOCKER', 2, 'match', 'DNAT → 198.18.0.2:80'),
      { type: 'nat', kind: 'dnat', rewrites: 'destination', before: { ip: '192.0.2.2', port: 18080 }, after: { ip: '198.18.0.2', port: 80 }, undo: false, by: 'nat/DOCKER #3' },
      { type: 'route', namespaceId: HOST_NS, decision: '198.18.0.0/24 dev docker0', via: null, dev: 'docker0', src: null },
      rule('FORWARD', 'filter', 'DOCKER', 0, 'match', 'ACCEPT'),
      { type: 'bridge', bridge: 'docker0', from: 'docker0', to: 'veth4e00ea5', nfCalled: false, what: 'out of the bridge port' },
      { type: 'hop', from: { namespaceId: HOST_NS, iface: 'veth4e00ea5' }, to: { namespaceId: WEB_NS, iface: 'eth0' }, what: 'veth pair' },
      { type: 'deliver', namespaceId: WEB_NS, containerIds: [WEB], what: 'lab-web:80' },
    ]);
    const path = pathNodeIds(s, r);
    expect(path).toEqual([`if:${HOST_NS}/4`, `port:${WEB}/0.0.0.0/18080/tcp`, 'br:docker0', `if:${HOST_NS}/24`, `if:${WEB_NS}/23`, `ctr:${WEB}`]);
    for (const id of path) expect(graphIds.has(id), id).toBe(true);
  });

  it('from the host over loopback: the port and docker-proxy, then a second leg to the container', () => {
    const r = result({ from: { kind: 'host' }, to: { kind: 'ip', ip: '127.0.0.1', port: 18081 }, protocol: 'tcp' }, [
      { type: 'route', namespaceId: HOST_NS, decision: 'local 127.0.0.1 dev lo', via: null, dev: 'lo', src: '127.0.0.1' },
      { type: 'proxy', pid: 8899, listen: '127.0.0.1:18081', connectsTo: '198.18.0.2:80', what: 'docker-proxy accepts and connects' },
      { type: 'route', namespaceId: HOST_NS, decision: '198.18.0.0/24 dev docker0', via: null, dev: 'docker0', src: '198.18.0.1' },
      { type: 'bridge', bridge: 'docker0', from: 'docker0', to: 'veth4e00ea5', nfCalled: false, what: '' },
      { type: 'hop', from: { namespaceId: HOST_NS, iface: 'veth4e00ea5' }, to: { namespaceId: WEB_NS, iface: 'eth0' }, what: '' },
      { type: 'note', text: 'second leg' },
      { type: 'deliver', namespaceId: WEB_NS, containerIds: [WEB], what: '' },
    ]);
    expect(pathNodeIds(s, r)).toEqual([
      `port:${WEB}/127.0.0.1/18081/tcp`,
      'proxy:8899',
      'br:docker0',
      `if:${HOST_NS}/24`,
      `if:${WEB_NS}/23`,
      `ctr:${WEB}`,
    ]);
  });

  it('stops where the packet stops, and ignores interfaces the snapshot does not know', () => {
    const r: TraceResult = {
      ...result({ from: { kind: 'container', containerId: WEB }, to: { kind: 'ip', ip: '198.18.2.3', port: null }, protocol: 'icmp' }, [
        { type: 'route', namespaceId: WEB_NS, decision: 'default via 198.18.0.1', via: '198.18.0.1', dev: 'eth0', src: null },
        { type: 'hop', from: { namespaceId: WEB_NS, iface: 'eth0' }, to: { namespaceId: HOST_NS, iface: 'veth4e00ea5' }, what: '' },
        { type: 'bridge', bridge: 'docker0', from: 'veth4e00ea5', to: null, nfCalled: true, what: 'up to the host' },
        { type: 'hop', from: { namespaceId: HOST_NS, iface: 'nosuch0' }, to: { namespaceId: 'netns:1', iface: 'eth0' }, what: '' },
        { type: 'route', namespaceId: HOST_NS, decision: '198.18.2.0/24', via: null, dev: 'br-7bb242862bae', src: null },
        rule('FORWARD', 'filter', 'DOCKER-ISOLATION-STAGE-2', 0, 'match', 'DROP'),
      ]),
      outcome: { result: 'dropped', cause: 'rule', namespaceId: HOST_NS, table: 'filter', chain: 'DOCKER-ISOLATION-STAGE-2', index: 0, rule: '-j DROP' },
    };
    expect(pathNodeIds(s, r)).toEqual([`ctr:${WEB}`, `if:${WEB_NS}/23`, `if:${HOST_NS}/24`, 'br:docker0']);
  });

  it('a route out of the uplink is drawn when the packet leaves', () => {
    const r: TraceResult = {
      ...result({ from: { kind: 'host' }, to: { kind: 'ip', ip: '203.0.113.9', port: 443 }, protocol: 'tcp' }, [
        { type: 'route', namespaceId: HOST_NS, decision: 'default via 192.0.2.1 dev eth0', via: '192.0.2.1', dev: 'eth0', src: '192.0.2.2' },
        rule('OUTPUT', 'filter', 'OUTPUT', null, 'policy', 'ACCEPT'),
      ]),
      outcome: { result: 'delivered', namespaceId: HOST_NS, containerIds: [], port: 443, seenSource: '192.0.2.2', seenDestination: '203.0.113.9:443' },
    };
    expect(pathNodeIds(s, r)).toEqual([`if:${HOST_NS}/4`]);
  });

  it('a named namespace starts at its box; the host itself has no node to start from', () => {
    const demo = 'netns:4026532563';
    const r = result({ from: { kind: 'namespace', namespaceId: demo }, to: { kind: 'ip', ip: '198.19.255.1', port: 22 }, protocol: 'tcp' }, [
      { type: 'route', namespaceId: demo, decision: '198.19.255.0/30 dev na-demo-ns', via: null, dev: 'na-demo-ns', src: null },
      { type: 'hop', from: { namespaceId: demo, iface: 'na-demo-ns' }, to: { namespaceId: HOST_NS, iface: 'na-demo-h' }, what: '' },
      { type: 'deliver', namespaceId: HOST_NS, containerIds: [], what: 'the host' },
    ]);
    expect(pathNodeIds(s, r)).toEqual([`ns:${demo}`, `if:${demo}/2`, `if:${HOST_NS}/33`]);
  });
});

describe('pathNodeIds, local delivery', () => {
  const HOSTNET = 'fe399dd01d5a2ebf8c97f1b7280d07b6d12d31a8e20c7e4e2306329165f015b1';
  const q: TraceQuery = { from: { kind: 'outside', ip: '198.51.100.7', iface: 'eth0' }, to: { kind: 'ip', ip: '192.0.2.2', port: 18081 }, protocol: 'tcp' };
  const steps: Step[] = [
    { type: 'route', namespaceId: HOST_NS, decision: 'local: 192.0.2.2 is this namespace’s own address', via: null, dev: 'lo', src: null },
    { type: 'deliver', namespaceId: HOST_NS, containerIds: [HOSTNET], what: 'delivered to the host' },
  ];
  it('skips loopback, and does not take the host for its host-network containers', () => {
    expect(pathNodeIds(s, result(q, steps))).toEqual([`if:${HOST_NS}/4`]);
  });
  it('unless that container is the target', () => {
    expect(pathNodeIds(s, result({ ...q, to: { kind: 'container', containerId: HOSTNET, port: 80 } }, steps))).toEqual([`if:${HOST_NS}/4`, `ctr:${HOSTNET}`]);
  });
});

describe('pathNodeIds, shared namespaces', () => {
  const SIDECAR = '8ccfe22a183159e7031ace9779e42843c6e8ade63fc9b596818adfe74b118dbd';
  const deliver: Step = { type: 'deliver', namespaceId: API_NS, containerIds: [SIDECAR, API], what: '' };
  it('ends at the namespace owner, or at the container asked for', () => {
    const q: TraceQuery = { from: { kind: 'container', containerId: DB }, to: { kind: 'ip', ip: '198.18.1.2', port: null }, protocol: 'icmp' };
    expect(pathNodeIds(s, result(q, [deliver])).at(-1)).toBe(`ctr:${API}`);
    expect(pathNodeIds(s, result({ ...q, to: { kind: 'container', containerId: SIDECAR, port: null } }, [deliver])).at(-1)).toBe(`ctr:${SIDECAR}`);
  });
});

describe('targetNodeId: what a path is aimed at, reached or not', () => {
  const q = (to: TraceQuery['to']): TraceQuery => ({ from: { kind: 'container', containerId: API }, to, protocol: 'tcp' });
  const web = s.docker!.containers.find((c) => c.id === WEB)!;

  it('is the container, named or by one of its addresses', () => {
    expect(targetNodeId(s, q({ kind: 'container', containerId: DB, port: 80 }))).toBe(`ctr:${DB}`);
    expect(targetNodeId(s, q({ kind: 'ip', ip: web.endpoints[0].ipv4!, port: 80 }))).toBe(`ctr:${WEB}`);
  });

  it('is the published port for a host address and port, and nothing for an address nobody has', () => {
    const id = targetNodeId(s, q({ kind: 'ip', ip: '127.0.0.1', port: 18081 }));
    expect(id).toBe(`port:${WEB}/127.0.0.1/18081/tcp`);
    expect(graphIds.has(id!)).toBe(true);
    expect(targetNodeId(s, q({ kind: 'ip', ip: '198.51.100.7', port: 443 }))).toBeNull();
  });
});
