import { describe, expect, it } from 'vitest';
import { parseRulesetText } from './detect';
import { explainChainPolicy, explainIptablesRule, ruleShape } from './explain';
import { emptyContext, forNamespace } from './explain-context';
import type { ExplainContext, NamedObject } from './explain-types';
import { listFixtures, readFixture } from './fixtures.test-helper';
import { parseRuleLine } from './iptables-rule';
import type { IptRule } from '../snapshot/netfilter-schema';

/** A context naming containers (ip → name), networks (subnet → name, bridge) and published ports. */
function ctxWith(opts: {
  containers?: Record<string, string>;
  networks?: Array<{ name: string; subnet: string; bridge: string; internal?: boolean; icc?: boolean }>;
  ports?: Record<string, Array<{ hostPort: number; containerPort: number; protocol?: string; hostIp?: string }>>;
}): ExplainContext {
  const ctx = emptyContext();
  for (const [ip, name] of Object.entries(opts.containers ?? {})) ctx.containersByIp.set(ip, { id: `id-${name}`, name });
  for (const n of opts.networks ?? []) {
    ctx.networksBySubnet.set(n.subnet, { id: `net-${n.name}`, name: n.name, bridge: n.bridge });
    ctx.bridges.set(n.bridge, { networkId: `net-${n.name}`, networkName: n.name, subnets: [n.subnet], internal: n.internal ?? false, icc: n.icc ?? true });
  }
  if (opts.ports) {
    ctx.publishedPorts = new Map(
      Object.entries(opts.ports).map(([name, ps]) => [
        `id-${name}`,
        ps.map((p) => ({ hostIp: p.hostIp ?? '0.0.0.0', hostPort: p.hostPort, containerPort: p.containerPort, protocol: p.protocol ?? 'tcp' })),
      ]),
    );
  }
  return ctx;
}

/** Explains `-A CHAIN …` in `table`. */
function explain(table: string, line: string, ctx: ExplainContext = emptyContext(), family: 'ipv4' | 'ipv6' = 'ipv4') {
  const parsed = parseRuleLine(line);
  if (!parsed) throw new Error(`not a rule: ${line}`);
  return explainIptablesRule(ctx, family, table, parsed.chain, parsed.rule);
}

const objs = (objects: NamedObject[]) => objects.map((o) => `${o.kind}:${o.id}`).sort();

describe('the examples of the brief', () => {
  it('DNAT of a published port names the container', () => {
    const e = explain('nat', '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8799 -j DNAT --to-destination 172.17.0.2:80', ctxWith({ containers: { '172.17.0.2': 'web' } }));
    expect(e).toMatchObject({ role: 'published-port-dnat', origin: 'docker', understood: true });
    expect(e.sentence).toBe(
      "Connections arriving on any interface except docker0 for TCP port 8799 on one of this host's addresses are redirected to web (172.17.0.2:80).",
    );
    // DNAT → container + bridge + port
    expect(objs(e.objects)).toEqual(['bridge:docker0', 'container:id-web', 'port:8799/tcp']);
  });

  it('MASQUERADE of a network names the network', () => {
    const ctx = ctxWith({ networks: [{ name: 'bridge', subnet: '172.17.0.0/16', bridge: 'docker0' }] });
    const e = explain('nat', '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE', ctx);
    expect(e).toMatchObject({ role: 'masquerade', origin: 'docker', understood: true });
    expect(e.sentence).toBe(
      "Traffic from the bridge network (172.17.0.0/16) leaving through any interface except docker0 gets this host's address as its source (masquerade), so replies find their way back.",
    );
    expect(objs(e.objects)).toEqual(['bridge:docker0', 'network:net-bridge']);
  });

  it('a user rule gets a real sentence', () => {
    const e = explain('filter', '-A INPUT -s 192.168.1.254/32 -p tcp -j DROP');
    expect(e).toMatchObject({ role: 'user', origin: 'user', understood: true, sentence: 'Drops TCP connections from 192.168.1.254.' });
  });
});

