import type { Snapshot } from '@/lib/snapshot/schema';
import type { Step, TraceQuery, TraceResult } from '@/lib/sim/types';
import { ids } from '@/lib/topology/build';
import { isWildcard } from './addr';

/**
 * The graph nodes a traced packet visits, in order (pure): the source (container, namespace box, or the uplink an
 * outside client arrives on), each interface it leaves and enters (container veth end → host-side veth → bridge →
 * …), the published port and docker-proxy when they are involved, and the receiving container or namespace.
 * Ids follow `lib/topology/build.ts`; consecutive repeats are dropped. Ids the graph does not have (a host
 * namespace box that is not drawn, a filtered node) are left for the graph to skip.
 */
export function pathNodeIds(s: Snapshot, r: TraceResult): string[] {
  const out: string[] = [];
  const push = (id: string | null | undefined) => {
    if (id && out[out.length - 1] !== id) out.push(id);
  };
  const hostNs = s.namespaces.find((n) => n.kind === 'host');
  const nsById = new Map(s.namespaces.map((n) => [n.id, n]));

  /**
   * The node of interface `name` in namespace `nsId`: host bridges by name, everything else by ifindex. Loopback
   * is left out: local delivery and docker-proxy's first leg go through it, but drawing it adds nothing.
   */
  const ifaceNode = (nsId: string, name: string | null): string | null => {
    if (!name) return null;
    const ns = nsById.get(nsId);
    const i = ns?.interfaces.find((x) => x.name === name);
    if (!ns || !i || i.kind === 'loopback') return null;
    return ns.id === hostNs?.id && i.kind === 'bridge' ? ids.bridge(i.name) : ids.iface(ns.id, i.ifindex);
  };
  /** Bridge steps name the bridge only: the host's first, else the one namespace that has a bridge by that name. */
  const bridgeNs = (bridge: string): string | null => {
    if (hostNs?.interfaces.some((i) => i.name === bridge && i.kind === 'bridge')) return hostNs.id;
    return s.namespaces.find((n) => n.interfaces.some((i) => i.name === bridge && i.kind === 'bridge'))?.id ?? null;
  };
  const namespaceNode = (nsId: string) => (nsId === hostNs?.id ? null : ids.namespace(nsId));

  // Where it starts.
  const from = r.query.from;
  if (from.kind === 'container') push(ids.container(from.containerId));
  else if (from.kind === 'namespace') push(namespaceNode(from.namespaceId));
  else if (from.kind === 'outside' && from.iface && hostNs) push(ifaceNode(hostNs.id, from.iface));

  let portShown = false;
  // A route decision names the way out; it is drawn once the packet moves on (a rule may stop it first).
  let pending: string | null = null;
  const moved = () => {
    push(pending);
    pending = null;
  };
  for (const step of r.steps) {
    if (step.type !== 'route' && step.type !== 'rule' && step.type !== 'note' && step.type !== 'nat') moved();
    switch (step.type) {
      case 'route':
        // A later decision in the same place (after DNAT, say) replaces the earlier one.
        pending = ifaceNode(step.namespaceId, step.dev);
        break;
      case 'hop':
        push(ifaceNode(step.from.namespaceId, step.from.iface));
        push(ifaceNode(step.to.namespaceId, step.to.iface));
        break;
      case 'bridge': {
        const ns = bridgeNs(step.bridge);
        if (!ns) break;
        push(ifaceNode(ns, step.from));
        push(ifaceNode(ns, step.bridge));
        push(ifaceNode(ns, step.to));
        break;
      }
      case 'nat':
        if (step.kind === 'dnat' && !step.undo && !portShown) {
          const port = publishedPortNode(s, r.query, step);
          if (port) {
            push(port);
            portShown = true;
          }
        }
        break;
      case 'proxy': {
        const proxy = step.pid === null ? undefined : s.dockerProxies.find((p) => p.pid === step.pid);
        if (proxy && !portShown) {
          const owner = proxy.containerId ?? bindingOwner(s, proxy.hostIp, proxy.hostPort, proxy.protocol);
          if (owner) push(ids.port(owner, proxy.hostIp, proxy.hostPort, proxy.protocol));
          portShown = true;
        }
        if (step.pid !== null) push(ids.proxy(step.pid));
        break;
      }
      case 'deliver': {
        // The host namespace also holds host-network containers: one of them is the receiver only when asked for.
        const to = r.query.to;
        const asked = (id: string) => to.kind === 'container' && to.containerId === id;
        const ctrs = step.namespaceId === hostNs?.id ? step.containerIds.filter(asked) : step.containerIds;
        // The one asked for, else the namespace's owner rather than a `container:X` sharing it.
        const sharer = (id: string) => +((s.docker?.containers ?? []).find((c) => c.id === id)?.networkMode.kind === 'container');
        const best = [...ctrs].sort((a, b) => +asked(b) - +asked(a) || sharer(a) - sharer(b))[0];
        if (best) push(ids.container(best));
        else push(namespaceNode(step.namespaceId));
        break;
      }
      case 'rule':
      case 'note':
        break;
    }
  }
  if (r.outcome.result === 'delivered' || r.outcome.result === 'uncertain') moved();
  return out;
}

