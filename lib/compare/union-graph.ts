import { buildGraph } from '../topology/build';
import type { Graph, GraphNode } from '../topology/types';
import type { Snapshot } from '../snapshot/schema';
import type { SemanticChange } from './changes';

/**
 * The compare view's graph: B's topology plus what only A had, each node marked added (only in B), removed (only
 * in A: drawn as a ghost) or changed (in both, drawn differently). Node ids are the topology's stable ids, so a
 * container restarted into a new namespace is a ghost box beside its new one — which is what happened.
 */

export type Mark = 'added' | 'removed' | 'changed';

export interface UnionGraph {
  graph: Graph;
  marks: Map<string, Mark>;
}

const looksSame = (x: GraphNode, y: GraphNode) => x.label === y.label && x.detail === y.detail && x.state === y.state && x.parent === y.parent;

export function unionGraph(a: Snapshot, b: Snapshot): UnionGraph {
  const ga = buildGraph(a);
  const gb = buildGraph(b);
  const inB = new Map(gb.nodes.map((n) => [n.id, n]));
  const inA = new Map(ga.nodes.map((n) => [n.id, n]));
  const marks = new Map<string, Mark>();
  for (const n of gb.nodes) {
    const before = inA.get(n.id);
    if (!before) marks.set(n.id, 'added');
    else if (!looksSame(before, n)) marks.set(n.id, 'changed');
  }
  const ghosts = ga.nodes.filter((n) => !inB.has(n.id));
  for (const n of ghosts) marks.set(n.id, 'removed');
  const edgeIds = new Set(gb.edges.map((e) => e.id));
  return {
    graph: { nodes: [...gb.nodes, ...ghosts], edges: [...gb.edges, ...ga.edges.filter((e) => !edgeIds.has(e.id))] },
    marks,
  };
}

/** The graph node a change is about, in whichever snapshot still has it (B first), or null (a host-wide rule). */
export function nodeOfChange(c: SemanticChange, g: Graph, a: Snapshot, b: Snapshot): string | null {
  const byContainer = (name: string) => {
    for (const s of [b, a]) {
      const ctr = s.docker?.containers.find((x) => x.name === name);
      const node = ctr && g.nodes.find((n) => n.ref.type === 'container' && n.ref.containerId === ctr.id);
      if (node) return node.id;
    }
    return null;
  };
  const o = c.object;
  if (o.type === 'container') return byContainer(o.name);
  if (o.type === 'network') {
    for (const s of [b, a]) {
      const bridge = s.docker?.networks.find((n) => n.name === o.name)?.bridge;
      const host = s.namespaces.find((n) => n.kind === 'host');
      const iface = host?.interfaces.find((i) => i.name === bridge);
      const node = iface && g.nodes.find((n) => n.ref.type === 'interface' && n.ref.namespaceId === host!.id && n.ref.ifindex === iface.ifindex);
      if (node) return node.id;
    }
    return null;
  }
  // Interfaces, routes, listeners and rules: the first container they concern, when they concern one.
  return c.concerns.containers.length ? byContainer(c.concerns.containers[0]) : null;
}
