import type { Address, Container, DockerNetwork, Interface, Namespace, Snapshot } from '../snapshot/schema';
import type { Graph, GraphEdge, GraphNode, NodeKind } from './types';
import { bridgeLabel, hostPort as hostPortText, namespaceLabel, shortId as short } from '../snapshot/names';
import { dockerSandboxOfNamespace } from '../docker/swarm';

/**
 * Snapshot → topology graph (pure).
 *
 * Choices worth knowing when drawing it:
 * - Host-namespace interfaces are top-level (parent null): `uplink` for physical ones and for whatever carries a
 *   default route; `bridge` for bridges; `veth` for host-side veth ends; everything else (lo, ifb, wireguard,
 *   vxlan, dummy…) is a top-level `interface` (lo tagged 'loopback').
 * - The host namespace gets a `namespace` node ("host network namespace", tagged 'host-mode') only when some
 *   container runs in it (`--network host`), and that box holds only those containers, never host interfaces.
 * - Every other namespace (container sandbox, `ip netns`, other) is a box; all its interfaces are its children
 *   (veths as `veth`, everything else as `interface`, bridges inside a namespace included).
 * - Containers without a namespace (stopped) sit in their owner's box for `container:X`, else have parent null.
 */

/** Stable ids: derived from names, inodes, ifindexes, container ids and bindings, never from array positions. */
export const ids = {
  /** Host bridges are keyed by name: docker recreates docker0/br-<net> with new ifindexes but the same name. */
  bridge: (name: string) => `br:${name}`,
  iface: (namespaceId: string, ifindex: number) => `if:${namespaceId}/${ifindex}`,
  namespace: (namespaceId: string) => `ns:${namespaceId}`,
  container: (containerId: string) => `ctr:${containerId}`,
  port: (containerId: string, hostIp: string, hostPort: number, protocol: string) =>
    `port:${containerId}/${hostIp}/${hostPort}/${protocol}`,
  proxy: (pid: number) => `proxy:${pid}`,
  /** Undirected kinds (veth, proxy) sort their ends so the id does not depend on which end was seen first. */
  edge: (kind: GraphEdge['kind'], a: string, b: string) =>
    kind === 'veth' || kind === 'proxy' ? `e:${kind}:${[a, b].sort().join('|')}` : `e:${kind}:${a}|${b}`,
};

const isLinkLocal6 = (a: Address) => a.family === 'inet6' && (a.scope === 'link' || /^fe[89ab]/i.test(a.address));

function linkState(i: Interface): 'up' | 'down' {
  if (i.operstate === 'UP') return 'up';
  // lo, tun and some virtual devices report UNKNOWN forever; their flags tell whether they carry traffic.
  if (i.operstate === 'UNKNOWN' && (i.flags.includes('LOWER_UP') || i.flags.includes('UP'))) return 'up';
  return 'down';
}

function addressTokens(a: { address: string | null; prefixlen: number | null }): string[] {
  if (!a.address) return [];
  return a.prefixlen === null ? [a.address] : [a.address, `${a.address}/${a.prefixlen}`];
}

function tokens(...parts: (string | number | null | undefined | (string | number | null | undefined)[])[]): string[] {
  const out = new Set<string>();
  for (const p of parts.flat()) if (p !== null && p !== undefined && `${p}` !== '') out.add(`${p}`.toLowerCase());
  return [...out];
}

const KIND_RANK: Record<NodeKind, number> = {
  namespace: 0, uplink: 1, bridge: 2, interface: 3, veth: 4, container: 5, port: 6, proxy: 7, project: 8,
};