/** The container publishing hostIp:hostPort/proto, when exactly one does. */
function bindingOwner(s: Snapshot, hostIp: string, hostPort: number, protocol: string): string | null {
  const owners = (s.docker?.containers ?? []).filter((c) => c.ports.some((p) => p.hostIp === hostIp && p.hostPort === hostPort && p.protocol === protocol));
  return owners.length === 1 ? owners[0].id : null;
}

/**
 * The published-port node a DNAT serves: a binding of the query's destination port and protocol whose address
 * covers the destination (same family wildcard, or equal), owned by the container the DNAT sends to.
 */
function publishedPortNode(s: Snapshot, q: TraceQuery, step: Extract<Step, { type: 'nat' }>): string | null {
  const port = q.to.port;
  if (port === null || q.protocol === 'icmp') return null;
  const afterIp = step.after.ip;
  const destIp = q.to.kind === 'ip' ? q.to.ip : null;
  const v6 = destIp ? destIp.includes(':') : false;
  const candidates: string[] = [];
  for (const c of s.docker?.containers ?? []) {
    const owner = c.networkMode.sharedWith ? ((s.docker?.containers ?? []).find((x) => x.id === c.networkMode.sharedWith) ?? c) : c;
    if (owner !== c) continue;
    if (!c.endpoints.some((e) => e.ipv4 === afterIp || e.ipv6 === afterIp)) continue;
    for (const p of c.ports) {
      if (p.hostPort !== port || p.protocol !== q.protocol) continue;
      const covers = destIp === null || p.hostIp === destIp || (isWildcard(p.hostIp) && p.hostIp.includes(':') === v6);
      if (covers) candidates.push(ids.port(c.id, p.hostIp, p.hostPort, p.protocol));
    }
  }
  return candidates[0] ?? null;
}

/**
 * The graph node a query is aimed at, whether or not the packet gets there: the container (by id or by one of its
 * addresses), else the published port bound on that host address and port; null when nothing in the graph is it.
 */
export function targetNodeId(s: Snapshot, q: TraceQuery): string | null {
  const to = q.to;
  if (to.kind === 'container') return ids.container(to.containerId);
  const containers = s.docker?.containers ?? [];
  const owner = containers.find((c) => c.endpoints.some((e) => e.ipv4 === to.ip || e.ipv6 === to.ip));
  if (owner) return ids.container(owner.id);
  for (const c of containers) {
    const b = c.ports.find((p) => p.hostPort === to.port && p.protocol === q.protocol && (p.hostIp === to.ip || isWildcard(p.hostIp)));
    if (b) return ids.port(c.id, b.hostIp, b.hostPort, b.protocol);
  }
  return null;
}
