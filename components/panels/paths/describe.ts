import type { Snapshot } from '@/lib/snapshot/schema';
import { isRuleOutcome, type KernelDrop, type Outcome, type Step, type TraceResult, type UncertainCause } from '@/lib/sim/types';
import type { FocusRule } from '../firewall/focus';

/** Words for a trace's parts (pure): the outcome badge, rule verdicts, where a rule sits, who a namespace is. */

export const OUTCOME_LABELS: Record<Outcome['result'], string> = {
  delivered: 'delivered',
  dropped: 'dropped',
  rejected: 'rejected',
  'no-route': 'no route',
  uncertain: 'uncertain',
  refused: 'refused',
  'port-unreachable': 'port unreachable',
};

/** Why the kernel dropped it, when no rule did. */
export const KERNEL_DROP_LABELS: Record<KernelDrop, string> = { martian: 'a martian address', forwarding: 'forwarding is off' };

/** What the simulator could not follow, when it was not a rule. */
export const UNCERTAIN_LABELS: Record<UncertainCause, string> = {
  route: 'a route or device it does not model',
  forwarding: 'forwarding unknown',
  conntrack: 'no record of the connection on the way back',
  reply: 'the reply takes another way back',
  'docker-proxy': 'docker-proxy',
  ruleset: 'a ruleset it cannot follow',
  ipvs: "swarm's IPVS load balancer",
};

export type Verdict = Extract<Step, { type: 'rule' }>['verdict'];
export const VERDICT_LABELS: Record<Verdict, string> = { match: 'match', 'no-match': 'no match', uncertain: 'uncertain', policy: 'policy' };

/** "rule #3 of nat/DOCKER" (numbered from 1, as the Firewall tab does), or "the policy of filter/FORWARD". */
export function ruleWhere(table: string, chain: string, index: number | null): string {
  return index === null ? `the policy of ${table}/${chain}` : `rule #${index + 1} of ${table}/${chain}`;
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
  if (!isRuleOutcome(o)) return null;
  const step = ruleSteps(r.steps)
    .reverse()
    .find((x) => x.namespaceId === o.namespaceId && x.table === o.table && x.chain === o.chain && x.index === o.index);
  const dest = r.query.to.kind === 'ip' ? r.query.to.ip : '';
  const family = step?.family ?? (dest.includes(':') ? 'ipv6' : 'ipv4');
  return { namespaceId: o.namespaceId, family, table: o.table, chain: o.chain, index: o.index };
}
