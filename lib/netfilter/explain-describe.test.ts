import { describe, expect, it } from 'vitest';
import { cidrContains, hostAddress, isLoopback, parseAddress, sameAddress, splitEndpoint } from '../net/cidr';
import { ctstatePhrase, describeMatches, genericSentence, Namer, portsText, specialAddress } from './describe-match';
import { emptyContext } from './explain-context';
import { parseRule } from './iptables-rule';

/** The generic sentence of a rule in a built-in chain, with an empty context. */
const say = (line: string) => genericSentence(new Namer(emptyContext()), parseRule(line)!, true);

describe('generic sentences for any rule', () => {
  it.each([
    ['-A INPUT -p tcp -m multiport --dports 80,443,8000:8010 -j ACCEPT', 'Accepts TCP connections to ports 80, 443 and 8000-8010.'],
    ['-A INPUT -p udp -m udp --sport 53 -j ACCEPT', 'Accepts UDP packets from port 53.'],
    ['-A INPUT -s 10.0.0.1/32 -p tcp -m tcp --sport 53 -j ACCEPT', 'Accepts TCP connections from 10.0.0.1 on port 53.'],
    ['-A INPUT ! -p tcp -j DROP', 'Drops packets that are not TCP.'],
    ['-A INPUT -p icmp -m icmp --icmp-type 8 -m limit --limit 5/sec --limit-burst 10 -j ACCEPT', 'Accepts ICMP packets of ICMP type 8 up to 5/sec (bursts of up to 10).'],
    ['-A INPUT -p tcp -m tcp --tcp-flags SYN,RST,ACK,FIN SYN -j ACCEPT', 'Accepts TCP connections whose TCP flags SYN,RST,ACK,FIN are exactly SYN set.'],
    ['-A INPUT -p tcp -m tcp ! --syn -m conntrack --ctstate NEW -j DROP', 'Drops new TCP connections that are not connection-opening SYN packets.'],
    ['-A FORWARD -m physdev --physdev-is-bridged -j ACCEPT', 'Accepts packets that are bridged, not routed.'],
    ['-A INPUT -m iprange --src-range 10.0.0.1-10.0.0.9 -j DROP', 'Drops packets from addresses 10.0.0.1-10.0.0.9.'],
    ['-A OUTPUT -m owner --uid-owner 1000 -j REJECT --reject-with tcp-reset', 'Rejects packets sent by user 1000 (replying with a TCP reset).'],
    ['-A INPUT -m mac --mac-source 00:11:22:33:44:55 -j ACCEPT', 'Accepts packets from MAC address 00:11:22:33:44:55.'],
    ['-A INPUT -f -j DROP', 'Drops packets that are second or later fragments.'],
    ['-A INPUT -m pkttype --pkt-type broadcast -j DROP', 'Drops packets sent as broadcast.'],
    ['-A INPUT -m set --match-set blocklist src -j DROP', 'Drops packets whose source is in the ip set blocklist.'],
    ['-A INPUT -d 224.0.0.0/4 -j ACCEPT', 'Accepts packets to multicast addresses (224.0.0.0/4).'],
    ['-A INPUT -s 0.0.0.0/0 -j ACCEPT', 'Accepts packets from anywhere.'],
    ['-A INPUT -p tcp -m tcp --dport 22 -m recent --rcheck --seconds 60 --hitcount 4 --name ssh --rsource -j DROP', 'Drops TCP connections to port 22 whose source address is in the "recent" list ssh, seen in the last 60 seconds at least 4 times.'],
    ['-A INPUT -m connlimit --connlimit-above 20 -j REJECT', 'Rejects packets when the source already has more than 20 connections.'],
    ['-A PREROUTING -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 3128', 'Redirects TCP connections to port 80 to port 3128 on this host.'],
    ['-A POSTROUTING -s 10.8.0.0/24 -o eth0 -j SNAT --to-source 203.0.113.5', 'Rewrites the source of packets from 10.8.0.0/24 leaving through eth0 to 203.0.113.5 (SNAT).'],
    ['-A PREROUTING -i eth0 -p tcp -m tcp --dport 2222 -j DNAT --to-destination 10.0.0.5:22', 'Redirects TCP connections arriving on eth0 to port 2222 to 10.0.0.5:22 (DNAT).'],
    ['-A FORWARD -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu', 'Sets the TCP maximum segment size of TCP connections whose TCP flags SYN,RST are exactly SYN set to fit the path MTU.'],
    ['-A PREROUTING -j CONNMARK --restore-mark', "Copies the connection's mark back to the packet for all traffic."],
    ['-A PREROUTING -p udp -m udp --dport 53 -j CT --notrack', 'Exempts UDP packets to port 53 from connection tracking.'],
    ['-A INPUT -p tcp -m tcp --dport 22', 'Counts TCP connections to port 22 (the rule has no action; packets go on to the next rule).'],
  ])('%s', (line, sentence) => {
    const w = say(line);
    expect(w.unknown).toEqual([]);
    expect(w.sentence).toBe(sentence);
  });

  it('RETURN reads differently in built-in and user chains', () => {
    const r = parseRule('-A X -s 10.0.0.0/8 -j RETURN')!;
    expect(genericSentence(new Namer(emptyContext()), r, false).sentence).toBe('Returns packets from 10.0.0.0/8 to the chain that jumped here.');
    expect(genericSentence(new Namer(emptyContext()), r, true).sentence).toBe("Stops this chain for packets from 10.0.0.0/8: the chain's policy decides.");
  });

  it('is not understood when a module, option or target cannot be worded, and says which', () => {
    expect(say('-A INPUT -m hashlimit --hashlimit-upto 5/sec --hashlimit-name x -j ACCEPT')).toMatchObject({
      understood: false,
      unknown: ['--hashlimit-upto of match module hashlimit', '--hashlimit-name of match module hashlimit'],
    });
    expect(say('-A INPUT -m conntrack --ctexpire 10 -j ACCEPT').unknown).toEqual(['--ctexpire of match module conntrack']);
    expect(say('-A PREROUTING -p tcp -j TPROXY --on-port 1234').unknown).toEqual(['target TPROXY']);
    expect(say('-A INPUT -j REJECT --reject-with icmp-bogus').unknown).toEqual(['reject type icmp-bogus']);
    const w = say('-A INPUT -m nosuchmodule --x 1 -p tcp -j ACCEPT');
    expect(w.understood).toBe(false);
    expect(w.sentence).toBe('Not fully understood: netatlas cannot read match module nosuchmodule. What it can read: Accepts TCP connections.');
    expect(w.readable).toBe('Accepts TCP connections.');
  });

  it('collects named objects from the context', () => {
    const ctx = emptyContext();
    ctx.containersByIp.set('172.17.0.2', { id: 'c-web', name: 'web' });
    ctx.networksBySubnet.set('172.17.0.0/16', { id: 'n-bridge', name: 'bridge', bridge: 'docker0' });
    ctx.bridges.set('docker0', { networkId: 'n-bridge', networkName: 'bridge', subnets: ['172.17.0.0/16'], internal: false, icc: true });
    const n = new Namer(ctx);
    const w = describeMatches(n, parseRule('-A FORWARD -i eth0 -o docker0 -d 172.17.0.2/32 -j ACCEPT')!);
    expect(w.phrases).toEqual(['arriving on eth0', 'leaving through docker0', 'to web (172.17.0.2)']);
    expect(n.objects.map((o) => `${o.kind}:${o.id}`)).toEqual(['interface:eth0', 'bridge:docker0', 'network:n-bridge', 'container:c-web']);
    expect(new Namer(ctx).address('172.17.0.9')).toBe('172.17.0.9 (in the bridge network)');
  });
});

