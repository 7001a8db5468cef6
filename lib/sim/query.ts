import { isIP, isIPv4, isIPv6 } from '../net/cidr';
import { resolveName, type NameResolution } from '../dns/resolve';
import { namespaceContainers } from '../snapshot/names';
import type { Container, Snapshot } from '../snapshot/schema';
import type { Endpoint, Protocol, Target, TraceQuery } from './types';

/**
 * The one grammar for "where from, where to" (`netatlas trace --from/--to`, the Paths panel's form), resolved
 * against a snapshot. Everything typed is untrusted text: it is only compared with the snapshot's names.
 *
 * - from: `host`, a container (name, `/name`, or a unique id prefix of 3+ hex digits), an `ip netns` name or a
 *   namespace id, `IP@IFACE` (a client outside arriving on that host interface), or a plain IP: whoever owns it in
 *   the snapshot (a loopback address is the host), else a client outside;
 * - to: a container or an IP, then `:PORT` (`[v6]:PORT`), then `/tcp|udp|icmp` (default tcp);
 * - port and protocol may also come as their own fields (the form has them); they must agree with the `to` text.
 * - with `resolveNames`, a destination name from a container source is resolved as that container would resolve it
 *   (lib/dns: its /etc/hosts, then Docker's embedded DNS), and the answer comes with the query.
 *
 * A port is optional for tcp/udp (the simulator then says which rules it could not evaluate); icmp has none.
 * Errors are per field, in sentences a person can act on.
 */

export const PROTOCOLS: readonly Protocol[] = ['tcp', 'udp', 'icmp'];

export type QueryField = 'from' | 'to' | 'port' | 'protocol';
export type QueryErrors = Partial<Record<QueryField, string>>;

export interface QueryInput {
  from: string;
  to: string;
  /** Empty or absent: taken from `to` (`…:80`). */
  port?: string;
  /** Empty or absent: taken from `to` (`…/udp`), else tcp. */
  protocol?: string;
}

/** `resolution`: how the source resolved the destination's name, when asked to (`resolveNames`) and it was a name. */
export type QueryResolution = { ok: true; query: TraceQuery; resolution?: NameResolution } | { ok: false; errors: QueryErrors };

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };
const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

const MAX_LEN = 200;
/** Linux interface names: up to 15 characters, no slash or whitespace. */
const IFNAME = /^[A-Za-z0-9_.:-]{1,15}$/;
/** How many names an "unknown name" message lists before it stops. */
const HINT_NAMES = 20;

const containersOf = (s: Snapshot) => s.docker?.containers ?? [];

