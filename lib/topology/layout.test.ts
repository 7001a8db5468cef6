import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSnapshot, type Snapshot } from '../snapshot/schema';
import { buildGraph } from './build';
import { layoutGraph, metrics } from './layout';
import { addContainer, addModeContainer, connectNetwork, removeContainer, syntheticSnapshot } from './synthetic';
import type { Box, Graph, GraphNode, Layout } from './types';

const raw = readFileSync(new URL('../snapshot/__fixtures__/lab-snapshot.json', import.meta.url), 'utf8');
const lab = (): Snapshot => parseSnapshot(JSON.parse(raw));

const overlap = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const inside = (c: Box, p: Box) => c.x >= p.x && c.y >= p.y && c.x + c.w <= p.x + p.w && c.y + c.h <= p.y + p.h;

/** Every node placed; top-level boxes disjoint; children inside their box and disjoint from their siblings. */
function checkLayout(g: Graph, l: Layout) {
  for (const n of g.nodes) expect(l.get(n.id), `box of ${n.id}`).toBeDefined();
  const disjoint = (nodes: GraphNode[]) => {
    // Sweep by x so a 1,500-node graph stays cheap.
    const items = nodes.map((n) => ({ n, b: l.get(n.id)! })).sort((a, b) => a.b.x - b.b.x);
    for (let i = 0; i < items.length; i++)
      for (let j = i + 1; j < items.length && items[j].b.x < items[i].b.x + items[i].b.w; j++)
        if (overlap(items[i].b, items[j].b)) bad.push(`${items[i].n.id} overlaps ${items[j].n.id}`);
  };
  const bad: string[] = [];
  disjoint(g.nodes.filter((n) => n.parent === null));
  const kids = new Map<string, GraphNode[]>();
  for (const n of g.nodes) if (n.parent) kids.set(n.parent, [...(kids.get(n.parent) ?? []), n]);
  for (const [p, list] of kids) {
    for (const c of list) if (!inside(l.get(c.id)!, l.get(p)!)) bad.push(`${c.id} outside ${p}`);
    disjoint(list);
  }
  expect(bad).toEqual([]);
}

/** Nodes whose box differs between two layouts (among those present in both). */
const moved = (a: Layout, b: Layout) => [...a].filter(([id, box]) => b.has(id) && JSON.stringify(b.get(id)) !== JSON.stringify(box)).map(([id]) => id);

const byLabel = (g: Graph, kind: GraphNode['kind'], label: string) => g.nodes.find((n) => n.kind === kind && n.label === label)!;
const right = (b: Box) => b.x + b.w;

