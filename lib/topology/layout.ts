import type { Box, Graph, GraphNode, Layout } from './types';

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
 */

/** Sizes, exported so the renderer can agree with them (e.g. where a box's label goes: the first `head` pixels). */
export const metrics = {
  gap: 8,
  topW: 150, topH: 36, // uplinks and other top-level host interfaces
  bridgeW: 180, bridgeH: 40,
  ifW: 110, ifH: 30, // interfaces inside boxes and host-side veth ends
  ctrW: 200, ctrH: 28,
  portW: 170, portH: 30, // ports and docker-proxies
  pad: 10, head: 24, // box padding, box label band
  vethGap: 28, // host-side veth row → top of its box
  slotGap: 24, rowGap: 36, groupGap: 80,
  bandGap: 40, // bridge row → ports band, ports band → top row
} as const;
const M = metrics;
const VROW = M.ifH + M.vethGap; // the host-veth row a slot reserves above its box
const PORT_UNIT_H = M.portH + M.gap + M.portH;
/** Room kept free at the right of each bridge group so that a new namespace usually fits beside its siblings. */
const SPARE = M.ctrW + 2 * M.pad + M.slotGap;

type Rect = Box;
const right = (r: Rect) => r.x + r.w;
const bottom = (r: Rect) => r.y + r.h;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Uniform-grid spatial hash: overlap queries stay O(1)-ish for thousands of boxes. */
class SpatialIndex {
  private cells = new Map<number, Rect[]>();
  private static readonly S = 256;
  private static key = (cx: number, cy: number) => (cx + 1_048_576) * 2_097_152 + (cy + 1_048_576);
  all: Rect[] = [];
  private span(r: Rect, m: number, f: (k: number) => void) {
    const S = SpatialIndex.S;
    for (let cx = Math.floor((r.x - m) / S); cx <= Math.floor((right(r) + m) / S); cx++)
      for (let cy = Math.floor((r.y - m) / S); cy <= Math.floor((bottom(r) + m) / S); cy++) f(SpatialIndex.key(cx, cy));
  }
  insert(r: Rect) {
    this.all.push(r);
    this.span(r, 0, (k) => {
      const c = this.cells.get(k);
      if (c) c.push(r);
      else this.cells.set(k, [r]);
    });
  }
  /** True when r comes closer than `m` to any stored rect (other than `except`). */
  hits(r: Rect, m: number, except?: Rect): boolean {
    let hit = false;
    this.span(r, m, (k) => {
      if (hit) return;
      for (const o of this.cells.get(k) ?? []) {
        if (o !== except && r.x < right(o) + m && o.x < right(r) + m && r.y < bottom(o) + m && o.y < bottom(r) + m) {
          hit = true;
          return;
        }
      }
    });
    return hit;
  }
}

/** A namespace box plus the host-veth row above it. */
interface Slot {
  type: 'slot';
  node: GraphNode;
  ifRow: boolean;
  ifIndex: Map<string, number>; // child interface id → position along the top
  ctrIndex: Map<string, number>; // container id → row
  hostVeths: Map<string, GraphNode>; // child interface id → its host-side peer
  boxW: number;
  boxH: number;
}
/** A published port with (room for) its docker-proxy above it. */
interface PortUnit { type: 'port'; node: GraphNode; proxy: GraphNode | null }
/** Any single node: top-level interfaces, loose host veths, containers without a namespace, unmatched proxies. */
interface Item { type: 'item'; node: GraphNode; w: number; h: number }
type Unit = (Slot | PortUnit | Item) & { rect?: Rect; prev?: Rect };

interface Group {
  key: string;
  bridge: GraphNode | null;
  order: number;
  slots: Unit[]; // slots and loose items under the group
  ports: PortUnit[];
  x0: number;
  limit: number;
  placed: Rect[]; // kept/placed slot rects of this group
  placedPorts: Rect[];
}

const unitSize = (u: Unit): { w: number; h: number } =>
  u.type === 'slot' ? { w: u.boxW, h: u.boxH + VROW } : u.type === 'port' ? { w: M.portW, h: PORT_UNIT_H } : { w: u.w, h: u.h };

