'use client';

import { useEffect, useRef } from 'react';
import type { EdgeKind, NodeKind } from '@/lib/topology/types';
import { Shape } from './shapes';
import { DIMMED_COLOURS, EDGE_NAMES, EDGE_STYLES, KIND_NAMES, NODE_COLOURS } from './styles';

const NODE_KINDS: NodeKind[] = ['uplink', 'bridge', 'veth', 'interface', 'namespace', 'container', 'port', 'proxy', 'project'];
const EDGE_KINDS: EdgeKind[] = ['uplink', 'veth', 'bridge-port', 'parent', 'port-map', 'proxy'];

/** Swatch boxes per kind: wide kinds get a wide swatch so the legend looks like the graph. */
const SWATCH: Record<NodeKind, { w: number; h: number }> = {
  uplink: { w: 26, h: 14 },
  bridge: { w: 28, h: 8 },
  veth: { w: 12, h: 12 },
  interface: { w: 12, h: 12 },
  namespace: { w: 26, h: 16 },
  container: { w: 24, h: 14 },
  port: { w: 24, h: 12 },
  proxy: { w: 12, h: 12 },
  project: { w: 26, h: 16 },
};

/** Whether the legend is folded, kept across visits. */
const FOLDED_KEY = 'netatlas.legend.folded';

/**
 * What each shape, colour and line style means; a disclosure over the graph, folded until opened (so it covers no
 * nodes by default), which remembers being opened or folded.
 */
export function Legend() {
  const ref = useRef<HTMLDetailsElement>(null);
  // Applied after hydration (the server cannot know); the toggle handler then records every change.
  useEffect(() => {
    if (ref.current && !readFolded()) ref.current.open = true;
  }, []);
  const onToggle = () => {
    try {
      localStorage.setItem(FOLDED_KEY, ref.current?.open ? '0' : '1');
    } catch {
      // Storage may be disabled (private mode, quota): the legend still folds, it just forgets.
    }
  };
  return (
    <details ref={ref} onToggle={onToggle} className="rounded-md border border-slate-300 bg-white/90 text-xs shadow-sm backdrop-blur dark:border-slate-600 dark:bg-slate-900/90" data-testid="legend">
      <summary className="cursor-pointer rounded-md px-2 py-1 font-semibold select-none focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none">Legend</summary>
      <ul className="grid grid-cols-2 gap-x-4 gap-y-1 px-2 pb-2">
        {NODE_KINDS.map((k) => (
          <li key={k} className="flex items-center gap-2">
            <Swatch w={30} h={18}>
              <Shape kind={k} box={{ x: 15 - SWATCH[k].w / 2, y: 9 - SWATCH[k].h / 2, ...SWATCH[k] }} className={NODE_COLOURS[k]} />
            </Swatch>
            {KIND_NAMES[k]}
          </li>
        ))}
        <li className="flex items-center gap-2">
          <Swatch w={30} h={18}>
            <rect x={3} y={3} width={24} height={12} rx={4} className={DIMMED_COLOURS} strokeWidth={1.5} />
          </Swatch>
          down / stopped / empty
        </li>
        {EDGE_KINDS.map((k) => (
          <li key={k} className="flex items-center gap-2">
            <Swatch w={30} h={18}>
              <line x1={2} y1={9} x2={28} y2={9} className={EDGE_STYLES[k].className} strokeWidth={EDGE_STYLES[k].width} strokeDasharray={EDGE_STYLES[k].dash} strokeLinecap={k === 'proxy' ? 'round' : 'butt'} />
            </Swatch>
            {EDGE_NAMES[k]}
          </li>
        ))}
      </ul>
    </details>
  );
}

function Swatch({ w, h, children }: { w: number; h: number; children: React.ReactNode }) {
  return (
    <svg width={w} height={h} viewBox={`0 0 ${w} ${h}`} aria-hidden="true" className="shrink-0">
      {children}
    </svg>
  );
}

function readFolded(): boolean {
  try {
    return localStorage.getItem(FOLDED_KEY) !== '0';
  } catch {
    return true;
  }
}
