import { describe, expect, it } from 'vitest';
import { factsOf, type Subject } from '@/lib/netfilter/attribution';
import { parseNftText } from '@/lib/netfilter/nft-text-parse';
import { nftJumpTargets } from '@/lib/netfilter/nft-statements';
import { namespaceRules, nftBaseCategory, nftCategories, nftChains, type Family, type RulesQuery, type TableFilter } from './model';
import { DB, DB_NS, HOST_NS, labSnapshot, readShared, WEB } from './test-fixture.test-helper';

const s = labSnapshot();
const ns = (id: string) => s.namespaces.find((n) => n.id === id)!;
const query = (subject: Subject, nsId: string, family: Family = 'ipv4', tableFilter: TableFilter = 'all'): RulesQuery => {
  const facts = factsOf(s, subject);
  return { family, tableFilter, facts, all: facts.namespaces.includes(nsId) || (facts.wholeHost && nsId === HOST_NS), allReason: 'own namespace' };
};
const web: Subject = { type: 'container', containerId: WEB };

describe('namespaceRules (iptables)', () => {
  it("lab-web in the host namespace: chains in traversal order, with depth, jumps resolved to shown chains", () => {
    const { iptables } = namespaceRules(ns(HOST_NS), query(web, HOST_NS));
    const ids = iptables!.map((c) => c.id);
    expect(ids.indexOf('ipt:nat/PREROUTING')).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf('ipt:nat/PREROUTING')).toBeLessThan(ids.indexOf('ipt:nat/DOCKER'));
    expect(ids.indexOf('ipt:nat/DOCKER')).toBeLessThan(ids.indexOf('ipt:filter/FORWARD'));
    expect(iptables!.find((c) => c.id === 'ipt:nat/DOCKER')!.depth).toBe(1);
    const jump = iptables!.find((c) => c.id === 'ipt:nat/PREROUTING')!.rules.find((r) => r.kind === 'ipt' && r.rule.target?.name === 'DOCKER')!;
    expect(jump.leadsThere).toBe(true);
    expect(jump.jumpTo).toEqual(['ipt:nat/DOCKER']);
    const dnats = iptables!.flatMap((c) => c.rules).filter((r) => r.kind === 'ipt' && r.rule.target?.name === 'DNAT');
    expect(dnats.map((r) => (r.kind === 'ipt' ? r.rule.raw : '')).join('\n')).toContain('--dport 18080');
    expect(dnats.every((r) => r.reasons.length > 0)).toBe(true);
  });

  it('every rule of a chain is either shown or among its others, in the chain’s positions', () => {
    const { iptables } = namespaceRules(ns(HOST_NS), query(web, HOST_NS));
    const rs = ns(HOST_NS).netfilter!.ipv4!;
    for (const c of iptables!) {
      const chain = rs.tables.find((t) => t.name === c.table)!.chains.find((x) => x.name === c.chain)!;
      const indexes = [...c.rules, ...c.others].map((r) => r.index).sort((a, b) => a - b);
      expect(indexes).toEqual(chain.rules.map((_, i) => i));
      expect(c.others.every((r) => r.reasons.length === 0 && !r.leadsThere)).toBe(true);
    }
  });

  it('rate keys are unique and carry namespace, family, table, chain, index and text', () => {
    const { iptables } = namespaceRules(ns(HOST_NS), query({ type: 'host' }, HOST_NS));
    const keys = iptables!.flatMap((c) => [...c.rules, ...c.others].map((r) => r.key));
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys[0]).toContain(HOST_NS);
  });

  it('the host itself: every rule of the host namespace', () => {
    const { iptables } = namespaceRules(ns(HOST_NS), query({ type: 'host' }, HOST_NS));
    const rs = ns(HOST_NS).netfilter!.ipv4!;
    const total = rs.tables.reduce((n, t) => n + t.chains.reduce((m, c) => m + c.rules.length, 0), 0);
    expect(iptables!.reduce((n, c) => n + c.rules.length, 0)).toBe(total);
    expect(iptables!.every((c) => c.others.length === 0)).toBe(true);
  });

  it("a user-network container's own namespace: the embedded DNS chains, all of them", () => {
    const { iptables } = namespaceRules(ns(DB_NS), query({ type: 'container', containerId: DB }, DB_NS));
    expect(iptables!.map((c) => c.id)).toEqual(['ipt:nat/OUTPUT', 'ipt:nat/DOCKER_OUTPUT', 'ipt:nat/POSTROUTING', 'ipt:nat/DOCKER_POSTROUTING']);
    const raws = iptables!.flatMap((c) => c.rules.map((r) => (r.kind === 'ipt' ? r.rule.raw : '')));
    expect(raws.filter((r) => r.includes('127.0.0.11'))).toHaveLength(6);
  });

  it('the table switch keeps only that table', () => {
    const nat = namespaceRules(ns(HOST_NS), query(web, HOST_NS, 'ipv4', 'nat')).iptables!;
    expect(nat.length).toBeGreaterThan(0);
    expect(nat.every((c) => c.table === 'nat')).toBe(true);
    expect(namespaceRules(ns(HOST_NS), query(web, HOST_NS, 'ipv4', 'raw')).iptables).toEqual([]);
  });

  it('IPv6: an empty ruleset lists nothing; an unread one is null', () => {
    expect(namespaceRules(ns(HOST_NS), query(web, HOST_NS, 'ipv6')).iptables).toEqual([]);
    const unread = { ...ns(HOST_NS), netfilter: null };
    expect(namespaceRules(unread, query(web, HOST_NS)).iptables).toBeNull();
  });
});

