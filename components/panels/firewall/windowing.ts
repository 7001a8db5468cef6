/**
 * Windowed rendering math for fixed-height rows: which rows a scroll viewport shows (plus overscan), where the
 * first one sits, and how tall the whole list is.
 */
export interface WindowInput {
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
  count: number;
  /** Extra rows rendered above and below the viewport so fast scrolling does not show blanks. */
  overscan: number;
}

export interface WindowRange {
  /** First rendered row (inclusive). */
  start: number;
  /** Last rendered row (exclusive). */
  end: number;
  /** Pixel offset of row `start` from the top of the list. */
  offsetTop: number;
  totalHeight: number;
}

export function visibleRange({ scrollTop, viewportHeight, rowHeight, count, overscan }: WindowInput): WindowRange {
  const n = Math.max(0, Math.floor(count));
  if (n === 0 || !(rowHeight > 0)) return { start: 0, end: 0, offsetTop: 0, totalHeight: 0 };
  const totalHeight = n * rowHeight;
  const over = Math.max(0, Math.floor(overscan));
  const top = Math.min(Math.max(0, scrollTop || 0), Math.max(0, totalHeight - 1));
  const height = Math.max(0, viewportHeight || 0);
  const first = Math.floor(top / rowHeight);
  const last = Math.ceil((top + height) / rowHeight); // exclusive
  const start = Math.max(0, first - over);
  const end = Math.min(n, Math.max(last, first + 1) + over);
  return { start, end, offsetTop: start * rowHeight, totalHeight };
}

/** The scrollTop that brings row `index` to the top of the viewport (clamped to the scrollable range). */
export function scrollTopForRow(index: number, rowHeight: number, count: number, viewportHeight: number): number {
  const max = Math.max(0, count * rowHeight - viewportHeight);
  return Math.min(max, Math.max(0, index * rowHeight));
}
