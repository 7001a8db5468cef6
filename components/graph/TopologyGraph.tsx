'use client';

import { memo, useCallback, useEffect, useId, useMemo, useRef, type FocusEvent, type KeyboardEvent, type SyntheticEvent } from 'react';
import type { Box, Graph, GraphNode, Layout, NodeKind } from '@/lib/topology/types';
import { EdgeView } from './EdgeView';
import { Legend } from './Legend';
import { adjacency, neighbourhood } from './neighbourhood';
import { NodeView } from './NodeView';
import { iconCentre, isIconKind } from './shapes';
import { boundsOf, usePanZoom } from './usePanZoom';
import { ZoomControls } from './ZoomControls';

export interface TopologyGraphProps {
  graph: Graph;
  layout: Layout;
  selectedId: string | null;
  onSelect: (id: string | null) => void;
  hoveredId: string | null;
  onHover: (id: string | null) => void;
  /** Extra emphasis from outside (e.g. search matches). */
  highlightIds?: Set<string>;
  /** Filtered-out nodes; edges touching them are not drawn either. */
  hiddenIds?: Set<string>;
  /**
   * A packet's path: node ids in the order it visits them. Drawn as an overlay through the nodes' centres
   * (numbered, with arrows), and the nodes on it are marked. Ids not drawn (unknown, filtered out) are skipped.
   */
  path?: string[];
  /** The node the path is aimed at (shown with it even when the packet never gets there). */
  pathTarget?: string | null;
}

const PAN_STEP = 80;

/** The id of the node an event happened on, found through the nearest `data-node-id` ancestor. */
function nodeIdOf(e: SyntheticEvent): string | null {
  const el = e.target instanceof Element ? e.target.closest('[data-node-id]') : null;
  return el?.getAttribute('data-node-id') ?? null;
}

/** Where edges attach: the icon for small kinds (their label sits beside it), the box centre otherwise. */
function anchor(kind: NodeKind, b: Box): [number, number] {
  if (isIconKind(kind)) {
    const { cx, cy } = iconCentre(b);
    return [cx, cy];
  }
  return [b.x + b.w / 2, b.y + b.h / 2];
}

