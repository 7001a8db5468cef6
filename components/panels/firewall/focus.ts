import type { Namespace } from '@/lib/snapshot/schema';
import { namespaceRules, type ChainView, type Family, type NamespaceRules, type RulesQuery } from './model';

/** A rule to bring into view (from a packet-path step): which namespace, family, table, chain and rule. */
export interface FocusRule {
  namespaceId: string;
  family: Family;
  /** iptables table (filter, nat…), or an nft table by name or as `family name`. */
  table: string;
  chain: string;
  /** Index of the rule in its chain; null for the chain policy (the chain itself is focused). */
  index: number | null;
}

export const sameChain = (c: Pick<ChainView, 'table' | 'tableLabel' | 'chain'>, f: Pick<FocusRule, 'table' | 'chain'>) =>
  c.chain === f.chain && (c.table === f.table || c.tableLabel === f.table);

export interface FocusLocation {
  chainId: string;
  /** The rule is one of the chain's "other" rules (behind the toggle). */
  inOthers: boolean;
  /** Its row position once shown (with the others when inOthers), for the row limit; 0 for a policy. */
  position: number;
}

/** Where the focused rule sits among these chain views; null when its chain (or rule) is not listed. */
export function locateFocus(chains: ChainView[], f: FocusRule): FocusLocation | null {
  const c = chains.find((x) => sameChain(x, f));
  if (!c) return null;
  if (f.index === null) return { chainId: c.id, inOthers: false, position: 0 };
  const inRules = c.rules.findIndex((r) => r.index === f.index);
  if (inRules >= 0) return { chainId: c.id, inOthers: false, position: inRules };
  if (!c.others.some((r) => r.index === f.index)) return null;
  const all = [...c.rules, ...c.others].sort((a, b) => a.index - b.index);
  return { chainId: c.id, inOthers: true, position: all.findIndex((r) => r.index === f.index) };
}

/**
 * The namespace's chain views for the panel, making sure a focused rule is among them: when its chain does not
 * concern the subject (so is not listed), the whole namespace is listed instead. `widened` says so.
 */
export function rulesWithFocus(ns: Namespace, q: RulesQuery, focus: FocusRule | null): NamespaceRules & { widened: boolean } {
  const rules = namespaceRules(ns, q);
  if (!focus || focus.namespaceId !== ns.id || focus.family !== q.family || q.all) return { ...rules, widened: false };
  const found = (r: NamespaceRules) => locateFocus(r.iptables ?? [], focus) !== null || locateFocus(r.nft ?? [], focus) !== null;
  if (found(rules)) return { ...rules, widened: false };
  const all = namespaceRules(ns, { ...q, all: true, allReason: 'listed to show the rule from the packet path' });
  return found(all) ? { ...all, widened: true } : { ...rules, widened: false };
}
