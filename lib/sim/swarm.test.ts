import { describe, expect, it } from 'vitest';
import { parseIptablesSave } from '../netfilter/iptables-parse';
import { mobyHost, mobyText } from './fixtures.test-helper';
import { tracePath } from './trace';
import type { Endpoint } from './types';

// The routing mesh cannot run on the machine the tests run on (no IPVS), so it is tested here, on Docker 28's
// documented swarm-portmap rules: DOCKER-INGRESS DNATs the published port 8080 to ingress_sbox's address on
// docker_gwbridge. Mapped onto the documentation host (bridge1 plays docker_gwbridge, 192.0.2.2 the sandbox's address).

const OUT: Endpoint = { kind: 'outside', ip: '198.51.100.7', iface: 'eth0' };

function swarmHost(sandbox: boolean) {
  const text = mobyText('docker-v28.3.0_iptablesdoc_swarm-portmap.iptables-S.txt')
    .replaceAll('docker_gwbridge', 'bridge1')
    .replaceAll('172.18.0.0/16', '192.0.2.0/24')
    .replaceAll('172.18.0.2', '192.0.2.2');
  const s = mobyHost({ ipv4: parseIptablesSave(text), containers: [{ name: 'sbox', ip: '192.0.2.2', bridge: 'bridge1' }] });
  if (!sandbox) return s;
  // What the collector makes of /var/run/docker/netns/ingress_sbox: a namespace no container owns.
  const ns = s.namespaces.find((n) => n.id === 'netns:100')!;
  Object.assign(ns, { kind: 'other', containers: [], name: 'ingress_sbox', path: '/var/run/docker/netns/ingress_sbox' });
  s.docker!.containers = [];
  for (const n of s.docker!.networks) n.containers = [];
  return s;
}

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
});
