import {
  attributeIptables,
  attributeNft,
  iptRuleConcerns,
  iptRuleCouldCarry,
  nftRuleConcerns,
  type Facts,
} from '@/lib/netfilter/attribution';
import { IPT_TABLE_PRIORITY, nftPriority } from '@/lib/netfilter/hooks';
import { nftJumpTargets } from '@/lib/netfilter/nft-statements';
import { jumpTarget, nftTraversal } from '@/lib/netfilter/traversal';
import type { IptRule, IptRuleset, NftChain, NftRule, NftTable } from '@/lib/snapshot/netfilter-schema';
import type { Namespace } from '@/lib/snapshot/schema';
import { nftFamilyKey, ruleKey } from './rates';

export type { Family } from '@/lib/net/cidr';
import type { Family } from '@/lib/net/cidr';
export type TableFilter = 'all' | 'raw' | 'mangle' | 'nat' | 'filter';
export const TABLE_FILTERS: TableFilter[] = ['all', 'raw', 'mangle', 'nat', 'filter'];
export const FAMILIES: { id: Family; label: string }[] = [
  { id: 'ipv4', label: 'IPv4' },
  { id: 'ipv6', label: 'IPv6' },
];

interface ItemBase {
  /** Rate key: namespace/family/table/chain/index/text. */
  key: string;
  index: number;
  /** Why the rule concerns the subject; empty for jumps on the way and for "other" rules. */
  reasons: string[];
  leadsThere: boolean;
  /** Ids of the chain views (in the same list) this rule jumps or goes to. */
  jumpTo: string[];
}
export interface IptItem extends ItemBase {
  kind: 'ipt';
  family: Family;
  table: string;
  chain: string;
  rule: IptRule;
}
export interface NftItem extends ItemBase {
  kind: 'nft';
  nftTable: NftTable;
  nftChain: NftChain;
  rule: NftRule;
}
export type RuleItem = IptItem | NftItem;

export interface ChainView {
  /** Unique within one namespace and family: `ipt:nat/DOCKER`, `nft:ip docker-bridges/filter-FORWARD`. */
  id: string;
  source: 'iptables' | 'nftables';
  /** Table name as in `data-chain` (nat, filter, docker-bridges). */
  table: string;
  /** Table as a person reads it: `nat`, `ip docker-bridges`. */
  tableLabel: string;
  chain: string;
  /** For the table switch: raw, mangle, nat, filter, security or another iptables table's name. */
  category: string;
  hook: string | null;
  depth: number;
  policy: string | null;
  rules: RuleItem[];
  /** The chain's remaining rules (neither concerning the subject nor on the way), in order. */
  others: RuleItem[];
}

/** iptables of one namespace and family: null when not read (see the snapshot's problems). */
export interface NamespaceRules {
  iptables: ChainView[] | null;
  nft: ChainView[] | null;
}

export interface RulesQuery {
  family: Family;
  tableFilter: TableFilter;
  facts: Facts;
  /** Every rule of this namespace concerns the subject (its own sandbox, the host when the host is selected). */
  all: boolean;
  /** The reason given for rules under `all`. */
  allReason: string;
}

const keep = (filter: TableFilter, category: string) => filter === 'all' || filter === category;

export function iptablesChains(nsId: string, rs: IptRuleset, q: RulesQuery): ChainView[] {
  const concerns = q.all ? () => [q.allReason] : (r: IptRule) => iptRuleConcerns(r, q.facts);
  const carry = q.all ? () => true : (r: IptRule) => iptRuleCouldCarry(r, q.facts);
  const attributed = attributeIptables(rs, concerns, false, carry).filter((c) => keep(q.tableFilter, c.table));
  const shown = new Set(attributed.map((c) => `${c.table}/${c.chain}`));
  return attributed.map((c) => {
    const table = rs.tables.find((t) => t.name === c.table)!;
    const names = new Set(table.chains.map((x) => x.name));
    const all = table.chains.find((x) => x.name === c.chain)?.rules ?? [];
    const item = (rule: IptRule, index: number, reasons: string[], leadsThere: boolean): IptItem => {
      const target = jumpTarget(rule, names);
      return {
        kind: 'ipt',
        key: ruleKey(nsId, q.family, c.table, c.chain, index, rule.raw),
        index,
        reasons,
        leadsThere,
        jumpTo: target && shown.has(`${c.table}/${target}`) ? [`ipt:${c.table}/${target}`] : [],
        family: q.family,
        table: c.table,
        chain: c.chain,
        rule,
      };
    };
    const picked = new Set(c.rules.map((r) => r.index));
    return {
      id: `ipt:${c.table}/${c.chain}`,
      source: 'iptables',
      table: c.table,
      tableLabel: c.table,
      chain: c.chain,
      category: c.table,
      hook: c.hook,
      depth: c.depth,
      policy: c.policy,
      rules: c.rules.map((r) => item(r.rule, r.index, r.reasons, r.leadsThere)),
      others: all.flatMap((r, i) => (picked.has(i) ? [] : [item(r, i, [], false)])),
    };
  });
}

