import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSnapshot, type Snapshot } from '../snapshot/schema';
import { buildGraph } from './build';
import { addContainer, addModeContainer, addNetwork, emptySnapshot, removeContainer } from './synthetic';
import type { Graph, GraphNode } from './types';

// `npx netatlas snapshot --json` taken on the running lab.
const raw = readFileSync(new URL('../snapshot/__fixtures__/lab-snapshot.json', import.meta.url), 'utf8');
const lab = (): Snapshot => parseSnapshot(JSON.parse(raw));

const HOST = 'netns:4026531833';
const ID = {
  web: '0bff5e38633b6131486f9294ac3cc5d89d65d34f06ec71247d332e44472cb0a2',
  api: 'bfe26fd0ee7b99b40c283a70c098cfaf8acd806279416826f8829922cb76a891',
  sidecar: '8ccfe22a183159e7031ace9779e42843c6e8ade63fc9b596818adfe74b118dbd',
  none: 'd063914937694423a3ad88dd8e95c50c2ffc24b3b0287d48a22d7452aed5d53c',
  hostnet: 'fe399dd01d5a2ebf8c97f1b7280d07b6d12d31a8e20c7e4e2306329165f015b1',
  netBridge: 'bbbefa398488',
  netA: 'f0376874e379',
  netB: '7bb242862bae',
  netHost: 'f6705466d161',
  netNone: '0e96c4e4388e',
};

function index(g: Graph) {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const node = (id: string): GraphNode => {
    const n = byId.get(id);
    expect(n, `node ${id}`).toBeDefined();
    return n!;
  };
  const one = (pred: (n: GraphNode) => boolean, what: string): GraphNode => {
    const found = g.nodes.filter(pred);
    expect(found, what).toHaveLength(1);
    return found[0];
  };
  const children = (id: string) => g.nodes.filter((n) => n.parent === id);
  const edge = (kind: string, a: string, b: string) =>
    g.edges.some((e) => e.kind === kind && ((e.source === a && e.target === b) || (e.source === b && e.target === a)));
  return { byId, node, one, children, edge };
}
const netOf = (g: Graph, short: string) => {
  const ids = new Set(g.nodes.flatMap((n) => n.networks));
  return [...ids].find((id) => id.startsWith(short))!;
};

