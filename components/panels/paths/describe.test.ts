import { describe, expect, it } from 'vitest';
import { isRuleOutcome, type TraceResult } from '@/lib/sim/types';
import { decidingRule, KERNEL_DROP_LABELS, OUTCOME_LABELS, ruleWhere, UNCERTAIN_LABELS } from './describe';
import { API, API_NS, HOST_NS, labSnapshot, SIDECAR, WEB } from './test-fixture.test-helper';

const s = labSnapshot();

describe('words', () => {
  it('outcome labels are exactly the seven the panel shows', () => {
    expect(Object.values(OUTCOME_LABELS)).toEqual(['delivered', 'dropped', 'rejected', 'no route', 'uncertain', 'refused', 'port unreachable']);
  });
  it('rules are numbered from 1, policies named', () => {
    expect(ruleWhere('filter', 'DOCKER-ISOLATION-STAGE-2', 0)).toBe('rule #1 of filter/DOCKER-ISOLATION-STAGE-2');
    expect(ruleWhere('filter', 'FORWARD', null)).toBe('the policy of filter/FORWARD');
  });
});

describe('decidingRule', () => {
  const base: TraceResult = {
    query: { from: { kind: 'container', containerId: WEB }, to: { kind: 'ip', ip: '198.18.2.3', port: null }, protocol: 'icmp' },
    steps: [
      { type: 'rule', namespaceId: HOST_NS, family: 'ipv4', hook: 'FORWARD', table: 'filter', chain: 'DOCKER-ISOLATION-STAGE-2', index: 0, text: '-A … -j DROP', verdict: 'match', effect: 'DROP', explanation: null },
    ],
    outcome: { result: 'dropped', cause: 'rule', namespaceId: HOST_NS, table: 'filter', chain: 'DOCKER-ISOLATION-STAGE-2', index: 0, rule: '-A … -j DROP' },
    legs: 1,
    summary: '',
    reply: null,
  };
  it('is the rule that dropped it, with the family of its step', () => {
    expect(decidingRule(base)).toEqual({ namespaceId: HOST_NS, family: 'ipv4', table: 'filter', chain: 'DOCKER-ISOLATION-STAGE-2', index: 0 });
  });
  it('falls back to the destination family, and is null when delivered', () => {
    const v6: TraceResult = { ...base, steps: [], query: { ...base.query, to: { kind: 'ip', ip: 'fd00::2', port: 80 } } };
    expect(decidingRule(v6)?.family).toBe('ipv6');
    expect(decidingRule({ ...base, outcome: { result: 'delivered', namespaceId: HOST_NS, containerIds: [], port: null, seenSource: '', seenDestination: '' } })).toBeNull();
  });
});

describe('isRuleOutcome', () => {
  it('is false for the kernel, docker-proxy and loops', () => {
    expect(isRuleOutcome({ result: 'dropped', cause: 'rule', namespaceId: HOST_NS, table: 'filter', chain: 'FORWARD', index: null, rule: 'policy DROP' })).toBe(true);
    expect(isRuleOutcome({ result: 'uncertain', cause: 'rule', namespaceId: HOST_NS, table: 'filter', chain: 'FORWARD', index: 2, rule: '-A FORWARD -m set … -j DROP', why: 'ipset' })).toBe(true);
    expect(isRuleOutcome({ result: 'dropped', cause: 'martian', namespaceId: HOST_NS, why: 'source 127.0.0.1 arriving on eth0' })).toBe(false);
    expect(isRuleOutcome({ result: 'uncertain', cause: 'docker-proxy', namespaceId: HOST_NS, why: 'x' })).toBe(false);
    expect(isRuleOutcome({ result: 'uncertain', cause: 'ruleset', namespaceId: HOST_NS, why: 'the rules loop (filter FORWARD)' })).toBe(false);
    expect(isRuleOutcome({ result: 'no-route', namespaceId: HOST_NS, destination: '1.2.3.4' })).toBe(false);
  });
  it('names a word for every non-rule cause', () => {
    expect(Object.keys(KERNEL_DROP_LABELS).sort()).toEqual(['forwarding', 'martian']);
    expect(Object.keys(UNCERTAIN_LABELS).sort()).toEqual(['conntrack', 'docker-proxy', 'forwarding', 'ipvs', 'reply', 'route', 'ruleset']);
  });
});
