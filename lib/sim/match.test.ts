import { describe, expect, it } from 'vitest';
import { parseNftText } from '../netfilter/nft-text-parse';
import { parseRule } from '../netfilter/iptables-rule';
import type { IptRule } from '../snapshot/schema';
import { inNet, parseIP, parseNet } from './addr';
import { containerId, hostNs, insertRules, labSnapshot, mobyHost } from './fixtures.test-helper';
import { parsePortSpec as parsePorts } from '../netfilter/match-vocabulary';
import { iptConds, portIn } from './match';
import { EPHEMERAL, type Pkt } from './packet';
import { prepare } from './prepare';
import { addrType, lookup, selectSource } from './routing';
import { evalConds, type MatchCtx } from './rules';
import { iptTarget } from './targets';
import { tracePath } from './trace';

const lab = labSnapshot();
const p = prepare(lab);
const host = p.host!;
const ip = (s: string) => parseIP(s)!;

function ctx(over: Partial<Pkt> = {}, io: Partial<MatchCtx['io']> = {}, hook: MatchCtx['hook'] = 'FORWARD'): MatchCtx {
  const pkt: Pkt = { family: 4, proto: 'tcp', src: ip('198.18.1.2'), dst: ip('198.18.1.3'), sport: EPHEMERAL, dport: 80, mark: 0, dir: 'orig', ct: null, ...over };
  return { pkt, hook, view: host, nexthop: null, io: { inIf: 'br-x', outIf: 'br-x', physIn: null, physOut: null, bridged: false, ...io } };
}
const matches = (line: string, c: MatchCtx) => evalConds(iptConds(parseRule(line) as IptRule), c);

describe('addresses', () => {
  it('parses prefixes, bare addresses, 0/0, dotted masks and IPv6', () => {
    expect(inNet(ip('198.18.0.5'), parseNet('198.18.0.0/24')!)).toBe(true);
    expect(inNet(ip('198.18.1.5'), parseNet('198.18.0.0/24')!)).toBe(false);
    expect(inNet(ip('8.8.8.8'), parseNet('0/0')!)).toBe(true);
    expect(inNet(ip('10.1.2.3'), parseNet('10.0.0.0/255.0.0.0')!)).toBe(true);
    expect(inNet(ip('fd00::2'), parseNet('fd00::/64')!)).toBe(true);
    expect(inNet(ip('fd00::2'), parseNet('0/0')!)).toBe(false);
    expect(parseIP('fd00:0::0:2')!.text).toBe('fd00::2');
    expect(parseIP('198.18.0.0/24')).toBeNull();
  });
});