describe('vocabulary', () => {
  it('addrtype LOCAL: "addressed to one of this host\'s own addresses"', () => {
    expect(explain('nat', '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER').sentence).toContain(
      "addressed to one of this host's own addresses",
    );
    expect(explain('filter', '-A INPUT -p tcp -m addrtype --dst-type LOCAL -m tcp --dport 22 -j ACCEPT').sentence).toBe(
      "Accepts TCP connections to port 22 addressed to one of this host's own addresses.",
    );
    expect(explain('nat', '-A POSTROUTING -m addrtype ! --src-type LOCAL -j ACCEPT').sentence).toBe(
      "Accepts packets not sent from one of this host's own addresses.",
    );
  });

  it('! -d 127.0.0.0/8: "not to loopback"', () => {
    const docker = explain('nat', '-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER');
    expect(docker.role).toBe('docker-nat-jump');
    expect(docker.sentence).toContain('not to loopback (127.0.0.0/8)');
    expect(explain('filter', '-A OUTPUT ! -d 127.0.0.0/8 -j LOG --log-prefix "out: "').sentence).toBe(
      'Logs packets not to loopback (127.0.0.0/8) with the prefix "out: " to the kernel log, then goes on.',
    );
  });

  it('interfaces, with ! and + wildcards', () => {
    expect(explain('filter', '-A FORWARD -i br-+ -o eth0 -j ACCEPT').sentence).toBe(
      'Accepts packets arriving on any interface whose name starts with br- leaving through eth0.',
    );
    expect(explain('filter', '-A FORWARD ! -i veth+ ! -o wg0 -j DROP').sentence).toBe(
      'Drops packets arriving on any interface whose name does not start with veth leaving through any interface except wg0.',
    );
    expect(explain('filter', '-A INPUT -i + -j ACCEPT').sentence).toBe('Accepts packets arriving on any interface.');
    // Docker never writes wildcards: this FORWARD rule only looks like Docker's outgoing-accept.
    expect(explain('filter', '-A FORWARD -i docker+ ! -o docker+ -j ACCEPT')).toMatchObject({ role: 'user', origin: 'user' });
  });

  it('conntrack states, as a docker rule and as a user rule', () => {
    const ct = explain('filter', '-A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT');
    expect(ct).toMatchObject({ role: 'docker-ct', origin: 'docker' });
    expect(ct.sentence).toBe(
      'Packets going into docker0 that belong to an established connection or are related to one are accepted, so replies reach its containers.',
    );
    expect(explain('filter', '-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT').sentence).toBe(
      'Accepts packets that belong to an established connection or are related to one.',
    );
    expect(explain('filter', '-A INPUT -m conntrack --ctstate INVALID -j DROP').sentence).toBe('Drops packets that conntrack considers invalid.');
    expect(explain('filter', '-A INPUT -p tcp -m state --state NEW -m tcp --dport 443 -j ACCEPT').sentence).toBe(
      'Accepts new TCP connections to port 443.',
    );
    expect(explain('filter', '-A X -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP').sentence).toBe(
      'Drops packets except those that belong to an established connection or are related to one or had their destination rewritten (DNAT).',
    );
  });

  it('comments are quoted, and a comment is not Docker', () => {
    const e = explain('filter', '-A INPUT -s 10.0.0.0/8 -m comment --comment "office LAN" -j ACCEPT');
    expect(e).toMatchObject({ role: 'user', understood: true, sentence: 'Accepts packets from 10.0.0.0/8 (comment: "office LAN").' });
    // Docker's shape plus a comment is somebody else's rule.
    expect(explain('nat', '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -m comment --comment "mine" -j MASQUERADE').origin).toBe('user');
  });
});

