import { describe, expect, it } from 'vitest';
import { compareSnapshots } from './compare';
import { labPair } from './fixtures.test-helper';
import { nodeOfChange, unionGraph } from './union-graph';

describe('the union graph of two real snapshots', () => {
  const { before, after } = labPair('port');
  const containerNode = (g: ReturnType<typeof unionGraph>['graph'], name: string) => g.nodes.find((n) => n.kind === 'container' && n.label === name);

  it('marks a container only in B as added, and only in A as a ghost (removed) that is still drawn', () => {
    const forward = unionGraph(before, after);
    const pub = containerNode(forward.graph, 'i16-pub')!;
    expect(forward.marks.get(pub.id)).toBe('added');
    expect(forward.marks.get(pub.parent!)).toBe('added'); // its namespace box

    const backward = unionGraph(after, before);
    const ghost = containerNode(backward.graph, 'i16-pub')!;
    expect(backward.marks.get(ghost.id)).toBe('removed');
    expect(backward.graph.nodes.some((n) => n.id === ghost.parent)).toBe(true);
    // Nothing else came or went but the container, its namespace with its lo, its veth pair, its port and the
    // docker-proxy serving it.
    const removed = [...backward.marks].filter(([, m]) => m === 'removed').map(([id]) => backward.graph.nodes.find((n) => n.id === id)!.kind).sort();
    expect(removed).toEqual(['container', 'interface', 'namespace', 'port', 'proxy', 'veth', 'veth']);
  });

  it('finds the node a change is about: the container of a container change', () => {
    const c = compareSnapshots(after, before);
    const u = unionGraph(after, before);
    const i = c.changes.findIndex((x) => x.kind === 'container' && x.action === 'removed');
    expect(nodeOfChange(c.changes[i], u.graph, after, before)).toBe(containerNode(u.graph, 'i16-pub')!.id);
  });
});
