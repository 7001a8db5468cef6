import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../snapshot/schema';
import { parseRule } from '../netfilter/iptables-rule';
import { containerId, hostNs, insertRules, labSnapshot } from './fixtures.test-helper';
import { prepare } from './prepare';
import { tracePath } from './trace';
import type { Endpoint, Outcome, Step, Target, TraceQuery, TraceResult } from './types';

// The lab snapshot (Docker 20.10, iptables-nft, br_netfilter on, userland proxy on). Every expectation about the
// kernel here was also observed on the live lab (server/paths/matrix.int.test.ts runs the whole matrix).

const lab = labSnapshot();
const ctr = (name: string, s: Snapshot = lab): Endpoint => ({ kind: 'container', containerId: containerId(s, name) });
const ip = (addr: string, port: number | null = 80): Target => ({ kind: 'ip', ip: addr, port });
const trace = (from: Endpoint, to: Target, s: Snapshot = lab, protocol: TraceQuery['protocol'] = 'tcp'): TraceResult => tracePath(s, { from, to, protocol });
const HOST = 'netns:4026531833';
const WEB_NS = 'netns:4026532186';
const API_NS = 'netns:4026532261';
const DB_NS = 'netns:4026532342';
const WORKER_NS = 'netns:4026532417';
const DEMO_NS = 'netns:4026532563';
const OUTSIDE: Endpoint = { kind: 'outside', ip: '198.19.255.2', iface: 'na-demo-h' };

const delivered = (o: Outcome) => {
  expect(o.result, JSON.stringify(o)).toBe('delivered');
  return o as Extract<Outcome, { result: 'delivered' }>;
};
const ruleSteps = (r: TraceResult, verdict?: string) => r.steps.filter((s): s is Extract<Step, { type: 'rule' }> => s.type === 'rule' && (!verdict || s.verdict === verdict));

