import { describe, expect, it } from 'vitest';
import { parseIptablesSave } from '../netfilter/iptables-parse';
import { iface, mobyHost, mobyText, route } from './fixtures.test-helper';
import { tracePath } from './trace';
import type { IpvsService } from '../snapshot/schema';
import type { Endpoint } from './types';

// The routing mesh cannot run on the machine the tests run on (no IPVS), so it is tested here, on Docker 28's
// documented swarm-portmap rules: DOCKER-INGRESS DNATs the published port 8080 to ingress_sbox's address on
// docker_gwbridge. Mapped onto the documentation host (bridge1 plays docker_gwbridge, 192.0.2.2 the sandbox's address).

const OUT: Endpoint = { kind: 'outside', ip: '198.51.100.7', iface: 'eth0' };

function swarmHost(sandbox: boolean, tasks: string[] = []) {
  const text = mobyText('docker-v28.3.0_iptablesdoc_swarm-portmap.iptables-S.txt')
    .replaceAll('docker_gwbridge', 'bridge1')
    .replaceAll('172.18.0.0/16', '192.0.2.0/24')
    .replaceAll('172.18.0.2', '192.0.2.2');
  const s = mobyHost({
    ipv4: parseIptablesSave(text),
    containers: [{ name: 'sbox', ip: '192.0.2.2', bridge: 'bridge1' }, ...tasks.map((ip, i) => ({ name: `task${i + 1}`, ip, bridge: 'bridge1' as const }))],
  });
  if (!sandbox) return s;
  // What the collector makes of /var/run/docker/netns/ingress_sbox: a namespace no container owns.
  const ns = s.namespaces.find((n) => n.id === 'netns:100')!;
  Object.assign(ns, { kind: 'other', containers: [], name: 'ingress_sbox', path: '/var/run/docker/netns/ingress_sbox' });
  s.docker!.containers = s.docker!.containers.filter((c) => c.id !== 'id-sbox');
  for (const n of s.docker!.networks) n.containers = n.containers.filter((c) => c !== 'id-sbox');
  return s;
}

/**
 * The routing mesh with its IPVS table read (as the collector would on a kernel with IPVS), in swarm's shape:
 * ingress_sbox has a leg on docker_gwbridge (bridge1 here, 192.0.2.2) and one on the ingress overlay (10.0.0.2),
 * whose own namespace bridges it (br0, no rules) to the tasks at 10.0.0.3…; a virtual service for the published
 * port sends to the tasks given, and swarm's ingress_sbox rule SNATs what IPVS handled to the sandbox's overlay
 * address, so replies come back through it.
 */
