import type { Snapshot } from '../snapshot/schema';

/**
 * The fleet as one picture's data: each host a group of its Docker networks (with the containers on each), and the
 * overlays — a multi-host network (scope `swarm` or `global`, not `local`) whose id is on more than one host. A swarm
 * overlay's id is the cluster's, the same on every node carrying it; a local network's id means nothing beyond its
 * engine (cloned machines can share one), so it never joins hosts.
 */
export interface FleetNetwork {
  id: string;
  name: string;
  driver: string;
  /** Docker's: `local`, `swarm`, `global`. */
  scope: string;
  /** Names of the host's containers attached to it, sorted. */
  containers: string[];
}

export interface FleetHostGroup {
  name: string;
  /** When its newest state was collected (null: none stored). */
  at: string | null;
  containers: number;
  networks: FleetNetwork[];
}

export interface Overlay {
  id: string;
  name: string;
  driver: string;
  /** The hosts carrying it, in the map's host order. */
  hosts: string[];
}

export interface FleetMap {
  hosts: FleetHostGroup[];
  overlays: Overlay[];
}

export function fleetMap(hosts: { name: string; snapshot: Snapshot | null }[]): FleetMap {
  const sorted = [...hosts].sort((a, b) => a.name.localeCompare(b.name));
  const groups = sorted.map(({ name, snapshot }) => groupOf(name, snapshot));
  const carriers = new Map<string, { net: FleetNetwork; hosts: string[] }>();
  for (const g of groups) {
    for (const n of g.networks) {
      if (n.scope === 'local') continue;
      const c = carriers.get(n.id);
      if (c) c.hosts.push(g.name);
      else carriers.set(n.id, { net: n, hosts: [g.name] });
    }
  }
  const overlays = [...carriers.values()]
    .filter((c) => c.hosts.length > 1)
    .map(({ net, hosts: on }) => ({ id: net.id, name: net.name, driver: net.driver, hosts: on }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return { hosts: groups, overlays };
}

function groupOf(name: string, s: Snapshot | null): FleetHostGroup {
  const docker = s?.docker;
  const nameOf = new Map((docker?.containers ?? []).map((c) => [c.id, c.name]));
  const networks = (docker?.networks ?? [])
    .map((n) => ({
      id: n.id, name: n.name, driver: n.driver, scope: n.scope,
      containers: n.containers.map((id) => nameOf.get(id) ?? id.slice(0, 12)).sort(),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { name, at: s?.host.collectedAt ?? null, containers: docker?.containers.length ?? 0, networks };
}
