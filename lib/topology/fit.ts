import type { Box } from './types';

/** The zoom range of the graph canvas. */
export const SCALE_EXTENT: [number, number] = [0.05, 6];
/** Screen pixels kept free around a fitted picture. */
export const FIT_PADDING = 24;

/** A pan/zoom transform: screen = layout × k + (x, y). */
export interface View { k: number; x: number; y: number }

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * The transform that shows `b` in a `width`×`height` viewport, centred. With `minScale`, never below it: then the
 * top-left of `b` is shown, readable. This is the UI's "Fit" (components/graph/usePanZoom) and the bench's.
 */
export function fitView(b: Box, width: number, height: number, opts: { minScale?: number } = {}): View {
  // A zero-sized bound (one point) would ask for infinite zoom; clamp keeps it at the maximum.
  const k = clamp(Math.min((width - 2 * FIT_PADDING) / Math.max(b.w, 1), (height - 2 * FIT_PADDING) / Math.max(b.h, 1)), ...SCALE_EXTENT);
  if (opts.minScale !== undefined && k < opts.minScale) return { k: opts.minScale, x: FIT_PADDING - opts.minScale * b.x, y: FIT_PADDING - opts.minScale * b.y };
  return { k, x: width / 2 - k * (b.x + b.w / 2), y: height / 2 - k * (b.y + b.h / 2) };
}

/** The box around all `boxes`, or null when there are none. */
export function boundsOf(boxes: Iterable<Box>): Box | null {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const b of boxes) {
    x0 = Math.min(x0, b.x);
    y0 = Math.min(y0, b.y);
    x1 = Math.max(x1, b.x + b.w);
    y1 = Math.max(y1, b.y + b.h);
  }
  return x0 === Infinity ? null : { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}
