import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSnapshot } from '@/lib/snapshot/schema';
import { buildGraph } from '@/lib/topology/build';
import type { Graph, GraphNode } from '@/lib/topology/types';
import { adjacency, neighbourhood } from './neighbourhood';

// `npx netatlas snapshot --json` taken on the running lab.
const raw = readFileSync(new URL('../../lib/snapshot/__fixtures__/lab-snapshot.json', import.meta.url), 'utf8');
const g: Graph = buildGraph(parseSnapshot(JSON.parse(raw)));
const kindOf = (graph: Graph) => {
  const byId = new Map(graph.nodes.map((n) => [n.id, n.kind]));
  return (id: string) => byId.get(id);
};

const HOST = 'netns:4026531833';
const WEB = '0bff5e38633b6131486f9294ac3cc5d89d65d34f06ec71247d332e44472cb0a2';
const N = {
  hostBox: `ns:${HOST}`,
  hostnet: 'ctr:fe399dd01d5a2ebf8c97f1b7280d07b6d12d31a8e20c7e4e2306329165f015b1',
  web: `ctr:${WEB}`,
  webBox: 'ns:netns:4026532186',
  webLo: 'if:netns:4026532186/1',
  webEth0: 'if:netns:4026532186/23',
  webHostVeth: `if:${HOST}/24`,
  docker0: 'br:docker0',
  apiBox: 'ns:netns:4026532261',
  api: 'ctr:bfe26fd0ee7b99b40c283a70c098cfaf8acd806279416826f8829922cb76a891',
  sidecar: 'ctr:8ccfe22a183159e7031ace9779e42843c6e8ade63fc9b596818adfe74b118dbd',
  apiLo: 'if:netns:4026532261/1',
  apiEth0: 'if:netns:4026532261/25',
  apiEth1: 'if:netns:4026532261/27',
  apiHostVethA: `if:${HOST}/26`,
  apiHostVethB: `if:${HOST}/28`,
  ports: [`port:${WEB}/0.0.0.0/18080/tcp`, `port:${WEB}/::/18080/tcp`, `port:${WEB}/127.0.0.1/18081/tcp`],
};
const sorted = (s: Iterable<string>) => [...s].sort();

describe('adjacency', () => {
  const adj = adjacency(g);

  it('lists each edge both ways', () => {
    expect(adj.neighbours.get(N.webHostVeth)).toEqual(expect.arrayContaining([N.docker0, N.webEth0]));
    expect(adj.neighbours.get(N.webEth0)).toEqual([N.webHostVeth]);
    expect(adj.neighbours.get(N.docker0)).toContain(N.webHostVeth);
    const degree = [...adj.neighbours.values()].reduce((sum, l) => sum + l.length, 0);
    expect(degree).toBe(2 * g.edges.length);
  });

  it('maps boxes to their children and back', () => {
    expect(sorted(adj.children.get(N.apiBox)!)).toEqual(sorted([N.apiLo, N.apiEth0, N.apiEth1, N.api, N.sidecar]));
    expect(adj.parent.get(N.sidecar)).toBe(N.apiBox);
    expect(adj.children.get(N.hostBox)).toEqual([N.hostnet]);
    // Top-level nodes have no parent entry.
    expect(adj.parent.has(N.docker0)).toBe(false);
    expect(adj.parent.size).toBe(g.nodes.filter((n) => n.parent).length);
  });

  it('has no entry for a node without edges', () => {
    expect(adj.neighbours.has(N.webLo)).toBe(false);
  });
});

