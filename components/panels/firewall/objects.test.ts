import { describe, expect, it } from 'vitest';
import { buildGraph } from '@/lib/topology/build';
import { objectIndex, objectNodeIds, objectsToNodeIds } from './objects';
import { HOST_NS, labSnapshot, WEB } from './test-fixture.test-helper';

const s = labSnapshot();
const g = buildGraph(s);
const idx = objectIndex(s);
const nodeIds = new Set(g.nodes.map((n) => n.id));
const lab = (name: string) => s.docker!.networks.find((n) => n.name === name)!;

describe('objectNodeIds', () => {
  it('a container is its node', () => {
    expect(objectNodeIds(idx, { kind: 'container', id: WEB, label: 'lab-web' })).toEqual([`ctr:${WEB}`]);
    // A short id is resolved to the full one.
    expect(objectNodeIds(idx, { kind: 'container', id: WEB.slice(0, 12), label: 'lab-web' })).toEqual([`ctr:${WEB}`]);
    expect(objectNodeIds(idx, { kind: 'container', id: 'ffffffffffff', label: '?' })).toEqual([]);
  });

  it('a bridge is its node; a network is its bridge', () => {
    expect(objectNodeIds(idx, { kind: 'bridge', id: 'docker0', label: 'docker0' })).toEqual(['br:docker0']);
    const a = lab('netatlas-lab-a');
    expect(objectNodeIds(idx, { kind: 'network', id: a.id, label: a.name })).toEqual([`br:${a.bridge}`]);
    expect(objectNodeIds(idx, { kind: 'network', id: a.id.slice(0, 12), label: a.name })).toEqual([`br:${a.bridge}`]);
    // host/none have no bridge.
    expect(objectNodeIds(idx, { kind: 'network', id: lab('host').id, label: 'host' })).toEqual([]);
  });

  it('a port is every published-port node of that host port', () => {
    expect(objectNodeIds(idx, { kind: 'port', id: '18080/tcp', label: '18080/tcp' }).sort()).toEqual([`port:${WEB}/0.0.0.0/18080/tcp`, `port:${WEB}/::/18080/tcp`]);
    expect(objectNodeIds(idx, { kind: 'port', id: '18081/tcp', label: '18081/tcp' })).toEqual([`port:${WEB}/127.0.0.1/18081/tcp`]);
    expect(objectNodeIds(idx, { kind: 'port', id: '18081', label: '18081' })).toEqual([`port:${WEB}/127.0.0.1/18081/tcp`]);
    expect(objectNodeIds(idx, { kind: 'port', id: '18081/udp', label: '18081/udp' })).toEqual([]);
  });

  it('an interface is the host node labelled with that name (bridges by name, others by ifindex)', () => {
    expect(objectNodeIds(idx, { kind: 'interface', id: 'eth0', label: 'eth0' })).toEqual([`if:${HOST_NS}/4`]);
    expect(objectNodeIds(idx, { kind: 'interface', id: 'docker0', label: 'docker0' })).toEqual(['br:docker0']);
    expect(objectNodeIds(idx, { kind: 'interface', id: 'nope0', label: 'nope0' })).toEqual([]);
    expect(objectNodeIds(idx, { kind: 'interface', id: 'br-+', label: 'br-+' }).sort()).toEqual(['br:br-7bb242862bae', 'br:br-f0376874e379']);
  });

  it('every id it returns is a node of the graph', () => {
    const all = objectsToNodeIds(idx, [
      { kind: 'container', id: WEB, label: 'lab-web' },
      { kind: 'bridge', id: 'docker0', label: 'docker0' },
      { kind: 'network', id: lab('netatlas-lab-b').id, label: 'netatlas-lab-b' },
      { kind: 'port', id: '18080/tcp', label: '18080/tcp' },
      { kind: 'interface', id: 'veth+', label: 'veth+' },
      { kind: 'interface', id: 'eth0', label: 'eth0' },
    ]);
    expect(all.size).toBeGreaterThan(6);
    for (const id of all) expect(nodeIds.has(id), id).toBe(true);
  });

  it('no objects, no ids', () => {
    expect(objectsToNodeIds(idx, []).size).toBe(0);
  });
});
