import { describe, expect, it } from 'vitest';
import { parseNftText, parseNftTextDetailed } from './nft-text-parse';
import { readFixture } from './fixtures.test-helper';

const chainOf = (tables: ReturnType<typeof parseNftText>, name: string) => tables[0].chains.find((c) => c.name === name)!;

describe('parseNftText on Docker 29 fixtures', () => {
  const tables = parseNftText(readFixture('moby-docs/docker-v29.7.2_nftablesdoc_usernet-portmap.nft.txt'));

  it('produces the table ip docker-bridges with its chains in order', () => {
    expect(tables).toHaveLength(1);
    expect(tables[0]).toMatchObject({ family: 'ip', name: 'docker-bridges' });
    expect(tables[0].chains.map((c) => c.name)).toEqual([
      'filter-FORWARD', 'nat-OUTPUT', 'nat-POSTROUTING', 'nat-PREROUTING', 'nat-prerouting-and-output', 'raw-PREROUTING',
      'filter-forward-in__docker0', 'filter-forward-out__docker0', 'nat-postrouting-in__docker0', 'nat-postrouting-out__docker0',
      'filter-forward-in__bridge1', 'filter-forward-out__bridge1', 'nat-postrouting-in__bridge1', 'nat-postrouting-out__bridge1',
    ]);
  });

  it('reads hooks, priorities and policies of base chains', () => {
    const base = (n: string) => {
      const { type, hook, priority, policy } = chainOf(tables, n);
      return { type, hook, priority, policy };
    };
    expect(base('nat-PREROUTING')).toEqual({ type: 'nat', hook: 'prerouting', priority: 'dstnat', policy: 'accept' });
    expect(base('nat-OUTPUT')).toEqual({ type: 'nat', hook: 'output', priority: 'dstnat', policy: 'accept' });
    expect(base('nat-POSTROUTING')).toEqual({ type: 'nat', hook: 'postrouting', priority: 'srcnat', policy: 'accept' });
    expect(base('filter-FORWARD')).toEqual({ type: 'filter', hook: 'forward', priority: 'filter', policy: 'accept' });
    expect(base('raw-PREROUTING')).toEqual({ type: 'filter', hook: 'prerouting', priority: 'raw', policy: 'accept' });
    expect(base('nat-prerouting-and-output')).toEqual({ type: null, hook: null, priority: null, policy: null });
  });

  it('reads the verdict maps with their multi-line elements', () => {
    expect(tables[0].sets.map((s) => s.name)).toEqual([
      'filter-forward-in-jumps', 'filter-forward-out-jumps', 'nat-postrouting-in-jumps', 'nat-postrouting-out-jumps',
    ]);
    expect(tables[0].sets[0]).toEqual({
      name: 'filter-forward-in-jumps',
      kind: 'map',
      type: 'ifname : verdict',
      elements: ['"docker0" : jump filter-forward-in__docker0', '"bridge1" : jump filter-forward-in__bridge1'],
    });
  });

  it('reads rules with their text and comments', () => {
    expect(chainOf(tables, 'nat-prerouting-and-output').rules).toEqual([
      { text: 'iifname != "bridge1" tcp dport 8080 counter dnat to 192.0.2.2:80 comment "DNAT"', handle: null, counters: null, comment: 'DNAT', expr: null },
    ]);
    expect(chainOf(tables, 'filter-forward-in__bridge1').rules.map((r) => [r.text, r.comment])).toEqual([
      ['ct state established,related counter accept', null],
      ['iifname "bridge1" counter accept comment "ICC"', 'ICC'],
      ['ip daddr 192.0.2.2 tcp dport 80 counter accept', null],
      ['counter drop comment "UNPUBLISHED PORT DROP"', 'UNPUBLISHED PORT DROP'],
    ]);
    expect(chainOf(tables, 'filter-FORWARD').rules.map((r) => r.text)).toEqual([
      'oifname vmap @filter-forward-in-jumps',
      'iifname vmap @filter-forward-out-jumps',
    ]);
  });

  it('reads the single-element maps of new-daemon', () => {
    const t = parseNftText(readFixture('moby-docs/docker-v29.7.2_nftablesdoc_new-daemon.nft.txt'));
    expect(t[0].sets.map((s) => s.elements)).toEqual([
      ['"docker0" : jump filter-forward-in__docker0'],
      ['"docker0" : jump filter-forward-out__docker0'],
      ['"docker0" : jump nat-postrouting-in__docker0'],
      ['"docker0" : jump nat-postrouting-out__docker0'],
    ]);
  });
});

