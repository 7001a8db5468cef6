import { describe, expect, it } from 'vitest';
import type { NftTable } from '@/lib/snapshot/netfilter-schema';
import { emptyContext } from './explain-context';
import { explainNftRule } from './explain-nft';
import type { ExplainContext } from './explain-types';
import { listFixtures, readFixture } from './fixtures.test-helper';
import { parseNftText } from './nft-text-parse';

const fixture = (scenario: string): NftTable => parseNftText(readFixture(listFixtures().find((f) => f.endsWith(`nftablesdoc_${scenario}.nft.txt`))!))[0];

/** Explains the rule of `chain` whose text contains `needle` (the first one). */
function explainIn(table: NftTable, chain: string, needle: string, ctx: ExplainContext = emptyContext()) {
  const c = table.chains.find((x) => x.name === chain)!;
  const r = c.rules.find((x) => x.text.includes(needle));
  if (!r) throw new Error(`no rule with ${needle} in ${chain}`);
  return explainNftRule(ctx, table, c, r);
}

const c1 = (): ExplainContext => {
  const ctx = emptyContext();
  ctx.containersByIp.set('192.0.2.2', { id: 'id-c1', name: 'c1' });
  ctx.networksBySubnet.set('192.0.2.0/24', { id: 'net-1', name: 'net1', bridge: 'bridge1' });
  ctx.bridges.set('bridge1', { networkId: 'net-1', networkName: 'net1', subnets: ['192.0.2.0/24'], internal: false, icc: true });
  ctx.publishedPorts = new Map([['id-c1', [{ hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, protocol: 'tcp' }]]]);
  return ctx;
};

