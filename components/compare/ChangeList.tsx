'use client';

import type { SemanticChange } from '@/lib/compare/changes';

const SIGN: Record<string, string> = { added: '+', removed: '−', changed: '~', restarted: '↻', recreated: '↻', renamed: '~', moved: '↕' };
const COLOUR: Record<string, string> = {
  added: 'text-green-700 dark:text-green-400',
  removed: 'text-red-700 dark:text-red-400',
};

/** The change list, each entry a button that selects its object on the graph; rules show their explanation. */
export function ChangeList({ changes, onSelect }: { changes: SemanticChange[]; onSelect: (index: number) => void }) {
  return (
    <section data-testid="change-list" aria-label="Change list">
      <h2 className="mt-4 mb-2 font-semibold">Changes ({changes.length})</h2>
      {changes.length === 0 && <p className="text-slate-500 dark:text-slate-400">No changes (counters and rates are not changes).</p>}
      <ul className="space-y-1">
        {changes.map((c, i) => (
          <li key={i} data-kind={c.kind} data-action={c.action}>
            <button type="button" onClick={() => onSelect(i)} className="w-full rounded px-1 text-left hover:bg-slate-100 dark:hover:bg-slate-800">
              <span className={`mr-1 font-mono ${COLOUR[c.action] ?? 'text-amber-700 dark:text-amber-400'}`}>{SIGN[c.action] ?? '~'}</span>
              <span className="text-slate-500 dark:text-slate-400">
                {c.kind} {c.action}{' '}
              </span>
              <span className="font-medium">{c.subject}</span>
              {c.detail && <span className="block pl-4 font-mono text-xs break-all text-slate-600 dark:text-slate-300">{c.detail}</span>}
              {c.explanation && <span className="block pl-4 text-xs text-slate-500 italic dark:text-slate-400">{c.explanation}</span>}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