describe('parseNftText on `nft -a list ruleset` output', () => {
  const text = [
    '# Warning: table ip filter is managed by iptables-nft, do not touch!',
    'table inet fw { # handle 7',
    '\tset allowed { # handle 3',
    '\t\ttype ipv4_addr',
    '\t\tflags interval',
    '\t\telements = { 10.0.0.0/8, 192.0.2.2,',
    '\t\t\t     198.51.100.0/24 }',
    '\t}',
    '',
    '\tchain input { # handle 1',
    '\t\ttype filter hook input priority filter - 1; policy drop;',
    '\t\tcomment "the input chain"',
    '\t\tct state established,related counter packets 12 bytes 3456 accept # handle 4',
    '\t\ttcp dport { 22, 80,',
    '\t\t\t     443 } counter packets 0 bytes 0 accept comment "web # handle 9" # handle 5',
    '\t\tip saddr @allowed accept # handle 6',
    '\t}',
    '',
    '\tchain ingress { # handle 2',
    '\t\ttype filter hook ingress device "eth0" priority -500; policy accept;',
    '\t}',
    '\tflowtable ft { # handle 8',
    '\t\thook ingress priority filter',
    '\t\tdevices = { eth0, eth1 }',
    '\t}',
    '}',
  ].join('\n');
  const { tables, unparsedLines } = parseNftTextDetailed(text);

  it('parses without leftovers', () => {
    expect(unparsedLines).toEqual([]);
    expect(tables.map((t) => [t.family, t.name])).toEqual([['inet', 'fw']]);
  });

  it('reads handles, counters and comments and strips the handle from the text', () => {
    const input = tables[0].chains[0];
    expect(input).toMatchObject({ name: 'input', type: 'filter', hook: 'input', priority: 'filter - 1', policy: 'drop' });
    expect(input.rules).toEqual([
      { text: 'ct state established,related counter packets 12 bytes 3456 accept', handle: 4, counters: { packets: 12, bytes: 3456 }, comment: null, expr: null },
      { text: 'tcp dport { 22, 80, 443 } counter packets 0 bytes 0 accept comment "web # handle 9"', handle: 5, counters: { packets: 0, bytes: 0 }, comment: 'web # handle 9', expr: null },
      { text: 'ip saddr @allowed accept', handle: 6, counters: null, comment: null, expr: null },
    ]);
  });

  it('reads numeric priorities and device clauses', () => {
    expect(tables[0].chains[1]).toMatchObject({ name: 'ingress', hook: 'ingress', priority: -500, policy: 'accept', rules: [] });
  });

  it('reads sets with wrapped elements', () => {
    expect(tables[0].sets).toEqual([{ name: 'allowed', kind: 'set', type: 'ipv4_addr', elements: ['10.0.0.0/8', '192.0.2.2', '198.51.100.0/24'] }]);
  });

  it('reports lines outside the grammar', () => {
    const r = parseNftTextDetailed('table ip t {\n\tbogus line\n}\nflush ruleset\n');
    expect(r.unparsedLines).toEqual([
      { line: 2, text: '\tbogus line' },
      { line: 4, text: 'flush ruleset' },
    ]);
    expect(r.tables).toEqual([{ family: 'ip', name: 't', chains: [], sets: [] }]);
  });
});
