'use client';

import { memo, useCallback, useEffect, useMemo, useRef, type FocusEvent, type KeyboardEvent, type SyntheticEvent } from 'react';
import type { Graph, Layout } from '@/lib/topology/types';
import { GraphLayers, visibleNodes } from './GraphLayers';
import { Legend } from './Legend';
import { adjacency, neighbourhood } from './neighbourhood';
import type { FindingLevel } from '@/lib/findings/types';
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
  /** The most serious finding per node id, drawn as a badge. */
  badges?: Map<string, FindingLevel>;
  /** The node the path is aimed at (shown with it even when the packet never gets there). */
  pathTarget?: string | null;
}

const PAN_STEP = 80;

/** The id of the node an event happened on, found through the nearest `data-node-id` ancestor. */
function nodeIdOf(e: SyntheticEvent): string | null {
  const el = e.target instanceof Element ? e.target.closest('[data-node-id]') : null;
  return el?.getAttribute('data-node-id') ?? null;
}

export const TopologyGraph = memo(function TopologyGraph(props: TopologyGraphProps) {
  const { graph, layout, selectedId, onSelect, hoveredId, onHover, highlightIds, hiddenIds, path, pathTarget, badges } = props;
  const surfaceRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const gRef = useRef<SVGGElement>(null);
  const { zoomBy, fit, reveal, panBy, interacting } = usePanZoom(surfaceRef, svgRef, gRef);

  const visible = useMemo(() => visibleNodes(graph, layout, hiddenIds), [graph, layout, hiddenIds]);
  const adj = useMemo(() => adjacency(graph), [graph]);
  const hover = useMemo(() => (hoveredId && visible.byId.has(hoveredId) ? neighbourhood(adj, hoveredId, (id) => visible.byId.get(id)?.kind) : null), [adj, hoveredId, visible]);

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

  return (
    <div className="relative h-full w-full overflow-hidden" data-testid="graph">
      {/* The surface takes pan and zoom and never moves; the <svg> inside is the layer that moves (usePanZoom). */}
      <div ref={surfaceRef} className="absolute inset-0 touch-none bg-slate-50 select-none dark:bg-slate-950">
        <svg
          ref={svgRef}
          data-testid="topology"
          tabIndex={0}
          aria-label="Network graph. Arrow keys pan, + and − zoom, 0 fits; Tab moves through nodes."
          className="absolute inset-0 block h-full w-full origin-top-left overflow-visible bg-slate-50 outline-none will-change-transform focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-sky-500 dark:bg-slate-950"
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
          <g ref={gRef}>
            <GraphLayers graph={graph} layout={layout} visible={visible} selectedId={selectedId} highlightIds={highlightIds} path={path} hover={hover} badges={badges} />
          </g>
        </svg>
      </div>
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