describe("Docker 29's docker-bridges table", () => {
  const portmap = fixture('usernet-portmap');

  it('dispatches per bridge through verdict maps, naming the bridges', () => {
    const e = explainIn(portmap, 'filter-FORWARD', 'oifname vmap');
    expect(e).toMatchObject({ role: 'docker-bridge', origin: 'docker', understood: true });
    expect(e.sentence).toBe(
      "Traffic going into a Docker bridge (docker0, bridge1) is sent to that bridge's filter-forward-in chain, which decides what may go into it.",
    );
    expect(e.objects.map((o) => o.id)).toEqual(['docker0', 'bridge1']);
    expect(explainIn(portmap, 'nat-POSTROUTING', 'iifname vmap').sentence).toContain('nat-postrouting-out chain, which masquerades traffic leaving it');
  });

  it('DNAT names the container, bridge and port', () => {
    const e = explainIn(portmap, 'nat-prerouting-and-output', 'dnat', c1());
    expect(e).toMatchObject({ role: 'published-port-dnat', origin: 'docker', understood: true });
    expect(e.sentence).toBe("Connections arriving on any interface except bridge1 for TCP port 8080 on one of this host's addresses are redirected to c1 (192.0.2.2:80).");
    expect(e.objects.map((o) => `${o.kind}:${o.id}`).sort()).toEqual(['bridge:bridge1', 'container:id-c1', 'network:net-1', 'port:8080/tcp']);
  });

  it('reads the per-bridge chains by their statements and Docker\'s comments', () => {
    const ctx = c1();
    expect(explainIn(portmap, 'filter-forward-in__bridge1', 'ct state', ctx).role).toBe('docker-ct');
    expect(explainIn(portmap, 'filter-forward-in__bridge1', '"ICC"', ctx)).toMatchObject({
      role: 'icc-accept',
      sentence: 'Traffic between containers on bridge1 is accepted: inter-container communication is enabled.',
    });
    const accept = explainIn(portmap, 'filter-forward-in__bridge1', 'tcp dport 80', ctx);
    expect(accept).toMatchObject({ role: 'published-port-accept', origin: 'docker' });
    expect(accept.sentence).toBe('Connections from outside bridge1 to TCP port 80 of c1 (192.0.2.2) are accepted, because that port is published as host port 8080.');
    expect(explainIn(portmap, 'filter-forward-in__bridge1', 'UNPUBLISHED PORT DROP', ctx).role).toBe('unpublished-port-drop');
    expect(explainIn(portmap, 'filter-forward-out__bridge1', 'ct state', ctx).role).toBe('conntrack-established');
    expect(explainIn(portmap, 'filter-forward-out__bridge1', 'OUTGOING', ctx).role).toBe('outgoing-accept');
    const masq = explainIn(portmap, 'nat-postrouting-out__bridge1', 'masquerade', ctx);
    expect(masq.sentence).toBe(
      "Traffic from the net1 network (192.0.2.0/24) leaving through any interface except bridge1 gets this host's address as its source (masquerade), so replies find their way back.",
    );
    const direct = explainIn(portmap, 'raw-PREROUTING', 'DROP DIRECT ACCESS', ctx);
    expect(direct).toMatchObject({ role: 'direct-access-drop' });
    expect(direct.sentence).toContain('Packets addressed straight to c1 (192.0.2.2), arriving on any interface except bridge1, are dropped');
    expect(explainIn(portmap, 'nat-PREROUTING', 'fib daddr type local').sentence).toContain("addressed to one of this host's own addresses");
    expect(explainIn(portmap, 'nat-OUTPUT', 'fib daddr type local').sentence).toContain('not to loopback (127.0.0.0/8)');
  });

  it('icc off, internal networks, routed and unprotected modes, hairpin and loopback', () => {
    expect(explainIn(fixture('usernet-portmap-noicc'), 'filter-forward-in__bridge1', '"ICC"').role).toBe('icc-drop');
    const internal = fixture('usernet-internal');
    expect(explainIn(internal, 'filter-forward-in__bridgeICC', 'INTERNAL NETWORK INGRESS')).toMatchObject({
      role: 'internal-network',
      sentence: 'Traffic going into bridgeICC from any other interface is dropped: it is an internal network, unreachable from outside.',
    });
    expect(explainIn(internal, 'filter-forward-out__bridgeNoICC', 'INTERNAL NETWORK EGRESS').role).toBe('internal-network');
    expect(explainIn(internal, 'filter-forward-in__bridgeNoICC', 'comment "ICC"').role).toBe('icc-drop');
    expect(explainIn(fixture('usernet-portmap-routed'), 'filter-forward-in__bridge1', 'ICMP').role).toBe('routed-accept');
    expect(explainIn(fixture('usernet-portmap-natunprot'), 'filter-forward-in__bridge1', 'UNPROTECTED').role).toBe('unprotected-accept');
    const noproxy = fixture('usernet-portmap-noproxy');
    expect(explainIn(noproxy, 'nat-postrouting-in__bridge1', 'MASQ TO OWN PORT').role).toBe('hairpin-masquerade');
    expect(explainIn(noproxy, 'nat-postrouting-in__bridge1', 'MASQUERADE FROM HOST').role).toBe('masquerade');
    expect(explainIn(fixture('usernet-portmap-lo'), 'raw-PREROUTING', 'DROP REMOTE LOOPBACK').role).toBe('remote-loopback-drop');
  });

  it('an unknown statement in Docker\'s table stays Docker\'s but is not understood', () => {
    const t = parseNftText(`table ip docker-bridges {
      chain filter-forward-in__bridge1 {
        limit rate 5/second counter accept comment "SOMETHING NEW"
        tcp dport 9999 counter accept comment "SOMETHING NEWER"
      }
    }`)[0];
    const odd = explainNftRule(emptyContext(), t, t.chains[0], t.chains[0].rules[0]);
    expect(odd).toMatchObject({ role: 'docker-other', origin: 'docker', understood: false });
    expect(odd.sentence).toContain('netatlas cannot read "limit rate 5/second"');
    const readable = explainNftRule(emptyContext(), t, t.chains[0], t.chains[0].rules[1]);
    expect(readable).toMatchObject({ role: 'docker-other', origin: 'docker', understood: true });
    expect(readable.sentence).toContain('not a rule netatlas knows Docker to write');
  });
});

