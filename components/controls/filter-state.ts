import type { Graph, GraphNode } from '@/lib/topology/types';
import { shortId } from '@/lib/snapshot/names';

export interface FilterState {
  /**
   * Docker network ids (or id prefixes, as Docker itself accepts: the URL carries 12-character ones) whose nodes are
   * hidden.
   */
  hiddenNetworks: string[];
  hideLoopbacks: boolean;
  /** Hide containers in `host` or `none` network mode (tags 'host-mode', 'none-mode'). */
  hideHostAndNone: boolean;
}

/** Loopbacks are in every namespace and say little, so they start hidden; everything else starts shown. */
export const DEFAULT_FILTERS: FilterState = { hiddenNetworks: [], hideLoopbacks: true, hideHostAndNone: false };

export const isNetworkHidden = (f: FilterState, networkId: string) => f.hiddenNetworks.some((h) => h !== '' && networkId.startsWith(h));

function hiddenByOwnRule(n: GraphNode, f: FilterState): boolean {
  if (f.hideLoopbacks && n.tags.includes('loopback')) return true;
  if (f.hideHostAndNone && (n.tags.includes('host-mode') || n.tags.includes('none-mode'))) return true;
  return n.networks.length > 0 && n.networks.every((id) => isNetworkHidden(f, id));
}

/**
 * The node ids a filter state hides (pure). Beyond each node's own rule:
 * - a hidden namespace box hides everything drawn inside it (its lo and container would float otherwise);
 * - a namespace box whose children are all hidden is hidden too;
 * - a published port follows its container, and a docker-proxy is hidden once every port it serves is.
 * Edges that touch hidden nodes are left to the caller.
 */
export function hiddenNodeIds(graph: Graph, f: FilterState): Set<string> {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const hidden = new Set(graph.nodes.filter((n) => hiddenByOwnRule(n, f)).map((n) => n.id));

  const ancestorHidden = (n: GraphNode): boolean => {
    const seen = new Set<string>();
    for (let p = n.parent; p && !seen.has(p); p = byId.get(p)?.parent ?? null) {
      if (hidden.has(p)) return true;
      seen.add(p);
    }
    return false;
  };
  for (const n of graph.nodes) if (!hidden.has(n.id) && ancestorHidden(n)) hidden.add(n.id);

  const children = new Map<string, GraphNode[]>();
  for (const n of graph.nodes) {
    if (!n.parent) continue;
    const list = children.get(n.parent);
    if (list) list.push(n);
    else children.set(n.parent, [n]);
  }
  // Deepest boxes first, so a box whose only children are emptied boxes is emptied too.
  const depth = (n: GraphNode) => {
    let d = 0;
    for (let p = n.parent; p && d < 64; p = byId.get(p)?.parent ?? null) d++;
    return d;
  };
  const boxes = graph.nodes.filter((n) => children.has(n.id)).sort((a, b) => depth(b) - depth(a));
  for (const b of boxes) if (children.get(b.id)!.every((c) => hidden.has(c.id))) hidden.add(b.id);

  const containerNode = new Map<string, string>();
  for (const n of graph.nodes) if (n.ref.type === 'container') containerNode.set(n.ref.containerId, n.id);
  for (const n of graph.nodes) {
    if (n.ref.type !== 'port') continue;
    const c = containerNode.get(n.ref.containerId);
    if (c && hidden.has(c)) hidden.add(n.id);
  }

  const proxyPorts = new Map<string, string[]>();
  for (const e of graph.edges) {
    if (e.kind !== 'proxy') continue;
    const [proxy, port] = byId.get(e.source)?.kind === 'proxy' ? [e.source, e.target] : [e.target, e.source];
    proxyPorts.set(proxy, [...(proxyPorts.get(proxy) ?? []), port]);
  }
  for (const [proxy, ports] of proxyPorts) if (ports.every((p) => hidden.has(p))) hidden.add(proxy);

  return hidden;
}

/**
 * URL form: `hide=<12-char network ids>`, `lo=0|1` (loopbacks shown), `hm=0|1` (host/none-mode containers shown),
 * so `?lo=0&hm=0` hides both. Defaults are left out so plain URLs stay plain.
 */
export function filtersFromParams(p: URLSearchParams): FilterState {
  const hides = (key: string, dflt: boolean) => (p.get(key) === null ? dflt : p.get(key) === '0');
  return {
    hiddenNetworks: (p.get('hide') ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean),
    hideLoopbacks: hides('lo', DEFAULT_FILTERS.hideLoopbacks),
    hideHostAndNone: hides('hm', DEFAULT_FILTERS.hideHostAndNone),
  };
}

export function filtersToParams(f: FilterState, p: URLSearchParams): void {
  const hide = [...new Set(f.hiddenNetworks.map(shortId))].join(',');
  if (hide) p.set('hide', hide);
  else p.delete('hide');
  for (const [key, hidden, dflt] of [
    ['lo', f.hideLoopbacks, DEFAULT_FILTERS.hideLoopbacks],
    ['hm', f.hideHostAndNone, DEFAULT_FILTERS.hideHostAndNone],
  ] as const) {
    if (hidden === dflt) p.delete(key);
    else p.set(key, hidden ? '0' : '1');
  }
}