function meshHost(reals: string[], tasks = reals.length) {
  const s = swarmHost(true);
  const sbox = s.namespaces.find((n) => n.id === 'netns:100')!;
  const OV = 'netns:200';
  sbox.interfaces.push(iface(sbox.id, 3, 'eth1', 'veth', ['10.0.0.2/24'], { peer: { namespaceId: OV, ifindex: 10, name: 'veth-sbox' } }));
  sbox.routes.push(route('10.0.0.0/24', 'eth1', null, '10.0.0.2'));
  const overlay = {
    id: OV, inode: 200, kind: 'other' as const, path: '/var/run/docker/netns/1-ingressnet', name: '1-ingressnet', containers: [],
    interfaces: [iface(OV, 1, 'lo', 'loopback', ['127.0.0.1/8']), iface(OV, 2, 'br0', 'bridge', ['10.0.0.1/24']), iface(OV, 10, 'veth-sbox', 'veth', [], { master: 'br0', peer: { namespaceId: sbox.id, ifindex: 3, name: 'eth1' } })],
    routes: [route('10.0.0.0/24', 'br0', null, '10.0.0.1')],
    netfilter: { ipv4: { tables: [], unparsedLines: [] }, ipv6: null, nftables: [] },
  };
  s.namespaces.push(overlay);
  for (let k = 1; k <= tasks; k++) {
    const id = `netns:${200 + k}`;
    overlay.interfaces.push(iface(OV, 10 + k, `veth-t${k}`, 'veth', [], { master: 'br0', peer: { namespaceId: id, ifindex: 2, name: 'eth0' } }));
    s.namespaces.push({
      id, inode: 200 + k, kind: 'other', path: `/proc/${3000 + k}/ns/net`, name: `task${k}`, containers: [],
      interfaces: [iface(id, 1, 'lo', 'loopback', ['127.0.0.1/8']), iface(id, 2, 'eth0', 'veth', [`10.0.0.${2 + k}/24`], { peer: { namespaceId: OV, ifindex: 10 + k, name: `veth-t${k}` } })],
      routes: [route('10.0.0.0/24', 'eth0', null, `10.0.0.${2 + k}`)],
      netfilter: { ipv4: { tables: [], unparsedLines: [] }, ipv6: null, nftables: [] },
    });
  }
  const svc: IpvsService = { kind: 'addr', protocol: 'tcp', ip: '192.0.2.2', port: 8080, scheduler: 'rr', reals: reals.map((ip) => ({ ip, port: 80, forward: 'Masq', weight: 1 })) };
  sbox.ipvs = [svc];
  // Read with the table: the director forwards the replies (IPVS un-NATs them in FORWARD).
  sbox.ipv4Forward = 1;
  sbox.netfilter!.ipv4 = parseIptablesSave('*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.2\nCOMMIT\n');
  return s;
}

const MESH = { from: OUT, to: { kind: 'ip' as const, ip: '203.0.113.2', port: 8080 }, protocol: 'tcp' as const };

