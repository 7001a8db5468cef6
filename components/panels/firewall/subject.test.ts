import { describe, expect, it } from 'vitest';
import { factsOf } from '@/lib/netfilter/attribution';
import { buildGraph } from '@/lib/topology/build';
import { describeSubject, namespacesToShow, subjectForNode } from './subject';
import { DB, DB_NS, HOST_NS, labSnapshot, WEB, WEB_NS } from './test-fixture.test-helper';

const s = labSnapshot();
const g = buildGraph(s);
const node = (id: string) => {
  const n = g.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node ${id}`);
  return n;
};

describe('subjectForNode', () => {
  it('nothing selected is the host', () => {
    expect(subjectForNode(s, null)).toEqual({ type: 'host' });
    expect(describeSubject(s, { type: 'host' })).toContain(s.host.hostname);
  });

  it('a container is the container', () => {
    expect(subjectForNode(s, node(`ctr:${WEB}`))).toEqual({ type: 'container', containerId: WEB });
  });

  it('a host bridge is the bridge, by name', () => {
    expect(subjectForNode(s, node('br:docker0'))).toEqual({ type: 'bridge', name: 'docker0' });
    expect(subjectForNode(s, node('br:br-f0376874e379'))).toEqual({ type: 'bridge', name: 'br-f0376874e379' });
  });

  it('a host veth end, the uplink and an interface inside a namespace are interfaces', () => {
    expect(subjectForNode(s, node(`if:${HOST_NS}/24`))).toEqual({ type: 'interface', namespaceId: HOST_NS, ifindex: 24 });
    expect(subjectForNode(s, node(`if:${HOST_NS}/4`))).toEqual({ type: 'interface', namespaceId: HOST_NS, ifindex: 4 });
    expect(subjectForNode(s, node(`if:${WEB_NS}/23`))).toEqual({ type: 'interface', namespaceId: WEB_NS, ifindex: 23 });
  });

  it('a namespace box is the namespace', () => {
    expect(subjectForNode(s, node(`ns:${DB_NS}`))).toEqual({ type: 'namespace', namespaceId: DB_NS });
  });

  it('a published port is the port', () => {
    expect(subjectForNode(s, node(`port:${WEB}/127.0.0.1/18081/tcp`))).toEqual({ type: 'port', containerId: WEB, hostIp: '127.0.0.1', hostPort: 18081, protocol: 'tcp' });
  });

  it('a docker-proxy is the port it serves', () => {
    expect(subjectForNode(s, node('proxy:8899'))).toEqual({ type: 'port', containerId: WEB, hostIp: '127.0.0.1', hostPort: 18081, protocol: 'tcp' });
    // Without a container id the binding finds it.
    const s2 = { ...s, dockerProxies: s.dockerProxies.map((p) => ({ ...p, containerId: null })) };
    expect(subjectForNode(s2, node('proxy:8910'))).toEqual({ type: 'port', containerId: WEB, hostIp: '0.0.0.0', hostPort: 18080, protocol: 'tcp' });
  });

  it('an unknown docker-proxy concerns nothing (rather than everything)', () => {
    const subject = subjectForNode({ ...s, dockerProxies: [] }, node('proxy:8899'));
    expect(subject.type).toBe('port');
    const f = factsOf(s, subject);
    expect([f.ips, f.subnets, f.interfaces, f.hostPorts, f.namespaces].every((x) => x.length === 0)).toBe(true);
    expect(f.wholeHost).toBe(false);
  });
});

describe('namespacesToShow', () => {
  it('the host namespace first, then the subject’s own', () => {
    const db = factsOf(s, { type: 'container', containerId: DB });
    expect(namespacesToShow(s, db.namespaces)).toEqual([HOST_NS, DB_NS]);
  });
  it('only the host for a bridge, and no duplicate for host-mode things', () => {
    expect(namespacesToShow(s, factsOf(s, { type: 'bridge', name: 'docker0' }).namespaces)).toEqual([HOST_NS]);
    expect(namespacesToShow(s, [HOST_NS])).toEqual([HOST_NS]);
  });
  it('ignores namespaces not in the snapshot', () => {
    expect(namespacesToShow(s, ['netns:1'])).toEqual([HOST_NS]);
  });
});