describe('matches', () => {
  it('ports: exact, ranges, multiport, and the unknown ephemeral source port', () => {
    expect(parsePorts('80,8000:8010,:1024')).toEqual([[80, 80], [8000, 8010], [0, 1024]]);
    expect(portIn(80, [[80, 80]])).toBe(true);
    expect(portIn(null, [[80, 80]])).toMatch(/no port/);
    expect(portIn(EPHEMERAL, [[1024, 65535]])).toBe(true);
    expect(portIn(EPHEMERAL, [[53, 53]])).toBe(false);
    expect(portIn(EPHEMERAL, [[40000, 40010]])).toMatch(/in part/);
    expect(matches('-A X -p tcp -m multiport --dports 22,80:90 -j ACCEPT', ctx())).toBe(true);
    // getopt's abbreviation `--dport` of multiport's `--dports`, as people write it by hand.
    expect(matches('-A X -p tcp -m multiport --dport 80,443 -j ACCEPT', ctx({ dport: 443 }))).toBe(true);
    expect(matches('-A X -p tcp -m multiport --dport 80,443 -j ACCEPT', ctx({ dport: 22 }))).toBe(false);
    expect(matches('-A X -p tcp -m tcp --dport 1024: -j ACCEPT', ctx({ dport: 8080 }))).toBe(true);
    expect(matches('-A X -p tcp -m tcp ! --dport 80 -j ACCEPT', ctx())).toBe(false);
    expect(matches('-A X -p udp -m udp --dport 80 -j ACCEPT', ctx())).toBe(false);
  });

  it('TCP flags: the first packet is a SYN, the reply a SYN-ACK', () => {
    expect(matches('-A X -p tcp -m tcp --syn -j ACCEPT', ctx())).toBe(true);
    expect(matches('-A X -p tcp -m tcp --syn -j ACCEPT', ctx({ dir: 'reply' }))).toBe(false);
    expect(matches('-A X -p tcp -m tcp --tcp-flags SYN,ACK SYN,ACK -j ACCEPT', ctx({ dir: 'reply' }))).toBe(true);
  });

  it('interfaces with + wildcards and negation; none in OUTPUT', () => {
    expect(matches('-A X -i br+ -j ACCEPT', ctx())).toBe(true);
    expect(matches('-A X ! -i br+ -j ACCEPT', ctx())).toBe(false);
    expect(matches('-A X -i docker0 -j RETURN', ctx({}, { inIf: '' }, 'OUTPUT'))).toBe(false);
    expect(matches('-A X ! -i docker0 -j RETURN', ctx({}, { inIf: '' }, 'OUTPUT'))).toBe(true);
  });

  it('addrtype: the namespace’s own addresses and all of 127/8 are LOCAL', () => {
    expect(addrType(host, ip('198.19.255.1'))).toBe('LOCAL');
    expect(addrType(host, ip('127.3.2.1'))).toBe('LOCAL');
    expect(addrType(host, ip('198.18.0.255'))).toBe('BROADCAST');
    expect(addrType(host, ip('198.18.0.2'))).toBe('UNICAST');
    expect(matches('-A X -m addrtype --dst-type LOCAL -j DOCKER', ctx({ dst: ip('192.0.2.2') }))).toBe(true);
    expect(matches('-A X -m addrtype --dst-type LOCAL --limit-iface-in -j DOCKER', ctx({ dst: ip('192.0.2.2') }, { inIf: 'docker0' }))).toBe(false);
  });

  it('conntrack: NEW first, ESTABLISHED for the reply, DNAT once a DNAT bound the connection', () => {
    const ct = { nsId: 'x', proto: 'tcp' as const, untracked: false, origSrc: ip('1.1.1.1'), origDst: ip('2.2.2.2'), origDport: 8080, dnat: null, snat: null, dnatDone: true, snatDone: false, ctmark: 0 };
    expect(matches('-A X -m conntrack --ctstate NEW -j ACCEPT', ctx({ ct }))).toBe(true);
    expect(matches('-A X -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', ctx({ ct }))).toBe(false);
    expect(matches('-A X -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', ctx({ ct, dir: 'reply' }))).toBe(true);
    expect(matches('-A X -m conntrack --ctstate DNAT -j ACCEPT', ctx({ ct }))).toBe(false);
    const dnatted = { ...ct, dnat: { ip: ip('3.3.3.3'), port: 80 } };
    expect(matches('-A X -m conntrack --ctstate DNAT --ctorigdstport 8080 -j ACCEPT', ctx({ ct: dnatted }))).toBe(true);
    expect(matches('-A X -m state --state NEW -j ACCEPT', ctx({ ct: { ...ct, untracked: true } }))).toBe(false);
  });

  it('marks, comments, fragments; unknown things say why', () => {
    expect(matches('-A X -m mark --mark 0x4000/0x4000 -j ACCEPT', ctx({ mark: 0x4001 }))).toBe(true);
    expect(matches('-A X -m mark ! --mark 0x4000/0x4000 -j ACCEPT', ctx({ mark: 0 }))).toBe(true);
    expect(matches('-A X -m comment --comment "hi" -j ACCEPT', ctx())).toBe(true);
    expect(matches('-A X -f -j DROP', ctx())).toBe(false);
    expect(matches('-A X -m set --match-set s src -j DROP', ctx())).toMatch(/ipset/);
    expect(matches('-A X -m owner --uid-owner 0 -j DROP', ctx())).toMatch(/owns the socket/);
    expect(matches('-A X -m statistic --mode random --probability 0.5 -j DROP', ctx())).toMatch(/random/);
  });

  it('targets: MARK arithmetic, NAT specs, and what is not modelled', () => {
    const t = (line: string) => iptTarget((parseRule(line) as IptRule).target, new Set(['MYCHAIN']));
    const mark = t('-A X -j MARK --set-xmark 0x4000/0x4000');
    expect(mark.kind === 'mark' && mark.apply(0x1, 0)).toEqual([0x4001, 0]);
    const or = t('-A X -j MARK --or-mark 0x4000');
    expect(or.kind === 'mark' && or.apply(0x1, 0)).toEqual([0x4001, 0]);
    expect(t('-A X -j DNAT --to-destination 10.0.0.1:80')).toMatchObject({ kind: 'dnat', port: 80, label: 'DNAT → 10.0.0.1:80' });
    expect(t('-A X -j DNAT --to-destination 10.0.0.1-10.0.0.9')).toMatchObject({ kind: 'unknown' });
    expect(t('-A X -j SNAT --to-source :53')).toMatchObject({ kind: 'snat', addr: null });
    expect(t('-A X -g MYCHAIN')).toMatchObject({ kind: 'goto', chain: 'MYCHAIN' });
    expect(t('-A X -j NOCHAIN')).toMatchObject({ kind: 'unknown' });
    expect(t('-A X -j LOG --log-prefix x')).toMatchObject({ kind: 'continue' });
  });
});

