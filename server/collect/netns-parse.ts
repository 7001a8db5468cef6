import type { Interface, Netfilter, Problem, Route } from '../../lib/snapshot/schema';
import { interfacesFromIp, rawVethPeers, routesFromIp, type IpAddrEntry, type IpLink, type IpRoute } from '../../lib/netlink/ip-json';
import type { RawVethPeers } from '../../lib/snapshot/joins';
import { parseIptablesSave } from '../../lib/netfilter/iptables-parse';
import { parseNftJson, isIptablesNftTable } from '../../lib/netfilter/nft-json-parse';
import type { NamespaceRead, SectionResult } from './netns-read';

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
      return JSON.parse(s.stdout || '[]') as T;
    } catch (e) {
      problems.push({ source: 'netlink', subject: nsId, severity: 'error', message: `ip ${name} printed invalid JSON: ${(e as Error).message}` });
      return null;
    }
  };
  const links = json<IpLink[]>('link', netlink.sections.link) ?? [];
  const addrs = json<IpAddrEntry[]>('addr', netlink.sections.addr) ?? [];
  const routes = [
    ...routesFromIp('inet', json<IpRoute[]>('route', netlink.sections.route4) ?? []),
    ...routesFromIp('inet6', json<IpRoute[]>('-6 route', netlink.sections.route6) ?? []),
  ];
  return { interfaces: interfacesFromIp(nsId, links, addrs), routes, rawPeers: rawVethPeers(links), problems };
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
