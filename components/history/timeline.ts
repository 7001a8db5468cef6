import type { ChangeKind } from '@/lib/history/changes';

/** What the timeline needs of a logged change (the tRPC answer's shape: times as ISO text). */
export interface TimelineChange {
  revision: number;
  at: string;
  kind: ChangeKind;
  action: 'added' | 'removed' | 'changed';
  subject: string;
  detail: string | null;
}

/** One tick: every change of one revision, at its place along the window (0 … 1). */
export interface Tick {
  revision: number;
  at: string;
  position: number;
  changes: TimelineChange[];
  /** The kind that names the tick (containers first: what operators look for). */
  kind: ChangeKind;
}

const KIND_ORDER: ChangeKind[] = ['container', 'network', 'rule', 'sysctl', 'namespace', 'interface', 'docker'];

export const SPANS = [
  { id: '15m', label: '15 min', ms: 15 * 60_000 },
  { id: '1h', label: '1 hour', ms: 3_600_000 },
  { id: '6h', label: '6 hours', ms: 6 * 3_600_000 },
  { id: '1d', label: '1 day', ms: 86_400_000 },
  { id: '7d', label: '7 days', ms: 7 * 86_400_000 },
] as const;
export type SpanId = (typeof SPANS)[number]['id'];

/** The window shown: `span` back from `now`, but not before history starts. */
export function timelineWindow(now: number, spanMs: number, oldest: number | null): { from: number; to: number } {
  const from = Math.max(now - spanMs, oldest ?? now - spanMs);
  return { from: Math.min(from, now - 1_000), to: now };
}

/** Changes grouped by revision into ticks placed in [from, to]; changes outside the window are left out. */
export function ticksOf(changes: TimelineChange[], from: number, to: number): Tick[] {
  const byRevision = new Map<number, TimelineChange[]>();
  for (const c of changes) {
    const t = Date.parse(c.at);
    if (t < from || t > to) continue;
    const list = byRevision.get(c.revision);
    if (list) list.push(c);
    else byRevision.set(c.revision, [c]);
  }
  return [...byRevision.entries()].map(([revision, list]) => ({
    revision,
    at: list[0].at,
    position: (Date.parse(list[0].at) - from) / (to - from),
    changes: list,
    kind: KIND_ORDER.find((k) => list.some((c) => c.kind === k)) ?? list[0].kind,
  }));
}

/** A change in a short line: `container added lab-web`, `sysctl changed net.ipv4.ip_forward (1 → 0)`. */
export function describeChange(c: TimelineChange): string {
  return `${c.kind} ${c.action} ${c.subject}${c.detail ? ` (${c.detail})` : ''}`;
}

/** Local time of day, with the date when it is not today. */
export function formatMoment(iso: string, today = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toDateString() === today.toDateString() ? d.toLocaleTimeString() : d.toLocaleString();
}