describe('a published swarm service port (routing mesh)', () => {
  it('is DNATed by DOCKER-INGRESS into ingress_sbox, where the simulator stops: uncertain, naming IPVS', () => {
    const r = tracePath(swarmHost(true), { from: OUT, to: { kind: 'ip', ip: '203.0.113.2', port: 8080 }, protocol: 'tcp' });
    expect(r.outcome).toMatchObject({ result: 'uncertain', cause: 'ipvs', namespaceId: 'netns:100' });
    expect(r.outcome.result === 'uncertain' && r.outcome.why).toMatch(/^ingress_sbox is swarm's routing mesh: IPVS there would send 192\.0\.2\.2:8080 on/);
    const nat = r.steps.filter((st) => st.type === 'nat');
    expect(nat).toHaveLength(1);
  });

  it('the same rules into an ordinary container are delivered (the sandbox is what makes it uncertain)', () => {
    const r = tracePath(swarmHost(false), { from: OUT, to: { kind: 'ip', ip: '203.0.113.2', port: 8080 }, protocol: 'tcp' });
    expect(r.outcome).toMatchObject({ result: 'delivered', namespaceId: 'netns:100', seenDestination: '192.0.2.2:8080' });
  });

  it('without its IPVS table, says why it is missing (the collector\'s reason: this kernel has no IPVS)', () => {
    const s = swarmHost(true);
    s.namespaces.find((n) => n.id === 'netns:100')!.ipvs = null;
    s.host.problems.push({ source: 'ipvs', subject: 'netns:100', severity: 'info', message: 'kernel has no IPVS (/proc/net/ip_vs absent)' });
    const r = tracePath(s, MESH);
    expect(r.outcome).toMatchObject({ result: 'uncertain', cause: 'ipvs', namespaceId: 'netns:100' });
    expect(r.outcome.result === 'uncertain' && r.outcome.why).toMatch(/its IPVS table is not in the snapshot \(kernel has no IPVS \(\/proc\/net\/ip_vs absent\)\)$/);
  });

  it('with its IPVS table, follows the packet to a task: IPVS NAT, swarm\'s SNAT, delivered; the reply comes back the same way', () => {
    const r = tracePath(meshHost(['10.0.0.3', '10.0.0.4']), MESH);
    expect(r.outcome).toMatchObject({ result: 'delivered', namespaceId: 'netns:201', seenDestination: '10.0.0.3:80', seenSource: '10.0.0.2' });
    const nat = r.steps.filter((st) => st.type === 'nat');
    expect(nat.map((st) => st.type === 'nat' && [st.kind, st.after.ip, st.after.port])).toEqual([
      ['dnat', '192.0.2.2', 8080], // DOCKER-INGRESS on the host
      ['dnat', '10.0.0.3', 80], // IPVS in ingress_sbox
      ['snat', '10.0.0.2', null], // -m ipvs --ipvs -j SNAT: decided, since the table is known
    ]);
    expect(nat[1].type === 'nat' && nat[1].by).toBe('IPVS in ingress_sbox (tcp 192.0.2.2:8080, rr: real server 1 of 2)');
    expect(r.steps.some((st) => st.type === 'note' && /one of 2 real servers \(10\.0\.0\.3:80, 10\.0\.0\.4:80\); followed to the first here, and every one of them is reached/.test(st.text))).toBe(true);
    // Back through the sandbox (un-SNAT, un-DNAT by conntrack) and the host (DOCKER-INGRESS undone) to the client.
    expect((r.replySteps ?? []).filter((st) => st.type === 'nat' && st.undo).length).toBe(3);
  });

  it('a director that does not forward drops the replies: the kernel\'s forwarding, named', () => {
    const s = meshHost(['10.0.0.3']);
    s.namespaces.find((n) => n.id === 'netns:100')!.ipv4Forward = 0;
    const r = tracePath(s, MESH);
    expect(r.outcome).toMatchObject({ result: 'dropped', cause: 'forwarding', namespaceId: 'netns:100', direction: 'reply' });
  });

  it('a real server the packet cannot reach makes the answer uncertain, naming which task is reached and which not', () => {
    const r = tracePath(meshHost(['10.0.0.3', '10.0.0.9'], 1), MESH);
    expect(r.outcome).toMatchObject({ result: 'uncertain', cause: 'ipvs', namespaceId: 'netns:100' });
    expect(r.outcome.result === 'uncertain' && r.outcome.why).toBe(
      'IPVS (tcp 192.0.2.2:8080) picks one of 2 real servers per connection, and they differ: 10.0.0.3:80 is reached; 10.0.0.9:80 fails (no-route)',
    );
  });

  it('a port IPVS has no service for stays in the sandbox (nothing listens there: refused)', () => {
    const s = meshHost(['10.0.0.3']);
    s.namespaces.find((n) => n.id === 'netns:100')!.listeners = [];
    s.namespaces.find((n) => n.id === 'netns:100')!.ipvs![0] = { ...(s.namespaces.find((n) => n.id === 'netns:100')!.ipvs![0] as Extract<IpvsService, { kind: 'addr' }>), port: 9999 };
    const r = tracePath(s, MESH);
    expect(r.outcome).toMatchObject({ result: 'refused', namespaceId: 'netns:100' });
    expect(r.steps.some((st) => st.type === 'note' && st.text.startsWith('IPVS in ingress_sbox has no virtual service for 192.0.2.2:8080'))).toBe(true);
  });

  it('an fwmark service (what swarm uses for VIPs) is found by the mark the mangle rules set', () => {
    const s = meshHost(['10.0.0.3']);
    const sbox = s.namespaces.find((n) => n.id === 'netns:100')!;
    sbox.ipvs = [{ kind: 'fwmark', fwmark: 0x100, scheduler: 'rr', reals: [{ ip: '10.0.0.3', port: 0, forward: 'Masq', weight: 1 }] }];
    const mangle = parseIptablesSave('*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp -m tcp --dport 8080 -j MARK --set-xmark 0x100/0xffffffff\nCOMMIT\n');
    sbox.netfilter!.ipv4!.tables.push(...mangle.tables);
    const r = tracePath(s, MESH);
    // Port 0 real servers keep the packet's port.
    expect(r.outcome).toMatchObject({ result: 'delivered', namespaceId: 'netns:201', seenDestination: '10.0.0.3:8080' });
  });
});
