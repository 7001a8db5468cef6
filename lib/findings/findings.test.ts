import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { containerId, hostNs, insertRules, labSnapshot } from '../sim/fixtures.test-helper';
import { parseSnapshot, type Snapshot } from '../snapshot/schema';
import { ids } from '../topology/build';
import { findingsByNode, findingsOf } from './index';

// Each check on data: a snapshot that produces its finding and one that does not.

const macvlanSnapshot = (): Snapshot =>
  parseSnapshot(JSON.parse(readFileSync(new URL('./__fixtures__/lab-macvlan-snapshot.json', import.meta.url), 'utf8')));
const of = (s: Snapshot, check: string) => findingsOf(s).findings.filter((f) => f.check === check);
const network = (s: Snapshot, name: string) => s.docker!.networks.find((n) => n.name === name)!;

describe('host settings', () => {
  it('ip_forward=0 with bridge networks is an error naming the bridges', () => {
    const s = labSnapshot();
    expect(of(s, 'ip-forward-off')).toEqual([]);
    s.host.sysctls.ipv4Forward = 0;
    const [f] = of(s, 'ip-forward-off');
    expect(f).toMatchObject({ level: 'error', evidence: expect.arrayContaining(['net.ipv4.ip_forward = 0']) });
    expect(f.objects.map((o) => o.nodeId)).toContain(ids.bridge('docker0'));
  });

  it('bridge-nf-call-iptables=0: an error when icc=false relies on it, a warning when containers merely share a bridge', () => {
    const s = labSnapshot();
    expect(of(s, 'bridge-nf-off')).toEqual([]);
    s.host.sysctls.bridgeNfCallIptables = 0;
    const [shared] = of(s, 'bridge-nf-off');
    expect(shared.level).toBe('warning');
    // lab-a and lab-b have two containers each; the default bridge only lab-web.
    expect(shared.objects.map((o) => o.nodeId).sort()).toEqual(['netatlas-lab-a', 'netatlas-lab-b'].map((n) => ids.bridge(network(s, n).bridge!)).sort());
    network(s, 'netatlas-lab-b').icc = false;
    expect(of(s, 'bridge-nf-off')).toMatchObject([{ level: 'error', evidence: [expect.any(String), expect.stringMatching(/icc is disabled on netatlas-lab-b/)] }]);
    s.host.sysctls.bridgeNfCallIptables = null;
    expect(of(s, 'bridge-nf-off')[0].evidence[0]).toMatch(/br_netfilter is not loaded/);
  });

  it('rules in both iptables backends', () => {
    const s = labSnapshot();
    expect(of(s, 'iptables-both-backends')).toEqual([]);
    Object.assign(s.host.iptables, { legacyHasRules: true, nftHasRules: true });
    expect(of(s, 'iptables-both-backends')).toMatchObject([{ level: 'warning' }]);
  });
});

describe('MTU along a path', () => {
  it('container eth0 larger than the uplink: one warning per network that can leave the host', () => {
    const s = labSnapshot();
    const uplink = hostNs(s).interfaces.find((i) => i.name === 'eth0')!;
    uplink.mtu = 1500;
    expect(of(s, 'mtu-mismatch')).toEqual([]);
    uplink.mtu = 1400;
    const fs = of(s, 'mtu-mismatch');
    expect(fs.map((f) => f.id).sort()).toEqual(['mtu-mismatch:bridge:uplink:eth0', 'mtu-mismatch:netatlas-lab-a:uplink:eth0', 'mtu-mismatch:netatlas-lab-b:uplink:eth0']);
    expect(fs.find((f) => f.id.includes(':bridge:'))!.fix).toMatch(/"mtu": 1400 in \/etc\/docker\/daemon.json/);
  });

  it('container eth0 larger than its bridge', () => {
    const s = labSnapshot();
    hostNs(s).interfaces.find((i) => i.name === 'eth0')!.mtu = 1500;
    hostNs(s).interfaces.find((i) => i.name === 'docker0')!.mtu = 1450;
    expect(of(s, 'mtu-mismatch')).toMatchObject([{ id: 'mtu-mismatch:bridge:bridge:docker0', evidence: expect.arrayContaining(['lab-web: eth0 MTU 1500']) }]);
  });
});

