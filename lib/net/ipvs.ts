import { isIPv4, isIPv6, sameAddress } from './cidr';
import type { IpvsService } from '../snapshot/schema';

/**
 * The IPVS table (the kernel's L4 load balancer behind swarm's routing mesh and service VIPs), read from either of
 * its two text forms: /proc/net/ip_vs (addresses and ports in hex, fwmarks in hex) or `ipvsadm -Ln` (dotted / colon
 * addresses, decimal ports and fwmarks). Pure: the collector (or a test) supplies the text.
 */

export type { IpvsReal, IpvsService } from '../snapshot/schema';

export interface IpvsParse {
  services: IpvsService[];
  /** Lines that were not understood, with their 1-based number: reported, never guessed. */
  errors: { line: number; text: string }[];
}

const PROTOCOLS = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp' } as const;

/** 0A000001 → 10.0.0.1 (the kernel prints the address in host order as 8 hex digits). */
function hexV4(h: string): string | null {
  if (!/^[0-9A-Fa-f]{8}$/.test(h)) return null;
  return [0, 2, 4, 6].map((i) => parseInt(h.slice(i, i + 2), 16)).join('.');
}

/**
 * `ADDR:PORT` in either form; IPv6 in brackets. /proc's form is recognisable from the address alone: IPv4 as 8 hex
 * digits, IPv6 written out in full (8 groups of 4), which ipvsadm never prints. Its port is then hex too.
 */
function endpoint(text: string): { ip: string; port: number } | null {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([0-9A-Fa-f.]+)):([0-9A-Fa-f]+)$/.exec(text);
  if (!m) return null;
  const [, v6, v4, portText] = m;
  const hex = v6 ? /^([0-9A-Fa-f]{4}:){7}[0-9A-Fa-f]{4}$/.test(v6) : !v4!.includes('.');
  const port = hex ? parseInt(portText, 16) : /^\d+$/.test(portText) ? Number(portText) : NaN;
  const ip = v6 ?? (hex ? hexV4(v4!) : v4!);
  if (!ip || !(isIPv4(ip) || isIPv6(ip)) || !Number.isInteger(port) || port > 65535) return null;
  return { ip, port };
}

export function parseIpvs(text: string): IpvsParse {
  const services: IpvsService[] = [];
  const errors: IpvsParse['errors'] = [];
  // After a service line not understood, its real servers must not be taken for the previous service's.
  let current: IpvsService | null = null;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('IP Virtual Server') || line.startsWith('Prot ') || line.startsWith('-> RemoteAddress')) return;
    const f = line.split(/\s+/);
    const bad = () => errors.push({ line: i + 1, text: raw });
    if (f[0] === '->') {
      const svc = current;
      const ep = f[1] ? endpoint(f[1]) : null;
      const weight = Number(f[3]);
      if (!svc || !ep || !f[2] || !Number.isInteger(weight)) return void bad();
      svc.reals.push({ ...ep, forward: f[2], weight });
    } else if (f[0] === 'FWM') {
      // /proc prints the mark as 8 hex digits, ipvsadm in decimal.
      const fwmark = /^[0-9A-Fa-f]{8}$/.test(f[1] ?? '') ? parseInt(f[1], 16) : /^\d+$/.test(f[1] ?? '') ? Number(f[1]) : NaN;
      current = null;
      if (!Number.isInteger(fwmark) || !f[2]) return void bad();
      services.push((current = { kind: 'fwmark', fwmark, scheduler: f[2], reals: [] }));
    } else if (f[0] in PROTOCOLS) {
      const ep = f[1] ? endpoint(f[1]) : null;
      current = null;
      if (!ep || !f[2]) return void bad();
      services.push((current = { kind: 'addr', protocol: PROTOCOLS[f[0] as keyof typeof PROTOCOLS], ...ep, scheduler: f[2], reals: [] }));
    } else {
      current = null;
      bad();
    }
  });
  return { services, errors };
}

/**
 * The virtual service a packet meets: by its firewall mark when it has one (fwmark services take precedence in the
 * kernel's lookup), else by protocol, destination address and port. null: IPVS leaves the packet alone.
 */
export function ipvsServiceFor(
  services: IpvsService[],
  pkt: { fwmark: number | null; protocol: 'tcp' | 'udp' | 'sctp'; ip: string; port: number },
): IpvsService | null {
  if (pkt.fwmark !== null) {
    const byMark = services.find((s) => s.kind === 'fwmark' && s.fwmark === pkt.fwmark);
    if (byMark) return byMark;
  }
  return services.find((s) => s.kind === 'addr' && s.protocol === pkt.protocol && s.port === pkt.port && sameAddress(s.ip, pkt.ip)) ?? null;
}

/** What reading a namespace's /proc/net/ip_vs gave: its text, or that it is absent, or another failure. */
export type IpvsRead = { kind: 'text'; text: string; truncated: boolean } | { kind: 'absent' } | { kind: 'failed'; why: string };

/**
 * A namespace's IPVS table for the snapshot: the services, or null with the reason (a problem, never a guess).
 * Lines not understood are reported in `warning` and left out, as are services past a truncation.
 */
export function ipvsTable(r: IpvsRead): { services: IpvsService[] | null; reason: string | null; warning: string | null } {
  if (r.kind === 'absent') return { services: null, reason: 'kernel has no IPVS (/proc/net/ip_vs absent)', warning: null };
  if (r.kind === 'failed') return { services: null, reason: `cannot read /proc/net/ip_vs: ${r.why}`, warning: null };
  const parsed = parseIpvs(r.text);
  const notes = [
    ...(parsed.errors.length ? [`${parsed.errors.length} line(s) of /proc/net/ip_vs not understood (first: line ${parsed.errors[0].line}: ${JSON.stringify(parsed.errors[0].text)})`] : []),
    ...(r.truncated ? ['/proc/net/ip_vs is larger than the 4 MiB read: the services after that are missing'] : []),
  ];
  if (r.truncated) {
    // The last service may have lost real servers with the cut: it is left out rather than shown partial.
    parsed.services.pop();
  }
  return { services: parsed.services, reason: null, warning: notes.length ? notes.join('; ') : null };
}