describe('containers on the lab', () => {
  it('lab-web → lab-api: different bridges, routed by the host and dropped by Docker isolation', () => {
    const r = trace(ctr('lab-web'), { kind: 'container', containerId: containerId(lab, 'lab-api'), port: 80 });
    expect(r.outcome).toEqual({
      result: 'dropped',
      cause: 'rule',
      namespaceId: HOST,
      table: 'filter',
      chain: 'DOCKER-ISOLATION-STAGE-2',
      index: 1,
      rule: '-A DOCKER-ISOLATION-STAGE-2 -o br-f0376874e379 -j DROP',
    });
    expect(r.steps[1]).toMatchObject({ type: 'route', namespaceId: WEB_NS, via: '198.18.0.1', dev: 'eth0', src: '198.18.0.2' });
    expect(r.steps.find((s) => s.type === 'bridge')).toMatchObject({ bridge: 'docker0', from: 'veth4e00ea5', to: null, nfCalled: true });
    expect(r.summary).toMatch(/^lab-web → lab-api \(198\.18\.1\.2:80\)\/tcp: it leaves lab-web from 198\.18\.0\.2 through eth0/);
    expect(r.summary).toMatch(/routed by the host out of br-f0376874e379/);
    expect(r.summary).toMatch(/isolated from one another/);
    expect(r.reply).toBeNull();
    expect(r.legs).toBe(1);
  });

  it('lab-api → lab-db: the same bridge, bridged through iptables (br_netfilter), seen from lab-api', () => {
    const r = trace(ctr('lab-api'), ip('198.18.1.3'));
    const o = delivered(r.outcome);
    expect(o).toMatchObject({ namespaceId: DB_NS, port: 80, seenSource: '198.18.1.2', seenDestination: '198.18.1.3:80', listener: 'unknown' }); // this fixture predates listeners
    expect(o.containerIds).toEqual([containerId(lab, 'lab-db')]);
    expect(r.steps.find((s) => s.type === 'bridge')).toMatchObject({ bridge: 'br-f0376874e379', from: 'veth48250fa', to: 'vethfac17c0', nfCalled: true });
    // physdev/-i/-o of a bridged frame: the bridge on both sides.
    const accept = ruleSteps(r, 'match').find((s) => s.effect === 'ACCEPT');
    expect(accept).toMatchObject({ hook: 'FORWARD', table: 'filter', chain: 'FORWARD', text: '-A FORWARD -i br-f0376874e379 -o br-f0376874e379 -j ACCEPT' });
    expect(r.reply).toMatch(/ESTABLISHED/);
  });

  it('lab-api → lab-worker goes out of its second interface, eth1', () => {
    const r = trace(ctr('lab-api'), { kind: 'container', containerId: containerId(lab, 'lab-worker'), port: 80 });
    expect(delivered(r.outcome)).toMatchObject({ namespaceId: WORKER_NS, seenSource: '198.18.2.2' });
    expect(r.steps.find((s) => s.type === 'route')).toMatchObject({ namespaceId: API_NS, dev: 'eth1', src: '198.18.2.2' });
    expect(r.steps.find((s) => s.type === 'note')).toMatchObject({ text: expect.stringContaining('netatlas-lab-b: 198.18.2.3') });
  });

  it('container:X sidecars use X’s namespace', () => {
    const r = trace(ctr('lab-sidecar'), ip('198.18.1.3'));
    expect(delivered(r.outcome).seenSource).toBe('198.18.1.2');
    expect(r.steps[0]).toMatchObject({ type: 'route', namespaceId: API_NS });
  });

  it('a container reaching its own address stays on its loopback', () => {
    const r = trace(ctr('lab-web'), ip('198.18.0.2'));
    expect(delivered(r.outcome)).toMatchObject({ namespaceId: WEB_NS, seenSource: '198.18.0.2' });
    expect(r.steps.some((s) => s.type === 'hop' && s.from.iface === 'lo')).toBe(true);
  });

  it('ICMP follows the same path', () => {
    expect(trace(ctr('lab-api'), ip('198.18.1.3', null), lab, 'icmp').outcome.result).toBe('delivered');
    expect(trace(ctr('lab-web'), ip('198.18.1.3', null), lab, 'icmp').outcome.result).toBe('dropped');
  });

  it('a container leaving for another namespace is masqueraded to the host’s address there', () => {
    const r = trace(ctr('lab-db'), ip('198.19.255.2'));
    expect(delivered(r.outcome)).toMatchObject({ namespaceId: DEMO_NS, seenSource: '198.19.255.1', listener: 'unknown' });
    expect(r.steps.find((s) => s.type === 'nat')).toMatchObject({
      kind: 'masquerade',
      rewrites: 'source',
      before: { ip: '198.18.1.3', port: null },
      after: { ip: '198.19.255.1', port: null },
      undo: false,
      by: 'nat POSTROUTING rule 2',
    });
    expect(r.reply).toMatch(/undoes the source NAT \(198\.19\.255\.1 → 198\.18\.1\.3\)/);
  });

  it('a container without a network has no route anywhere', () => {
    expect(trace(ctr('lab-none'), ip('198.18.1.3')).outcome).toMatchObject({ result: 'no-route', destination: '198.18.1.3' });
  });

  it('nor can anything reach it: a result, not an exception', () => {
    const r = trace(ctr('lab-web'), { kind: 'container', containerId: containerId(lab, 'lab-none'), port: 80 });
    expect(r.outcome).toEqual({ result: 'no-route', namespaceId: WEB_NS, destination: 'lab-none', why: 'no address to reach lab-none at (it has no network address)' });
    expect(r.steps).toEqual([]);
    expect(r.summary).toBe('lab-web → lab-none/tcp: it finds no way on: lab-web has no address to reach lab-none at (it has no network address).');
  });

  it('a container target is reached at its address on a network shared with the source', () => {
    const r = trace(ctr('lab-worker'), { kind: 'container', containerId: containerId(lab, 'lab-api'), port: 80 });
    expect(delivered(r.outcome).seenDestination).toBe('198.18.2.2:80');
  });
});

