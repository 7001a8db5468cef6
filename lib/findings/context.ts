import type { Container, DockerNetwork, Interface, Namespace, Snapshot } from '../snapshot/schema';
import { ids } from '../topology/build';
import type { FindingObject } from './types';

/** Lookups the checks share. */

export const hostNamespace = (s: Snapshot): Namespace | null => s.namespaces.find((n) => n.kind === 'host') ?? null;

/** The host interfaces that carry a default route: where traffic leaving the host goes. */
export function uplinks(s: Snapshot): Interface[] {
  const host = hostNamespace(s);
  if (!host) return [];
  const devs = new Set(
    host.routes
      .filter((r) => (r.dst === 'default' || r.dst === '0.0.0.0/0' || r.dst === '::/0') && r.dev && (r.type === null || r.type === 'unicast'))
      .map((r) => r.dev!),
  );
  return host.interfaces.filter((i) => devs.has(i.name));
}

export const bridgeNetworks = (s: Snapshot): DockerNetwork[] => (s.docker?.networks ?? []).filter((n) => n.driver === 'bridge' && n.bridge);

export const containerObject = (c: Container): FindingObject => ({ nodeId: ids.container(c.id), label: c.name });
export const bridgeObject = (n: DockerNetwork): FindingObject => ({ nodeId: ids.bridge(n.bridge!), label: `${n.bridge} (${n.name})` });
export const interfaceObject = (s: Snapshot, i: Interface): FindingObject => ({
  nodeId: hostNamespace(s)?.id === i.namespaceId && i.kind === 'bridge' ? ids.bridge(i.name) : ids.iface(i.namespaceId, i.ifindex),
  label: i.name,
});

export function interfaceAt(s: Snapshot, ref: { namespaceId: string; ifindex: number } | null): Interface | null {
  if (!ref) return null;
  return s.namespaces.find((n) => n.id === ref.namespaceId)?.interfaces.find((i) => i.ifindex === ref.ifindex) ?? null;
}

export const runningContainers = (s: Snapshot): Container[] => (s.docker?.containers ?? []).filter((c) => c.state === 'running');

/** `a, b and c` */
export function listWords(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
