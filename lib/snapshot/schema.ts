import { z } from 'zod';
import { Netfilter } from './netfilter-schema';

export * from './netfilter-schema';

/**
 * The snapshot: one self-contained, validated picture of a host's network at one moment.
 * Every other part of netatlas (graph, rule panels, packet paths, diffs, storage) reads only this.
 * Bump SCHEMA_VERSION on any incompatible change and teach `parseSnapshot` to say so.
 */
export const SCHEMA_VERSION = 1;

/** Stable ids used for joins. A namespace is identified by the inode of its nsfs file. */
export const namespaceId = (inode: number) => `netns:${inode}`;
export const interfaceId = (nsId: string, ifindex: number) => `${nsId}/if${ifindex}`;

export const Problem = z.object({
  /** What was being read: docker, netlink, iptables, ip6tables, nftables, sysctl, proc, namespace … */
  source: z.string(),
  /** The object concerned (namespace id, container id/name, path) when there is one. */
  subject: z.string().nullable(),
  severity: z.enum(['error', 'warning', 'info', 'debug']),
  message: z.string(),
});
export type Problem = z.infer<typeof Problem>;

export const IptablesBackend = z.object({
  /** The backend `iptables` on this host writes to. */
  active: z.enum(['legacy', 'nf_tables', 'unknown']),
  version: z.string().nullable(),
  legacyHasRules: z.boolean().nullable(),
  nftHasRules: z.boolean().nullable(),
  /** Set when both backends hold rules: the kernel applies both, so what one tool shows is not the whole story. */
  warning: z.string().nullable(),
});
export type IptablesBackend = z.infer<typeof IptablesBackend>;

export const Sysctls = z.object({
  ipv4Forward: z.number().int().nullable(),
  ipv6Forward: z.number().int().nullable(),
  /** null when br_netfilter is not loaded: bridged frames then never see iptables. */
  bridgeNfCallIptables: z.number().int().nullable(),
  bridgeNfCallIp6tables: z.number().int().nullable(),
  /** route_localnet per bridge (docker sets it to 1 on bridges publishing on 127.0.0.1 in some versions). */
  routeLocalnet: z.record(z.string(), z.number().int()),
});
export type Sysctls = z.infer<typeof Sysctls>;

export const Host = z.object({
  hostname: z.string(),
  kernel: z.string(),
  collectedAt: z.string(), // ISO 8601
  /** How long the collection took, in milliseconds. */
  collectionMs: z.number().nonnegative(),
  docker: z
    .object({
      reachable: z.boolean(),
      endpoint: z.string(),
      version: z.string().nullable(),
      apiVersion: z.string().nullable(),
    }),
  iptables: IptablesBackend,
  sysctls: Sysctls,
  problems: z.array(Problem),
});
export type Host = z.infer<typeof Host>;

export const Address = z.object({
  family: z.enum(['inet', 'inet6']),
  address: z.string(),
  prefixlen: z.number().int(),
  scope: z.string().nullable(),
});
export type Address = z.infer<typeof Address>;

export const InterfaceKind = z.enum([
  'loopback', 'physical', 'bridge', 'veth', 'macvlan', 'ipvlan', 'vxlan', 'dummy', 'tun', 'tap', 'wireguard', 'other',
]);
export type InterfaceKind = z.infer<typeof InterfaceKind>;

/** A pointer to an interface in some namespace. */
export const InterfaceRef = z.object({ namespaceId: z.string(), ifindex: z.number().int(), name: z.string() });
export type InterfaceRef = z.infer<typeof InterfaceRef>;

export const Interface = z.object({
  id: z.string(), // interfaceId(namespaceId, ifindex)
  namespaceId: z.string(),
  ifindex: z.number().int(),
  name: z.string(),
  kind: InterfaceKind,
  /** The kernel's link kind (`ip -d link` info_kind), e.g. "veth", "bridge", "wireguard"; null for none. */
  linkKind: z.string().nullable(),
  mac: z.string().nullable(),
  mtu: z.number().int(),
  flags: z.array(z.string()),
  operstate: z.string(),
  /** Name of the bridge (or other master) this interface is enslaved to, in the same namespace. */
  master: z.string().nullable(),
  addresses: z.array(Address),
  /** For veth ends: the other end, resolved across namespaces; null if it could not be found. */
  peer: InterfaceRef.nullable(),
  /** For macvlan/ipvlan/vlan: the parent device, when it is in the same namespace. */
  parent: z.string().nullable(),
  /** Bridge details for bridges: STP and the ports enslaved to it. */
  bridge: z
    .object({ stp: z.boolean().nullable(), vlanFiltering: z.boolean().nullable(), ports: z.array(z.string()) })
    .nullable(),
});
export type Interface = z.infer<typeof Interface>;

