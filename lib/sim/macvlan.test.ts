import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSnapshot, type Snapshot } from '../snapshot/schema';
import { buildGraph, ids } from '../topology/build';
import { tracePath } from './trace';
import type { Endpoint, Target } from './types';

// The lab's macvlan network (parent na-mv-parent, a veth whose other end is the namespace netatlas-mvlan), from a
// real snapshot; ipvlan by rewriting the same data as Docker would report an ipvlan network.

const macvlan = (): Snapshot =>
  parseSnapshot(JSON.parse(readFileSync(new URL('../findings/__fixtures__/lab-macvlan-snapshot.json', import.meta.url), 'utf8')));

function asIpvlan(s: Snapshot, mode: string): Snapshot {
  const n = s.docker!.networks.find((x) => x.name === 'netatlas-lab-mv')!;
  n.driver = 'ipvlan';
  n.options = { parent: 'na-mv-parent', ipvlan_mode: mode };
  const c = s.docker!.containers.find((x) => x.name === 'lab-mv1')!;
  c.networkMode.kind = 'ipvlan';
  c.endpoints[0].driver = 'ipvlan';
  const ifc = s.namespaces.find((x) => x.id === c.namespaceId)!.interfaces.find((i) => i.name === 'eth0')!;
  ifc.kind = 'ipvlan';
  ifc.linkKind = 'ipvlan';
  return s;
}

const mv1 = (s: Snapshot) => s.docker!.containers.find((x) => x.name === 'lab-mv1')!.id;
const lan = (s: Snapshot) => s.namespaces.find((x) => x.name === 'netatlas-mvlan')!.id;
const ip = (addr: string, port = 80): Target => ({ kind: 'ip', ip: addr, port });
const trace = (s: Snapshot, from: Endpoint, to: Target) => tracePath(s, { from, to, protocol: 'tcp' }).outcome;

describe('macvlan (the lab)', () => {
  it('the host cannot reach its macvlan child through the parent: a typed no-route', () => {
    const s = macvlan();
    expect(trace(s, { kind: 'host' }, ip('198.18.6.2'))).toMatchObject({
      result: 'no-route', isolation: { driver: 'macvlan', parent: 'na-mv-parent', containerId: mv1(s) },
    });
    // Nor the child its host (the host's address on the parent).
    expect(trace(s, { kind: 'container', containerId: mv1(s) }, ip('198.18.6.254'))).toMatchObject({ result: 'no-route', isolation: { parent: 'na-mv-parent' } });
  });

  it('the parent’s own network reaches the child and back, and the child reaches it', () => {
    const s = macvlan();
    expect(trace(s, { kind: 'namespace', namespaceId: lan(s) }, ip('198.18.6.2'))).toMatchObject({ result: 'delivered', containerIds: [mv1(s)], seenSource: '198.18.6.1' });
    expect(trace(s, { kind: 'container', containerId: mv1(s) }, ip('198.18.6.1'))).toMatchObject({ result: 'delivered', namespaceId: lan(s), seenSource: '198.18.6.2' });
    // Beyond its gateway the LAN namespace has no route: the kernel refuses there, not in the host.
    expect(trace(s, { kind: 'container', containerId: mv1(s) }, ip('198.18.1.2'))).toMatchObject({ result: 'no-route', namespaceId: lan(s) });
  });

  it('the graph links the child interface to its parent', () => {
    const s = macvlan();
    const g = buildGraph(s);
    const c = s.docker!.containers.find((x) => x.name === 'lab-mv1')!;
    const child = ids.iface(c.endpoints[0].containerInterface!.namespaceId, c.endpoints[0].containerInterface!.ifindex);
    const host = s.namespaces.find((n) => n.kind === 'host')!;
    const parent = ids.iface(host.id, host.interfaces.find((i) => i.name === 'na-mv-parent')!.ifindex);
    expect(g.edges.filter((e) => e.kind === 'parent')).toEqual([{ id: ids.edge('parent', child, parent), kind: 'parent', source: child, target: parent }]);
  });
});

describe('ipvlan (on data)', () => {
  it('l2 behaves like macvlan bridge mode, isolation typed as ipvlan', () => {
    const s = asIpvlan(macvlan(), 'l2');
    expect(trace(s, { kind: 'host' }, ip('198.18.6.2'))).toMatchObject({ result: 'no-route', isolation: { driver: 'ipvlan' } });
    expect(trace(s, { kind: 'container', containerId: mv1(s) }, ip('198.18.6.1'))).toMatchObject({ result: 'delivered' });
  });

  it('l3: host isolation still holds; routing onto the parent’s network is not simulated, and says so', () => {
    const s = asIpvlan(macvlan(), 'l3');
    expect(trace(s, { kind: 'host' }, ip('198.18.6.2'))).toMatchObject({ result: 'no-route', isolation: { driver: 'ipvlan' } });
    expect(trace(s, { kind: 'container', containerId: mv1(s) }, ip('198.18.6.1'))).toMatchObject({ result: 'uncertain', why: 'ipvlan l3: routing through the parent na-mv-parent is not simulated' });
  });
});
