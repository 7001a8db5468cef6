import { metrics as M, PORT_UNIT_H, SPARE, VROW } from './layout-metrics';
import { type Group, type Plan, type Rows, type Unit, rectFromBox, unitSize } from './layout-plan';
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

/** The canvas shape a fresh layout aims for (wider than tall, like a screen). */
const ASPECT = 1.6;

/** A group packed at the origin: slot and port rects relative to (x0, ySlots) and (x0, bandBottom). */
interface Shelf { grp: Group; slots: [Unit, Rect][]; ports: [Unit, Rect][]; w: number; slotsH: number; bandH: number }

/** Shelf packing of a group's unplaced units in rows of about `cols` boxes, ports in a band above. */
function shelf(grp: Group, cols: number): Shelf {
  const todo = grp.slots.filter((u) => !u.rect); // a slot kept elsewhere (its first bridge changed) stays there
  const sizes = todo.map(unitSize);
  const avg = sizes.length > 0 ? sizes.reduce((s, z) => s + z.w, 0) / sizes.length : 0;
  const maxW = Math.max(M.bridgeW, ...sizes.map((z) => z.w), cols * (avg + M.slotGap) - M.slotGap);
  const slots: [Unit, Rect][] = [];
  let x = 0, y = 0, rowH = 0, w: number = M.bridgeW, slotsH = 0;
  todo.forEach((u, i) => {
    const z = sizes[i];
    if (x > 0 && x + z.w > maxW) { x = 0; y += rowH + M.rowGap; rowH = 0; }
    slots.push([u, { x, y, ...z }]);
    x += z.w + M.slotGap;
    rowH = Math.max(rowH, z.h);
    w = Math.max(w, x - M.slotGap);
    slotsH = y + rowH;
  });
  const ports = grp.ports.filter((u) => !(u as Unit).rect) as Unit[];
  // Ports get at least a squarish band, widening the group if the boxes alone would make a tall narrow tower.
  const perRow = Math.max(1, Math.floor((w + M.gap) / (M.portW + M.gap)), Math.ceil(Math.sqrt(ports.length)));
  if (ports.length > 0) w = Math.max(w, Math.min(ports.length, perRow) * (M.portW + M.gap) - M.gap);
  const portRects = ports.map((u, i): [Unit, Rect] =>
    [u, { x: (i % perRow) * (M.portW + M.gap), y: -PORT_UNIT_H - Math.floor(i / perRow) * (PORT_UNIT_H + M.gap), w: M.portW, h: PORT_UNIT_H }]);
  const bandH = ports.length > 0 ? Math.ceil(ports.length / perRow) * (PORT_UNIT_H + M.gap) - M.gap : 0;
  return { grp, slots, ports: portRects, w, slotsH, bandH };
}

/** Rows of a lane whose ports band starts at `top` and is `bandH` tall. */
const laneRows = (top: number, bandH: number): Rows => {
  const bandBottom = top + bandH;
  const yBridge = bandBottom + M.bandGap;
  return { bandBottom, yBridge, ySlots: yBridge + M.bridgeH + M.rowGap };
};
const laneHeight = (bandH: number, slotsH: number) => bandH + M.bandGap + M.bridgeH + M.rowGap + slotsH;

/** Shelves into lanes, left to right, a new lane when the next would pass `width`. */
function lanesOf(shelves: Shelf[], width: number): Shelf[][] {
  const lanes: Shelf[][] = [];
  let w = Infinity;
  for (const sh of shelves) {
    if (lanes.length === 0 || (w + M.groupGap + sh.w > width && w > 0)) { lanes.push([]); w = -M.groupGap; }
    lanes[lanes.length - 1].push(sh);
    w += M.groupGap + sh.w;
  }
  return lanes;
}

function extentOf(lanes: Shelf[][]): { w: number; h: number } {
  let w = 0, h = 0;
  for (const lane of lanes) {
    w = Math.max(w, lane.reduce((s, sh) => s + sh.w, 0) + (lane.length - 1) * M.groupGap);
    h += laneHeight(Math.max(...lane.map((sh) => sh.bandH)), Math.max(...lane.map((sh) => sh.slotsH))) + M.laneGap;
  }
  return { w, h: h + M.topH + M.bandGap };
}

function placeShelf(p: Placement, sh: Shelf, x0: number, rows: Rows) {
  const { grp } = sh;
  for (const [u, r] of sh.slots) {
    p.place(u, { ...r, x: x0 + r.x, y: rows.ySlots + r.y });
    grp.placed.push(u.rect!);
  }
  for (const [u, r] of sh.ports) {
    p.place(u, { ...r, x: x0 + r.x, y: rows.bandBottom + r.y });
    grp.placedPorts.push(u.rect!);
  }
  p.placeBridge(grp, x0, rows.yBridge);
  grp.x0 = x0;
  grp.rows = rows;
  grp.limit = x0 + sh.w;
}

/**
 * A fresh layout: each group a block (ports band, bridge, a grid of boxes), blocks in lanes that wrap. Among a few
 * column counts and lane widths it takes the one whose whole picture is largest on an ASPECT-shaped canvas.
 */