describe('Docker rules', () => {
  const noicc = listFixtures().find((f) => f.includes('v28.3.0') && f.includes('noicc'))!;
  const noiccRules = parseRulesetText(readFixture(noicc)).ipv4!;
  const fromFixture = (chain: string, text: string) => noiccRules.tables.flatMap((t) => t.chains).find((c) => c.name === chain)!.rules.find((r) => r.raw === text)!;

  it('icc off (the -noicc scenario) and icc on', () => {
    const drop = fromFixture('DOCKER-FORWARD', '-A DOCKER-FORWARD -i bridge1 -o bridge1 -j DROP');
    const e = explainIptablesRule(emptyContext(), 'ipv4', 'filter', 'DOCKER-FORWARD', drop);
    expect(e).toMatchObject({ role: 'icc-drop', origin: 'docker' });
    expect(e.sentence).toBe('Traffic between containers on bridge1 is dropped: inter-container communication is disabled on this network.');
    // …while docker0 in the same scenario keeps icc: everything from it is accepted.
    const docker0 = fromFixture('DOCKER-FORWARD', '-A DOCKER-FORWARD -i docker0 -j ACCEPT');
    expect(explainIptablesRule(emptyContext(), 'ipv4', 'filter', 'DOCKER-FORWARD', docker0).role).toBe('outgoing-accept');

    const on = explain('filter', '-A FORWARD -i docker0 -o docker0 -j ACCEPT');
    expect(on).toMatchObject({ role: 'icc-accept', sentence: 'Traffic between containers on docker0 is accepted: inter-container communication is enabled.' });
  });

  it('internal networks (ISOLATION-STAGE-1 before 29, DOCKER-INTERNAL in 29), naming the network', () => {
    const ctx = ctxWith({ networks: [{ name: 'backend', subnet: '192.0.2.0/24', bridge: 'bridgeICC', internal: true }] });
    const inbound = explain('filter', '-A DOCKER-INTERNAL ! -s 192.0.2.0/24 -o bridgeICC -j DROP', ctx);
    expect(inbound).toMatchObject({ role: 'internal-network', origin: 'docker' });
    expect(inbound.sentence).toBe(
      'Traffic going into bridgeICC that does not come from the backend network (192.0.2.0/24) is dropped: it is an internal network, unreachable from outside.',
    );
    const outbound = explain('filter', '-A DOCKER-ISOLATION-STAGE-1 ! -d 192.0.2.0/24 -i bridgeICC -j DROP', ctx);
    expect(outbound.sentence).toBe(
      'Traffic from bridgeICC to anywhere outside the backend network (192.0.2.0/24) is dropped: it is an internal network, with no way out.',
    );
    expect(objs(outbound.objects)).toEqual(['bridge:bridgeICC', 'network:net-backend']);
    // IPv6 flavour (Docker 28+), with the interface test on the other side too.
    expect(explain('filter', '-A DOCKER-INTERNAL ! -s fd49:efd7:54aa::/64 ! -i br-dummy -o br-dummy -j DROP', emptyContext(), 'ipv6').role).toBe(
      'internal-network',
    );
  });

  it('raw-table drops of direct access to a container, naming it', () => {
    const ctx = ctxWith({ containers: { '192.0.2.2': 'c1' }, networks: [{ name: 'bridge1', subnet: '192.0.2.0/24', bridge: 'bridge1' }] });
    const e = explain('raw', '-A PREROUTING -d 192.0.2.2/32 ! -i bridge1 -j DROP', ctx);
    expect(e).toMatchObject({ role: 'direct-access-drop', origin: 'docker' });
    expect(e.sentence).toBe(
      'Packets addressed straight to c1 (192.0.2.2), arriving on any interface except bridge1, are dropped: from outside, the container can only be reached through its published ports.',
    );
    expect(objs(e.objects)).toEqual(['bridge:bridge1', 'container:id-c1', 'network:net-bridge1']);
    // 28.0.0 dropped per published port.
    expect(explain('raw', '-A PREROUTING -d 192.0.2.2/32 ! -i bridge1 -p tcp -m tcp --dport 80 -j DROP', ctx).role).toBe('direct-access-drop');
    // Ports published on 127.0.0.1 must not be reachable from other hosts.
    const lo = explain('raw', '-A PREROUTING -d 127.0.0.1/32 ! -i lo -p tcp -m tcp --dport 8080 -j DROP');
    expect(lo).toMatchObject({ role: 'remote-loopback-drop', origin: 'docker' });
    expect(lo.sentence).toBe(
      'Packets for 127.0.0.1 TCP port 8080 that arrive on any interface except lo are dropped: a port published on 127.0.0.1 must not be reachable from other machines.',
    );
    // The same rule in another table is not Docker's.
    expect(explain('filter', '-A PREROUTING -d 192.0.2.2/32 ! -i bridge1 -j DROP').origin).toBe('user');
  });

  it('published-port accept names the container and the host port', () => {
    const ctx = ctxWith({ containers: { '192.0.2.2': 'c1' }, ports: { c1: [{ hostPort: 8080, containerPort: 80 }] } });
    const e = explain('filter', '-A DOCKER -d 192.0.2.2/32 ! -i bridge1 -o bridge1 -p tcp -m tcp --dport 80 -j ACCEPT', ctx);
    expect(e).toMatchObject({ role: 'published-port-accept', origin: 'docker', understood: true });
    expect(e.sentence).toBe('Connections from outside bridge1 to TCP port 80 of c1 (192.0.2.2) are accepted, because that port is published as host port 8080.');
    expect(objs(e.objects)).toEqual(['bridge:bridge1', 'container:id-c1', 'port:8080/tcp']);
    // Unpublished ports behind it:
    expect(explain('filter', '-A DOCKER ! -i bridge1 -o bridge1 -j DROP').role).toBe('unpublished-port-drop');
  });

  it('DOCKER-USER: the jump, its RETURN, and the user\'s own rules in it', () => {
    const jump = explain('filter', '-A FORWARD -j DOCKER-USER');
    expect(jump).toMatchObject({ role: 'docker-user', origin: 'docker' });
    expect(jump.sentence).toBe("All forwarded traffic first goes through DOCKER-USER, the chain where you can put your own rules ahead of Docker's.");
    expect(explain('filter', '-A DOCKER-USER -j RETURN').role).toBe('docker-user');
    const mine = explain('filter', '-A DOCKER-USER -i eth0 ! -s 10.0.0.0/8 -j DROP');
    expect(mine).toMatchObject({ role: 'user', origin: 'user', understood: true, sentence: 'Drops packets not from 10.0.0.0/8 arriving on eth0.' });
  });

  it('hairpin MASQUERADE, naming the container, and flagged when no container has the address', () => {
    const line = '-A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE';
    const e = explain('nat', line, ctxWith({ containers: { '172.17.0.2': 'web' } }));
    expect(e).toMatchObject({ role: 'hairpin-masquerade', origin: 'docker' });
    expect(e.sentence).toBe(
      "Connections from web (172.17.0.2) to itself on TCP port 80, which happen when a container reaches its own published port through the host, are masqueraded, so the replies also pass back through the host's NAT (hairpin NAT).",
    );
    const stale = explain('nat', line, ctxWith({ containers: { '172.17.0.3': 'other' } }));
    expect(stale.role).toBe('hairpin-masquerade');
    expect(stale.sentence).toContain('No current container has the address 172.17.0.2, so this rule may be a leftover.');
    // Different source and destination: not a hairpin.
    expect(explain('nat', '-A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.3/32 -p tcp -m tcp --dport 80 -j MASQUERADE').origin).toBe('user');
  });

  it('flags a Docker-shaped rule whose bridge no current network uses', () => {
    const ctx = ctxWith({ networks: [{ name: 'bridge', subnet: '172.17.0.0/16', bridge: 'docker0' }] });
    expect(explain('filter', '-A FORWARD -o docker0 -j DOCKER', ctx).sentence).not.toContain('leftover');
    const e = explain('filter', '-A FORWARD -o br-0123456789ab -j DOCKER', ctx);
    expect(e).toMatchObject({ role: 'docker-bridge', origin: 'docker' });
    expect(e.sentence).toContain('No current Docker network uses the bridge br-0123456789ab, so this rule may be a leftover.');
  });

  it('legacy DOCKER chain rules: RETURN for the bridge, per-bridge FORWARD rules, --link pairs', () => {
    expect(explain('nat', '-A DOCKER -i docker0 -j RETURN')).toMatchObject({ role: 'docker-nat-return', origin: 'docker' });
    expect(explain('filter', '-A FORWARD -o docker0 -j DOCKER').role).toBe('docker-bridge');
    expect(explain('filter', '-A FORWARD -i docker0 ! -o docker0 -j ACCEPT').role).toBe('outgoing-accept');
    expect(explain('filter', '-A FORWARD -j DOCKER-ISOLATION-STAGE-1').role).toBe('docker-jump');
    const ctx = ctxWith({ containers: { '172.17.0.3': 'app', '172.17.0.2': 'db' } });
    const link = explain('filter', '-A DOCKER -s 172.17.0.3/32 -d 172.17.0.2/32 -i docker0 -o docker0 -p tcp -m tcp --dport 5432 -j ACCEPT', ctx);
    expect(link).toMatchObject({ role: 'legacy-link', origin: 'docker' });
    expect(link.sentence).toBe('Connections on docker0 from app (172.17.0.3) to db (172.17.0.2) for TCP port 5432 are accepted: a legacy --link between the two containers.');
    expect(explain('filter', '-A DOCKER -s 172.17.0.2/32 -d 172.17.0.3/32 -i docker0 -o docker0 -p tcp -m tcp --sport 5432 -j ACCEPT').role).toBe('legacy-link');
  });

  it('gateway modes: routed ACCEPTs and nat-unprotected', () => {
    expect(explain('filter', '-A DOCKER -o bridge1 -p icmp -j ACCEPT').role).toBe('routed-accept');
    expect(explain('filter', '-A DOCKER -o br-dummy -p ipv6-icmp -j ACCEPT', emptyContext(), 'ipv6').sentence).toBe(
      'ICMPv6 packets into br-dummy are accepted from anywhere, so its containers answer ping and path-MTU messages (gateway mode routed).',
    );
    expect(explain('filter', '-A DOCKER-ISOLATION-STAGE-1 -o bridge1 -j RETURN').role).toBe('routed-accept');
    expect(explain('filter', '-A DOCKER ! -i bridge1 -o bridge1 -j ACCEPT').role).toBe('unprotected-accept');
  });

  it('SNAT to a chosen host address (host_ipv4) is masquerading too', () => {
    const e = explain('nat', '-A POSTROUTING -s 192.168.0.0/24 ! -o br-dummy -j SNAT --to-source 192.168.123.0');
    expect(e).toMatchObject({ role: 'masquerade', origin: 'docker' });
    expect(e.sentence).toContain('gets 192.168.123.0 as its source (SNAT)');
    expect(explain('nat', '-A POSTROUTING -o br-dummy -m addrtype --src-type LOCAL -j SNAT --to-source 192.168.123.0').role).toBe('masquerade');
  });

  it('ip6tables shapes: loopback ::1 and the link-local exception', () => {
    const ctx = ctxWith({ containers: { 'fd49:efd7:54aa::1': 'c6' } });
    const e = explain('nat', '-A DOCKER ! -s fe80::/10 -d ::1/128 ! -i br-dummy -p tcp -m tcp --dport 8080 -j DNAT --to-destination [fd49:efd7:54aa::1]:80', ctx, 'ipv6');
    expect(e).toMatchObject({ role: 'published-port-dnat', origin: 'docker' });
    expect(e.sentence).toBe(
      'Connections from anywhere except link-local addresses (fe80::/10), arriving on any interface except br-dummy, for TCP port 8080 on ::1 are redirected to c6 ([fd49:efd7:54aa::1]:80).',
    );
    expect(explain('nat', '-A OUTPUT ! -d ::1/128 -m addrtype --dst-type LOCAL -j DOCKER', ctx, 'ipv6').sentence).toContain('not to loopback (::1)');
    expect(explain('nat', '-A POSTROUTING -s fd49:efd7:54aa::1/128 -d fd49:efd7:54aa::1/128 -p tcp -m tcp --dport 80 -j MASQUERADE', ctx, 'ipv6').role).toBe(
      'hairpin-masquerade',
    );
  });

  it('swarm: DOCKER-INGRESS everywhere, IPVS SNAT, and marks only inside Docker\'s sandboxes', () => {
    expect(explain('nat', '-A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080')).toMatchObject({ role: 'swarm', origin: 'docker' });
    expect(explain('filter', '-A FORWARD -j DOCKER-INGRESS').role).toBe('swarm');
    expect(explain('nat', '-A POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.2').role).toBe('swarm');
    const mark = '-A PREROUTING -p tcp -m tcp --dport 8080 -j MARK --set-xmark 0x100/0xffffffff';
    // On the host this shape could be anybody's…
    expect(explain('mangle', mark)).toMatchObject({ role: 'user', origin: 'user', sentence: 'Sets the firewall mark 0x100 on TCP connections to port 8080.' });
    // …in the ingress sandbox it is swarm's.
    const sbox = forNamespace(emptyContext(), { kind: 'other', name: 'ingress_sbox' });
    expect(explain('mangle', mark, sbox)).toMatchObject({ role: 'swarm', origin: 'docker' });
    expect(explain('mangle', '-A INPUT -d 10.0.0.5/32 -j MARK --set-xmark 0x101/0xffffffff', sbox).role).toBe('swarm');
    const task = forNamespace(emptyContext(), { kind: 'container', name: 'abc' });
    expect(explain('nat', '-A PREROUTING -d 10.0.0.7/32 -p tcp -m tcp --dport 8080 -j REDIRECT --to-ports 80', task).role).toBe('swarm');
    expect(explain('filter', '-A INPUT -d 10.0.0.7/32 -p tcp -m tcp --dport 80 -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT', task).role).toBe('swarm');
  });

  it('the embedded DNS rules', () => {
    const e = explain('nat', '-A DOCKER_OUTPUT -d 127.0.0.11/32 -p udp -m udp --dport 53 -j DNAT --to-destination 127.0.0.11:35031');
    expect(e).toMatchObject({ role: 'embedded-dns', origin: 'docker' });
    expect(e.sentence).toBe("DNS queries over UDP to 127.0.0.11 port 53 are redirected to Docker's embedded DNS server, which listens on 127.0.0.11:35031.");
  });

  it('WSL2 and SCTP odds and ends', () => {
    expect(explain('raw', '-A PREROUTING -d 127.0.0.1/32 -i loopback0 -p tcp -m tcp --dport 8080 -j ACCEPT').role).toBe('docker-other');
    expect(explain('nat', '-A DOCKER -d 127.0.0.0/8 -i loopback0 -j RETURN').role).toBe('docker-nat-return');
    expect(explain('mangle', '-A POSTROUTING -p sctp -m sctp --sport 9999 -j CHECKSUM --checksum-fill').role).toBe('docker-other');
  });
});

