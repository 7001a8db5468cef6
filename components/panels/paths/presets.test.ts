import { describe, expect, it } from 'vitest';
import type { Snapshot } from '@/lib/snapshot/schema';
import { INTERNET_IP, OUTSIDE_IPV4, OUTSIDE_IPV6, pathPresets, queryText, uplinkOf } from './presets';
import { API, DB, labSnapshot, NONE, SIDECAR, WEB, WORKER } from './test-fixture.test-helper';

const s = labSnapshot();
const labels = (id: string) => pathPresets(s, id).map((p) => p.label);
const byLabel = (id: string, label: string) => {
  const p = pathPresets(s, id).find((x) => x.label === label);
  if (!p) throw new Error(`no preset "${label}" in ${labels(id).join(' | ')}`);
  return p;
};

describe('uplinkOf', () => {
  it('is the interface of the default route, with its global addresses', () => {
    expect(uplinkOf(s)).toEqual({ name: 'eth0', ipv4: '192.0.2.2', ipv6: 'fd00::2' });
  });

  it('is null without a default route', () => {
    const bare: Snapshot = { ...s, namespaces: s.namespaces.map((n) => (n.kind === 'host' ? { ...n, routes: n.routes.filter((r) => r.dst !== 'default') } : n)) };
    expect(uplinkOf(bare)).toBeNull();
  });
});

