import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { IptRule, NftChain, NftRule, NftTable } from '@/lib/snapshot/netfilter-schema';
import { parseSnapshot } from '@/lib/snapshot/schema';
import { parseRulesetText } from './detect';
import { explainIptablesRule } from './explain';
import { emptyContext, explainContext, forNamespace } from './explain-context';
import { explainNftRule } from './explain-nft';
import type { ExplainContext, RuleExplanation, RuleRole } from './explain-types';
import { listFixtures, readFixture } from './fixtures.test-helper';

/** One explained rule of a fixture, with what a failure message needs to point at it. */
interface Explained {
  file: string;
  table: string;
  chain: string;
  text: string;
  e: RuleExplanation;
}

/**
 * Every rule of a dump file, explained. The moby-docs extraction labels one repeated block `# table:
 * fragment(no -P lines; see .md)`: it is the filter table's DOCKER chain again (see the .md), so it is explained
 * as filter.
 */
function explainFile(file: string, ctx: ExplainContext = emptyContext()): Explained[] {
  const parsed = parseRulesetText(readFixture(file));
  const out: Explained[] = [];
  for (const t of parsed.ipv4?.tables ?? []) {
    const table = t.name === 'fragment' ? 'filter' : t.name;
    for (const c of t.chains)
      for (const r of c.rules as IptRule[])
        out.push({ file, table, chain: c.name, text: r.raw, e: explainIptablesRule(ctx, r.raw.includes('::') ? 'ipv6' : 'ipv4', table, c.name, r) });
  }
  for (const t of (parsed.nft ?? []) as NftTable[])
    for (const c of t.chains as NftChain[])
      for (const r of c.rules as NftRule[])
        out.push({ file, table: `${t.family} ${t.name}`, chain: c.name, text: r.text, e: explainNftRule(ctx, t, c, r) });
  return out;
}

/** "file: [table] rule → role/origin: sentence", one line per rule, for assertion messages. */
const listing = (rules: Explained[]) =>
  rules.map((x) => `${x.file}: [${x.table}] ${x.text}\n    → ${x.e.role}/${x.e.origin}${x.e.understood ? '' : ' (not understood)'}: ${x.e.sentence}`).join('\n');

const all = listFixtures();
const mobyIptables = all.filter((f) => f.startsWith('moby-docs/') && f.endsWith('.iptables-S.txt'));
const mobyNft = all.filter((f) => f.startsWith('moby-docs/') && f.endsWith('.nft.txt'));
const realWorld = (name: string) => all.find((f) => f.startsWith('real-world/') && f.includes(name))!;
const stress = (name: string) => all.find((f) => f.startsWith('stress/') && f.includes(name))!;

describe('every rule Docker itself wrote for its documentation is explained as Docker', () => {
  const fellThrough = (rules: Explained[]) =>
    rules.filter((x) => x.e.origin !== 'docker' || !x.e.understood || x.e.role === 'unexplained' || x.e.role === 'user');

  it('finds the moby-docs fixtures (28.0.0, 28.0.1, 28.3.0, 29.7.2; iptables and nftables)', () => {
    expect(mobyIptables).toHaveLength(36);
    expect(mobyNft).toHaveLength(8);
  });

  it.each(mobyIptables)('iptables: %s', (file) => {
    const rules = explainFile(file);
    expect(rules.length).toBeGreaterThan(5);
    const bad = fellThrough(rules);
    expect(bad, `rules that fell through:\n${listing(bad)}`).toEqual([]);
  });

  it.each(mobyNft)('nftables: %s', (file) => {
    const rules = explainFile(file);
    expect(rules.length).toBeGreaterThan(5);
    const bad = fellThrough(rules);
    expect(bad, `rules that fell through:\n${listing(bad)}`).toEqual([]);
  });

  it('uses the specific roles, not the catch-all, for all of them', () => {
    const rules = [...mobyIptables, ...mobyNft].flatMap((f) => explainFile(f));
    const other = rules.filter((x) => x.e.role === 'docker-other');
    expect(other, listing(other)).toEqual([]);
    const roles = new Set(rules.map((x) => x.e.role));
    const expected: RuleRole[] = [
      'published-port-dnat', 'docker-nat-jump', 'docker-nat-return', 'masquerade', 'hairpin-masquerade',
      'published-port-accept', 'docker-user', 'docker-forward', 'docker-ct', 'docker-bridge', 'docker-jump',
      'isolation-stage-1', 'isolation-stage-2', 'internal-network', 'icc-accept', 'icc-drop', 'outgoing-accept',
      'unpublished-port-drop', 'unprotected-accept', 'routed-accept', 'direct-access-drop', 'remote-loopback-drop',
      'conntrack-established', 'swarm',
    ];
    expect([...roles].sort()).toEqual([...expected].sort());
  });

  it('gives every rule a sentence that ends with a period and is not the rule itself', () => {
    for (const x of [...mobyIptables, ...mobyNft].flatMap((f) => explainFile(f))) {
      expect(x.e.sentence, x.text).toMatch(/^[A-Z].*\.$/);
      expect(x.e.sentence).not.toContain(x.text);
    }
  });
});