describe('the host and docker-proxy', () => {
  it('host → 127.0.0.1:18081: docker-proxy ends the first leg; the container sees docker0’s address', () => {
    const r = trace({ kind: 'host' }, ip('127.0.0.1', 18081));
    expect(r.legs).toBe(2);
    expect(delivered(r.outcome)).toMatchObject({ namespaceId: WEB_NS, port: 80, seenSource: '198.18.0.1', seenDestination: '198.18.0.2:80' });
    expect(r.steps.find((s) => s.type === 'proxy')).toEqual({
      type: 'proxy',
      pid: 8899,
      listen: '127.0.0.1:18081',
      connectsTo: '198.18.0.2:80',
      what: expect.stringContaining('docker-proxy accepts the connection'),
    });
    // OUTPUT's jump to DOCKER excludes 127.0.0.0/8: no DNAT on the first leg.
    expect(r.steps.filter((s) => s.type === 'nat')).toEqual([]);
    expect(r.summary).toMatch(/docker-proxy \(pid 8899\).*that one leaves the host from 198\.18\.0\.1 through docker0/);
  });

  it('host → 198.19.255.1:18080: DNAT in OUTPUT, rerouted to docker0, the source stays the host’s own address', () => {
    const r = trace({ kind: 'host' }, ip('198.19.255.1', 18080));
    expect(r.legs).toBe(1);
    expect(delivered(r.outcome)).toMatchObject({ namespaceId: WEB_NS, seenSource: '198.19.255.1', seenDestination: '198.18.0.2:80' });
    expect(r.steps.find((s) => s.type === 'nat')).toEqual({
      type: 'nat',
      kind: 'dnat',
      rewrites: 'destination',
      before: { ip: '198.19.255.1', port: 18080 },
      after: { ip: '198.18.0.2', port: 80 },
      undo: false,
      by: 'nat DOCKER rule 5',
    });
    const dnat = ruleSteps(r).find((s) => s.effect?.startsWith('DNAT'));
    expect(dnat).toMatchObject({ hook: 'OUTPUT', table: 'nat', chain: 'DOCKER', index: 4 });
    expect(r.reply).toMatch(/undoes the DNAT \(198\.18\.0\.2:80 → 198\.19\.255\.1:18080\)/);
    // The reply's steps carry the un-NAT as addresses too: source 198.18.0.2:80 back to 198.19.255.1:18080.
    expect(r.replySteps?.filter((s) => s.type === 'nat')).toEqual([
      expect.objectContaining({ kind: 'dnat', rewrites: 'source', before: { ip: '198.18.0.2', port: 80 }, after: { ip: '198.19.255.1', port: 18080 }, undo: true }),
    ]);
  });

  it('host → a container’s address: locally generated, from the bridge’s address', () => {
    expect(delivered(trace({ kind: 'host' }, ip('198.18.1.3')).outcome).seenSource).toBe('198.18.1.1');
  });

  it('a container → the host’s address on a published port: RETURN for bridges, then docker-proxy (not hairpin NAT)', () => {
    for (const to of ['192.0.2.2', '198.19.255.1', '198.18.0.1']) {
      const r = trace(ctr('lab-web'), ip(to, 18080));
      expect(r.legs, to).toBe(2);
      expect(delivered(r.outcome), to).toMatchObject({ namespaceId: WEB_NS, seenSource: '198.18.0.1' });
      expect(r.steps.find((s) => s.type === 'proxy')).toMatchObject({ pid: 8910, listen: '0.0.0.0:18080' });
    }
    expect(delivered(trace(ctr('lab-db'), ip('198.18.1.1', 18080)).outcome).seenSource).toBe('198.18.0.1');
  });

  it('the host delivers to itself when no docker-proxy listens, and says a listener is not known', () => {
    const r = trace(ctr('lab-db'), ip('198.18.1.1', 22));
    expect(delivered(r.outcome)).toMatchObject({ namespaceId: HOST, listener: 'unknown', seenSource: '198.18.1.3' });
    expect(r.summary).toMatch(/whether a process listens on 198\.18\.1\.1:22 there is not known/);
  });

  it('IPv6 to the host’s address reaches the IPv6 docker-proxy, whose second leg is IPv4', () => {
    const r = trace({ kind: 'host' }, ip('fd00::2', 18080));
    expect(r.legs).toBe(2);
    expect(r.steps.find((s) => s.type === 'proxy')).toMatchObject({ pid: 8916, listen: '[::]:18080' });
    expect(delivered(r.outcome).seenSource).toBe('198.18.0.1');
  });

  it('leaving the host through the uplink is handed to the next hop, masqueraded for containers', () => {
    const r = trace(ctr('lab-web'), ip('203.0.113.9', 443));
    expect(delivered(r.outcome)).toMatchObject({ namespaceId: HOST, seenSource: '192.0.2.2', seenDestination: '203.0.113.9:443', leaves: { iface: 'eth0', via: '192.0.2.1' } });
    expect(r.reply).toMatch(/undoes the source NAT/);
  });
});

