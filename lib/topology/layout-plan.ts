import { metrics as M, PORT_UNIT_H, VROW } from './layout-metrics';
import type { Rect } from './layout-space';
import type { Box, Graph, GraphNode, Layout } from './types';

// The first half of layoutGraph: what goes where (units, their groups and order), before any coordinates.

/** A namespace box plus the host-veth row above it. */
export interface Slot {
  type: 'slot';
  node: GraphNode;
  ifRow: boolean;
  ifIndex: Map<string, number>; // child interface id → position along the top
  ctrIndex: Map<string, number>; // container id → row
  hostVeths: Map<string, GraphNode>; // child interface id → its host-side peer
  /** On more than one bridge: filed last in its first group, next to the group of its other network. */
  multi: boolean;
  boxW: number;
  boxH: number;
}
/** A published port with (room for) its docker-proxy above it. */
export interface PortUnit { type: 'port'; node: GraphNode; proxy: GraphNode | null }
/** Any single node: top-level interfaces, loose host veths, containers without a namespace, unmatched proxies. */
interface Item { type: 'item'; node: GraphNode; w: number; h: number }
/** What is placed as one piece; `rect` once placed, `prev` where it was (grown if it must grow). */
export type Unit = (Slot | PortUnit | Item) & { rect?: Rect; prev?: Rect };

/** A bridge with the slots and ports under it, or the last group of everything on no bridge. */
export interface Group {
  key: string;
  bridge: GraphNode | null;
  order: number;
  slots: Unit[]; // slots and loose items under the group
  ports: PortUnit[];
  x0: number;
  limit: number;
  placed: Rect[]; // kept/placed slot rects of this group
  placedPorts: Rect[];
  rows: Rows;
}

/** A group's horizontal lines: its bridge, the top of its slots, and the bottom of its ports band above the bridge. */
export interface Rows { yBridge: number; ySlots: number; bandBottom: number }

/** Who is whose, from the edges and parents. */
export interface Relations {
  byId: Map<string, GraphNode>;
  peerOf: Map<string, string>;
  bridgeOf: Map<string, GraphNode>;
  ctrOfPort: Map<string, string>;
  proxiesOfPort: Map<string, GraphNode[]>;
  childrenOf: Map<string, GraphNode[]>; // namespace id → its interfaces and containers
  isChild: (n: GraphNode) => boolean;
}

