import { describe, expect, it } from 'vitest';
import type { IptRule } from '@/lib/snapshot/netfilter-schema';
import { parseIptablesSave, parseRule, parseRuleLine } from './iptables-parse';

const rule = (line: string): IptRule => {
  const r = parseRule(line);
  if (!r) throw new Error(`not a rule: ${line}`);
  return r;
};

describe('parseRule: built-in matches', () => {
  it('reads -s -d -i -o -p with their values', () => {
    const r = rule('-A FORWARD -s 10.0.0.0/8 -d 192.0.2.2/32 -i eth0 -o docker0 -p tcp -j ACCEPT');
    expect(r.source).toEqual({ value: '10.0.0.0/8', negated: false });
    expect(r.destination).toEqual({ value: '192.0.2.2/32', negated: false });
    expect(r.inInterface).toEqual({ value: 'eth0', negated: false });
    expect(r.outInterface).toEqual({ value: 'docker0', negated: false });
    expect(r.protocol).toEqual({ value: 'tcp', negated: false });
    expect(r.fragment).toBeNull();
    expect(r.unparsed).toEqual([]);
  });

  it('accepts the long option names', () => {
    const r = rule('-A INPUT --source 1.2.3.4 --destination 5.6.7.8 --in-interface lo --out-interface eth1 --protocol udp --jump DROP');
    expect([r.source?.value, r.destination?.value, r.inInterface?.value, r.outInterface?.value, r.protocol?.value]).toEqual([
      '1.2.3.4', '5.6.7.8', 'lo', 'eth1', 'udp',
    ]);
    expect(r.target?.name).toBe('DROP');
  });

  it('negates with ! before the option: `! -i docker0`', () => {
    const r = rule('-A FORWARD -i docker0 ! -o docker0 -j ACCEPT');
    expect(r.inInterface).toEqual({ value: 'docker0', negated: false });
    expect(r.outInterface).toEqual({ value: 'docker0', negated: true });
    expect(rule('-A DOCKER ! -i docker0 -o docker0 -j DROP').inInterface).toEqual({ value: 'docker0', negated: true });
  });

  it('accepts the old form `-s ! 10.0.0.0/8`', () => {
    const r = rule('-A INPUT -s ! 10.0.0.0/8 -p ! udp -j DROP');
    expect(r.source).toEqual({ value: '10.0.0.0/8', negated: true });
    expect(r.protocol).toEqual({ value: 'udp', negated: true });
    expect(r.unparsed).toEqual([]);
  });

  it('reads -f and ! -f', () => {
    expect(rule('-A INPUT -f -j DROP').fragment).toEqual({ negated: false });
    expect(rule('-A INPUT ! -f -j DROP').fragment).toEqual({ negated: true });
  });
});

describe('parseRule: match modules', () => {
  it('negates a module option: `-m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT`', () => {
    const r = rule('-A KUBE-FIREWALL -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP');
    expect(r.source).toEqual({ value: '127.0.0.0/8', negated: true });
    expect(r.matches).toEqual([
      { module: 'conntrack', known: true, options: [{ name: 'ctstate', args: ['RELATED,ESTABLISHED,DNAT'], negated: true }] },
    ]);
  });

  it('accepts the old form `--dport ! 22`', () => {
    const r = rule('-A INPUT -p tcp -m tcp --dport ! 22 -j ACCEPT');
    expect(r.matches[0].options).toEqual([{ name: 'dport', args: ['22'], negated: true }]);
  });

  it('reads -m multiport --dports 80,443', () => {
    const r = rule('-A INPUT -p tcp -m multiport --dports 80,443 -j ACCEPT');
    expect(r.matches).toEqual([{ module: 'multiport', known: true, options: [{ name: 'dports', args: ['80,443'], negated: false }] }]);
  });

  it('reads -m addrtype --dst-type LOCAL', () => {
    const r = rule('-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER');
    expect(r.destination).toEqual({ value: '127.0.0.0/8', negated: true });
    expect(r.matches).toEqual([{ module: 'addrtype', known: true, options: [{ name: 'dst-type', args: ['LOCAL'], negated: false }] }]);
    expect(r.target).toEqual({ name: 'DOCKER', goto: false, options: [] });
  });

  it('reads options without arguments: -m physdev --physdev-is-bridged', () => {
    const r = rule('-A FORWARD -m physdev --physdev-is-bridged -j ACCEPT');
    expect(r.matches).toEqual([{ module: 'physdev', known: true, options: [{ name: 'physdev-is-bridged', args: [], negated: false }] }]);
  });

  it('reads options with several arguments: -m set --match-set NAME dst,src', () => {
    const r = rule('-A FORWARD -m set ! --match-set docker-ext-bridges-v4 dst -j DOCKER');
    expect(r.matches[0].options).toEqual([{ name: 'match-set', args: ['docker-ext-bridges-v4', 'dst'], negated: true }]);
  });

  it('keeps an unknown module verbatim with known=false', () => {
    const r = rule('-A INPUT -m foobar --x y --flag -m tcp --dport 22 -j ACCEPT');
    expect(r.matches).toEqual([
      { module: 'foobar', known: false, options: [{ name: 'x', args: ['y'], negated: false }, { name: 'flag', args: [], negated: false }] },
      { module: 'tcp', known: true, options: [{ name: 'dport', args: ['22'], negated: false }] },
    ]);
    expect(r.unparsed).toEqual([]);
  });

  it('gives --dport to the implicit protocol match when -m tcp is missing', () => {
    const r = rule('-A INPUT -p tcp --dport 22 -j ACCEPT');
    expect(r.matches).toEqual([{ module: 'tcp', known: true, options: [{ name: 'dport', args: ['22'], negated: false }] }]);
  });

  it('treats a negative number as a value, not as an option', () => {
    const r = rule('-A OUTPUT -m foo --offset -1 -j ACCEPT');
    expect(r.matches[0].options).toEqual([{ name: 'offset', args: ['-1'], negated: false }]);
  });
});

