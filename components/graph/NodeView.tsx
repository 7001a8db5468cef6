'use client';

import { memo } from 'react';
import { metrics } from '@/lib/topology/layout';
import { cutName, FONTS } from '@/lib/topology/labels';
import type { FindingLevel } from '@/lib/findings/types';
import type { NodeKind } from '@/lib/topology/types';
import { fit, ICON, iconCentre, isIconKind, Shape } from './shapes';
import { DIMMED_BOX_COLOURS, DIMMED_COLOURS, HIDE_WHEN_FARTHEST, HIDE_WHEN_MID, HIDE_WHEN_NEAR, KIND_NAMES, NODE_COLOURS } from './styles';

export interface NodeViewProps {
  id: string;
  kind: NodeKind;
  label: string;
  detail: string | null;
  /** The namespace box it sits in, exposed for tests and tools (data-parent). */
  parent: string | null;
  dimmed: boolean;
  x: number;
  y: number;
  w: number;
  h: number;
  selected: boolean;
  highlighted: boolean;
  /** On the packet path drawn over the graph. */
  onPath?: boolean;
  /**
   * Drawn a second time, above the hover veil (GraphLayers): the same picture without identity — no data attributes,
   * focus, role or name — so queries, clicks and assistive tech only ever meet the node underneath.
   */
  echo?: boolean;
  /** The most serious finding about this node (lib/findings), drawn as a badge at its top right. */
  badge?: FindingLevel | null;
}

const BADGE_COLOURS: Record<FindingLevel, string> = {
  error: 'fill-red-600 stroke-white dark:stroke-slate-900',
  warning: 'fill-amber-500 stroke-white dark:stroke-slate-900',
  info: 'fill-sky-500 stroke-white dark:stroke-slate-900',
};

const TEXT = `${HIDE_WHEN_MID} pointer-events-none select-none fill-slate-800 text-[11px] dark:fill-slate-100`;
const SUBTEXT = `${HIDE_WHEN_NEAR} pointer-events-none select-none fill-slate-500 text-[9.5px] dark:fill-slate-400`;
const DIM_TEXT = `${HIDE_WHEN_MID} pointer-events-none select-none fill-slate-400 text-[11px] dark:fill-slate-500`;
/** Folded compose projects' names (FONTS.project): what a whole busy host after Fit is read by. */
const PROJ_TEXT = `${HIDE_WHEN_FARTHEST} pointer-events-none select-none fill-slate-800 dark:fill-slate-100`;
const PROJ_DIM_TEXT = `${HIDE_WHEN_FARTHEST} pointer-events-none select-none fill-slate-400 dark:fill-slate-500`;

/**
 * One node. Only primitives come in, so a new snapshot revision that leaves a node unchanged, or a hover elsewhere,
 * does not re-render it. Events are handled by the graph root (delegation via data-node-id).
 */
export const NodeView = memo(function NodeView(p: NodeViewProps) {
  const box = { x: p.x, y: p.y, w: p.w, h: p.h };
  const colours = p.dimmed ? (p.kind === 'namespace' ? DIMMED_BOX_COLOURS : DIMMED_COLOURS) : NODE_COLOURS[p.kind];
  const identity = p.echo
    ? { 'aria-hidden': true }
    : {
        'data-node-id': p.id,
        'data-kind': p.kind,
        'data-parent': p.parent ?? undefined,
        'data-dimmed': p.dimmed || undefined,
        'data-selected': p.selected || undefined,
        'data-on-path': p.onPath || undefined,
        role: 'button',
        tabIndex: 0,
        'aria-label': `${KIND_NAMES[p.kind]} ${p.label}${p.kind === 'project' && p.detail ? ` — ${p.detail}` : ''}`,
        'aria-current': p.selected || undefined,
      };
  return (
    <g {...identity} className="group cursor-pointer outline-none">
      {!p.echo && <title>{p.detail ? `${p.label}\n${p.detail}` : p.label}</title>}
      {p.onPath && (
        <rect
          x={p.x - 6}
          y={p.y - 6}
          width={p.w + 12}
          height={p.h + 12}
          rx={9}
          strokeWidth={2}
          strokeDasharray="4 3"
          className="fill-fuchsia-300/15 stroke-fuchsia-500 dark:stroke-fuchsia-400"
        />
      )}
      {(p.selected || p.highlighted) && (
        <rect
          x={p.x - 4}
          y={p.y - 4}
          width={p.w + 8}
          height={p.h + 8}
          rx={8}
          strokeWidth={p.selected ? 3 : 2}
          className={p.selected ? 'fill-amber-300/20 stroke-amber-500' : 'fill-yellow-300/30 stroke-yellow-500'}
        />
      )}
      <rect
        x={p.x - 3}
        y={p.y - 3}
        width={p.w + 6}
        height={p.h + 6}
        rx={7}
        strokeWidth={2}
        // display, not opacity: an opacity per node would give the compositor an effect layer per node.
        className="hidden fill-none stroke-sky-500 group-focus-visible:inline"
      />
      <Shape kind={p.kind} box={box} className={colours} />
      <Label {...p} />
      {p.badge && (
        <g data-finding-badge={p.badge} className="pointer-events-none">
          <circle cx={p.x + p.w - 2} cy={p.y + 2} r={6} strokeWidth={1.5} className={BADGE_COLOURS[p.badge]} />
          <text x={p.x + p.w - 2} y={p.y + 5.5} textAnchor="middle" className="fill-white text-[9px] font-bold">
            {p.badge === 'info' ? 'i' : '!'}
          </text>
        </g>
      )}
    </g>
  );
});

