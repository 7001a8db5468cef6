import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSnapshot, type Snapshot } from '@/lib/snapshot/schema';
import { emptyContext, explainContext, forNamespace } from './explain-context';

// `npx netatlas snapshot --json` taken on the running lab (Docker 20.10).
const lab = (): Snapshot =>
  parseSnapshot(JSON.parse(readFileSync(new URL('../snapshot/__fixtures__/lab-snapshot.json', import.meta.url), 'utf8')));

describe('explainContext', () => {
  const s = lab();
  const ctx = explainContext(s);
  const containerId = (name: string) => s.docker!.containers.find((c) => c.name === name)!.id;
  const networkId = (name: string) => s.docker!.networks.find((n) => n.name === name)!.id;

  it('maps each Docker bridge to its network', () => {
    expect([...ctx.bridges.keys()].sort()).toEqual(['br-7bb242862bae', 'br-f0376874e379', 'docker0']);
    expect(ctx.bridges.get('docker0')).toEqual({ networkId: networkId('bridge'), networkName: 'bridge', subnets: ['198.18.0.0/24'], internal: false, icc: true });
    expect(ctx.bridges.get('br-f0376874e379')?.networkName).toBe('netatlas-lab-a');
  });

  it('maps endpoint addresses to containers (both networks of a two-network container)', () => {
    expect(ctx.containersByIp.get('198.18.0.2')).toEqual({ id: containerId('lab-web'), name: 'lab-web' });
    expect(ctx.containersByIp.get('198.18.1.2')?.name).toBe('lab-api');
    expect(ctx.containersByIp.get('198.18.2.2')?.name).toBe('lab-api');
    expect(ctx.containersByIp.size).toBe(5);
  });

  it("maps an address only the namespace shows (a swarm task's docker_gwbridge leg) to the namespace's owner", () => {
    const t = lab();
    const web = t.docker!.containers.find((c) => c.name === 'lab-web')!;
    const eth = t.namespaces.find((n) => n.id === web.namespaceId)!.interfaces.find((i) => i.kind !== 'loopback')!;
    eth.addresses.push({ family: 'inet', address: '198.18.61.3', prefixlen: 24, scope: 'global' });
    const c = explainContext(t);
    expect(c.containersByIp.get('198.18.61.3')).toEqual({ id: web.id, name: 'lab-web' });
    // Endpoint addresses keep their owner; loopback and link-local addresses name nobody.
    expect(c.containersByIp.get('198.18.0.2')?.name).toBe('lab-web');
    expect(c.containersByIp.has('127.0.0.1')).toBe(false);
  });

  it('maps subnets to networks, and records published ports', () => {
    expect(ctx.networksBySubnet.get('198.18.2.0/24')).toEqual({ id: networkId('netatlas-lab-b'), name: 'netatlas-lab-b', bridge: 'br-7bb242862bae' });
    expect(ctx.networksBySubnet.size).toBe(3);
    expect(ctx.publishedPorts?.get(containerId('lab-web'))?.map((p) => `${p.hostIp}:${p.hostPort}->${p.containerPort}/${p.protocol}`)).toEqual([
      ':::18080->80/tcp',
      '0.0.0.0:18080->80/tcp',
      '127.0.0.1:18081->80/tcp',
    ]);
  });

  it('knows nothing without Docker', () => {
    const none = explainContext({ ...s, docker: null });
    expect(none.bridges.size + none.containersByIp.size + none.networksBySubnet.size).toBe(0);
    expect(emptyContext()).toEqual({ bridges: new Map(), containersByIp: new Map(), networksBySubnet: new Map() });
  });

  it('can be told which namespace is explained', () => {
    const ns = s.namespaces.find((n) => n.kind === 'container')!;
    const scoped = forNamespace(ctx, ns);
    expect(scoped.namespace).toEqual({ kind: 'container', name: ns.name });
    expect(scoped.bridges).toBe(ctx.bridges);
    expect(ctx.namespace).toBeUndefined();
  });
});