export const Route = z.object({
  family: z.enum(['inet', 'inet6']),
  dst: z.string(), // "default" or a prefix
  gateway: z.string().nullable(),
  dev: z.string().nullable(),
  protocol: z.string().nullable(),
  scope: z.string().nullable(),
  prefsrc: z.string().nullable(),
  metric: z.number().nullable(),
  type: z.string().nullable(), // unicast, blackhole, unreachable …
});
export type Route = z.infer<typeof Route>;

/** A listening TCP socket or a bound UDP socket, with the processes holding it (pid and comm, never cmdline). */
export const Listener = z.object({
  protocol: z.enum(['tcp', 'udp']),
  family: z.enum(['inet', 'inet6']),
  address: z.string(), // canonical spelling; 0.0.0.0 / :: for any
  port: z.number().int(),
  inode: z.number().int(),
  processes: z.array(z.object({ pid: z.number().int(), comm: z.string() })),
});
export type Listener = z.infer<typeof Listener>;

/** A real server behind an IPVS virtual service (for swarm: a task's address on the service's network). */
export const IpvsReal = z.object({
  ip: z.string(),
  port: z.number().int(),
  /** Masq (NAT), Route (direct), Tunnel, … as the kernel prints it. */
  forward: z.string(),
  weight: z.number().int(),
});
export type IpvsReal = z.infer<typeof IpvsReal>;

/** An IPVS virtual service (lib/net/ipvs.ts reads the kernel's text). */
export const IpvsService = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('addr'), protocol: z.enum(['tcp', 'udp', 'sctp']), ip: z.string(), port: z.number().int(), scheduler: z.string(), reals: z.array(IpvsReal) }),
  /** Swarm's kind: the service is chosen by a firewall mark set by iptables mangle rules. */
  z.object({ kind: z.literal('fwmark'), fwmark: z.number().int(), scheduler: z.string(), reals: z.array(IpvsReal) }),
]);
export type IpvsService = z.infer<typeof IpvsService>;

export const NamespaceKind = z.enum(['host', 'container', 'named', 'other']);

export const Namespace = z.object({
  id: z.string(), // namespaceId(inode)
  inode: z.number().int(),
  kind: NamespaceKind,
  /** A path through which it was entered: /var/run/docker/netns/…, /var/run/netns/NAME, /proc/PID/ns/net. */
  path: z.string().nullable(),
  /** The `ip netns` name, or Docker's sandbox id, when it has one. */
  name: z.string().nullable(),
  /** Ids of every container whose network lives here (several with `--network container:X`). */
  containers: z.array(z.string()),
  interfaces: z.array(Interface),
  routes: z.array(Route),
  netfilter: Netfilter.nullable(),
  /**
   * Listening TCP and bound UDP sockets. null: they could not be read (a problem says why) — not "nothing
   * listens"; absent: a snapshot from a netatlas that did not read them.
   */
  listeners: z.array(Listener).nullable().optional(),
  /**
   * The IPVS table, read in swarm's load-balancing namespaces only (`ingress_sbox`, `lb_…`). null: it could not be
   * read (a problem says why, e.g. the kernel has no IPVS); absent: not a namespace where it is read.
   */
  ipvs: z.array(IpvsService).nullable().optional(),
  /** net.ipv4.ip_forward in this namespace, read where `ipvs` is (a director forwards the replies); null: unreadable. */
  ipv4Forward: z.number().int().nullable().optional(),
});
export type Namespace = z.infer<typeof Namespace>;

export const DockerNetwork = z.object({
  id: z.string(),
  name: z.string(),
  driver: z.string(),
  scope: z.string(),
  internal: z.boolean(),
  attachable: z.boolean(),
  ipv6: z.boolean(),
  subnets: z.array(z.object({ subnet: z.string(), gateway: z.string().nullable(), ipRange: z.string().nullable() })),
  options: z.record(z.string(), z.string()),
  /** The Linux bridge behind a bridge-driver network (docker0, br-<id12>, or the name option). */
  bridge: z.string().nullable(),
  /** Inter-container communication; null when the driver has no such notion. */
  icc: z.boolean().nullable(),
  masquerade: z.boolean().nullable(),
  composeProject: z.string().nullable(),
  containers: z.array(z.string()),
});
export type DockerNetwork = z.infer<typeof DockerNetwork>;

export const NetworkModeKind = z.enum(['bridge', 'user', 'host', 'none', 'container', 'macvlan', 'ipvlan', 'overlay', 'other']);
export type NetworkModeKind = z.infer<typeof NetworkModeKind>;