/** A container by exact name (Docker's leading `/` allowed), full id, or unique id prefix of 3+ hex digits. */
function findContainer(s: Snapshot, text: string): Parsed<Container> | null {
  const name = text.replace(/^\//, '');
  const exact = containersOf(s).find((c) => c.name === name || c.id === name);
  if (exact) return { ok: true, value: exact };
  if (!/^[0-9a-f]{3,64}$/i.test(text)) return null;
  const hits = containersOf(s).filter((c) => c.id.startsWith(text.toLowerCase()));
  if (hits.length > 1) return fail(`"${text}" starts the ids of several containers (${hits.map((c) => c.name).join(', ')}): type more of it, or the name.`);
  return hits.length === 1 ? { ok: true, value: hits[0] } : null;
}

/** The namespace a container's network lives in (`container:X` lives in X's). */
function containerNamespace(s: Snapshot, c: Container): string | null {
  if (c.namespaceId) return c.namespaceId;
  const owner = c.networkMode.sharedWith ? containersOf(s).find((x) => x.id === c.networkMode.sharedWith) : undefined;
  return owner?.namespaceId ?? null;
}

/** A container that can send or receive: running, with a network namespace in this snapshot. */
function tracedContainer(s: Snapshot, text: string): Parsed<Container> | null {
  const c = findContainer(s, text);
  if (!c || !c.ok) return c;
  if (c.value.state !== 'running' || !containerNamespace(s, c.value)) return fail(`${c.value.name} is ${c.value.state}: it has no network to trace.`);
  return c;
}

function hint(s: Snapshot): string {
  if (!s.docker) return ' (this snapshot has no Docker data: Docker was unreachable, so use addresses)';
  const list = (xs: string[]) => (xs.length > HINT_NAMES ? `${xs.slice(0, HINT_NAMES).join(', ')}, …` : xs.join(', '));
  const ctrs = containersOf(s).filter((c) => c.state === 'running').map((c) => c.name).sort();
  const named = s.namespaces.filter((n) => n.kind === 'named' && n.name).map((n) => n.name!).sort();
  const parts = [ctrs.length ? `containers: ${list(ctrs)}` : '', named.length ? `namespaces: ${list(named)}` : ''].filter(Boolean);
  return parts.length ? ` (${parts.join('; ')})` : '';
}

/** The container, host or namespace that has an address (every namespace has 127.0.0.1: loopback names the host). */
function ownerOfIp(s: Snapshot, ip: string): Endpoint | null {
  for (const c of containersOf(s)) {
    if (c.namespaceId && c.endpoints.some((e) => e.ipv4 === ip || e.ipv6 === ip)) return { kind: 'container', containerId: c.id };
  }
  for (const ns of s.namespaces) {
    if (!ns.interfaces.some((i) => (ns.kind === 'host' || i.kind !== 'loopback') && i.addresses.some((a) => a.address === ip))) continue;
    if (ns.kind === 'host') return { kind: 'host' };
    const owner = namespaceContainers(s, ns.id)[0];
    return owner ? { kind: 'container', containerId: owner.id } : { kind: 'namespace', namespaceId: ns.id };
  }
  return null;
}

/** Where the packet starts. */
export function resolveFrom(s: Snapshot, raw: string): Parsed<Endpoint> {
  const text = raw.trim();
  if (!text) return fail('Say where the packet starts: host, a container, an ip netns name, or an IP address (optionally @interface).');
  if (text.length > MAX_LEN) return fail('That is too long to be a source.');
  if (text.toLowerCase() === 'host') return { ok: true, value: { kind: 'host' } };

  const c = tracedContainer(s, text);
  if (c) return c.ok ? { ok: true, value: { kind: 'container', containerId: c.value.id } } : c;

  const ns = s.namespaces.find((n) => n.id === text || (n.kind === 'named' && n.name === text));
  if (ns) return { ok: true, value: ns.kind === 'host' ? { kind: 'host' } : { kind: 'namespace', namespaceId: ns.id } };

  const at = text.lastIndexOf('@');
  const ip = at >= 0 ? text.slice(0, at) : text;
  const iface = at >= 0 ? text.slice(at + 1) : null;
  if (!isIP(ip)) {
    if (iface !== null) return fail(`"${ip}" is not an IP address (IP@interface names a client outside arriving on a host interface).`);
    return fail(`Unknown source "${text}": use host, a running container's name, an ip netns name, or an IP address such as 198.51.100.7@eth0${hint(s)}.`);
  }
  if (iface === null) return { ok: true, value: ownerOfIp(s, ip) ?? { kind: 'outside', ip, iface: null } };
  if (!IFNAME.test(iface)) return fail(`"${iface}" is not an interface name.`);
  const host = s.namespaces.find((n) => n.kind === 'host');
  if (!host) return fail('This snapshot has no host namespace to arrive in.');
  if (!host.interfaces.some((i) => i.name === iface)) {
    return fail(`The host has no interface named ${iface} (it has ${host.interfaces.map((i) => i.name).join(', ')}).`);
  }
  return { ok: true, value: { kind: 'outside', ip, iface } };
}

function parsePort(text: string): Parsed<number> {
  if (!/^\d{1,5}$/.test(text)) return fail(`"${text}" is not a port: use a number from 1 to 65535.`);
  const n = Number(text);
  return n >= 1 && n <= 65535 ? { ok: true, value: n } : fail(`Port ${n} is out of range: use 1 to 65535.`);
}

function parseProtocol(text: string): Parsed<Protocol> {
  const p = text.trim().toLowerCase();
  return (PROTOCOLS as readonly string[]).includes(p) ? { ok: true, value: p as Protocol } : fail(`Unknown protocol "${text}": use tcp, udp or icmp.`);
}

/** The `/tcp|udp|icmp` a destination ends with, if it names one (the form follows it as it is typed). */
export function protocolSuffix(to: string): Protocol | null {
  const slash = to.lastIndexOf('/');
  if (slash < 0) return null;
  const p = parseProtocol(to.slice(slash + 1));
  return p.ok ? p.value : null;
}

export interface ParsedTarget {
  target: Target;
  /** The `/proto` suffix, when given. */
  protocol: Protocol | null;
}

interface SplitTarget {
  /** A container, a name or an IP, as typed. */
  host: string;
  port: number | null;
  protocol: Protocol | null;
}

/** The destination's text taken apart: host, `:port` (`[v6]:port`), `/proto`. */
function splitTo(raw: string): Parsed<SplitTarget> {
  let text = raw.trim();
  if (!text) return fail('Say where the packet goes: a container or an IP address.');
  if (text.length > MAX_LEN) return fail('That is too long to be a destination.');

  let protocol: Protocol | null = null;
  const slash = text.lastIndexOf('/');
  if (slash >= 0) {
    const p = parseProtocol(text.slice(slash + 1));
    if (!p.ok) return p;
    protocol = p.value;
    text = text.slice(0, slash);
  }

  let host = text;
  let portText: string | null = null;
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1];
    portText = bracketed[2] ?? null;
    if (!isIPv6(host)) return fail(`"${host}" is not an IPv6 address.`);
  } else if (!isIPv6(text) && text.split(':').length === 2) {
    [host, portText] = text.split(':');
  }
  let port: number | null = null;
  if (portText !== null) {
    const p = parsePort(portText);
    if (!p.ok) return p;
    port = p.value;
  }
  if (!host) return fail('Say where the packet goes: a container or an IP address, before the port.');
  if (host.toLowerCase() === 'host') return fail('To reach the host, give one of its addresses (127.0.0.1 or its uplink address).');
  return { ok: true, value: { host, port, protocol } };
}

