import type { Container, DockerNetwork, Interface, Namespace, Snapshot } from '../snapshot/schema';
import { interfaceId, namespaceId, SCHEMA_VERSION } from '../snapshot/schema';

/**
 * Hand-built snapshots for the topology tests and the layout bench: a host, bridges, and containers joined the way
 * the collector joins them (veth peers both ways, bridge ports, endpoint joins, docker-proxies).
 */

const hex = (n: number, len: number) => n.toString(16).padStart(len, '0').slice(-len);
const up = ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'];

function iface(ns: Namespace, p: Partial<Interface> & Pick<Interface, 'ifindex' | 'name' | 'kind'>): Interface {
  const i: Interface = {
    id: interfaceId(ns.id, p.ifindex), namespaceId: ns.id, linkKind: p.kind === 'veth' || p.kind === 'bridge' ? p.kind : null,
    mac: null, mtu: 1500, flags: up, operstate: 'UP', master: null, addresses: [], peer: null, parent: null, bridge: null, ...p,
  };
  ns.interfaces.push(i);
  return i;
}

function namespace(inode: number, kind: Namespace['kind'], name: string | null): Namespace {
  return { id: namespaceId(inode), inode, kind, path: null, name, containers: [], interfaces: [], routes: [], netfilter: null };
}

const loopback = (ns: Namespace) =>
  iface(ns, { ifindex: 1, name: 'lo', kind: 'loopback', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], operstate: 'UNKNOWN', mtu: 65536,
    addresses: [{ family: 'inet', address: '127.0.0.1', prefixlen: 8, scope: 'host' }] });

/** An empty host: lo, a physical eth0 carrying the default route, and nothing else. */
export function emptySnapshot(): Snapshot {
  const host = namespace(4026531833, 'host', null);
  loopback(host);
  iface(host, { ifindex: 2, name: 'eth0', kind: 'physical', mac: '02:00:00:00:00:01',
    addresses: [{ family: 'inet', address: '192.0.2.2', prefixlen: 24, scope: 'global' }] });
  host.routes.push({ family: 'inet', dst: 'default', gateway: '192.0.2.1', dev: 'eth0', protocol: null, scope: null, prefsrc: null, metric: null, type: 'unicast' });
  return {
    schemaVersion: SCHEMA_VERSION,
    host: {
      hostname: 'synthetic', kernel: '6.1.0', collectedAt: '2025-01-01T00:00:00.000Z', collectionMs: 1,
      docker: { reachable: true, endpoint: 'unix:///var/run/docker.sock', version: null, apiVersion: null },
      iptables: { active: 'nf_tables', version: null, legacyHasRules: false, nftHasRules: true, warning: null },
      sysctls: { ipv4Forward: 1, ipv6Forward: 0, bridgeNfCallIptables: 1, bridgeNfCallIp6tables: 1, routeLocalnet: {} },
      problems: [],
    },
    namespaces: [host],
    docker: { networks: [], containers: [] },
    dockerProxies: [],
  };
}

const hostNs = (s: Snapshot) => s.namespaces.find((n) => n.kind === 'host')!;
const nextIfindex = (ns: Namespace) => Math.max(0, ...ns.interfaces.map((i) => i.ifindex)) + 1;

/** A bridge network: the docker network and its Linux bridge in the host namespace (docker0 for `bridge`). */
export function addNetwork(s: Snapshot, name: string, octet: number): DockerNetwork {
  const id = hex(0xabc000 + octet, 6).repeat(11).slice(0, 64);
  const bridgeName = name === 'bridge' ? 'docker0' : `br-${id.slice(0, 12)}`;
  const host = hostNs(s);
  iface(host, { ifindex: nextIfindex(host), name: bridgeName, kind: 'bridge', bridge: { stp: false, vlanFiltering: false, ports: [] },
    addresses: [{ family: 'inet', address: `198.18.${octet}.1`, prefixlen: 24, scope: 'global' }] });
  const n: DockerNetwork = {
    id, name, driver: 'bridge', scope: 'local', internal: false, attachable: false, ipv6: false,
    subnets: [{ subnet: `198.18.${octet}.0/24`, gateway: `198.18.${octet}.1`, ipRange: null }], options: {},
    bridge: bridgeName, icc: true, masquerade: true, composeProject: null, containers: [],
  };
  s.docker!.networks.push(n);
  return n;
}

