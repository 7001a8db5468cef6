import { describe, expect, it } from 'vitest';
import { factsOf } from '@/lib/netfilter/attribution';
import { locateFocus, rulesWithFocus, type FocusRule } from './focus';
import { namespaceRules, type RulesQuery } from './model';
import { HOST_NS, labSnapshot, WEB } from './test-fixture.test-helper';

const s = labSnapshot();
const host = s.namespaces.find((n) => n.id === HOST_NS)!;
const q: RulesQuery = { family: 'ipv4', tableFilter: 'all', facts: factsOf(s, { type: 'container', containerId: WEB }), all: false, allReason: '' };
const rules = namespaceRules(host, q).iptables!;
const chain = (table: string, name: string) => host.netfilter!.ipv4!.tables.find((t) => t.name === table)!.chains.find((c) => c.name === name)!;

describe('locateFocus', () => {
  it('finds a rule the subject concerns, among the shown rules', () => {
    const dnat = chain('nat', 'DOCKER').rules.findIndex((r) => r.raw.includes('--dport 18080'));
    const f: FocusRule = { namespaceId: HOST_NS, family: 'ipv4', table: 'nat', chain: 'DOCKER', index: dnat };
    expect(locateFocus(rules, f)).toMatchObject({ chainId: 'ipt:nat/DOCKER', inOthers: false });
  });

  it('finds a policy as its chain, and says when the chain is not listed', () => {
    expect(locateFocus(rules, { namespaceId: HOST_NS, family: 'ipv4', table: 'nat', chain: 'DOCKER', index: null })).toEqual({ chainId: 'ipt:nat/DOCKER', inOthers: false, position: 0 });
    expect(locateFocus(rules, { namespaceId: HOST_NS, family: 'ipv4', table: 'nat', chain: 'NOPE', index: 0 })).toBeNull();
    expect(locateFocus(rules, { namespaceId: HOST_NS, family: 'ipv4', table: 'nat', chain: 'DOCKER', index: 999 })).toBeNull();
  });

  it('finds a rule among the others, with its position in the chain', () => {
    const c = rules.find((x) => x.others.length > 0)!;
    const other = c.others[0];
    const f: FocusRule = { namespaceId: HOST_NS, family: 'ipv4', table: c.table, chain: c.chain, index: other.index };
    expect(locateFocus(rules, f)).toEqual({ chainId: c.id, inOthers: true, position: other.index });
  });
});

describe('rulesWithFocus', () => {
  it('lists the whole namespace when the focused chain does not concern the subject', () => {
    const listed = new Set(rules.map((c) => c.id));
    const missing = host.netfilter!.ipv4!.tables.flatMap((t) => t.chains.map((c) => ({ table: t.name, chain: c.name, n: c.rules.length }))).find((c) => c.n > 0 && !listed.has(`ipt:${c.table}/${c.chain}`))!;
    expect(missing.chain).toBe('DOCKER-USER');
    const f: FocusRule = { namespaceId: HOST_NS, family: 'ipv4', table: missing.table, chain: missing.chain, index: 0 };
    const r = rulesWithFocus(host, q, f);
    expect(r.widened).toBe(true);
    expect(locateFocus(r.iptables!, f)).not.toBeNull();
  });

  it('cannot list a chain that has no rules (its policy is shown apart)', () => {
    const f: FocusRule = { namespaceId: HOST_NS, family: 'ipv4', table: 'filter', chain: 'INPUT', index: null };
    const r = rulesWithFocus(host, q, f);
    expect(r.widened).toBe(false);
    expect(locateFocus(r.iptables!, f)).toBeNull();
  });

  it('leaves the listing alone when the rule is already there, or the focus is elsewhere', () => {
    const f: FocusRule = { namespaceId: HOST_NS, family: 'ipv4', table: 'nat', chain: 'DOCKER', index: null };
    expect(rulesWithFocus(host, q, f).widened).toBe(false);
    expect(rulesWithFocus(host, q, { ...f, namespaceId: 'netns:1', chain: 'NOPE' }).widened).toBe(false);
    expect(rulesWithFocus(host, q, { ...f, family: 'ipv6', chain: 'NOPE' }).widened).toBe(false);
  });
});
