'use client';

import { useState } from 'react';
import type { Comparison } from '@/lib/compare/compare';
import { sideText, type FlowChange, type FlowChangeKind } from '@/lib/compare/reach-diff';

const NEW_SHOWN = 200;

const TITLE: Record<FlowChangeKind, string> = { broken: 'broken', opened: 'opened', changed: 'dropped for another reason', new: 'new' };
const COLOUR: Record<FlowChangeKind, string> = {
  broken: 'text-red-700 dark:text-red-400',
  opened: 'text-green-700 dark:text-green-400',
  changed: 'text-amber-700 dark:text-amber-400',
  new: 'text-slate-500 dark:text-slate-400',
};

interface FlowListProps {
  comparison: Comparison;
  /** Select the object of a change-list entry (by its index). */
  onSelect: (changeIndex: number) => void;
}

/**
 * The reachability changes: each flow opens to both traces (before and after, as the simulator tells them) and
 * the change-list entries that concern it, each of which selects its object. New flows are folded: they are many.
 */
export function FlowList({ comparison, onSelect }: FlowListProps) {
  const [open, setOpen] = useState<string | null>(null);
  const flows = comparison.reachability.changes;
  const main = flows.filter((f) => f.kind !== 'new');
  const fresh = flows.filter((f) => f.kind === 'new');
  const delivered = fresh.filter((f) => f.after?.verdict === 'delivered');
  const [showNew, setShowNew] = useState(false);
  const count = (k: FlowChangeKind) => flows.filter((f) => f.kind === k).length;
  return (
    <section data-testid="reach-changes" aria-label="Reachability changes">
      <h2 className="mb-1 font-semibold">Reachability</h2>
      <p className="mb-2 text-xs text-slate-500 dark:text-slate-400">
        {count('broken')} broken, {count('opened')} opened, {count('changed')} dropped for another reason, {count('new')} new; {comparison.reachability.compared} flows compared
      </p>
      <ul className="space-y-1">
        {main.map((f) => (
          <Flow key={f.key} flow={f} open={open === f.key} onToggle={() => setOpen(open === f.key ? null : f.key)} comparison={comparison} onSelect={onSelect} />
        ))}
      </ul>
      {fresh.length > 0 && (
        <details className="mt-2" onToggle={(e) => setShowNew(e.currentTarget.open)}>
          <summary className="cursor-pointer text-xs text-slate-600 dark:text-slate-300">
            {fresh.length} new flows (a source or target only in B), {delivered.length} delivered
          </summary>
          {/* Rendered only when unfolded, delivered ones first and at most NEW_SHOWN: a new host has thousands. */}
          {showNew && (
            <ul className="space-y-1">
              {[...delivered, ...fresh.filter((f) => f.after?.verdict !== 'delivered')].slice(0, NEW_SHOWN).map((f) => (
                <Flow key={f.key} flow={f} open={open === f.key} onToggle={() => setOpen(open === f.key ? null : f.key)} comparison={comparison} onSelect={onSelect} />
              ))}
              {fresh.length > NEW_SHOWN && <li className="text-xs text-slate-500">… and {fresh.length - NEW_SHOWN} more (netatlas diff --json lists them all)</li>}
            </ul>
          )}
        </details>
      )}
    </section>
  );
}

function Flow({ flow: f, open, onToggle, comparison, onSelect }: { flow: FlowChange; open: boolean; onToggle: () => void; comparison: Comparison; onSelect: (i: number) => void }) {
  return (
    <li data-testid="reach-change" data-kind={f.kind}>
      <button type="button" aria-expanded={open} onClick={onToggle} className="w-full rounded px-1 text-left hover:bg-slate-100 dark:hover:bg-slate-800">
        <span className={`mr-2 text-xs font-semibold uppercase ${COLOUR[f.kind]}`}>{TITLE[f.kind]}</span>
        <span className="font-medium">{f.key}</span>
      </button>
      {open && (
        <div className="mt-1 space-y-2 border-l-2 border-slate-300 pl-3 text-xs dark:border-slate-600" data-testid="flow-traces">
          <p>
            <span className="font-semibold">Before:</span> {sideText(f.before)}
          </p>
          {f.traces.before && <p className="text-slate-600 dark:text-slate-300">{f.traces.before.summary}</p>}
          <p>
            <span className="font-semibold">After:</span> {sideText(f.after)}
          </p>
          {f.traces.after && <p className="text-slate-600 dark:text-slate-300">{f.traces.after.summary}</p>}
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
      )}
    </li>
  );
}