describe('layoutGraph on the lab', () => {
  const g = buildGraph(lab());
  const l = layoutGraph(g);
  const box = (kind: GraphNode['kind'], label: string) => l.get(byLabel(g, kind, label).id)!;
  const bridges = ['docker0', 'br-7bb242862bae', 'br-f0376874e379'].map((b) => l.get(`br:${b}`)!);

  it('places every node, with no overlaps and children inside their boxes', () => {
    checkLayout(g, l);
    expect(l.size).toBe(g.nodes.length);
  });

  it('reads top to bottom: uplink, ports and proxies, bridges, host veths, namespace boxes', () => {
    const uplink = box('uplink', 'eth0');
    const ports = g.nodes.filter((n) => n.kind === 'port' || n.kind === 'proxy').map((n) => l.get(n.id)!);
    for (const p of ports) expect(p.y).toBeGreaterThan(uplink.y + uplink.h - 1);
    for (const b of bridges) {
      expect(b.y).toBe(bridges[0].y);
      for (const p of ports) expect(p.y + p.h).toBeLessThanOrEqual(b.y);
    }
    for (const e of g.edges.filter((x) => x.kind === 'proxy')) {
      const [port, proxy] = [e.source, e.target].map((id) => l.get(id)!);
      expect(proxy.y).toBeLessThan(port.y); // each docker-proxy just above its port
    }
    for (const e of g.edges.filter((x) => x.kind === 'veth')) {
      const [a, b] = [e.source, e.target].map((id) => g.nodes.find((n) => n.id === id)!);
      const [outer, inner] = a.parent === null ? [a, b] : [b, a];
      const ob = l.get(outer.id)!, ib = l.get(inner.id)!, nb = l.get(inner.parent!)!;
      expect(ob.x).toBe(ib.x); // the host end sits right above its peer…
      expect(ob.y + ob.h).toBeLessThanOrEqual(nb.y); // …above the box
      expect(ob.y).toBeGreaterThan(bridges[0].y);
    }
  });

  it('puts network blocks side by side with their namespaces beneath, shared ones between, bridge-less ones last', () => {
    // Reading order: docker0 first, then by label, which is the network's name (netatlas-lab-a is br-f03…).
    const [docker0, brB, brA] = bridges;
    expect(docker0.x).toBeLessThan(brA.x);
    expect(brA.x).toBeLessThan(brB.x);
    const under = (b: Box, next: Box | null, label: string) => {
      const n = box('namespace', label);
      expect(n.x, label).toBeGreaterThanOrEqual(b.x);
      if (next) expect(right(n), label).toBeLessThan(next.x);
      expect(n.y, label).toBeGreaterThan(b.y);
    };
    under(docker0, brA, 'lab-web');
    under(brA, brB, 'lab-db');
    under(brB, null, 'lab-worker');
    // On lab-a and lab-b: last in the block of lab-a (first in reading order), so next to lab-b's block.
    under(brA, brB, 'lab-api + lab-sidecar');
    const api = box('namespace', 'lab-api + lab-sidecar'), db = box('namespace', 'lab-db');
    expect(api.y > db.y || api.x > db.x).toBe(true);
    const lastBridgeGroup = Math.max(right(api), right(box('namespace', 'lab-worker')));
    for (const label of ['host network namespace', 'lab-none', 'netns netatlas-demo']) expect(box('namespace', label).x).toBeGreaterThan(lastBridgeGroup);
  });

  it('lays a box out as interfaces along the top (lo last) and containers as rows', () => {
    const ns = byLabel(g, 'namespace', 'lab-api + lab-sidecar');
    const kids = g.nodes.filter((n) => n.parent === ns.id).map((n) => ({ n, b: l.get(n.id)! }));
    const top = kids.filter((k) => k.n.kind !== 'container').sort((a, b) => a.b.x - b.b.x);
    expect(top.map((k) => k.n.label)).toEqual(['eth0', 'eth1', 'lo']);
    expect(new Set(top.map((k) => k.b.y)).size).toBe(1);
    const rows = kids.filter((k) => k.n.kind === 'container').sort((a, b) => a.b.y - b.b.y);
    expect(rows.map((k) => k.n.label)).toEqual(['lab-api', 'lab-sidecar']);
    expect(rows[0].b.y).toBeGreaterThan(top[0].b.y);
    expect(l.get(ns.id)!.y + metrics.head).toBe(top[0].b.y); // the label band the renderer can use
  });

  it('is deterministic and independent of the order of nodes and edges', () => {
    const shuffled: Graph = { nodes: [...g.nodes].reverse(), edges: [...g.edges].reverse() };
    expect(layoutGraph(shuffled)).toEqual(l);
    expect(layoutGraph(buildGraph(lab()))).toEqual(l);
  });

  it('returns the previous layout unchanged when nothing changed', () => {
    expect(layoutGraph(g, l)).toEqual(l);
  });
});

