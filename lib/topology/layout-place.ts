import { metrics as M, PORT_UNIT_H, SPARE, VROW } from './layout-metrics';
import { type Group, type Plan, type PortUnit, type Unit, rectFromBox, unitSize } from './layout-plan';
import { bottom, right, SpatialIndex, type Rect } from './layout-space';
import type { GraphNode, Layout } from './types';

// The second half of layoutGraph: coordinates, kept units first, then new ones in the first free spot.

/** The layout being built and the index of everything placed so far. */
export class Placement {
  readonly out: Layout = new Map();
  readonly index = new SpatialIndex();

  constructor(private readonly childrenOf: Map<string, GraphNode[]>) {}

  /** A unit at `r`, with its children: a slot's interfaces along the top (host veths above), containers as rows. */
  place(u: Unit, r: Rect) {
    u.rect = r;
    this.index.insert(r);
    const out = this.out;
    if (u.type === 'slot') {
      const box = { x: r.x, y: r.y + VROW, w: r.w, h: r.h - VROW };
      out.set(u.node.id, box);
      const ctrTop = box.y + M.head + (u.ifRow ? M.ifH + M.gap : 0);
      for (const c of this.childrenOf.get(u.node.id) ?? []) {
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
  }

  placeBridge(grp: Group, x: number, y: number) {
    if (!grp.bridge) return;
    const r = { x, y, w: M.bridgeW, h: M.bridgeH };
    this.out.set(grp.bridge.id, r);
    this.index.insert(r);
  }
}

/** Where the bridge row, the slots under it and the bottom of the ports band above it are. */
export interface Rows { yBridge: number; ySlots: number; bandBottom: number }

/** Kept units exactly at their previous place; a slot's box grows in place when it must, if there is room. */
export function keepPrevious(p: Placement, plan: Plan, prev: Layout) {
  const grown: Unit[] = [];
  for (const u of [...plan.slots, ...plan.loose, ...plan.ports, ...plan.top]) {
    const b = prev.get(u.node.id);
    if (!b) continue;
    const r = rectFromBox(u, b);
    const { w, h } = unitSize(u);
    if (w > r.w || h > r.h) {
      u.prev = { ...r, w: Math.max(w, r.w), h: Math.max(h, r.h) };
      grown.push(u);
    } else {
      u.prev = r;
      p.place(u, r);
    }
  }
  for (const grp of plan.groups.values()) {
    const b = grp.bridge ? prev.get(grp.bridge.id) : undefined;
    if (b) p.placeBridge(grp, b.x, b.y);
  }
  for (const u of grown) {
    if (p.index.hits(u.prev!, M.gap)) u.prev = undefined; // no room to grow here: it moves, as a new unit
    else p.place(u, u.prev!);
  }
}

/** The rows of a kept layout (from a kept bridge, else from the kept slots), or of a fresh one. */
export function rowsOf(p: Placement, plan: Plan): Rows {
  const keptBridge = plan.bridges.map((b) => p.out.get(b.id)).find((b) => b !== undefined);
  const keptSlotRects = [...plan.slots, ...plan.loose].flatMap((u) => (u.rect ? [u.rect] : []));
  const yBridge = keptBridge?.y ?? (keptSlotRects.length > 0 ? Math.min(...keptSlotRects.map((r) => r.y)) - M.rowGap - M.bridgeH : 0);
  return { yBridge, ySlots: yBridge + M.bridgeH + M.rowGap, bandBottom: yBridge - M.bandGap };
}

/**
 * Groups with something kept, sorted left to right, each with its extent: a kept group reaches up to the next
 * group's start; the rightmost one as far as a fresh layout would give it.
 */
export function keptGroups(p: Placement, ordered: Group[]): Group[] {
  const isKept = (grp: Group) => (grp.bridge ? p.out.has(grp.bridge.id) : grp.slots.some((u) => u.rect));
  const kept = ordered.filter(isKept);
  for (const grp of kept) {
    grp.placed = grp.slots.flatMap((u) => (u.rect ? [u.rect] : []));
    grp.placedPorts = grp.ports.flatMap((u) => ((u as Unit).rect ? [(u as Unit).rect!] : []));
    grp.x0 = grp.bridge ? p.out.get(grp.bridge.id)!.x : Math.min(...grp.placed.map((r) => r.x));
  }
  kept.sort((a, b) => a.x0 - b.x0);
  kept.forEach((grp, i) => {
    if (i + 1 < kept.length) grp.limit = kept[i + 1].x0 - M.groupGap;
    else {
      const n = grp.slots.length;
      const extent = Math.max(grp.x0 + M.bridgeW, ...grp.placed.map(right), ...grp.placedPorts.map(right));
      grp.limit = Math.max(extent, grp.x0 + Math.ceil(Math.sqrt(n)) * (M.ctrW + 2 * M.pad + M.slotGap) + SPARE);
    }
  });
  return kept;
}

/** New groups go to the right of everything (and of the last kept group's reserve), in their fresh order. */
export function placeNewGroups(p: Placement, ordered: Group[], kept: Group[], rows: Rows) {
  let xNext = Math.max(0, ...p.index.all.map(right), ...kept.map((k) => k.limit)) + (p.index.all.length > 0 ? M.groupGap : 0);
  for (const grp of ordered) {
    if (kept.includes(grp)) continue;
    if (!grp.bridge && grp.slots.length === 0 && grp.ports.length === 0) continue;
    const used = packGroup(p, grp, xNext, rows);
    xNext += used + SPARE + M.groupGap;
  }
}

/** Shelf packing for a group with nothing kept; returns the width used. */
function packGroup(p: Placement, grp: Group, x0: number, { yBridge, ySlots, bandBottom }: Rows): number {
  const sizes = grp.slots.map(unitSize);
  const n = sizes.length;
  const avg = n > 0 ? sizes.reduce((s, z) => s + z.w, 0) / n : 0;
  const maxW = Math.max(M.bridgeW, ...sizes.map((z) => z.w), Math.ceil(Math.sqrt(n)) * (avg + M.slotGap) - M.slotGap);
  let x = x0, y = ySlots, rowH = 0, used: number = M.bridgeW;
  grp.slots.forEach((u, i) => {
    if (u.rect) return; // kept elsewhere (its first bridge changed): it stays where it was
    const { w, h } = sizes[i];
    if (x > x0 && x + w > x0 + maxW) { x = x0; y += rowH + M.rowGap; rowH = 0; }
    p.place(u, { x, y, w, h });
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
    p.place(u, r);
    grp.placedPorts.push(r);
  });
  p.placeBridge(grp, x0, yBridge);
  grp.x0 = x0;
  return used;
}

/** New slots of a kept group: the first free position in reading order (beside a placed one, else a new row). */
export function fillSlots(p: Placement, grp: Group, { ySlots }: Rows) {
  for (const u of grp.slots) {
    if (u.rect) continue;
    const { w, h } = unitSize(u);
    const cands: [number, number][] = [[grp.x0, ySlots]];
    for (const r of grp.placed) cands.push([right(r) + M.slotGap, r.y], [grp.x0, r.y]);
    const low = Math.max(ySlots - M.rowGap, ...grp.placed.map(bottom));
    cands.push([grp.x0, low + M.rowGap]);
    cands.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    // (A kept box whose first bridge changed may sit in another column: its neighbours are not candidates here.)
    let at = cands.find(([x, y]) => y >= ySlots && x >= grp.x0 && (x === grp.x0 || x + w <= grp.limit) && !p.index.hits({ x, y, w, h }, M.slotGap));
    if (!at) {
      let y = low + M.rowGap;
      while (p.index.hits({ x: grp.x0, y, w, h }, M.slotGap)) y += M.rowGap;
      at = [grp.x0, y];
    }
    p.place(u, { x: at[0], y: at[1], w, h });
    grp.placed.push(u.rect!);
  }
}

/** New ports of a kept group: the first free position in the band, which grows upwards. */
export function fillPorts(p: Placement, grp: Group, { bandBottom }: Rows) {
  for (const port of grp.ports) {
    const u = port as Unit;
    if (u.rect) continue;
    const w = M.portW, h = PORT_UNIT_H;
    const cands: [number, number][] = [[grp.x0, bandBottom - h]];
    for (const r of grp.placedPorts) cands.push([right(r) + M.gap, r.y], [grp.x0, r.y]);
    const high = Math.min(bandBottom, ...grp.placedPorts.map((r) => r.y));
    cands.push([grp.x0, high - M.gap - h]);
    cands.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    let at = cands.find(([x, y]) => y + h <= bandBottom && x >= grp.x0 && (x === grp.x0 || x + w <= grp.limit) && !p.index.hits({ x, y, w, h }, M.gap / 2));
    if (!at) {
      let y = high - M.gap - h;
      while (p.index.hits({ x: grp.x0, y, w, h }, M.gap / 2)) y -= h + M.gap;
      at = [grp.x0, y];
    }
    p.place(u, { x: at[0], y: at[1], w, h });
    grp.placedPorts.push(u.rect!);
  }
}

/** The top row: above everything; new entries at the first free place along the row. */
export function placeTopRow(p: Placement, top: Unit[], continuing: boolean) {
  const all = p.index.all;
  const keptTop = top.filter((u) => u.rect).map((u) => u.rect!);
  const minY = all.length > 0 ? Math.min(...all.map((r) => r.y)) : 0;
  const minX = all.length > 0 ? Math.min(...all.map((r) => r.x)) : 0;
  const yTop = keptTop.length > 0 ? Math.min(...keptTop.map((r) => r.y)) : minY - M.bandGap - M.topH;
  const xTop = keptTop.length > 0 ? Math.min(...keptTop.map((r) => r.x)) : minX;
  if (!continuing || keptTop.length === 0) {
    let x = xTop;
    for (const u of top) {
      if (u.rect) continue;
      const { w, h } = unitSize(u);
      let y = yTop;
      while (p.index.hits({ x, y, w, h }, M.gap)) y -= h + M.gap;
      p.place(u, { x, y, w, h });
      x += w + M.gap * 2;
    }
    return;
  }
  for (const u of top) {
    if (u.rect) continue;
    const { w, h } = unitSize(u);
    const placedTop = top.filter((t) => t.rect).map((t) => t.rect!);
    const cands: [number, number][] = [[xTop, yTop], ...placedTop.map((r): [number, number] => [right(r) + M.gap * 2, r.y])];
    cands.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    let at = cands.find(([x, y]) => !p.index.hits({ x, y, w, h }, M.gap));
    if (!at) {
      let y = Math.min(...all.map((r) => r.y)) - M.gap - h;
      while (p.index.hits({ x: xTop, y, w, h }, M.gap)) y -= h + M.gap;
      at = [xTop, y];
    }
    p.place(u, { x: at[0], y: at[1], w, h });
  }
}

/** The layout moved so that its top-left corner is (0, 0). */
export function atOrigin(out: Layout): Layout {
  let x0 = Infinity, y0 = Infinity;
  for (const b of out.values()) { x0 = Math.min(x0, b.x); y0 = Math.min(y0, b.y); }
  if (Number.isFinite(x0)) for (const [id, b] of out) out.set(id, { ...b, x: b.x - x0, y: b.y - y0 });
  return out;
}
