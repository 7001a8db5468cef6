import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSnapshot } from '@/lib/snapshot/schema';
import { buildGraph } from '@/lib/topology/build';
import type { Graph, GraphEdge, GraphNode } from '@/lib/topology/types';
import { DEFAULT_FILTERS, filtersFromParams, filtersToParams, hiddenNodeIds, isNetworkHidden, type FilterState } from './filter-state';

// `npx netatlas snapshot --json` taken on the running lab.
const raw = readFileSync(new URL('../../lib/snapshot/__fixtures__/lab-snapshot.json', import.meta.url), 'utf8');
const lab = (): Graph => buildGraph(parseSnapshot(JSON.parse(raw)));

const NET = {
  bridge: 'bbbefa398488a97d0978205fafa1dbd7972bc21344386db36bff8e414df8fcee',
  a: 'f0376874e379de4469a584256038cfe2cb2b52894c06b633ccc462c2cea42d0d',
  b: '7bb242862bae44feaa330b986d72a07bbf00b5d49cb629581a0a2d9e84f19e66',
  host: 'f6705466d161c5d9565a50c9f19eca4859b051c9b9b72af90e5c637581efebd1',
  none: '0e96c4e4388e9bf24eaee79eab892dc816a64baeeb9067e1e7db9b813daecdb5',
};
const HOST = 'netns:4026531833';
const N = {
  hostBox: `ns:${HOST}`,
  webBox: 'ns:netns:4026532186',
  apiBox: 'ns:netns:4026532261',
  dbBox: 'ns:netns:4026532342',
  workerBox: 'ns:netns:4026532417',
  noneBox: 'ns:netns:4026532490',
  demoBox: 'ns:netns:4026532563',
  web: 'ctr:0bff5e38633b6131486f9294ac3cc5d89d65d34f06ec71247d332e44472cb0a2',
  api: 'ctr:bfe26fd0ee7b99b40c283a70c098cfaf8acd806279416826f8829922cb76a891',
  sidecar: 'ctr:8ccfe22a183159e7031ace9779e42843c6e8ade63fc9b596818adfe74b118dbd',
  db: 'ctr:8d671000f99cd6e21f49217188a6ddd291a07c75664a3b45e367328127c78ade',
  worker: 'ctr:37bae246d7a53e11db116f5ddb3fc2ff1aaf1fa87bb2786efe226528041b693d',
  none: 'ctr:d063914937694423a3ad88dd8e95c50c2ffc24b3b0287d48a22d7452aed5d53c',
  hostnet: 'ctr:fe399dd01d5a2ebf8c97f1b7280d07b6d12d31a8e20c7e4e2306329165f015b1',
  docker0: 'br:docker0',
  brA: 'br:br-f0376874e379',
  brB: 'br:br-7bb242862bae',
  uplink: `if:${HOST}/4`,
  hostLo: `if:${HOST}/1`,
  ifb0: `if:${HOST}/2`,
  ifb1: `if:${HOST}/3`,
  webHostVeth: `if:${HOST}/24`,
  demoHostVeth: `if:${HOST}/33`,
  webEth0: 'if:netns:4026532186/23',
  webLo: 'if:netns:4026532186/1',
  apiEth0: 'if:netns:4026532261/25',
  apiEth1: 'if:netns:4026532261/27',
  apiLo: 'if:netns:4026532261/1',
  noneLo: 'if:netns:4026532490/1',
  demoLo: 'if:netns:4026532563/1',
  demoVeth: 'if:netns:4026532563/2',
  port18080v4: 'port:0bff5e38633b6131486f9294ac3cc5d89d65d34f06ec71247d332e44472cb0a2/0.0.0.0/18080/tcp',
  port18080v6: 'port:0bff5e38633b6131486f9294ac3cc5d89d65d34f06ec71247d332e44472cb0a2/::/18080/tcp',
  port18081: 'port:0bff5e38633b6131486f9294ac3cc5d89d65d34f06ec71247d332e44472cb0a2/127.0.0.1/18081/tcp',
  proxies: ['proxy:8899', 'proxy:8910', 'proxy:8916'],
};

const filters = (p: Partial<FilterState>): FilterState => ({ ...DEFAULT_FILTERS, hideLoopbacks: false, ...p });
const sorted = (s: Iterable<string>) => [...s].sort();