describe('buildGraph on the lab', () => {
  const s = lab();
  const g = buildGraph(s);
  const { node, one, children, edge } = index(g);
  const veths = s.namespaces.flatMap((ns) => ns.interfaces.filter((i) => i.kind === 'veth'));

  it('draws the uplink and the three bridges, each bridge leading to the uplink', () => {
    const eth0 = node(`if:${HOST}/4`);
    expect([eth0.kind, eth0.label, eth0.parent, eth0.state]).toEqual(['uplink', 'eth0', null, 'up']);
    // Named as operators name them: the Docker network first, the kernel name second.
    for (const [br, net] of [['docker0', 'bridge'], ['br-f0376874e379', 'netatlas-lab-a'], ['br-7bb242862bae', 'netatlas-lab-b']]) {
      const b = node(`br:${br}`);
      expect([b.kind, b.label, b.parent, b.state, b.dimmed]).toEqual(['bridge', net, null, 'up', false]);
      expect(b.detail!.split(' · ')[0]).toBe(br);
      expect(b.search).toContain(br);
      expect(edge('uplink', b.id, eth0.id)).toBe(true);
    }
    expect(node('br:docker0').detail).toBe('docker0 · 198.18.0.1/24 · MTU 1500');
  });

  it('draws every veth end, host side at the top level and the other inside its namespace, with one edge per pair', () => {
    for (const v of veths) {
      const n = node(`if:${v.namespaceId}/${v.ifindex}`);
      expect(n.kind).toBe('veth');
      expect(n.label).toBe(v.name);
      expect(n.parent).toBe(v.namespaceId === HOST ? null : `ns:${v.namespaceId}`);
      expect(edge('veth', n.id, `if:${v.peer!.namespaceId}/${v.peer!.ifindex}`), v.name).toBe(true);
    }
    expect(g.edges.filter((e) => e.kind === 'veth')).toHaveLength(veths.length / 2);
    expect(node(`if:${HOST}/24`).detail).toBe('MTU 1500'); // veth4e00ea5
    expect(node('if:netns:4026532186/23').detail).toBe('198.18.0.2/24'); // lab-web's eth0
  });

  it('links each bridge to its ports', () => {
    const ports = g.edges.filter((e) => e.kind === 'bridge-port').map((e) => `${e.source.slice('br:'.length)}>${node(e.target).label}`);
    expect(ports.sort()).toEqual([
      'br-7bb242862bae>veth185120a', 'br-7bb242862bae>vethc552560', 'br-f0376874e379>veth48250fa', 'br-f0376874e379>vethfac17c0',
      'docker0>veth4e00ea5',
    ]);
  });

  it('draws each container in its namespace box, with its network mode', () => {
    const ctrs = g.nodes.filter((n) => n.kind === 'container');
    expect(ctrs.map((c) => c.label).sort()).toEqual(['lab-api', 'lab-db', 'lab-hostnet', 'lab-none', 'lab-sidecar', 'lab-web', 'lab-worker']);
    expect(node(`ctr:${ID.web}`).detail).toBe('bridge · 198.18.0.2');
    expect(node(`ctr:${ID.api}`).detail).toBe('netatlas-lab-a · 198.18.1.2, netatlas-lab-b · 198.18.2.2');
    expect(node(`ctr:${ID.sidecar}`).detail).toBe('container:lab-api');
    expect(node(`ctr:${ID.hostnet}`).detail).toBe('host');
    expect(node(`ctr:${ID.none}`).detail).toBe('none');
    for (const c of ctrs) expect([c.state, c.dimmed]).toEqual(['n/a', false]);
  });

  it('puts lab-api and lab-sidecar in one namespace box with both legs', () => {
    const api = node(`ctr:${ID.api}`);
    expect(node(`ctr:${ID.sidecar}`).parent).toBe(api.parent);
    const box = node(api.parent!);
    expect([box.kind, box.label]).toEqual(['namespace', 'lab-api + lab-sidecar']);
    expect(children(box.id).map((n) => n.label).sort()).toEqual(['eth0', 'eth1', 'lab-api', 'lab-sidecar', 'lo']);
    expect(g.nodes.filter((n) => n.kind === 'namespace' && n.label.includes('lab-api'))).toHaveLength(1);
  });

  it("gives lab-none a box holding only lo, tagged none-mode", () => {
    const none = node(`ctr:${ID.none}`);
    const box = node(none.parent!);
    expect(box.tags).toEqual(['none-mode']);
    expect(none.tags).toEqual(['none-mode']);
    const kids = children(box.id);
    expect(kids.map((k) => `${k.kind}:${k.label}`).sort()).toEqual(['container:lab-none', 'interface:lo']);
    expect(kids.find((k) => k.label === 'lo')!.tags).toEqual(['loopback']);
  });

  it('puts lab-hostnet in a host namespace box that holds nothing else', () => {
    const box = one((n) => n.kind === 'namespace' && n.tags.includes('host-mode'), 'host box');
    expect([box.id, box.label]).toEqual([`ns:${HOST}`, 'host network namespace']);
    expect(children(box.id).map((n) => n.label)).toEqual(['lab-hostnet']);
    expect(node(`ctr:${ID.hostnet}`).tags).toEqual(['host-mode']);
    // Host interfaces stay top-level.
    for (const n of g.nodes) if (n.ref.type === 'interface' && n.ref.namespaceId === HOST) expect(n.parent).toBeNull();
  });

  it('draws the named namespace netatlas-demo with its veth to the host', () => {
    const box = one((n) => n.kind === 'namespace' && n.label === 'netns netatlas-demo', 'netatlas-demo box');
    expect(children(box.id).map((n) => n.label).sort()).toEqual(['lo', 'na-demo-ns']);
    const inner = node('if:netns:4026532563/2');
    const outer = node(`if:${HOST}/33`);
    expect([inner.label, outer.label, outer.parent]).toEqual(['na-demo-ns', 'na-demo-h', null]);
    expect(edge('veth', inner.id, outer.id)).toBe(true);
    expect(g.edges.some((e) => e.kind === 'bridge-port' && e.target === outer.id)).toBe(false);
  });

  it('draws the published ports, mapped to lab-web and served by their docker-proxies', () => {
    const ports = g.nodes.filter((n) => n.kind === 'port');
    expect(ports.map((p) => p.label).sort()).toEqual(['0.0.0.0:18080→80/tcp', '127.0.0.1:18081→80/tcp', '[::]:18080→80/tcp']);
    expect(ports.map((p) => p.id)).toContain(`port:${ID.web}/0.0.0.0/18080/tcp`);
    for (const p of ports) expect(edge('port-map', p.id, `ctr:${ID.web}`)).toBe(true);
    expect(g.edges.filter((e) => e.kind === 'port-map').every((e) => e.source.startsWith('port:'))).toBe(true);
    expect(edge('proxy', `port:${ID.web}/0.0.0.0/18080/tcp`, 'proxy:8910')).toBe(true);
    expect(edge('proxy', `port:${ID.web}/127.0.0.1/18081/tcp`, 'proxy:8899')).toBe(true);
    expect(edge('proxy', `port:${ID.web}/::/18080/tcp`, 'proxy:8916')).toBe(true);
    expect(g.nodes.filter((n) => n.kind === 'proxy').map((n) => n.label)).toEqual(['docker-proxy', 'docker-proxy', 'docker-proxy']);
  });

  it('labels namespace boxes by their containers, `ip netns` name, or inode', () => {
    const boxes = g.nodes.filter((n) => n.kind === 'namespace').map((n) => n.label).sort();
    expect(boxes).toEqual(['host network namespace', 'lab-api + lab-sidecar', 'lab-db', 'lab-none', 'lab-web', 'lab-worker', 'netns netatlas-demo']);
  });

  it('gives link states and dims what is down', () => {
    const ifb0 = node(`if:${HOST}/2`);
    expect([ifb0.kind, ifb0.state, ifb0.dimmed]).toEqual(['interface', 'down', true]);
    const lo = node(`if:${HOST}/1`);
    expect([lo.kind, lo.state, lo.tags]).toEqual(['interface', 'up', ['loopback']]); // UNKNOWN with LOWER_UP
  });

  it('has only edges between existing nodes, unique ids, and parents that are namespace boxes', () => {
    const ids = new Set(g.nodes.map((n) => n.id));
    expect(ids.size).toBe(g.nodes.length);
    expect(new Set(g.edges.map((e) => e.id)).size).toBe(g.edges.length);
    for (const e of g.edges) {
      expect(ids.has(e.source), e.id).toBe(true);
      expect(ids.has(e.target), e.id).toBe(true);
    }
    for (const n of g.nodes) if (n.parent) expect(node(n.parent).kind).toBe('namespace');
  });

  it('has an id scheme independent of edge direction and array order', () => {
    const v = `if:${HOST}/24`;
    expect(g.edges.find((e) => e.kind === 'veth' && (e.source === v || e.target === v))).toEqual(
      { id: `e:veth:${v}|if:netns:4026532186/23`, kind: 'veth', source: v, target: 'if:netns:4026532186/23' });
    const reversed = lab();
    reversed.namespaces.reverse();
    for (const ns of reversed.namespaces) ns.interfaces.reverse();
    reversed.docker!.containers.reverse();
    reversed.dockerProxies.reverse();
    expect(buildGraph(reversed)).toEqual(g);
  });

  it('gives search tokens: names, ids, IPs with and without prefix, MACs, ports, networks, aliases, image', () => {
    const web = node(`ctr:${ID.web}`).search;
    for (const t of ['lab-web', ID.web, ID.web.slice(0, 12), '198.18.0.2', '198.18.0.2/24', '02:42:c6:12:00:02', '18080',
      '0.0.0.0:18080', '127.0.0.1:18081', '80', 'bridge', 'netatlas-lab/busybox:1']) expect(web, t).toContain(t);
    expect(node(`ctr:${ID.api}`).search).toEqual(expect.arrayContaining(['api', 'netatlas-lab-a', 'netatlas-lab-b', '198.18.2.2']));
    expect(node(`port:${ID.web}/0.0.0.0/18080/tcp`).search).toEqual(expect.arrayContaining(['18080', '0.0.0.0:18080', '80', 'lab-web']));
    expect(node('proxy:8910').search).toEqual(expect.arrayContaining(['8910', '18080', '198.18.0.2']));
    expect(node(`if:${HOST}/24`).search).toEqual(expect.arrayContaining(['veth4e00ea5', 'de:a4:9c:10:75:3a', 'bridge']));
    expect(node('br:br-f0376874e379').search).toEqual(expect.arrayContaining(['198.18.1.1', '198.18.1.1/24', 'netatlas-lab-a', '198.18.1.0/24']));
    expect(node(`if:${HOST}/4`).search).toEqual(expect.arrayContaining(['192.0.2.2', '192.0.2.2/24', 'fd00::2', '02:fc:00:00:00:01']));
    for (const n of g.nodes) for (const t of n.search) expect(t).toBe(t.toLowerCase());
  });

  it('gives each node the docker networks it belongs to, for the network filter', () => {
    const [bridge, a, b, host, none] = [ID.netBridge, ID.netA, ID.netB, ID.netHost, ID.netNone].map((x) => netOf(g, x));
    expect(node('br:docker0').networks).toEqual([bridge]);
    expect(node('br:br-f0376874e379').networks).toEqual([a]);
    expect(node(`if:${HOST}/26`).networks).toEqual([a]); // veth48250fa
    expect(node('if:netns:4026532261/27').networks).toEqual([b]); // lab-api's eth1
    expect(node(`ctr:${ID.api}`).networks).toEqual([a, b].sort());
    expect(node(`ctr:${ID.sidecar}`).networks).toEqual([a, b].sort()); // shares lab-api's legs
    expect(node('ns:netns:4026532261').networks).toEqual([a, b].sort());
    expect(node(`port:${ID.web}/127.0.0.1/18081/tcp`).networks).toEqual([bridge]);
    expect(node('proxy:8899').networks).toEqual([bridge]);
    expect(node(`ctr:${ID.hostnet}`).networks).toEqual([host]);
    expect(node(`ns:${HOST}`).networks).toEqual([host]);
    expect(node(`ctr:${ID.none}`).networks).toEqual([none]);
    expect(node(`if:${HOST}/4`).networks).toEqual([]);
  });

  it('tags loopbacks and only them', () => {
    const tagged = g.nodes.filter((n) => n.tags.includes('loopback'));
    expect(tagged.map((n) => n.label)).toEqual(Array(tagged.length).fill('lo'));
    expect(tagged).toHaveLength(s.namespaces.length);
  });
});

