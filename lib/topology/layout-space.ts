import type { Box } from './types';

export type Rect = Box;
export const right = (r: Rect) => r.x + r.w;
export const bottom = (r: Rect) => r.y + r.h;

/** Uniform-grid spatial hash: overlap queries stay O(1)-ish for thousands of boxes. */
export class SpatialIndex {
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
