import type { Container, Namespace, Snapshot } from '@/lib/snapshot/schema';
import type { Protocol, TraceQuery } from '@/lib/sim/types';
import { containerName, HOST_LABEL, hostPort, namespaceLabel } from '@/lib/snapshot/names';
import { isIPv4, isLoopback, isWildcard } from './addr';

/**
 * Ready-made packet-path questions for one selected container (pure). Addresses used for "outside" are from the
 * documentation ranges (TEST-NET-2/3, 2001:db8::/32): a simulation only, nothing is ever sent.
 */

/** A destination on "the internet" (TEST-NET-3). */
export const INTERNET_IP = '203.0.113.9';
export const INTERNET_PORT = 443;
/** A client outside the host (TEST-NET-2, and the IPv6 documentation prefix). */
export const OUTSIDE_IPV4 = '198.51.100.7';
export const OUTSIDE_IPV6 = '2001:db8::7';
/** An example destination for hints and placeholders (TEST-NET-1): names nothing on any real host. */
export const DOC_TARGET = '192.0.2.10';

export type PresetGroup = 'internet' | 'same-network' | 'other-network' | 'published' | 'direct';

export const PRESET_GROUPS: { id: PresetGroup; title: string }[] = [
  { id: 'internet', title: 'Out to the internet' },
  { id: 'same-network', title: 'Containers on its networks' },
  { id: 'other-network', title: 'Containers on other networks (isolation)' },
  { id: 'published', title: 'Its published ports' },
  { id: 'direct', title: 'Straight to its address' },
];

export interface PathPreset {
  /** Unique among one container's presets. */
  id: string;
  group: PresetGroup;
  /** What the button says: "to db (backend)", "from outside to 18080". */
  label: string;
  /** The query in a line: "198.51.100.7 on eth0 → 192.0.2.2:18080/tcp". */
  detail: string;
  query: TraceQuery;
}

export interface Uplink {
  /** The interface carrying the host's default route. */
  name: string;
  ipv4: string | null;
  ipv6: string | null;
}

const isDefault = (dst: string) => dst === 'default' || dst === '0.0.0.0/0' || dst === '::/0';

export const hostNamespace = (s: Snapshot): Namespace | undefined => s.namespaces.find((n) => n.kind === 'host');

/** The host's uplink: the interface of its default route (IPv4 first, lowest metric), with its global addresses. */
export function uplinkOf(s: Snapshot): Uplink | null {
  const host = hostNamespace(s);
  if (!host) return null;
  const defaults = host.routes
    .filter((r) => isDefault(r.dst) && r.dev && (r.type === null || r.type === 'unicast'))
    .sort((a, b) => +(a.family !== 'inet') - +(b.family !== 'inet') || (a.metric ?? 0) - (b.metric ?? 0));
  for (const r of defaults) {
    const iface = host.interfaces.find((i) => i.name === r.dev);
    if (!iface) continue;
    const global = iface.addresses.filter((a) => a.scope !== 'link' && a.scope !== 'host' && !/^fe[89ab]/i.test(a.address));
    return {
      name: iface.name,
      ipv4: global.find((a) => a.family === 'inet')?.address ?? null,
      ipv6: global.find((a) => a.family === 'inet6')?.address ?? null,
    };
  }
  return null;
}

const containersOf = (s: Snapshot) => s.docker?.containers ?? [];

/** `container:X` shares X's endpoints, ports and namespace. */
export function networkOwner(s: Snapshot, c: Container): Container {
  const id = c.networkMode.sharedWith;
  return (id && containersOf(s).find((x) => x.id === id)) || c;
}

export function namespaceOfContainer(s: Snapshot, c: Container): string | null {
  return c.namespaceId ?? networkOwner(s, c).namespaceId ?? null;
}

const protoText = (p: Protocol, port: number | null) => (p === 'icmp' ? ' (ICMP echo)' : port === null ? ` (${p})` : `/${p}`);

/** A query in one line, for buttons' secondary text and the result header. */
export function queryText(s: Snapshot, q: TraceQuery): string {
  const f = q.from;
  const from =
    f.kind === 'container'
      ? containerName(s, f.containerId)
      : f.kind === 'host'
        ? HOST_LABEL
        : f.kind === 'outside'
          ? `${f.ip}${f.iface ? ` on ${f.iface}` : ''}`
          : namespaceLabel(s, f.namespaceId);
  const t = q.to;
  const where = t.kind === 'container' ? containerName(s, t.containerId) : t.ip;
  const to = t.port === null || q.protocol === 'icmp' ? where : t.kind === 'ip' ? hostPort(t.ip, t.port) : `${where}:${t.port}`;
  return `${from} → ${to}${protoText(q.protocol, t.port)}`;
}

const simulated = (p: string): p is 'tcp' | 'udp' => p === 'tcp' || p === 'udp';
const queryKey = (q: TraceQuery) => JSON.stringify(q);

