import { describe, expect, it } from 'vitest';
import { scrollTopForRow, visibleRange } from './windowing';

const base = { rowHeight: 40, overscan: 5 };

describe('visibleRange', () => {
  it('at the top: the rows that fit plus overscan below', () => {
    expect(visibleRange({ ...base, scrollTop: 0, viewportHeight: 400, count: 10_000 })).toEqual({ start: 0, end: 15, offsetTop: 0, totalHeight: 400_000 });
  });

  it('scrolled: overscan on both sides, offset of the first rendered row', () => {
    const r = visibleRange({ ...base, scrollTop: 4000, viewportHeight: 400, count: 10_000 });
    expect(r).toEqual({ start: 95, end: 115, offsetTop: 3800, totalHeight: 400_000 });
  });

  it('a partly visible row counts', () => {
    const r = visibleRange({ ...base, overscan: 0, scrollTop: 20, viewportHeight: 100, count: 100 });
    expect([r.start, r.end]).toEqual([0, 3]); // rows 0 (half), 1, 2 (half)
  });

  it('at the end: clamped to the list', () => {
    const r = visibleRange({ ...base, scrollTop: 400_000 - 400, viewportHeight: 400, count: 10_000 });
    expect(r.end).toBe(10_000);
    expect(r.start).toBe(9985);
    // Overscrolled (elastic scrolling) or a shrunken list: still within bounds, never empty.
    const over = visibleRange({ ...base, scrollTop: 10_000_000, viewportHeight: 400, count: 10_000 });
    expect(over.end).toBe(10_000);
    expect(over.start).toBeLessThan(over.end);
  });

  it('renders a bounded number of rows whatever the list length', () => {
    for (const count of [10, 1000, 100_000]) {
      const r = visibleRange({ ...base, scrollTop: 12_345, viewportHeight: 800, count });
      expect(r.end - r.start).toBeLessThanOrEqual(Math.ceil(800 / 40) + 1 + 2 * 5);
    }
  });

  it('empty lists, zero-height viewports and negative scroll positions', () => {
    expect(visibleRange({ ...base, scrollTop: 0, viewportHeight: 400, count: 0 })).toEqual({ start: 0, end: 0, offsetTop: 0, totalHeight: 0 });
    expect(visibleRange({ ...base, scrollTop: -50, viewportHeight: 400, count: 3 })).toEqual({ start: 0, end: 3, offsetTop: 0, totalHeight: 120 });
    const r = visibleRange({ ...base, overscan: 0, scrollTop: 0, viewportHeight: 0, count: 50 });
    expect([r.start, r.end]).toEqual([0, 1]);
    expect(visibleRange({ ...base, rowHeight: 0, scrollTop: 0, viewportHeight: 400, count: 10 }).end).toBe(0);
  });
});

describe('scrollTopForRow', () => {
  it('puts the row at the top, clamped to what can scroll', () => {
    expect(scrollTopForRow(100, 40, 10_000, 400)).toBe(4000);
    expect(scrollTopForRow(-3, 40, 10_000, 400)).toBe(0);
    expect(scrollTopForRow(9999, 40, 10_000, 400)).toBe(400_000 - 400);
    expect(scrollTopForRow(5, 40, 3, 400)).toBe(0);
  });
});
