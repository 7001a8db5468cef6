import { commonPrefix, inNet, isLoopbackIP, makeIP, type IP } from './addr';
import type { IpVersion } from './packet';
import type { AddrInfo, NsView, RouteInfo } from './view';

/**
 * Routing as the kernel does it for one namespace: the local table first (own addresses, all of 127.0.0.0/8, ::1),
 * then longest-prefix match on the main table (lowest metric among equals). Policy routing (ip rule) is not in the
 * snapshot, so only the main table is used.
 */
export type RouteResult =
  | { kind: 'local'; text: string }
  | { kind: 'unicast'; dev: string; gw: IP | null; nexthop: IP; prefsrc: IP | null; info: RouteInfo; text: string }
  | { kind: 'none'; text: string }
  /** blackhole / unreachable / prohibit routes, a broadcast destination, a multipath route: the kernel refuses. */
  | { kind: 'refused'; text: string }
  | { kind: 'unknown'; text: string };

export const familyOf = (a: IP): IpVersion => (a.v6 ? 6 : 4);

export function isLocal(view: NsView, a: IP): boolean {
  return view.local[familyOf(a)].has(a.text) || isLoopbackIP(a);
}

export function lookup(view: NsView, dst: IP): RouteResult {
  const fam = familyOf(dst);
  if (isLocal(view, dst)) {
    const own = view.local[fam].get(dst.text);
    return { kind: 'local', text: `local: ${dst.text} is ${own ? `this namespace's own address (on ${own.iface})` : 'a loopback address'}` };
  }
  if (!dst.v6 && (view.bcast.has(dst.text) || dst.v4 === 0xffffffff)) {
    return { kind: 'refused', text: `${dst.text} is a broadcast address: no connection can be made to it` };
  }
  for (const r of view.routes[fam]) {
    if (!inNet(dst, r.dst)) continue;
    if (r.type !== 'unicast') return { kind: 'refused', text: `${r.text}: a ${r.type} route, the kernel refuses the packet` };
    if (!r.dev) return { kind: 'unknown', text: `${r.text}: a route without a device (multipath?) is not simulated` };
    return { kind: 'unicast', dev: r.dev, gw: r.gw, nexthop: r.gw ?? dst, prefsrc: r.prefsrc, info: r, text: r.text };
  }
  return { kind: 'none', text: `no route to ${dst.text}` };
}

const usable = (a: AddrInfo) => a.scope !== 'host' && !(a.ip.v6 && a.scope === 'link');

/**
 * The source address a local socket gets (no bind): the local route's own address, else the route's prefsrc, else
 * an address of the outgoing device (IPv4: the primary one in the next hop's subnet; IPv6: the longest match),
 * else any global address of the namespace (inet_select_addr's fallback).
 */
export function selectSource(view: NsView, dst: IP, r: RouteResult): IP | null {
  const fam = familyOf(dst);
  if (r.kind === 'local') {
    if (view.local[fam].has(dst.text)) return dst;
    return fam === 4 ? makeIP(false, 0x7f000001n) : makeIP(true, 1n);
  }
  if (r.kind !== 'unicast') return null;
  if (r.prefsrc) return r.prefsrc;
  // IPv4 picks by the next hop's subnet (inet_select_addr); IPv6 by the destination (RFC 6724, longest match).
  return devAddress(view, r.dev, fam, fam === 4 ? r.nexthop : dst) ?? view.addrs[fam].find((a) => a.scope === 'global' || a.scope === null)?.ip ?? null;
}

/** An address of `dev` facing `towards` (MASQUERADE's and source selection's choice); null when it has none. */
export function devAddress(view: NsView, dev: string, fam: IpVersion, towards: IP | null): IP | null {
  const own = view.addrs[fam].filter((a) => a.iface === dev && usable(a));
  if (own.length === 0) return null;
  if (!towards) return own[0].ip;
  if (fam === 4) return (own.find((a) => inNet(towards, a.net)) ?? own[0]).ip;
  return own.reduce((best, a) => (commonPrefix(a.ip, towards) > commonPrefix(best.ip, towards) ? a : best)).ip;
}

/**
 * addrtype's (and nft `fib … type`'s) view of an address: LOCAL, BROADCAST, MULTICAST or UNICAST. With a
 * `limitDev`, LOCAL only counts addresses of that device (loopback's belong to lo).
 */
export function addrType(view: NsView, a: IP, limitDev: string | null = null): string {
  const fam = familyOf(a);
  if (fam === 4) {
    if (a.v4 === 0 || a.v4 === 0xffffffff || view.bcast.has(a.text)) return 'BROADCAST';
    if (a.v4 >>> 28 === 0xe) return 'MULTICAST';
  } else if (a.n >> 120n === 0xffn) return 'MULTICAST';
  const own = view.local[fam].get(a.text);
  if (own) return !limitDev || own.iface === limitDev ? 'LOCAL' : 'UNICAST';
  if (isLoopbackIP(a)) return !limitDev || limitDev === 'lo' ? 'LOCAL' : 'UNICAST';
  return 'UNICAST';
}