describe('published ports', () => {
  it('a port published on 127.0.0.1 is info, with a badge on the port', () => {
    const s = labSnapshot();
    const web = containerId(s, 'lab-web');
    expect(of(s, 'published-on-loopback')).toMatchObject([{ level: 'info', objects: [{ nodeId: ids.port(web, '127.0.0.1', 18081, 'tcp') }, { nodeId: ids.container(web) }] }]);
  });

  it('a DOCKER-USER rule that drops what a published port forwards: found by the simulator', () => {
    expect(of(labSnapshot(), 'docker-user-shadows-port')).toEqual([]);
    // A fresh copy: the simulator caches what it compiled per snapshot object.
    const s = labSnapshot();
    insertRules(s, ['-A DOCKER-USER -p tcp -m tcp --dport 80 -j DROP']);
    const fs = of(s, 'docker-user-shadows-port');
    expect(fs).toMatchObject([{ level: 'warning', id: 'docker-user-shadows-port:lab-web:0.0.0.0:18080/tcp' }]);
    expect(fs[0].evidence[1]).toMatch(/dropped by filter DOCKER-USER rule 1: -A DOCKER-USER -p tcp -m tcp --dport 80 -j DROP/);
  });

  it('loopback-only listener behind a published port: skipped without listeners, an error with them', () => {
    const s = labSnapshot();
    expect(findingsOf(s).skipped).toEqual([{ check: 'listens-on-loopback-only', why: 'the snapshot has no listening sockets' }]);
    const ns = s.namespaces.find((n) => n.containers.includes(containerId(s, 'lab-web')))!;
    const httpd = (address: string) => ({ protocol: 'tcp' as const, family: 'inet' as const, address, port: 80, inode: 4711, processes: [{ pid: 12, comm: 'httpd' }] });
    ns.listeners = [httpd('0.0.0.0')];
    expect(of(s, 'listens-on-loopback-only')).toEqual([]);
    ns.listeners = [httpd('127.0.0.1')];
    const fs = of(s, 'listens-on-loopback-only');
    // Every binding of container port 80: [::]:18080, 0.0.0.0:18080 and 127.0.0.1:18081.
    expect(fs.map((f) => `${f.level} ${f.id}`)).toEqual(['::', '0.0.0.0', '127.0.0.1'].map((ip) => `error listens-on-loopback-only:lab-web:${ip}:${ip === '127.0.0.1' ? 18081 : 18080}/tcp`));
    expect(fs[0].evidence[1]).toBe('inside lab-web, httpd (pid 12) on 127.0.0.1:80');
  });
});

describe('names on the default bridge', () => {
  it('an /etc/hosts line naming another container: info while it is right, an error once stale', () => {
    const s = labSnapshot();
    const web = s.docker!.containers.find((c) => c.name === 'lab-web')!;
    web.dns = { nameservers: ['10.255.255.53'], search: [], options: [], extraHosts: [], problems: [] };
    expect(of(s, 'default-bridge-names')).toEqual([]);
    web.dns.extraHosts = [{ address: '198.18.1.2', names: ['api', 'lab-api'] }];
    expect(of(s, 'default-bridge-names')).toMatchObject([{ level: 'info', id: 'default-bridge-names:lab-web:lab-api' }]);
    web.dns.extraHosts = [{ address: '198.18.1.9', names: ['lab-api'] }];
    expect(of(s, 'default-bridge-names')).toMatchObject([{ level: 'error', evidence: expect.arrayContaining(['lab-api is at 198.18.1.2, 198.18.2.2 now']) }]);
  });
});

describe('macvlan', () => {
  it('the lab macvlan container cannot reach its host through the parent; with a shim-free host that is a warning', () => {
    const s = macvlanSnapshot();
    const fs = of(s, 'macvlan-host-isolation');
    expect(fs).toMatchObject([{ level: 'warning', id: 'macvlan-host-isolation:lab-mv1:netatlas-lab-mv' }]);
    expect(fs[0].evidence.join('\n')).toMatch(/the host cannot reach its own macvlan children through the parent/);
    expect(of(labSnapshot(), 'macvlan-host-isolation')).toEqual([]);
  });
});

describe('the report', () => {
  it('errors first; badges per node; checks needing Docker are skipped without it', () => {
    const s = labSnapshot();
    s.host.sysctls.ipv4Forward = 0;
    const { findings } = findingsOf(s);
    expect(findings[0].level).toBe('error');
    expect(findings.map((f) => f.level)).toEqual([...findings.map((f) => f.level)].sort((a, b) => ['error', 'warning', 'info'].indexOf(a) - ['error', 'warning', 'info'].indexOf(b)));
    expect(findingsByNode(findings).get(ids.bridge('docker0'))!.map((f) => f.check)).toContain('ip-forward-off');
    s.docker = null;
    expect(findingsOf(s).skipped.map((x) => x.why)).toContain('Docker could not be reached when the snapshot was taken');
  });
});
