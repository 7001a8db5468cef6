import type { IptRule, IptRuleset, NftChain, NftTable } from '../snapshot/netfilter-schema';
import { HOOK_TABLES, nftHookOrder, nftPriority } from './hooks';
import { nftJumpTargets } from './nft-statements';

/**
 * The order in which a packet meets chains (hooks and priorities from `hooks.ts`): for iptables, tables in priority
 * order within a hook and user chains depth-first where the first rule jumps to them; for nftables, base chains by
 * hook and priority, then the chains their rules jump to. This is the order the rule panel lists chains in.
 */

export interface ChainVisit {
  table: string;
  chain: string;
  /** The built-in chain (hook) this visit starts from. */
  hook: string;
  /** 0 for a built-in chain, 1 for a chain it jumps to, and so on. */
  depth: number;
  /** The rule that jumps here (its chain and index in that chain); null for built-in chains. */
  from: { chain: string; index: number } | null;
}

/** User chains a rule can lead to: its -j/-g target if that is a chain of the same table. */
export function jumpTarget(rule: IptRule, chainNames: Set<string>): string | null {
  const t = rule.target?.name;
  return t && chainNames.has(t) ? t : null;
}

/** Every chain reachable from the hooks, each once, in the order a packet would first meet it (for listing). */
export function iptablesTraversal(rs: IptRuleset): ChainVisit[] {
  const out: ChainVisit[] = [];
  // A user chain reached from two hooks (nat DOCKER from PREROUTING and OUTPUT) is listed where it is first met.
  const seen = new Set<string>();
  for (const { hook, tables } of HOOK_TABLES) {
    for (const tableName of tables) {
      const table = rs.tables.find((t) => t.name === tableName);
      const builtin = table?.chains.find((c) => c.name === hook);
      if (!table || !builtin) continue;
      const names = new Set(table.chains.map((c) => c.name));
      seen.add(`${tableName}/${hook}`);
      const visit = (chain: string, depth: number, from: ChainVisit['from']) => {
        out.push({ table: tableName, chain, hook, depth, from });
        const rules = table.chains.find((c) => c.name === chain)?.rules ?? [];
        rules.forEach((r, index) => {
          const next = jumpTarget(r, names);
          if (next && !seen.has(`${tableName}/${next}`)) {
            seen.add(`${tableName}/${next}`);
            visit(next, depth + 1, { chain, index });
          }
        });
      };
      visit(hook, 0, null);
    }
  }
  return out;
}

/** Chains no hook reaches (unused user chains): listed after the traversal so nothing is hidden. */
export function unreachedChains(rs: IptRuleset, visits: ChainVisit[]): { table: string; chain: string }[] {
  const reached = new Set(visits.map((v) => `${v.table}/${v.chain}`));
  return rs.tables.flatMap((t) => t.chains.filter((c) => !reached.has(`${t.name}/${c.name}`)).map((c) => ({ table: t.name, chain: c.name })));
}

/** nftables chains of one table: base chains by hook then priority, then regular chains by the order jumps meet them. */
export function nftTraversal(table: NftTable): { chain: NftChain; depth: number }[] {
  const bases = table.chains
    .filter((c) => c.hook)
    .sort((a, b) => nftHookOrder(a.hook!) - nftHookOrder(b.hook!) || nftPriority(a.priority) - nftPriority(b.priority));
  const byName = new Map(table.chains.map((c) => [c.name, c]));
  const targets = (c: NftChain) => c.rules.flatMap((r) => nftJumpTargets(table, r));
  const out: { chain: NftChain; depth: number }[] = [];
  const seen = new Set<string>();
  const visit = (c: NftChain, depth: number) => {
    if (seen.has(c.name)) return;
    seen.add(c.name);
    out.push({ chain: c, depth });
    for (const n of targets(c)) {
      const next = byName.get(n);
      if (next) visit(next, depth + 1);
    }
  };
  bases.forEach((c) => visit(c, 0));
  table.chains.forEach((c) => visit(c, 0)); // unreached regular chains last
  return out;
}
