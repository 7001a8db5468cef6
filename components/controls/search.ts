import type { Graph, GraphNode } from '@/lib/topology/types';

/**
 * Nodes whose search tokens contain every word of the query, best first: a token equal to a word beats one starting
 * with it, which beats a substring; ties keep graph order (stable sort), namespace boxes last.
 */
export function searchNodes(graph: Graph, query: string, limit = 8): GraphNode[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const scored: { n: GraphNode; score: number }[] = [];
  for (const n of graph.nodes) {
    let score = 0;
    for (const w of words) {
      let best = 0;
      for (const t of n.search) {
        if (t === w) best = 3;
        else if (best < 2 && t.startsWith(w)) best = 2;
        else if (best < 1 && t.includes(w)) best = 1;
        if (best === 3) break;
      }
      if (best === 0) {
        score = 0;
        break;
      }
      score += best;
    }
    if (score > 0) scored.push({ n, score });
  }
  // On a tie a namespace box comes after what it holds: "web" should find the container before its sandbox.
  const boxLast = (n: GraphNode) => (n.kind === 'namespace' ? 1 : 0);
  return scored
    .sort((a, b) => b.score - a.score || boxLast(a.n) - boxLast(b.n))
    .slice(0, limit)
    .map((x) => x.n);
}
