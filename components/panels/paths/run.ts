import type { Snapshot } from '@/lib/snapshot/schema';
import { tracePath } from '@/lib/sim/trace';
import type { TraceQuery, TraceResult } from '@/lib/sim/types';

export type TraceRun = { ok: true; result: TraceResult } | { ok: false; error: string };

/** Per snapshot (dropped with it), the last queries traced on it. */
const cache = new WeakMap<Snapshot, Map<string, TraceRun>>();
const PER_SNAPSHOT = 64;

/**
 * `tracePath`, memoised per snapshot and query. A simulator failure becomes a message rather than a broken page
 * (the snapshot comes from a live host and may hold shapes nobody foresaw).
 */
export function runTrace(s: Snapshot, q: TraceQuery): TraceRun {
  let runs = cache.get(s);
  if (!runs) cache.set(s, (runs = new Map()));
  const key = JSON.stringify(q);
  const hit = runs.get(key);
  if (hit) return hit;
  let run: TraceRun;
  try {
    run = { ok: true, result: tracePath(s, q) };
  } catch (e) {
    run = { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  if (runs.size >= PER_SNAPSHOT) runs.delete(runs.keys().next().value!);
  runs.set(key, run);
  return run;
}
