import type { NamedObject } from '@/lib/netfilter/explain-types';
import type { Snapshot } from '@/lib/snapshot/schema';
import { ids } from '@/lib/topology/build';

/** What it takes to turn the objects a rule names into graph node ids, built once per snapshot. */
export interface ObjectIndex {
  containerIds: string[];
  /** Host-namespace interface name → its node id (`br:<name>` for bridges, `if:<ns>/<ifindex>` otherwise). */
  hostInterfaces: Map<string, string>;
  /** Docker network id → its bridge name (null for networks without one). */
  networkBridges: Map<string, string | null>;
  /** `hostPort/proto` → the published-port nodes of that binding (one per container and host address). */
  ports: Map<string, string[]>;
}

export function objectIndex(s: Snapshot): ObjectIndex {
  const host = s.namespaces.find((n) => n.kind === 'host');
  const hostInterfaces = new Map<string, string>();
  for (const i of host?.interfaces ?? []) hostInterfaces.set(i.name, i.kind === 'bridge' ? ids.bridge(i.name) : ids.iface(host!.id, i.ifindex));
  const ports = new Map<string, string[]>();
  for (const c of s.docker?.containers ?? []) {
    for (const p of c.ports) {
      const k = `${p.hostPort}/${p.protocol}`;
      ports.set(k, [...(ports.get(k) ?? []), ids.port(c.id, p.hostIp, p.hostPort, p.protocol)]);
    }
  }
  return {
    containerIds: (s.docker?.containers ?? []).map((c) => c.id),
    hostInterfaces,
    networkBridges: new Map((s.docker?.networks ?? []).map((n) => [n.id, n.bridge])),
    ports,
  };
}

/** The graph node ids standing for one named object; empty when the graph has none. */
export function objectNodeIds(idx: ObjectIndex, o: NamedObject): string[] {
  switch (o.kind) {
    case 'container': {
      if (!o.id) return [];
      const id = idx.containerIds.includes(o.id) ? o.id : idx.containerIds.find((c) => c.startsWith(o.id));
      return id ? [ids.container(id)] : [];
    }
    case 'bridge':
      return o.id ? [ids.bridge(o.id)] : [];
    case 'network': {
      let bridge = idx.networkBridges.get(o.id);
      if (bridge === undefined && o.id.length >= 12) {
        const full = [...idx.networkBridges.keys()].find((k) => k.startsWith(o.id));
        bridge = full ? idx.networkBridges.get(full) : undefined;
      }
      return bridge ? [ids.bridge(bridge)] : [];
    }
    case 'interface': {
      if (!o.id) return [];
      // iptables' `veth+` names every interface starting with `veth`.
      if (o.id.endsWith('+') && o.id.length > 1) {
        const prefix = o.id.slice(0, -1);
        return [...idx.hostInterfaces].filter(([name]) => name.startsWith(prefix)).map(([, id]) => id);
      }
      const id = idx.hostInterfaces.get(o.id);
      return id ? [id] : [];
    }
    case 'port': {
      const m = /^(\d+)(?:\/([a-z]+))?$/i.exec(o.id.trim());
      if (!m) return [];
      if (m[2]) return idx.ports.get(`${m[1]}/${m[2].toLowerCase()}`) ?? [];
      return [...idx.ports].filter(([k]) => k.startsWith(`${m[1]}/`)).flatMap(([, v]) => v);
    }
  }
}

/** Every node id the objects stand for (for highlighting a rule's objects in the graph). */
export function objectsToNodeIds(idx: ObjectIndex, objects: readonly NamedObject[]): Set<string> {
  const out = new Set<string>();
  for (const o of objects) for (const id of objectNodeIds(idx, o)) out.add(id);
  return out;
}
