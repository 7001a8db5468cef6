import { describe, expect, it } from 'vitest';
import type { IptRule } from '@/lib/snapshot/netfilter-schema';
import { parseIptablesSave, parseRule } from './iptables-parse';
import { formatIptablesSave, formatRule } from './iptables-print';

const parse = (line: string): IptRule => parseRule(line)!;
/** Round trip: everything but `raw` must survive print → parse. */
const roundTrip = (chain: string, r: IptRule) => ({ ...parseRule(formatRule(chain, r))!, raw: r.raw });

describe('formatRule', () => {
  it('prints in iptables-save order: built-ins, modules, target', () => {
    const r = parse('-A KUBE-SVC -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp -p tcp -d 172.30.0.44 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ');
    expect(formatRule('KUBE-SVC', r)).toBe(
      '-A KUBE-SVC ! -s 10.0.0.0/8 -d 172.30.0.44 -p tcp -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ',
    );
  });

  it('writes negations in the modern position and -g for goto', () => {
    expect(formatRule('X', parse('-A X -s ! 10.0.0.0/8 -m conntrack --ctstate ! NEW -g Y'))).toBe(
      '-A X ! -s 10.0.0.0/8 -m conntrack ! --ctstate NEW -g Y',
    );
    expect(formatRule('X', parse('-A X ! -f -j DROP'))).toBe('-A X ! -f -j DROP');
  });

  it('quotes comments like iptables-save and escapes quotes', () => {
    expect(formatRule('P', parse('-A P -m comment --comment ns2/svc2:p80 -j ACCEPT'))).toBe('-A P -m comment --comment "ns2/svc2:p80" -j ACCEPT');
    expect(formatRule('P', parse('-A P -m comment --comment kube-dns -j ACCEPT'))).toBe('-A P -m comment --comment kube-dns -j ACCEPT');
    expect(formatRule('P', parse(String.raw`-A P -m comment --comment "a \"b\"" -j ACCEPT`))).toBe(String.raw`-A P -m comment --comment "a \"b\"" -j ACCEPT`);
  });

  it('writes known counters as `-c p b` before the target unless told not to', () => {
    const r = parse('[12:3456] -A INPUT -i lo -j ACCEPT');
    expect(formatRule('INPUT', r)).toBe('-A INPUT -i lo -c 12 3456 -j ACCEPT');
    expect(formatRule('INPUT', r, { counters: false })).toBe('-A INPUT -i lo -j ACCEPT');
  });

  it('round-trips the targeted cases', () => {
    const lines = [
      '-A FORWARD ! -i docker0 -o docker0 -j DROP',
      '-A KUBE-FIREWALL -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
      '-A INPUT -s ! 10.0.0.0/8 -j DROP',
      String.raw`-A INPUT -m comment --comment "with spaces and \"quotes\" and \\ backslash" -j ACCEPT`,
      '[12:3456] -A INPUT -i lo -j ACCEPT',
      '-A INTERNAL -s 192.168.1.0/24 -g INTERNAL_allow',
      '-A INPUT -m foobar --x y --z -j ACCEPT',
      '-A KUBE-FW -m comment --comment "no target"',
      '-A DOCKER -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.0.2.2:80',
      '-A INPUT -p tcp -m multiport --dports 80,443 -j ACCEPT',
      '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
      '-A FORWARD -m physdev --physdev-is-bridged -j ACCEPT',
      '-A X -m comment --comment "-j DROP" -m comment --comment "" -j LOG --log-prefix "IPT: "',
      '-A X -p tcp --dport 22 -j ACCEPT',
      '-A X -m recent --name KUBE-SEP --set -m statistic --mode random --probability 0.5000000000 -j RETURN',
    ];
    for (const line of lines) {
      const r = parse(line);
      expect(r.unparsed).toEqual([]);
      expect(roundTrip('X', r)).toEqual(r);
    }
  });
});

describe('formatIptablesSave', () => {
  const text = [
    '*filter',
    ':INPUT ACCEPT [10:20]',
    ':DOCKER - [0:0]',
    '[1:2] -A INPUT -j DOCKER',
    '-A DOCKER -m comment --comment "a b" -j RETURN',
    'COMMIT',
    '*nat',
    ':PREROUTING ACCEPT',
    'COMMIT',
  ].join('\n');

  it('prints tables, chains with counters where known, rules and COMMIT', () => {
    expect(formatIptablesSave(parseIptablesSave(text))).toBe(
      [
        '*filter',
        ':INPUT ACCEPT [10:20]',
        ':DOCKER - [0:0]',
        '[1:2] -A INPUT -j DOCKER',
        '-A DOCKER -m comment --comment "a b" -j RETURN',
        'COMMIT',
        '*nat',
        ':PREROUTING ACCEPT',
        'COMMIT',
        '',
      ].join('\n'),
    );
  });

  it('prints the -S form as iptables-save', () => {
    const rs = parseIptablesSave('-P FORWARD DROP\n-N DOCKER-USER\n-A FORWARD -j DOCKER-USER\n');
    expect(formatIptablesSave(rs)).toBe('*filter\n:FORWARD DROP\n:DOCKER-USER -\n-A FORWARD -j DOCKER-USER\nCOMMIT\n');
  });
});
