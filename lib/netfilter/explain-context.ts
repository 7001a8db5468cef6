import type { Namespace, Snapshot } from '../snapshot/schema';
import type { ExplainContext } from './explain-types';

/** A context that knows nothing: rules are explained with bare addresses and interface names. */
export function emptyContext(): ExplainContext {
  return { bridges: new Map(), containersByIp: new Map(), networksBySubnet: new Map() };
}

/**
 * What a snapshot tells about names: each Docker bridge's network, each endpoint address's container, each
 * subnet's network, and each container's published ports.
 */
export function explainContext(s: Snapshot): ExplainContext {
  const ctx: ExplainContext = { ...emptyContext(), publishedPorts: new Map() };
  for (const n of s.docker?.networks ?? []) {
    const subnets = n.subnets.map((x) => x.subnet);
    if (n.bridge) {
      ctx.bridges.set(n.bridge, { networkId: n.id, networkName: n.name, subnets, internal: n.internal, icc: n.icc });
    }
    for (const subnet of subnets) ctx.networksBySubnet.set(subnet, { id: n.id, name: n.name, bridge: n.bridge });
  }
  for (const c of s.docker?.containers ?? []) {
    for (const e of c.endpoints) {
      // The first container to claim an address keeps it (containers sharing a namespace have no endpoints).
      for (const ip of [e.ipv4, e.ipv6]) if (ip && !ctx.containersByIp.has(ip)) ctx.containersByIp.set(ip, { id: c.id, name: c.name });
    }
    if (c.ports.length > 0) {
      ctx.publishedPorts!.set(
        c.id,
        c.ports.map((p) => ({ hostIp: p.hostIp, hostPort: p.hostPort, containerPort: p.containerPort, protocol: p.protocol })),
      );
    }
  }
  // Addresses Docker does not list as endpoints, e.g. a swarm task's leg on docker_gwbridge: its namespace's owner.
  const byId = new Map((s.docker?.containers ?? []).map((c) => [c.id, c]));
  for (const ns of s.namespaces) {
    const owner = ns.containers.map((id) => byId.get(id)).find((c) => c && c.networkMode.kind !== 'container');
    if (!owner || ns.kind === 'host') continue;
    for (const i of ns.interfaces) {
      if (i.kind === 'loopback') continue;
      for (const a of i.addresses) {
        if (a.scope === 'global' && !ctx.containersByIp.has(a.address)) ctx.containersByIp.set(a.address, { id: owner.id, name: owner.name });
      }
    }
  }
  return ctx;
}

/** The same context, told which namespace's rules are being explained. */
export function forNamespace(ctx: ExplainContext, ns: Pick<Namespace, 'kind' | 'name'>): ExplainContext {
  return { ...ctx, namespace: { kind: ns.kind, name: ns.name } };
}