describe('routing', () => {
  it('longest prefix, then the route’s prefsrc or the device’s address', () => {
    const r = lookup(host, ip('198.18.1.3'));
    expect(r).toMatchObject({ kind: 'unicast', dev: 'br-f0376874e379', gw: null });
    expect(selectSource(host, ip('198.18.1.3'), r)!.text).toBe('198.18.1.1');
    const d = lookup(host, ip('8.8.8.8'));
    expect(d).toMatchObject({ kind: 'unicast', dev: 'eth0' });
    expect(d.kind === 'unicast' && d.gw!.text).toBe('192.0.2.1');
    expect(selectSource(host, ip('8.8.8.8'), d)!.text).toBe('192.0.2.2');
    expect(lookup(host, ip('198.19.255.1')).kind).toBe('local');
    expect(selectSource(host, ip('127.0.0.9'), lookup(host, ip('127.0.0.9')))!.text).toBe('127.0.0.1');
    const demo = p.views.get('netns:4026532563')!;
    expect(lookup(demo, ip('8.8.8.8')).kind).toBe('none');
  });
});

describe('chains: jump, goto, return', () => {
  const withChain = (jump: '-j' | '-g') => {
    const s = labSnapshot();
    const filter = hostNs(s).netfilter!.ipv4!.tables.find((t) => t.name === 'filter')!;
    filter.chains.push({ name: 'SUB', builtin: false, policy: null, counters: null, rules: [parseRule('-A SUB -j RETURN') as IptRule] });
    insertRules(s, [`-A DOCKER-USER ${jump} SUB`, '-A DOCKER-USER -j DROP']);
    return tracePath(s, { from: { kind: 'container', containerId: containerId(s, 'lab-api') }, to: { kind: 'ip', ip: '198.18.1.3', port: 80 }, protocol: 'tcp' });
  };

  it('RETURN from a jumped-to chain comes back to the next rule', () => {
    expect(withChain('-j').outcome).toMatchObject({ result: 'dropped', chain: 'DOCKER-USER', index: 1 });
  });

  it('RETURN from a goto chain goes back to the chain that called the goto’s caller', () => {
    expect(withChain('-g').outcome.result).toBe('delivered');
  });
});

describe('nftables', () => {
  it('an inet table: named sets (prefixes and addresses) are looked up, input chains see local delivery', () => {
    const nft = parseNftText(`table inet f {
	set blocked {
		type ipv4_addr
		flags interval
		elements = { 198.51.100.0/24, 203.0.113.9 }
	}

	chain fwd {
		type filter hook forward priority filter; policy accept;
		ip saddr @blocked drop
	}

	chain inp {
		type filter hook input priority filter; policy accept;
		ip daddr 203.0.113.2 tcp dport 22 drop
	}
}`);
    const s = mobyHost({ nftables: nft });
    const from = (addr: string) => ({ kind: 'outside' as const, ip: addr, iface: 'eth0' });
    const to = { kind: 'ip' as const, ip: '192.0.2.2', port: 80 };
    expect(tracePath(s, { from: from('198.51.100.7'), to, protocol: 'tcp' }).outcome).toMatchObject({ result: 'dropped', table: 'inet f', chain: 'fwd', index: 0 });
    expect(tracePath(s, { from: from('203.0.113.9'), to, protocol: 'tcp' }).outcome.result).toBe('dropped');
    expect(tracePath(s, { from: from('198.51.101.7'), to, protocol: 'tcp' }).outcome.result).toBe('delivered');
    expect(tracePath(s, { from: from('198.51.101.7'), to: { kind: 'ip', ip: '203.0.113.2', port: 22 }, protocol: 'tcp' }).outcome).toMatchObject({ result: 'dropped', chain: 'inp' });
  });

  it('a statement the reader does not know makes the rule’s match unknown', () => {
    const nft = parseNftText(`table ip f {
	chain fwd {
		type filter hook forward priority filter; policy accept;
		meta skuid 1000 drop
	}
}`);
    const r = tracePath(mobyHost({ nftables: nft }), { from: { kind: 'outside', ip: '198.51.100.7', iface: 'eth0' }, to: { kind: 'ip', ip: '192.0.2.2', port: 80 }, protocol: 'tcp' });
    expect(r.outcome).toMatchObject({ result: 'uncertain', table: 'ip f', chain: 'fwd', index: 0, why: expect.stringContaining('skuid') });
  });
});
