import type { ReachCell } from '../reach/matrix';
import type { TraceQuery } from '../sim/types';
import type { Snapshot } from '../snapshot/schema';
import type { SemanticChange } from './changes';
import { flowsOf, type Flow } from './reach-flows';
import { bridgeAliases, ruleIdentity } from './volatile';

/**
 * Differential reachability: THE matrix (lib/reach) on both snapshots, over the union of their sources and
 * targets (paired by name, lib/compare/reach-flows.ts), and the flows whose answer changed — each with both queries,
 * the rule or fact that decided each side, and the entries of the change list that concern it.
 *
 * - broken: delivered before, not after (or its source or target is gone);
 * - opened: not delivered before, delivered after;
 * - changed: not delivered on either side, but for another reason (another rule, uncertain);
 * - new: a flow whose source or target did not exist before. Listed, but no failure: adding things breaks nothing
 *   that worked, and a pipeline adds containers all the time.
 */

export type FlowChangeKind = 'broken' | 'opened' | 'changed' | 'new';

export interface FlowSide {
  verdict: ReachCell['verdict'];
  /** The matrix's line: the source address seen, or the rule that dropped it and its explanation. */
  why: string;
  rule: ReachCell['rule'];
}

export interface FlowChange {
  key: string;
  source: string;
  target: string;
  kind: FlowChangeKind;
  /** null: the flow does not exist on that side (its source or target is missing). */
  before: FlowSide | null;
  after: FlowSide | null;
  /** One sentence: `before: delivered; after: dropped by filter DOCKER-USER rule 1 (…) — rule added …`. */
  because: string;
  /** Indexes into the change list of the entries that concern this flow, most telling first. */
  related: number[];
  /** The containers at either end and their networks, on either side: what `--only` and the UI select by. */
  ends: { containers: string[]; networks: string[] };
  /**
   * What to trace on each side to show the whole path (`tracePath(side, query)`). Traced when someone looks, not
   * here: a host that grew has tens of thousands of new flows, and their traces made a comparison seconds slower and
   * tens of megabytes larger for paragraphs nobody opens.
   */
  queries: { before: TraceQuery | null; after: TraceQuery | null };
}

export interface ReachDiff {
  sources: string[];
  targets: string[];
  /** Flows compared (present on both sides). */
  compared: number;
  /** New flows (`changes` may list only some: `listedForPage`), and how many of them are delivered. */
  newFlows: { total: number; delivered: number };
  changes: FlowChange[];
}

/** The new flows among `flows`, counted. */
export function countNew(flows: FlowChange[]): ReachDiff['newFlows'] {
  const fresh = flows.filter((f) => f.kind === 'new');
  return { total: fresh.length, delivered: fresh.filter((f) => f.after?.verdict === 'delivered').length };
}

const side = (f: Flow | undefined): FlowSide | null => (f ? { verdict: f.cell.verdict, why: f.cell.why, rule: f.cell.rule } : null);

/**
 * The deciding rule as a comparable value: its identity (lib/compare/volatile.ts), not its position, which moves
 * when rules are inserted above it, nor its bridge's kernel name, which a recreated network changes.
 */
function ruleIdOf(s: Snapshot, bridges: Map<string, string>, x: FlowSide | null): string {
  if (!x?.rule) return '';
  const ns = s.namespaces.find((n) => n.id === x.rule!.namespaceId);
  return `${x.rule.table}/${x.rule.chain}/${ns ? ruleIdentity(x.rule.text, ns, x.rule.chain, bridges) : x.rule.text}`;
}

function classify(before: FlowSide | null, after: FlowSide | null, sameRule: () => boolean): FlowChangeKind | null {
  if (!before) return 'new';
  if (!after) return before.verdict === 'delivered' ? 'broken' : null;
  const was = before.verdict === 'delivered';
  const is = after.verdict === 'delivered';
  if (was && !is) return 'broken';
  if (!was && is) return 'opened';
  if (before.verdict !== after.verdict || !sameRule()) return was ? null : 'changed';
  return null;
}

/** The deciding rule or verdict in a few words: `filter DOCKER-USER rule 1`, `the filter FORWARD policy`, `delivered`. */
export function sideShort(x: FlowSide | null): string {
  if (!x) return 'no such flow';
  if (!x.rule) return x.verdict === 'delivered' ? 'delivered' : x.why;
  return x.rule.index === null ? `the ${x.rule.table} ${x.rule.chain} policy` : `${x.rule.table} ${x.rule.chain} rule ${x.rule.index + 1}`;
}

/** One side in a few words: `delivered`, `dropped by filter FORWARD rule 39 (-A FORWARD …)`, the matrix's why. */
export function sideText(x: FlowSide | null): string {
  if (!x) return 'no such flow';
  if (x.verdict === 'delivered') return 'delivered';
  if (!x.rule) return x.why;
  const where = x.rule.index === null ? `the ${x.rule.table} ${x.rule.chain} policy` : `${x.rule.table} ${x.rule.chain} rule ${x.rule.index + 1}`;
  return `${x.verdict} by ${where} (${x.rule.text})`;
}

/**
 * The change list indexed by what relates a flow to an entry (its rules, the containers and networks it concerns),
 * so a flow scores only the entries that can concern it: a host that grew has tens of thousands of new flows and
 * hundreds of changes, and scoring every pair took seconds.
 */