describe('layoutGraph stability across revisions of the lab', () => {
  const g0 = buildGraph(lab());
  const l0 = layoutGraph(g0);
  const bridgeXs = () => ['docker0', 'br-7bb242862bae', 'br-f0376874e379'].map((b) => l0.get(`br:${b}`)!.x);
  const network = (s: Snapshot, name: string) => s.docker!.networks.find((n) => n.name === name)!;

  it('keeps every box when a container is added on docker0, and puts the new one under docker0', () => {
    const s = lab();
    const c = addContainer(s, { name: 'lab-new', n: 1, networks: [network(s, 'bridge')], ports: [{ containerPort: 8080, hostPort: 18090 }] });
    const g1 = buildGraph(s);
    const l1 = layoutGraph(g1, l0);
    checkLayout(g1, l1);
    expect(moved(l0, l1)).toEqual([]);
    for (const id of l0.keys()) expect(l1.get(id)).toEqual(l0.get(id));
    const nb = l1.get(`ns:${c.namespaceId}`)!;
    const [docker0X, nextX] = bridgeXs();
    expect(nb.x).toBeGreaterThanOrEqual(docker0X);
    expect(right(nb)).toBeLessThan(nextX);
    expect(nb.y).toBeGreaterThan(l0.get('br:docker0')!.y);
    // The first free spot of docker0's block, which is one box wide: right under lab-web.
    const web = l0.get(byLabel(g0, 'namespace', 'lab-web').id)!;
    expect(nb.x).toBe(web.x);
    expect(nb.y).toBe(web.y + web.h + metrics.rowGap + metrics.ifH + metrics.vethGap); // its host-veth row above it
    const port = l1.get(g1.nodes.find((n) => n.kind === 'port' && n.label.includes('18090'))!.id)!;
    expect(port.x).toBeGreaterThanOrEqual(docker0X);
    expect(port.y + port.h).toBeLessThanOrEqual(l0.get('br:docker0')!.y);
  });

  it('wraps more new containers into new rows under their bridge instead of pushing neighbours aside', () => {
    const s = lab();
    const added = [1, 2, 3, 4, 5].map((n) => addContainer(s, { name: `lab-new-${n}`, n, networks: [network(s, 'bridge')] }));
    const g1 = buildGraph(s);
    const l1 = layoutGraph(g1, l0);
    checkLayout(g1, l1);
    expect(moved(l0, l1)).toEqual([]);
    const [docker0X, nextX] = bridgeXs();
    const rows = new Set<number>();
    for (const c of added) {
      const nb = l1.get(`ns:${c.namespaceId}`)!;
      expect(nb.x).toBeGreaterThanOrEqual(docker0X);
      expect(right(nb)).toBeLessThan(nextX);
      rows.add(nb.y);
    }
    expect(rows.size).toBeGreaterThan(1);
    // Adding them one revision at a time gives the same picture as all at once.
    let l = l0;
    const step = lab();
    for (const n of [1, 2, 3, 4, 5]) {
      addContainer(step, { name: `lab-new-${n}`, n, networks: [network(step, 'bridge')] });
      const next = layoutGraph(buildGraph(step), l);
      expect(moved(l, next)).toEqual([]);
      l = next;
    }
    expect(l).toEqual(l1);
  });

  it('leaves everything else in place when containers are removed, and reuses the hole', () => {
    for (const name of ['lab-db', 'lab-web', 'lab-none', 'lab-sidecar']) {
      const s = lab();
      removeContainer(s, name);
      const g1 = buildGraph(s);
      const l1 = layoutGraph(g1, l0);
      checkLayout(g1, l1);
      expect(moved(l0, l1), name).toEqual([]);
      expect([...l1.keys()].every((id) => l0.has(id)), name).toBe(true);
    }
    const s = lab();
    removeContainer(s, 'lab-web');
    const l1 = layoutGraph(buildGraph(s), l0);
    const c = addContainer(s, { name: 'lab-web-2', n: 2, networks: [network(s, 'bridge')] });
    const l2 = layoutGraph(buildGraph(s), l1);
    expect(l2.get(`ns:${c.namespaceId}`)!.x).toBe(l0.get(byLabel(g0, 'namespace', 'lab-web').id)!.x);
  });

  it('grows a box in place when a container joins another network and there is room', () => {
    const s = lab();
    const web = s.docker!.containers.find((c) => c.name === 'lab-web')!; // docker0's block has room on its right
    connectNetwork(s, web, network(s, 'netatlas-lab-b'), 3);
    const g1 = buildGraph(s);
    const l1 = layoutGraph(g1, l0);
    checkLayout(g1, l1);
    const box = `ns:${web.namespaceId}`;
    expect(moved(l0, l1)).toEqual([box]);
    const [before, after] = [l0.get(box)!, l1.get(box)!];
    expect([after.x, after.y, after.h]).toEqual([before.x, before.y, before.h]);
    expect(after.w).toBeGreaterThan(before.w);
    const eth1 = g1.nodes.find((n) => n.parent === box && n.label === 'eth1')!;
    const lo = g1.nodes.find((n) => n.parent === box && n.label === 'lo')!;
    expect(l1.get(eth1.id)!.x).toBeGreaterThan(l1.get(lo.id)!.x); // first free slot: nothing inside shifts
  });

  it('moves a box that must grow but has no room, with its children, and nothing else', () => {
    const s = lab();
    const api = s.docker!.containers.find((c) => c.name === 'lab-api')!;
    connectNetwork(s, api, network(s, 'bridge'), 4); // lab-db sits right next to it
    const g1 = buildGraph(s);
    const l1 = layoutGraph(g1, l0);
    checkLayout(g1, l1);
    const box = `ns:${api.namespaceId}`;
    const family = new Set([box, ...g1.nodes.filter((n) => n.parent === box).map((n) => n.id)]);
    for (const e of g1.edges) if (e.kind === 'veth' && family.has(e.target)) family.add(e.source); // host ends ride along
    for (const e of g1.edges) if (e.kind === 'veth' && family.has(e.source)) family.add(e.target);
    const m = moved(l0, l1);
    expect(m).toContain(box);
    for (const id of m) expect(family.has(id), id).toBe(true);
    const [b0, b1] = [l0.get(box)!, l1.get(box)!];
    for (const id of family) if (l0.has(id) && g0.nodes.find((n) => n.id === id)!.parent === box) {
      expect(l1.get(id)!.x - b1.x).toBe(l0.get(id)!.x - b0.x);
      expect(l1.get(id)!.y - b1.y).toBe(l0.get(id)!.y - b0.y);
    }
  });

  it('puts a new bridge-less namespace in the group on the right', () => {
    const s = lab();
    const c = addModeContainer(s, 'lab-none-2', 1, 'none');
    const g1 = buildGraph(s);
    const l1 = layoutGraph(g1, l0);
    checkLayout(g1, l1);
    expect(moved(l0, l1)).toEqual([]);
    const nb = l1.get(`ns:${c.namespaceId}`)!;
    expect(nb.x).toBeGreaterThanOrEqual(l0.get(byLabel(g0, 'namespace', 'host network namespace').id)!.x);
  });

  it('appends a new bridge group to the right of or below everything', () => {
    const s = lab();
    const host = s.namespaces.find((n) => n.kind === 'host')!;
    const net = structuredClone(network(s, 'netatlas-lab-a'));
    Object.assign(net, { id: 'c'.repeat(64), name: 'netatlas-lab-c', bridge: 'br-cccccccccccc', containers: [] });
    net.subnets = [{ subnet: '198.18.9.0/24', gateway: '198.18.9.1', ipRange: null }];
    s.docker!.networks.push(net);
    const br = structuredClone(host.interfaces.find((i) => i.name === 'br-f0376874e379')!);
    Object.assign(br, { id: `${host.id}/if90`, ifindex: 90, name: 'br-cccccccccccc', bridge: { stp: false, vlanFiltering: false, ports: [] } });
    host.interfaces.push(br);
    const c = addContainer(s, { name: 'lab-c', n: 9, networks: [net] });
    const g1 = buildGraph(s);
    const l1 = layoutGraph(g1, l0);
    checkLayout(g1, l1);
    expect(moved(l0, l1)).toEqual([]);
    const maxRight = Math.max(...[...l0.values()].map(right));
    const maxBottom = Math.max(...[...l0.values()].map((b) => b.y + b.h));
    for (const id of ['br:br-cccccccccccc', `ns:${c.namespaceId}`]) {
      const b = l1.get(id)!;
      expect(b.x > maxRight || b.y > maxBottom, id).toBe(true);
    }
    // A new lane under the others starts at their left edge, with the bridge above its box.
    expect(l1.get('br:br-cccccccccccc')!.y).toBeLessThan(l1.get(`ns:${c.namespaceId}`)!.y);
  });
});

