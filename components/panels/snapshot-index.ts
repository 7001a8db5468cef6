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

export const formatAddress = (a: { address: string; prefixlen: number }) => `${a.address}/${a.prefixlen}`;

