import type { Listener, Namespace, Snapshot } from '../snapshot/schema';
import { joinNames } from '../snapshot/names';
import { tracePath } from '../sim/trace';
import { isRuleOutcome, type Endpoint, type Protocol, type Target, type TraceQuery, type TraceResult } from '../sim/types';

/**
 * Who reaches whom (pure): every source (each container namespace, the host, a client outside) × every target (each
 * container's ports on each of its addresses, each published port via the host's addresses and 127.0.0.1, an
 * address outside), answered by the packet-path simulator. The dashboard's matrix view, `netatlas matrix` and the
 * compare view all read this one module.
 */

export type Verdict = 'delivered' | 'refused' | 'dropped' | 'uncertain';

export interface ReachSource {
  id: string;
  label: string;
  endpoint: Endpoint;
  /** The graph node a cell's path starts from (container or host), for selecting it. */
  nodeId: string | null;
  /** Docker network ids and compose project, for filtering. */
  networkIds: string[];
  project: string | null;
  /** The host's own namespace: the only source from which 127.0.0.1 means the host. */
  hostNamespace: boolean;
}

export interface ReachTarget {
  id: string;
  label: string;
  target: Target;
  protocol: Protocol;
  networkIds: string[];
  project: string | null;
  /** A loopback address: it names the host only from the host's namespace. */
  loopback: boolean;
  /** What the port is known from. */
  from: 'listener' | 'published' | 'published-via-host' | 'outside';
}

export interface ReachCell {
  verdict: Verdict;
  /** A line for the cell: the source address seen, the rule that dropped it (its explanation when known), … */
  why: string;
  /** The deciding rule, for drops, rejections and uncertain answers. */
  rule: { namespaceId: string; table: string; chain: string; index: number | null; text: string } | null;
  query: TraceQuery;
}

export interface ReachMatrix {
  sources: ReachSource[];
  targets: ReachTarget[];
  /** cells[source][target]; null where the pair means nothing (a loopback target from another namespace). */
  cells: (ReachCell | null)[][];
}

/** Where a client outside comes from: an address reserved for documentation (RFC 5737), never a real peer. */
export const OUTSIDE_CLIENT = '203.0.113.7';
/** The outside target: another documentation address, on the web's port. */
export const OUTSIDE_TARGET = { ip: '198.51.100.7', port: 443 };

/** The namespace's listening sockets; null when the snapshot has none to give (not read, or an older collector). */
/**
 * The sockets other namespaces could reach: one bound to a loopback address serves its own namespace only
 * (Docker's embedded DNS on 127.0.0.11 with its random ports, a local admin port), so it is no target.
 */
const listenersOf = (ns: Namespace): Listener[] | null =>
  ns.listeners ? ns.listeners.filter((l) => !(l.address.startsWith('127.') || l.address === '::1')) : null;

const hostNs = (s: Snapshot) => s.namespaces.find((n) => n.kind === 'host');

/** The host's uplink: the interface carrying its default route. */
function uplinkOf(s: Snapshot): string | null {
  const r = hostNs(s)?.routes.find((x) => (x.dst === 'default' || x.dst === '0.0.0.0/0') && x.family === 'inet' && x.dev);
  return r?.dev ?? null;
}

/** The host's own IPv4 addresses a client would use: global ones on interfaces that are not Docker bridges. */
function hostAddresses(s: Snapshot): string[] {
  const bridges = new Set((s.docker?.networks ?? []).flatMap((n) => (n.bridge ? [n.bridge] : [])));
  const uplink = uplinkOf(s);
  const ifaces = (hostNs(s)?.interfaces ?? []).filter((i) => i.kind !== 'loopback' && !bridges.has(i.name) && i.kind !== 'veth');
  ifaces.sort((a, b) => +(b.name === uplink) - +(a.name === uplink));
  return ifaces.flatMap((i) => i.addresses.filter((a) => a.family === 'inet' && a.scope === 'global').map((a) => a.address)).slice(0, 1);
}

export function reachSources(s: Snapshot): ReachSource[] {
  const out: ReachSource[] = [];
  const seen = new Set<string>();
  const running = (s.docker?.containers ?? []).filter((c) => c.state === 'running' && c.namespaceId).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const c of running) {
    const ns = s.namespaces.find((n) => n.id === c.namespaceId);
    if (!ns || ns.kind === 'host' || seen.has(ns.id)) continue; // one row per namespace: a sidecar is its owner's row
    seen.add(ns.id);
    const mates = running.filter((x) => x.namespaceId === ns.id);
    out.push({
      id: `ctr:${c.id}`, label: joinNames(mates.map((x) => x.name)), endpoint: { kind: 'container', containerId: c.id }, nodeId: `ctr:${c.id}`,
      networkIds: [...new Set(mates.flatMap((x) => x.endpoints.filter((e) => e.bridge).map((e) => e.networkId)))], project: c.composeProject, hostNamespace: false,
    });
  }
  out.push({ id: 'host', label: 'host', endpoint: { kind: 'host' }, nodeId: null, networkIds: [], project: null, hostNamespace: true });
  out.push({ id: 'outside', label: `outside (${OUTSIDE_CLIENT})`, endpoint: { kind: 'outside', ip: OUTSIDE_CLIENT, iface: uplinkOf(s) }, nodeId: null, networkIds: [], project: null, hostNamespace: false });
  return out;
}

