import type { IptRule, IptRuleset, NftTable } from '../snapshot/netfilter-schema';
import type { Snapshot } from '../snapshot/schema';
import { explainChainPolicy, explainIptablesRule } from './explain';
import { explainNftRule } from './explain-nft';
import { explainContext, emptyContext, forNamespace } from './explain-context';
import type { ExplainContext, RuleExplanation } from './explain-types';
import { parseRulesetText, type RulesetFormat } from './detect';
import { indexIptablesDump, parseRuleLine, type IptDump } from './iptables-parse';
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

/** A chain of the report; `Rules` is an array, or an iterable when a big dump is explained as it is printed. */
export interface ReportChain<Rules extends Iterable<ReportRule> = ReportRule[]> {
  namespace: string;
  family: string;
  table: string;
  chain: string;
  depth: number;
  policy: string | null;
  policyExplanation: string | null;
  rules: Rules;
}

/** A report read once, front to back: each chain's rules are explained while they are consumed. */
export type StreamedReport = Iterable<ReportChain<Iterable<ReportRule>>>;

/** Every chain of an iptables ruleset in traversal order (unreached chains last), every rule explained. */
export function reportIptables(ctx: ExplainContext, namespace: string, family: 'ipv4' | 'ipv6', rs: IptRuleset): ReportChain[] {
  return [...streamIptables(ctx, namespace, family, rs, (rule) => rule)].map((c) => ({ ...c, rules: [...c.rules] }));
}

/** The same, lazily: `ruleOf` turns what the dump kept into the parsed rule (a dump index keeps only lines). */
function* streamIptables<R extends { target: { name: string } | null }>(
  ctx: ExplainContext,
  namespace: string,
  family: 'ipv4' | 'ipv6',
  rs: IptDump<R>,
  ruleOf: (kept: R) => IptRule,
): Generator<ReportChain<Iterable<ReportRule>>> {
  const visits = iptablesTraversal(rs);
  const order = [...visits.map((v) => ({ table: v.table, chain: v.chain, depth: v.depth })), ...unreachedChains(rs, visits).map((c) => ({ ...c, depth: 0 }))];
  const chains = new Map(rs.tables.flatMap((t) => t.chains.map((c) => [`${t.name}/${c.name}`, c] as const)));
  for (const { table, chain, depth } of order) {
    const c = chains.get(`${table}/${chain}`)!;
    yield {
      namespace,
      family,
      table,
      chain,
      depth,
      policy: c.policy,
      policyExplanation: c.policy ? explainChainPolicy(table, chain, c.policy).sentence : null,
      rules: (function* () {
        for (let index = 0; index < c.rules.length; index++) {
          const rule = ruleOf(c.rules[index]);
          yield {
            ...explainIptablesRule(ctx, family, table, chain, rule),
            namespace,
            family,
            table,
            chain,
            index,
            text: rule.raw,
            packets: rule.counters?.packets ?? null,
            bytes: rule.counters?.bytes ?? null,
          };
        }
      })(),
    };
  }
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

/**
 * A dump from a file (no host to name objects from), explained as it is consumed. An iptables dump is only
 * indexed up front (each rule's line and target) and each rule parsed when its turn comes, so memory stays a small
 * multiple of the file whatever its size; nft dumps are parsed whole.
 */
export function* reportDump(text: string, format: RulesetFormat): StreamedReport {
  const ctx = emptyContext();
  if (format === 'iptables-save' || format === 'iptables-S') {
    yield* streamIptables(ctx, 'file', 'ipv4', indexIptablesDump(text), (kept) => parseRuleLine(kept.line)!.rule);
    return;
  }
  for (const t of parseRulesetText(text).nft ?? []) yield* reportNft(ctx, 'file', t);
}

const n = (v: number | null) => (v === null ? '-' : v >= 1e9 ? `${Math.round(v / 1e9)}G` : v >= 1e6 ? `${Math.round(v / 1e6)}M` : v >= 1e4 ? `${Math.round(v / 1e3)}K` : String(v));

/** Chains nest visibly up to this depth; deeper ones say their depth instead, so output grows with depth linearly. */
export const REPORT_MAX_INDENT = 8;

/** `iptables -L -v -n`-like text, each rule followed by its role and explanation; yields it line by line. */
export function* formatReport(chains: StreamedReport): Generator<string> {
  let head = '';
  let first = true;
  for (const c of chains) {
    const h = `${c.namespace} · ${c.family} · table ${c.table}`;
    if (h !== head) {
      yield `${first ? '' : '\n'}== ${h}\n`;
      head = h;
      first = false;
    }
    const pad = '  '.repeat(Math.min(c.depth, REPORT_MAX_INDENT));
    const deep = c.depth > REPORT_MAX_INDENT ? ` [depth ${c.depth}]` : '';
    yield `\n${pad}Chain ${c.chain}${deep}${c.policy ? ` (policy ${c.policy})` : ''}${c.policyExplanation ? ` — ${c.policyExplanation}` : ''}\n`;
    let empty = true;
    for (const r of c.rules) {
      empty = false;
      const flag = r.understood ? '' : ' [NOT UNDERSTOOD: shown raw]';
      yield `${pad}  ${n(r.packets).padStart(6)} ${n(r.bytes).padStart(6)}  ${r.text}\n${pad}                 ↳ ${r.role} (${r.origin})${flag}: ${r.sentence}\n`;
    }
    if (empty) yield `${pad}  (no rules)\n`;
  }
}

/** The report as one JSON array of chains, each with its `rules`; yielded piece by piece (one rule per line). */
export function* reportJson(chains: StreamedReport): Generator<string> {
  let firstChain = true;
  for (const { rules, ...head } of chains) {
    yield `${firstChain ? '[\n' : ',\n'}${JSON.stringify(head).slice(0, -1)},"rules":[`;
    firstChain = false;
    let firstRule = true;
    for (const r of rules) {
      yield `${firstRule ? '\n' : ',\n'}${JSON.stringify(r)}`;
      firstRule = false;
    }
    yield ']}';
  }
  yield firstChain ? '[]\n' : '\n]\n';
}
