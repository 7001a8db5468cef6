import { reachMatrix, type ReachCell, type ReachSource, type ReachTarget } from '../reach/matrix';
import { namespaceLabel } from '../snapshot/names';
import type { Snapshot } from '../snapshot/schema';

/**
 * The one adapter between THE reachability matrix (lib/reach/matrix.ts) and the compare view: its cells as flows
 * keyed by names that mean the same thing in two snapshots. The matrix's own ids carry container ids, which a
 * `docker compose up` changes; here a source is `host`, `outside` or its containers' names, and a target is
 * `NAME@NETWORK:PORT/PROTO`, `published IP:PORT/PROTO` or `outside`.
 */

export interface Flow {
  /** `source → target`, unique within a snapshot. */
  key: string;
  source: string;
  target: string;
  /** The target's container (for relating changes); null for published ports and the outside. */
  targetContainer: string | null;
  /** Networks of the source's and the target's containers. */
  networks: string[];
  sourceContainers: string[];
  cell: ReachCell;
}

function sourceName(s: Snapshot, src: ReachSource): string {
  const e = src.endpoint;
  switch (e.kind) {
    case 'container': {
      const ns = s.docker?.containers.find((c) => c.id === e.containerId)?.namespaceId;
      return ns ? namespaceLabel(s, ns) : src.label;
    }
    case 'host':
      return 'host';
    case 'outside':
      return 'outside';
    case 'namespace':
      return namespaceLabel(s, e.namespaceId);
  }
}

function targetName(s: Snapshot, t: ReachTarget, byIp: Map<string, { name: string; network: string }>): { name: string; container: string | null } {
  const ip = t.target.kind === 'ip' ? t.target.ip : null;
  const port = t.target.port === null ? '' : `:${t.target.port}`;
  if (t.from === 'outside') return { name: 'outside', container: null };
  if (t.from === 'published-via-host') return { name: `published ${ip}${port}/${t.protocol}`, container: null };
  const owner = ip ? byIp.get(ip) : undefined;
  if (!owner) return { name: `${ip}${port}/${t.protocol}`, container: null };
  return { name: `${owner.name}@${owner.network}${port}/${t.protocol}`, container: owner.name };
}

/** Every flow of the snapshot's matrix, by key. */
export function flowsOf(s: Snapshot): Map<string, Flow> {
  const m = reachMatrix(s);
  const byIp = new Map<string, { name: string; network: string }>();
  const netsOf = new Map<string, string[]>();
  for (const c of s.docker?.containers ?? []) {
    netsOf.set(c.name, c.endpoints.map((e) => e.networkName));
    for (const e of c.endpoints) if (e.ipv4) byIp.set(e.ipv4, { name: c.name, network: e.networkName });
  }
  const nsOfContainer = new Map((s.docker?.containers ?? []).map((c) => [c.id, c.namespaceId]));
  const containersOf = (src: ReachSource) => {
    const ns = src.endpoint.kind === 'container' ? nsOfContainer.get(src.endpoint.containerId) : null;
    return ns ? (s.docker?.containers ?? []).filter((c) => c.namespaceId === ns).map((c) => c.name) : [];
  };
  const targets = m.targets.map((t) => targetName(s, t, byIp));
  const out = new Map<string, Flow>();
  m.sources.forEach((src, i) => {
    const source = sourceName(s, src);
    const sourceContainers = containersOf(src);
    m.targets.forEach((_, j) => {
      const cell = m.cells[i][j];
      if (!cell) return;
      const target = targets[j];
      const key = `${source} → ${target.name}`;
      const networks = [...new Set([...sourceContainers.flatMap((n) => netsOf.get(n) ?? []), ...(target.container ? netsOf.get(target.container) ?? [] : [])])];
      out.set(key, { key, source, target: target.name, targetContainer: target.container, networks, sourceContainers, cell });
    });
  });
  return out;
}