export interface NewContainer {
  name: string;
  /** Unique small number: derives the container id, namespace inode and addresses. */
  n: number;
  networks: DockerNetwork[];
  ports?: { containerPort: number; hostPort: number; hostIp?: string }[];
  state?: string;
}

/** A container with its own namespace, one veth pair per network (eth0, eth1…), endpoints and docker-proxies. */
export function addContainer(s: Snapshot, c: NewContainer): Container {
  const id = hex(0x5eed0000 + c.n, 8).repeat(8);
  const ns = namespace(4026600000 + c.n, 'container', id.slice(0, 12));
  ns.containers.push(id);
  loopback(ns);
  s.namespaces.push(ns);
  const ctr: Container = {
    id, name: c.name, image: 'busybox:1', state: c.state ?? 'running',
    networkMode: { kind: c.networks[0]?.name === 'bridge' ? 'bridge' : 'user', raw: c.networks[0]?.name ?? 'none', sharedWith: null },
    pid: 10000 + c.n, namespaceId: ns.id, sandboxKey: null, endpoints: [], ports: [], composeProject: null, composeService: null,
  };
  for (const net of c.networks) connectNetwork(s, ctr, net, c.n);
  for (const [k, p] of (c.ports ?? []).entries()) {
    const hostIp = p.hostIp ?? '0.0.0.0';
    ctr.ports.push({ containerPort: p.containerPort, protocol: 'tcp', hostIp, hostPort: p.hostPort });
    s.dockerProxies.push({ pid: 200000 + c.n * 10 + k, protocol: 'tcp', hostIp, hostPort: p.hostPort,
      containerIp: ctr.endpoints[0]?.ipv4 ?? '', containerPort: p.containerPort, containerId: id });
  }
  s.docker!.containers.push(ctr);
  return ctr;
}

/** `docker network connect`: a new veth pair (ethN inside, vethXXXX on the bridge) and an endpoint. */
export function connectNetwork(s: Snapshot, ctr: Container, net: DockerNetwork, n: number): void {
  const host = hostNs(s);
  const ns = s.namespaces.find((x) => x.id === ctr.namespaceId)!;
  const k = ctr.endpoints.length;
  const bridge = host.interfaces.find((i) => i.name === net.bridge)!;
  const subnet = net.subnets[0].subnet.split('.').slice(0, 3).join('.');
  const ip = `${subnet}.${2 + ((n * 7 + k) % 250)}`;
  const mac = `02:42:${hex(n >> 8, 2)}:${hex(n, 2)}:00:${hex(k, 2)}`;
  const inner = iface(ns, { ifindex: nextIfindex(ns) + 100, name: `eth${k}`, kind: 'veth', mac,
    addresses: [{ family: 'inet', address: ip, prefixlen: 24, scope: 'global' }] });
  const outer = iface(host, { ifindex: nextIfindex(host), name: `veth${hex(n * 16 + k, 7)}`, kind: 'veth', master: bridge.name,
    mac: `0a:${mac.slice(3)}` });
  inner.peer = { namespaceId: host.id, ifindex: outer.ifindex, name: outer.name };
  outer.peer = { namespaceId: ns.id, ifindex: inner.ifindex, name: inner.name };
  bridge.bridge!.ports.push(outer.name);
  net.containers.push(ctr.id);
  ctr.endpoints.push({
    networkId: net.id, networkName: net.name, driver: 'bridge', endpointId: hex(n * 16 + k, 64), ipv4: ip, ipv4PrefixLen: 24,
    ipv6: null, ipv6PrefixLen: null, mac, gateway: `${subnet}.1`, ipv6Gateway: null, aliases: net.name === 'bridge' ? [] : [ctr.name],
    containerInterface: { namespaceId: ns.id, ifindex: inner.ifindex, name: inner.name },
    hostInterface: { namespaceId: host.id, ifindex: outer.ifindex, name: outer.name },
    bridge: bridge.name,
  });
}

/** `--network container:<owner>`: joins the owner's namespace, no endpoints of its own. */
export function addSidecar(s: Snapshot, name: string, n: number, owner: Container): Container {
  const id = hex(0x51de0000 + n, 8).repeat(8);
  const ctr: Container = {
    id, name, image: 'busybox:1', state: 'running', networkMode: { kind: 'container', raw: `container:${owner.id}`, sharedWith: owner.id },
    pid: 30000 + n, namespaceId: owner.namespaceId, sandboxKey: null, endpoints: [], ports: [], composeProject: null, composeService: null,
  };
  s.namespaces.find((x) => x.id === owner.namespaceId)!.containers.push(id);
  s.docker!.containers.push(ctr);
  return ctr;
}