describe('what is not Docker\'s', () => {
  it('a rule with an unknown match module is not understood, and says why', () => {
    const e = explain('filter', '-A INPUT -m geoip --src-cc CN -j DROP');
    expect(e).toMatchObject({ role: 'unexplained', origin: 'unknown', understood: false });
    expect(e.sentence).toContain('netatlas cannot read match module geoip');
    // …unless the chain clearly belongs to someone.
    expect(explain('filter', '-A DOCKER-USER -m geoip --src-cc CN -j DROP')).toMatchObject({ role: 'user', origin: 'user', understood: false });
    expect(explain('nat', '-A KUBE-SVC-X -m geoip --src-cc CN -j DROP')).toMatchObject({ role: 'kube-proxy', origin: 'kube-proxy', understood: false });
  });

  it('unparsed tokens make a rule not understood', () => {
    const e = explain('filter', '-A INPUT -p tcp stray --dport 22 -j ACCEPT');
    expect(e.understood).toBe(false);
    expect(e.role).toBe('unexplained');
    expect(e.sentence).toContain('"stray"');
  });

  it('a hand-added rule in a Docker chain is the user\'s, and says where it sits', () => {
    const e = explain('filter', '-A DOCKER -p tcp -m tcp --dport 22 -j ACCEPT');
    expect(e).toMatchObject({ role: 'user', origin: 'user', understood: true });
    expect(e.sentence).toBe("Accepts TCP connections to port 22. It sits in Docker's DOCKER chain, but it is not a rule Docker writes.");
  });

  it('kube-proxy by chain, by target and by comment', () => {
    expect(explain('nat', '-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000')).toMatchObject({ role: 'kube-proxy', origin: 'kube-proxy', understood: true });
    expect(explain('nat', '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES').origin).toBe('kube-proxy');
    expect(explain('nat', '-A POSTROUTING -s 10.0.2.15/32 -d 10.0.2.15/32 -m comment --comment "handle pod connecting to self" -j MASQUERADE').origin).toBe(
      'kube-proxy',
    );
    expect(explain('filter', '-A INPUT -m comment --comment "ns1/svc1:http cluster IP" -j ACCEPT').origin).toBe('kube-proxy');
  });

  it('other firewall managers: ufw, fail2ban, libvirt', () => {
    expect(explain('filter', '-A INPUT -j ufw-before-input')).toMatchObject({ role: 'system', origin: 'system' });
    expect(explain('filter', '-A f2b-sshd -s 203.0.113.7/32 -j REJECT --reject-with icmp-port-unreachable')).toMatchObject({ role: 'system', origin: 'system' });
    expect(explain('nat', '-A LIBVIRT_PRT -s 192.168.122.0/24 ! -d 192.168.122.0/24 -j MASQUERADE').origin).toBe('system');
  });
});

