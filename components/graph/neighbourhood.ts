import type { Graph } from '@/lib/topology/types';

export interface Adjacency {
  neighbours: Map<string, string[]>;
  children: Map<string, string[]>;
  parent: Map<string, string>;
}

export function adjacency(g: Graph): Adjacency {
  const neighbours = new Map<string, string[]>();
  const add = (a: string, b: string) => {
    const list = neighbours.get(a);
    if (list) list.push(b);
    else neighbours.set(a, [b]);
  };
  for (const e of g.edges) {
    add(e.source, e.target);
    add(e.target, e.source);
  }
  const children = new Map<string, string[]>();
  const parent = new Map<string, string>();
  for (const n of g.nodes) {
    if (!n.parent) continue;
    parent.set(n.id, n.parent);
    const list = children.get(n.parent);
    if (list) list.push(n.id);
    else children.set(n.parent, [n.id]);
  }
  return { neighbours, children, parent };
}

/**
 * What stays lit while `id` is hovered: the node (a namespace box counts with everything inside it), whatever its
 * edges reach (a container counts as its whole box), and the boxes around all of those so a neighbour is never shown floating outside its namespace.
 * `core` is the hovered node or box contents: an edge is lit only when it touches the core.
 */
export function neighbourhood(adj: Adjacency, id: string, kindOf: (id: string) => string | undefined): { lit: Set<string>; core: Set<string> } {
  // A container has no edges of its own: its connections are its namespace's interfaces, so it stands for its box.
  const parent = adj.parent.get(id);
  const centre = kindOf(id) === 'container' && parent ? parent : id;
  const core = new Set([id, centre, ...(adj.children.get(centre) ?? [])]);
  const lit = new Set(core);
  for (const c of core) for (const n of adj.neighbours.get(c) ?? []) lit.add(n);
  for (const n of [...lit]) {
    for (let p = adj.parent.get(n), guard = 0; p && guard < 16; p = adj.parent.get(p), guard++) lit.add(p);
  }
  return { lit, core };
}