describe("the embedded DNS's docker-dns table (nftables backend, in a container)", () => {
  const t = parseNftText(`table ip docker-dns {
    chain dns-dnat {
      type nat hook output priority dstnat; policy accept;
      ip daddr 127.0.0.11 udp dport 53 counter packets 3 bytes 180 dnat to 127.0.0.11:43017
    }
    chain dns-snat {
      type nat hook postrouting priority srcnat; policy accept;
      ip saddr 127.0.0.11 udp sport 43017 counter packets 3 bytes 300 snat to :53
    }
  }`)[0];

  it('explains both rules as embedded DNS', () => {
    const dnat = explainNftRule(emptyContext(), t, t.chains[0], t.chains[0].rules[0]);
    expect(dnat).toMatchObject({ role: 'embedded-dns', origin: 'docker', understood: true });
    expect(dnat.sentence).toBe("DNS queries over UDP to 127.0.0.11 port 53 are redirected to Docker's embedded DNS server, which listens on 127.0.0.11:43017.");
    const snat = explainNftRule(emptyContext(), t, t.chains[1], t.chains[1].rules[0]);
    expect(snat).toMatchObject({ role: 'embedded-dns', origin: 'docker', understood: true });
  });
});

describe("other tables' rules", () => {
  const t = parseNftText(`table inet filter {
    chain input {
      type filter hook input priority filter; policy drop;
      ct state established,related accept
      iifname "lo" accept
      ip saddr 192.168.1.254 tcp dport 22 drop
      tcp dport { 80, 443 } ct state new counter packets 4 bytes 240 accept comment "web"
      iifname "wg*" accept
      meta l4proto icmp accept
      limit rate 5/second accept
      jump my-chain
      tcp dport 23 reject with tcp reset
      reject with icmpx type admin-prohibited
      reject with icmp type bogus-type
    }
  }`)[0];
  const input = t.chains[0];
  const e = (i: number) => explainNftRule(emptyContext(), t, input, input.rules[i]);

  it('words what it can read, as the user\'s', () => {
    expect(e(0)).toMatchObject({ role: 'user', origin: 'user', understood: true, sentence: 'Accepts packets that belong to an established connection or are related to one.' });
    expect(e(1).sentence).toBe('Accepts packets arriving on lo.');
    expect(e(2).sentence).toBe('Drops TCP connections from 192.168.1.254 to port 22.');
    expect(e(3).sentence).toBe('Accepts new TCP connections to ports 80 and 443 (comment: "web").');
    expect(e(4).sentence).toBe('Accepts packets arriving on any interface whose name starts with wg.');
    expect(e(5).sentence).toBe('Accepts ICMP packets.');
    expect(e(7).sentence).toBe('Sends all traffic through chain my-chain.');
    expect(e(8).sentence).toBe('Rejects TCP connections to port 23 (replying with a TCP reset).');
    expect(e(9).sentence).toBe('Rejects all traffic (replying with an ICMP administratively-prohibited error).');
  });

  it('never guesses what it cannot read', () => {
    expect(e(6)).toMatchObject({ role: 'unexplained', origin: 'unknown', understood: false });
    expect(e(6).sentence).toMatch(/^Not fully understood: netatlas cannot read "limit rate 5\/second"/);
    expect(e(10)).toMatchObject({ role: 'unexplained', understood: false });
    expect(e(10).sentence).toContain('reject type icmp-bogus-type');
  });

  it('kube-proxy\'s and firewalld\'s tables are theirs', () => {
    const k = parseNftText('table ip kube-proxy {\n chain services {\n ip daddr 10.96.0.1 tcp dport 443 jump service-x\n }\n}')[0];
    expect(explainNftRule(emptyContext(), k, k.chains[0], k.chains[0].rules[0])).toMatchObject({ role: 'kube-proxy', origin: 'kube-proxy', understood: true });
    const f = parseNftText('table inet firewalld {\n chain filter_INPUT {\n ct state invalid drop\n }\n}')[0];
    expect(explainNftRule(emptyContext(), f, f.chains[0], f.chains[0].rules[0])).toMatchObject({ role: 'system', origin: 'system' });
  });
});
