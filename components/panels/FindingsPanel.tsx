'use client';

import type { Finding, FindingLevel, FindingsReport } from '@/lib/findings/types';
import type { Graph } from '@/lib/topology/types';

const LEVEL_STYLE: Record<FindingLevel, string> = {
  error: 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200',
  warning: 'bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-200',
  info: 'bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-200',
};

export interface FindingsPanelProps {
  report: FindingsReport;
  graph: Graph | null;
  onSelect: (id: string) => void;
}

/** The misconfigurations the snapshot proves (lib/findings), errors first, each with its evidence and fix. */
export function FindingsPanel({ report, graph, onSelect }: FindingsPanelProps) {
  const onGraph = new Set(graph?.nodes.map((n) => n.id) ?? []);
  return (
    <div data-testid="findings-panel" className="space-y-3 p-4">
      {report.findings.length === 0 && <p className="text-sm text-slate-500 italic dark:text-slate-400">No findings: nothing the snapshot proves misconfigured.</p>}
      <ul className="space-y-3">
        {report.findings.map((f) => (
          <FindingItem key={f.id} f={f} onGraph={onGraph} onSelect={onSelect} />
        ))}
      </ul>
      {report.skipped.length > 0 && (
        <div className="text-xs text-slate-500 dark:text-slate-400">
          Not checked:{' '}
          {report.skipped.map((s) => (
            <span key={s.check} className="mr-2">
              {s.check} ({s.why})
            </span>
          ))}
        </div>
      )}
    </div>
  );
}

function FindingItem({ f, onGraph, onSelect }: { f: Finding; onGraph: Set<string>; onSelect: (id: string) => void }) {
  return (
    <li data-testid="finding" data-finding-id={f.id} data-level={f.level} className="rounded border border-slate-200 p-2 text-sm dark:border-slate-700">
      <div className="flex items-start gap-2">
        <span className={`rounded px-1.5 py-0.5 text-xs font-semibold uppercase ${LEVEL_STYLE[f.level]}`}>{f.level}</span>
        <h3 className="font-semibold">{f.title}</h3>
      </div>
      <ul className="mt-1.5 list-disc space-y-0.5 pl-5 text-slate-700 dark:text-slate-300" aria-label="evidence">
        {f.evidence.map((e) => (
          <li key={e} className="break-words">
            {e}
          </li>
        ))}
      </ul>
      <p className="mt-1.5">
        <span className="font-semibold">Fix: </span>
        <span data-testid="finding-fix">{f.fix}</span>
      </p>
      {f.objects.length > 0 && (
        <p className="mt-1.5 flex flex-wrap gap-1.5">
          {f.objects.map((o) =>
            onGraph.has(o.nodeId) ? (
              <button
                key={o.nodeId}
                type="button"
                onClick={() => onSelect(o.nodeId)}
                className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-sky-700 hover:bg-slate-200 focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none dark:bg-slate-800 dark:text-sky-300"
              >
                {o.label}
              </button>
            ) : (
              <span key={o.nodeId} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs dark:bg-slate-800">
                {o.label}
              </span>
            ),
          )}
        </p>
      )}
    </li>
  );
}