describe('parseRule: comments and quoting', () => {
  it('reads a quoted comment with spaces', () => {
    const r = rule('-A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 has no endpoints" -j REJECT');
    expect(r.matches[0]).toEqual({ module: 'comment', known: true, options: [{ name: 'comment', args: ['ns2/svc2:p80 has no endpoints'], negated: false }] });
  });

  it('unescapes escaped quotes and backslashes', () => {
    const r = rule(String.raw`-A INPUT -m comment --comment "say \"hi\" to C:\\temp" -j ACCEPT`);
    expect(r.matches[0].options[0].args).toEqual(['say "hi" to C:\\temp']);
  });

  it('treats a quoted value that looks like an option as a value', () => {
    const r = rule('-A INPUT -m comment --comment "-j DROP" -j ACCEPT');
    expect(r.matches[0].options[0].args).toEqual(['-j DROP']);
    expect(r.target?.name).toBe('ACCEPT');
  });
});

describe('parseRule: targets and counters', () => {
  it('reads DNAT --to-destination 192.0.2.2:80', () => {
    const r = rule('-A DOCKER ! -i bridge1 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.0.2.2:80');
    expect(r.target).toEqual({ name: 'DNAT', goto: false, options: [{ name: 'to-destination', args: ['192.0.2.2:80'], negated: false }] });
    expect(r.inInterface).toEqual({ value: 'bridge1', negated: true });
    expect(r.matches[0].options).toEqual([{ name: 'dport', args: ['8080'], negated: false }]);
  });

  it('reads -g as a goto target', () => {
    expect(rule('-A INTERNAL -s 192.168.1.0/24 -g INTERNAL_allow').target).toEqual({ name: 'INTERNAL_allow', goto: true, options: [] });
  });

  it('allows a rule without target', () => {
    const r = rule('-A KUBE-FW-X -m comment --comment "other traffic"');
    expect(r.target).toBeNull();
    expect(r.unparsed).toEqual([]);
  });

  it('reads [12:3456] counters and keeps them out of raw', () => {
    const r = rule('[12:3456] -A INPUT -i lo -j ACCEPT');
    expect(r.counters).toEqual({ packets: 12, bytes: 3456 });
    expect(r.raw).toBe('-A INPUT -i lo -j ACCEPT');
  });

  it('reads `-c p b` inside a rule (iptables -S -v) and keeps it out of raw', () => {
    const r = rule('-A INPUT -i lo -c 7 890 -j ACCEPT');
    expect(r.counters).toEqual({ packets: 7, bytes: 890 });
    expect(r.raw).toBe('-A INPUT -i lo -j ACCEPT');
    expect(r.target?.name).toBe('ACCEPT');
  });

  it('collects tokens it cannot place in unparsed', () => {
    const r = rule('-A INPUT stray -s 1.2.3.4 -s 5.6.7.8 -j ACCEPT !');
    expect(r.source).toEqual({ value: '1.2.3.4', negated: false });
    expect(r.unparsed).toEqual(['stray', '-s', '5.6.7.8', '!']);
    expect(rule('-A INPUT --dport 22 -j ACCEPT').unparsed).toEqual(['--dport', '22']);
  });

  it('reads -I with a position', () => {
    expect(parseRuleLine('-I INPUT 2 -j DROP')).toMatchObject({ command: 'insert', chain: 'INPUT', position: 2 });
    expect(parseRuleLine('COMMIT')).toBeNull();
  });
});