describe('from outside', () => {
  it('198.19.255.2 on na-demo-h → 198.19.255.1:18080: DNAT in PREROUTING, delivered to lab-web, source kept', () => {
    const r = trace(OUTSIDE, ip('198.19.255.1', 18080));
    expect(delivered(r.outcome)).toMatchObject({ namespaceId: WEB_NS, seenSource: '198.19.255.2', seenDestination: '198.18.0.2:80' });
    expect(ruleSteps(r).find((s) => s.effect?.startsWith('DNAT'))).toMatchObject({ hook: 'PREROUTING', chain: 'DOCKER', index: 4 });
    expect(ruleSteps(r, 'match').find((s) => s.effect === 'ACCEPT')).toMatchObject({ hook: 'FORWARD', chain: 'DOCKER', index: 0 });
  });

  it('→ a container’s address directly: dropped by the FORWARD policy, except the published container port (Docker 20.10)', () => {
    expect(trace(OUTSIDE, ip('198.18.1.3')).outcome).toEqual({ result: 'dropped', cause: 'rule', namespaceId: HOST, table: 'filter', chain: 'FORWARD', index: null, rule: '-P FORWARD DROP' });
    expect(trace(OUTSIDE, ip('198.18.0.2', 81)).outcome).toMatchObject({ result: 'dropped', chain: 'FORWARD', index: null });
    expect(delivered(trace(OUTSIDE, ip('198.18.0.2', 80)).outcome).seenSource).toBe('198.19.255.2');
    expect(trace(OUTSIDE, ip('198.18.1.3')).summary).toMatch(/filter FORWARD policy \(-P FORWARD DROP\)/);
  });

  it('the outside client’s interface is found by routing when not given', () => {
    const r = trace({ kind: 'outside', ip: '198.19.255.2', iface: null }, ip('198.19.255.1', 18080));
    expect(delivered(r.outcome).seenSource).toBe('198.19.255.2');
    expect(r.steps.some((s) => s.type === 'note' && s.text.includes('na-demo-h'))).toBe(true);
  });

  it('a named namespace routes by its own table first: no default route in the fixture, so no route', () => {
    expect(trace({ kind: 'namespace', namespaceId: DEMO_NS }, ip('198.18.0.2')).outcome).toEqual({
      result: 'no-route',
      namespaceId: DEMO_NS,
      destination: '198.18.0.2',
      why: 'no route to 198.18.0.2',
    });
    const r = trace({ kind: 'namespace', namespaceId: DEMO_NS }, ip('198.19.255.1', 18080));
    expect(delivered(r.outcome)).toMatchObject({ namespaceId: WEB_NS, seenSource: '198.19.255.2' });
    expect(r.steps.find((s) => s.type === 'hop')).toMatchObject({ from: { namespaceId: DEMO_NS, iface: 'na-demo-ns' }, to: { namespaceId: HOST, iface: 'na-demo-h' } });
  });

  it('with a default route added, the namespace reaches lab-web directly', () => {
    const s = labSnapshot();
    s.namespaces.find((n) => n.id === DEMO_NS)!.routes.push({ family: 'inet', dst: 'default', gateway: '198.19.255.1', dev: 'na-demo-ns', protocol: null, scope: null, prefsrc: null, metric: null, type: null });
    expect(delivered(trace({ kind: 'namespace', namespaceId: DEMO_NS }, ip('198.18.0.2'), s).outcome).seenSource).toBe('198.19.255.2');
  });
});

