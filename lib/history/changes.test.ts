import { describe, expect, it } from 'vitest';
import { describeChanges } from './changes';
import { diffSnapshots } from './delta';
import { labSnapshot, ruledHost, withRuleInsertedMidChain, withTraffic } from './corpus.test-helper';
import { addContainer, addNetwork, removeContainer } from '../topology/synthetic';

const changes = (a: Parameters<typeof diffSnapshots>[0], b: typeof a) => describeChanges(a, b, diffSnapshots(a, b));

describe('change log', () => {
  it('names containers and networks that came and went', () => {
    const a = ruledHost(12);
    const b = structuredClone(a);
    const net = addNetwork(b, 'payments', 40);
    addContainer(b, { name: 'billing', n: 400, networks: [net] });
    removeContainer(b, 'app-002');
    const got = changes(a, b);
    expect(got).toContainEqual({ kind: 'network', action: 'added', subject: 'payments', detail: null });
    expect(got).toContainEqual({ kind: 'container', action: 'added', subject: 'billing', detail: null });
    expect(got).toContainEqual({ kind: 'container', action: 'removed', subject: 'app-002', detail: null });
    expect(got.filter((c) => c.kind === 'namespace').map((c) => c.action).sort()).toEqual(['added', 'removed']);
    expect(got.some((c) => c.kind === 'interface' && c.action === 'added' && c.subject.startsWith('host: br-'))).toBe(true);
  });

  it('says a container changed state, and a sysctl its old and new value', () => {
    const a = ruledHost(6);
    const b = structuredClone(a);
    b.docker!.containers[3].state = 'exited';
    b.host.sysctls.ipv4Forward = 0;
    const got = changes(a, b);
    expect(got).toContainEqual({ kind: 'container', action: 'changed', subject: b.docker!.containers[3].name, detail: 'state running → exited' });
    expect(got).toContainEqual({ kind: 'sysctl', action: 'changed', subject: 'ipv4Forward', detail: '1 → 0' });
  });

  it('lists a rule inserted mid-chain with its table and chain', () => {
    const a = labSnapshot();
    const got = changes(a, withRuleInsertedMidChain(a));
    expect(got.find((c) => c.subject.includes('198.18.99.0/24'))).toMatchObject({ kind: 'rule', action: 'added' });
    expect(got.every((c) => c.kind === 'rule' && c.action === 'added')).toBe(true);
  });

  it('has nothing to say about counters', () => {
    const a = ruledHost(20);
    expect(changes(a, withTraffic(a, () => 4))).toEqual([]);
  });
});
