import type { Snapshot } from '../snapshot/schema';
import { projectCounts } from '../snapshot/names';
import type { Graph, GraphEdge, GraphNode } from './types';

// Groups of containers, each drawn as one node standing for its containers' boxes while it is not expanded:
// compose projects, and on a busy host the containers of no project, by network.

export const projectNodeId = (name: string) => `proj:${name}`;

export interface Project {
  /** The compose project's name; for containers of no project, `NETWORK · no project` (no compose name has spaces). */
  name: string;
  /** For a group of containers of no compose project: the network they are on. Null for a compose project. */
  network: string | null;
  containerIds: string[];
  /** Docker network ids its containers are on. */
  networkIds: string[];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byName = (a: Project, b: Project) => cmp(a.name, b.name);

/** From this many containers on a host, its containers of no compose project are grouped by network too… */
export const LOOSE_GROUPS_FROM = 100;
/** …where a network has at least this many of them: a few stay drawn one by one. */
export const LOOSE_GROUP_MIN = 6;

/**
 * The groups of a snapshot: compose projects by their `com.docker.compose.project` label, in name order; then, on
 * a host of LOOSE_GROUPS_FROM containers or more, the containers of no project on each network that has
 * LOOSE_GROUP_MIN of them, so that a busy host opens on groups even where nobody uses compose.
 */
export function projectsOf(s: Snapshot): Project[] {
  return [...composeProjects(s), ...looseGroups(s)];
}

function composeProjects(s: Snapshot): Project[] {
  const named = new Map<string, Project>();
  for (const c of s.docker?.containers ?? []) {
    if (!c.composeProject) continue;
    const p = named.get(c.composeProject) ?? { name: c.composeProject, network: null, containerIds: [], networkIds: [] };
    p.containerIds.push(c.id);
    for (const e of c.endpoints) if (e.bridge && !p.networkIds.includes(e.networkId)) p.networkIds.push(e.networkId);
    named.set(p.name, p);
  }
  return [...named.values()].sort(byName);
}

/**
 * Containers of no compose project on a busy host, grouped by the network of their namespace's first endpoint
 * (where the layout files their box; a `container:` sidecar goes with the namespace it shares). Host- and none-mode
 * containers and a namespace shared with a project's container are left alone, as `collapseProjects` would.
 */
function looseGroups(s: Snapshot): Project[] {
  const containers = s.docker?.containers ?? [];
  if (containers.length < LOOSE_GROUPS_FROM) return [];
  const byNs = new Map<string, typeof containers>();
  for (const c of containers) if (c.namespaceId) byNs.set(c.namespaceId, [...(byNs.get(c.namespaceId) ?? []), c]);
  const byNet = new Map<string, Project>();
  for (const cs of byNs.values()) {
    if (cs.some((c) => c.composeProject || c.networkMode.kind === 'host')) continue;
    // The network of eth0 (the lowest interface name), which the layout files the box under.
    const first = cs.flatMap((c) => c.endpoints).filter((e) => e.bridge)
      .sort((a, b) => cmp(a.containerInterface?.name ?? '', b.containerInterface?.name ?? ''))[0];
    if (!first) continue;
    const name = `${first.networkName} · no project`;
    const g = byNet.get(name) ?? { name, network: first.networkName, containerIds: [], networkIds: [] };
    for (const c of cs) {
      g.containerIds.push(c.id);
      for (const e of c.endpoints) if (e.bridge && !g.networkIds.includes(e.networkId)) g.networkIds.push(e.networkId);
    }
    byNet.set(name, g);
  }
  return [...byNet.values()].filter((g) => g.containerIds.length >= LOOSE_GROUP_MIN).sort(byName);
}

/**
 * The graph with every project not in `expanded` folded into one node: its containers, the namespace boxes only
 * they use (with everything inside), the host ends of those boxes' veths, and their published ports and proxies
 * go; the project node takes one edge to each bridge they were on. A box shared with a container of no project
 * (or of another) stays, so nothing is drawn twice or lost.
 */
export function collapseProjects(g: Graph, projects: Project[], expanded: ReadonlySet<string>): Graph {
  const folded = projects.filter((p) => !expanded.has(p.name) && p.containerIds.length > 0);
  if (folded.length === 0) return g;
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const owner = new Map<string, Project>(); // container id → its folded project
  for (const p of folded) for (const id of p.containerIds) owner.set(id, p);
  const gone = new Map<string, Project>(); // node id → the project that swallows it
  const kids = new Map<string, GraphNode[]>();
  for (const n of g.nodes) if (n.parent) kids.set(n.parent, [...(kids.get(n.parent) ?? []), n]);
  for (const n of g.nodes) {
    if (n.kind !== 'namespace') continue;
    const ctrs = (kids.get(n.id) ?? []).filter((k) => k.ref.type === 'container');
    const projs = new Set(ctrs.map((k) => (k.ref.type === 'container' ? owner.get(k.ref.containerId) : undefined)));
    const [p] = projs;
    if (projs.size !== 1 || !p || n.tags.includes('host-mode')) continue;
    gone.set(n.id, p);
    for (const k of kids.get(n.id) ?? []) gone.set(k.id, p);
  }
  for (const n of g.nodes) if (n.ref.type === 'container' && n.parent === null && owner.has(n.ref.containerId)) gone.set(n.id, owner.get(n.ref.containerId)!);
  // Host veth ends of swallowed boxes, ports of swallowed containers, and the proxies of those ports.
  for (const e of g.edges) {
    if (e.kind === 'veth') {
      const [a, b] = [e.source, e.target];
      if (gone.has(a) && !gone.has(b) && byId.get(b)?.parent === null) gone.set(b, gone.get(a)!);
      else if (gone.has(b) && !gone.has(a) && byId.get(a)?.parent === null) gone.set(a, gone.get(b)!);
    }
  }
  for (const e of g.edges) if (e.kind === 'port-map' && gone.has(e.target)) gone.set(e.source, gone.get(e.target)!);
  for (const e of g.edges) {
    if (e.kind !== 'proxy') continue;
    const [port, proxy] = byId.get(e.source)?.kind === 'port' ? [e.source, e.target] : [e.target, e.source];
    if (gone.has(port)) gone.set(proxy, gone.get(port)!);
  }

  const nodes = g.nodes.filter((n) => !gone.has(n.id));
  const edges: GraphEdge[] = g.edges.filter((e) => !gone.has(e.source) && !gone.has(e.target));
  const seen = new Set<string>();
  for (const e of g.edges) {
    // A swallowed host veth on a bridge: the project node is on that bridge.
    if (e.kind !== 'bridge-port' || gone.has(e.source) || !gone.has(e.target)) continue;
    const id = `e:bridge-port:${e.source}|${projectNodeId(gone.get(e.target)!.name)}`;
    if (seen.has(id)) continue;
    seen.add(id);
    edges.push({ id, kind: 'bridge-port', source: e.source, target: projectNodeId(gone.get(e.target)!.name) });
  }
  for (const p of folded) {
    if (![...gone.values()].includes(p)) continue;
    const ctrNodes = g.nodes.filter((n) => n.ref.type === 'container' && owner.get(n.ref.containerId) === p);
    nodes.push({
      id: projectNodeId(p.name),
      kind: 'project',
      // A group of no project is named by its network: a name cut to fit keeps what tells it apart.
      label: p.network ?? p.name,
      detail: p.network ? `${p.containerIds.length} containers of no project` : projectCounts(p.containerIds.length, p.networkIds.length),
      parent: null,
      state: 'n/a',
      dimmed: ctrNodes.every((n) => n.dimmed),
      ref: { type: 'project', name: p.name, network: p.network },
      networks: [...p.networkIds].sort(),
      search: [p.name.toLowerCase(), ...ctrNodes.flatMap((n) => [n.label.toLowerCase(), ...n.search])],
      tags: [],
    });
  }
  return { nodes, edges };
}
