import { namespaceLabel, networkOfBridge } from '../snapshot/names';
import type { Interface, Namespace, Snapshot } from '../snapshot/schema';

/**
 * Names that survive a restart, for pairing objects of two snapshots: ids, inodes and ifindexes change when a
 * container is recreated or restarted, its name does not. A namespace is `host`, its containers' names
 * (lib/snapshot/names), or `netns NAME`; a host-side veth by what it leads to (its own name is random), a Docker
 * bridge by its network (`br-<id>` changes when the network is recreated).
 */

export function namespaceStableName(s: Snapshot, ns: Namespace): string {
  return ns.kind === 'host' ? 'host' : namespaceLabel(s, ns.id);
}

/** Namespaces by stable name (the first of two with the same name wins; the second keeps its id). */
export function namespacesByStableName(s: Snapshot): Map<string, Namespace> {
  const out = new Map<string, Namespace>();
  for (const ns of s.namespaces) {
    const name = namespaceStableName(s, ns);
    out.set(out.has(name) ? `${name} (${ns.id})` : name, ns);
  }
  return out;
}

/** An interface's stable name within its namespace: a veth whose peer lives elsewhere is `veth to LABEL IFNAME`. */
export function interfaceStableName(s: Snapshot, i: Interface): string {
  if (i.kind === 'veth' && i.peer && i.peer.namespaceId !== i.namespaceId) {
    const peerNs = s.namespaces.find((n) => n.id === i.peer!.namespaceId);
    if (peerNs && peerNs.kind !== 'host') return `veth to ${namespaceStableName(s, peerNs)} ${i.peer.name}`;
  }
  const net = i.kind === 'bridge' && ns(s, i.namespaceId)?.kind === 'host' ? networkOfBridge(s, i.name) : null;
  return net ? `bridge of ${net.name}` : i.name;
}

const ns = (s: Snapshot, id: string) => s.namespaces.find((n) => n.id === id);