/** The presets for a selected container; empty when it is unknown or has no network namespace (not running). */
export function pathPresets(s: Snapshot, containerId: string): PathPreset[] {
  const c = containersOf(s).find((x) => x.id === containerId);
  if (!c || c.state !== 'running') return [];
  const nsId = namespaceOfContainer(s, c);
  if (!nsId || !s.namespaces.some((n) => n.id === nsId)) return [];
  const owner = networkOwner(s, c);
  const from = { kind: 'container', containerId: c.id } as const;
  const up = uplinkOf(s);
  const out: PathPreset[] = [];
  const seen = new Set<string>();
  const add = (group: PresetGroup, label: string, query: TraceQuery) => {
    const k = queryKey(query);
    if (seen.has(k)) return;
    seen.add(k);
    out.push({ id: `${group}:${out.length}:${label}`, group, label, detail: queryText(s, query), query });
  };

  add('internet', 'to the internet', { from, to: { kind: 'ip', ip: INTERNET_IP, port: INTERNET_PORT }, protocol: 'tcp' });

  // Every other running container, per network it is on: those sharing a network first, then the rest (isolation).
  const mine = new Set(owner.endpoints.map((e) => e.networkId));
  const others = containersOf(s)
    .filter((d) => d.id !== c.id && d.state === 'running' && namespaceOfContainer(s, d) !== nsId)
    .sort((a, b) => a.name.localeCompare(b.name));
  const targets: { group: PresetGroup; label: string; query: TraceQuery }[] = [];
  for (const d of others) {
    const published = d.ports.find((p) => simulated(p.protocol));
    for (const e of d.endpoints) {
      const ip = e.ipv4 ?? e.ipv6;
      if (!ip) continue;
      const query: TraceQuery = published
        ? { from, to: { kind: 'ip', ip, port: published.containerPort }, protocol: published.protocol as Protocol }
        : { from, to: { kind: 'ip', ip, port: null }, protocol: 'icmp' };
      targets.push({ group: mine.has(e.networkId) ? 'same-network' : 'other-network', label: `to ${d.name} (${e.networkName})`, query });
    }
  }
  for (const g of ['same-network', 'other-network'] as const) for (const t of targets.filter((x) => x.group === g)) add(t.group, t.label, t.query);

  // Published ports: from outside (arriving on the uplink), and from the host itself over loopback and its address.
  for (const p of owner.ports) {
    if (!simulated(p.protocol)) continue;
    const v6 = p.hostIp.includes(':');
    const uplinkAddr = v6 ? (up?.ipv6 ?? null) : (up?.ipv4 ?? null);
    const hostAddr = isWildcard(p.hostIp) || isLoopback(p.hostIp) ? uplinkAddr : p.hostIp;
    const loop = v6 ? '::1' : '127.0.0.1';
    const protocol = p.protocol;
    if (hostAddr) {
      add('published', `from outside to ${p.hostPort}${v6 ? ' over IPv6' : ''}`, {
        from: { kind: 'outside', ip: v6 ? OUTSIDE_IPV6 : OUTSIDE_IPV4, iface: up?.name ?? null },
        to: { kind: 'ip', ip: hostAddr, port: p.hostPort },
        protocol,
      });
    }
    add('published', `from the host via ${hostPort(loop, p.hostPort)}`, { from: { kind: 'host' }, to: { kind: 'ip', ip: loop, port: p.hostPort }, protocol });
    if (hostAddr) {
      add('published', `from the host via ${hostPort(hostAddr, p.hostPort)}`, {
        from: { kind: 'host' },
        to: { kind: 'ip', ip: hostAddr, port: p.hostPort },
        protocol,
      });
    }
  }

  // Straight to the container's own address, skipping the published port: Docker decides whether that is allowed.
  const direct = new Map<string, { port: number; protocol: 'tcp' | 'udp' }>();
  for (const p of owner.ports) if (simulated(p.protocol)) direct.set(`${p.containerPort}/${p.protocol}`, { port: p.containerPort, protocol: p.protocol });
  for (const { port, protocol } of direct.values()) {
    for (const e of owner.endpoints) {
      for (const ip of [e.ipv4, e.ipv6]) {
        if (!ip) continue;
        add('direct', `from outside straight to ${hostPort(ip, port)}`, {
          from: { kind: 'outside', ip: isIPv4(ip) ? OUTSIDE_IPV4 : OUTSIDE_IPV6, iface: up?.name ?? null },
          to: { kind: 'ip', ip, port },
          protocol,
        });
      }
    }
  }

  // Labels stay unique (two bindings of the same port on different addresses would read alike).
  const count = new Map<string, number>();
  for (const p of out) {
    const n = (count.get(p.label) ?? 0) + 1;
    count.set(p.label, n);
    if (n > 1) p.label = `${p.label} (${n})`;
  }
  return out;
}