describe('DEFAULT_FILTERS', () => {
  it('hides loopbacks only', () => {
    expect(DEFAULT_FILTERS).toEqual({ hiddenNetworks: [], hideLoopbacks: true, hideHostAndNone: false });
  });

  it('on the lab hides exactly every lo (and nothing else)', () => {
    const g = lab();
    const hidden = hiddenNodeIds(g, DEFAULT_FILTERS);
    const los = g.nodes.filter((n) => n.tags.includes('loopback')).map((n) => n.id);
    expect(los).toHaveLength(7); // the host's and one per namespace box
    expect(g.nodes.filter((n) => n.tags.includes('loopback')).every((n) => n.label === 'lo')).toBe(true);
    expect(sorted(hidden)).toEqual(sorted(los));
  });

  it('with every rule off hides nothing', () => {
    expect(hiddenNodeIds(lab(), filters({})).size).toBe(0);
  });
});

describe('isNetworkHidden', () => {
  it('matches full ids and the 12-character prefixes the URL carries', () => {
    expect(isNetworkHidden(filters({ hiddenNetworks: [NET.a] }), NET.a)).toBe(true);
    expect(isNetworkHidden(filters({ hiddenNetworks: [NET.a.slice(0, 12)] }), NET.a)).toBe(true);
    expect(isNetworkHidden(filters({ hiddenNetworks: [NET.a.slice(0, 12)] }), NET.b)).toBe(false);
  });

  it('ignores an empty entry instead of hiding every network', () => {
    expect(isNetworkHidden(filters({ hiddenNetworks: [''] }), NET.a)).toBe(false);
  });

  it('hides nothing with no hidden networks', () => {
    expect(isNetworkHidden(DEFAULT_FILTERS, NET.a)).toBe(false);
  });
});

describe('hiddenNodeIds on the lab', () => {
  it('hiding the default bridge network hides lab-web, its box, ports, proxies, veths and docker0', () => {
    const hidden = hiddenNodeIds(lab(), filters({ hiddenNetworks: [NET.bridge.slice(0, 12)] }));
    expect(sorted(hidden)).toEqual(
      sorted([N.docker0, N.webHostVeth, N.webBox, N.webEth0, N.webLo, N.web, N.port18080v4, N.port18080v6, N.port18081, ...N.proxies]),
    );
  });

  it('the lo inside a hidden box goes with it even when loopbacks are shown', () => {
    const hidden = hiddenNodeIds(lab(), filters({ hiddenNetworks: [NET.bridge], hideLoopbacks: false }));
    expect(hidden.has(N.webLo)).toBe(true);
    expect(hidden.has(N.hostLo)).toBe(false);
  });

  it('a box on two networks stays while one of them is shown; only its interface on the hidden one goes', () => {
    const hidden = hiddenNodeIds(lab(), filters({ hiddenNetworks: [NET.a] }));
    expect(hidden.has(N.apiEth0)).toBe(true);
    for (const id of [N.apiBox, N.apiEth1, N.api, N.sidecar, N.apiLo]) expect(hidden.has(id), id).toBe(false);
    // lab-db is on network A only.
    expect(hidden.has(N.dbBox)).toBe(true);
    expect(hidden.has(N.db)).toBe(true);
    expect(hidden.has(N.brA)).toBe(true);
    expect(hidden.has(N.brB)).toBe(false);
  });

  it('a box on two networks goes once both are hidden, with everything in it', () => {
    const hidden = hiddenNodeIds(lab(), filters({ hiddenNetworks: [NET.a, NET.b] }));
    for (const id of [N.apiBox, N.apiEth0, N.apiEth1, N.apiLo, N.api, N.sidecar, N.worker, N.workerBox]) expect(hidden.has(id), id).toBe(true);
    expect(hidden.has(N.web)).toBe(false);
  });

  it('never hides nodes with no networks (bridgeless host interfaces, the ip-netns box) by network', () => {
    const g = lab();
    const all = Object.values(NET);
    const hidden = hiddenNodeIds(g, filters({ hiddenNetworks: all }));
    const networkless = g.nodes.filter((n) => n.networks.length === 0);
    for (const id of [N.uplink, N.hostLo, N.ifb0, N.ifb1, N.demoHostVeth, N.demoBox, N.demoVeth, N.demoLo]) {
      expect(networkless.map((n) => n.id)).toContain(id);
    }
    // Only those drawn inside a hidden box go (the lo of each container sandbox); the rest all stay.
    const gone = networkless.filter((n) => hidden.has(n.id));
    expect(gone.length).toBe(5);
    for (const n of gone) expect(n.parent !== null && hidden.has(n.parent), n.id).toBe(true);
    // …and everything that is on a network is gone.
    expect(g.nodes.filter((n) => n.networks.length > 0 && !hidden.has(n.id)).map((n) => n.id)).toEqual([]);
  });

  it('a tag rule still hides network-less loopbacks', () => {
    const hidden = hiddenNodeIds(lab(), filters({ hiddenNetworks: Object.values(NET), hideLoopbacks: true }));
    expect(hidden.has(N.hostLo)).toBe(true);
    expect(hidden.has(N.demoLo)).toBe(true);
    expect(hidden.has(N.uplink)).toBe(false);
    expect(hidden.has(N.demoBox)).toBe(false); // its veth is still shown
  });

  it('hiding host/none-mode containers hides lab-hostnet, lab-none and their boxes but no host interface', () => {
    const g = lab();
    const hidden = hiddenNodeIds(g, filters({ hideHostAndNone: true }));
    expect(sorted(hidden)).toEqual(sorted([N.hostBox, N.hostnet, N.noneBox, N.none, N.noneLo]));
    const hostInterfaces = g.nodes.filter((n) => n.ref.type === 'interface' && n.ref.namespaceId === HOST);
    expect(hostInterfaces.length).toBeGreaterThan(5);
    expect(hostInterfaces.some((n) => hidden.has(n.id))).toBe(false);
  });

  it('hiding the docker `host` network hides the host-mode box and container, not the host interfaces', () => {
    const hidden = hiddenNodeIds(lab(), filters({ hiddenNetworks: [NET.host] }));
    expect(sorted(hidden)).toEqual(sorted([N.hostBox, N.hostnet]));
  });
});

