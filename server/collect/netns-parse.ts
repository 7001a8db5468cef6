import type { Interface, Netfilter, Problem, Route } from '../../lib/snapshot/schema';
import { interfacesFromIp, rawVethPeers, routesFromIp, type IpAddrEntry, type IpLink, type IpRoute } from '../../lib/netlink/ip-json';
import type { RawVethPeers } from '../../lib/snapshot/joins';
import { parseIptablesSave } from '../../lib/netfilter/iptables-parse';
import { parseNftJson, isIptablesNftTable } from '../../lib/netfilter/nft-json-parse';
import { parseJsonLenient } from '../../lib/netlink/json-stream';
import { LISTENER_SECTIONS, type NamespaceRead, type SectionResult } from './netns-read';
import { parseProcNet, type RawListener } from '../../lib/netlink/listeners';

const TOOL_OF = { ipt4: 'iptables-save', ipt6: 'ip6tables-save', nft: 'nft' } as const;

export interface ParsedNetlink {
  interfaces: Interface[];
  routes: Route[];
  rawPeers: RawVethPeers;
  problems: Problem[];
}

/** Links, addresses and routes of one namespace read; every failure becomes a problem, never a throw. */
export function parseNetlinkRead(nsId: string, netlink: NamespaceRead): ParsedNetlink {
  const problems: Problem[] = [];
  const json = <T>(name: string, s: SectionResult | undefined): T | null => {
    if (!s) return null;
    if (s.code !== 0) {
      problems.push({ source: 'netlink', subject: nsId, severity: 'error', message: `ip ${name} failed (exit ${s.code}): ${netlink.stderr.trim().split('\n')[0] ?? ''}` });
      return null;
    }
    try {
      return parseJsonLenient(s.stdout || '[]') as T;
    } catch (e) {
      problems.push({ source: 'netlink', subject: nsId, severity: 'error', message: `ip ${name} printed invalid JSON: ${(e as Error).message}` });
      return null;
    }
  };
  return parseNetlinkData(nsId, {
    links: json<IpLink[]>('link', netlink.sections.link) ?? [],
    addrs: json<IpAddrEntry[]>('addr', netlink.sections.addr) ?? [],
    route4: json<IpRoute[]>('route', netlink.sections.route4) ?? [],
    route6: json<IpRoute[]>('-6 route', netlink.sections.route6) ?? [],
  }, problems);
}

/** `ip -j`-shaped data, from `ip` itself or from the native reader. */
export interface NetlinkData {
  links: IpLink[];
  addrs: IpAddrEntry[];
  route4: IpRoute[];
  route6: IpRoute[];
}

export function parseNetlinkData(nsId: string, d: NetlinkData, problems: Problem[] = []): ParsedNetlink {
  const routes = [...routesFromIp('inet', d.route4), ...routesFromIp('inet6', d.route6)];
  return { interfaces: interfacesFromIp(nsId, d.links, d.addrs), routes, rawPeers: rawVethPeers(d.links), problems };
}

/** Listener sections of a shell read (/proc/net/*); null when one could not be read. */
export function parseListenerRead(read: NamespaceRead, littleEndian: boolean): RawListener[] | null {
  const out: RawListener[] = [];
  for (const f of LISTENER_SECTIONS) {
    const s = read.sections[f];
    if (!s || s.code !== 0) return null;
    out.push(...parseProcNet(s.stdout, f.startsWith('tcp') ? 'tcp' : 'udp', f.endsWith('6') ? 'inet6' : 'inet', littleEndian));
  }
  return out;
}

export interface ParsedNetfilter {
  netfilter: Netfilter | null;
  problems: Problem[];
}

export function parseNetfilterRead(nsId: string, read: NamespaceRead): ParsedNetfilter {
  const problems: Problem[] = [];
  return { netfilter: read.error ? null : parseNetfilter(nsId, read, problems), problems };
}

function parseNetfilter(nsId: string, read: NamespaceRead, problems: Problem[]): Netfilter {
  const failed = (key: keyof typeof TOOL_OF, s: SectionResult | undefined): boolean => {
    if (s && s.code === 0) return false;
    const why = !s ? 'no output' : s.code === 127 ? 'not installed' : `exit ${s.code}: ${read.stderr.trim().split('\n')[0] ?? ''}`;
    // A missing ip6tables or nft is common and not an error of the host.
    problems.push({ source: TOOL_OF[key], subject: nsId, severity: s?.code === 127 ? 'warning' : 'error', message: `${TOOL_OF[key]}: ${why}` });
    return true;
  };
  const ipt = (key: 'ipt4' | 'ipt6') => {
    const s = read.sections[key];
    if (failed(key, s)) return null;
    const rs = parseIptablesSave(s!.stdout);
    for (const u of rs.unparsedLines) {
      problems.push({ source: TOOL_OF[key], subject: nsId, severity: 'warning', message: `line ${u.line} not understood, kept raw: ${u.text}` });
    }
    return rs;
  };
  let nftables: Netfilter['nftables'] = null;
  const nft = read.sections.nft;
  if (!failed('nft', nft)) {
    try {
      nftables = parseNftJson(JSON.parse(nft!.stdout || '{"nftables":[]}')).tables.filter((t) => !isIptablesNftTable(t.family, t.name));
    } catch (e) {
      problems.push({ source: 'nft', subject: nsId, severity: 'error', message: `nft -j printed invalid JSON: ${(e as Error).message}` });
    }
  }
  return { ipv4: ipt('ipt4'), ipv6: ipt('ipt6'), nftables };
}