describe('rule edits', () => {
  it('hairpin NAT without the userland proxy: the lab’s own MASQUERADE rule makes lab-web see docker0’s address', () => {
    const s = labSnapshot();
    const nat = hostNs(s).netfilter!.ipv4!.tables.find((t) => t.name === 'nat')!;
    const docker = nat.chains.find((c) => c.name === 'DOCKER')!;
    // Docker 20.10 with userland-proxy=false: no RETURN for docker0, and its DNAT rules take traffic from docker0 too.
    docker.rules = docker.rules.filter((r) => r.raw !== '-A DOCKER -i docker0 -j RETURN');
    docker.rules[3] = parseRule('-A DOCKER -p tcp -m tcp --dport 18080 -j DNAT --to-destination 198.18.0.2:80')!;
    s.dockerProxies = [];
    const r = trace(ctr('lab-web', s), ip('192.0.2.2', 18080), s);
    expect(r.legs).toBe(1);
    expect(delivered(r.outcome)).toMatchObject({ namespaceId: WEB_NS, seenSource: '198.18.0.1', seenDestination: '198.18.0.2:80' });
    expect(r.steps.filter((x) => x.type === 'nat')).toEqual([
      { type: 'nat', kind: 'dnat', rewrites: 'destination', before: { ip: '192.0.2.2', port: 18080 }, after: { ip: '198.18.0.2', port: 80 }, undo: false, by: 'nat DOCKER rule 4' },
      { type: 'nat', kind: 'masquerade', rewrites: 'source', before: { ip: '198.18.0.2', port: null }, after: { ip: '198.18.0.1', port: null }, undo: false, by: 'nat POSTROUTING rule 4' },
    ]);
    expect(r.steps.some((x) => x.type === 'note' && /hairpin/.test(x.text))).toBe(true);
  });

  it('a DOCKER-USER rule like the lab’s blocks one container only', () => {
    const s = labSnapshot();
    insertRules(s, ['-A DOCKER-USER -s 198.18.2.3/32 -d 198.19.255.2/32 -p tcp -m tcp --dport 80 -m comment --comment netatlas-lab -j DROP']);
    expect(trace(ctr('lab-worker', s), ip('198.19.255.2'), s).outcome).toMatchObject({ result: 'dropped', chain: 'DOCKER-USER', index: 0 });
    expect(delivered(trace(ctr('lab-db', s), ip('198.19.255.2'), s).outcome).seenSource).toBe('198.19.255.1');
  });

  it('a rule that drops only the reply makes the connection fail, and says so', () => {
    const s = labSnapshot();
    insertRules(s, ['-A DOCKER-USER -s 198.18.0.2/32 -i docker0 -j DROP']);
    const r = trace(OUTSIDE, ip('198.19.255.1', 18080), s);
    expect(r.outcome).toMatchObject({ result: 'dropped', chain: 'DOCKER-USER', index: 0, direction: 'reply' });
    expect(r.summary).toMatch(/gets there, but the reply is dropped/);
    expect(r.reply).toMatch(/does not make it back/);
    expect(r.replySteps?.some((x) => x.type === 'rule' && x.chain === 'DOCKER-USER' && x.verdict === 'match')).toBe(true);
  });

  it('a rule against a container’s replies breaks connections to it', () => {
    const s = labSnapshot();
    insertRules(s, ['-A DOCKER-USER -s 198.18.1.2/32 -j DROP']);
    expect(trace(ctr('lab-db', s), ip('198.18.1.2'), s).outcome).toMatchObject({ result: 'dropped', direction: 'reply', index: 0 });
  });

  it('MARK set earlier in the trace is seen by a later -m mark', () => {
    const s = labSnapshot();
    insertRules(s, ['-A DOCKER-USER -s 198.18.1.2/32 -p tcp -m tcp --dport 80 -j MARK --set-xmark 0x1/0xffffffff', '-A DOCKER-USER -m mark --mark 0x1 -j DROP']);
    expect(trace(ctr('lab-api', s), ip('198.18.1.3'), s).outcome).toMatchObject({ result: 'dropped', chain: 'DOCKER-USER', index: 1 });
    expect(trace(ctr('lab-db', s), ip('198.18.1.2'), s).outcome.result).toBe('delivered');
  });

  it('REJECT is reported as rejected', () => {
    const s = labSnapshot();
    insertRules(s, ['-A DOCKER-USER -d 198.18.1.3/32 -p tcp -m multiport --dports 22,80:90 -j REJECT --reject-with icmp-port-unreachable']);
    expect(trace(ctr('lab-api', s), ip('198.18.1.3'), s).outcome).toMatchObject({ result: 'rejected', chain: 'DOCKER-USER', index: 0 });
    expect(trace(ctr('lab-api', s), ip('198.18.1.3', 443), s).outcome.result).toBe('delivered');
  });

  it('with bridge-nf-call-iptables off, bridged frames skip iptables but routed ones do not', () => {
    const s = labSnapshot();
    s.host.sysctls.bridgeNfCallIptables = null;
    insertRules(s, ['-A FORWARD -j DROP']);
    const r = trace(ctr('lab-api', s), ip('198.18.1.3'), s);
    expect(r.outcome.result).toBe('delivered');
    expect(r.steps.find((x) => x.type === 'bridge')).toMatchObject({ nfCalled: false });
    expect(trace(ctr('lab-db', s), ip('198.19.255.2'), s).outcome).toMatchObject({ result: 'dropped', chain: 'FORWARD', index: 0 });
  });

  it('--physdev-in matches the container’s host-side veth, on bridged and routed packets alike', () => {
    const s = labSnapshot();
    insertRules(s, ['-A DOCKER-USER -m physdev --physdev-in veth48250fa -m conntrack --ctstate NEW -j DROP']);
    expect(trace(ctr('lab-api', s), ip('198.18.1.3'), s).outcome).toMatchObject({ result: 'dropped', index: 0 });
    expect(trace(ctr('lab-db', s), ip('198.18.1.2'), s).outcome.result).toBe('delivered');
    expect(trace(ctr('lab-api', s), ip('198.19.255.2'), s).outcome).toMatchObject({ result: 'dropped', index: 0 });
    const t = labSnapshot();
    insertRules(t, ['-A DOCKER-USER -m physdev --physdev-is-bridged -j DROP']);
    expect(trace(ctr('lab-api', t), ip('198.18.1.3'), t).outcome.result).toBe('dropped');
    expect(trace(ctr('lab-api', t), ip('198.19.255.2'), t).outcome.result).toBe('delivered');
  });

  it('ip_forward=0 stops routed traffic in the kernel', () => {
    const s = labSnapshot();
    s.host.sysctls.ipv4Forward = 0;
    expect(trace(ctr('lab-db', s), ip('198.19.255.2'), s).outcome).toEqual({ result: 'dropped', cause: 'forwarding', namespaceId: HOST, why: 'net.ipv4.ip_forward=0' });
  });
});

