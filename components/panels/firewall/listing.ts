import type { IptChain, IptOption, IptRule, IptTable } from '@/lib/snapshot/netfilter-schema';
import { quoteArg } from '@/lib/netfilter/tokenize';
import { formatCount } from './rates';

/** One rule as `iptables -L -v -n` lays it out. */
export interface ListingColumns {
  pkts: string;
  bytes: string;
  target: string;
  prot: string;
  opt: string;
  in: string;
  out: string;
  source: string;
  destination: string;
  /** The match modules, target options and anything unparsed, in iptables-save syntax. */
  extra: string;
}

const neg = (v: { value: string; negated: boolean } | null, none: string, host?: RegExp) =>
  v ? `${v.negated ? '!' : ''}${host ? v.value.replace(host, '') : v.value}` : none;

const option = (o: IptOption) => [...(o.negated ? ['!'] : []), `--${o.name}`, ...o.args.map((a) => quoteArg(a))].join(' ');

export function listingColumns(rule: IptRule, family: 'ipv4' | 'ipv6'): ListingColumns {
  const any = family === 'ipv4' ? '0.0.0.0/0' : '::/0';
  // -L -n prints single hosts without their /32 (/128).
  const hostSuffix = family === 'ipv4' ? /\/32$/ : /\/128$/;
  const extra: string[] = [];
  for (const m of rule.matches) extra.push([`-m ${quoteArg(m.module)}`, ...m.options.map(option)].join(' '));
  if (rule.target?.goto) extra.push('[goto]');
  for (const o of rule.target?.options ?? []) extra.push(option(o));
  for (const t of rule.unparsed) extra.push(t);
  return {
    pkts: formatCount(rule.counters?.packets),
    bytes: formatCount(rule.counters?.bytes),
    target: rule.target?.name ?? '',
    prot: neg(rule.protocol, 'all'),
    opt: rule.fragment ? (rule.fragment.negated ? '!f' : '-f') : family === 'ipv4' ? '--' : '',
    in: neg(rule.inInterface, '*'),
    out: neg(rule.outInterface, '*'),
    source: neg(rule.source, any, hostSuffix),
    destination: neg(rule.destination, any, hostSuffix),
    extra: extra.join(' '),
  };
}

/** How many rules of the table jump or go to the chain ("Chain DOCKER (2 references)"). */
export function chainReferences(table: IptTable, chain: string): number {
  let n = 0;
  for (const c of table.chains) for (const r of c.rules) if (r.target?.name === chain) n++;
  return n;
}

/** The `Chain …` heading of `iptables -L -v`. */
export function chainHeading(table: IptTable, chain: IptChain): string {
  if (chain.policy && chain.builtin !== false) {
    const c = chain.counters;
    return `Chain ${chain.name} (policy ${chain.policy}${c ? ` ${formatCount(c.packets)} packets, ${formatCount(c.bytes)} bytes` : ''})`;
  }
  const refs = chainReferences(table, chain.name);
  return `Chain ${chain.name} (${refs} reference${refs === 1 ? '' : 's'})`;
}