export const TopologyGraph = memo(function TopologyGraph(props: TopologyGraphProps) {
  const { graph, layout, selectedId, onSelect, hoveredId, onHover, highlightIds, hiddenIds, path, pathTarget } = props;
  const svgRef = useRef<SVGSVGElement>(null);
  const gRef = useRef<SVGGElement>(null);
  const { zoomBy, fit, reveal, panBy, interacting } = usePanZoom(svgRef, gRef);

  const visible = useMemo(() => {
    const nodes = graph.nodes.filter((n) => !hiddenIds?.has(n.id) && layout.has(n.id));
    const area = (n: GraphNode) => layout.get(n.id)!.w * layout.get(n.id)!.h;
    // Boxes first and largest first, so nested boxes, edges and nodes are painted over the box around them.
    const boxes = nodes.filter((n) => n.kind === 'namespace').sort((a, b) => area(b) - area(a));
    return { boxes, others: nodes.filter((n) => n.kind !== 'namespace'), byId: new Map(nodes.map((n) => [n.id, n])) };
  }, [graph, layout, hiddenIds]);

  const edges = useMemo(() => graph.edges.filter((e) => visible.byId.has(e.source) && visible.byId.has(e.target)), [graph, visible]);
  const adj = useMemo(() => adjacency(graph), [graph]);
  const hover = useMemo(() => (hoveredId && visible.byId.has(hoveredId) ? neighbourhood(adj, hoveredId, (id) => visible.byId.get(id)?.kind) : null), [adj, hoveredId, visible]);

  const pathIds = useMemo(() => new Set(path ?? []), [path]);
  const pathPoints = useMemo(
    () =>
      (path ?? []).flatMap((id) => {
        const n = visible.byId.get(id);
        return n ? [anchor(n.kind, layout.get(id)!)] : [];
      }),
    [path, visible, layout],
  );
  // Bring a new path into view, every hop and the node it is aimed at (even when dropped before it): pan, and zoom
  // out when it does not fit at the current scale.
  const pathKey = [...(path ?? []), ...(path && pathTarget ? [pathTarget] : [])].join(' ');
  useEffect(() => {
    if (!pathKey) return;
    const b = boundsOf(pathKey.split(' ').flatMap((id) => (visible.byId.has(id) ? [layout.get(id)!] : [])));
    if (b) reveal(b, { zoomOut: true });
    // Only when the path itself changes, not on every revision's new layout object.
  }, [pathKey, reveal]);

  const fitAll = useCallback(
    (opts?: { minScale?: number }): boolean => {
      const b = boundsOf([...visible.byId.keys()].map((id) => layout.get(id)!));
      return b !== null && fit(b, opts);
    },
    [visible, layout, fit],
  );

  // Fit once, when there is first something to show; afterwards bring a newly selected node into view (search, links).
  const fitted = useRef(false);
  const revealed = useRef<string | null>(null);
  useEffect(() => {
    if (!fitted.current) {
      // The first view stays readable: on a wide host it starts at the uplink end rather than shrinking to specks.
      fitted.current = fitAll({ minScale: 0.75 });
      revealed.current = selectedId;
      return;
    }
    if (selectedId === revealed.current) return;
    revealed.current = selectedId;
    const b = selectedId && visible.byId.has(selectedId) ? layout.get(selectedId) : undefined;
    if (b) reveal(b);
  }, [selectedId, visible, layout, fitAll, reveal]);

  const setHover = (id: string | null) => {
    if (id !== hoveredId) onHover(id);
  };

  const onKeyDown = (e: KeyboardEvent<SVGSVGElement>) => {
    const id = nodeIdOf(e);
    if (id && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault(); // Space would scroll the page
      onSelect(id);
    } else if (e.key === 'Escape') {
      onSelect(null);
    } else if (e.target === e.currentTarget) {
      // Keyboard pan/zoom when the canvas itself has focus.
      const pan: Record<string, [number, number]> = { ArrowLeft: [PAN_STEP, 0], ArrowRight: [-PAN_STEP, 0], ArrowUp: [0, PAN_STEP], ArrowDown: [0, -PAN_STEP] };
      if (pan[e.key]) panBy(...pan[e.key]);
      else if (e.key === '+' || e.key === '=') zoomBy(1.4);
      else if (e.key === '-') zoomBy(1 / 1.4);
      else if (e.key === '0') fitAll();
      else return;
      e.preventDefault();
    }
  };

  // Keyboard focus shows the neighbourhood like hover does; focus from a mouse click is left to the pointer.
  const onFocus = (e: FocusEvent<SVGSVGElement>) => {
    if (e.target instanceof Element && e.target.matches(':focus-visible')) setHover(nodeIdOf(e));
  };

  const nodeView = (n: GraphNode) => {
    const b = layout.get(n.id)!;
    return (
      <NodeView
        key={n.id}
        id={n.id}
        kind={n.kind}
        label={n.label}
        detail={n.detail}
        parent={n.parent}
        dimmed={n.dimmed}
        x={b.x}
        y={b.y}
        w={b.w}
        h={b.h}
        selected={n.id === selectedId}
        highlighted={highlightIds?.has(n.id) ?? false}
        onPath={pathIds.has(n.id)}
        lit={hover?.lit.has(n.id) ?? false}
      />
    );
  };

  return (
    <div className="relative h-full w-full overflow-hidden" data-testid="graph">
      <svg
        ref={svgRef}
        data-testid="topology"
        tabIndex={0}
        aria-label="Network graph. Arrow keys pan, + and − zoom, 0 fits; Tab moves through nodes."
        className="block h-full w-full touch-none bg-slate-50 outline-none select-none focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-sky-500 dark:bg-slate-950"
        onClick={(e) => onSelect(nodeIdOf(e))}
        onKeyDown={onKeyDown}
        onPointerOver={(e) => {
          if (!interacting.current) setHover(nodeIdOf(e));
        }}
        onPointerLeave={() => setHover(null)}
        onFocus={onFocus}
        onBlur={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget)) setHover(null);
        }}
      >
        {/* The transform of this <g> belongs to d3-zoom: React must never render a transform prop here. */}
        <g ref={gRef} data-hovering={hover ? '' : undefined}>
          <g>{visible.boxes.map(nodeView)}</g>
          <g className="pointer-events-none">
            {edges.map((e) => {
              const s = visible.byId.get(e.source)!;
              const t = visible.byId.get(e.target)!;
              const [x1, y1] = anchor(s.kind, layout.get(s.id)!);
              const [x2, y2] = anchor(t.kind, layout.get(t.id)!);
              const lit = hover !== null && hover.lit.has(s.id) && hover.lit.has(t.id) && (hover.core.has(s.id) || hover.core.has(t.id));
              return <EdgeView key={e.id} id={e.id} kind={e.kind} x1={x1} y1={y1} x2={x2} y2={y2} dimmed={s.dimmed || t.dimmed} lit={lit} />;
            })}
          </g>
          <g>{visible.others.map(nodeView)}</g>
          {pathPoints.length > 0 && <PathOverlay points={pathPoints} ids={path ?? []} />}
        </g>
      </svg>
      {visible.byId.size === 0 && (
        <p className="pointer-events-none absolute inset-0 flex items-center justify-center text-sm text-slate-500 dark:text-slate-400">
          Nothing to show: every node is filtered out.
        </p>
      )}
      <div className="absolute top-3 right-3">
        <ZoomControls onZoomIn={() => zoomBy(1.4)} onZoomOut={() => zoomBy(1 / 1.4)} onFit={() => void fitAll()} />
      </div>
      <div className="absolute bottom-3 left-3 max-w-[calc(100%-1.5rem)]">
        <Legend />
      </div>
    </div>
  );
});

