'use client';

import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { TraceQuery } from '@/lib/sim/types';
import type { Snapshot } from '@/lib/snapshot/schema';
import { hiddenNodeIds } from './controls/filter-state';
import { Filters } from './controls/Filters';
import { SearchBox } from './controls/SearchBox';
import { Header } from './dashboard/Header';
import type { LiveStatus } from './dashboard/StatusBadge';
import { SidebarTabs } from './dashboard/SidebarTabs';
import { usePreviousRevision } from './dashboard/usePreviousRevision';
import { useShownSnapshot } from './dashboard/useShownSnapshot';
import { useTopology } from './dashboard/useTopology';
import { useViewState, type SidebarTab, type ViewState } from './dashboard/useViewState';
import { TopologyGraph } from './graph/TopologyGraph';
import { DetailsPanel } from './panels/DetailsPanel';
import { FirewallPanel } from './panels/FirewallPanel';
import type { FocusRule } from './panels/firewall/focus';
import { PathsPanel } from './panels/PathsPanel';
import { pathNodeIds } from './panels/paths/path-nodes';
import { runTrace } from './panels/paths/run';

export interface DashboardProps {
  snapshot: Snapshot | null;
  status: LiveStatus;
  /** ISO time of the last change seen on the host. */
  lastChange: string | null;
  /** The snapshot is the host as it was (time travel): no live rates against the revision shown before it. */
  past?: boolean;
  /** Under the header: the time-travel bar. */
  timeline?: ReactNode;
  /** The History tab's content; without it there is no History tab. */
  historyPanel?: ReactNode;
  /** Changes only when the snapshot's structure does (see useTopology); without it every snapshot is new. */
  structureKey?: string;
}

const NO_IDS = new Set<string>();
const TABS: { id: SidebarTab; label: string }[] = [
  { id: 'details', label: 'Details' },
  { id: 'firewall', label: 'Firewall' },
  { id: 'paths', label: 'Paths' },
];
const TABS_WITH_HISTORY = [...TABS, { id: 'history' as const, label: 'History' }];
const WIDE_TABS: readonly SidebarTab[] = ['firewall', 'paths', 'history'];