describe('parseIptablesSave', () => {
  it('reads tables, chain declarations, counters and COMMIT', () => {
    const rs = parseIptablesSave(
      [
        '# Generated by iptables-save v1.8.9',
        '*filter',
        ':INPUT ACCEPT [1:2]',
        ':FORWARD DROP [0:0]',
        ':DOCKER - [0:0]',
        '[12:3456] -A INPUT -i lo -j ACCEPT',
        '   -A FORWARD -j DOCKER',
        '',
        'COMMIT',
        '*nat',
        ':PREROUTING ACCEPT [0:0]',
        '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
        'COMMIT',
      ].join('\n'),
    );
    expect(rs.unparsedLines).toEqual([]);
    expect(rs.tables.map((t) => t.name)).toEqual(['filter', 'nat']);
    const [input, forward, docker] = rs.tables[0].chains;
    expect(input).toMatchObject({ name: 'INPUT', builtin: true, policy: 'ACCEPT', counters: { packets: 1, bytes: 2 } });
    expect(input.rules[0].counters).toEqual({ packets: 12, bytes: 3456 });
    expect(forward).toMatchObject({ policy: 'DROP', builtin: true });
    expect(forward.rules[0].raw).toBe('-A FORWARD -j DOCKER');
    expect(docker).toMatchObject({ builtin: false, policy: null, counters: { packets: 0, bytes: 0 } });
    // A jump to an undeclared chain (DOCKER in nat) does not create it; only -A CHAIN does.
    expect(rs.tables[1].chains.map((c) => [c.name, c.builtin])).toEqual([['PREROUTING', true]]);
  });

  it('creates chains used by -A without a declaration', () => {
    const rs = parseIptablesSave('*nat\n-A POSTROUTING -j MASQUERADE\n-A KUBE-X -j RETURN\nCOMMIT\n');
    expect(rs.tables[0].chains.map((c) => [c.name, c.builtin, c.policy])).toEqual([
      ['POSTROUTING', true, null],
      ['KUBE-X', false, null],
    ]);
  });

  it('reads the -S form, defaulting to filter and switching on `# table:`', () => {
    const rs = parseIptablesSave(
      ['-P INPUT DROP -c 5 6', '-N DOCKER', '-A INPUT -j DOCKER', '# table: raw', '-P PREROUTING ACCEPT', '-A PREROUTING -j DROP'].join('\n'),
    );
    expect(rs.unparsedLines).toEqual([]);
    expect(rs.tables.map((t) => t.name)).toEqual(['filter', 'raw']);
    expect(rs.tables[0].chains[0]).toMatchObject({ name: 'INPUT', policy: 'DROP', builtin: true, counters: { packets: 5, bytes: 6 } });
    expect(rs.tables[0].chains[1]).toMatchObject({ name: 'DOCKER', builtin: false, policy: null });
    expect(rs.tables[1].chains[0].rules).toHaveLength(1);
  });

  it('puts garbage lines into unparsedLines with their line numbers and carries on', () => {
    const rs = parseIptablesSave('*filter\n:INPUT ACCEPT [0:0]\nthis is not iptables\n-A INPUT -j ACCEPT\nCOMMIT\n-A INPUT -j DROP\n');
    expect(rs.unparsedLines).toEqual([
      { line: 3, text: 'this is not iptables' },
      { line: 6, text: '-A INPUT -j DROP' }, // after COMMIT a rule needs a new *table
    ]);
    expect(rs.tables[0].chains[0].rules).toHaveLength(1);
  });

  it('ignores comment lines and blank lines without flagging them', () => {
    const rs = parseIptablesSave('*nat\n# Queries for DNS:\n\n  # indented comment\n-A OUTPUT -j DOCKER_OUTPUT\nCOMMIT\n');
    expect(rs.unparsedLines).toEqual([]);
    expect(rs.tables[0].chains[0].rules).toHaveLength(1);
  });

  it('does not throw on input that is no iptables dump at all', () => {
    const rs = parseIptablesSave('{"nftables": []}\n\u0000\u0001 binary');
    expect(rs.tables.every((t) => t.chains.length === 0)).toBe(true);
    expect(rs.unparsedLines.map((l) => l.line)).toEqual([1, 2]);
  });

  it('inserts -I rules at their position', () => {
    const rs = parseIptablesSave('*filter\n-A INPUT -j A\n-A INPUT -j B\n-I INPUT 2 -j C\n-I INPUT -j D\nCOMMIT\n');
    expect(rs.tables[0].chains[0].rules.map((r) => r.target?.name)).toEqual(['D', 'A', 'C', 'B']);
  });
});