function targetOf(s: Snapshot, { host, port, protocol }: SplitTarget): Parsed<ParsedTarget> {
  if (isIP(host)) return { ok: true, value: { target: { kind: 'ip', ip: host, port }, protocol } };
  const c = tracedContainer(s, host);
  if (c) return c.ok ? { ok: true, value: { target: { kind: 'container', containerId: c.value.id, port }, protocol } } : c;
  const ns = s.namespaces.find((n) => n.kind === 'named' && n.name === host);
  if (ns) {
    const addrs = ns.interfaces.flatMap((i) => i.addresses.filter((a) => a.scope !== 'host' && a.scope !== 'link').map((a) => a.address));
    return fail(`"${host}" is a namespace: give one of its addresses${addrs.length ? ` (${addrs.join(', ')})` : ''}.`);
  }
  return fail(`Unknown destination "${host}": use a running container's name or an IP address such as 192.0.2.10:80/tcp${hint(s)}.`);
}

/** Where the packet goes: a container or an IP, optionally `:port` and `/proto`. */
export function resolveTo(s: Snapshot, raw: string): Parsed<ParsedTarget> {
  const split = splitTo(raw);
  return split.ok ? targetOf(s, split.value) : split;
}

type NamedTarget = Parsed<ParsedTarget & { resolution?: NameResolution | null }>;

/**
 * The destination as a container source would resolve its name (lib/dns): a name that is not a container's (an
 * alias, an /etc/hosts entry), or one its hosts file maps elsewhere, becomes the address it resolves to (IPv4
 * first); a container's name the source cannot resolve is still that container, with the reason alongside.
 */
function resolveToFrom(s: Snapshot, from: Endpoint, raw: string): NamedTarget {
  const split = splitTo(raw);
  if (!split.ok) return split;
  const plain = (resolution: NameResolution | null): NamedTarget => {
    const t = targetOf(s, split.value);
    return t.ok ? { ok: true, value: { ...t.value, resolution } } : t;
  };
  const { host, port, protocol } = split.value;
  if (from.kind !== 'container' || isIP(host)) return plain(null);
  const r = resolveName(s, from.containerId, host);
  const named = findContainer(s, host);
  const container = named?.ok ? named.value : null;
  if (r.ok && (!container || r.containerId !== container.id)) {
    const ip = r.addresses.find((a) => isIPv4(a)) ?? r.addresses[0];
    return { ok: true, value: { target: { kind: 'ip', ip, port }, protocol, resolution: r } };
  }
  if (!r.ok && !container) return r.known ? fail(`${r.reason}.`) : plain(null);
  return plain(r);
}

export interface QueryOptions {
  /** Resolve a destination name as the source container would (its /etc/hosts, Docker's embedded DNS). */
  resolveNames?: boolean;
}

const versionOf = (ip: string) => (isIPv4(ip) ? 4 : 6);

/** A whole query: resolved, or a message per field. */
export function resolveQuery(s: Snapshot, input: QueryInput, options: QueryOptions = {}): QueryResolution {
  const errors: QueryErrors = {};
  const from = resolveFrom(s, input.from);
  if (!from.ok) errors.from = from.error;
  const to: NamedTarget = options.resolveNames && from.ok ? resolveToFrom(s, from.value, input.to) : resolveTo(s, input.to);
  if (!to.ok) errors.to = to.error;

  let protocol: Protocol = 'tcp';
  const given = to.ok ? to.value.protocol : null;
  const field = input.protocol?.trim() ? parseProtocol(input.protocol) : null;
  if (field && !field.ok) errors.protocol = field.error;
  else if (field && given && given !== field.value) errors.protocol = `The destination says /${given} but the protocol chosen is ${field.value}.`;
  else protocol = field?.value ?? given ?? 'tcp';

  let port: number | null = to.ok ? to.value.target.port : null;
  const portText = input.port?.trim() ?? '';
  if (portText) {
    const p = parsePort(portText);
    if (!p.ok) errors.port = p.error;
    else if (port !== null && port !== p.value) errors.port = `The destination says port ${port} but the port field says ${p.value}.`;
    else port = p.value;
  }
  if (!errors.port && !errors.protocol && protocol === 'icmp' && port !== null) errors.port = 'ICMP has no ports: give none.';

  if (from.ok && to.ok && from.value.kind === 'outside' && to.value.target.kind === 'ip' && versionOf(from.value.ip) !== versionOf(to.value.target.ip)) {
    errors.to = `The source is IPv${versionOf(from.value.ip)} but the destination is IPv${versionOf(to.value.target.ip)}.`;
  }

  if (!from.ok || !to.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  const query: TraceQuery = { from: from.value, to: { ...to.value.target, port }, protocol };
  const resolution = to.value.resolution;
  return resolution ? { ok: true, query, resolution } : { ok: true, query };
}
