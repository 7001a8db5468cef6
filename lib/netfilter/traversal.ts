import type { NftChain, NftTable } from '../snapshot/netfilter-schema';
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

/** What traversal needs of a ruleset: chains and each rule's target. An IptRuleset is one; so is a dump's index. */
export interface ChainGraph {
  tables: { name: string; chains: { name: string; rules: { target: { name: string } | null }[] }[] }[];
}

/** User chains a rule can lead to: its -j/-g target if that is a chain of the same table. */
export function jumpTarget(rule: { target: { name: string } | null }, chainNames: Set<string>): string | null {
  const t = rule.target?.name;
  return t && chainNames.has(t) ? t : null;
}

/**
 * Every chain reachable from the hooks, each once, in the order a packet would first meet it (for listing).
 * Depth-first with an explicit stack: a dump can chain thousands of user chains into a line (or a cycle), which
 * recursion would turn into a stack overflow. The seen set lists each chain once, so cycles end.
 */
export function iptablesTraversal(rs: ChainGraph): ChainVisit[] {
  const out: ChainVisit[] = [];
  // A user chain reached from two hooks (nat DOCKER from PREROUTING and OUTPUT) is listed where it is first met.
  const seen = new Set<string>();
  for (const { hook, tables } of HOOK_TABLES) {
    for (const tableName of tables) {
      const table = rs.tables.find((t) => t.name === tableName);
      const byName = new Map(table?.chains.map((c) => [c.name, c]));
      if (!table || !byName.has(hook)) continue;
      const names = new Set(byName.keys());
      seen.add(`${tableName}/${hook}`);
      out.push({ table: tableName, chain: hook, hook, depth: 0, from: null });
      const stack: { chain: string; depth: number; next: number }[] = [{ chain: hook, depth: 0, next: 0 }];
      while (stack.length) {
        const frame = stack[stack.length - 1];
        const rules = byName.get(frame.chain)?.rules ?? [];
        let pushed = false;
        while (frame.next < rules.length && !pushed) {
          const index = frame.next++;
          const target = jumpTarget(rules[index], names);
          if (target && !seen.has(`${tableName}/${target}`)) {
            seen.add(`${tableName}/${target}`);
            out.push({ table: tableName, chain: target, hook, depth: frame.depth + 1, from: { chain: frame.chain, index } });
            stack.push({ chain: target, depth: frame.depth + 1, next: 0 });
            pushed = true;
          }
        }
        if (!pushed) stack.pop();
      }
    }
  }
  return out;
}

/** Chains no hook reaches (unused user chains): listed after the traversal so nothing is hidden. */
export function unreachedChains(rs: ChainGraph, visits: ChainVisit[]): { table: string; chain: string }[] {
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
  // Depth-first with an explicit stack, as for iptables: jump chains can be as deep or as cyclic as a dump likes.
  const visit = (root: NftChain) => {
    if (seen.has(root.name)) return;
    seen.add(root.name);
    out.push({ chain: root, depth: 0 });
    const stack = [{ targets: targets(root), depth: 0, next: 0 }];
    while (stack.length) {
      const frame = stack[stack.length - 1];
      if (frame.next === frame.targets.length) {
        stack.pop();
        continue;
      }
      const next = byName.get(frame.targets[frame.next++]);
      if (!next || seen.has(next.name)) continue;
      seen.add(next.name);
      out.push({ chain: next, depth: frame.depth + 1 });
      stack.push({ targets: targets(next), depth: frame.depth + 1, next: 0 });
    }
  };
  bases.forEach((c) => visit(c));
  table.chains.forEach((c) => visit(c)); // unreached regular chains last
  return out;
}
