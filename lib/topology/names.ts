import type { DockerNetwork } from '../snapshot/schema';

// How the graph names things the way operators do. (A naming module for the whole app, lib/snapshot/names.ts, is
// being written in parallel; this is the minimal piece the graph needs until the two are reconciled.)

/** A bridge by its Docker network(s) first — `netatlas-lab-b`, `bridge` for docker0 — else by its kernel name. */
export function bridgeLabel(kernelName: string, networks: DockerNetwork[]): string {
  return networks.length > 0 ? networks.map((n) => n.name).sort().join(', ') : kernelName;
}

/** What a folded compose project holds: "12 containers, 2 networks" (drawn as "shop — 12 containers, 2 networks"). */
export function projectCounts(containers: number, networks: number): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(containers, 'container')}, ${plural(networks, 'network')}`;
}
