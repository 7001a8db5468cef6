'use client';

import { memo, useId, useMemo, type ReactNode } from 'react';
import { boundsOf } from '@/lib/topology/fit';
import type { FindingLevel } from '@/lib/findings/types';
import type { Box, Graph, GraphEdge, GraphNode, Layout, NodeKind } from '@/lib/topology/types';
import { EdgeView } from './EdgeView';
import { NodeView } from './NodeView';
import { iconCentre, isIconKind } from './shapes';

/**
 * What the graph draws, without the interaction around it: namespace boxes, edges, the other nodes and the packet
 * path, in painting order. TopologyGraph puts it under its pan/zoom <g>; a static SVG export renders it as is.
 */

export interface VisibleNodes {
  boxes: GraphNode[];
  others: GraphNode[];
  byId: Map<string, GraphNode>;
}

export function visibleNodes(graph: Graph, layout: Layout, hiddenIds?: Set<string>): VisibleNodes {
  const nodes = graph.nodes.filter((n) => !hiddenIds?.has(n.id) && layout.has(n.id));
  const area = (n: GraphNode) => layout.get(n.id)!.w * layout.get(n.id)!.h;
  // Boxes first and largest first, so nested boxes, edges and nodes are painted over the box around them.
  const boxes = nodes.filter((n) => n.kind === 'namespace').sort((a, b) => area(b) - area(a));
  return { boxes, others: nodes.filter((n) => n.kind !== 'namespace'), byId: new Map(nodes.map((n) => [n.id, n])) };
}

/** Where edges attach: the icon for small kinds (their label sits beside it), the box centre otherwise. */
export function anchor(kind: NodeKind, b: Box): [number, number] {
  if (isIconKind(kind)) {
    const { cx, cy } = iconCentre(b);
    return [cx, cy];
  }
  return [b.x + b.w / 2, b.y + b.h / 2];
}

type Hover = { lit: Set<string>; core: Set<string> };

export interface GraphLayersProps {
  graph: Graph;
  layout: Layout;
  visible: VisibleNodes;
  selectedId: string | null;
  highlightIds?: Set<string>;
  path?: string[];
  /** The hovered node's neighbourhood: `lit` nodes stay bright, edges between them with one end in `core` too. */
  hover: Hover | null;
  /** The most serious finding per node id, drawn as a badge. */
  badges?: Map<string, FindingLevel>;
}

export function GraphLayers({ graph, layout, visible, selectedId, highlightIds, path, hover, badges }: GraphLayersProps) {
  const edges = useMemo(() => graph.edges.filter((e) => visible.byId.has(e.source) && visible.byId.has(e.target)), [graph, visible]);
  const bounds = useMemo(() => boundsOf([...visible.byId.keys()].map((id) => layout.get(id)!)), [visible, layout]);
  const pathIds = useMemo(() => new Set(path ?? []), [path]);
  const pathPoints = useMemo(
    () =>
      (path ?? []).flatMap((id) => {
        const n = visible.byId.get(id);
        return n ? [anchor(n.kind, layout.get(id)!)] : [];
      }),
    [path, visible, layout],
  );

  const nodeView = (n: GraphNode, echo = false) => {
    const b = layout.get(n.id)!;
    return (
      <NodeView
        key={n.id}
        echo={echo}
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
        badge={badges?.get(n.id) ?? null}
      />
    );
  };

  const edgeView = (e: GraphEdge, echo = false) => {
    const s = visible.byId.get(e.source)!;
    const t = visible.byId.get(e.target)!;
    const [x1, y1] = anchor(s.kind, layout.get(s.id)!);
    const [x2, y2] = anchor(t.kind, layout.get(t.id)!);
    return <EdgeView key={e.id} id={e.id} kind={e.kind} x1={x1} y1={y1} x2={x2} y2={y2} dimmed={s.dimmed || t.dimmed} echo={echo} />;
  };

  return (
    <>
      <g>{visible.boxes.map((n) => nodeView(n))}</g>
      <g className="pointer-events-none">{edges.map((e) => edgeView(e))}</g>
      <g>{visible.others.map((n) => nodeView(n))}</g>
      {hover && bounds && (
        <HoverVeil bounds={bounds}>
          {visible.boxes.filter((n) => hover.lit.has(n.id)).map((n) => nodeView(n, true))}
          {edges.filter((e) => litEdge(hover, e)).map((e) => edgeView(e, true))}
          {visible.others.filter((n) => hover.lit.has(n.id)).map((n) => nodeView(n, true))}
        </HoverVeil>
      )}
      {pathPoints.length > 0 && <PathOverlay points={pathPoints} ids={path ?? []} />}
    </>
  );
}

/** An edge stays lit when both ends are lit and one of them is the hovered node (or its box's contents). */
const litEdge = (hover: Hover, e: GraphEdge) => hover.lit.has(e.source) && hover.lit.has(e.target) && (hover.core.has(e.source) || hover.core.has(e.target));

/**
 * Hovering fades everything outside the neighbourhood: a veil in the canvas colour over the whole graph, and the
 * lit nodes and edges drawn again on top of it. Fading each node instead (an opacity per element) restyles
 * thousands of elements per hover and turns every node into a compositor layer of its own.
 */
function HoverVeil({ bounds: b, children }: { bounds: Box; children: ReactNode }) {
  const pad = 40;
  return (
    <g data-hover-veil="" aria-hidden="true" className="pointer-events-none">
      <rect x={b.x - pad} y={b.y - pad} width={b.w + 2 * pad} height={b.h + 2 * pad} className="fill-slate-50/80 dark:fill-slate-950/80" />
      {children}
    </g>
  );
}

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
