'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useHostInput } from '@/components/fleet/chosen-host';
import { useTRPC } from '@/components/live/trpc';
import { describeChange, formatMoment, SPANS, ticksOf, timelineWindow, type SpanId, type TimelineChange } from './timeline';
import type { TimeTravel } from './useTimeTravel';

const KIND_COLOURS: Record<string, string> = {
  container: 'bg-sky-600',
  network: 'bg-violet-600',
  rule: 'bg-amber-600',
  sysctl: 'bg-rose-600',
  namespace: 'bg-teal-600',
  interface: 'bg-slate-500',
  docker: 'bg-red-700',
};

/** How often the timeline asks for new changes and the history's span. */
const REFRESH_MS = 5_000;
/** Scrubbing settles this long before the moment is loaded. */
const SETTLE_MS = 250;

/**
 * Under the header: the timeline of changes (ticks), a scrubber over it, a box to type a moment, and — when
 * showing the past — the banner that says so and leads back to live. History off: it says so, and why.
 */
export function TimeTravelBar({ travel, liveAt }: { travel: TimeTravel; liveAt: string }) {
  const trpc = useTRPC();
  const hostInput = useHostInput();
  const status = useQuery({ ...trpc.history.status.queryOptions(hostInput), refetchInterval: REFRESH_MS });
  const [span, setSpan] = useState<SpanId>('1h');
  const spanMs = SPANS.find((s) => s.id === span)!.ms;
  const now = Math.max(Date.parse(liveAt) || 0, status.data?.on && status.data.newest ? Date.parse(status.data.newest) : 0);
  const oldest = status.data?.on && status.data.oldest ? Date.parse(status.data.oldest) : null;
  const { from, to } = timelineWindow(now, spanMs, oldest);
  // Ask from the span's start (stable for a while), not `from`, so the query key does not change each second.
  const since = new Date(Math.floor((now - spanMs) / 60_000) * 60_000).toISOString();
  const changes = useQuery({
    ...trpc.history.changes.queryOptions({ since, ...hostInput }),
    enabled: status.data?.on === true,
    refetchInterval: REFRESH_MS,
  });
  const list = useMemo(() => (changes.data?.ok ? (changes.data.changes as TimelineChange[]) : []), [changes.data]);
  const ticks = useMemo(() => ticksOf(list, from, to), [list, from, to]);

  const viewing = travel.past ? Date.parse(travel.past.at) : null;
  const [scrub, setScrub] = useState<number | null>(null);
  const { goTo } = travel;
  useEffect(() => {
    if (scrub === null) return;
    const t = setTimeout(() => {
      // The right end is live (its value is the newest revision, and the host moves on).
      goTo(scrub >= to ? null : new Date(scrub).toISOString());
      setScrub(null);
    }, SETTLE_MS);
    return () => clearTimeout(t);
    // Not `to`: it moves with every revision, and scrubbing would never settle on a busy host.
  }, [scrub, goTo]);
  const thumb = scrub ?? viewing ?? to;

  const [typed, setTyped] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    travel.goTo(typed);
  };

  if (status.data && !status.data.on) {
    return (
      <div data-testid="history-off" className="border-b border-slate-300 px-4 py-1 text-xs text-slate-500 dark:border-slate-700 dark:text-slate-400">
        History is off: {status.data.reason}. Live view only.
      </div>
    );
  }

  return (
    <div data-testid="timeline" className="border-b border-slate-300 px-4 py-1.5 dark:border-slate-700">
      {(travel.past || travel.error) && (
        <div
          role="status"
          data-testid="time-travel-banner"
          className="mb-1.5 flex flex-wrap items-center gap-3 rounded bg-amber-100 px-3 py-1 text-sm text-amber-900 dark:bg-amber-900/50 dark:text-amber-100"
        >
          {travel.past ? (
            <span>
              viewing <time dateTime={travel.past.at}>{formatMoment(travel.past.at)}</time>
              {travel.past.label.startsWith('saved') ? ` (${travel.past.label})` : ''} — the host as it was; counters as they were then
            </span>
          ) : (
            <span>Cannot show {travel.ref}: {travel.error} — showing live</span>
          )}
          <button type="button" onClick={() => travel.goTo(null)} className="rounded bg-amber-700 px-2 py-0.5 text-xs font-medium text-white hover:bg-amber-800">
            back to live
          </button>
        </div>
      )}
      <div className="flex items-center gap-3">
        <label className="flex items-center gap-1 text-xs text-slate-600 dark:text-slate-400">
          last
          <select value={span} onChange={(e) => setSpan(e.target.value as SpanId)} className="rounded border border-slate-300 bg-transparent px-1 py-0.5 dark:border-slate-600">
            {SPANS.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <div className="relative h-6 min-w-0 flex-1">
          <ol aria-label="Changes" className="absolute inset-x-0 top-0 h-3">
            {ticks.map((t) => (
              <li key={t.revision} className="absolute top-0" style={{ left: `${(t.position * 100).toFixed(3)}%` }}>
                <button
                  type="button"
                  data-testid="timeline-tick"
                  data-kind={t.kind}
                  title={`${formatMoment(t.at)}\n${t.changes.map(describeChange).join('\n')}`}
                  aria-label={`${formatMoment(t.at)}: ${t.changes.map(describeChange).join('; ')}`}
                  onClick={() => travel.goTo(t.at)}
                  className={`block h-3 w-1 -translate-x-1/2 rounded-sm ${KIND_COLOURS[t.kind] ?? 'bg-slate-500'} hover:scale-y-125`}
                />
              </li>
            ))}
          </ol>
          <input
            type="range"
            aria-label="Time"
            aria-valuetext={thumb >= to ? 'live' : formatMoment(new Date(thumb).toISOString())}
            min={from}
            max={to}
            step={1_000}
            value={Math.min(Math.max(thumb, from), to)}
            onChange={(e) => setScrub(Number(e.target.value))}
            className="absolute inset-x-0 bottom-0 h-3 w-full accent-amber-600"
          />
        </div>
        <span className="w-24 shrink-0 text-right text-xs text-slate-600 tabular-nums dark:text-slate-400">
          {scrub !== null ? formatMoment(new Date(scrub).toISOString()) : travel.past ? formatMoment(travel.past.at) : 'live'}
        </span>
        <form onSubmit={submit} className="flex items-center gap-1">
          <input
            aria-label="Go to time"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            placeholder="-10m, 14:02 ISO, name"
            className="w-44 rounded border border-slate-300 bg-transparent px-1.5 py-0.5 text-xs dark:border-slate-600"
          />
          <button type="submit" className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800">
            go
          </button>
        </form>
        {travel.loading && <span className="text-xs text-slate-500">loading…</span>}
      </div>
    </div>
  );
}