describe('real-world dumps', () => {
  it('the container namespace: all embedded DNS', () => {
    const rules = explainFile(realWorld('container-netns_embedded-dns'));
    expect(rules).toHaveLength(6);
    const bad = rules.filter((x) => x.e.role !== 'embedded-dns' || x.e.origin !== 'docker' || !x.e.understood);
    expect(bad, listing(bad)).toEqual([]);
  });

  describe('the 2021 host with user INPUT rules', () => {
    const rules = explainFile(realWorld('2021-04'));

    it('keeps the INPUT rules as the user\'s, fully understood, with real sentences', () => {
      const input = rules.filter((x) => x.chain === 'INPUT');
      expect(input).toHaveLength(5);
      const bad = input.filter((x) => x.e.origin !== 'user' || x.e.role !== 'user' || !x.e.understood);
      expect(bad, listing(bad)).toEqual([]);
      expect(input.map((x) => x.e.sentence)).toEqual([
        'Accepts packets that belong to an established connection or are related to one.',
        'Rejects TCP connections to port 2375 (replying with an ICMP port-unreachable error).',
        'Rejects TCP connections to port 21 (replying with an ICMP port-unreachable error).',
        'Rejects TCP connections to port 8080 (replying with an ICMP port-unreachable error).',
        'Rejects TCP connections to port 21 (replying with an ICMP port-unreachable error).',
      ]);
    });

    it('explains everything else as Docker, including both hairpin rules (one of them stale)', () => {
      const rest = rules.filter((x) => x.chain !== 'INPUT');
      const bad = rest.filter((x) => x.e.origin !== 'docker' || !x.e.understood);
      expect(bad, listing(bad)).toEqual([]);
      const hairpins = rest.filter((x) => x.e.role === 'hairpin-masquerade');
      expect(hairpins.map((x) => x.text)).toEqual([
        '-A POSTROUTING -s 172.18.0.3/32 -d 172.18.0.3/32 -p tcp -m tcp --dport 8443 -j MASQUERADE',
        '-A POSTROUTING -s 172.18.0.3/32 -d 172.18.0.3/32 -p tcp -m tcp --dport 8080 -j MASQUERADE',
      ]);
    });
  });

  describe('the hand-edited 2024 file', () => {
    const rules = explainFile(realWorld('2024-08'));
    const userChains = ['INPUT', 'INTERNAL', 'INTERNAL_allow', 'OUTPUT', 'OUTPUT_allow'];

    it('attributes its own chains to the user, understood (goto and multiport included)', () => {
      const mine = rules.filter((x) => x.table === 'filter' && userChains.includes(x.chain));
      expect(mine.length).toBe(24);
      const bad = mine.filter((x) => x.e.origin !== 'user' || x.e.role !== 'user' || !x.e.understood);
      expect(bad, listing(bad)).toEqual([]);
      const sentence = (text: string) => mine.find((x) => x.text === text)!.e.sentence;
      expect(sentence('-A INPUT -s 192.168.1.254 -j DROP')).toBe('Drops packets from 192.168.1.254.');
      expect(sentence('-A INTERNAL -s 192.168.1.0/24 -g INTERNAL_allow')).toBe(
        'Sends packets from 192.168.1.0/24 on to chain INTERNAL_allow for good (goto: they do not come back to this chain).',
      );
      expect(sentence('-A OUTPUT_allow -p tcp -m state --state NEW -m multiport --dport 80,443 -j ACCEPT')).toBe(
        'Accepts new TCP connections to ports 80 and 443.',
      );
      expect(sentence('-A INTERNAL_allow -p tcp -m state --state NEW -m tcp --dport 22 -j ACCEPT')).toBe('Accepts new TCP connections to port 22.');
    });

    it('explains its DOCKER chains and Docker\'s FORWARD and nat rules as Docker', () => {
      const docker = rules.filter((x) => x.table !== 'filter' || !userChains.includes(x.chain));
      const bad = docker.filter((x) => x.e.origin !== 'docker' || !x.e.understood);
      expect(bad, listing(bad)).toEqual([]);
      expect(docker.filter((x) => x.chain.startsWith('DOCKER')).length).toBeGreaterThan(8);
    });
  });
});

