import { describe, expect, it } from 'vitest';
import { IptRuleset, NftTable } from '@/lib/snapshot/netfilter-schema';
import { detectRulesetFormat, parseRulesetText } from './detect';
import { parseIptablesSave, parseRule } from './iptables-parse';
import { formatIptablesSave, formatRule } from './iptables-print';
import { parseNftTextDetailed } from './nft-text-parse';
import { listFixtures, readFixture } from './fixtures.test-helper';

const all = listFixtures();
const dumps = all.filter((f) => !f.endsWith('.md'));
const iptablesFiles = dumps.filter((f) => !f.endsWith('.nft.txt'));
const nftFiles = dumps.filter((f) => f.endsWith('.nft.txt'));

/** Independent, deliberately naive counts straight from the text. */
const countLines = (text: string, re: RegExp) => text.split('\n').filter((l) => re.test(l)).length;
const RULE_LINE = /^\s*(\[\d+:\d+\]\s*)?-A\s/;
const CHAIN_LINE = /^\s*(:\S|-P\s|-N\s)/;

function naiveNftCounts(text: string) {
  let inChain = false;
  let rules = 0;
  let chains = 0;
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (/^chain\s.*\{$/.test(line)) {
      inChain = true;
      chains++;
    } else if (line === '}') inChain = false;
    else if (inChain && line && !line.startsWith('type ')) rules++;
  }
  return { rules, chains, sets: countLines(text, /^\s*(set|map)\s.*\{$/) };
}

const iptRules = (rs: IptRuleset) => rs.tables.flatMap((t) => t.chains.flatMap((c) => c.rules.map((r) => ({ chain: c.name, r }))));
const table = (rs: IptRuleset, name: string) => rs.tables.find((t) => t.name === name)!;

describe('fixture inventory', () => {
  it('finds the fixture directory with iptables and nft dumps', () => {
    expect(iptablesFiles.length).toBeGreaterThanOrEqual(40);
    expect(nftFiles.length).toBe(8);
    expect(detectRulesetFormat(readFixture('SOURCES.md'))).toBe('unknown');
  });
});

describe.each(iptablesFiles)('iptables fixture %s', (file) => {
  const text = readFixture(file);
  const parsed = parseRulesetText(text);
  const rs = parsed.ipv4!;

  it('is detected and parsed completely', () => {
    expect(parsed.format).toBe(file.endsWith('.iptables-S.txt') ? 'iptables-S' : 'iptables-save');
    expect(IptRuleset.parse(rs)).toEqual(rs);
    expect(rs.unparsedLines).toEqual([]);
    expect(iptRules(rs).filter(({ r }) => r.unparsed.length > 0)).toEqual([]);
  });

  it('has as many rules and chains as the text has -A and chain lines', () => {
    expect(iptRules(rs)).toHaveLength(countLines(text, RULE_LINE));
    expect(rs.tables.flatMap((t) => t.chains)).toHaveLength(countLines(text, CHAIN_LINE));
  });

  it('round-trips every rule through formatRule', () => {
    for (const { chain, r } of iptRules(rs)) {
      const back = parseRule(formatRule(chain, r));
      expect({ ...back, raw: '' }).toEqual({ ...r, raw: '' });
    }
  });

  it('round-trips the whole ruleset through formatIptablesSave', () => {
    const back = parseIptablesSave(formatIptablesSave(rs));
    const noRaw = (x: IptRuleset) =>
      x.tables.map((t) => ({ ...t, chains: t.chains.map((c) => ({ ...c, rules: c.rules.map((r) => ({ ...r, raw: '' })) })) }));
    expect(back.unparsedLines).toEqual([]);
    expect(noRaw(back)).toEqual(noRaw(rs));
  });

  it('keeps raw equal to the rule line without its counters', () => {
    const lines = text.split('\n').filter((l) => RULE_LINE.test(l)).map((l) => l.trim().replace(/^\[\d+:\d+\]\s*/, ''));
    expect(new Set(iptRules(rs).map(({ r }) => r.raw))).toEqual(new Set(lines));
  });
});

describe.each(nftFiles)('nft fixture %s', (file) => {
  const text = readFixture(file);

  it('parses completely, with the counts a naive line count gives', () => {
    expect(detectRulesetFormat(text)).toBe('nft-text');
    const { tables, unparsedLines } = parseNftTextDetailed(text);
    expect(unparsedLines).toEqual([]);
    expect(tables.map((t) => `${t.family} ${t.name}`)).toEqual(['ip docker-bridges']);
    tables.forEach((t) => expect(NftTable.parse(t)).toEqual(t));
    const naive = naiveNftCounts(text);
    expect(tables[0].chains).toHaveLength(naive.chains);
    expect(tables[0].chains.flatMap((c) => c.rules)).toHaveLength(naive.rules);
    expect(tables[0].sets).toHaveLength(naive.sets);
  });
});

describe('concrete fixture contents', () => {
  it('2021 host: 32 rules, nat before filter, policies and counters', () => {
    const rs = parseIptablesSave(
      readFixture('real-world/real_2021-04_docker-19.03-or-20.10_usernet-portmap_with-user-INPUT-rules.iptables-save'),
    );
    expect(iptRules(rs)).toHaveLength(32);
    expect(rs.tables.map((t) => [t.name, t.chains.length])).toEqual([['nat', 5], ['filter', 7]]);
    const forward = table(rs, 'filter').chains.find((c) => c.name === 'FORWARD')!;
    expect(forward).toMatchObject({ builtin: true, policy: 'DROP', counters: { packets: 0, bytes: 0 } });
    expect(forward.rules).toHaveLength(10);
    expect(table(rs, 'filter').chains.find((c) => c.name === 'DOCKER')).toMatchObject({ builtin: false, policy: null });
    expect(table(rs, 'nat').chains[0]).toMatchObject({ name: 'PREROUTING', counters: { packets: 9, bytes: 540 } });
  });

  it('container namespace: `# Queries for DNS:` style comments are ignored; SNAT --to-source :53', () => {
    const rs = parseIptablesSave(readFixture('real-world/real_2023-12_container-netns_embedded-dns_annotated.iptables-nft-save'));
    expect(rs.unparsedLines).toEqual([]);
    const nat = table(rs, 'nat');
    expect(nat.chains.map((c) => [c.name, c.rules.length])).toEqual([
      ['PREROUTING', 0], ['INPUT', 0], ['OUTPUT', 1], ['POSTROUTING', 1], ['DOCKER_OUTPUT', 2], ['DOCKER_POSTROUTING', 2],
    ]);
    const snat = nat.chains[5].rules[0];
    expect(snat.target).toEqual({ name: 'SNAT', goto: false, options: [{ name: 'to-source', args: [':53'], negated: false }] });
    expect(snat.matches[0]).toEqual({ module: 'tcp', known: true, options: [{ name: 'sport', args: ['39527'], negated: false }] });
  });

  it('hassio rules file: 50 rules, blank lines and banners, -g goto', () => {
    const rs = parseIptablesSave(readFixture('real-world/real_2024-08_docker-pre28_hassio_user-edited_with-comments.iptables-save'));
    expect(iptRules(rs)).toHaveLength(50);
    const internal = table(rs, 'filter').chains.find((c) => c.name === 'INTERNAL')!;
    expect(internal.rules[0].target).toEqual({ name: 'INTERNAL_allow', goto: true, options: [] });
    const web = iptRules(rs).find(({ r }) => r.matches.some((m) => m.module === 'multiport'))!.r;
    expect(web.matches.map((m) => m.module)).toEqual(['state', 'multiport']);
    expect(web.matches[1].options).toEqual([{ name: 'dport', args: ['80,443'], negated: false }]);
  });

  it('kube-proxy restore input: implicit chains, non-canonical order, a rule without target', () => {
    const rs = parseIptablesSave(readFixture('stress/kube-proxy_TestOverallIPTablesRules_expected.iptables-restore'));
    expect(iptRules(rs)).toHaveLength(65);
    expect(rs.tables.map((t) => [t.name, t.chains.length])).toEqual([['filter', 6], ['nat', 20]]);
    const fw = table(rs, 'nat').chains.find((c) => c.name === 'KUBE-FW-NUKIZ6OKUXPJNT4C')!;
    expect(fw.rules[1].target).toBeNull();
    expect(fw.rules[1].matches).toEqual([
      { module: 'comment', known: true, options: [{ name: 'comment', args: ['other traffic to ns5/svc5:p80 will be dropped by KUBE-PROXY-FIREWALL'], negated: false }] },
    ]);
    // `-m tcp -p tcp -d … --dport 80`: --dport still belongs to the tcp match.
    const svc = table(rs, 'filter').chains.find((c) => c.name === 'KUBE-SERVICES')!.rules[0];
    expect(svc.destination).toEqual({ value: '172.30.0.46', negated: false });
    expect(svc.matches[1]).toEqual({ module: 'tcp', known: true, options: [{ name: 'dport', args: ['80'], negated: false }] });
    expect(svc.target).toEqual({ name: 'REJECT', goto: false, options: [] });
  });

  it('kube-proxy 2015 save: counters on chains, recent/statistic-free rules parse', () => {
    const rs = parseIptablesSave(readFixture('stress/kube-proxy_2015_TestGetChainLinesMultipleTables_docker-plus-kube.iptables-save'));
    expect(iptRules(rs)).toHaveLength(24);
    expect(table(rs, 'filter').chains[0]).toMatchObject({ name: 'INPUT', counters: { packets: 17514, bytes: 83115836 } });
    const recent = iptRules(rs).find(({ r }) => r.matches.some((m) => m.module === 'recent'))!.r;
    expect(recent.matches[1].options.map((o) => [o.name, o.args])).toEqual([
      ['set', []], ['name', ['KUBE-SVC-1111111111111111']], ['mask', ['255.255.255.255']], ['rsource', []],
    ]);
  });

  it('moby 28.0.1 swarm-portmap (-S form): tables from `# table:` markers, 34 rules', () => {
    const rs = parseIptablesSave(readFixture('moby-docs/docker-v28.0.1_iptablesdoc_swarm-portmap.iptables-S.txt'));
    expect(iptRules(rs)).toHaveLength(34);
    expect(rs.tables.map((t) => [t.name, t.chains.length])).toEqual([['filter', 11], ['nat', 6]]);
    expect(table(rs, 'filter').chains.slice(0, 4).map((c) => [c.name, c.builtin, c.policy])).toEqual([
      ['INPUT', true, 'ACCEPT'], ['FORWARD', true, 'ACCEPT'], ['OUTPUT', true, 'ACCEPT'], ['DOCKER', false, null],
    ]);
    const dnat = table(rs, 'nat').chains.find((c) => c.name === 'DOCKER-INGRESS')!.rules[0];
    expect(dnat.target!.options).toEqual([{ name: 'to-destination', args: ['172.18.0.2:8080'], negated: false }]);
  });

  it('moby 28.0.0 new-daemon: -m set with two args', () => {
    const rs = parseIptablesSave(readFixture('moby-docs/docker-v28.0.0_iptablesdoc_new-daemon.iptables-S.txt'));
    const r = table(rs, 'filter').chains.find((c) => c.name === 'FORWARD')!.rules[1];
    expect(r.matches).toEqual([
      { module: 'set', known: true, options: [{ name: 'match-set', args: ['docker-ext-bridges-v4', 'dst'], negated: false }] },
      { module: 'conntrack', known: true, options: [{ name: 'ctstate', args: ['RELATED,ESTABLISHED'], negated: false }] },
    ]);
  });

  it('moby routed scenario: the `# table: fragment(…)` excerpt becomes its own table', () => {
    const rs = parseIptablesSave(readFixture('moby-docs/docker-v28.0.1_iptablesdoc_usernet-portmap-routed.iptables-S.txt'));
    expect(rs.tables.map((t) => t.name)).toEqual(['filter', 'fragment', 'nat']);
    expect(table(rs, 'fragment').chains.map((c) => [c.name, c.rules.length])).toEqual([['DOCKER', 4]]);
  });
});