/** `--network none` (own namespace with only lo) or `--network host` (the host namespace). */
export function addModeContainer(s: Snapshot, name: string, n: number, mode: 'none' | 'host'): Container {
  const id = hex(0x30de0000 + n, 8).repeat(8);
  let ns = hostNs(s);
  if (mode === 'none') {
    ns = namespace(4026700000 + n, 'container', id.slice(0, 12));
    loopback(ns);
    s.namespaces.push(ns);
  }
  ns.containers.push(id);
  const ctr: Container = {
    id, name, image: 'busybox:1', state: 'running', networkMode: { kind: mode, raw: mode, sharedWith: null },
    pid: 40000 + n, namespaceId: ns.id, sandboxKey: null, ports: [], composeProject: null, composeService: null,
    endpoints: [{
      networkId: `${mode}-network`, networkName: mode, driver: mode === 'none' ? 'null' : 'host', endpointId: hex(n, 64), ipv4: null,
      ipv4PrefixLen: null, ipv6: null, ipv6PrefixLen: null, mac: null, gateway: null, ipv6Gateway: null, aliases: [],
      containerInterface: null, hostInterface: null, bridge: null,
    }],
  };
  s.docker!.containers.push(ctr);
  return ctr;
}

/** Remove a container (and a namespace that only it used, with the host-side ends of its veths). */
export function removeContainer(s: Snapshot, name: string): void {
  const c = s.docker!.containers.find((x) => x.name === name)!;
  s.docker!.containers = s.docker!.containers.filter((x) => x !== c);
  for (const n of s.docker!.networks) n.containers = n.containers.filter((x) => x !== c.id);
  const ns = s.namespaces.find((x) => x.id === c.namespaceId);
  if (!ns) return;
  ns.containers = ns.containers.filter((x) => x !== c.id);
  if (ns.containers.length > 0 || ns.kind !== 'container') return;
  s.namespaces = s.namespaces.filter((x) => x !== ns);
  const host = hostNs(s);
  const gone = new Set(ns.interfaces.flatMap((i) => (i.peer?.namespaceId === host.id ? [i.peer.ifindex] : [])));
  const names = new Set(host.interfaces.filter((i) => gone.has(i.ifindex)).map((i) => i.name));
  host.interfaces = host.interfaces.filter((i) => !gone.has(i.ifindex));
  for (const b of host.interfaces) if (b.bridge) b.bridge.ports = b.bridge.ports.filter((p) => !names.has(p));
  s.dockerProxies = s.dockerProxies.filter((p) => p.containerId !== c.id);
}

/**
 * A busy host: `containers` containers over a few bridges; every 10th also on a second network, every 15th with a
 * `container:X` sidecar (counted), every 8th publishing a port, a couple in none/host mode. With `projects`, the
 * app containers belong to that many compose projects (`project-0`…, round robin; a sidecar in its owner's), except
 * the first `loose` ones, which belong to none (a busy host is rarely all compose: bench:live's has 50 such).
 */
export function syntheticSnapshot(containers: number, networkCount = 6, projects = 0, loose = 0): Snapshot {
  const s = emptySnapshot();
  const nets = [addNetwork(s, 'bridge', 0)];
  for (let k = 1; k < networkCount; k++) nets.push(addNetwork(s, `net-${k}`, k));
  addModeContainer(s, 'solo-none', 1, 'none');
  addModeContainer(s, 'solo-host', 2, 'host');
  let made = 2;
  for (let i = 0; made < containers; i++) {
    const primary = nets[i % nets.length];
    const networks = i % 10 === 9 ? [primary, nets[(i + 1) % nets.length]] : [primary];
    const ports = i % 8 === 0 ? [{ containerPort: 80, hostPort: 20000 + i }] : [];
    const c = addContainer(s, { name: `app-${String(i).padStart(3, '0')}`, n: i, networks, ports });
    if (projects > 0 && i >= loose) {
      c.composeProject = `project-${i % projects}`;
      c.composeService = `svc-${i}`;
    }
    made++;
    if (i % 15 === 14 && made < containers) {
      const side = addSidecar(s, `app-${String(i).padStart(3, '0')}-sidecar`, i, c);
      side.composeProject = c.composeProject;
      made++;
    }
  }
  return s;
}