describe('phrase helpers', () => {
  it('ports, states and special addresses', () => {
    expect(portsText('80')).toBe('port 80');
    expect(portsText('8000:8010')).toBe('ports 8000-8010');
    expect(portsText('53,5353')).toBe('ports 53 and 5353');
    expect(ctstatePhrase('NEW,ESTABLISHED', false)).toBe('that open a new connection or belong to an established connection');
    expect(ctstatePhrase('BOGUS', false)).toBeNull();
    expect(specialAddress('127.0.0.0/8')).toBe('loopback (127.0.0.0/8)');
    expect(specialAddress('::1/128')).toBe('loopback (::1)');
    expect(specialAddress('fe80::/10')).toBe('link-local addresses (fe80::/10)');
    expect(specialAddress('::/0')).toBe('anywhere');
    expect(specialAddress('10.0.0.0/8')).toBeNull();
  });
});

describe('cidr helpers', () => {
  it('parses and compares IPv4 and IPv6', () => {
    expect(parseAddress('10.1.2.3/8')).toEqual({ v6: false, value: 0x0a010203n, prefix: 8 });
    expect(parseAddress('fd00::1')?.prefix).toBe(128);
    expect(parseAddress('::ffff:1.2.3.4')?.value).toBe(0xffff01020304n);
    expect(parseAddress('300.1.1.1')).toBeNull();
    expect(parseAddress('1:2:3:4:5:6:7:8:9')).toBeNull();
    expect(cidrContains('172.17.0.0/16', '172.17.3.4')).toBe(true);
    expect(cidrContains('172.17.0.0/16', '172.18.0.1')).toBe(false);
    expect(cidrContains('fd49:efd7:54aa::/64', 'fd49:efd7:54aa::1')).toBe(true);
    expect(cidrContains('10.0.0.0/8', 'fd00::1')).toBe(false);
    expect(hostAddress('192.0.2.2/32')).toBe('192.0.2.2');
    expect(hostAddress('192.0.2.0/24')).toBeNull();
    expect(sameAddress('fd00:0::1', 'fd00::1')).toBe(true);
    expect(isLoopback('127.0.0.1/32')).toBe(true);
    expect(isLoopback('::1/128')).toBe(true);
    expect(isLoopback('10.0.0.1')).toBe(false);
  });

  it('splits NAT endpoints', () => {
    expect(splitEndpoint('192.0.2.2:80')).toEqual({ address: '192.0.2.2', port: '80' });
    expect(splitEndpoint('[fd49::1]:80')).toEqual({ address: 'fd49::1', port: '80' });
    expect(splitEndpoint(':53')).toEqual({ address: '', port: '53' });
    expect(splitEndpoint('fd49::1')).toEqual({ address: 'fd49::1', port: null });
  });
});
