import type { Container, DockerNetwork, Namespace, Snapshot } from './schema';
import { dockerSandboxLabel, dockerSandboxOfNamespace } from '../docker/swarm';

/**
 * How every view (graph, panels, CLI, simulator sentences, summary) names a snapshot's objects. One place, so the
 * same namespace never reads "a + b" in one view and "a, b" in another.
 *
 * - a container: its name, else its short id;
 * - a namespace: `the host`; the containers in it, owner first then `container:X` sharers (`lab-api + lab-sidecar`);
 *   an `ip netns` one as `netns NAME`; swarm's own as `overlay NET`, `ingress_sbox`, `load balancer of NET`; anything else as `netns INODE`;
 * - an address with a port: `1.2.3.4:80`, `[fd00::1]:80`.
 */

/** Docker's short id (the first 12 hex digits), as `docker ps` prints it. */
export const shortId = (id: string) => id.slice(0, 12);

/** `ip:port`, IPv6 in brackets; the bare address when there is no port. */
export const hostPort = (ip: string, port: number | null) => (port === null ? ip : `${ip.includes(':') ? `[${ip}]` : ip}:${port}`);

export const HOST_LABEL = 'the host';

/** Lookups the names need, built once per snapshot (snapshots are immutable once made). */
interface NameIndex {
  containers: Map<string, Container>;
  namespaces: Map<string, Namespace>;
  /** Namespace id → the containers in it (its own list plus any container pointing at it). */
  inNamespace: Map<string, string[]>;
  networkOfBridge: Map<string, DockerNetwork>;
}

const indexes = new WeakMap<Snapshot, NameIndex>();

function index(s: Snapshot): NameIndex {
  let idx = indexes.get(s);
  if (idx) return idx;
  const containers = new Map((s.docker?.containers ?? []).map((c) => [c.id, c]));
  const inNamespace = new Map(s.namespaces.map((n) => [n.id, [...n.containers]]));
  for (const c of containers.values()) {
    const list = c.namespaceId ? inNamespace.get(c.namespaceId) : undefined;
    if (list && !list.includes(c.id)) list.push(c.id);
  }
  const networkOfBridge = new Map<string, DockerNetwork>();
  for (const n of s.docker?.networks ?? []) if (n.bridge && !networkOfBridge.has(n.bridge)) networkOfBridge.set(n.bridge, n);
  idx = { containers, namespaces: new Map(s.namespaces.map((n) => [n.id, n])), inNamespace, networkOfBridge };
  indexes.set(s, idx);
  return idx;
}

export function containerName(s: Snapshot, id: string): string {
  return index(s).containers.get(id)?.name ?? shortId(id);
}

/** The containers in a namespace, owner first, then `container:X` sharers, each group by name. */
export function namespaceContainers(s: Snapshot, nsId: string): Container[] {
  const idx = index(s);
  const shares = (c: Container) => +(c.networkMode.kind === 'container');
  return (idx.inNamespace.get(nsId) ?? [])
    .map((id) => idx.containers.get(id))
    .filter((c): c is Container => !!c)
    .sort((a, b) => shares(a) - shares(b) || a.name.localeCompare(b.name));
}

/** Names joined as one label: `lab-api + lab-sidecar`. */
export const joinNames = (names: string[]) => names.join(' + ');

export function namespaceLabel(s: Snapshot, nsId: string): string {
  const ns = index(s).namespaces.get(nsId);
  if (!ns) return nsId;
  // Host-mode containers live in the host namespace too, but nobody calls it by their names.
  if (ns.kind === 'host') return HOST_LABEL;
  const ctrs = namespaceContainers(s, nsId);
  // Containers the snapshot lists in the namespace but whose inspection is missing still count, by short id.
  const names = ctrs.length ? ctrs.map((c) => c.name) : ns.containers.map(shortId);
  if (names.length) return joinNames(names);
  const sandbox = dockerSandboxOfNamespace(ns, s.docker?.networks ?? []);
  if (sandbox) return dockerSandboxLabel(sandbox, ns.name!);
  return ns.kind === 'named' && ns.name ? `netns ${ns.name}` : `netns ${ns.inode}`;
}

/** Who received a packet: the containers by name, else the namespace. */
export function receiverLabel(s: Snapshot, nsId: string, containerIds: string[]): string {
  return containerIds.length ? joinNames(containerIds.map((c) => containerName(s, c))) : namespaceLabel(s, nsId);
}

/** The Docker network whose bridge this is (host namespace bridges only), if any. */
export function networkOfBridge(s: Snapshot, bridge: string): DockerNetwork | null {
  return index(s).networkOfBridge.get(bridge) ?? null;
}

export function networkName(s: Snapshot, networkId: string): string {
  return s.docker?.networks.find((n) => n.id === networkId)?.name ?? shortId(networkId);
}

/** A bridge by its Docker network(s) first — `netatlas-lab-b`, `bridge` for docker0 — else by its kernel name. */
export function bridgeLabel(kernelName: string, networks: DockerNetwork[]): string {
  return networks.length > 0 ? networks.map((n) => n.name).sort().join(', ') : kernelName;
}

/** What a folded compose project holds: "12 containers, 2 networks" (drawn as "shop — 12 containers, 2 networks"). */
export function projectCounts(containers: number, networks: number): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(containers, 'container')}, ${plural(networks, 'network')}`;
}