describe('layoutGraph on small graphs', () => {
  it('lays out an empty graph and a host without Docker', () => {
    expect(layoutGraph({ nodes: [], edges: [] })).toEqual(new Map());
    const s = lab();
    s.docker = null;
    s.dockerProxies = [];
    const g = buildGraph(s);
    const l = layoutGraph(g);
    checkLayout(g, l);
    expect(Math.min(...[...l.values()].map((b) => b.x))).toBe(0);
    expect(Math.min(...[...l.values()].map((b) => b.y))).toBe(0);
  });
});

describe('layoutGraph on a busy host', () => {
  const s = syntheticSnapshot(300);
  const g = buildGraph(s);
  const l = layoutGraph(g);

  it('places all ~1,500 nodes without overlaps', () => {
    const containers = s.docker!.containers.length;
    const expected = s.namespaces.reduce((n, ns) => n + ns.interfaces.length, 0) // every interface
      + s.namespaces.filter((ns) => ns.kind !== 'host').length + 1 // every box, plus the host box (solo-host)
      + containers + s.docker!.containers.reduce((n, c) => n + c.ports.length, 0) + s.dockerProxies.length;
    expect(containers).toBe(300);
    expect(g.nodes.length).toBe(expected);
    expect(g.nodes.length).toBeGreaterThan(1400);
    expect(l.size).toBe(g.nodes.length);
    checkLayout(g, l);
    const boxes = g.nodes.filter((n) => n.kind === 'namespace').map((n) => l.get(n.id)!);
    let overlapping = 0;
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) if (overlap(boxes[i], boxes[j])) overlapping++;
    expect(overlapping).toBe(0);
  });

  it('keeps every box when one more container arrives, and puts it under its bridge', () => {
    const next = structuredClone(s);
    const net = next.docker!.networks[3];
    const c = addContainer(next, { name: 'late', n: 5000, networks: [net], ports: [{ containerPort: 80, hostPort: 31000 }] });
    const g1 = buildGraph(next);
    const l1 = layoutGraph(g1, l);
    checkLayout(g1, l1);
    expect(moved(l, l1)).toEqual([]);
    const xs = g.nodes.filter((n) => n.kind === 'bridge').map((n) => l.get(n.id)!.x).sort((a, b) => a - b);
    const mine = l.get(`br:${net.bridge}`)!.x;
    const nextX = xs.find((x) => x > mine) ?? Infinity;
    const nb = l1.get(`ns:${c.namespaceId}`)!;
    expect(nb.x).toBeGreaterThanOrEqual(mine);
    expect(right(nb)).toBeLessThan(nextX);
  });
});
