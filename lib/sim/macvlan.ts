import { lowerMode } from '../docker/map';
import type { Prepared } from './view';

/**
 * Macvlan and ipvlan endpoints, by parent. Docker creates a container's macvlan/ipvlan interface on the network's
 * `parent` in the host namespace and moves it into the container. Frames a child sends go out of the parent onto its
 * wire (or to a sibling child on the same parent); frames arriving on the parent from the wire reach the child. What
 * never happens: the host's own stack exchanging frames with a child through the parent, in either direction.
 */
export interface MacvlanChild {
  driver: 'macvlan' | 'ipvlan';
  containerId: string;
  namespaceId: string;
  /** The child interface's name inside the container. */
  iface: string;
  /** The parent interface's name in the host namespace. */
  parent: string;
  /** macvlan: bridge, private, vepa, passthru; ipvlan: l2, l3, l3s (lib/docker/map `lowerMode`). */
  mode: string;
  addresses: string[];
}

export interface MacvlanIndex {
  byParent: Map<string, MacvlanChild[]>;
  /** Keyed `namespaceId/iface`. */
  byChild: Map<string, MacvlanChild>;
}

const cache = new WeakMap<Prepared, MacvlanIndex>();

export function macvlanIndex(p: Prepared): MacvlanIndex {
  let idx = cache.get(p);
  if (idx) return idx;
  idx = { byParent: new Map(), byChild: new Map() };
  for (const c of p.s.docker?.containers ?? []) {
    for (const e of c.endpoints) {
      if ((e.driver !== 'macvlan' && e.driver !== 'ipvlan') || !e.containerInterface) continue;
      const net = p.s.docker?.networks.find((n) => n.id === e.networkId);
      const parent = net?.options.parent;
      if (!net || !parent) continue;
      const child: MacvlanChild = {
        driver: e.driver,
        containerId: c.id,
        namespaceId: e.containerInterface.namespaceId,
        iface: e.containerInterface.name,
        parent,
        mode: lowerMode(net) ?? 'bridge',
        addresses: [e.ipv4, e.ipv6].filter((a): a is string => !!a),
      };
      idx.byParent.set(parent, [...(idx.byParent.get(parent) ?? []), child]);
      idx.byChild.set(`${child.namespaceId}/${child.iface}`, child);
    }
  }
  cache.set(p, idx);
  return idx;
}

/** The child on `parent` that owns `address`, if any. */
export const childAt = (idx: MacvlanIndex, parent: string, address: string): MacvlanChild | null =>
  idx.byParent.get(parent)?.find((k) => k.addresses.includes(address)) ?? null;