// Small hand-made graphs for the rules the lab cannot isolate.
function node(id: string, p: Partial<GraphNode> = {}): GraphNode {
  const kind = p.kind ?? 'interface';
  const ref: GraphNode['ref'] =
    p.ref ?? (kind === 'namespace' ? { type: 'namespace', namespaceId: id } : { type: 'interface', namespaceId: 'x', ifindex: 1 });
  return { id, kind, label: id, detail: null, parent: null, state: 'up', dimmed: false, networks: [], search: [], tags: [], ...p, ref };
}
const edge = (kind: GraphEdge['kind'], source: string, target: string): GraphEdge => ({ id: `${kind}:${source}|${target}`, kind, source, target });
const container = (id: string, parent: string | null, networks: string[] = []) =>
  node(`ctr:${id}`, { kind: 'container', parent, networks, ref: { type: 'container', containerId: id } });
const port = (ctr: string, hostPort: number, networks: string[] = []) =>
  node(`port:${ctr}/${hostPort}`, { kind: 'port', networks, ref: { type: 'port', containerId: ctr, hostIp: '0.0.0.0', hostPort, protocol: 'tcp' } });
const proxy = (pid: number) => node(`proxy:${pid}`, { kind: 'proxy', ref: { type: 'proxy', pid } });

describe('hiddenNodeIds rules on hand-made graphs', () => {
  it('a network-less box whose children are all hidden is hidden too', () => {
    const g: Graph = {
      nodes: [node('ns:a', { kind: 'namespace' }), node('a/lo', { parent: 'ns:a', tags: ['loopback'] }), node('a/eth0', { kind: 'veth', parent: 'ns:a', networks: ['n1'] })],
      edges: [],
    };
    expect(sorted(hiddenNodeIds(g, filters({ hiddenNetworks: ['n1'], hideLoopbacks: true })))).toEqual(['a/eth0', 'a/lo', 'ns:a']);
    // One child still shown keeps the box.
    expect(sorted(hiddenNodeIds(g, filters({ hiddenNetworks: ['n1'], hideLoopbacks: false })))).toEqual(['a/eth0']);
  });

  it('empties nested boxes from the inside out', () => {
    const g: Graph = {
      nodes: [
        node('ns:outer', { kind: 'namespace' }),
        node('ns:inner', { kind: 'namespace', parent: 'ns:outer' }),
        node('inner/eth0', { parent: 'ns:inner', networks: ['n1'] }),
      ],
      edges: [],
    };
    expect(sorted(hiddenNodeIds(g, filters({ hiddenNetworks: ['n1'] })))).toEqual(['inner/eth0', 'ns:inner', 'ns:outer']);
  });

  it('hides everything drawn inside a hidden box, however deep', () => {
    const g: Graph = {
      nodes: [
        node('ns:outer', { kind: 'namespace', networks: ['n1'] }),
        node('ns:inner', { kind: 'namespace', parent: 'ns:outer' }),
        node('inner/dummy0', { parent: 'ns:inner' }),
        node('elsewhere'),
      ],
      edges: [],
    };
    expect(sorted(hiddenNodeIds(g, filters({ hiddenNetworks: ['n1'] })))).toEqual(['inner/dummy0', 'ns:inner', 'ns:outer']);
  });

  it('a network-less published port follows its container', () => {
    const g: Graph = {
      nodes: [node('ns:c', { kind: 'namespace', tags: ['none-mode'] }), container('c', 'ns:c'), port('c', 8080), container('d', null), port('d', 8081)],
      edges: [edge('port-map', 'port:c/8080', 'ctr:c'), edge('port-map', 'port:d/8081', 'ctr:d')],
    };
    expect(sorted(hiddenNodeIds(g, filters({ hideHostAndNone: true })))).toEqual(['ctr:c', 'ns:c', 'port:c/8080']);
  });

  it('a docker-proxy goes only once every port it serves is hidden, whichever end the edge names first', () => {
    const g: Graph = {
      nodes: [container('c', null, ['n1']), container('d', null, ['n2']), port('c', 80), port('d', 81), proxy(1), proxy(2)],
      edges: [edge('proxy', 'port:c/80', 'proxy:1'), edge('proxy', 'proxy:1', 'port:d/81'), edge('proxy', 'proxy:2', 'port:c/80')],
    };
    expect(sorted(hiddenNodeIds(g, filters({ hiddenNetworks: ['n1'] })))).toEqual(['ctr:c', 'port:c/80', 'proxy:2']);
    expect(sorted(hiddenNodeIds(g, filters({ hiddenNetworks: ['n1', 'n2'] })))).toEqual(['ctr:c', 'ctr:d', 'port:c/80', 'port:d/81', 'proxy:1', 'proxy:2']);
  });
});