interface ChangeIndex {
  byRule: Map<string, number[]>;
  byContainer: Map<string, number[]>;
  byNetwork: Map<string, number[]>;
  sysctls: number[];
}

const ruleKey = (r: { table: string; chain: string; text: string }) => `${r.table}/${r.chain}/${r.text}`;

function indexChanges(changes: SemanticChange[]): ChangeIndex {
  const ix: ChangeIndex = { byRule: new Map(), byContainer: new Map(), byNetwork: new Map(), sysctls: [] };
  const add = (m: Map<string, number[]>, k: string, i: number) => m.set(k, [...(m.get(k) ?? []), i]);
  changes.forEach((c, i) => {
    if (c.object.type === 'rule') add(ix.byRule, ruleKey(c.object), i);
    if (c.kind !== 'rule') for (const n of c.concerns.containers) add(ix.byContainer, n, i);
    if (c.kind === 'network') for (const n of c.concerns.networks) add(ix.byNetwork, n, i);
    if (c.kind === 'sysctl') ix.sysctls.push(i);
  });
  return ix;
}

/** The change-list entries that concern a flow: the rules that decided it first, then its ends, then their networks. */
function relatedChanges(flow: { before: Flow | undefined; after: Flow | undefined }, before: FlowSide | null, after: FlowSide | null, changes: SemanticChange[], ix: ChangeIndex): number[] {
  const sides = [flow.before, flow.after].filter((x): x is Flow => !!x);
  const ends = new Set(sides.flatMap((x) => [...x.sourceContainers, ...(x.targetContainer ? [x.targetContainer] : [])]));
  const networks = new Set(sides.flatMap((x) => x.networks));
  const rules = [before?.rule, after?.rule].filter((r) => !!r).map((r) => ruleKey(r!));
  const score = (c: SemanticChange): number => {
    if (c.object.type === 'rule' && rules.includes(ruleKey(c.object))) return 4;
    if (c.concerns.containers.some((n) => ends.has(n)) && c.kind !== 'rule') return c.kind === 'container' || c.kind === 'endpoint' || c.kind === 'port' ? 3 : 1;
    if (c.kind === 'network' && c.concerns.networks.some((n) => networks.has(n))) return 2;
    if (c.kind === 'sysctl') return 1;
    return 0;
  };
  const candidates = new Set([
    ...rules.flatMap((k) => ix.byRule.get(k) ?? []),
    ...[...ends].flatMap((n) => ix.byContainer.get(n) ?? []),
    ...[...networks].flatMap((n) => ix.byNetwork.get(n) ?? []),
    ...ix.sysctls,
  ]);
  return [...candidates]
    .map((i) => [score(changes[i]), i] as const)
    .filter(([sc]) => sc > 0)
    .sort((x, y) => y[0] - x[0] || x[1] - y[1])
    .map(([, i]) => i);
}

function endsOf(...sides: Array<Flow | undefined>): FlowChange['ends'] {
  const fl = sides.filter((x): x is Flow => !!x);
  return {
    containers: [...new Set(fl.flatMap((x) => [...x.sourceContainers, ...(x.targetContainer ? [x.targetContainer] : [])]))],
    networks: [...new Set(fl.flatMap((x) => x.networks))],
  };
}

export function diffReach(a: Snapshot, b: Snapshot, changes: SemanticChange[]): ReachDiff {
  const brA = bridgeAliases(a);
  const brB = bridgeAliases(b);
  const fa = flowsOf(a);
  const fb = flowsOf(b);
  const ix = indexChanges(changes);
  const sources = new Set<string>();
  const targets = new Set<string>();
  let compared = 0;
  const out: FlowChange[] = [];
  for (const key of new Set([...fa.keys(), ...fb.keys()])) {
    const x = fa.get(key);
    const y = fb.get(key);
    const f = (y ?? x)!;
    sources.add(f.source);
    targets.add(f.target);
    if (x && y) compared++;
    const before = side(x);
    const after = side(y);
    const kind = classify(before, after, () => ruleIdOf(a, brA, before) === ruleIdOf(b, brB, after));
    if (!kind) continue;
    const related = relatedChanges({ before: x, after: y }, before, after, changes, ix);
    // The fact rather than the mechanism: "icc on → off" over the DROP rule Docker wrote for it (already named).
    const factAt = related.find((i) => changes[i].kind !== 'rule') ?? related[0];
    const first = factAt === undefined ? null : changes[factAt];
    const fact = !first ? '' : first.object.type === 'rule' && first.object.index !== null && [before, after].some((x) => x?.rule?.text === first.detail)
      ? ` — that rule was ${first.action} (${first.subject})`
      : ` — ${first.kind} ${first.action}: ${first.subject}${first.detail ? ` (${first.detail})` : ''}`;
    out.push({
      key, source: f.source, target: f.target, kind, before, after, related, ends: endsOf(x, y), queries: { before: x?.cell.query ?? null, after: y?.cell.query ?? null },
      because: `before: ${sideText(before)}; after: ${sideText(after)}${fact}`,
    });
  }
  const order: Record<FlowChangeKind, number> = { broken: 0, opened: 1, changed: 2, new: 3 };
  out.sort((p, q) => order[p.kind] - order[q.kind] || p.key.localeCompare(q.key));
  return { sources: [...sources].sort(), targets: [...targets].sort(), compared, newFlows: countNew(out), changes: out };
}