describe('native nftables (Docker 29)', () => {
  const tables = parseNftText(readShared('moby-docs/docker-v29.7.2_nftablesdoc_usernet-portmap.nft.txt'));
  const ip = tables.find((t) => t.family === 'ip' && t.name === 'docker-bridges')!;

  it('categories from chain type and priority, inherited by the chains they reach', () => {
    expect(nftBaseCategory({ type: 'nat', priority: 'dstnat' })).toBe('nat');
    expect(nftBaseCategory({ type: 'filter', priority: 'raw' })).toBe('raw');
    expect(nftBaseCategory({ type: 'filter', priority: 'filter' })).toBe('filter');
    expect(nftBaseCategory({ type: 'route', priority: 'mangle' })).toBe('mangle');
    const cats = nftCategories(ip);
    expect(cats.get('raw-PREROUTING')).toBe('raw');
    expect(cats.get('nat-prerouting-and-output')).toBe('nat');
    expect(cats.get('filter-forward-in__docker0')).toBe('filter');
  });

  it('vmap dispatch counts as jumps', () => {
    const fwd = ip.chains.find((c) => c.name === 'filter-FORWARD')!;
    expect(nftJumpTargets(ip, fwd.rules[0])).toEqual(['filter-forward-in__docker0', 'filter-forward-in__bridge1']);
  });

  it('a bridge: the chains naming it, by IP family, with the table switch', () => {
    const facts = { ips: [], subnets: [], interfaces: [{ name: 'bridge1', label: 'bridge1' }], hostPorts: [], namespaces: [], wholeHost: false };
    const q = (family: Family, tableFilter: TableFilter): RulesQuery => ({ family, tableFilter, facts, all: false, allReason: '' });
    const v4 = nftChains(HOST_NS, tables, q('ipv4', 'all'));
    expect(v4.length).toBeGreaterThan(0);
    expect(v4.every((c) => c.tableLabel === 'ip docker-bridges' && c.source === 'nftables')).toBe(true);
    expect(v4.some((c) => c.chain === 'filter-forward-in__bridge1')).toBe(true);
    expect(v4.flatMap((c) => c.rules).every((r) => r.kind === 'nft' && r.key.includes('nft:ip'))).toBe(true);
    const nat = nftChains(HOST_NS, tables, q('ipv4', 'nat'));
    expect(nat.every((c) => c.category === 'nat')).toBe(true);
    const v6 = nftChains(HOST_NS, tables, q('ipv6', 'all'));
    expect(v6.every((c) => c.tableLabel.startsWith('ip6 ') || c.tableLabel.startsWith('inet '))).toBe(true);
  });
});