describe('what the simulator cannot tell', () => {
  it('an unknown module that decides the outcome makes it uncertain, naming the rule', () => {
    const s = labSnapshot();
    insertRules(s, ['-A DOCKER-USER -m frobnicate --level 3 -j DROP']);
    const r = trace(ctr('lab-api', s), ip('198.18.1.3'), s);
    expect(r.outcome).toMatchObject({
      result: 'uncertain',
      namespaceId: HOST,
      table: 'filter',
      chain: 'DOCKER-USER',
      index: 0,
      rule: '-A DOCKER-USER -m frobnicate --level 3 -j DROP',
      why: 'module frobnicate is not one netatlas understands',
    });
    expect(ruleSteps(r, 'uncertain')[0]).toMatchObject({ chain: 'DOCKER-USER', index: 0 });
    expect(r.summary).toMatch(/cannot be followed with certainty: it depends on filter DOCKER-USER rule 1/);
  });

  it('unknown matches that cannot change anything do not make it uncertain', () => {
    const s = labSnapshot();
    insertRules(s, [
      '-A DOCKER-USER -m frobnicate --level 3 -j LOG --log-prefix x',
      '-A DOCKER-USER -s 10.0.0.0/8 -m frobnicate -j DROP', // -s already fails: no question
      '-A DOCKER-USER -m set --match-set trusted src -j ACCEPT', // accepted either way here
    ]);
    const r = trace(ctr('lab-api', s), ip('198.18.1.3'), s);
    expect(delivered(r.outcome).seenSource).toBe('198.18.1.2');
    expect(r.steps.at(-1)).toMatchObject({ type: 'note', text: expect.stringContaining('ipset members are not in the snapshot') });
    expect(r.steps.at(-1)).toMatchObject({ text: expect.stringContaining('the outcome is the same either way') });
  });

  it('an ipset that could decide (a FORWARD drop otherwise) is uncertain', () => {
    const s = labSnapshot();
    insertRules(s, ['-A DOCKER-USER -m set --match-set trusted src -j ACCEPT']);
    expect(trace(OUTSIDE, ip('198.18.1.3'), s).outcome).toMatchObject({ result: 'uncertain', chain: 'DOCKER-USER', index: 0, why: expect.stringContaining('ipset') });
  });

  it('a rule the parser could only partly read is uncertain too', () => {
    const s = labSnapshot();
    insertRules(s, ['-A DOCKER-USER -j DROP']);
    hostNs(s).netfilter!.ipv4!.tables.find((t) => t.name === 'filter')!.chains.find((c) => c.name === 'DOCKER-USER')!.rules[0].unparsed = ['--weird'];
    expect(trace(ctr('lab-api', s), ip('198.18.1.3'), s).outcome).toMatchObject({ result: 'uncertain', why: expect.stringContaining('--weird') });
  });

  it('a target that hands the packet to user space is uncertain', () => {
    const s = labSnapshot();
    insertRules(s, ['-A DOCKER-USER -j NFQUEUE --queue-num 1']);
    expect(trace(ctr('lab-api', s), ip('198.18.1.3'), s).outcome).toMatchObject({ result: 'uncertain', why: expect.stringContaining('user space') });
  });

  it('rules that were not read make the trace uncertain', () => {
    const s = labSnapshot();
    hostNs(s).netfilter!.ipv4 = null;
    expect(trace(ctr('lab-api', s), ip('198.18.1.3'), s).outcome).toMatchObject({ result: 'uncertain', why: expect.stringContaining('not read') });
  });
});