describe('chain policies', () => {
  it('built-in chains', () => {
    const drop = explainChainPolicy('filter', 'FORWARD', 'DROP');
    expect(drop).toMatchObject({ role: 'chain-policy', understood: true });
    expect(drop.sentence).toBe(
      'Packets that reach the end of the built-in FORWARD chain of the filter table without a verdict are dropped (policy DROP). Docker sets this policy when it turns on IP forwarding itself, so that the host does not route for anyone else.',
    );
    expect(explainChainPolicy('nat', 'PREROUTING', 'ACCEPT').sentence).toContain('are accepted (policy ACCEPT).');
    expect(explainChainPolicy('filter', 'INPUT', 'BOGUS').understood).toBe(false);
  });

  it('user chains return to their caller', () => {
    const e = explainChainPolicy('filter', 'DOCKER-USER', null);
    expect(e).toMatchObject({ role: 'chain-policy', origin: 'docker' });
    expect(e.sentence).toBe('Packets that reach the end of chain DOCKER-USER go back to the chain that sent them here.');
    expect(explainChainPolicy('filter', 'INTERNAL_allow', '-').origin).toBe('user');
  });
});

describe('ruleShape', () => {
  it('describes structure without values', () => {
    const r = parseRuleLine('-A DOCKER -d 192.0.2.2/32 ! -i bridge1 -o bridge1 -p tcp -m tcp --dport 80 -j ACCEPT')!.rule;
    expect(ruleShape(r)).toBe('d !i o p PROTO(dport) jump:ACCEPT()');
    expect(ruleShape(parseRuleLine('-A X -m conntrack ! --ctstate NEW')!.rule)).toBe('conntrack(!ctstate) count');
  });
});