describe('neighbourhood on the lab', () => {
  const adj = adjacency(g);
  const of = (id: string) => neighbourhood(adj, id, kindOf(g));

  it('a container stands for its box: its interfaces, the host veth peers and its published ports', () => {
    const { lit, core } = of(N.web);
    expect(sorted(core)).toEqual(sorted([N.web, N.webBox, N.webLo, N.webEth0]));
    expect(sorted(lit)).toEqual(sorted([...core, N.webHostVeth, ...N.ports]));
    // Two hops away: not lit.
    expect(lit.has(N.docker0)).toBe(false);
    expect(lit.has('proxy:8910')).toBe(false);
  });

  it('a container sharing its box lights the box partner and both host veths', () => {
    const { lit, core } = of(N.sidecar);
    expect(core.has(N.api)).toBe(true);
    expect(core.has(N.apiBox)).toBe(true);
    expect(lit.has(N.apiHostVethA)).toBe(true);
    expect(lit.has(N.apiHostVethB)).toBe(true);
    expect(sorted(lit)).toEqual(sorted([...core, N.apiHostVethA, N.apiHostVethB]));
  });

  it('hovering the box lights the same nodes as hovering its container', () => {
    expect(sorted(of(N.webBox).lit)).toEqual(sorted(of(N.web).lit));
    expect(sorted(of(N.webBox).core)).toEqual(sorted(of(N.web).core));
  });

  it('a host veth lights its bridge, its peer and the box around the peer, but not the rest of that box', () => {
    const { lit, core } = of(N.webHostVeth);
    expect(sorted(core)).toEqual([N.webHostVeth]);
    expect(sorted(lit)).toEqual(sorted([N.webHostVeth, N.docker0, N.webEth0, N.webBox]));
  });

  it('a port lights its container and docker-proxy, and the container’s box', () => {
    const { lit, core } = of(N.ports[0]);
    expect(sorted(core)).toEqual([N.ports[0]]);
    expect(sorted(lit)).toEqual(sorted([N.ports[0], N.web, 'proxy:8910', N.webBox]));
  });

  it('a host-mode container lights only its host box, no host interface', () => {
    const { lit } = of(N.hostnet);
    expect(sorted(lit)).toEqual(sorted([N.hostnet, N.hostBox]));
  });

  it('the core is what an edge must touch to be lit', () => {
    const { core } = of(N.web);
    const litEdges = g.edges.filter((e) => core.has(e.source) || core.has(e.target)).map((e) => e.kind);
    expect(litEdges.sort()).toEqual(['port-map', 'port-map', 'port-map', 'veth']);
  });
});

function node(id: string, kind: GraphNode['kind'], parent: string | null = null): GraphNode {
  return {
    id, kind, label: id, detail: null, parent, state: 'up', dimmed: false, networks: [], search: [], tags: [],
    ref: { type: 'namespace', namespaceId: id },
  };
}

describe('neighbourhood on hand-made graphs', () => {
  it('a container without a box stands for itself', () => {
    const graph: Graph = { nodes: [node('c', 'container'), node('p', 'port')], edges: [{ id: 'e', kind: 'port-map', source: 'p', target: 'c' }] };
    const { lit, core } = neighbourhood(adjacency(graph), 'c', kindOf(graph));
    expect(sorted(core)).toEqual(['c']);
    expect(sorted(lit)).toEqual(['c', 'p']);
  });

  it('only a container is widened to its box: a boxed interface keeps to its own edges', () => {
    const graph: Graph = {
      nodes: [node('ns', 'namespace'), node('eth0', 'veth', 'ns'), node('dummy0', 'interface', 'ns'), node('peer', 'veth')],
      edges: [{ id: 'e', kind: 'veth', source: 'eth0', target: 'peer' }],
    };
    const { lit, core } = neighbourhood(adjacency(graph), 'dummy0', kindOf(graph));
    expect(sorted(core)).toEqual(['dummy0']);
    expect(sorted(lit)).toEqual(['dummy0', 'ns']);
  });

  it('lights every box around a neighbour, not just the nearest', () => {
    const graph: Graph = {
      nodes: [node('outer', 'namespace'), node('inner', 'namespace', 'outer'), node('eth0', 'veth', 'inner'), node('peer', 'veth')],
      edges: [{ id: 'e', kind: 'veth', source: 'eth0', target: 'peer' }],
    };
    const { lit } = neighbourhood(adjacency(graph), 'peer', kindOf(graph));
    expect(sorted(lit)).toEqual(['eth0', 'inner', 'outer', 'peer']);
  });

  it('an unknown id lights only itself', () => {
    const { lit, core } = neighbourhood(adjacency(g), 'nope', kindOf(g));
    expect([...lit]).toEqual(['nope']);
    expect([...core]).toEqual(['nope']);
  });
});
