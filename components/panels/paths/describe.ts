import type { Snapshot } from '@/lib/snapshot/schema';
import type { Outcome, Step, TraceResult } from '@/lib/sim/types';
import type { FocusRule } from '../firewall/focus';
import { containerLabel } from './presets';

/** Words for a trace's parts (pure): the outcome badge, rule verdicts, where a rule sits, who a namespace is. */

export const OUTCOME_LABELS: Record<Outcome['result'], string> = {
  delivered: 'delivered',
  dropped: 'dropped',
  rejected: 'rejected',
  'no-route': 'no route',
  uncertain: 'uncertain',
};

export type Verdict = Extract<Step, { type: 'rule' }>['verdict'];
export const VERDICT_LABELS: Record<Verdict, string> = { match: 'match', 'no-match': 'no match', uncertain: 'uncertain', policy: 'policy' };

/** "rule #3 of nat/DOCKER" (numbered from 1, as the Firewall tab does), or "the policy of filter/FORWARD". */
export function ruleWhere(table: string, chain: string, index: number | null): string {
  return index === null ? `the policy of ${table}/${chain}` : `rule #${index + 1} of ${table}/${chain}`;
}

/** How a person knows a namespace: "the host", "lab-api + lab-sidecar", "netns netatlas-demo". */
export function namespaceName(s: Snapshot, id: string): string {
  const ns = s.namespaces.find((n) => n.id === id);
  if (!ns) return id;
  if (ns.kind === 'host') return 'the host';
  const ids = new Set(ns.containers);
  for (const c of s.docker?.containers ?? []) if (c.namespaceId === id) ids.add(c.id);
  if (ids.size > 0) {
    // The owner first, then `container:X` sharers, as the graph labels the box.
    const all = s.docker?.containers ?? [];
    const shares = (id: string) => +(all.find((c) => c.id === id)?.networkMode.kind === 'container');
    const named = [...ids].map((id) => ({ id, name: containerLabel(s, id) }));
    return named.sort((a, b) => shares(a.id) - shares(b.id) || a.name.localeCompare(b.name)).map((x) => x.name).join(' + ');
  }
  return ns.kind === 'named' && ns.name ? `netns ${ns.name}` : `netns ${ns.inode}`;
}

/** Who received it: the containers by name, else the namespace. */
export function receiverName(s: Snapshot, namespaceId: string, containerIds: string[]): string {
  return containerIds.length > 0 ? containerIds.map((c) => containerLabel(s, c)).join(' + ') : namespaceName(s, namespaceId);
}

/**
 * Whether a failure or doubt names a netfilter rule (or policy): the kernel's routing, docker-proxy and loops are
 * reported with table 'routing', 'docker-proxy' or '' and index -1.
 */
export function isRuleOutcome(o: Outcome): boolean {
  if (o.result !== 'dropped' && o.result !== 'rejected' && o.result !== 'uncertain') return false;
  return o.table !== '' && o.table !== 'routing' && o.table !== 'docker-proxy' && o.chain !== '' && (o.index === null || o.index >= 0);
}

const ruleSteps = (steps: Step[]) => steps.filter((x): x is Extract<Step, { type: 'rule' }> => x.type === 'rule');

/** The Firewall-tab focus for a rule step. */
export function focusForStep(step: Extract<Step, { type: 'rule' }>): FocusRule {
  return { namespaceId: step.namespaceId, family: step.family, table: step.table, chain: step.chain, index: step.index };
}

/**
 * The rule that decided (dropped, rejected) or could not be read (uncertain), as a Firewall-tab focus; its family
 * comes from the matching rule step, else from the destination address.
 */
export function decidingRule(r: TraceResult): FocusRule | null {
  const o = r.outcome;
  if (o.result !== 'dropped' && o.result !== 'rejected' && o.result !== 'uncertain') return null;
  if (!isRuleOutcome(o)) return null;
  const step = ruleSteps(r.steps)
    .reverse()
    .find((x) => x.namespaceId === o.namespaceId && x.table === o.table && x.chain === o.chain && x.index === o.index);
  const dest = r.query.to.kind === 'ip' ? r.query.to.ip : '';
  const family = step?.family ?? (dest.includes(':') ? 'ipv6' : 'ipv4');
  return { namespaceId: o.namespaceId, family, table: o.table, chain: o.chain, index: o.index };
}
