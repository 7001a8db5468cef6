import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { containerName, hostPort, namespaceContainers, namespaceLabel, networkOfBridge, receiverLabel, shortId } from './names';
import { parseSnapshot } from './schema';

const s = parseSnapshot(JSON.parse(readFileSync(new URL('./__fixtures__/lab-snapshot.json', import.meta.url), 'utf8')));
const ctr = (name: string) => s.docker!.containers.find((c) => c.name === name)!;
const nsOf = (name: string) => ctr(name).namespaceId!;
const host = s.namespaces.find((n) => n.kind === 'host')!;
const demo = s.namespaces.find((n) => n.kind === 'named' && n.name === 'netatlas-demo')!;

describe('object names', () => {
  it('namespaces by who lives there: the host, containers owner first joined by " + ", netns NAME, netns INODE', () => {
    expect(namespaceLabel(s, host.id)).toBe('the host');
    expect(namespaceLabel(s, nsOf('lab-api'))).toBe('lab-api + lab-sidecar');
    expect(namespaceLabel(s, nsOf('lab-web'))).toBe('lab-web');
    expect(namespaceLabel(s, demo.id)).toBe('netns netatlas-demo');
    const bare = { ...s, namespaces: s.namespaces.map((n) => (n.id === demo.id ? { ...n, kind: 'other' as const, name: null } : n)) };
    expect(namespaceLabel(bare, demo.id)).toBe(`netns ${demo.inode}`);
    expect(namespaceLabel(s, 'netns:1')).toBe('netns:1');
    expect(namespaceContainers(s, nsOf('lab-api')).map((c) => c.name)).toEqual(['lab-api', 'lab-sidecar']);
  });
  it('receivers: the containers, else the namespace', () => {
    expect(receiverLabel(s, nsOf('lab-api'), [ctr('lab-api').id, ctr('lab-sidecar').id])).toBe('lab-api + lab-sidecar');
    expect(receiverLabel(s, host.id, [])).toBe('the host');
  });
  it('containers by name, else the short id', () => {
    expect(containerName(s, ctr('lab-db').id)).toBe('lab-db');
    expect(containerName(s, 'f'.repeat(64))).toBe('f'.repeat(12));
    expect(shortId(ctr('lab-db').id)).toBe(ctr('lab-db').id.slice(0, 12));
  });
  it('host:port with IPv6 in brackets; the bare address without a port', () => {
    expect(hostPort('198.18.1.3', 80)).toBe('198.18.1.3:80');
    expect(hostPort('fd00::2', 18080)).toBe('[fd00::2]:18080');
    expect(hostPort('::', 80)).toBe('[::]:80');
    expect(hostPort('fd00::2', null)).toBe('fd00::2');
  });
  it('the network of a bridge', () => {
    expect(networkOfBridge(s, 'docker0')?.name).toBe('bridge');
    const labA = s.docker!.networks.find((n) => n.name === 'netatlas-lab-a')!;
    expect(networkOfBridge(s, labA.bridge!)?.id).toBe(labA.id);
    expect(networkOfBridge(s, 'eth0')).toBeNull();
  });
});
