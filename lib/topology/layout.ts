import { atOrigin, fillPorts, fillSlots, keepPrevious, keptGroups, Placement, placeFresh, placeNewGroups, placeTopRow } from './layout-place';
import { planUnits, relationsOf } from './layout-plan';
import type { Graph, Layout } from './types';

export { metrics } from './layout-metrics';

/**
 * Layered, stable layout of a topology graph (pure, deterministic).
 *
 * Reading order, top to bottom: a row of top-level host interfaces (uplinks first); per bridge group a band of
 * published ports (each with its docker-proxy just above it) growing upwards; the bridges side by side; under each
 * bridge its "slots": a namespace box with, just above it, the host-side veth ends aligned over their peers.
 * A box has its own interfaces along its top (lo last) and its containers as rows. A namespace on several bridges
 * sits under the bridge of its first interface by name (eth0 before eth1); its other veths cross over. Namespaces on no bridge (the host
 * box, none-mode, `ip netns` ones) and loose items form a last group to the right.
 *
 * Stability: with `previous`, every unit (slot, port, item) whose primary node has a previous box keeps it, and
 * children keep their slot index inside their box, so they move only if their box does. A box never shrinks; one
 * that must grow grows in place, or, if that would overlap something, moves as a new unit. New units take the first
 * free position of their group in reading order (holes left by removed units, the end of a row within the group's
 * width, else a new row below); a new bridge group goes to the right of everything. Nothing else moves.
 *
 * Steps: `layout-plan.ts` turns the graph into units (slots, ports, items) filed in groups, in reading order;
 * `layout-place.ts` keeps what was kept, packs new groups, then fills new units into kept groups and the top row.
 */
export function layoutGraph(g: Graph, previous?: Layout): Layout {
  const prev = previous && previous.size > 0 ? previous : undefined;
  const rel = relationsOf(g);
  const plan = planUnits(g, rel, prev);
  const p = new Placement(rel.childrenOf);
  const ordered = [...plan.groups.values()].sort((a, b) => a.order - b.order);
  if (prev) keepPrevious(p, plan, prev);
  const kept = keptGroups(p, ordered);
  if (kept.length === 0) placeFresh(p, ordered);
  else {
    for (const grp of kept) {
      fillSlots(p, grp);
      fillPorts(p, grp);
    }
    placeNewGroups(p, ordered, kept);
  }
  placeTopRow(p, plan.top, prev !== undefined);
  // A fresh layout starts at (0, 0); one continuing a previous layout must not move anything.
  return prev && g.nodes.some((n) => prev.has(n.id)) ? p.out : atOrigin(p.out);
}
