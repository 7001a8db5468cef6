import type { EdgeKind, NodeKind } from '@/lib/topology/types';

/** Fill/stroke classes per node kind (full literal class names so Tailwind finds them). */
export const NODE_COLOURS: Record<NodeKind, string> = {
  uplink: 'fill-emerald-100 stroke-emerald-600 dark:fill-emerald-950 dark:stroke-emerald-400',
  bridge: 'fill-sky-100 stroke-sky-600 dark:fill-sky-950 dark:stroke-sky-400',
  veth: 'fill-violet-200 stroke-violet-600 dark:fill-violet-900 dark:stroke-violet-400',
  interface: 'fill-amber-100 stroke-amber-600 dark:fill-amber-950 dark:stroke-amber-400',
  namespace: 'fill-slate-200/30 stroke-slate-400 dark:fill-slate-700/20 dark:stroke-slate-500',
  container: 'fill-white stroke-indigo-500 dark:fill-slate-900 dark:stroke-indigo-400',
  port: 'fill-rose-100 stroke-rose-600 dark:fill-rose-950 dark:stroke-rose-400',
  proxy: 'fill-orange-200 stroke-orange-600 dark:fill-orange-900 dark:stroke-orange-400',
  project: 'fill-indigo-50 stroke-indigo-500 dark:fill-indigo-950 dark:stroke-indigo-400',
};

export const DIMMED_COLOURS = 'fill-slate-100 stroke-slate-300 dark:fill-slate-800 dark:stroke-slate-600';
export const DIMMED_BOX_COLOURS = 'fill-transparent stroke-slate-300 dark:stroke-slate-700';

export const KIND_NAMES: Record<NodeKind, string> = {
  uplink: 'uplink',
  bridge: 'bridge',
  veth: 'veth end',
  interface: 'interface',
  namespace: 'namespace',
  container: 'container',
  port: 'published port',
  proxy: 'docker-proxy',
  project: 'group', // a folded compose project, or a network's containers of no project
};

export interface EdgeStyle {
  className: string;
  width: number;
  dash?: string;
}

export const EDGE_STYLES: Record<EdgeKind, EdgeStyle> = {
  veth: { className: 'stroke-violet-500 dark:stroke-violet-400', width: 1.6 },
  'bridge-port': { className: 'stroke-sky-500 dark:stroke-sky-400', width: 1 },
  'port-map': { className: 'stroke-rose-500 dark:stroke-rose-400', width: 1.4, dash: '6 4' },
  proxy: { className: 'stroke-orange-500 dark:stroke-orange-400', width: 1.4, dash: '1 4' },
  uplink: { className: 'stroke-emerald-600 dark:stroke-emerald-400', width: 4 },
  parent: { className: 'stroke-teal-500 dark:stroke-teal-400', width: 1.6, dash: '3 2' },
};

export const EDGE_NAMES: Record<EdgeKind, string> = {
  veth: 'veth pair',
  'bridge-port': 'bridge port',
  'port-map': 'port → container',
  proxy: 'port ↔ proxy',
  uplink: 'to uplink',
  parent: 'macvlan/ipvlan → parent',
};

/** Semantic zoom (lib/topology/labels: ZOOM_TIERS, set on the <svg> by usePanZoom): hidden below each tier's scale. */
export const HIDE_WHEN_FARTHEST = 'in-data-[farthest]:hidden';
export const HIDE_WHEN_MID = 'in-data-[mid]:hidden';
export const HIDE_WHEN_NEAR = 'in-data-[near]:hidden';
