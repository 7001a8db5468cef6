'use client';

import { useCallback, useDeferredValue, useEffect, useMemo, useState, type ReactNode } from 'react';
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
import { findingsByNode, findingsOf } from '@/lib/findings';
import type { FindingLevel } from '@/lib/findings/types';
import { ProjectToggles } from './controls/ProjectToggles';
import { DetailsPanel } from './panels/DetailsPanel';
import { FindingsPanel } from './panels/FindingsPanel';
import { FirewallPanel } from './panels/FirewallPanel';
import type { FocusRule } from './panels/firewall/focus';
import { PathsPanel } from './panels/PathsPanel';
import { ReachabilityMatrix } from './panels/ReachabilityMatrix';
import { pathNodeIds, targetNodeId } from './panels/paths/path-nodes';
import { runTrace } from './panels/paths/run';
import { FileBanner, ShareBar, type ShareProps } from './share/ShareBar';

export interface DashboardProps {
  snapshot: Snapshot | null;
  status: LiveStatus;
  /** ISO time of the last change seen on the host. */
  lastChange: string | null;
  /** Export, Open file… and the file being viewed; absent where the page offers none of them. */
  share?: ShareProps;
  /** The snapshot is the host as it was (time travel): no live rates against the revision shown before it. */
  past?: boolean;
  /** Under the header: the time-travel bar. */
  timeline?: ReactNode;
  /** The History tab's content; without it there is no History tab. */
  historyPanel?: ReactNode;
  /** Changes only when the snapshot's structure does (see useTopology); without it every snapshot is new. */
  structureKey?: string;
  /** In the header: the host picker (`serve --hub`). */
  hostPicker?: ReactNode;
}

const NO_IDS = new Set<string>();
const TABS: { id: SidebarTab; label: string }[] = [
  { id: 'details', label: 'Details' },
  { id: 'firewall', label: 'Firewall' },
  { id: 'paths', label: 'Paths' },
  { id: 'findings', label: 'Findings' },
  { id: 'reach', label: 'Reach' },
];
const TABS_WITH_HISTORY = [...TABS, { id: 'history' as const, label: 'History' }];
const LEVEL_RANK: Record<FindingLevel, number> = { error: 0, warning: 1, info: 2 };
const WIDE_TABS: readonly SidebarTab[] = ['firewall', 'paths', 'findings', 'history'];

