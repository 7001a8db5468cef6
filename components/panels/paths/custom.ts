import type { Container, Snapshot } from '@/lib/snapshot/schema';
import type { Endpoint, Protocol, Target, TraceQuery } from '@/lib/sim/types';
import { isIP, isIPv4, isIPv6 } from './addr';
import { hostNamespace, namespaceOfContainer } from './presets';

/**
 * The custom packet-path form, parsed (pure). Everything typed is untrusted text: it is only matched against the
 * snapshot and echoed back as React text.
 *
 * - from: `host`, a container (name or id prefix), an `ip netns` name, `IP@iface` (a client outside arriving on
 *   that host interface), or a plain IP: whoever owns it in the snapshot, else a client outside (as `netatlas trace`);
 * - to: a container or an IP, optionally with `:port` (`[v6]:port`) and `/tcp|udp|icmp`;
 * - port: 1–65535 (required for tcp/udp, refused for icmp); protocol: tcp, udp or icmp.
 */

export const PROTOCOLS: Protocol[] = ['tcp', 'udp', 'icmp'];

export interface CustomForm {
  from: string;
  to: string;
  /** Empty: take it from the destination (`…:80`). */
  port: string;
  /** Empty: take it from the destination (`…/udp`), else tcp. */
  protocol: Protocol | '';
}

export type Field = 'from' | 'to' | 'port' | 'protocol';
export type FieldErrors = Partial<Record<Field, string>>;
export type CustomResult = { ok: true; query: TraceQuery } | { ok: false; errors: FieldErrors };

const MAX_LEN = 200;
/** Linux interface names: up to 15 bytes, no slash, colon-free except aliases, no whitespace. */
const IFNAME = /^[A-Za-z0-9_.:-]{1,15}$/;

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };
const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

/** A container by exact name (Docker's leading `/` allowed) or by a unique id prefix of at least 3 characters. */
export function findContainer(s: Snapshot, text: string): Container | 'ambiguous' | null {
  const all = s.docker?.containers ?? [];
  const name = text.replace(/^\//, '');
  const byName = all.find((c) => c.name === name);
  if (byName) return byName;
  if (!/^[0-9a-f]{3,64}$/i.test(text)) return null;
  const byId = all.filter((c) => c.id.startsWith(text.toLowerCase()));
  return byId.length === 1 ? byId[0] : byId.length > 1 ? 'ambiguous' : null;
}

function runningContainer(s: Snapshot, text: string): Parsed<Container> | null {
  const c = findContainer(s, text);
  if (c === null) return null;
  if (c === 'ambiguous') return fail(`"${text}" is the start of several container ids: type more of it, or the name.`);
  if (c.state !== 'running' || !namespaceOfContainer(s, c)) return fail(`${c.name} is ${c.state}: it has no network to trace.`);
  return { ok: true, value: c };
}

/** Where the packet starts. */
export function parseFrom(s: Snapshot, raw: string): Parsed<Endpoint> {
  const text = raw.trim();
  if (!text) return fail('Say where the packet starts: host, a container, or an IP address (optionally @interface).');
  if (text.length > MAX_LEN) return fail('That is too long to be a source.');
  if (text.toLowerCase() === 'host') return { ok: true, value: { kind: 'host' } };

  const c = runningContainer(s, text);
  if (c) return c.ok ? { ok: true, value: { kind: 'container', containerId: c.value.id } } : c;

  const ns = s.namespaces.find((n) => n.id === text || (n.kind === 'named' && n.name === text));
  if (ns) return { ok: true, value: ns.kind === 'host' ? { kind: 'host' } : { kind: 'namespace', namespaceId: ns.id } };

  const at = text.lastIndexOf('@');
  const ip = at >= 0 ? text.slice(0, at) : text;
  const iface = at >= 0 ? text.slice(at + 1) : null;
  if (!isIP(ip)) {
    return fail(`Unknown source "${text}": use host, a running container's name, or an IP address such as 198.51.100.7@eth0.`);
  }
  if (iface !== null) {
    if (!IFNAME.test(iface)) return fail(`"${iface}" is not an interface name.`);
    const host = hostNamespace(s);
    if (host && !host.interfaces.some((i) => i.name === iface)) return fail(`The host has no interface named ${iface}.`);
  }
  return { ok: true, value: iface === null ? (ownerOfIp(s, ip) ?? { kind: 'outside', ip, iface: null }) : { kind: 'outside', ip, iface } };
}

/** The container, host or namespace that has an address (a loopback address names the host). */
export function ownerOfIp(s: Snapshot, ip: string): Endpoint | null {
  for (const c of s.docker?.containers ?? []) {
    if (c.namespaceId && c.endpoints.some((e) => e.ipv4 === ip || e.ipv6 === ip)) return { kind: 'container', containerId: c.id };
  }
  for (const ns of s.namespaces) {
    if (!ns.interfaces.some((i) => (ns.kind === 'host' || i.kind !== 'loopback') && i.addresses.some((a) => a.address === ip))) continue;
    if (ns.kind === 'host') return { kind: 'host' };
    const all = s.docker?.containers ?? [];
    const here = all.filter((c) => c.namespaceId === ns.id || ns.containers.includes(c.id));
    const owner = here.find((c) => c.networkMode.kind !== 'container') ?? here[0];
    return owner ? { kind: 'container', containerId: owner.id } : { kind: 'namespace', namespaceId: ns.id };
  }
  return null;
}

export interface ParsedTarget {
  target: Target;
  /** A `/proto` suffix, when given. */
  protocol: Protocol | null;
}

function parsePort(text: string): Parsed<number> {
  if (!/^\d{1,5}$/.test(text)) return fail(`"${text}" is not a port: use a number from 1 to 65535.`);
  const n = Number(text);
  return n >= 1 && n <= 65535 ? { ok: true, value: n } : fail(`Port ${n} is out of range: use 1 to 65535.`);
}

/** Where the packet goes: a container or an IP, optionally `:port` and `/proto`. */
export function parseTo(s: Snapshot, raw: string): Parsed<ParsedTarget> {
  let text = raw.trim();
  if (!text) return fail('Say where the packet goes: a container or an IP address.');
  if (text.length > MAX_LEN) return fail('That is too long to be a destination.');

  let protocol: Protocol | null = null;
  const suffix = /\/([A-Za-z]+)$/.exec(text);
  if (suffix) {
    const p = suffix[1].toLowerCase();
    if (!PROTOCOLS.includes(p as Protocol)) return fail(`Unknown protocol "${suffix[1]}": use tcp, udp or icmp.`);
    protocol = p as Protocol;
    text = text.slice(0, suffix.index);
  }

  let host = text;
  let portText: string | null = null;
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1];
    portText = bracketed[2] ?? null;
    if (!isIPv6(host)) return fail(`"${host}" is not an IPv6 address.`);
  } else if ((text.match(/:/g) ?? []).length === 1) {
    [host, portText] = text.split(':');
  }
  let port: number | null = null;
  if (portText !== null) {
    const p = parsePort(portText);
    if (!p.ok) return p;
    port = p.value;
  }
  if (!host) return fail('Say where the packet goes: a container or an IP address.');
  if (host.toLowerCase() === 'host') return fail('To reach the host, give one of its addresses (127.0.0.1 or its uplink address).');

  if (isIP(host)) return { ok: true, value: { target: { kind: 'ip', ip: host, port }, protocol } };
  const c = runningContainer(s, host);
  if (c) return c.ok ? { ok: true, value: { target: { kind: 'container', containerId: c.value.id, port }, protocol } } : c;
  return fail(`Unknown destination "${host}": use a running container's name or an IP address such as 198.18.1.3:80/tcp.`);
}