describe('pathPresets', () => {
  it('lab-web: the internet, the isolated containers, 3 published ports × (outside, loopback, host address), and straight to its IP', () => {
    const presets = pathPresets(s, WEB);
    expect(presets.map((p) => p.label)).toEqual([
      'to the internet',
      'to lab-api (netatlas-lab-a)',
      'to lab-api (netatlas-lab-b)',
      'to lab-db (netatlas-lab-a)',
      'to lab-worker (netatlas-lab-b)',
      'from outside to 18080 over IPv6',
      'from the host via [::1]:18080',
      'from the host via [fd00::2]:18080',
      'from outside to 18080',
      'from the host via 127.0.0.1:18080',
      'from the host via 192.0.2.2:18080',
      'from outside to 18081',
      'from the host via 127.0.0.1:18081',
      'from the host via 192.0.2.2:18081',
      'from outside straight to 198.18.0.2:80',
    ]);
    expect(presets.filter((p) => p.group === 'published')).toHaveLength(9);
    expect(presets.filter((p) => p.group === 'same-network')).toHaveLength(0);
    expect(new Set(presets.map((p) => p.id)).size).toBe(presets.length);
  });

  it('builds the queries the simulator expects', () => {
    expect(byLabel(WEB, 'to the internet').query).toEqual({
      from: { kind: 'container', containerId: WEB },
      to: { kind: 'ip', ip: INTERNET_IP, port: 443 },
      protocol: 'tcp',
    });
    expect(byLabel(WEB, 'from outside to 18080').query).toEqual({
      from: { kind: 'outside', ip: OUTSIDE_IPV4, iface: 'eth0' },
      to: { kind: 'ip', ip: '192.0.2.2', port: 18080 },
      protocol: 'tcp',
    });
    expect(byLabel(WEB, 'from outside to 18080 over IPv6').query).toEqual({
      from: { kind: 'outside', ip: OUTSIDE_IPV6, iface: 'eth0' },
      to: { kind: 'ip', ip: 'fd00::2', port: 18080 },
      protocol: 'tcp',
    });
    expect(byLabel(WEB, 'from the host via 127.0.0.1:18081').query).toEqual({
      from: { kind: 'host' },
      to: { kind: 'ip', ip: '127.0.0.1', port: 18081 },
      protocol: 'tcp',
    });
    expect(byLabel(WEB, 'from outside straight to 198.18.0.2:80').query).toEqual({
      from: { kind: 'outside', ip: OUTSIDE_IPV4, iface: 'eth0' },
      to: { kind: 'ip', ip: '198.18.0.2', port: 80 },
      protocol: 'tcp',
    });
    // A target that publishes nothing is probed with ICMP echo, on the address of that network.
    expect(byLabel(API, 'to lab-db (netatlas-lab-a)').query).toEqual({
      from: { kind: 'container', containerId: API },
      to: { kind: 'ip', ip: '198.18.1.3', port: null },
      protocol: 'icmp',
    });
    // One that publishes a port is probed on it.
    expect(byLabel(API, 'to lab-web (bridge)').query.to).toEqual({ kind: 'ip', ip: '198.18.0.2', port: 80 });
  });

  it('lab-api: lab-db on netatlas-lab-a and lab-worker on netatlas-lab-b share a network; lab-web does not; its sidecar is itself', () => {
    const presets = pathPresets(s, API);
    const same = presets.filter((p) => p.group === 'same-network').map((p) => p.label);
    expect(same).toEqual(['to lab-db (netatlas-lab-a)', 'to lab-worker (netatlas-lab-b)']);
    expect(presets.filter((p) => p.group === 'other-network').map((p) => p.label)).toEqual(['to lab-web (bridge)']);
    expect(presets.some((p) => p.label.includes('lab-sidecar'))).toBe(false);
    expect(presets.some((p) => p.group === 'published' || p.group === 'direct')).toBe(false);
  });

  it('lab-db reaches lab-api on their shared network, and lab-api on the other one only through isolation', () => {
    const presets = pathPresets(s, DB);
    expect(presets.find((p) => p.label === 'to lab-api (netatlas-lab-a)')?.group).toBe('same-network');
    expect(presets.find((p) => p.label === 'to lab-api (netatlas-lab-b)')?.group).toBe('other-network');
    expect(presets.find((p) => p.label === 'to lab-worker (netatlas-lab-b)')?.group).toBe('other-network');
  });

  it('a container:X sidecar gets its owner namespace peers, starting from itself', () => {
    const presets = pathPresets(s, SIDECAR);
    expect(presets.filter((p) => p.group === 'same-network').map((p) => p.label)).toEqual(['to lab-db (netatlas-lab-a)', 'to lab-worker (netatlas-lab-b)']);
    expect(presets[0].query.from).toEqual({ kind: 'container', containerId: SIDECAR });
    expect(presets.some((p) => p.label.includes('lab-api'))).toBe(false);
  });

  it('a none-mode container still gets the internet and the others (there is simply no route)', () => {
    const l = labels(NONE);
    expect(l[0]).toBe('to the internet');
    expect(l).toContain('to lab-worker (netatlas-lab-b)');
  });

  it('nothing for unknown or stopped containers', () => {
    expect(pathPresets(s, 'nope')).toEqual([]);
    const stopped: Snapshot = { ...s, docker: { ...s.docker!, containers: s.docker!.containers.map((c) => (c.id === WORKER ? { ...c, state: 'exited' } : c)) } };
    expect(pathPresets(stopped, WORKER)).toEqual([]);
    expect(pathPresets(stopped, API).map((p) => p.label)).not.toContain('to lab-worker (netatlas-lab-b)');
  });
});

describe('queryText', () => {
  it('reads as one line', () => {
    expect(byLabel(WEB, 'from outside to 18080').detail).toBe('198.51.100.7 on eth0 → 192.0.2.2:18080/tcp');
    expect(byLabel(WEB, 'from the host via [::1]:18080').detail).toBe('the host → [::1]:18080/tcp');
    expect(byLabel(API, 'to lab-db (netatlas-lab-a)').detail).toBe('lab-api → 198.18.1.3 (ICMP echo)');
    expect(queryText(s, { from: { kind: 'namespace', namespaceId: 'netns:4026532563' }, to: { kind: 'container', containerId: DB, port: 5432 }, protocol: 'tcp' })).toBe(
      'netns netatlas-demo → lab-db:5432/tcp',
    );
  });
});
