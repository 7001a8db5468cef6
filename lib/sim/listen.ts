import type { Listener } from '../snapshot/schema';
import { hostPort, makeIP, parseIP, sameIP, type IP } from './addr';
import type { ListenerSeen } from './types';
import type { NsView } from './view';

/**
 * Who takes a connection delivered to a namespace: its listening sockets (`namespaces[].listeners`). A socket bound
 * to the exact address or to the wildcard of its family accepts; an IPv6 `::` socket also takes IPv4 unless it is
 * IPV6_V6ONLY, which the snapshot cannot show: Linux's default (net.ipv6.bindv6only=0) is assumed, except for
 * docker-proxy, which Docker starts IPv6-only.
 */
export type ListenCheck =
  /** The snapshot cannot say (listeners not read here): the trace goes on as delivered, and says so. */
  | { kind: 'unknown'; why: string }
  | { kind: 'listening'; listener: ListenerSeen; note: string | null }
  /** Nothing takes it: TCP answers RST (refused), UDP an ICMP port unreachable. */
  | { kind: 'none'; why: string; nearby: ListenerSeen[] };

const seen = (l: Listener): ListenerSeen => ({ address: l.address, port: l.port, processes: l.processes });

export const listenerText = (l: ListenerSeen) => {
  const ip = parseIP(l.address);
  const who = l.processes.map((p) => `${p.comm} (pid ${p.pid})`).join(', ');
  return `${ip ? hostPort(ip, l.port) : `${l.address}:${l.port}`}${who ? ` (${who})` : ''}`;
};

const V4_MAPPED = 0xffff00000000n;

export function findListener(view: NsView, proto: 'tcp' | 'udp', dst: IP, port: number): ListenCheck {
  const all = view.ns.listeners;
  if (all === undefined) return { kind: 'unknown', why: `the snapshot has no listening sockets (taken by a netatlas that did not read them): whether anything listens on ${hostPort(dst, port)} in ${view.label} is unknown` };
  if (all === null) return { kind: 'unknown', why: `the listening sockets of ${view.label} could not be read: whether anything listens on ${hostPort(dst, port)} is unknown` };
  const onPort = all.filter((l) => l.protocol === proto && l.port === port);
  let viaV6: Listener | null = null;
  for (const l of onPort) {
    const ip = parseIP(l.address);
    if (!ip) continue;
    if (ip.v6 === dst.v6 && (ip.n === 0n || sameIP(ip, dst))) return { kind: 'listening', listener: seen(l), note: null };
    // An IPv4 packet reaches an IPv6 socket bound to :: or to the v4-mapped form of its address.
    if (!dst.v6 && ip.v6 && (ip.n === 0n || sameIP(ip, makeIP(true, V4_MAPPED | dst.n))) && !l.processes.some((p) => p.comm === 'docker-proxy')) viaV6 ??= l;
  }
  if (viaV6) {
    const note = viaV6.address === '::' ? `the listener on [::]:${port} takes IPv4 too unless it is IPv6-only (IPV6_V6ONLY is not in the snapshot; Linux's default bindv6only=0 is assumed)` : null;
    return { kind: 'listening', listener: seen(viaV6), note };
  }
  const nearby = onPort.map(seen);
  const what = proto === 'tcp' ? 'listens' : 'is bound';
  const why = nearby.length
    ? `${view.label} ${what} on ${nearby.map(listenerText).join(', ')} only; the packet arrived for ${hostPort(dst, port)}`
    : `nothing in ${view.label} ${what} on ${proto} port ${port} (the packet arrived for ${hostPort(dst, port)})`;
  return { kind: 'none', why, nearby };
}