describe('URL params', () => {
  const toParams = (f: FilterState, init = '') => {
    const p = new URLSearchParams(init);
    filtersToParams(f, p);
    return p;
  };

  it('defaults leave the URL plain and read back as the defaults', () => {
    expect(toParams(DEFAULT_FILTERS).toString()).toBe('');
    expect(filtersFromParams(new URLSearchParams())).toEqual(DEFAULT_FILTERS);
  });

  it('writes 12-character network ids, deduplicated, and the documented lo/hm flags', () => {
    const p = toParams({ hiddenNetworks: [NET.a, NET.a.slice(0, 12), NET.b], hideLoopbacks: false, hideHostAndNone: true });
    expect(p.get('hide')).toBe(`${NET.a.slice(0, 12)},${NET.b.slice(0, 12)}`);
    expect(p.get('lo')).toBe('1'); // loopbacks shown
    expect(p.get('hm')).toBe('0'); // host/none-mode containers hidden
  });

  it('`?lo=0&hm=0` hides both, `?lo=1` shows loopbacks', () => {
    expect(filtersFromParams(new URLSearchParams('lo=0&hm=0'))).toEqual({ hiddenNetworks: [], hideLoopbacks: true, hideHostAndNone: true });
    expect(filtersFromParams(new URLSearchParams('lo=1')).hideLoopbacks).toBe(false);
    expect(filtersFromParams(new URLSearchParams('hm=1')).hideHostAndNone).toBe(false);
  });

  it('reads hide= leniently: trimmed, lower-cased, empty entries dropped', () => {
    expect(filtersFromParams(new URLSearchParams('hide=F0376874E379, ,7bb242862bae,')).hiddenNetworks).toEqual(['f0376874e379', '7bb242862bae']);
  });

  it.each<FilterState>([
    DEFAULT_FILTERS,
    { hiddenNetworks: [NET.a.slice(0, 12)], hideLoopbacks: true, hideHostAndNone: false },
    { hiddenNetworks: [NET.a.slice(0, 12), NET.none.slice(0, 12)], hideLoopbacks: false, hideHostAndNone: true },
    { hiddenNetworks: [], hideLoopbacks: true, hideHostAndNone: true },
    { hiddenNetworks: [], hideLoopbacks: false, hideHostAndNone: false },
  ])('round trips %j', (f) => {
    expect(filtersFromParams(toParams(f))).toEqual(f);
  });

  it('full ids come back as prefixes that hide the same nodes', () => {
    const g = lab();
    const f: FilterState = { hiddenNetworks: [NET.bridge, NET.b], hideLoopbacks: false, hideHostAndNone: true };
    const back = filtersFromParams(toParams(f));
    expect(back.hiddenNetworks).toEqual([NET.bridge.slice(0, 12), NET.b.slice(0, 12)]);
    expect(sorted(hiddenNodeIds(g, back))).toEqual(sorted(hiddenNodeIds(g, f)));
  });

  it('keeps unrelated params and clears stale filter ones', () => {
    const p = toParams(DEFAULT_FILTERS, `sel=${encodeURIComponent(N.web)}&hide=f0376874e379&lo=1&hm=0`);
    expect([...p.keys()]).toEqual(['sel']);
    expect(p.get('sel')).toBe(N.web);
  });
});
