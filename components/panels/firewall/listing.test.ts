import { describe, expect, it } from 'vitest';
import { parseIptablesSave } from '@/lib/netfilter/iptables-parse';
import { fullRulesetRows } from './full-rows';
import { chainHeading, listingColumns } from './listing';
import { HOST_NS, labSnapshot, readShared } from './test-fixture.test-helper';

const rs = parseIptablesSave(`*nat
:PREROUTING ACCEPT [12:720]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
[3:180] -A DOCKER -d 127.0.0.1/32 ! -i docker0 -p tcp -m tcp --dport 18081 -j DNAT --to-destination 198.18.0.2:80
-A DOCKER -i docker0 -j RETURN
COMMIT
*filter
:FORWARD DROP [0:0]
[123456:7890123] -A FORWARD -s 10.0.0.0/8 -o eth0 -m comment --comment "<img src=x onerror=alert(1)>" -j ACCEPT
-A FORWARD -f -j DROP
COMMIT
`);
const rule = (t: string, c: string, i: number) => rs.tables.find((x) => x.name === t)!.chains.find((x) => x.name === c)!.rules[i];

describe('listingColumns (iptables -L -v -n)', () => {
  it('a DNAT: negated interface, host address without /32, the rest as extra', () => {
    expect(listingColumns(rule('nat', 'DOCKER', 0), 'ipv4')).toEqual({
      pkts: '3',
      bytes: '180',
      target: 'DNAT',
      prot: 'tcp',
      opt: '--',
      in: '!docker0',
      out: '*',
      source: '0.0.0.0/0',
      destination: '127.0.0.1',
      extra: '-m tcp --dport 18081 --to-destination 198.18.0.2:80',
    });
  });

  it('big counters, comments kept as text, fragments, IPv6 defaults', () => {
    const c = listingColumns(rule('filter', 'FORWARD', 0), 'ipv4');
    expect([c.pkts, c.bytes, c.prot, c.source, c.out]).toEqual(['123K', '7890K', 'all', '10.0.0.0/8', 'eth0']);
    expect(c.extra).toContain('<img src=x onerror=alert(1)>');
    expect(listingColumns(rule('filter', 'FORWARD', 1), 'ipv4').opt).toBe('-f');
    const v6 = listingColumns(rule('nat', 'DOCKER', 1), 'ipv6');
    expect([v6.source, v6.destination, v6.opt, v6.pkts]).toEqual(['::/0', '::/0', '', '—']);
  });

  it('chain headings: policy with counters, or references', () => {
    const nat = rs.tables.find((t) => t.name === 'nat')!;
    expect(chainHeading(nat, nat.chains[0])).toBe('Chain PREROUTING (policy ACCEPT 12 packets, 720 bytes)');
    expect(chainHeading(nat, nat.chains[1])).toBe('Chain DOCKER (1 reference)');
  });
});

describe('fullRulesetRows', () => {
  it('every chain (traversal order, unreached last) and every rule of the lab host', () => {
    const s = labSnapshot();
    const nf = s.namespaces.find((n) => n.id === HOST_NS)!.netfilter;
    const rows = fullRulesetRows(nf, 'ipv4');
    const total = nf!.ipv4!.tables.reduce((n, t) => n + t.chains.reduce((m, c) => m + c.rules.length, 0), 0);
    const chains = nf!.ipv4!.tables.reduce((n, t) => n + t.chains.length, 0);
    expect(rows.filter((r) => r.kind === 'ipt')).toHaveLength(total);
    expect(rows.filter((r) => r.kind === 'chain')).toHaveLength(chains);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
    expect(fullRulesetRows(nf, 'ipv6')).toEqual([]);
    expect(fullRulesetRows(null, 'ipv4')).toEqual([]);
  });

  it('a filter keeps matching rules under their chain headings', () => {
    const s = labSnapshot();
    const nf = s.namespaces.find((n) => n.id === HOST_NS)!.netfilter;
    const rows = fullRulesetRows(nf, 'ipv4', '18081');
    expect(rows.map((r) => r.kind)).toEqual(['chain', 'ipt']);
    expect(fullRulesetRows(nf, 'ipv4', 'nat/POSTROUTING').filter((r) => r.kind === 'chain')).toHaveLength(1);
  });

  it('kube-proxy scale: 10,000 rules flatten quickly', () => {
    const base = readShared('stress/kube-proxy_TestOverallIPTablesRules_expected.iptables-restore');
    const lines = ['*filter', ':INPUT ACCEPT [0:0]', ':KUBE-SVC-BIG - [0:0]', '-A INPUT -j KUBE-SVC-BIG'];
    for (let i = 0; i < 10_000; i++) lines.push(`-A KUBE-SVC-BIG -d 10.96.${(i >> 8) & 255}.${i & 255}/32 -p tcp -m tcp --dport 80 -m comment --comment "svc ${i}" -j ACCEPT`);
    lines.push('COMMIT');
    const big = parseIptablesSave(`${lines.join('\n')}\n`);
    const real = parseIptablesSave(base);
    expect(fullRulesetRows({ ipv4: real, ipv6: null, nftables: null }, 'ipv4').filter((r) => r.kind === 'ipt')).toHaveLength(
      real.tables.reduce((n, t) => n + t.chains.reduce((m, c) => m + c.rules.length, 0), 0),
    );
    const t0 = performance.now();
    const rows = fullRulesetRows({ ipv4: big, ipv6: null, nftables: null }, 'ipv4');
    const filtered = fullRulesetRows({ ipv4: big, ipv6: null, nftables: null }, 'ipv4', 'svc 9999');
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(rows).toHaveLength(2 + 1 + 10_000); // two chain headings, the jump, the service rules
    expect(filtered.filter((r) => r.kind === 'ipt')).toHaveLength(1);
  });

  it('native nftables tables follow, for the matching family', () => {
    const nf = { ipv4: null, ipv6: null, nftables: [{ family: 'ip', name: 'docker-bridges', sets: [], chains: [{ name: 'filter-FORWARD', type: 'filter', hook: 'forward', priority: 'filter', policy: 'accept', rules: [{ text: 'counter accept', handle: 1, counters: { packets: 1, bytes: 2 }, comment: null, expr: null }] }] }] };
    const rows = fullRulesetRows(nf, 'ipv4');
    expect(rows.map((r) => r.kind)).toEqual(['chain', 'nft']);
    expect(rows[0].kind === 'chain' && rows[0].heading).toBe('chain filter-FORWARD (type filter hook forward priority filter; policy accept)');
    expect(fullRulesetRows(nf, 'ipv6')).toEqual([]);
  });
});