/**
 * The packet's path over the graph: a line through the visited nodes' centres with an arrow halfway along each
 * leg, and a numbered dot on each node. Never takes the pointer (clicks go to the nodes underneath).
 */
const PathOverlay = memo(function PathOverlay({ points, ids }: { points: [number, number][]; ids: string[] }) {
  // useId gives characters a url(#…) reference may not carry.
  const marker = `path-arrow-${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;
  // Midpoints are vertices too, so marker-mid puts an arrow in the middle of every leg (the dots hide the others).
  const line: string[] = [];
  points.forEach(([x, y], i) => {
    if (i > 0) {
      const [px, py] = points[i - 1];
      line.push(`${(px + x) / 2},${(py + y) / 2}`);
    }
    line.push(`${x},${y}`);
  });
  return (
    <g data-testid="path-overlay" data-path={ids.join(' ')} aria-hidden="true" className="pointer-events-none" style={{ pointerEvents: 'none' }}>
      <defs>
        <marker id={marker} viewBox="0 0 10 10" refX="5" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto">
          <path d="M0,0 L10,5 L0,10 z" className="fill-fuchsia-600 dark:fill-fuchsia-400" />
        </marker>
      </defs>
      {points.length > 1 && (
        <polyline
          points={line.join(' ')}
          fill="none"
          strokeWidth={3}
          strokeLinejoin="round"
          strokeLinecap="round"
          markerMid={`url(#${marker})`}
          className="stroke-fuchsia-600/80 dark:stroke-fuchsia-400/80"
        />
      )}
      {points.map(([x, y], i) => (
        <g key={i} data-testid="path-overlay-stop">
          <circle cx={x} cy={y} r={7} className="fill-fuchsia-600 stroke-white dark:fill-fuchsia-500 dark:stroke-slate-900" strokeWidth={1.5} />
          <text x={x} y={y + 3} textAnchor="middle" className="fill-white text-[9px] font-semibold select-none">
            {i + 1}
          </text>
        </g>
      ))}
    </g>
  );
});