describe('buildGraph ids across revisions', () => {
  const before = buildGraph(lab());

  it('are the same when the same snapshot is built twice', () => {
    expect(buildGraph(lab())).toEqual(before);
  });

  it('are unchanged for everything else when a container is added', () => {
    const s = lab();
    addContainer(s, { name: 'lab-new', n: 77, networks: [s.docker!.networks.find((n) => n.name === 'bridge')!], ports: [{ containerPort: 8080, hostPort: 18090 }] });
    const after = buildGraph(s);
    const now = new Map(after.nodes.map((n) => [n.id, n]));
    for (const n of before.nodes) expect(now.get(n.id), n.id).toEqual(n);
    const edgeIds = new Set(after.edges.map((e) => e.id));
    for (const e of before.edges) expect(edgeIds.has(e.id), e.id).toBe(true);
    expect(after.nodes.length - before.nodes.length).toBe(7); // box, lo, eth0, host veth, container, port, proxy
  });

  it('are unchanged for everything else when a container is removed', () => {
    const s = lab();
    removeContainer(s, 'lab-db');
    const after = buildGraph(s);
    const was = new Map(before.nodes.map((n) => [n.id, n]));
    for (const n of after.nodes) expect(n, n.id).toEqual(was.get(n.id));
    expect(after.nodes.some((n) => n.label === 'lab-db')).toBe(false);
  });
});

