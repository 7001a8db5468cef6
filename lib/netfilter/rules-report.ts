import type { IptRuleset, NftTable } from '../snapshot/netfilter-schema';
import type { Snapshot } from '../snapshot/schema';
import { explainChainPolicy, explainIptablesRule } from './explain';
import { explainNftRule } from './explain-nft';
import { explainContext, emptyContext, forNamespace } from './explain-context';
import type { ExplainContext, RuleExplanation } from './explain-types';
import { iptablesTraversal, nftTraversal, unreachedChains } from './traversal';

/** One rule with its explanation, as `netatlas rules` prints it and `--json` emits it. */
export interface ReportRule extends RuleExplanation {
  namespace: string;
  family: 'ipv4' | 'ipv6' | string;
  table: string;
  chain: string;
  index: number;
  text: string;
  packets: number | null;
  bytes: number | null;
}

export interface ReportChain {
  namespace: string;
  family: string;
  table: string;
  chain: string;
  depth: number;
  policy: string | null;
  policyExplanation: string | null;
  rules: ReportRule[];
}

/** Every chain of an iptables ruleset in traversal order (unreached chains last), every rule explained. */
export function reportIptables(ctx: ExplainContext, namespace: string, family: 'ipv4' | 'ipv6', rs: IptRuleset): ReportChain[] {
  const visits = iptablesTraversal(rs);
  const order = [...visits.map((v) => ({ table: v.table, chain: v.chain, depth: v.depth })), ...unreachedChains(rs, visits).map((c) => ({ ...c, depth: 0 }))];
  return order.map(({ table, chain, depth }) => {
    const c = rs.tables.find((t) => t.name === table)!.chains.find((x) => x.name === chain)!;
    return {
      namespace,
      family,
      table,
      chain,
      depth,
      policy: c.policy,
      policyExplanation: c.policy ? explainChainPolicy(table, chain, c.policy).sentence : null,
      rules: c.rules.map((rule, index) => ({
        ...explainIptablesRule(ctx, family, table, chain, rule),
        namespace,
        family,
        table,
        chain,
        index,
        text: rule.raw,
        packets: rule.counters?.packets ?? null,
        bytes: rule.counters?.bytes ?? null,
      })),
    };
  });
}

export function reportNft(ctx: ExplainContext, namespace: string, table: NftTable): ReportChain[] {
  return nftTraversal(table).map(({ chain, depth }) => ({
    namespace,
    family: table.family,
    table: table.name,
    chain: chain.name,
    depth,
    policy: chain.policy,
    policyExplanation: chain.hook ? `Base chain on the ${chain.hook} hook (priority ${chain.priority}); policy ${chain.policy ?? 'accept'}.` : null,
    rules: chain.rules.map((rule, index) => ({
      ...explainNftRule(ctx, table, chain, rule),
      namespace,
      family: table.family,
      table: table.name,
      chain: chain.name,
      index,
      text: rule.text,
      packets: rule.counters?.packets ?? null,
      bytes: rule.counters?.bytes ?? null,
    })),
  }));
}

/** The live host's rules: the host namespace, or every namespace with `all`. */
export function reportSnapshot(s: Snapshot, all = false): ReportChain[] {
  const ctx = explainContext(s);
  const out: ReportChain[] = [];
  for (const ns of s.namespaces.filter((n) => all || n.kind === 'host')) {
    const label = ns.kind === 'host' ? 'host' : (ns.name ?? ns.id);
    const nsCtx = forNamespace(ctx, ns); // whose rules these are matters (swarm sandboxes, container DNS)
    const nf = ns.netfilter;
    if (nf?.ipv4) out.push(...reportIptables(nsCtx, label, 'ipv4', nf.ipv4));
    if (nf?.ipv6) out.push(...reportIptables(nsCtx, label, 'ipv6', nf.ipv6));
    for (const t of nf?.nftables ?? []) out.push(...reportNft(nsCtx, label, t));
  }
  return out;
}

/** A dump from a file: no host to name objects from. */
export function reportDump(parsed: { ipv4?: IptRuleset; nft?: NftTable[] }): ReportChain[] {
  const ctx = emptyContext();
  return [...(parsed.ipv4 ? reportIptables(ctx, 'file', 'ipv4', parsed.ipv4) : []), ...(parsed.nft ?? []).flatMap((t) => reportNft(ctx, 'file', t))];
}

const n = (v: number | null) => (v === null ? '-' : v >= 1e9 ? `${Math.round(v / 1e9)}G` : v >= 1e6 ? `${Math.round(v / 1e6)}M` : v >= 1e4 ? `${Math.round(v / 1e3)}K` : String(v));

/** `iptables -L -v -n`-like text, each rule followed by its role and explanation. */
export function formatReport(chains: ReportChain[]): string {
  const out: string[] = [];
  let head = '';
  for (const c of chains) {
    const h = `${c.namespace} · ${c.family} · table ${c.table}`;
    if (h !== head) {
      out.push('', `== ${h}`);
      head = h;
    }
    out.push('', `${'  '.repeat(c.depth)}Chain ${c.chain}${c.policy ? ` (policy ${c.policy})` : ''}${c.policyExplanation ? ` — ${c.policyExplanation}` : ''}`);
    if (c.rules.length === 0) out.push(`${'  '.repeat(c.depth)}  (no rules)`);
    for (const r of c.rules) {
      const flag = r.understood ? '' : ' [NOT UNDERSTOOD: shown raw]';
      out.push(`${'  '.repeat(c.depth)}  ${n(r.packets).padStart(6)} ${n(r.bytes).padStart(6)}  ${r.text}`);
      out.push(`${'  '.repeat(c.depth)}                 ↳ ${r.role} (${r.origin})${flag}: ${r.sentence}`);
    }
  }
  return out.join('\n').trimStart() + '\n';
}
