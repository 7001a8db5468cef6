import type { Container, DockerNetwork, DockerProxy, Interface, Namespace, Snapshot } from '@/lib/snapshot/schema';
import { interfaceId } from '@/lib/snapshot/schema';
import type { Graph, NodeRef } from '@/lib/topology/types';

/** Lookups over one snapshot, built once per revision so the details panel never scans arrays per field. */
export interface SnapshotIndex {
  namespaces: Map<string, Namespace>;
  interfaces: Map<string, Interface>;
  containers: Map<string, Container>;
  networks: DockerNetwork[];
  proxies: DockerProxy[];
}

export function indexSnapshot(s: Snapshot): SnapshotIndex {
  return {
    namespaces: new Map(s.namespaces.map((n) => [n.id, n])),
    interfaces: new Map(s.namespaces.flatMap((n) => n.interfaces.map((i) => [i.id, i] as const))),
    containers: new Map((s.docker?.containers ?? []).map((c) => [c.id, c])),
    networks: s.docker?.networks ?? [],
    proxies: s.dockerProxies,
  };
}

/** A string key per snapshot object, so a panel can find the graph node that stands for it. */
export function refKey(r: NodeRef): string {
  switch (r.type) {
    case 'interface':
      return `if:${interfaceId(r.namespaceId, r.ifindex)}`;
    case 'namespace':
      return `ns:${r.namespaceId}`;
    case 'container':
      return `ct:${r.containerId}`;
    case 'port':
      return `port:${r.containerId}|${r.hostIp}|${r.hostPort}|${r.protocol}`;
    case 'proxy':
      return `proxy:${r.pid}`;
    case 'project':
      return `proj:${r.name}`;
  }
}

/** refKey → node id, for every node of the graph. */
export function indexNodesByRef(g: Graph): Map<string, string> {
  return new Map(g.nodes.map((n) => [refKey(n.ref), n.id]));
}

export const shortId = (id: string) => id.slice(0, 12);

export function containerName(idx: SnapshotIndex, id: string): string {
  return idx.containers.get(id)?.name ?? shortId(id);
}

/** Containers living in a namespace: the namespace's own list plus any container that points at it. */
export function containersIn(idx: SnapshotIndex, ns: Namespace): string[] {
  const ids = new Set(ns.containers);
  for (const c of idx.containers.values()) if (c.namespaceId === ns.id) ids.add(c.id);
  return [...ids];
}

export const formatAddress = (a: { address: string; prefixlen: number }) => `${a.address}/${a.prefixlen}`;

/** Brackets IPv6 hosts so "host:port" stays readable. */
export const hostPort = (ip: string, port: number) => `${ip.includes(':') ? `[${ip}]` : ip}:${port}`;

/** How people know a namespace: the containers in it, else its `ip netns` name, else its kind. */
export function namespaceLabel(idx: SnapshotIndex, nsId: string): string {
  const ns = idx.namespaces.get(nsId);
  if (!ns) return nsId;
  // Host-mode containers live in the host namespace too, but nobody calls it by their names.
  if (ns.kind === 'host') return 'host';
  const names = containersIn(idx, ns).map((id) => containerName(idx, id));
  if (names.length) return names.join(' + ');
  return ns.name ?? `${ns.kind} ${ns.inode}`;
}
