import { execFileSync } from 'node:child_process';
import type { Endpoint } from '../../lib/sim/types';
import { connect, CONNECT_TIMEOUT_S, mapLimit, sendUdp, type Observation, type Source } from './kernel';

/**
 * The lab's packet-path matrix: every source (a process in some namespace) × every target (an address and port
 * something listens on), discovered from ground truth (docker inspect, the netns file), not from netatlas.
 * Used by matrix.int.test.ts (kernel vs simulator) and observe.ts (the kernel side alone).
 */

export const NETNS = 'netatlas-demo';
export const OUTSIDE_IP = '198.19.255.2';
export const HOST_VETH_IP = '198.19.255.1';
/** The host's end of the veth to NETNS. */
export const VETH_HOST = 'na-demo-h';
/** lab-db's UDP echo (e2e/lab/lab.sh). */
export const UDP_PORT = 18053;
/** A host port nothing in the lab listens on. */
export const UNUSED_PORT = 18099;

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
  /** Default tcp (an HTTP request); udp: a datagram to the lab's UDP echo. */
  protocol?: 'tcp' | 'udp';
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
    // The same process as the simulator's `IP@iface` client: a packet arriving on the host's end of the veth.
    { label: `${OUTSIDE_IP}@${VETH_HOST}`, kernel: { netns: NETNS }, sim: { kind: 'outside', ip: OUTSIDE_IP, iface: VETH_HOST }, hostNamespace: false },
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
    // Each source's own loopback (httpd listens on 0.0.0.0:80 in every container and in the outside client; the
    // host has nothing on 80), a port published on 127.0.0.1 only asked for at the host's other address, and
    // ports where nothing listens.
    { label: 'own 127.0.0.1:80', ip: '127.0.0.1', port: 80, loopback: true },
    { label: `loopback-only ${HOST_VETH_IP}:18081`, ip: HOST_VETH_IP, port: 18081, loopback: false },
    { label: `unused ${HOST_VETH_IP}:${UNUSED_PORT}`, ip: HOST_VETH_IP, port: UNUSED_PORT, loopback: false },
  );
  const web = targets.find((t) => t.label === 'lab-web')!;
  targets.push({ label: 'lab-web:81', ip: web.ip, port: 81, loopback: false });
  // UDP: lab-db's echo (e2e/lab/lab.sh ensure_udp), and the next port, where nothing is bound.
  const db = targets.find((t) => t.label === 'lab-db')!;
  targets.push(
    { label: `lab-db udp:${UDP_PORT}`, ip: db.ip, port: UDP_PORT, loopback: false, protocol: 'udp' },
    { label: `lab-db udp:${UDP_PORT + 1}`, ip: db.ip, port: UDP_PORT + 1, loopback: false, protocol: 'udp' },
  );
  return { sources, targets, ids: Object.fromEntries([...byName].map(([n, c]) => [n, c.Id])) };
}

/**
 * Every source × every target. A loopback target names each source's own loopback: the host's published ports only
 * from the host, the source's own httpd on port 80, and from a container, nothing on 18080/18081 (refused).
 */
export function pairsOf(lab: Lab): Pair[] {
  return lab.sources.flatMap((source) => lab.targets.map((target) => ({ source, target })));
}

/** Runs every pair's real connection, a few at a time. */
export async function observeAll(pairs: Pair[], concurrency = 8): Promise<ObservedPair[]> {
  return mapLimit(pairs, concurrency, async (p) => ({
    ...p,
    observed: await (p.target.protocol === 'udp' ? sendUdp : connect)(p.source.kernel, p.target.ip, p.target.port),
  }));
}

const cell = (o: Observation) => (o.connected ? o.seenSource! : o.failure === 'timeout' ? '· timeout' : `· fast ${o.ms}ms`);

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
  lines.push(`cells: the source address the server saw; · timeout = nothing came back in ${CONNECT_TIMEOUT_S} s; · fast = failed at once (refused, unreachable)`);
  return lines.join('\n');
}