export function placeFresh(p: Placement, ordered: Group[]) {
  const groups = ordered.filter((g) => g.bridge || g.slots.length > 0 || g.ports.length > 0);
  if (groups.length === 0) return;
  let best: { lanes: Shelf[][]; score: number } | null = null;
  // Column counts: squarish blocks (a multiple of √n), or blocks that all have the same number of rows.
  const counts: ((n: number) => number)[] = [
    ...[0.5, 0.7, 1, 1.4, 2].map((f) => (n: number) => Math.round(f * Math.sqrt(n))),
    ...[1, 2, 3, 4, 5, 6, 8, 10, 12].map((rows) => (n: number) => Math.ceil(n / rows)),
  ];
  for (const cols of counts) {
    const shelves = groups.map((g) => shelf(g, Math.max(1, cols(g.slots.length))));
    const area = shelves.reduce((s, sh) => s + (sh.w + M.groupGap) * (laneHeight(sh.bandH, sh.slotsH) + M.laneGap), 0);
    for (const wf of [0.5, 0.7, 0.85, 1, 1.2, 1.5, 2]) {
      const lanes = lanesOf(shelves, Math.sqrt(area * ASPECT) * wf);
      const e = extentOf(lanes);
      const score = Math.min(ASPECT / e.w, 1 / e.h);
      if (!best || score > best.score + 1e-12) best = { lanes, score };
    }
  }
  let top = 0;
  for (const lane of best!.lanes) {
    const bandH = Math.max(...lane.map((sh) => sh.bandH));
    const rows = laneRows(top, bandH);
    let x = 0;
    for (const sh of lane) {
      placeShelf(p, sh, x, rows);
      x += sh.w + M.groupGap;
    }
    top += laneHeight(bandH, Math.max(...lane.map((sh) => sh.slotsH))) + M.laneGap;
  }
}

/** Rows of a kept group: from its bridge, else (the group on no bridge) from its highest kept box. */
function keptRows(p: Placement, grp: Group): Rows {
  const b = grp.bridge ? p.out.get(grp.bridge.id) : undefined;
  const yBridge = b ? b.y : Math.min(...grp.placed.map((r) => r.y)) - M.rowGap - M.bridgeH;
  return { yBridge, ySlots: yBridge + M.bridgeH + M.rowGap, bandBottom: yBridge - M.bandGap };
}

/**
 * Groups with something kept, each with its rows and extent: a kept group reaches up to the next group's start in
 * its lane; the last one in a lane as far as a fresh layout would give it plus room for one more box.
 */
export function keptGroups(p: Placement, ordered: Group[]): Group[] {
  const isKept = (grp: Group) => (grp.bridge ? p.out.has(grp.bridge.id) : grp.slots.some((u) => u.rect));
  const kept = ordered.filter(isKept);
  for (const grp of kept) {
    grp.placed = grp.slots.flatMap((u) => (u.rect ? [u.rect] : []));
    grp.placedPorts = grp.ports.flatMap((u) => ((u as Unit).rect ? [(u as Unit).rect!] : []));
    grp.x0 = grp.bridge ? p.out.get(grp.bridge.id)!.x : Math.min(...grp.placed.map((r) => r.x));
    grp.rows = keptRows(p, grp);
  }
  kept.sort((a, b) => a.rows.yBridge - b.rows.yBridge || a.x0 - b.x0);
  kept.forEach((grp, i) => {
    const next = kept[i + 1];
    if (next && next.rows.yBridge === grp.rows.yBridge) grp.limit = next.x0 - M.groupGap;
    else {
      const n = grp.slots.length;
      const extent = Math.max(grp.x0 + M.bridgeW, ...grp.placed.map(right), ...grp.placedPorts.map(right));
      grp.limit = Math.max(extent + SPARE, grp.x0 + Math.ceil(Math.sqrt(n)) * (M.ctrW + 2 * M.pad + M.slotGap));
    }
  });
  return kept;
}

/** New groups of a kept layout: at the end of the last lane when they fit within today's width, else a new lane below. */
export function placeNewGroups(p: Placement, ordered: Group[], kept: Group[]) {
  for (const grp of ordered) {
    if (kept.includes(grp)) continue;
    if (!grp.bridge && grp.slots.length === 0 && grp.ports.length === 0) continue;
    const sh = shelf(grp, Math.max(1, Math.ceil(Math.sqrt(grp.slots.length))));
    const all = p.index.all;
    const last = kept.reduce<Group | null>((a, b) => (!a || b.rows.yBridge >= a.rows.yBridge ? b : a), null);
    if (last) {
      const x = Math.max(...kept.filter((k) => k.rows.yBridge === last.rows.yBridge).map((k) => k.limit)) + M.groupGap;
      const width = Math.max(...all.map(right));
      const fits = x + sh.w <= width
        && ![...sh.slots, ...sh.ports].some(([, r]) => p.index.hits({ ...r, x: x + r.x, y: r.y + (r.y < 0 ? last.rows.bandBottom : last.rows.ySlots) }, M.slotGap))
        && !p.index.hits({ x, y: last.rows.yBridge, w: M.bridgeW, h: M.bridgeH }, M.slotGap);
      if (fits) {
        placeShelf(p, sh, x, last.rows);
        kept.push(grp);
        continue;
      }
    }
    const x0 = all.length > 0 ? Math.min(...all.map((r) => r.x)) : 0;
    const top = all.length > 0 ? Math.max(...all.map(bottom)) + M.laneGap : 0;
    placeShelf(p, sh, x0, laneRows(top, sh.bandH));
    kept.push(grp);
  }
}

/** New slots of a kept group: the first free position in reading order (beside a placed one, else a new row). */
export function fillSlots(p: Placement, grp: Group) {
  const { ySlots } = grp.rows;
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
export function fillPorts(p: Placement, grp: Group) {
  const { bandBottom } = grp.rows;
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