function Label(p: NodeViewProps) {
  const text = p.dimmed ? DIM_TEXT : TEXT;
  // Two lines (label, then detail) whenever the box is tall enough: an address or network is worth showing.
  const twoLines = p.detail !== null && p.h >= 26;
  if (p.kind === 'namespace') {
    // The title sits in the band the layout keeps free at the top of every box.
    return (
      <text x={p.x + 8} y={p.y + metrics.head / 2 + 4} className={`${text} font-semibold`}>
        {fit(p.label, p.w - 16)}
      </text>
    );
  }
  if (isIconKind(p.kind)) {
    const { cx, cy, beside } = iconCentre(p);
    const x = cx + ICON / 2 + 4;
    const width = p.w - ICON - 6;
    return beside ? (
      <>
        <text x={x} y={twoLines ? cy - 1 : cy + 4} className={text}>
          {fit(p.label, width)}
        </text>
        {twoLines && (
          <text x={x} y={cy + 9} className={SUBTEXT}>
            {fit(p.detail ?? '', width, 5.6)}
          </text>
        )}
      </>
    ) : (
      <text x={cx} y={p.y + p.h + 11} textAnchor="middle" className={text}>
        {fit(p.label, Math.max(p.w, 90))}
      </text>
    );
  }
  const cx = p.x + p.w / 2;
  const cy = p.y + p.h / 2;
  // Names operators look for first (networks, projects, containers) are the largest labels, the last to go.
  if (p.kind === 'project') {
    return (
      <>
        <text x={cx} y={p.y + FONTS.project + 2} textAnchor="middle" className={`${p.dimmed ? PROJ_DIM_TEXT : PROJ_TEXT} font-semibold`} style={{ fontSize: FONTS.project }}>
          {cutName(p.label, p.w - 10, FONTS.project)}
        </text>
        <text x={cx} y={p.y + p.h - 5} textAnchor="middle" className={TEXT}>
          {fit(p.detail ?? '', p.w - 10, 6.4)}
        </text>
      </>
    );
  }
  if (p.kind === 'bridge' || p.kind === 'uplink' || p.kind === 'container') {
    const near = p.kind === 'container' ? cy + 5 : p.y + FONTS.name + 2;
    return (
      <>
        <Name {...p} font={FONTS.name} baseline={near} className="name-near" />
        <Name {...p} font={FONTS.farName} baseline={cy + 7} className="name-far" />
        {p.kind !== 'container' && (
          <text x={cx} y={p.y + p.h - 5} textAnchor="middle" className={SUBTEXT}>
            {fit(p.detail ?? '', p.w - 10, 5.6)}
          </text>
        )}
      </>
    );
  }
  return (
    <>
      <text x={cx} y={twoLines ? cy - 1 : cy + 4} textAnchor="middle" className={`${text} font-medium`}>
        {fit(p.label, p.w - 10)}
      </text>
      {twoLines && (
        <text x={cx} y={cy + 9} textAnchor="middle" className={SUBTEXT}>
          {fit(p.detail ?? '', p.w - 10, 5.6)}
        </text>
      )}
    </>
  );
}

/**
 * A container's, network's or uplink's name, drawn twice: close up at FONTS.name, and zoomed out at FONTS.farName,
 * cut to the box (lib/topology/labels; app/globals.css shows one of the two by the <svg>'s zoom tier).
 */
function Name(p: NodeViewProps & { font: number; baseline: number; className: string }) {
  return (
    <text
      x={p.x + p.w / 2}
      y={p.baseline}
      textAnchor="middle"
      className={`${p.className} pointer-events-none select-none ${p.dimmed ? 'fill-slate-400 dark:fill-slate-500' : 'fill-slate-800 dark:fill-slate-100'} ${p.kind === 'container' ? 'font-medium' : 'font-semibold'}`}
      style={{ fontSize: p.font }}
    >
      {cutName(p.label, p.w - 10, p.font)}
    </text>
  );
}
