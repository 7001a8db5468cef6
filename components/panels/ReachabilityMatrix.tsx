'use client';

import { memo, useMemo, useState, type UIEvent } from 'react';
import type { ReachCell, ReachMatrix, ReachSource, ReachTarget } from '@/lib/reach/matrix';
import type { Snapshot } from '@/lib/snapshot/schema';
import type { TraceQuery } from '@/lib/sim/types';
import { useReachMatrix } from './reach/useReachMatrix';

export interface ReachabilityMatrixProps {
  snapshot: Snapshot;
  /** Show a cell's path in the Paths tab. */
  onOpenPath: (q: TraceQuery) => void;
}

const CELL: Record<ReachCell['verdict'], { className: string; mark: string; word: string }> = {
  delivered: { className: 'bg-emerald-500/80 text-white', mark: '✓', word: 'delivered' },
  refused: { className: 'bg-amber-400 text-slate-900', mark: '⊘', word: 'refused' },
  dropped: { className: 'bg-red-600/85 text-white', mark: '✕', word: 'dropped' },
  uncertain: { className: 'bg-slate-400 text-white', mark: '?', word: 'uncertain' },
};

const ROW_H = 24;
const COL_W = 30;
const HEAD_H = 150;
/** Rows drawn beyond the visible ones, so a quick scroll does not show blanks. */
const OVERSCAN = 8;

/**
 * Who reaches whom: sources (containers, the host, a client outside) as rows, targets (container ports, published
 * ports via the host, an address outside) as columns, each cell the simulator's verdict. Computed in a web worker;
 * rows are virtualised and both axes filter by network and compose project.
 */
export const ReachabilityMatrix = memo(function ReachabilityMatrix({ snapshot, onOpenPath }: ReachabilityMatrixProps) {
  const { matrix, ms, computing } = useReachMatrix(snapshot);
  const [network, setNetwork] = useState('');
  const [project, setProject] = useState('');
  const networks = snapshot.docker?.networks ?? [];
  const projects = useMemo(() => [...new Set((snapshot.docker?.containers ?? []).flatMap((c) => (c.composeProject ? [c.composeProject] : [])))].sort(), [snapshot]);

  return (
    <div data-testid="reach-panel" className="space-y-3 p-4">
      <header className="space-y-0.5">
        <p className="text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">Reachability</p>
        <h2 className="text-base font-semibold">Who reaches whom?</h2>
        <p className="text-xs text-slate-500 dark:text-slate-400">
          Every source × every port, simulated on this snapshot (nothing is sent). Click a cell to see its path.
        </p>
      </header>
      <div className="flex flex-wrap gap-2 text-xs">
        <label className="flex items-center gap-1">
          Network
          <select value={network} onChange={(e) => setNetwork(e.target.value)} className="rounded border border-slate-300 bg-transparent px-1 py-0.5 dark:border-slate-600" data-testid="reach-network">
            <option value="">all</option>
            {networks.map((n) => (
              <option key={n.id} value={n.id}>
                {n.name}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-1">
          Project
          <select value={project} onChange={(e) => setProject(e.target.value)} className="rounded border border-slate-300 bg-transparent px-1 py-0.5 dark:border-slate-600" data-testid="reach-project">
            <option value="">all</option>
            {projects.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <Legend />
      </div>
      {matrix ? (
        <Grid matrix={matrix} network={network} project={project} onOpenPath={onOpenPath} />
      ) : (
        <p className="text-sm text-slate-500 dark:text-slate-400">Computing…</p>
      )}
      {ms !== null && (
        <p className="text-xs text-slate-500 dark:text-slate-400" data-testid="reach-timing">
          {computing ? 'Recomputing for the latest snapshot… ' : ''}Computed in {Math.round(ms)} ms.
        </p>
      )}
    </div>
  );
});

function Legend() {
  return (
    <ul className="flex flex-wrap items-center gap-2" aria-label="Cell colours">
      {Object.values(CELL).map((c) => (
        <li key={c.word} className="flex items-center gap-1">
          <span className={`inline-block h-3.5 w-3.5 rounded-sm text-center text-[10px] leading-3.5 ${c.className}`}>{c.mark}</span>
          {c.word}
        </li>
      ))}
    </ul>
  );
}

/** A source or target is kept when it is on the chosen network / in the chosen project (the host and outside always are). */
const keep = (x: ReachSource | ReachTarget, network: string, project: string) =>
  (x.networkIds.length === 0 && x.project === null) || ((!network || x.networkIds.includes(network)) && (!project || x.project === project));

function Grid({ matrix, network, project, onOpenPath }: { matrix: ReachMatrix; network: string; project: string; onOpenPath: (q: TraceQuery) => void }) {
  const rows = useMemo(() => matrix.sources.map((s, i) => ({ s, i })).filter(({ s }) => keep(s, network, project)), [matrix, network, project]);
  const cols = useMemo(() => matrix.targets.map((t, j) => ({ t, j })).filter(({ t }) => keep(t, network, project)), [matrix, network, project]);
  const [scrollTop, setScrollTop] = useState(0);
  const viewH = 560;
  const first = Math.max(0, Math.floor(scrollTop / ROW_H) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + viewH) / ROW_H) + OVERSCAN);
  const labelW = 180;
  const onScroll = (e: UIEvent<HTMLDivElement>) => setScrollTop(e.currentTarget.scrollTop);

  return (
    <div className="overflow-auto rounded border border-slate-200 dark:border-slate-700" style={{ maxHeight: viewH + HEAD_H }} onScroll={onScroll} data-testid="reach-grid">
      <div style={{ width: labelW + cols.length * COL_W, height: HEAD_H + rows.length * ROW_H }} className="relative text-xs">
        <div className="sticky top-0 z-10 flex bg-white dark:bg-slate-900" style={{ height: HEAD_H }}>
          <div style={{ width: labelW }} className="shrink-0 self-end px-1 pb-1 text-slate-500">source ↓ · target →</div>
          {cols.map(({ t, j }) => (
            <div key={j} style={{ width: COL_W }} className="relative shrink-0" title={t.label}>
              <span className="absolute bottom-1 left-3 origin-bottom-left -rotate-60 whitespace-nowrap" data-testid="reach-col">
                {t.label}
              </span>
            </div>
          ))}
        </div>
        {rows.slice(first, last).map(({ s, i }, k) => (
          <div key={i} className="absolute flex" style={{ top: HEAD_H + (first + k) * ROW_H, height: ROW_H }} data-testid="reach-row" data-source={s.label}>
            <div style={{ width: labelW }} className="sticky left-0 shrink-0 truncate bg-white pr-1 leading-6 dark:bg-slate-900" title={s.label}>
              {s.label}
            </div>
            {cols.map(({ t, j }) => {
              const c = matrix.cells[i][j];
              if (!c) return <div key={j} style={{ width: COL_W }} className="shrink-0" />;
              const look = CELL[c.verdict];
              return (
                <button
                  key={j}
                  type="button"
                  style={{ width: COL_W - 2, height: ROW_H - 2 }}
                  className={`m-px shrink-0 rounded-sm text-center focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none ${look.className}`}
                  title={`${s.label} → ${t.label}: ${c.why}`}
                  aria-label={`${s.label} to ${t.label}: ${c.why}`}
                  data-testid="reach-cell"
                  data-target={t.label}
                  data-verdict={c.verdict}
                  onClick={() => onOpenPath(c.query)}
                >
                  {look.mark}
                </button>
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}
