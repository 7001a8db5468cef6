'use client';

import { useMemo, useState } from 'react';
import type { Comparison } from '@/lib/compare/compare';
import { sideText, type FlowChange, type FlowChangeKind, type FlowSide } from '@/lib/compare/reach-diff';
import type { TraceQuery } from '@/lib/sim/types';
import type { Snapshot } from '@/lib/snapshot/schema';
import { PathSteps } from '@/components/panels/paths/PathResult';
import { runTrace } from '@/components/panels/paths/run';

const TITLE: Record<FlowChangeKind, string> = { broken: 'broken', opened: 'opened', changed: 'dropped for another reason', new: 'new' };
const COLOUR: Record<FlowChangeKind, string> = {
  broken: 'text-red-700 dark:text-red-400',
  opened: 'text-green-700 dark:text-green-400',
  changed: 'text-amber-700 dark:text-amber-400',
  new: 'text-slate-500 dark:text-slate-400',
};

interface FlowListProps {
  comparison: Comparison;
  /** The two snapshots compared: a flow's traces are made from them when it is opened. */
  sides: Sides;
  /** Select the object of a change-list entry (by its index). */
  onSelect: (changeIndex: number) => void;
}

/**
 * The reachability changes: each flow opens to both traces (before and after, as the simulator tells them) and
 * the change-list entries that concern it, each of which selects its object. New flows are folded: they are many.
 */
type Sides = { a: Snapshot; b: Snapshot };

export function FlowList({ comparison, sides, onSelect }: FlowListProps) {
  const [open, setOpen] = useState<string | null>(null);
  const flows = comparison.reachability.changes;
  const main = flows.filter((f) => f.kind !== 'new');
  const fresh = flows.filter((f) => f.kind === 'new');
  const { total: newTotal, delivered } = comparison.reachability.newFlows;
  const [showNew, setShowNew] = useState(false);
  const count = (k: FlowChangeKind) => (k === 'new' ? newTotal : flows.filter((f) => f.kind === k).length);
  return (
    <section data-testid="reach-changes" aria-label="Reachability changes">
      <h2 className="mb-1 font-semibold">Reachability</h2>
      <p className="mb-2 text-xs text-slate-500 dark:text-slate-400">
        {count('broken')} broken, {count('opened')} opened, {count('changed')} dropped for another reason, {count('new')} new; {comparison.reachability.compared} flows compared
      </p>
      <ul className="space-y-1">
        {main.map((f) => (
          <Flow key={f.key} flow={f} open={open === f.key} onToggle={() => setOpen(open === f.key ? null : f.key)} comparison={comparison} sides={sides} onSelect={onSelect} />
        ))}
      </ul>
      {newTotal > 0 && (
        <details className="mt-2" onToggle={(e) => setShowNew(e.currentTarget.open)}>
          <summary className="cursor-pointer text-xs text-slate-600 dark:text-slate-300">
            {newTotal} new flows (a source or target only in B), {delivered} delivered
          </summary>
          {/* Rendered only when unfolded; the comparison lists them as listedForPage does (delivered first, a few). */}
          {showNew && (
            <ul className="space-y-1">
              {fresh.map((f) => (
                <Flow key={f.key} flow={f} open={open === f.key} onToggle={() => setOpen(open === f.key ? null : f.key)} comparison={comparison} sides={sides} onSelect={onSelect} />
              ))}
              {newTotal > fresh.length && <li className="text-xs text-slate-500">… and {newTotal - fresh.length} more (netatlas diff --json lists them all)</li>}
            </ul>
          )}
        </details>
      )}
    </section>
  );
}

function Flow(props: { flow: FlowChange; open: boolean; onToggle: () => void; comparison: Comparison; sides: Sides; onSelect: (i: number) => void }) {
  const { flow: f, open, onToggle, comparison, onSelect } = props;
  return (
    <li data-testid="reach-change" data-kind={f.kind}>
      <button type="button" aria-expanded={open} onClick={onToggle} className="w-full rounded px-1 text-left hover:bg-slate-100 dark:hover:bg-slate-800">
        <span className={`mr-2 text-xs font-semibold uppercase ${COLOUR[f.kind]}`}>{TITLE[f.kind]}</span>
        <span className="font-medium">{f.key}</span>
      </button>
      {open && <Traces {...props} />}
    </li>
  );
}

/** An opened flow: each side's path as the simulator tells it, traced now, and the changes that concern it. */
function Traces({ flow: f, comparison, sides, onSelect }: { flow: FlowChange; comparison: Comparison; sides: Sides; onSelect: (i: number) => void }) {
  return (
    <div className="mt-1 space-y-2 border-l-2 border-slate-300 pl-3 text-xs dark:border-slate-600" data-testid="flow-traces">
      <Side name="Before" side={f.before} snapshot={sides.a} query={f.queries.before} />
      <Side name="After" side={f.after} snapshot={sides.b} query={f.queries.after} />
      {f.related.length > 0 && (
        <div>
          <p className="font-semibold">Because of</p>
          <ul>
            {f.related.slice(0, 5).map((i) => (
              <li key={i}>
                <button type="button" className="text-left text-sky-700 underline dark:text-sky-400" onClick={() => onSelect(i)}>
                  {comparison.changes[i].kind} {comparison.changes[i].action}: {comparison.changes[i].subject}
                  {comparison.changes[i].detail ? ` (${comparison.changes[i].detail})` : ''}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

/** One side of a flow: its verdict, its path's paragraph, and the steps (the Paths tab's list) folded under it. */
function Side({ name, side, snapshot, query }: { name: string; side: FlowSide | null; snapshot: Snapshot; query: TraceQuery | null }) {
  // runTrace: memoised, and a simulator failure is a message rather than a broken page.
  const run = useMemo(() => (query ? runTrace(snapshot, query) : null), [snapshot, query]);
  return (
    <div data-testid="flow-side" data-side={name.toLowerCase()}>
      <p>
        <span className="font-semibold">{name}:</span> {sideText(side)}
      </p>
      {run && !run.ok && <p className="text-red-700 dark:text-red-300">The simulator could not trace it: {run.error}</p>}
      {run?.ok && (
        <>
          <p className="text-slate-600 dark:text-slate-300">{run.result.summary}</p>
          <details>
            <summary className="cursor-pointer text-slate-500 dark:text-slate-400">Steps ({run.result.steps.length})</summary>
            <ol className="mt-1 space-y-1">
              <PathSteps s={snapshot} steps={run.result.steps} />
            </ol>
          </details>
        </>
      )}
    </div>
  );
}
