import type { Container, Interface, InterfaceRef, Namespace, Problem } from './schema';
import { interfaceId } from './schema';

export type RawVethPeers = Map<number, { peerIfindex: number; netnsid: number | null }>;

const ref = (i: Interface): InterfaceRef => ({ namespaceId: i.namespaceId, ifindex: i.ifindex, name: i.name });

/**
 * Pair veth ends across namespaces. `ip` tells each end its peer's ifindex, and only an nsid that is relative to the
 * reader's namespace; so a pair is two ends that name each other's ifindex, each the other's only candidate. Several
 * candidates can only arise between namespaces that reuse ifindexes for cross-linked pairs (or when a peer's namespace
 * was not read); then we leave the peer unknown and say so.
 */
export function resolveVethPeers(namespaces: Namespace[], rawPeers: Map<string, RawVethPeers>): Problem[] {
  const problems: Problem[] = [];
  const byIndex = new Map<number, Interface[]>();
  for (const ns of namespaces) for (const i of ns.interfaces) if (i.kind === 'veth') {
    byIndex.set(i.ifindex, [...(byIndex.get(i.ifindex) ?? []), i]);
  }
  // The veths that could be i's peer: ifindex as i says, naming i back, in the same namespace iff i gave no nsid.
  const candidatesOf = (i: Interface): Interface[] => {
    const r = rawPeers.get(i.namespaceId)?.get(i.ifindex);
    if (!r) return [];
    return (byIndex.get(r.peerIfindex) ?? []).filter((c) => {
      if (c === i) return false;
      const back = rawPeers.get(c.namespaceId)?.get(c.ifindex);
      if (!back || back.peerIfindex !== i.ifindex) return false;
      // No nsid means the peer lives in the same namespace; an nsid means another one.
      return r.netnsid === null ? c.namespaceId === i.namespaceId : c.namespaceId !== i.namespaceId;
    });
  };
  for (const ns of namespaces) {
    const raw = rawPeers.get(ns.id);
    if (!raw) continue;
    for (const i of ns.interfaces) {
      const r = raw.get(i.ifindex);
      if (!r || i.peer) continue;
      const candidates = candidatesOf(i);
      // A pair is certain only when each end is the other's single candidate; otherwise two ends could claim one peer.
      const back = candidates.length === 1 ? candidatesOf(candidates[0]) : [];
      if (candidates.length === 1 && back.length === 1 && back[0] === i) {
        i.peer = ref(candidates[0]);
        candidates[0].peer = ref(i);
      } else {
        problems.push({
          source: 'netlink',
          subject: i.id,
          severity: 'warning',
          message:
            candidates.length === 0
              ? `veth ${i.name}: its peer (ifindex ${r.peerIfindex}) is in a namespace netatlas could not read`
              : candidates.length === 1
                ? `veth ${i.name}: its peer candidate ${candidates[0].id} does not pair back uniquely; left unresolved`
                : `veth ${i.name}: ${candidates.length} possible peers with ifindex ${r.peerIfindex}; left unresolved`,
        });
      }
    }
  }
  return problems;
}

/** Join each container endpoint to its container-side interface (by MAC, then by address), host veth and bridge. */
export function joinEndpoints(containers: Container[], namespaces: Namespace[]): Problem[] {
  const problems: Problem[] = [];
  const nsById = new Map(namespaces.map((n) => [n.id, n]));
  const ifaceById = new Map(namespaces.flatMap((n) => n.interfaces.map((i) => [i.id, i] as const)));
  for (const c of containers) {
    const ns = c.namespaceId ? nsById.get(c.namespaceId) : undefined;
    if (!ns) continue;
    // The `host` and `none` networks give a container no interface of its own.
    for (const e of c.endpoints.filter((x) => x.driver !== 'host' && x.driver !== 'null')) {
      const mac = e.mac?.toLowerCase();
      const iface =
        (mac ? ns.interfaces.find((i) => i.mac?.toLowerCase() === mac && i.kind !== 'loopback') : undefined) ??
        ns.interfaces.find((i) => i.addresses.some((a) => a.address === e.ipv4 || a.address === e.ipv6));
      if (!iface) {
        if (c.state === 'running' && c.networkMode.kind !== 'host') {
          problems.push({
            source: 'join',
            subject: c.id,
            severity: 'warning',
            message: `${c.name}: no interface in its namespace carries the endpoint on ${e.networkName} (${e.ipv4 ?? e.mac})`,
          });
        }
        continue;
      }
      e.containerInterface = ref(iface);
      const host = iface.peer ? ifaceById.get(interfaceId(iface.peer.namespaceId, iface.peer.ifindex)) : undefined;
      if (host) {
        e.hostInterface = ref(host);
        e.bridge = host.master;
      }
    }
  }
  return problems;
}