const familyOf = (ip: string) => (isIPv4(ip) ? 4 : 6);

/** The whole form: a query, or a message per field. */
export function parseCustom(s: Snapshot, form: CustomForm): CustomResult {
  const errors: FieldErrors = {};
  const from = parseFrom(s, form.from);
  if (!from.ok) errors.from = from.error;
  const to = parseTo(s, form.to);
  if (!to.ok) errors.to = to.error;

  let protocol: Protocol = 'tcp';
  const given = to.ok ? to.value.protocol : null;
  if (form.protocol !== '' && !PROTOCOLS.includes(form.protocol)) errors.protocol = 'Choose tcp, udp or icmp.';
  else if (form.protocol !== '' && given && given !== form.protocol) errors.protocol = `The destination says /${given} but the protocol chosen is ${form.protocol}.`;
  else protocol = form.protocol || given || 'tcp';

  let port: number | null = to.ok ? to.value.target.port : null;
  const portText = form.port.trim();
  if (portText) {
    const p = parsePort(portText);
    if (!p.ok) errors.port = p.error;
    else if (port !== null && port !== p.value) errors.port = `The destination says port ${port} but the port field says ${p.value}.`;
    else port = p.value;
  }
  if (!errors.port && !errors.protocol) {
    if (protocol === 'icmp' && port !== null) errors.port = 'ICMP has no ports: leave the port empty.';
    else if (protocol !== 'icmp' && port === null && to.ok) errors.port = `${protocol} needs a destination port (1–65535).`;
  }

  if (from.ok && to.ok && from.value.kind === 'outside' && to.value.target.kind === 'ip' && familyOf(from.value.ip) !== familyOf(to.value.target.ip)) {
    errors.to = `The source is IPv${familyOf(from.value.ip)} but the destination is IPv${familyOf(to.value.target.ip)}.`;
  }

  if (!from.ok || !to.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, query: { from: from.value, to: { ...to.value.target, port }, protocol } };
}