/** The unit's rect given its primary node's box. */
function rectFromBox(u: Unit, b: Box): Rect {
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

const ifaceRank = (n: GraphNode) => (n.tags.includes('loopback') ? 2 : n.kind === 'veth' ? 0 : 1);
const byLabel = (a: GraphNode, b: GraphNode) => cmp(a.label, b.label) || cmp(a.id, b.id);

export function layoutGraph(g: Graph, previous?: Layout): Layout {
  const out: Layout = new Map();
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const prev = previous && previous.size > 0 ? previous : undefined;

  // --- relations from edges -----------------------------------------------------------------------------------
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

  // --- groups -------------------------------------------------------------------------------------------------
  const bridges = g.nodes.filter((n) => n.kind === 'bridge' && !isChild(n))
    .sort((a, b) => +(a.label !== 'docker0') - +(b.label !== 'docker0') || byLabel(a, b));
  const groups = new Map<string, Group>();
  const mkGroup = (key: string, bridge: GraphNode | null, order: number): Group =>
    ({ key, bridge, order, slots: [], ports: [], x0: 0, limit: Infinity, placed: [], placedPorts: [] });
  bridges.forEach((b, i) => groups.set(b.id, mkGroup(b.id, b, i)));
  const detached = mkGroup('detached', null, bridges.length);
  groups.set(detached.key, detached);
  const groupOfNode = new Map<string, Group>(); // namespace / loose container id → its group

  // --- slots ----------------------------------------------------------------------------------------------------
  const claimedVeths = new Set<string>();
  const units: Unit[] = [];
  for (const ns of g.nodes.filter((n) => n.kind === 'namespace' && !isChild(n)).sort(byLabel)) {
    const kids = childrenOf.get(ns.id) ?? [];
    const ifaces = kids.filter((k) => k.kind !== 'container').sort((a, b) => ifaceRank(a) - ifaceRank(b) || byLabel(a, b));
    const ctrs = kids.filter((k) => k.kind === 'container').sort(byLabel);
    const hostVeths = new Map<string, GraphNode>();
    // The box goes under the bridge of its first interface (eth0 before eth1): usually its primary network.
    let group: Group = detached;
    for (const c of ifaces) {
      const peer = peerOf.get(c.id);
      const p = peer ? byId.get(peer) : undefined;
      if (!p || isChild(p) || p.kind !== 'veth') continue;
      hostVeths.set(c.id, p);
      claimedVeths.add(p.id);
      const b = bridgeOf.get(p.id);
      const bg = b ? groups.get(b.id) : undefined;
      if (bg && group === detached) group = bg;
    }
    const ifRow = !ns.tags.includes('host-mode') || ifaces.length > 0;
    const parentPrev = prev?.get(ns.id);
    const ifIndex = assignIndices(ifaces, prev, parentPrev, (b, p) =>
      b.y === p.y + M.head ? (b.x - p.x - M.pad) / (M.ifW + M.gap) : null);
    const ctrTop = M.head + (ifRow ? M.ifH + M.gap : 0);
    const ctrIndex = assignIndices(ctrs, prev, parentPrev, (b, p) =>
      b.x === p.x + M.pad ? (b.y - p.y - ctrTop) / (M.ctrH + M.gap) : null);
    const { boxW, boxH } = boxSize(ifRow, Math.max(0, ...ifIndex.values()) + (ifIndex.size > 0 ? 1 : 0),
      Math.max(0, ...ctrIndex.values()) + (ctrIndex.size > 0 ? 1 : 0));
    const slot: Unit = { type: 'slot', node: ns, ifRow, ifIndex, ctrIndex, hostVeths, boxW, boxH };
    group.slots.push(slot);
    units.push(slot);
    groupOfNode.set(ns.id, group);
  }

  // --- loose items, ports, top row ------------------------------------------------------------------------------
  const top: Unit[] = [];
  const loose: Unit[] = [];
  const portUnits: Unit[] = [];
  const proxyInUnit = new Set<string>();
  for (const n of g.nodes) {
    if (isChild(n) || n.kind === 'namespace' || n.kind === 'bridge' || n.kind === 'proxy') continue;
    if (n.kind === 'veth' && claimedVeths.has(n.id)) continue;
    if (n.kind === 'port') {
      const proxy = (proxiesOfPort.get(n.id) ?? []).sort(byLabel)[0] ?? null;
      if (proxy) proxyInUnit.add(proxy.id);
      portUnits.push({ type: 'port', node: n, proxy });
    } else if (n.kind === 'veth') {
      const b = bridgeOf.get(n.id);
      const item: Unit = { type: 'item', node: n, w: M.ifW, h: M.ifH };
      (b ? groups.get(b.id)! : detached).slots.push(item);
      loose.push(item);
    } else if (n.kind === 'container') {
      const item: Unit = { type: 'item', node: n, w: M.ctrW, h: M.ctrH };
      detached.slots.push(item);
      loose.push(item);
      groupOfNode.set(n.id, detached);
    } else top.push({ type: 'item', node: n, w: M.topW, h: M.topH });
  }
  for (const n of g.nodes) if (n.kind === 'proxy' && !proxyInUnit.has(n.id)) top.push({ type: 'item', node: n, w: M.portW, h: M.portH });
  top.sort((a, b) => +(a.node.kind !== 'uplink') - +(b.node.kind !== 'uplink') || ifaceRank(a.node) - ifaceRank(b.node) || byLabel(a.node, b.node));
  for (const u of portUnits) {
    const ctr = byId.get(ctrOfPort.get(u.node.id) ?? '');
    const grp = (ctr && (ctr.parent ? groupOfNode.get(ctr.parent) : groupOfNode.get(ctr.id))) ?? detached;
    grp.ports.push(u as PortUnit);
  }
  const slotKey = (u: Unit) => u.type === 'slot' ? 0 : 1;
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

  // --- placing ------------------------------------------------------------------------------------------------
  const index = new SpatialIndex();
  const place = (u: Unit, r: Rect) => {
    u.rect = r;
    index.insert(r);
    if (u.type === 'slot') {
      const box = { x: r.x, y: r.y + VROW, w: r.w, h: r.h - VROW };
      out.set(u.node.id, box);
      const ctrTop = box.y + M.head + (u.ifRow ? M.ifH + M.gap : 0);
      for (const c of childrenOf.get(u.node.id) ?? []) {
        const ki = u.ifIndex.get(c.id);
        if (ki !== undefined) {
          const cb = { x: box.x + M.pad + ki * (M.ifW + M.gap), y: box.y + M.head, w: M.ifW, h: M.ifH };
          out.set(c.id, cb);
          const hv = u.hostVeths.get(c.id);
          if (hv) out.set(hv.id, { x: cb.x, y: r.y, w: M.ifW, h: M.ifH });
        } else {
          out.set(c.id, { x: box.x + M.pad, y: ctrTop + u.ctrIndex.get(c.id)! * (M.ctrH + M.gap), w: M.ctrW, h: M.ctrH });
        }
      }
    } else if (u.type === 'port') {
      out.set(u.node.id, { x: r.x, y: r.y + M.portH + M.gap, w: M.portW, h: M.portH });
      if (u.proxy) out.set(u.proxy.id, { x: r.x, y: r.y, w: M.portW, h: M.portH });
    } else out.set(u.node.id, { ...r });
  };
  const placeBridge = (grp: Group, x: number, y: number) => {
    if (!grp.bridge) return;
    const r = { x, y, w: M.bridgeW, h: M.bridgeH };
    out.set(grp.bridge.id, r);
    index.insert(r);
  };
  const allUnits = [...units, ...loose, ...portUnits, ...top];

  // Kept units first: exactly their previous place (a slot's box grows in place when it must, if there is room).
  const grown: Unit[] = [];
  if (prev) {
    for (const u of allUnits) {
      const b = prev.get(u.node.id);
      if (!b) continue;
      const r = rectFromBox(u, b);
      const { w, h } = unitSize(u);
      if (w > r.w || h > r.h) {
        u.prev = { ...r, w: Math.max(w, r.w), h: Math.max(h, r.h) };
        grown.push(u);
      } else {
        u.prev = r;
        place(u, r);
      }
    }
    for (const grp of groups.values()) {
      const b = grp.bridge ? prev.get(grp.bridge.id) : undefined;
      if (b) placeBridge(grp, b.x, b.y);
    }
    for (const u of grown) {
      if (index.hits(u.prev!, M.gap)) u.prev = undefined; // no room to grow here: it moves, as a new unit
      else place(u, u.prev!);
    }
  }

  const keptBridge = bridges.map((b) => out.get(b.id)).find((b) => b !== undefined);
  const keptSlotRects = [...units, ...loose].flatMap((u) => (u.rect ? [u.rect] : []));
  const yBridge = keptBridge?.y ?? (keptSlotRects.length > 0 ? Math.min(...keptSlotRects.map((r) => r.y)) - M.rowGap - M.bridgeH : 0);
  const ySlots = yBridge + M.bridgeH + M.rowGap;
  const bandBottom = yBridge - M.bandGap;

  // Shelf packing for a group with nothing kept; returns the width used.
  const packGroup = (grp: Group, x0: number): number => {
    const sizes = grp.slots.map(unitSize);
    const n = sizes.length;
    const avg = n > 0 ? sizes.reduce((s, z) => s + z.w, 0) / n : 0;
    const maxW = Math.max(M.bridgeW, ...sizes.map((z) => z.w), Math.ceil(Math.sqrt(n)) * (avg + M.slotGap) - M.slotGap);
    let x = x0, y = ySlots, rowH = 0, used: number = M.bridgeW;
    grp.slots.forEach((u, i) => {
      if (u.rect) return; // kept elsewhere (its first bridge changed): it stays where it was
      const { w, h } = sizes[i];
      if (x > x0 && x + w > x0 + maxW) { x = x0; y += rowH + M.rowGap; rowH = 0; }
      place(u, { x, y, w, h });
      grp.placed.push(u.rect!);
      x += w + M.slotGap;
      rowH = Math.max(rowH, h);
      used = Math.max(used, x - M.slotGap - x0);
    });
    // Ports get at least a squarish band, widening the group if the boxes alone would make a tall narrow tower.
    const nPorts = grp.ports.length;
    const perRow = Math.max(1, Math.floor((used + SPARE + M.gap) / (M.portW + M.gap)), Math.ceil(Math.sqrt(nPorts)));
    if (nPorts > 0) used = Math.max(used, Math.min(nPorts, perRow) * (M.portW + M.gap) - M.gap);
    grp.ports.filter((u) => !(u as Unit).rect).forEach((u, i) => {
      const r = { x: x0 + (i % perRow) * (M.portW + M.gap), y: bandBottom - PORT_UNIT_H - Math.floor(i / perRow) * (PORT_UNIT_H + M.gap), w: M.portW, h: PORT_UNIT_H };
      place(u, r);
      grp.placedPorts.push(r);
    });
    placeBridge(grp, x0, yBridge);
    grp.x0 = x0;
    return used;
  };

  const ordered = [...groups.values()].sort((a, b) => a.order - b.order);
  const isKept = (grp: Group) => (grp.bridge ? out.has(grp.bridge.id) : grp.slots.some((u) => u.rect));
  const kept = ordered.filter(isKept);
  for (const grp of kept) {
    grp.placed = grp.slots.flatMap((u) => (u.rect ? [u.rect] : []));
    grp.placedPorts = grp.ports.flatMap((u) => ((u as Unit).rect ? [(u as Unit).rect!] : []));
    grp.x0 = grp.bridge ? out.get(grp.bridge.id)!.x : Math.min(...grp.placed.map((r) => r.x));
  }
  // A kept group reaches up to the next group's start; the rightmost one as far as a fresh layout would give it.
  kept.sort((a, b) => a.x0 - b.x0);
  kept.forEach((grp, i) => {
    if (i + 1 < kept.length) grp.limit = kept[i + 1].x0 - M.groupGap;
    else {
      const n = grp.slots.length;
      const extent = Math.max(grp.x0 + M.bridgeW, ...grp.placed.map(right), ...grp.placedPorts.map(right));
      grp.limit = Math.max(extent, grp.x0 + Math.ceil(Math.sqrt(n)) * (M.ctrW + 2 * M.pad + M.slotGap) + SPARE);
    }
  });

  // New groups go to the right of everything (and of the last kept group's reserve), in their fresh order.
  let xNext = Math.max(0, ...index.all.map(right), ...kept.map((k) => k.limit)) + (index.all.length > 0 ? M.groupGap : 0);
  for (const grp of ordered) {
    if (kept.includes(grp)) continue;
    if (!grp.bridge && grp.slots.length === 0 && grp.ports.length === 0) continue;
    const used = packGroup(grp, xNext);
    xNext += used + SPARE + M.groupGap;
  }

  // New units in kept groups: first free position in reading order.
  for (const grp of kept) {
    for (const u of grp.slots) {
      if (u.rect) continue;
      const { w, h } = unitSize(u);
      const cands: [number, number][] = [[grp.x0, ySlots]];
      for (const r of grp.placed) cands.push([right(r) + M.slotGap, r.y], [grp.x0, r.y]);
      const low = Math.max(ySlots - M.rowGap, ...grp.placed.map(bottom));
      cands.push([grp.x0, low + M.rowGap]);
      cands.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
      // (A kept box whose first bridge changed may sit in another column: its neighbours are not candidates here.)
      let at = cands.find(([x, y]) => y >= ySlots && x >= grp.x0 && (x === grp.x0 || x + w <= grp.limit) && !index.hits({ x, y, w, h }, M.slotGap));
      if (!at) {
        let y = low + M.rowGap;
        while (index.hits({ x: grp.x0, y, w, h }, M.slotGap)) y += M.rowGap;
        at = [grp.x0, y];
      }
      place(u, { x: at[0], y: at[1], w, h });
      grp.placed.push(u.rect!);
    }
    for (const p of grp.ports) {
      const u = p as Unit;
      if (u.rect) continue;
      const w = M.portW, h = PORT_UNIT_H;
      const cands: [number, number][] = [[grp.x0, bandBottom - h]];
      for (const r of grp.placedPorts) cands.push([right(r) + M.gap, r.y], [grp.x0, r.y]);
      const high = Math.min(bandBottom, ...grp.placedPorts.map((r) => r.y));
      cands.push([grp.x0, high - M.gap - h]);
      cands.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
      let at = cands.find(([x, y]) => y + h <= bandBottom && x >= grp.x0 && (x === grp.x0 || x + w <= grp.limit) && !index.hits({ x, y, w, h }, M.gap / 2));
      if (!at) {
        let y = high - M.gap - h;
        while (index.hits({ x: grp.x0, y, w, h }, M.gap / 2)) y -= h + M.gap;
        at = [grp.x0, y];
      }
      place(u, { x: at[0], y: at[1], w, h });
      grp.placedPorts.push(u.rect!);
    }
  }

  // Top row: above everything; new entries at the first free place along the row.
  const keptTop = top.filter((u) => u.rect).map((u) => u.rect!);
  const minY = index.all.length > 0 ? Math.min(...index.all.map((r) => r.y)) : 0;
  const minX = index.all.length > 0 ? Math.min(...index.all.map((r) => r.x)) : 0;
  const yTop = keptTop.length > 0 ? Math.min(...keptTop.map((r) => r.y)) : minY - M.bandGap - M.topH;
  const xTop = keptTop.length > 0 ? Math.min(...keptTop.map((r) => r.x)) : minX;
  if (!prev || keptTop.length === 0) {
    let x = xTop;
    for (const u of top) {
      if (u.rect) continue;
      const { w, h } = unitSize(u);
      let y = yTop;
      while (index.hits({ x, y, w, h }, M.gap)) y -= h + M.gap;
      place(u, { x, y, w, h });
      x += w + M.gap * 2;
    }
  } else {
    for (const u of top) {
      if (u.rect) continue;
      const { w, h } = unitSize(u);
      const placedTop = top.filter((t) => t.rect).map((t) => t.rect!);
      const cands: [number, number][] = [[xTop, yTop], ...placedTop.map((r): [number, number] => [right(r) + M.gap * 2, r.y])];
      cands.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
      let at = cands.find(([x, y]) => !index.hits({ x, y, w, h }, M.gap));
      if (!at) {
        let y = Math.min(...index.all.map((r) => r.y)) - M.gap - h;
        while (index.hits({ x: xTop, y, w, h }, M.gap)) y -= h + M.gap;
        at = [xTop, y];
      }
      place(u, { x: at[0], y: at[1], w, h });
    }
  }

  // A fresh layout starts at (0, 0); one continuing a previous layout must not move anything.
  if (!prev || ![...byId.keys()].some((id) => prev.has(id))) {
    let x0 = Infinity, y0 = Infinity;
    for (const b of out.values()) { x0 = Math.min(x0, b.x); y0 = Math.min(y0, b.y); }
    if (Number.isFinite(x0)) for (const [id, b] of out) out.set(id, { ...b, x: b.x - x0, y: b.y - y0 });
  }
  return out;
}