describe('kube-proxy dumps', () => {
  const isKube = (x: Explained) =>
    x.chain.startsWith('KUBE-') || / -[jg] KUBE-/.test(x.text) || /--comment/.test(x.text);

  it('attributes every rule of the kube-proxy restore input to kube-proxy, understood', () => {
    const rules = explainFile(stress('TestOverallIPTablesRules'));
    expect(rules.length).toBeGreaterThan(50);
    const bad = rules.filter((x) => x.e.origin !== 'kube-proxy' || x.e.role !== 'kube-proxy' || !x.e.understood);
    expect(bad, listing(bad)).toEqual([]);
  });

  it('tells kube-proxy\'s rules from Docker\'s in the 2015 dump that has both', () => {
    const rules = explainFile(stress('docker-plus-kube'));
    const kube = rules.filter(isKube);
    const docker = rules.filter((x) => !isKube(x));
    expect(kube.length).toBeGreaterThan(10);
    expect(docker.length).toBe(7);
    const bad = [...kube.filter((x) => x.e.origin !== 'kube-proxy'), ...docker.filter((x) => x.e.origin !== 'docker')];
    expect(bad, listing(bad)).toEqual([]);
    // kube-proxy's "pod connecting to self" looks like Docker's hairpin rule but for its comment.
    const self = rules.find((x) => x.text.includes('handle pod connecting to self'))!;
    expect(self.e.role).toBe('kube-proxy');
  });
});

describe('the lab snapshot (Docker 20.10, with its explain context)', () => {
  const snapshot = parseSnapshot(JSON.parse(readFileSync(new URL('../snapshot/__fixtures__/lab-snapshot.json', import.meta.url), 'utf8')));
  const ctx = explainContext(snapshot);
  const rules = snapshot.namespaces.flatMap((ns) =>
    (ns.netfilter?.ipv4?.tables ?? []).flatMap((t) =>
      t.chains.flatMap((c) =>
        c.rules.map((r) => ({ ns, file: `lab:${ns.kind}`, table: t.name, chain: c.name, text: r.raw, e: explainIptablesRule(forNamespace(ctx, ns), 'ipv4', t.name, c.name, r) })),
      ),
    ),
  );

  it('explains every rule of every namespace as Docker', () => {
    expect(rules.length).toBe(35 + 3 * 6);
    const bad = rules.filter((x) => x.e.origin !== 'docker' || !x.e.understood);
    expect(bad, listing(bad)).toEqual([]);
    expect(rules.filter((x) => x.ns.kind === 'container').every((x) => x.e.role === 'embedded-dns')).toBe(true);
  });

  it('names the lab\'s containers, networks and ports', () => {
    const dnat = rules.find((x) => x.text.includes('--dport 18080 -j DNAT'))!;
    expect(dnat.e.sentence).toBe(
      "Connections arriving on any interface except docker0 for TCP port 18080 on one of this host's addresses are redirected to lab-web (198.18.0.2:80).",
    );
    const accept = rules.find((x) => x.e.role === 'published-port-accept')!;
    expect(accept.e.sentence).toBe(
      'Connections from outside docker0 to TCP port 80 of lab-web (198.18.0.2) are accepted, because that port is published as host ports 18080, 18081.',
    );
    expect(accept.e.objects.map((o) => `${o.kind}:${o.label}`).sort()).toEqual(
      ['bridge:docker0', 'container:lab-web', 'network:bridge', 'port:18080/tcp', 'port:18081/tcp'].sort(),
    );
    const masq = rules.find((x) => x.text === '-A POSTROUTING -s 198.18.1.0/24 ! -o br-f0376874e379 -j MASQUERADE')!;
    expect(masq.e.sentence).toBe(
      "Traffic from the netatlas-lab-a network (198.18.1.0/24) leaving through any interface except br-f0376874e379 gets this host's address as its source (masquerade), so replies find their way back.",
    );
    const ct = rules.find((x) => x.text === '-A FORWARD -o br-7bb242862bae -j DOCKER')!;
    expect(ct.e.sentence).toContain('br-7bb242862bae (network netatlas-lab-b)');
  });
});