/** The page body: header, toolbar (search, filters), the graph, and the details sidebar. */
export function Dashboard({ snapshot, status, lastChange, share, past = false, timeline, historyPanel, structureKey, hostPicker }: DashboardProps) {
  const { shown, stale } = useShownSnapshot(snapshot, status);
  const before = usePreviousRevision(shown);
  // Rates need two revisions of one host: a file, or a past snapshot, and whatever was on screen before it are not
  // that (totals only).
  const previous = past || status === 'file' ? null : before;
  const [view, setView] = useViewState();
  // The key holds only while the live snapshot is on screen (not the kept one of a Docker outage).
  const { graph, layout, projects, expanded, toggleProject } = useTopology(shown, view.selectedId, shown === snapshot ? structureKey : undefined);
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
  // Not needed for the first picture: the server renders none, the page draws the graph first and the findings
  // (badges, the tab's count) follow in a deferred render of their own.
  const findingsOfShown = useDeferredValue(shown, null);
  const findings = useMemo(() => (findingsOfShown ? findingsOf(findingsOfShown) : null), [findingsOfShown]);
  // The most serious finding per node: one badge each.
  const badges = useMemo(() => {
    const out = new Map<string, FindingLevel>();
    for (const [id, fs] of findingsByNode(findings?.findings ?? [])) out.set(id, fs.reduce((a, f) => (LEVEL_RANK[f.level] < LEVEL_RANK[a] ? f.level : a), fs[0].level));
    return out;
  }, [findings]);
  const tabs = useMemo(
    () =>
      (historyPanel ? TABS_WITH_HISTORY : TABS).map((t) =>
        t.id === 'findings' && findings?.findings.length ? { ...t, label: `Findings (${findings.findings.length})` } : t,
      ),
    [findings, historyPanel],
  );
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
  // A matrix cell's path: asked under the current selection, so it shows whatever is selected.
  const openPath = useCallback(
    (query: TraceQuery) => {
      setPathAsked({ sel: view.selectedId, query });
      setView({ tab: 'paths' });
    },
    [view.selectedId, setView],
  );
  const pathQuery = pathAsked && pathAsked.sel === view.selectedId ? pathAsked.query : null;
  const pathRun = useMemo(() => (shown && pathQuery ? runTrace(shown, pathQuery) : null), [shown, pathQuery]);
  const pathKey = useMemo(
    () => (shown && pathRun?.ok && tab === 'paths' ? pathNodeIds(shown, pathRun.result).join('\n') : ''),
    [shown, pathRun, tab],
  );
  const pathTarget = useMemo(() => (shown && pathKey && pathRun?.ok ? targetNodeId(shown, pathRun.result.query) : null), [shown, pathKey, pathRun]);
  // Same ids, same array: a new revision that leaves the path alone does not redraw it.
  const path = useMemo(() => (pathKey ? pathKey.split('\n') : undefined), [pathKey]);
  const hiddenIds = useMemo(() => (graph ? hiddenNodeIds(graph, view.filters) : NO_IDS), [graph, view.filters]);
  const matchIds = useMemo(() => new Set(matches), [matches]);
  const highlightIds = ruleHighlight ?? matchIds;
  const nodesById = useMemo(() => new Map((graph?.nodes ?? []).map((n) => [n.id, n])), [graph]);
  // A folded compose project unfolds on click rather than being selected.
  const onGraphSelect = useCallback(
    (id: string | null) => {
      const ref = id ? nodesById.get(id)?.ref : undefined;
      if (ref?.type === 'project') toggleProject(ref.name);
      else select(id);
    },
    [nodesById, toggleProject, select],
  );
  const selected = view.selectedId ? (nodesById.get(view.selectedId) ?? null) : null;

  return (
    <div className="flex h-dvh flex-col">
      <Header snapshot={shown} status={status} lastChange={lastChange} picker={hostPicker} />
      {share?.opened && <FileBanner opened={share.opened} onClose={share.onClose} />}
      {timeline}
      <div className="flex flex-wrap items-center gap-3 border-b border-slate-300 px-4 py-2 dark:border-slate-700">
        {graph && <SearchBox graph={graph} onSelect={select} onMatches={setMatches} />}
        {shown && <Filters networks={shown.docker?.networks ?? []} value={view.filters} onChange={setFilters} />}
        {projects.length > 0 && <ProjectToggles projects={projects} expanded={expanded} onToggle={toggleProject} />}
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
        {shown && share && (
          <div className="ml-auto">
            <ShareBar snapshot={shown} share={share} />
          </div>
        )}
      </div>
      <div className="flex min-h-0 flex-1">
        <main className="relative min-w-0 flex-1">
          {graph && layout ? (
            <TopologyGraph
              graph={graph}
              layout={layout}
              selectedId={view.selectedId}
              onSelect={onGraphSelect}
              hoveredId={hoveredId}
              onHover={setHoveredId}
              highlightIds={highlightIds}
              hiddenIds={hiddenIds}
              path={path}
              badges={badges}
              pathTarget={pathTarget}
            />
          ) : (
            <Placeholder status={status} />
          )}
        </main>
        <aside
          aria-label="Sidebar"
          className={`${tab === 'reach' ? 'w-[46rem]' : WIDE_TABS.includes(tab) ? 'w-[34rem]' : 'w-96'} shrink-0 overflow-y-auto border-l border-slate-300 bg-white dark:border-slate-700 dark:bg-slate-900`}
        >
          <SidebarTabs tabs={tabs} value={tab} onChange={setTab}>
            {tab === 'history' ? (
              historyPanel
            ) : tab === 'reach' && shown ? (
              <ReachabilityMatrix snapshot={shown} onOpenPath={openPath} />
            ) : tab === 'findings' ? (
              findings ? (
                <FindingsPanel report={findings} graph={graph} onSelect={select} />
              ) : (
                <div data-testid="findings-panel" className="p-4 text-sm text-slate-500 dark:text-slate-400">
                  Nothing to show yet.
                </div>
              )
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
      : status === 'file'
        ? 'Reading the snapshot…'
        : status === 'reconnecting'
        ? 'Connection lost; reconnecting to the netatlas server…'
        : 'Waiting for the first snapshot of this host…';
  return (
    <div className="flex h-full items-center justify-center p-8" data-testid="placeholder">
      <p className="max-w-md text-center text-slate-600 dark:text-slate-400">{message}</p>
    </div>
  );
}
