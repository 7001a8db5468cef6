import { describe, expect, it } from 'vitest';
import { ticksOf, timelineWindow, type TimelineChange } from './timeline';

const change = (revision: number, at: string, kind: TimelineChange['kind'], subject: string): TimelineChange => ({
  revision, at, kind, action: 'added', subject, detail: null,
});

describe('the timeline', () => {
  const from = Date.parse('2026-11-30T14:00:00Z');
  const to = Date.parse('2026-11-30T15:00:00Z');

  it('puts one tick per revision where it happened, named for its container when it has one', () => {
    const ticks = ticksOf(
      [
        change(7, '2026-11-30T14:15:00Z', 'rule', 'host ipv4 nat/DOCKER: -A DOCKER …'),
        change(7, '2026-11-30T14:15:00Z', 'container', 'lab-x'),
        change(9, '2026-11-30T14:45:00Z', 'sysctl', 'net.ipv4.ip_forward'),
      ],
      from,
      to,
    );
    expect(ticks.map((t) => [t.revision, t.position, t.kind, t.changes.length])).toEqual([
      [7, 0.25, 'container', 2],
      [9, 0.75, 'sysctl', 1],
    ]);
  });

  it('leaves out changes outside the window', () => {
    expect(ticksOf([change(1, '2026-11-30T13:59:59Z', 'network', 'n'), change(2, '2026-11-30T15:00:01Z', 'network', 'm')], from, to)).toEqual([]);
  });

  it('starts the window where history starts when that is later than the span', () => {
    expect(timelineWindow(to, 3_600_000, null)).toEqual({ from, to });
    expect(timelineWindow(to, 3_600_000, from + 600_000)).toEqual({ from: from + 600_000, to });
  });
});
