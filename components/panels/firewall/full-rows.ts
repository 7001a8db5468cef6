import { iptablesTraversal, nftTraversal, unreachedChains } from '@/lib/netfilter/traversal';
import type { IptChain, IptRule, IptRuleset, IptTable, NftChain, NftRule, NftTable } from '@/lib/snapshot/netfilter-schema';
import type { Netfilter } from '@/lib/snapshot/schema';
import { chainHeading } from './listing';
import { nftFamiliesFor, type Family } from './model';

/** One fixed-height row of the full-ruleset view. */
export type FullRow =
  | { kind: 'chain'; key: string; tableLabel: string; chain: string; heading: string; depth: number }
  | { kind: 'ipt'; key: string; family: Family; table: IptTable; chain: IptChain; index: number; rule: IptRule }
  | { kind: 'nft'; key: string; table: NftTable; chain: NftChain; index: number; rule: NftRule };

const matches = (needle: string, ...hay: string[]) => needle === '' || hay.some((h) => h.toLowerCase().includes(needle));

/**
 * Every chain and rule of one namespace and family, flattened into rows: iptables chains in traversal order
 * (unreached chains last), then native nftables tables. With a filter, only matching rules (by text, chain or
 * table) and the headings of their chains remain.
 */
export function fullRulesetRows(nf: Netfilter | null, family: Family, filter = ''): FullRow[] {
  const needle = filter.trim().toLowerCase();
  const rows: FullRow[] = [];
  const rs: IptRuleset | null = nf?.[family] ?? null;
  if (rs) {
    const visits = iptablesTraversal(rs);
    const order = [...visits.map((v) => ({ table: v.table, chain: v.chain, depth: v.depth })), ...unreachedChains(rs, visits).map((c) => ({ ...c, depth: 0 }))];
    for (const { table: tn, chain: cn, depth } of order) {
      const table = rs.tables.find((t) => t.name === tn);
      const chain = table?.chains.find((c) => c.name === cn);
      if (!table || !chain) continue;
      const chainHit = matches(needle, `${tn}/${cn}`);
      const ruleRows: FullRow[] = [];
      chain.rules.forEach((rule, index) => {
        if (chainHit || matches(needle, rule.raw)) ruleRows.push({ kind: 'ipt', key: `i:${tn}/${cn}/${index}`, family, table, chain, index, rule });
      });
      if (needle !== '' && !chainHit && ruleRows.length === 0) continue;
      rows.push({ kind: 'chain', key: `i:${tn}/${cn}`, tableLabel: tn, chain: cn, heading: chainHeading(table, chain), depth });
      rows.push(...ruleRows);
    }
  }
  const families = nftFamiliesFor(family);
  for (const table of (nf?.nftables ?? []).filter((t) => families.includes(t.family))) {
    const tableLabel = `${table.family} ${table.name}`;
    for (const { chain, depth } of nftTraversal(table)) {
      const chainHit = matches(needle, `${tableLabel}/${chain.name}`);
      const ruleRows: FullRow[] = [];
      chain.rules.forEach((rule, index) => {
        if (chainHit || matches(needle, rule.text)) ruleRows.push({ kind: 'nft', key: `n:${tableLabel}/${chain.name}/${index}`, table, chain, index, rule });
      });
      if (needle !== '' && !chainHit && ruleRows.length === 0) continue;
      const heading = chain.hook
        ? `chain ${chain.name} (type ${chain.type ?? '?'} hook ${chain.hook} priority ${chain.priority ?? '?'}; policy ${chain.policy ?? 'accept'})`
        : `chain ${chain.name}`;
      rows.push({ kind: 'chain', key: `n:${tableLabel}/${chain.name}`, tableLabel, chain: chain.name, heading, depth });
      rows.push(...ruleRows);
    }
  }
  return rows;
}