/** The page body: header, toolbar (search, filters), the graph, and the details sidebar. */
export function Dashboard({ snapshot, status, lastChange, past = false, timeline, historyPanel, structureKey }: DashboardProps) {
  const { shown, stale } = useShownSnapshot(snapshot, status);
  const before = usePreviousRevision(shown);
  // Rates between a past snapshot and whatever was on screen before it would be nonsense: totals only.
  const previous = past ? null : before;
  // The key holds only while the live snapshot is on screen (not the kept one of a Docker outage).
  const { graph, layout } = useTopology(shown, shown === snapshot ? structureKey : undefined);
  const [view, setView] = useViewState();
  const tabs = historyPanel ? TABS_WITH_HISTORY : TABS;
  const tab = view.tab === 'history' && !historyPanel ? 'details' : view.tab;
  const [hoveredId, setHoveredId] = useState<string | null>(null);
  const [matches, setMatches] = useState<string[]>([]);
  // Objects of the firewall rule under the pointer; while set they replace the search matches' emphasis.
  const [ruleHighlight, setRuleHighlight] = useState<Set<string> | null>(null);

  // The packet path asked in the Paths tab, for the selection it was asked under, and a rule the Firewall tab is to
  // bring into view. Both end with the selection; the path is drawn only while the Paths tab is open.
  const [pathAsked, setPathAsked] = useState<{ sel: string | null; query: TraceQuery } | null>(null);
  const [focusRule, setFocusRule] = useState<FocusRule | null>(null);
  useEffect(() => {
    setPathAsked(null);
    setFocusRule(null);
  }, [view.selectedId]);

  const select = useCallback((id: string | null) => setView({ selectedId: id }), [setView]);
  const setFilters = useCallback((filters: ViewState['filters']) => setView({ filters }), [setView]);
  const setTab = useCallback(
    (tab: SidebarTab) => {
      if (tab !== 'firewall') setFocusRule(null);
      setView({ tab });
    },
    [setView],
  );
  const setPathQuery = useCallback((query: TraceQuery | null) => setPathAsked(query ? { sel: view.selectedId, query } : null), [view.selectedId]);
  const openRule = useCallback(
    (f: FocusRule) => {
      setFocusRule({ ...f }); // a new object each time: asking again scrolls again
      setView({ tab: 'firewall' });
    },
    [setView],
  );
  const pathQuery = pathAsked && pathAsked.sel === view.selectedId ? pathAsked.query : null;
  const pathRun = useMemo(() => (shown && pathQuery ? runTrace(shown, pathQuery) : null), [shown, pathQuery]);
  const pathKey = useMemo(
    () => (shown && pathRun?.ok && tab === 'paths' ? pathNodeIds(shown, pathRun.result).join('\n') : ''),
    [shown, pathRun, tab],
  );
  // Same ids, same array: a new revision that leaves the path alone does not redraw it.
  const path = useMemo(() => (pathKey ? pathKey.split('\n') : undefined), [pathKey]);
  const hiddenIds = useMemo(() => (graph ? hiddenNodeIds(graph, view.filters) : NO_IDS), [graph, view.filters]);
  const matchIds = useMemo(() => new Set(matches), [matches]);
  const highlightIds = ruleHighlight ?? matchIds;
  const nodesById = useMemo(() => new Map((graph?.nodes ?? []).map((n) => [n.id, n])), [graph]);
  const selected = view.selectedId ? (nodesById.get(view.selectedId) ?? null) : null;

  return (
    <div className="flex h-dvh flex-col">
      <Header snapshot={shown} status={status} lastChange={lastChange} />
      {timeline}
      <div className="flex flex-wrap items-center gap-3 border-b border-slate-300 px-4 py-2 dark:border-slate-700">
        {graph && <SearchBox graph={graph} onSelect={select} onMatches={setMatches} />}
        {shown && <Filters networks={shown.docker?.networks ?? []} value={view.filters} onChange={setFilters} />}
        {graph && hiddenIds.size > 0 && (
          <span className="text-xs text-slate-500 dark:text-slate-400">
            {hiddenIds.size} of {graph.nodes.length} nodes hidden
          </span>
        )}
        {stale && status === 'docker-unreachable' && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-300">
            Docker is unreachable: showing the last graph, collected {shown?.host.collectedAt}.
          </p>
        )}
      </div>
      <div className="flex min-h-0 flex-1">
        <main className="relative min-w-0 flex-1">
          {graph && layout ? (
            <TopologyGraph
              graph={graph}
              layout={layout}
              selectedId={view.selectedId}
              onSelect={select}
              hoveredId={hoveredId}
              onHover={setHoveredId}
              highlightIds={highlightIds}
              hiddenIds={hiddenIds}
              path={path}
            />
          ) : (
            <Placeholder status={status} />
          )}
        </main>
        <aside
          aria-label="Sidebar"
          className={`${WIDE_TABS.includes(tab) ? 'w-[34rem]' : 'w-96'} shrink-0 overflow-y-auto border-l border-slate-300 bg-white dark:border-slate-700 dark:bg-slate-900`}
        >
          <SidebarTabs tabs={tabs} value={tab} onChange={setTab}>
            {tab === 'history' ? (
              historyPanel
            ) : tab === 'paths' ? (
              shown ? (
                <PathsPanel snapshot={shown} node={selected} query={pathQuery} run={pathRun} onQuery={setPathQuery} onFocusRule={openRule} />
              ) : (
                <div data-testid="paths-panel" className="p-4 text-sm text-slate-500 dark:text-slate-400">
                  Nothing to show yet.
                </div>
              )
            ) : tab === 'firewall' ? (
              shown ? (
                <FirewallPanel
                  snapshot={shown}
                  previous={previous}
                  node={selected}
                  onSelect={select}
                  onHighlight={setRuleHighlight}
                  focusRule={focusRule}
                />
              ) : (
                <div data-testid="firewall-panel" className="p-4 text-sm text-slate-500 dark:text-slate-400">
                  Nothing to show yet.
                </div>
              )
            ) : shown && graph ? (
              <DetailsPanel snapshot={shown} graph={graph} node={selected} onSelect={select} />
            ) : (
              <div data-testid="details-panel" className="p-4 text-sm text-slate-500 dark:text-slate-400">
                Nothing to show yet.
              </div>
            )}
            {view.selectedId && graph && !selected && (
              <p className="px-4 pb-4 text-sm text-slate-500 italic dark:text-slate-400">
                The selected item ({view.selectedId}) is not in the current snapshot.
              </p>
            )}
          </SidebarTabs>
        </aside>
      </div>
    </div>
  );
}

function Placeholder({ status }: { status: LiveStatus }) {
  const message =
    status === 'docker-unreachable'
      ? 'Docker is unreachable and no snapshot has been received yet.'
      : status === 'reconnecting'
        ? 'Connection lost; reconnecting to the netatlas server…'
        : 'Waiting for the first snapshot of this host…';
  return (
    <div className="flex h-full items-center justify-center p-8" data-testid="placeholder">
      <p className="max-w-md text-center text-slate-600 dark:text-slate-400">{message}</p>
    </div>
  );
}