export interface Plan {
  bridges: GraphNode[]; // top-level bridges, docker0 first
  groups: Map<string, Group>; // in bridge order, the detached group last
  slots: Unit[];
  loose: Unit[];
  ports: Unit[];
  top: Unit[];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
export const ifaceRank = (n: GraphNode) => (n.tags.includes('loopback') ? 2 : n.kind === 'veth' ? 0 : 1);
export const byLabel = (a: GraphNode, b: GraphNode) => cmp(a.label, b.label) || cmp(a.id, b.id);

export const unitSize = (u: Unit): { w: number; h: number } =>
  u.type === 'slot' ? { w: u.boxW, h: u.boxH + VROW } : u.type === 'port' ? { w: M.portW, h: PORT_UNIT_H } : { w: u.w, h: u.h };

/** The unit's rect given its primary node's box. */
export function rectFromBox(u: Unit, b: Box): Rect {
  if (u.type === 'slot') return { x: b.x, y: b.y - VROW, w: b.w, h: b.h + VROW };
  if (u.type === 'port') return { x: b.x, y: b.y - M.gap - M.portH, w: M.portW, h: PORT_UNIT_H };
  return { ...b };
}

function boxSize(ifRow: boolean, ifSlots: number, ctrRows: number) {
  return {
    boxW: 2 * M.pad + Math.max(M.ctrW, ifSlots * (M.ifW + M.gap) - M.gap),
    boxH: M.head + (ifRow ? M.ifH + M.gap : 0) + ctrRows * (M.ctrH + M.gap) + M.pad,
  };
}

export function relationsOf(g: Graph): Relations {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const peerOf = new Map<string, string>();
  const bridgeOf = new Map<string, GraphNode>();
  const ctrOfPort = new Map<string, string>();
  const proxiesOfPort = new Map<string, GraphNode[]>();
  for (const e of g.edges) {
    const s = byId.get(e.source), t = byId.get(e.target);
    if (!s || !t) continue;
    if (e.kind === 'veth') { peerOf.set(s.id, t.id); peerOf.set(t.id, s.id); }
    else if (e.kind === 'bridge-port' && s.kind === 'bridge' && !bridgeOf.has(t.id)) bridgeOf.set(t.id, s);
    else if (e.kind === 'port-map' && s.kind === 'port') ctrOfPort.set(s.id, t.id);
    else if (e.kind === 'proxy') {
      const [port, proxy] = s.kind === 'port' ? [s, t] : [t, s];
      if (port.kind === 'port' && proxy.kind === 'proxy') proxiesOfPort.set(port.id, [...(proxiesOfPort.get(port.id) ?? []), proxy]);
    }
  }
  const childrenOf = new Map<string, GraphNode[]>();
  for (const n of g.nodes) {
    const p = n.parent ? byId.get(n.parent) : undefined;
    if (p && p.kind === 'namespace') childrenOf.set(p.id, [...(childrenOf.get(p.id) ?? []), n]);
  }
  const isChild = (n: GraphNode) => n.parent !== null && byId.get(n.parent)?.kind === 'namespace';
  return { byId, peerOf, bridgeOf, ctrOfPort, proxiesOfPort, childrenOf, isChild };
}

/** Every unit, in its group and in reading order; child positions inside boxes recovered from `prev`. */
export function planUnits(g: Graph, rel: Relations, prev: Layout | undefined): Plan {
  const bridges = g.nodes.filter((n) => n.kind === 'bridge' && !rel.isChild(n))
    .sort((a, b) => +(a.id !== 'br:docker0') - +(b.id !== 'br:docker0') || byLabel(a, b));
  const groups = new Map<string, Group>();
  const mkGroup = (key: string, bridge: GraphNode | null, order: number): Group =>
    ({ key, bridge, order, slots: [], ports: [], x0: 0, limit: Infinity, placed: [], placedPorts: [], rows: { yBridge: 0, ySlots: 0, bandBottom: 0 } });
  bridges.forEach((b, i) => groups.set(b.id, mkGroup(b.id, b, i)));
  const detached = mkGroup('detached', null, bridges.length);
  groups.set(detached.key, detached);
  const groupOfNode = new Map<string, Group>(); // namespace / loose container id → its group
  const claimedVeths = new Set<string>();
  const slots = namespaceSlots(g, rel, prev, groups, detached, groupOfNode, claimedVeths);
  const { loose, ports, top } = otherUnits(g, rel, groups, detached, groupOfNode, claimedVeths);
  orderGroups(groups, rel, ports, detached, groupOfNode);
  return { bridges, groups, slots, loose, ports, top };
}

/** One slot per top-level namespace, filed under the group of its first bridged interface. */
function namespaceSlots(
  g: Graph, rel: Relations, prev: Layout | undefined, groups: Map<string, Group>, detached: Group,
  groupOfNode: Map<string, Group>, claimedVeths: Set<string>,
): Unit[] {
  const { byId, peerOf, bridgeOf, childrenOf, isChild } = rel;
  const units: Unit[] = [];
  for (const ns of g.nodes.filter((n) => n.kind === 'namespace' && !isChild(n)).sort(byLabel)) {
    const kids = childrenOf.get(ns.id) ?? [];
    const ifaces = kids.filter((k) => k.kind !== 'container').sort((a, b) => ifaceRank(a) - ifaceRank(b) || byLabel(a, b));
    const ctrs = kids.filter((k) => k.kind === 'container').sort(byLabel);
    const hostVeths = new Map<string, GraphNode>();
    // A box on one bridge goes under it. One on several goes last under the first of them in reading order, so it
    // sits at the edge of that network's block, next to the block of the following network.
    const mine: Group[] = [];
    for (const c of ifaces) {
      const peer = peerOf.get(c.id);
      const p = peer ? byId.get(peer) : undefined;
      if (!p || isChild(p) || p.kind !== 'veth') continue;
      hostVeths.set(c.id, p);
      claimedVeths.add(p.id);
      const b = bridgeOf.get(p.id);
      const bg = b ? groups.get(b.id) : undefined;
      if (bg && !mine.includes(bg)) mine.push(bg);
    }
    const group = mine.length === 0 ? detached : mine.reduce((a, b) => (b.order < a.order ? b : a));
    const ifRow = !ns.tags.includes('host-mode') || ifaces.length > 0;
    const parentPrev = prev?.get(ns.id);
    const ifIndex = assignIndices(ifaces, prev, parentPrev, (b, p) =>
      b.y === p.y + M.head ? (b.x - p.x - M.pad) / (M.ifW + M.gap) : null);
    const ctrTop = M.head + (ifRow ? M.ifH + M.gap : 0);
    const ctrIndex = assignIndices(ctrs, prev, parentPrev, (b, p) =>
      b.x === p.x + M.pad ? (b.y - p.y - ctrTop) / (M.ctrH + M.gap) : null);
    const { boxW, boxH } = boxSize(ifRow, Math.max(0, ...ifIndex.values()) + (ifIndex.size > 0 ? 1 : 0),
      Math.max(0, ...ctrIndex.values()) + (ctrIndex.size > 0 ? 1 : 0));
    const slot: Unit = { type: 'slot', node: ns, ifRow, ifIndex, ctrIndex, hostVeths, multi: mine.length > 1, boxW, boxH };
    group.slots.push(slot);
    units.push(slot);
    groupOfNode.set(ns.id, group);
  }
  return units;
}

/**
 * Positions of a box's children: kept ones at the index recovered from their previous box relative to the box's
 * previous box; new ones at the lowest free index, in a deterministic order.
 */
function assignIndices(
  children: GraphNode[], prev: Layout | undefined, parentPrev: Box | undefined, recover: (b: Box, p: Box) => number | null,
): Map<string, number> {
  const out = new Map<string, number>();
  const used = new Set<number>();
  const fresh: GraphNode[] = [];
  for (const c of children) {
    const b = prev?.get(c.id);
    const k = b && parentPrev ? recover(b, parentPrev) : null;
    if (k !== null && k >= 0 && Number.isInteger(k) && !used.has(k)) {
      out.set(c.id, k);
      used.add(k);
    } else fresh.push(c);
  }
  let next = 0;
  for (const c of fresh) {
    while (used.has(next)) next++;
    out.set(c.id, next);
    used.add(next);
  }
  return out;
}

/** Ports (with their proxy), loose veths and containers (filed in groups), and the top row, uplinks first. */
function otherUnits(
  g: Graph, rel: Relations, groups: Map<string, Group>, detached: Group, groupOfNode: Map<string, Group>, claimedVeths: Set<string>,
): { loose: Unit[]; ports: Unit[]; top: Unit[] } {
  const top: Unit[] = [];
  const loose: Unit[] = [];
  const ports: Unit[] = [];
  const proxyInUnit = new Set<string>();
  for (const n of g.nodes) {
    if (rel.isChild(n) || n.kind === 'namespace' || n.kind === 'bridge' || n.kind === 'proxy') continue;
    if (n.kind === 'veth' && claimedVeths.has(n.id)) continue;
    if (n.kind === 'port') {
      const proxy = (rel.proxiesOfPort.get(n.id) ?? []).sort(byLabel)[0] ?? null;
      if (proxy) proxyInUnit.add(proxy.id);
      ports.push({ type: 'port', node: n, proxy });
    } else if (n.kind === 'veth') {
      const b = rel.bridgeOf.get(n.id);
      const item: Unit = { type: 'item', node: n, w: M.ifW, h: M.ifH };
      (b ? groups.get(b.id)! : detached).slots.push(item);
      loose.push(item);
    } else if (n.kind === 'project') {
      // A folded compose project goes where its boxes would: under the first of its bridges.
      const b = rel.bridgeOf.get(n.id);
      const grp = b ? groups.get(b.id)! : detached;
      const item: Unit = { type: 'item', node: n, w: M.projW, h: M.projH };
      grp.slots.push(item);
      loose.push(item);
      groupOfNode.set(n.id, grp);
    } else if (n.kind === 'container') {
      const item: Unit = { type: 'item', node: n, w: M.ctrW, h: M.ctrH };
      detached.slots.push(item);
      loose.push(item);
      groupOfNode.set(n.id, detached);
    } else top.push({ type: 'item', node: n, w: M.topW, h: M.topH });
  }
  for (const n of g.nodes) if (n.kind === 'proxy' && !proxyInUnit.has(n.id)) top.push({ type: 'item', node: n, w: M.portW, h: M.portH });
  top.sort((a, b) => +(a.node.kind !== 'uplink') - +(b.node.kind !== 'uplink') || ifaceRank(a.node) - ifaceRank(b.node) || byLabel(a.node, b.node));
  return { loose, ports, top };
}

/** Each port joins its container's group; inside a group, slots before loose items, ports in the order of their boxes. */
function orderGroups(groups: Map<string, Group>, rel: Relations, ports: Unit[], detached: Group, groupOfNode: Map<string, Group>) {
  const { byId, ctrOfPort } = rel;
  for (const u of ports) {
    const ctr = byId.get(ctrOfPort.get(u.node.id) ?? '');
    const grp = (ctr && (ctr.parent ? groupOfNode.get(ctr.parent) : groupOfNode.get(ctr.id))) ?? detached;
    grp.ports.push(u as PortUnit);
  }
  const slotKey = (u: Unit) => (u.type === 'slot' ? (u.multi ? 1 : 0) : 2);
  for (const grp of groups.values()) {
    grp.slots.sort((a, b) => slotKey(a) - slotKey(b)
      || +!a.node.tags.includes('host-mode') - +!b.node.tags.includes('host-mode') || byLabel(a.node, b.node));
    // Ports in the order of the boxes they lead to, so a port sits roughly above its container.
    const rank = new Map(grp.slots.map((s, i) => [s.node.id, i]));
    const portRank = (p: PortUnit) => {
      const c = byId.get(ctrOfPort.get(p.node.id) ?? '');
      return c ? rank.get(c.parent ?? c.id) ?? 1e9 : 1e9;
    };
    grp.ports.sort((a, b) => portRank(a) - portRank(b) || byLabel(a.node, b.node));
  }
}
