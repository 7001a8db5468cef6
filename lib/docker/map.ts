import type { Container, DockerNetwork, Endpoint, NetworkModeKind, PublishedPort } from '../snapshot/schema';
import { shortId } from '../snapshot/names';

/**
 * The fields of Docker's API answers that netatlas reads. Everything else (notably Config.Env) is dropped at this
 * boundary: it is never copied into a snapshot.
 */
export interface ApiNetwork {
  Id: string;
  Name: string;
  Driver: string;
  Scope?: string;
  Internal?: boolean;
  Attachable?: boolean;
  EnableIPv6?: boolean;
  IPAM?: { Config?: { Subnet?: string; Gateway?: string; IPRange?: string }[] | null };
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

export interface ApiEndpoint {
  NetworkID?: string;
  EndpointID?: string;
  Gateway?: string;
  IPAddress?: string;
  IPPrefixLen?: number;
  IPv6Gateway?: string;
  GlobalIPv6Address?: string;
  GlobalIPv6PrefixLen?: number;
  MacAddress?: string;
  Aliases?: string[] | null;
  DNSNames?: string[] | null;
}

export interface ApiContainerInspect {
  Id: string;
  Name: string; // with a leading slash
  Config?: { Image?: string; Labels?: Record<string, string> | null };
  State?: { Status?: string; Pid?: number };
  HostConfig?: { NetworkMode?: string };
  NetworkSettings?: {
    SandboxKey?: string;
    Ports?: Record<string, { HostIp: string; HostPort: string }[] | null> | null;
    Networks?: Record<string, ApiEndpoint> | null;
  };
}

const BRIDGE_NAME_OPT = 'com.docker.network.bridge.name';

export function bridgeNameOf(n: ApiNetwork): string | null {
  if (n.Driver !== 'bridge') return null;
  const opt = n.Options?.[BRIDGE_NAME_OPT];
  if (opt) return opt;
  // Docker names user bridges after the first 12 hex digits of the network id.
  return n.Name === 'bridge' ? 'docker0' : `br-${shortId(n.Id)}`;
}

// Docker reads these options with Go's strconv.ParseBool, so "0", "f", "F", "FALSE" and "False" are false too.
const FALSE_VALUES = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);
const boolOpt = (opts: Record<string, string>, key: string): boolean | null =>
  key in opts ? !FALSE_VALUES.has(opts[key]) : null;

export function mapNetwork(n: ApiNetwork, containerIds: string[]): DockerNetwork {
  const options = { ...(n.Options ?? {}) };
  const isBridge = n.Driver === 'bridge';
  return {
    id: n.Id,
    name: n.Name,
    driver: n.Driver,
    scope: n.Scope ?? 'local',
    internal: n.Internal ?? false,
    attachable: n.Attachable ?? false,
    ipv6: n.EnableIPv6 ?? false,
    subnets: (n.IPAM?.Config ?? [])
      .filter((c) => c.Subnet)
      .map((c) => ({ subnet: c.Subnet!, gateway: c.Gateway || null, ipRange: c.IPRange || null })),
    options,
    bridge: bridgeNameOf(n),
    // Both default to enabled when the option is absent.
    icc: isBridge ? (boolOpt(options, 'com.docker.network.bridge.enable_icc') ?? true) : null,
    masquerade: isBridge ? (boolOpt(options, 'com.docker.network.bridge.enable_ip_masquerade') ?? true) : null,
    composeProject: n.Labels?.['com.docker.compose.project'] ?? null,
    containers: containerIds,
  };
}

/**
 * A macvlan or ipvlan network's mode, with Docker's defaults: macvlan `bridge` (children talk to each other
 * directly; also private, vepa, passthru), ipvlan `l2` (also l3, l3s: the parent routes, no ARP on the wire).
 * null for other drivers.
 */
export function lowerMode(n: Pick<DockerNetwork, 'driver' | 'options'>): string | null {
  if (n.driver === 'macvlan') return n.options.macvlan_mode || 'bridge';
  if (n.driver === 'ipvlan') return n.options.ipvlan_mode || 'l2';
  return null;
}

/** "default", "bridge", "host", "none", "container:X", or a network name/id. */
export function networkModeOf(
  raw: string,
  networks: ApiNetwork[],
  resolveContainer: (ref: string) => string | null,
): Container['networkMode'] {
  if (raw === 'default' || raw === 'bridge') return { kind: 'bridge', raw, sharedWith: null };
  if (raw === 'host' || raw === 'none') return { kind: raw, raw, sharedWith: null };
  if (raw.startsWith('container:')) return { kind: 'container', raw, sharedWith: resolveContainer(raw.slice(10)) };
  // Like Docker: an exact id, then an exact name, then an id prefix.
  const net =
    networks.find((n) => n.Id === raw) ?? networks.find((n) => n.Name === raw) ?? networks.find((n) => n.Id.startsWith(raw));
  const byDriver: Record<string, NetworkModeKind> = { bridge: 'user', macvlan: 'macvlan', ipvlan: 'ipvlan', overlay: 'overlay' };
  return { kind: net ? (byDriver[net.Driver] ?? 'other') : 'other', raw, sharedWith: null };
}