/** Native nftables families listed under each IP family (inet carries both; bridge/netdev/arp go with IPv4). */
export function nftFamiliesFor(family: Family): string[] {
  return family === 'ipv4' ? ['ip', 'inet', 'arp', 'bridge', 'netdev'] : ['ip6', 'inet'];
}

/** A base chain's table-like category from its type and priority (nft has no raw/mangle/nat/filter tables). */
export function nftBaseCategory(c: Pick<NftChain, 'type' | 'priority'>): string {
  if (c.type === 'nat') return 'nat';
  if (c.type === 'route') return 'mangle';
  const p = nftPriority(c.priority);
  if (p <= IPT_TABLE_PRIORITY.raw) return 'raw';
  if (p <= IPT_TABLE_PRIORITY.mangle) return 'mangle';
  return 'filter';
}

/** Categories for every chain of a table: base chains by type/priority, others from the base chain that reaches them. */
export function nftCategories(table: NftTable): Map<string, string> {
  const out = new Map<string, string>();
  let current: string | null = null;
  for (const { chain, depth } of nftTraversal(table)) {
    if (chain.hook) current = nftBaseCategory(chain);
    else if (depth === 0) current = /^(raw|mangle|nat|filter)-/.exec(chain.name)?.[1] ?? 'filter';
    out.set(chain.name, current ?? 'filter');
  }
  return out;
}

export function nftChains(nsId: string, tables: NftTable[], q: RulesQuery): ChainView[] {
  const families = nftFamiliesFor(q.family);
  const concerns = q.all ? () => [q.allReason] : (r: NftRule) => nftRuleConcerns(r, q.facts);
  const out: ChainView[] = [];
  for (const table of tables.filter((t) => families.includes(t.family))) {
    const cats = nftCategories(table);
    const tableLabel = `${table.family} ${table.name}`;
    const attributed = attributeNft(table, concerns).filter((c) => keep(q.tableFilter, cats.get(c.chain) ?? 'filter'));
    const shown = new Set(attributed.map((c) => c.chain));
    for (const c of attributed) {
      const chain = table.chains.find((x) => x.name === c.chain)!;
      const item = (rule: NftRule, index: number, reasons: string[]): NftItem => ({
        kind: 'nft',
        key: ruleKey(nsId, nftFamilyKey(table.family), table.name, c.chain, index, rule.text),
        index,
        reasons,
        leadsThere: false,
        jumpTo: nftJumpTargets(table, rule).filter((n) => shown.has(n)).map((n) => `nft:${tableLabel}/${n}`),
        nftTable: table,
        nftChain: chain,
        rule,
      });
      const picked = new Set(c.rules.map((r) => r.index));
      out.push({
        id: `nft:${tableLabel}/${c.chain}`,
        source: 'nftables',
        table: table.name,
        tableLabel,
        chain: c.chain,
        category: cats.get(c.chain) ?? 'filter',
        hook: c.hook,
        depth: c.depth,
        policy: chain.policy,
        rules: c.rules.map((r) => item(r.rule, r.index, r.reasons)),
        others: chain.rules.flatMap((r, i) => (picked.has(i) ? [] : [item(r, i, [])])),
      });
    }
  }
  return out;
}

/** The chains of one namespace that concern the subject, for the chosen family and table. */
export function namespaceRules(ns: Namespace, q: RulesQuery): NamespaceRules {
  const nf = ns.netfilter;
  const rs = nf?.[q.family] ?? null;
  return {
    iptables: rs ? iptablesChains(ns.id, rs, q) : null,
    nft: nf?.nftables ? nftChains(ns.id, nf.nftables, q) : null,
  };
}
