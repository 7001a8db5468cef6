import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSnapshot } from '@/lib/snapshot/schema';
import { buildGraph } from '@/lib/topology/build';
import type { Graph, GraphNode } from '@/lib/topology/types';
import { searchNodes } from './search';

// `npx netatlas snapshot --json` taken on the running lab.
const raw = readFileSync(new URL('../../lib/snapshot/__fixtures__/lab-snapshot.json', import.meta.url), 'utf8');
const g: Graph = buildGraph(parseSnapshot(JSON.parse(raw)));

const WEB = '0bff5e38633b6131486f9294ac3cc5d89d65d34f06ec71247d332e44472cb0a2';
const N = {
  web: `ctr:${WEB}`,
  webBox: 'ns:netns:4026532186',
  webEth0: 'if:netns:4026532186/23',
  apiBox: 'ns:netns:4026532261',
  api: 'ctr:bfe26fd0ee7b99b40c283a70c098cfaf8acd806279416826f8829922cb76a891',
  sidecar: 'ctr:8ccfe22a183159e7031ace9779e42843c6e8ade63fc9b596818adfe74b118dbd',
  apiEth1: 'if:netns:4026532261/27',
  port18080v4: `port:${WEB}/0.0.0.0/18080/tcp`,
  port18080v6: `port:${WEB}/::/18080/tcp`,
};
const ids = (q: string, limit?: number) => searchNodes(g, q, limit).map((n) => n.id);

describe('searchNodes on the lab', () => {
  it('an empty or blank query finds nothing', () => {
    expect(searchNodes(g, '')).toEqual([]);
    expect(searchNodes(g, '   \t ')).toEqual([]);
  });

  it('a query nothing contains finds nothing', () => {
    expect(searchNodes(g, 'no-such-thing')).toEqual([]);
  });

  it('finds a container by name, before its namespace box', () => {
    const found = ids('lab-web');
    expect(found[0]).toBe(N.web);
    expect(found).toContain(N.webBox);
    expect(found.at(-1)).toBe(N.webBox);
  });

  it('puts the shared box after both containers it holds, although it comes first in graph order', () => {
    expect(g.nodes.findIndex((n) => n.id === N.apiBox)).toBeLessThan(g.nodes.findIndex((n) => n.id === N.sidecar));
    expect(ids('lab-sidecar')).toEqual([N.sidecar, N.apiBox]);
  });

  it('is case-insensitive in the query', () => {
    expect(ids('LAB-Web')).toEqual(ids('lab-web'));
  });

  it('finds by IP, with and without the prefix length', () => {
    const bare = ids('198.18.2.2');
    expect(bare).toContain(N.api);
    expect(bare).toContain(N.apiEth1);
    expect(ids('198.18.2.2/24')).toEqual([N.apiEth1, N.api]);
  });

  it('finds by MAC regardless of case', () => {
    expect(ids('02:42:C6:12:00:02')).toEqual([N.webEth0, N.web]);
    expect(ids('02:42:c6:12:00:02')).toEqual([N.webEth0, N.web]);
  });

  it('finds a published port: the container, both bindings and their docker-proxies, not the 18081 ones', () => {
    const found = searchNodes(g, '18080');
    expect(found.map((n) => n.id)).toEqual([N.web, N.port18080v4, N.port18080v6, 'proxy:8910', 'proxy:8916']);
    expect(found.map((n) => n.kind)).toEqual(['container', 'port', 'port', 'proxy', 'proxy']);
  });

  it('an exact token beats a longer one containing it', () => {
    // `api` is lab-api's alias on netatlas-lab-a; the box only contains it inside `lab-api`.
    expect(ids('api')).toEqual([N.api, N.apiBox]);
  });

  it('needs every word to match, in any token', () => {
    expect(ids('lab-api 198.18.2.2')).toEqual([N.api]);
    expect(ids('lab-api 10.9.9.9')).toEqual([]);
  });

  it('keeps to the limit, best first', () => {
    expect(ids('lab').length).toBe(8);
    expect(ids('lab', 3)).toEqual(ids('lab').slice(0, 3));
    expect(ids('18080', 1)).toEqual([N.web]);
  });
});

function node(id: string, search: string[], kind: GraphNode['kind'] = 'interface'): GraphNode {
  return {
    id, kind, label: id, detail: null, parent: null, state: 'up', dimmed: false, networks: [], search, tags: [],
    ref: kind === 'namespace' ? { type: 'namespace', namespaceId: id } : { type: 'interface', namespaceId: 'x', ifindex: 1 },
  };
}

describe('searchNodes ranking on a hand-made graph', () => {
  const graph: Graph = {
    nodes: [node('substring', ['myweb']), node('prefix', ['webserver']), node('box', ['web'], 'namespace'), node('exact', ['web']), node('none', ['db'])],
    edges: [],
  };

  it('exact, then prefix, then substring; the box last among equals', () => {
    expect(searchNodes(graph, 'web').map((n) => n.id)).toEqual(['exact', 'box', 'prefix', 'substring']);
  });

  it('a node counts its best token for each word', () => {
    const g2: Graph = { nodes: [node('d', ['xweb']), node('a', ['myweb', 'webserver']), node('b', ['web', 'myweb'])], edges: [] };
    // b: exact (3); a: its later prefix token (2) beats its earlier substring one; d: substring only (1).
    expect(searchNodes(g2, 'web').map((n) => n.id)).toEqual(['b', 'a', 'd']);
  });

  it('sums over words, so two good matches beat one exact and one substring', () => {
    const g3: Graph = { nodes: [node('one', ['web', 'xtcpx']), node('two', ['web', 'tcp'])], edges: [] };
    expect(searchNodes(g3, 'web tcp').map((n) => n.id)).toEqual(['two', 'one']);
  });

  it('keeps graph order on a tie', () => {
    const g4: Graph = { nodes: [node('z', ['web']), node('a', ['web']), node('m', ['web'])], edges: [] };
    expect(searchNodes(g4, 'web').map((n) => n.id)).toEqual(['z', 'a', 'm']);
  });
});