describe('robustness', () => {
  it('never throws and always says something, whatever table and chain a rule is explained in', { timeout: 60_000 }, () => {
    // Every distinct rule of every fixture: most fixtures repeat Docker's rules, so deduplicating (counters aside,
    // which the sentence does not use) keeps every input the explainer can see at a quarter of the work.
    const distinct = new Map<string, IptRule>();
    for (const f of listFixtures().filter((f) => !f.endsWith('.md') && !f.endsWith('.nft.txt')))
      for (const r of parseRulesetText(readFixture(f)).ipv4!.tables.flatMap((t) => t.chains.flatMap((c) => c.rules)))
        distinct.set(JSON.stringify({ ...r, counters: null }), r);
    const rules = [...distinct.values()];
    expect(rules.length).toBeGreaterThan(200);
    const chains = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING', 'DOCKER', 'DOCKER-USER', 'DOCKER-INGRESS', 'DOCKER_OUTPUT', 'DOCKER-ISOLATION-STAGE-1', 'KUBE-X', 'mine'];
    const sandbox = forNamespace(emptyContext(), { kind: 'container', name: 'x' });
    let n = 0;
    for (const r of rules)
      for (const table of ['filter', 'nat', 'raw', 'mangle', 'security', 'odd'])
        for (const chain of chains)
          for (const ctx of [emptyContext(), sandbox]) {
            const e = explainIptablesRule(ctx, 'ipv4', table, chain, r);
            expect(e.sentence.length).toBeGreaterThan(10);
            n++;
          }
    expect(n).toBeGreaterThan(10_000);
  });
});
