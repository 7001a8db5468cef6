import type { Subject } from '@/lib/netfilter/attribution';
import type { Snapshot } from '@/lib/snapshot/schema';
import { containerName, hostPort, namespaceLabel, networkName } from '@/lib/snapshot/names';
import type { GraphNode } from '@/lib/topology/types';

/**
 * The attribution subject for a graph selection (pure). Nothing selected means the host itself.
 * - container → container; namespace box → namespace; published port → port;
 * - a host bridge → bridge (by name, so its network's subnet counts too);
 * - any other interface (host veth end, uplink, lo, an interface inside a namespace) → interface;
 * - docker-proxy → the published port it serves (found through its container, else through the binding).
 */
export function subjectForNode(s: Snapshot, node: Pick<GraphNode, 'kind' | 'ref'> | null): Subject {
  if (!node) return { type: 'host' };
  const ref = node.ref;
  switch (ref.type) {
    case 'container':
      return { type: 'container', containerId: ref.containerId };
    case 'namespace':
      return { type: 'namespace', namespaceId: ref.namespaceId };
    case 'port':
      return { type: 'port', containerId: ref.containerId, hostIp: ref.hostIp, hostPort: ref.hostPort, protocol: ref.protocol };
    case 'interface': {
      const ns = s.namespaces.find((n) => n.id === ref.namespaceId);
      const iface = ns?.interfaces.find((i) => i.ifindex === ref.ifindex);
      if (node.kind === 'bridge' && iface && ns?.kind === 'host') return { type: 'bridge', name: iface.name };
      return { type: 'interface', namespaceId: ref.namespaceId, ifindex: ref.ifindex };
    }
    case 'proxy': {
      const p = s.dockerProxies.find((x) => x.pid === ref.pid);
      if (!p) return { type: 'port', containerId: '', hostIp: '', hostPort: 0, protocol: '' };
      const containers = s.docker?.containers ?? [];
      const serving = containers.filter((c) => c.ports.some((b) => b.hostIp === p.hostIp && b.hostPort === p.hostPort && b.protocol === p.protocol));
      const containerId = p.containerId ?? (serving.length === 1 ? serving[0].id : (serving[0]?.id ?? ''));
      return { type: 'port', containerId, hostIp: p.hostIp, hostPort: p.hostPort, protocol: p.protocol };
    }
    case 'project':
      return { type: 'host' }; // a folded project is expanded on click, never selected
  }
}

/** Words for the panel's heading. */
export function describeSubject(s: Snapshot, subject: Subject): string {
  const ctr = (id: string) => containerName(s, id);
  switch (subject.type) {
    case 'host':
      return `the host (${s.host.hostname})`;
    case 'container':
      return ctr(subject.containerId);
    case 'bridge':
      return subject.name;
    case 'network':
      return networkName(s, subject.networkId);
    case 'port': {
      return subject.containerId ? `${hostPort(subject.hostIp, subject.hostPort)}/${subject.protocol} (${ctr(subject.containerId)})` : 'an unknown port';
    }
    case 'namespace': {
      const ns = s.namespaces.find((n) => n.id === subject.namespaceId);
      if (ns?.kind === 'host') return 'the host namespace';
      const label = namespaceLabel(s, subject.namespaceId);
      return ns?.kind === 'container' ? `${label}'s namespace` : label;
    }
    case 'interface': {
      const ns = s.namespaces.find((n) => n.id === subject.namespaceId);
      const i = ns?.interfaces.find((x) => x.ifindex === subject.ifindex);
      return i ? i.name : `interface ${subject.ifindex}`;
    }
  }
}

/**
 * The namespaces whose rules the panel lists, host first: the host namespace always, then the subject's own
 * (a container's sandbox with its embedded DNS rules, a selected namespace, the namespace of a selected interface).
 * `own` lists the namespaces every rule of which concerns the subject (from `factsOf(...).namespaces`).
 */
export function namespacesToShow(s: Snapshot, own: string[]): string[] {
  const host = s.namespaces.find((n) => n.kind === 'host');
  const out: string[] = host ? [host.id] : [];
  for (const id of own) if (!out.includes(id) && s.namespaces.some((n) => n.id === id)) out.push(id);
  return out;
}