export function mapPorts(ports: NonNullable<ApiContainerInspect['NetworkSettings']>['Ports']): PublishedPort[] {
  const out: PublishedPort[] = [];
  for (const [key, bindings] of Object.entries(ports ?? {})) {
    const [port, proto] = key.split('/');
    for (const b of bindings ?? []) {
      out.push({
        containerPort: Number(port),
        protocol: (proto as PublishedPort['protocol']) ?? 'tcp',
        hostIp: b.HostIp || '0.0.0.0',
        hostPort: Number(b.HostPort),
      });
    }
  }
  return out.sort((a, b) => a.hostPort - b.hostPort || a.hostIp.localeCompare(b.hostIp));
}

export function mapEndpoints(inspect: ApiContainerInspect, networks: ApiNetwork[]): Endpoint[] {
  return Object.entries(inspect.NetworkSettings?.Networks ?? {}).map(([name, e]) => {
    const net = networks.find((n) => n.Id === e.NetworkID) ?? networks.find((n) => n.Name === name);
    const aliases = [...new Set([...(e.Aliases ?? []), ...(e.DNSNames ?? [])])];
    return {
      networkId: e.NetworkID ?? net?.Id ?? '',
      networkName: name,
      driver: net?.Driver ?? null,
      endpointId: e.EndpointID ?? '',
      ipv4: e.IPAddress || null,
      ipv4PrefixLen: e.IPAddress ? (e.IPPrefixLen ?? null) : null,
      ipv6: e.GlobalIPv6Address || null,
      ipv6PrefixLen: e.GlobalIPv6Address ? (e.GlobalIPv6PrefixLen ?? null) : null,
      mac: e.MacAddress || null,
      gateway: e.Gateway || null,
      ipv6Gateway: e.IPv6Gateway || null,
      aliases,
      containerInterface: null,
      hostInterface: null,
      bridge: null,
    };
  });
}

export function mapContainer(
  inspect: ApiContainerInspect,
  networks: ApiNetwork[],
  resolveContainer: (ref: string) => string | null,
  namespaceId: string | null,
): Container {
  const labels = inspect.Config?.Labels ?? {};
  const pid = inspect.State?.Pid;
  return {
    id: inspect.Id,
    name: inspect.Name.replace(/^\//, ''),
    image: inspect.Config?.Image ?? '',
    state: inspect.State?.Status ?? 'unknown',
    networkMode: networkModeOf(inspect.HostConfig?.NetworkMode ?? 'default', networks, resolveContainer),
    pid: pid && pid > 0 ? pid : null,
    namespaceId,
    sandboxKey: inspect.NetworkSettings?.SandboxKey || null,
    endpoints: mapEndpoints(inspect, networks),
    ports: mapPorts(inspect.NetworkSettings?.Ports),
    composeProject: labels['com.docker.compose.project'] ?? null,
    composeService: labels['com.docker.compose.service'] ?? null,
    swarm: swarmTaskOf(labels),
  };
}

/** The service and task a swarm task's container belongs to, from the labels swarm gives it. */
export function swarmTaskOf(labels: Record<string, string>): Container['swarm'] {
  const serviceId = labels['com.docker.swarm.service.id'];
  const serviceName = labels['com.docker.swarm.service.name'];
  const taskId = labels['com.docker.swarm.task.id'];
  if (!serviceId || !serviceName || !taskId) return null;
  return { serviceId, serviceName, taskId, taskName: labels['com.docker.swarm.task.name'] ?? null };
}


/** docker-proxy's command line: `-proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip 172.17.0.2 -container-port 80`. */
export function parseDockerProxyArgs(argv: string[]): {
  protocol: string; hostIp: string; hostPort: number; containerIp: string; containerPort: number;
} | null {
  const get = (flag: string) => {
    const i = argv.findIndex((a) => a === `-${flag}` || a === `--${flag}`);
    // A value never starts with '-': that would be the next flag, the value being missing.
    if (i >= 0) return argv[i + 1]?.startsWith('-') ? undefined : argv[i + 1];
    const eq = argv.find((a) => a.startsWith(`-${flag}=`) || a.startsWith(`--${flag}=`));
    return eq?.slice(eq.indexOf('=') + 1);
  };
  // Number('') is 0 and Number('0x50') is 80: accept only decimal digits.
  const port = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : NaN);
  const protocol = get('proto');
  const hostIp = get('host-ip');
  const hostPort = port(get('host-port'));
  const containerIp = get('container-ip');
  const containerPort = port(get('container-port'));
  if (!protocol || !hostIp || !containerIp || !Number.isInteger(hostPort) || !Number.isInteger(containerPort)) return null;
  return { protocol, hostIp, hostPort, containerIp, containerPort };
}