export function buildGraph(s: Snapshot): Graph {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const addEdge = (kind: GraphEdge['kind'], source: string, target: string) => {
    if (!nodes.has(source) || !nodes.has(target)) return;
    // Undirected kinds also get their ends in sorted order, so the edge object does not depend on which end came first.
    if ((kind === 'veth' || kind === 'proxy') && target < source) [source, target] = [target, source];
    const id = ids.edge(kind, source, target);
    if (!edges.has(id)) edges.set(id, { id, kind, source, target });
  };

  const hostNs = s.namespaces.find((n) => n.kind === 'host') ?? null;
  const nsById = new Map(s.namespaces.map((n) => [n.id, n]));
  const networks = s.docker?.networks ?? [];
  const containers = s.docker?.containers ?? [];
  const ctrById = new Map(containers.map((c) => [c.id, c]));
  const netById = new Map(networks.map((n) => [n.id, n]));
  const netsOfBridge = new Map<string, DockerNetwork[]>();
  for (const n of networks) if (n.bridge) netsOfBridge.set(n.bridge, [...(netsOfBridge.get(n.bridge) ?? []), n]);

  const ifKey = (nsId: string, ifindex: number) => `${nsId}/${ifindex}`;
  const ifaceByKey = new Map<string, Interface>();
  for (const ns of s.namespaces) for (const i of ns.interfaces) ifaceByKey.set(ifKey(ns.id, i.ifindex), i);
  const ifaceNodeId = (i: Interface) =>
    i.namespaceId === hostNs?.id && i.kind === 'bridge' ? ids.bridge(i.name) : ids.iface(i.namespaceId, i.ifindex);

  // Which docker networks each interface serves, from the endpoint joins (both veth ends).
  const ifaceNets = new Map<string, Set<string>>();
  for (const c of containers) for (const e of c.endpoints) {
    for (const r of [e.containerInterface, e.hostInterface]) if (r) {
      const k = ifKey(r.namespaceId, r.ifindex);
      ifaceNets.set(k, (ifaceNets.get(k) ?? new Set()).add(e.networkId));
    }
  }
  const netNames = (netIds: Iterable<string>) => [...netIds].flatMap((id) => {
    const n = netById.get(id);
    return n ? [n.name] : [];
  });

  // Where each container's network lives. A stopped `container:X` has no sandbox of its own but belongs with X.
  const nsOfContainer = (c: Container): Namespace | undefined => {
    if (c.namespaceId) return nsById.get(c.namespaceId);
    const owner = c.networkMode.sharedWith ? ctrById.get(c.networkMode.sharedWith) : undefined;
    return owner?.namespaceId ? nsById.get(owner.namespaceId) : undefined;
  };
  const ctrsOfNs = new Map<string, Container[]>();
  for (const c of containers) {
    const ns = nsOfContainer(c);
    if (ns) ctrsOfNs.set(ns.id, [...(ctrsOfNs.get(ns.id) ?? []), c]);
  }
  for (const ns of s.namespaces) for (const cid of ns.containers) {
    const c = ctrById.get(cid);
    const list = ctrsOfNs.get(ns.id) ?? [];
    if (c && !list.includes(c)) ctrsOfNs.set(ns.id, [...list, c]);
  }
  // The owner (not `container:X`) first, so a box reads "lab-api + lab-sidecar".
  for (const list of ctrsOfNs.values()) {
    list.sort((a, b) => +(a.networkMode.kind === 'container') - +(b.networkMode.kind === 'container') || a.name.localeCompare(b.name));
  }

  const nsNets = (ns: Namespace): Set<string> => {
    const out = new Set<string>();
    for (const c of ctrsOfNs.get(ns.id) ?? []) for (const e of c.endpoints) out.add(e.networkId);
    // The host box holds only host-mode containers, so the host-side veths' networks are not its own.
    if (ns.id !== hostNs?.id) for (const i of ns.interfaces) for (const n of ifaceNets.get(ifKey(ns.id, i.ifindex)) ?? []) out.add(n);
    return out;
  };
  const ctrNetsCache = new Map<string, string[]>();
  const ctrNets = (c: Container): string[] => {
    let nets = ctrNetsCache.get(c.id);
    if (nets) return nets;
    nets = [...new Set(c.endpoints.map((e) => e.networkId))];
    // `container:X` has no endpoints of its own; it is reachable on whatever networks its namespace is on.
    if (nets.length === 0) {
      const ns = nsOfContainer(c);
      if (ns && ns.id !== hostNs?.id) nets = [...nsNets(ns)];
    }
    ctrNetsCache.set(c.id, nets.sort());
    return nets;
  };

  // --- interfaces ---------------------------------------------------------------------------------------------
  const defaultDevs = new Set<string>();
  for (const r of hostNs?.routes ?? []) {
    const isDefault = r.dst === 'default' || r.dst === '0.0.0.0/0' || r.dst === '::/0';
    if (isDefault && r.dev && (r.type === null || r.type === 'unicast')) defaultDevs.add(r.dev);
  }
  const hasBridgePorts = (ns: Namespace, br: Interface) =>
    (br.bridge?.ports.length ?? 0) > 0 || ns.interfaces.some((i) => i.master === br.name);

  for (const ns of s.namespaces) {
    const inHost = ns.id === hostNs?.id;
    for (const i of ns.interfaces) {
      const id = ifaceNodeId(i);
      let kind: NodeKind;
      if (i.kind === 'veth') kind = 'veth';
      else if (inHost && i.kind === 'bridge') kind = 'bridge';
      else if (inHost && i.kind !== 'loopback' && (i.kind === 'physical' || defaultDevs.has(i.name))) kind = 'uplink';
      else kind = 'interface';
      const state = linkState(i);
      const addrs = i.addresses.filter((a) => !isLinkLocal6(a)).map((a) => `${a.address}/${a.prefixlen}`);
      const bridgeNets = kind === 'bridge' ? netsOfBridge.get(i.name) ?? [] : [];
      const label = kind === 'bridge' ? bridgeLabel(i.name, bridgeNets) : i.name;
      // Top-level things get their MTU (it matters on the host path); a namespace's own interfaces their addresses.
      // A bridge named after its network says its kernel name second.
      const detail = inHost
        ? [label !== i.name ? i.name : '', addrs.join(', '), `MTU ${i.mtu}`].filter(Boolean).join(' · ')
        : addrs.length > 0 ? addrs.join(', ') : `MTU ${i.mtu}`;
      const nets = kind === 'bridge'
        ? (netsOfBridge.get(i.name) ?? []).map((n) => n.id)
        : [...(ifaceNets.get(ifKey(ns.id, i.ifindex)) ?? [])];
      nodes.set(id, {
        id,
        kind,
        label,
        detail,
        parent: inHost ? null : ids.namespace(ns.id),
        state,
        dimmed: state === 'down' || (kind === 'bridge' && !hasBridgePorts(ns, i)),
        ref: { type: 'interface', namespaceId: ns.id, ifindex: i.ifindex },
        networks: nets.sort(),
        search: tokens(
          i.name, i.linkKind, i.mac,
          i.addresses.flatMap((a) => addressTokens({ address: a.address, prefixlen: a.prefixlen })),
          netNames(nets),
          bridgeNets.flatMap((n) => [n.id, short(n.id), ...n.subnets.map((sn) => sn.subnet)]),
        ),
        tags: i.kind === 'loopback' ? ['loopback'] : [],
      });
    }
  }

  // --- namespaces ---------------------------------------------------------------------------------------------
  for (const ns of s.namespaces) {
    const ctrs = ctrsOfNs.get(ns.id) ?? [];
    const isHost = ns.id === hostNs?.id;
    if (isHost && ctrs.length === 0) continue;
    const id = ids.namespace(ns.id);
    // The host's box holds only host-mode containers: it is named for what it is, not for them.
    const label = isHost ? 'host network namespace' : namespaceLabel(s, ns.id);
    const sandbox = dockerSandboxOfNamespace(ns, s.docker?.networks ?? []);
    const kindWord = sandbox
      ? `swarm ${sandbox.role === 'overlay' ? 'overlay network' : sandbox.role} namespace ${ns.name}`
      : { host: 'host', container: 'container sandbox', named: `ip netns ${ns.name ?? ''}`.trim(), other: 'namespace' }[ns.kind];
    const tags = new Set<string>();
    if (isHost) tags.add('host-mode');
    for (const c of ctrs) if (c.networkMode.kind === 'none') tags.add('none-mode');
    nodes.set(id, {
      id,
      kind: 'namespace',
      label,
      detail: `${kindWord} · netns ${ns.inode}`,
      parent: null,
      state: 'n/a',
      dimmed: ctrs.length > 0 && ctrs.every((c) => c.state !== 'running'),
      ref: { type: 'namespace', namespaceId: ns.id },
      networks: [...nsNets(ns)].sort(),
      search: tokens(ns.id, ns.inode, ns.name, ns.path, ctrs.flatMap((c) => [c.name, c.id, short(c.id)])),
      tags: [...tags],
    });
  }

  // --- containers and their published ports --------------------------------------------------------------------
  for (const c of containers) {
    const id = ids.container(c.id);
    const ns = nsOfContainer(c);
    const mode = c.networkMode;
    let detail: string;
    if (mode.kind === 'host' || mode.kind === 'none') detail = mode.kind;
    else if (mode.kind === 'container') {
      const owner = mode.sharedWith ? ctrById.get(mode.sharedWith) : undefined;
      detail = `container:${owner?.name ?? (mode.sharedWith ? short(mode.sharedWith) : mode.raw.replace(/^container:/, ''))}`;
    } else {
      const legs = c.endpoints.map((e) => `${e.networkName} · ${e.ipv4 ?? e.ipv6 ?? 'no address'}`);
      detail = legs.length > 0 ? legs.join(', ') : mode.raw;
    }
    if (c.state !== 'running') detail += ` · ${c.state}`;
    const tags: string[] = mode.kind === 'host' ? ['host-mode'] : mode.kind === 'none' ? ['none-mode'] : [];
    // A swarm task's container: its service and task are its parents in swarm's terms.
    if (c.swarm) {
      detail = `task ${c.swarm.taskName ?? short(c.swarm.taskId)} of service ${c.swarm.serviceName} · ${detail}`;
      tags.push('swarm-task');
    }
    nodes.set(id, {
      id,
      kind: 'container',
      label: c.name,
      detail,
      parent: ns ? ids.namespace(ns.id) : null,
      state: 'n/a',
      dimmed: c.state !== 'running',
      ref: { type: 'container', containerId: c.id },
      networks: ctrNets(c),
      search: tokens(
        c.name, c.id, short(c.id), c.image, c.state, mode.raw, c.composeProject, c.composeService,
        c.swarm?.serviceName, c.swarm?.taskId,
        c.endpoints.flatMap((e) => [
          e.networkName, e.mac, ...e.aliases,
          ...addressTokens({ address: e.ipv4, prefixlen: e.ipv4PrefixLen }),
          ...addressTokens({ address: e.ipv6, prefixlen: e.ipv6PrefixLen }),
        ]),
        c.ports.flatMap((p) => [p.containerPort, `${p.containerPort}/${p.protocol}`, p.hostPort, `${p.hostIp}:${p.hostPort}`, hostPortText(p.hostIp, p.hostPort)]),
      ),
      tags,
    });
    for (const p of c.ports) {
      const pid = ids.port(c.id, p.hostIp, p.hostPort, p.protocol);
      nodes.set(pid, {
        id: pid,
        kind: 'port',
        label: `${hostPortText(p.hostIp, p.hostPort)}→${p.containerPort}/${p.protocol}`,
        detail: c.name,
        parent: null,
        state: 'n/a',
        dimmed: c.state !== 'running',
        ref: { type: 'port', containerId: c.id, hostIp: p.hostIp, hostPort: p.hostPort, protocol: p.protocol },
        networks: ctrNets(c),
        search: tokens(
          p.hostPort, `${p.hostIp}:${p.hostPort}`, hostPortText(p.hostIp, p.hostPort), p.hostIp, p.containerPort,
          `${p.containerPort}/${p.protocol}`, p.protocol, c.name,
        ),
        tags: [],
      });
      addEdge('port-map', pid, id);
    }
  }

  // --- docker-proxy ---------------------------------------------------------------------------------------------
  const portsByBinding = new Map<string, { id: string; containerId: string }[]>();
  for (const c of containers) for (const p of c.ports) {
    const k = `${p.hostIp}|${p.hostPort}|${p.protocol}`;
    portsByBinding.set(k, [...(portsByBinding.get(k) ?? []), { id: ids.port(c.id, p.hostIp, p.hostPort, p.protocol), containerId: c.id }]);
  }
  for (const p of s.dockerProxies) {
    const id = ids.proxy(p.pid);
    const candidates = portsByBinding.get(`${p.hostIp}|${p.hostPort}|${p.protocol}`) ?? [];
    const port = candidates.find((x) => x.containerId === p.containerId) ?? (candidates.length === 1 ? candidates[0] : undefined);
    const owner = ctrById.get(p.containerId ?? port?.containerId ?? '');
    nodes.set(id, {
      id,
      kind: 'proxy',
      label: 'docker-proxy',
      detail: `pid ${p.pid} · ${hostPortText(p.hostIp, p.hostPort)}/${p.protocol} → ${hostPortText(p.containerIp, p.containerPort)}`,
      parent: null,
      state: 'n/a',
      dimmed: false,
      ref: { type: 'proxy', pid: p.pid },
      networks: owner ? ctrNets(owner) : [],
      search: tokens(
        'docker-proxy', p.pid, p.hostPort, `${p.hostIp}:${p.hostPort}`, hostPortText(p.hostIp, p.hostPort), p.containerIp,
        hostPortText(p.containerIp, p.containerPort), p.containerPort, owner?.name,
      ),
      tags: [],
    });
    if (port) addEdge('proxy', port.id, id);
  }

  // --- interface edges ----------------------------------------------------------------------------------------
  for (const ns of s.namespaces) {
    const bridges = new Map(ns.interfaces.filter((i) => i.kind === 'bridge').map((b) => [b.name, b]));
    for (const i of ns.interfaces) {
      if (i.kind === 'veth' && i.peer) {
        const peer = ifaceByKey.get(ifKey(i.peer.namespaceId, i.peer.ifindex));
        if (peer) addEdge('veth', ifaceNodeId(i), ifaceNodeId(peer));
      }
      const master = i.master ? bridges.get(i.master) : undefined;
      if (master) addEdge('bridge-port', ifaceNodeId(master), ifaceNodeId(i));
    }
  }

  // A macvlan/ipvlan endpoint's interface hangs off the network's parent in the host (Docker's `parent` option).
  for (const c of containers) for (const e of c.endpoints) {
    const parent = (e.driver === 'macvlan' || e.driver === 'ipvlan') && e.containerInterface ? netById.get(e.networkId)?.options.parent : undefined;
    const parentIf = parent ? hostNs?.interfaces.find((i) => i.name === parent) : undefined;
    const child = e.containerInterface ? ifaceByKey.get(ifKey(e.containerInterface.namespaceId, e.containerInterface.ifindex)) : undefined;
    if (parentIf && child) addEdge('parent', ifaceNodeId(child), ifaceNodeId(parentIf));
  }

  // Traffic from a docker bridge that is not `internal` leaves through whatever carries the default route.
  if (hostNs) {
    const uplinks = hostNs.interfaces.filter((i) => defaultDevs.has(i.name)).map(ifaceNodeId);
    for (const n of networks) {
      if (n.driver !== 'bridge' || !n.bridge || n.internal) continue;
      for (const u of uplinks) if (u !== ids.bridge(n.bridge)) addEdge('uplink', ids.bridge(n.bridge), u);
    }
  }

  // Boxes first (so a renderer painting in order draws them under their children), then by kind and id.
  const byKindThenId = <T extends { id: string }>(rank: (x: T) => number) => (a: T, b: T) =>
    rank(a) - rank(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    nodes: [...nodes.values()].sort(byKindThenId((n) => KIND_RANK[n.kind])),
    edges: [...edges.values()].sort(byKindThenId(() => 0)),
  };
}
