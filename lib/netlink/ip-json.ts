import type { Address, Interface, InterfaceKind, Route } from '../snapshot/schema';
import { interfaceId } from '../snapshot/schema';

/** The subset of `ip -j -d link show` we read. iproute2 omits absent keys rather than writing null. */
export interface IpLink {
  ifindex: number;
  ifname: string;
  flags?: string[];
  mtu?: number;
  operstate?: string;
  link_type?: string;
  address?: string;
  master?: string;
  link?: string; // parent device name for macvlan/vlan in the same namespace
  link_index?: number; // veth: the peer's ifindex (in the namespace named by link_netnsid, if any)
  link_netnsid?: number;
  parentbus?: string;
  linkinfo?: {
    info_kind?: string;
    info_data?: Record<string, unknown>;
    info_slave_kind?: string;
  };
}

export interface IpAddrEntry {
  ifindex: number;
  ifname: string;
  addr_info?: { family: string; local: string; prefixlen: number; scope?: string }[];
}

export interface IpRoute {
  dst: string;
  gateway?: string;
  dev?: string;
  protocol?: string;
  scope?: string;
  prefsrc?: string;
  metric?: number;
  type?: string;
}

/** Kernel link kinds → the few kinds netatlas draws differently. */
export function classifyLink(l: IpLink): InterfaceKind {
  if (l.link_type === 'loopback') return 'loopback';
  const kind = l.linkinfo?.info_kind;
  switch (kind) {
    case 'bridge':
    case 'veth':
    case 'macvlan':
    case 'ipvlan':
    case 'vxlan':
    case 'dummy':
    case 'wireguard':
      return kind;
    case 'macvtap':
      return 'macvlan';
    case 'ipvtap':
      return 'ipvlan';
    case 'tun':
      return l.linkinfo?.info_data?.type === 'tap' ? 'tap' : 'tun';
    case undefined:
      // No link kind: a real device (or a virtual one the kernel does not describe, e.g. some VM NICs).
      return l.link_type === 'ether' || l.parentbus ? 'physical' : 'other';
    default:
      return 'other';
  }
}

/** Merge `ip -j -d link` and `ip -j addr` of one namespace into interfaces. Veth peers are resolved later (joins). */
export function interfacesFromIp(namespaceId: string, links: IpLink[], addrs: IpAddrEntry[]): Interface[] {
  const addrByIndex = new Map<number, Address[]>();
  for (const a of addrs) {
    const list = (a.addr_info ?? [])
      .filter((i) => i.family === 'inet' || i.family === 'inet6')
      .map((i) => ({ family: i.family as 'inet' | 'inet6', address: i.local, prefixlen: i.prefixlen, scope: i.scope ?? null }));
    addrByIndex.set(a.ifindex, list);
  }
  const ports = new Map<string, string[]>();
  for (const l of links) {
    if (l.master) ports.set(l.master, [...(ports.get(l.master) ?? []), l.ifname]);
  }
  return links.map((l) => {
    const kind = classifyLink(l);
    const data = l.linkinfo?.info_data ?? {};
    return {
      id: interfaceId(namespaceId, l.ifindex),
      namespaceId,
      ifindex: l.ifindex,
      name: l.ifname,
      kind,
      linkKind: l.linkinfo?.info_kind ?? null,
      mac: l.address && l.link_type !== 'none' ? l.address : null,
      mtu: l.mtu ?? 0,
      flags: l.flags ?? [],
      operstate: l.operstate ?? 'UNKNOWN',
      master: l.master ?? null,
      addresses: addrByIndex.get(l.ifindex) ?? [],
      peer: null,
      parent: kind === 'veth' ? null : (l.link ?? null),
      bridge:
        kind === 'bridge'
          ? {
              stp: typeof data.stp_state === 'number' ? data.stp_state !== 0 : null,
              vlanFiltering: typeof data.vlan_filtering === 'number' ? data.vlan_filtering !== 0 : null,
              ports: ports.get(l.ifname) ?? [],
            }
          : null,
    };
  });
}

export function routesFromIp(family: 'inet' | 'inet6', routes: IpRoute[]): Route[] {
  return routes.map((r) => ({
    family,
    dst: r.dst,
    gateway: r.gateway ?? null,
    dev: r.dev ?? null,
    protocol: r.protocol ?? null,
    scope: r.scope ?? null,
    prefsrc: r.prefsrc ?? null,
    metric: r.metric ?? null,
    type: r.type ?? null,
  }));
}

/**
 * Veth peer as `ip` reports it, before resolution: the peer's ifindex and the nsid (relative to this namespace).
 * When the peer is in the same namespace, `ip` names it (`"link": "vb"`) instead of giving `link_index`.
 */
export function rawVethPeers(links: IpLink[]): Map<number, { peerIfindex: number; netnsid: number | null }> {
  const out = new Map<number, { peerIfindex: number; netnsid: number | null }>();
  const indexOf = new Map(links.map((l) => [l.ifname, l.ifindex]));
  for (const l of links) {
    if (l.linkinfo?.info_kind !== 'veth') continue;
    // A peer in another namespace comes as an index; one in the same namespace as a name (`veth0@veth1`).
    const peer = typeof l.link_index === 'number' ? l.link_index : l.link !== undefined ? indexOf.get(l.link) : undefined;
    if (peer !== undefined) out.set(l.ifindex, { peerIfindex: peer, netnsid: l.link_index !== undefined ? (l.link_netnsid ?? null) : null });
  }
  return out;
}