describe('tracePath', () => {
  it('lists every rule it passed in verbose mode, only the deciding ones otherwise', () => {
    const q: TraceQuery = { from: ctr('lab-web'), to: ip('198.18.1.3'), protocol: 'tcp' };
    const short = tracePath(lab, q);
    const long = tracePath(lab, { ...q, verbose: true });
    expect(ruleSteps(short, 'no-match')).toEqual([]);
    expect(ruleSteps(long, 'no-match').length).toBeGreaterThan(3);
    expect(long.outcome).toEqual(short.outcome);
  });

  it('caches the per-snapshot index', () => {
    expect(prepare(lab)).toBe(prepare(lab));
  });

  it('rejects queries that name nothing in the snapshot', () => {
    expect(() => trace({ kind: 'container', containerId: 'nope' }, ip('198.18.1.3'))).toThrow(/no container nope/);
    expect(() => trace({ kind: 'host' }, ip('not-an-ip'))).toThrow(/not an IP address/);
  });

  it('explains each deciding rule in words', () => {
    const r = trace(ctr('lab-web'), ip('198.18.1.3'));
    const drop = ruleSteps(r).at(-1)!;
    expect(drop).toMatchObject({ chain: 'DOCKER-ISOLATION-STAGE-2', verdict: 'match', effect: 'DROP' });
    expect(drop.explanation).toMatch(/isolated/);
  });
});
