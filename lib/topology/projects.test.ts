import { describe, expect, it } from 'vitest';
import { buildGraph } from './build';
import { layoutGraph } from './layout';
import { collapseProjects, LOOSE_GROUP_MIN, LOOSE_GROUPS_FROM, projectNodeId, projectsOf } from './projects';
import { addSidecar, syntheticSnapshot } from './synthetic';

describe('compose projects folded into one node', () => {
  const s = syntheticSnapshot(40, 4, 3);
  const full = buildGraph(s);
  const projects = projectsOf(s);

  it('finds the projects by their compose label, with their containers and networks', () => {
    expect(projects.map((p) => p.name)).toEqual(['project-0', 'project-1', 'project-2']);
    const labelled = s.docker!.containers.filter((c) => c.composeProject === 'project-1');
    expect(projects[1].containerIds.sort()).toEqual(labelled.map((c) => c.id).sort());
    const nets = new Set(labelled.flatMap((c) => c.endpoints.map((e) => e.networkId)));
    expect(projects[1].networkIds.sort()).toEqual([...nets].sort());
  });

  it('replaces a folded project\'s containers, boxes, host veths, ports and proxies by one node on its bridges', () => {
    const g = collapseProjects(full, projects, new Set(['project-0', 'project-2']));
    const ids = new Set(g.nodes.map((n) => n.id));
    const p1 = projects[1];
    const node = g.nodes.find((n) => n.id === projectNodeId('project-1'))!;
    expect(node.kind).toBe('project');
    expect([node.label, node.detail]).toEqual(['project-1', `${p1.containerIds.length} containers, ${p1.networkIds.length} networks`]);
    for (const id of p1.containerIds) expect(ids.has(`ctr:${id}`)).toBe(false);
    const mine = new Set(p1.containerIds);
    for (const c of s.docker!.containers) {
      if (!mine.has(c.id)) expect(ids.has(`ctr:${c.id}`), c.name).toBe(true); // the others stay
      else {
        expect(ids.has(`ns:${c.namespaceId}`)).toBe(false);
        for (const e of c.endpoints) expect(ids.has(`if:${e.hostInterface!.namespaceId}/${e.hostInterface!.ifindex}`)).toBe(false);
      }
    }
    expect(g.nodes.some((n) => n.kind === 'port' && n.ref.type === 'port' && mine.has(n.ref.containerId))).toBe(false);
    const bridges = new Set(s.docker!.networks.filter((n) => p1.networkIds.includes(n.id)).map((n) => `br:${n.bridge}`));
    const linked = new Set(g.edges.filter((e) => e.target === node.id).map((e) => e.source));
    expect(linked).toEqual(bridges);
    for (const e of g.edges) expect(ids.has(e.source) && ids.has(e.target), e.id).toBe(true);
  });

  it('leaves the graph alone when every project is expanded', () => {
    expect(collapseProjects(full, projects, new Set(projects.map((p) => p.name)))).toBe(full);
  });

  it('keeps a box shared with a container of no project', () => {
    const t = syntheticSnapshot(20, 2, 1);
    const owner = t.docker!.containers.find((c) => c.composeProject === 'project-0')!;
    addSidecar(t, 'outsider', 900, owner);
    const g = collapseProjects(buildGraph(t), projectsOf(t), new Set());
    expect(g.nodes.some((n) => n.id === `ns:${owner.namespaceId}`)).toBe(true);
    expect(g.nodes.some((n) => n.id === `ctr:${owner.id}`)).toBe(true);
  });

  it('lays out folded, and unfolding one project moves nothing already drawn', () => {
    const folded = collapseProjects(full, projects, new Set());
    const l0 = layoutGraph(folded);
    expect(l0.size).toBe(folded.nodes.length);
    const open = collapseProjects(full, projects, new Set(['project-1']));
    const l1 = layoutGraph(open, l0);
    for (const [id, b] of l0) if (l1.has(id)) expect(l1.get(id), id).toEqual(b);
    expect(l1.size).toBe(open.nodes.length);
  });

  it('shows groups, not ~1,500 nodes, for 300 containers in 20 projects', () => {
    const big = syntheticSnapshot(300, 6, 20);
    const g = collapseProjects(buildGraph(big), projectsOf(big), new Set());
    expect(g.nodes.filter((n) => n.kind === 'project')).toHaveLength(20);
    expect(g.nodes.length).toBeLessThan(100);
  });

  it('on a busy host, groups the containers of no project by network too, a shared namespace with its owner', () => {
    const big = syntheticSnapshot(300, 6, 20, 50);
    const groups = projectsOf(big).filter((p) => p.network !== null);
    expect(groups.map((g) => g.network)).toEqual(['bridge', 'net-1', 'net-2', 'net-3', 'net-4', 'net-5']);
    const byId = new Map(big.docker!.containers.map((c) => [c.id, c]));
    for (const g of groups) {
      expect(g.name).toBe(`${g.network} · no project`);
      expect(g.containerIds.length).toBeGreaterThanOrEqual(LOOSE_GROUP_MIN);
      for (const id of g.containerIds) {
        const c = byId.get(id)!;
        expect(c.composeProject, c.name).toBeNull();
        const owner = big.docker!.containers.find((o) => o.namespaceId === c.namespaceId && o.endpoints.some((e) => e.bridge))!;
        expect(owner.endpoints[0].networkName, c.name).toBe(g.network); // a sidecar goes with the box it shares
      }
    }
    expect(groups.flatMap((g) => g.containerIds)).toContain(big.docker!.containers.find((c) => c.name === 'app-014-sidecar')!.id);
    // Host- and none-mode containers stay drawn as they are.
    const grouped = new Set(groups.flatMap((g) => g.containerIds));
    for (const name of ['solo-host', 'solo-none']) expect(grouped.has(big.docker!.containers.find((c) => c.name === name)!.id)).toBe(false);
    const g = collapseProjects(buildGraph(big), projectsOf(big), new Set());
    const node = g.nodes.find((n) => n.id === projectNodeId('net-1 · no project'))!;
    expect([node.label, node.detail, node.ref]).toEqual(['net-1', `${groups[1].containerIds.length} containers of no project`, { type: 'project', name: 'net-1 · no project', network: 'net-1' }]);
    expect(g.nodes.filter((n) => n.kind === 'container').map((n) => n.label).sort()).toEqual(['solo-host', 'solo-none']);
  });

  it('leaves the containers of no project alone below LOOSE_GROUPS_FROM containers, or a few on a network', () => {
    expect(projectsOf(syntheticSnapshot(LOOSE_GROUPS_FROM - 1, 6)).length).toBe(0);
    const few = syntheticSnapshot(LOOSE_GROUPS_FROM + 20, 6, 4, 24); // 4 of no project a network, one with a sidecar
    expect(projectsOf(few).filter((p) => p.network !== null)).toEqual([]);
  });

  it('shows groups, not ~1,500 nodes, for 300 containers of no project at all', () => {
    const plain = syntheticSnapshot(300, 6);
    const g = collapseProjects(buildGraph(plain), projectsOf(plain), new Set());
    expect(g.nodes.filter((n) => n.kind === 'project')).toHaveLength(6);
    expect(g.nodes.length).toBeLessThan(60);
  });
});