export function reachTargets(s: Snapshot): ReachTarget[] {
  const out: ReachTarget[] = [];
  const containers = (s.docker?.containers ?? []).filter((c) => c.state === 'running').sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const c of containers) {
    const ns = s.namespaces.find((n) => n.id === c.namespaceId);
    if (!ns || ns.kind === 'host') continue;
    const listeners = listenersOf(ns);
    const ports = listeners
      ? listeners.map((l) => ({ port: l.port, protocol: l.protocol as Protocol, from: 'listener' as const }))
      : c.ports.map((p) => ({ port: p.containerPort, protocol: p.protocol as Protocol, from: 'published' as const }));
    const uniq = [...new Map(ports.filter((p) => p.protocol === 'tcp' || p.protocol === 'udp').map((p) => [`${p.port}/${p.protocol}`, p])).values()];
    const eps = c.endpoints.filter((e) => e.ipv4);
    for (const p of uniq) {
      for (const e of eps) {
        const where = eps.length > 1 ? `${c.name}@${e.networkName}` : c.name;
        out.push({
          id: `${c.id}/${e.ipv4}/${p.port}/${p.protocol}`, label: `${where}:${p.port}${p.protocol === 'udp' ? '/udp' : ''}`,
          target: { kind: 'ip', ip: e.ipv4!, port: p.port }, protocol: p.protocol, networkIds: [e.networkId], project: c.composeProject,
          loopback: false, from: p.from,
        });
      }
    }
  }
  const hostIps = hostAddresses(s);
  for (const c of containers) {
    for (const b of c.ports) {
      if (b.protocol !== 'tcp' && b.protocol !== 'udp') continue;
      const any = b.hostIp === '0.0.0.0' || b.hostIp === '';
      if (b.hostIp.includes(':')) continue; // IPv6 bindings: the matrix is IPv4 for now
      const ips = any ? [...hostIps, '127.0.0.1'] : [b.hostIp];
      for (const ip of ips) {
        out.push({
          id: `pub/${ip}/${b.hostPort}/${b.protocol}`, label: `${ip}:${b.hostPort} → ${c.name}`, target: { kind: 'ip', ip, port: b.hostPort },
          protocol: b.protocol as Protocol, networkIds: c.endpoints.map((e) => e.networkId), project: c.composeProject,
          loopback: ip.startsWith('127.'), from: 'published-via-host',
        });
      }
    }
  }
  const seen = new Set<string>();
  const uniqOut = out.filter((t) => !seen.has(t.id) && seen.add(t.id));
  uniqOut.push({ id: 'outside', label: `outside ${OUTSIDE_TARGET.ip}:${OUTSIDE_TARGET.port}`, target: { kind: 'ip', ...OUTSIDE_TARGET }, protocol: 'tcp', networkIds: [], project: null, loopback: false, from: 'outside' });
  return uniqOut;
}

/** The one place that reads the simulator's outcome: a verdict, a line of why, and the deciding rule (if a rule decided). */
export function cellOf(r: TraceResult): ReachCell {
  const o = r.outcome;
  const reply = 'direction' in o && o.direction === 'reply' ? ' (the reply)' : '';
  if (o.result === 'delivered') {
    return { verdict: 'delivered', why: `seen from ${o.seenSource}${o.leaves ? ` (leaves by ${o.leaves.iface})` : ''}`, rule: null, query: r.query };
  }
  if (o.result === 'no-route') return { verdict: 'dropped', why: o.why ?? `no route to ${o.destination}`, rule: null, query: r.query };
  // Nothing listens where it arrived: the kernel answers at once (RST, or ICMP port unreachable for UDP).
  if (o.result === 'refused' || o.result === 'port-unreachable') {
    return { verdict: 'refused', why: `${o.result === 'refused' ? 'refused' : 'port unreachable'}: ${o.why}`, rule: null, query: r.query };
  }
  if (!isRuleOutcome(o)) {
    // The kernel dropped it (martian, no forwarding) or something other than a rule is not known well enough.
    return o.result === 'uncertain'
      ? { verdict: 'uncertain', why: `uncertain: ${o.why}`, rule: null, query: r.query }
      : { verdict: 'dropped', why: `dropped${reply}: ${o.why}`, rule: null, query: r.query };
  }
  const rule = { namespaceId: o.namespaceId, table: o.table, chain: o.chain, index: o.index, text: o.rule };
  if (o.result === 'uncertain') return { verdict: 'uncertain', why: `uncertain: ${o.why} (${o.table} ${o.chain}: ${o.rule})`, rule, query: r.query };
  const st = r.steps.find(
    (x) => x.type === 'rule' && x.chain === o.chain && x.index === o.index && (x.verdict === 'match' || x.verdict === 'policy' || x.verdict === 'uncertain'),
  );
  const where = `${o.table} ${o.chain}${o.index === null ? ' policy' : ` rule ${o.index + 1}`}`;
  const words = st && st.type === 'rule' && st.explanation ? ` — ${st.explanation}` : '';
  const verdict = o.result === 'dropped' ? 'dropped' : 'refused';
  return { verdict, why: `${verdict}${reply} by ${where} (${o.rule})${words}`, rule, query: r.query };
}

/** Whether a source × target pair means anything (a loopback target names the host only from the host). */
export const isPair = (src: ReachSource, t: ReachTarget) => !t.loopback || src.hostNamespace;

/** One cell: the simulator's answer for a pair. */
export function reachCell(s: Snapshot, src: ReachSource, t: ReachTarget): ReachCell {
  return cellOf(tracePath(s, { from: src.endpoint, to: t.target, protocol: t.protocol }));
}

/** The whole matrix (or the given rows and columns of it). */
export function reachMatrix(s: Snapshot, sources = reachSources(s), targets = reachTargets(s)): ReachMatrix {
  const cells = sources.map((src) => targets.map((t) => (isPair(src, t) ? reachCell(s, src, t) : null)));
  return { sources, targets, cells };
}
