import { execFileSync } from 'node:child_process';
import type { Endpoint } from '../../lib/sim/types';
import { connect, mapLimit, type Observation, type Source } from './kernel';

/**
 * The lab's packet-path matrix: every source (a process in some namespace) × every target (an address and port
 * something listens on), discovered from ground truth (docker inspect, the netns file), not from netatlas.
 * Used by matrix.int.test.ts (kernel vs simulator) and observe.ts (the kernel side alone).
 */

export const NETNS = 'netatlas-demo';
export const OUTSIDE_IP = '198.19.255.2';
export const HOST_VETH_IP = '198.19.255.1';

export interface MatrixSource {
  label: string;
  kernel: Source;
  /** The simulator's endpoint for the same process. */
  sim: Endpoint;
  /** In the host's network namespace: the only place where 127.0.0.1 means the host. */
  hostNamespace: boolean;
}

export interface MatrixTarget {
  label: string;
  ip: string;
  port: number;
  /** A loopback address: it names the host only from the host's namespace. */
  loopback: boolean;
}

export interface Pair {
  source: MatrixSource;
  target: MatrixTarget;
}

export interface ObservedPair extends Pair {
  observed: Observation;
}

interface Inspect {
  Id: string;
  Name: string;
  State: { Running: boolean };
  NetworkSettings: { Networks: Record<string, { IPAddress: string }> };
}

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' }).trim();

export const SOURCE_CONTAINERS = ['lab-web', 'lab-api', 'lab-db', 'lab-worker', 'lab-int1', 'lab-noicc1', 'lab-mv1'];
/** Every lab container with an address of its own and an httpd on port 80 (lab-sidecar shares lab-api's). */
export const TARGET_CONTAINERS = ['lab-web', 'lab-api', 'lab-db', 'lab-worker', 'lab-int1', 'lab-noicc1', 'lab-noicc2', 'lab-mv1'];

export interface Lab {
  sources: MatrixSource[];
  targets: MatrixTarget[];
  /** Container name → id, for printing. */
  ids: Record<string, string>;
}

/** Reads the lab as it is now. Throws when a piece is missing: run `e2e/lab/lab.sh up` first. */
export function discoverLab(): Lab {
  const names = [...new Set([...SOURCE_CONTAINERS, ...TARGET_CONTAINERS])];
  const inspects = JSON.parse(sh('docker', ['inspect', ...names])) as Inspect[];
  const byName = new Map(inspects.map((c) => [c.Name.replace(/^\//, ''), c]));
  for (const n of names) {
    if (!byName.get(n)?.State.Running) throw new Error(`${n} is not running: run e2e/lab/lab.sh up`);
  }
  const nsInode = Number(sh('stat', ['-L', '-c', '%i', `/var/run/netns/${NETNS}`]));

  const sources: MatrixSource[] = [
    ...SOURCE_CONTAINERS.map((name): MatrixSource => ({
      label: name,
      kernel: { container: name },
      sim: { kind: 'container', containerId: byName.get(name)!.Id },
      hostNamespace: false,
    })),
    { label: 'host', kernel: { host: true }, sim: { kind: 'host' }, hostNamespace: true },
    { label: `outside (${NETNS})`, kernel: { netns: NETNS }, sim: { kind: 'namespace', namespaceId: `netns:${nsInode}` }, hostNamespace: false },
  ];

  const targets: MatrixTarget[] = [];
  for (const name of TARGET_CONTAINERS) {
    const nets = Object.entries(byName.get(name)!.NetworkSettings.Networks).sort(([a], [b]) => a.localeCompare(b));
    for (const [net, ep] of nets) {
      if (!ep.IPAddress) continue;
      targets.push({ label: nets.length > 1 ? `${name}@${net.replace(/^netatlas-lab-/, '')}` : name, ip: ep.IPAddress, port: 80, loopback: false });
    }
  }
  targets.push(
    { label: 'published 127.0.0.1:18080', ip: '127.0.0.1', port: 18080, loopback: true },
    { label: `published ${HOST_VETH_IP}:18080`, ip: HOST_VETH_IP, port: 18080, loopback: false },
    { label: 'published 127.0.0.1:18081', ip: '127.0.0.1', port: 18081, loopback: true },
    { label: `outside ${OUTSIDE_IP}:80`, ip: OUTSIDE_IP, port: 80, loopback: false },
  );
  return { sources, targets, ids: Object.fromEntries([...byName].map(([n, c]) => [n, c.Id])) };
}

/**
 * Every source × every target, except the meaningless ones: a loopback target names the host's published port only
 * from the host's own namespace; from a container or the outside client, 127.0.0.1 is that namespace's own loopback,
 * where nothing listens on 18080/18081 and which no snapshot could describe (listening sockets are not collected).
 */
export function pairsOf(lab: Lab): Pair[] {
  const pairs: Pair[] = [];
  for (const source of lab.sources) {
    for (const target of lab.targets) {
      if (target.loopback && !source.hostNamespace) continue;
      pairs.push({ source, target });
    }
  }
  return pairs;
}

/** Runs every pair's real connection, a few at a time. */
export async function observeAll(pairs: Pair[], concurrency = 8): Promise<ObservedPair[]> {
  return mapLimit(pairs, concurrency, async (p) => ({ ...p, observed: await connect(p.source.kernel, p.target.ip, p.target.port) }));
}

const cell = (o: Observation) => (o.connected ? o.seenSource! : o.error?.startsWith('timed out') ? '· dropped' : '· refused');

/** A sources × targets grid of what the kernel did: the source address the server saw, or why it failed. */
export function formatMatrix(lab: Lab, observed: ObservedPair[]): string {
  const rows = lab.sources.map((s) => s.label);
  const cols = lab.targets.map((t) => `${t.label} (${t.ip}:${t.port})`);
  const at = new Map(observed.map((o) => [`${o.source.label}\u0000${o.target.label}`, o.observed]));
  const lines: string[] = [];
  const w = Math.max(...rows.map((r) => r.length)) + 2;
  // One block per target: with a dozen targets a single grid is too wide to read.
  lines.push(`${'source'.padEnd(w)}${lab.targets.map((_, i) => `[${i + 1}]`.padEnd(16)).join('')}`);
  for (const s of lab.sources) {
    const cells = lab.targets.map((t) => {
      const o = at.get(`${s.label}\u0000${t.label}`);
      return (o ? cell(o) : '').padEnd(16);
    });
    lines.push(`${s.label.padEnd(w)}${cells.join('')}`);
  }
  lines.push('');
  cols.forEach((c, i) => lines.push(`[${i + 1}] ${c}`));
  lines.push('cells: the source address the server saw; · dropped = timed out; · refused = failed at once; blank = not a pair');
  return lines.join('\n');
}