describe('buildGraph on hand-built snapshots', () => {
  it('draws the host alone when Docker is unreachable', () => {
    const s = emptySnapshot();
    s.docker = null;
    const g = buildGraph(s);
    expect(g.nodes.map((n) => `${n.kind}:${n.label}`).sort()).toEqual(['interface:lo', 'uplink:eth0']);
    expect(g.edges).toEqual([]);
  });

  it('dims an empty, DOWN docker0 and still links it to the uplink', () => {
    const s = emptySnapshot();
    addNetwork(s, 'bridge', 0);
    const br = s.namespaces[0].interfaces.find((i) => i.name === 'docker0')!;
    br.operstate = 'DOWN';
    br.flags = ['BROADCAST', 'MULTICAST', 'UP'];
    const g = buildGraph(s);
    const n = g.nodes.find((x) => x.id === 'br:docker0')!;
    expect([n.state, n.dimmed]).toEqual(['down', true]);
    expect(g.edges.map((e) => e.id)).toEqual(['e:uplink:br:docker0|if:netns:4026531833/2']);
  });

  it('draws no uplink edge without a default route, nor from an internal network', () => {
    const s = emptySnapshot();
    addNetwork(s, 'bridge', 0);
    const internal = addNetwork(s, 'secret', 1);
    internal.internal = true;
    expect(buildGraph(s).edges.map((e) => e.id)).toEqual(['e:uplink:br:docker0|if:netns:4026531833/2']);
    s.namespaces[0].routes = [];
    expect(buildGraph(s).edges).toEqual([]);
  });

  it('treats a non-physical interface carrying the default route as the uplink, other host interfaces as interfaces', () => {
    const s = emptySnapshot();
    const host = s.namespaces[0];
    const base = host.interfaces[1];
    host.interfaces.push({ ...base, id: 'netns:4026531833/if3', ifindex: 3, name: 'wg0', kind: 'wireguard', linkKind: 'wireguard', operstate: 'UNKNOWN', flags: ['POINTOPOINT', 'UP', 'LOWER_UP'] });
    host.interfaces.push({ ...base, id: 'netns:4026531833/if4', ifindex: 4, name: 'vxlan0', kind: 'vxlan', linkKind: 'vxlan' });
    host.routes = [{ ...host.routes[0], dev: 'wg0', gateway: null }];
    addNetwork(s, 'bridge', 0);
    const g = buildGraph(s);
    const byLabel = (l: string) => g.nodes.find((n) => n.label === l)!;
    expect([byLabel('wg0').kind, byLabel('wg0').state, byLabel('wg0').parent]).toEqual(['uplink', 'up', null]);
    expect([byLabel('vxlan0').kind, byLabel('vxlan0').parent]).toEqual(['interface', null]);
    expect(byLabel('eth0').kind).toBe('uplink');
    expect(g.edges.filter((e) => e.kind === 'uplink').map((e) => e.target)).toEqual(['if:netns:4026531833/3']);
  });

  it('draws a macvlan inside a namespace as an interface of its box', () => {
    const s = emptySnapshot();
    const c = addModeContainer(s, 'mv', 1, 'none');
    const ns = s.namespaces.find((n) => n.id === c.namespaceId)!;
    ns.interfaces.push({ ...ns.interfaces[0], id: `${ns.id}/if9`, ifindex: 9, name: 'eth0', kind: 'macvlan', linkKind: 'macvlan', flags: ['UP', 'LOWER_UP'], operstate: 'UP', addresses: [] });
    const g = buildGraph(s);
    const mv = g.nodes.find((n) => n.id === `if:${ns.id}/9`)!;
    expect([mv.kind, mv.parent, mv.tags]).toEqual(['interface', `ns:${ns.id}`, []]);
  });

  it('dims a stopped container, which has no namespace, and its ports', () => {
    const s = emptySnapshot();
    const net = addNetwork(s, 'bridge', 0);
    const c = addContainer(s, { name: 'gone', n: 5, networks: [net], ports: [{ containerPort: 80, hostPort: 8080 }] });
    removeContainer(s, 'gone');
    s.docker!.containers.push({ ...c, state: 'exited', namespaceId: null, pid: null, endpoints: [] });
    const g = buildGraph(s);
    const n = g.nodes.find((x) => x.id === `ctr:${c.id}`)!;
    expect([n.parent, n.dimmed, n.detail]).toEqual([null, true, 'bridge · exited']);
    expect(g.nodes.find((x) => x.kind === 'port')!.dimmed).toBe(true);
    expect(g.nodes.some((x) => x.kind === 'namespace')).toBe(false);
  });

  it('has no host box without host-mode containers', () => {
    const s = emptySnapshot();
    expect(buildGraph(s).nodes.some((n) => n.kind === 'namespace')).toBe(false);
    addModeContainer(s, 'h', 1, 'host');
    expect(buildGraph(s).nodes.filter((n) => n.kind === 'namespace').map((n) => n.label)).toEqual(['host network namespace']);
  });
});