export const Endpoint = z.object({
  networkId: z.string(),
  networkName: z.string(),
  driver: z.string().nullable(),
  endpointId: z.string(),
  ipv4: z.string().nullable(),
  ipv4PrefixLen: z.number().int().nullable(),
  ipv6: z.string().nullable(),
  ipv6PrefixLen: z.number().int().nullable(),
  mac: z.string().nullable(),
  gateway: z.string().nullable(),
  ipv6Gateway: z.string().nullable(),
  aliases: z.array(z.string()),
  /** The join: container-side interface ↔ host-side veth ↔ bridge. Null where it does not apply or was not found. */
  containerInterface: InterfaceRef.nullable(),
  hostInterface: InterfaceRef.nullable(),
  bridge: z.string().nullable(),
});
export type Endpoint = z.infer<typeof Endpoint>;

export const PublishedPort = z.object({
  containerPort: z.number().int(),
  protocol: z.enum(['tcp', 'udp', 'sctp']),
  hostIp: z.string(),
  hostPort: z.number().int(),
});
export type PublishedPort = z.infer<typeof PublishedPort>;

/** A container's name resolution, from the host-side files Docker keeps for it (never read through the container). */
export const ContainerDns = z.object({
  /** From its resolv.conf: 127.0.0.11 is Docker's embedded DNS (user-defined networks only). */
  nameservers: z.array(z.string()),
  search: z.array(z.string()),
  options: z.array(z.string()),
  /** /etc/hosts entries beyond Docker's standard ones and the container's own name: --add-host, --link. */
  extraHosts: z.array(z.object({ address: z.string(), names: z.array(z.string()) })),
  /** What could not be read, and why (file missing, not a regular file, too large). */
  problems: z.array(z.string()),
});
export type ContainerDns = z.infer<typeof ContainerDns>;

export const Container = z.object({
  id: z.string(),
  name: z.string(),
  image: z.string(),
  state: z.string(), // running, exited, paused, created …
  networkMode: z.object({
    kind: NetworkModeKind,
    raw: z.string(),
    /** For container:X, the id of X. */
    sharedWith: z.string().nullable(),
  }),
  pid: z.number().int().nullable(),
  namespaceId: z.string().nullable(),
  sandboxKey: z.string().nullable(),
  endpoints: z.array(Endpoint),
  ports: z.array(PublishedPort),
  composeProject: z.string().nullable(),
  composeService: z.string().nullable(),
  /** Absent in snapshots from before it was collected, and for containers that are not running. */
  dns: ContainerDns.optional(),
  /** Set for a swarm task's container (from its com.docker.swarm.* labels); absent in older snapshots. */
  swarm: z
    .object({ serviceId: z.string(), serviceName: z.string(), taskId: z.string(), taskName: z.string().nullable() })
    .nullable()
    .optional(),
});
export type Container = z.infer<typeof Container>;

export const DockerProxy = z.object({
  pid: z.number().int(),
  protocol: z.string(),
  hostIp: z.string(),
  hostPort: z.number().int(),
  containerIp: z.string(),
  containerPort: z.number().int(),
  /** The container whose endpoint owns containerIp, when known. */
  containerId: z.string().nullable(),
});
export type DockerProxy = z.infer<typeof DockerProxy>;

export const Snapshot = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  host: Host,
  namespaces: z.array(Namespace),
  /** null when Docker could not be reached: the rest of the snapshot still describes the host. */
  docker: z.object({ networks: z.array(DockerNetwork), containers: z.array(Container) }).nullable(),
  dockerProxies: z.array(DockerProxy),
});
export type Snapshot = z.infer<typeof Snapshot>;

export class SnapshotFormatError extends Error {
  constructor(message: string, readonly issues: string[]) {
    super(message);
    this.name = 'SnapshotFormatError';
  }
}

/** Validate untrusted data (an import, a file) as a snapshot, with errors a person can act on. */
export function parseSnapshot(data: unknown): Snapshot {
  if (typeof data !== 'object' || data === null) throw new SnapshotFormatError('not a snapshot: expected a JSON object', []);
  const version = (data as { schemaVersion?: unknown }).schemaVersion;
  if (version !== SCHEMA_VERSION) {
    throw new SnapshotFormatError(
      version === undefined
        ? 'not a snapshot: it has no schemaVersion'
        : `unsupported snapshot schemaVersion ${JSON.stringify(version)} (this netatlas reads version ${SCHEMA_VERSION})`,
      [],
    );
  }
  const result = Snapshot.safeParse(data);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 20).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new SnapshotFormatError(`invalid snapshot: ${issues.length} problem(s), first: ${issues[0]}`, issues);
  }
  return result.data;
}
