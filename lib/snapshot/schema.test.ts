import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { interfaceId, namespaceId, parseSnapshot, SCHEMA_VERSION, SnapshotFormatError } from './schema';

// `npx netatlas snapshot --json` taken on the running lab.
const raw = readFileSync(new URL('./__fixtures__/lab-snapshot.json', import.meta.url), 'utf8');
const lab = () => JSON.parse(raw) as Record<string, any>;

/** The SnapshotFormatError parseSnapshot throws for `data`. */
function rejection(data: unknown): SnapshotFormatError {
  try {
    parseSnapshot(data);
  } catch (e) {
    expect(e).toBeInstanceOf(SnapshotFormatError);
    return e as SnapshotFormatError;
  }
  throw new Error('parseSnapshot accepted it');
}

describe('parseSnapshot', () => {
  it('accepts the lab snapshot unchanged', () => {
    const s = parseSnapshot(lab());
    expect(s).toEqual(lab());
    expect(s.schemaVersion).toBe(SCHEMA_VERSION);
    expect(s.namespaces.find((n) => n.kind === 'host')?.interfaces.map((i) => i.name)).toContain('docker0');
    expect(s.docker?.containers.map((c) => c.name)).toContain('lab-web');
  });

  it('never holds the lab secret', () => {
    expect(raw).not.toContain('NETATLAS_LAB_SECRET');
    expect(raw).not.toContain('must-never-be-collected');
  });

  it('accepts a snapshot taken while Docker was unreachable', () => {
    const s = lab();
    s.docker = null;
    s.dockerProxies = [];
    expect(parseSnapshot(s).docker).toBeNull();
  });

  it.each([null, undefined, 'snapshot', 42, true])('rejects %s: not an object', (data) => {
    const e = rejection(data);
    expect(e.message).toBe('not a snapshot: expected a JSON object');
    expect(e.issues).toEqual([]);
  });

  it('rejects an object without schemaVersion', () => {
    const s = lab();
    delete s.schemaVersion;
    expect(rejection(s).message).toBe('not a snapshot: it has no schemaVersion');
    expect(rejection([]).message).toBe('not a snapshot: it has no schemaVersion');
  });

  it('rejects another schema version, naming both versions', () => {
    const s = lab();
    s.schemaVersion = 99;
    expect(rejection(s).message).toBe(`unsupported snapshot schemaVersion 99 (this netatlas reads version ${SCHEMA_VERSION})`);
    s.schemaVersion = '1';
    expect(rejection(s).message).toContain('schemaVersion "1"');
  });

  it('names the path of a wrong type deep inside', () => {
    const s = lab();
    s.namespaces[0].interfaces[1].mtu = '1500';
    const e = rejection(s);
    expect(e.message).toMatch(/^invalid snapshot: 1 problem\(s\), first: namespaces\.0\.interfaces\.1\.mtu: /);
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]).toMatch(/^namespaces\.0\.interfaces\.1\.mtu: .*number/);
  });

  it('names missing fields and bad enum values, each with its path', () => {
    const s = lab();
    delete s.host.hostname;
    s.namespaces[0].interfaces[0].kind = 'hyperdrive';
    s.docker.containers[0].ports = [{ containerPort: 80, protocol: 'icmp', hostIp: '0.0.0.0', hostPort: 80 }];
    const e = rejection(s);
    expect(e.message).toMatch(/^invalid snapshot: 3 problem\(s\)/);
    const paths = e.issues.map((i) => i.split(': ')[0]);
    expect(paths).toEqual(['host.hostname', 'namespaces.0.interfaces.0.kind', 'docker.containers.0.ports.0.protocol']);
  });

  it('keeps at most 20 issues', () => {
    const s = lab();
    for (const n of s.namespaces) for (const i of n.interfaces) i.ifindex = 'x';
    const count = s.namespaces.reduce((a: number, n: { interfaces: unknown[] }) => a + n.interfaces.length, 0);
    expect(count).toBeGreaterThan(20);
    const e = rejection(s);
    expect(e.issues).toHaveLength(20);
    expect(e.message).toMatch(/^invalid snapshot: 20 problem\(s\), first: namespaces\.0\.interfaces\.0\.ifindex: /);
  });

  it('reports a missing top-level field at its name', () => {
    const s = lab();
    delete s.namespaces;
    expect(rejection(s).issues[0]).toMatch(/^namespaces: /);
  });
});

describe('ids', () => {
  it('builds namespace and interface ids', () => {
    expect(namespaceId(4026531833)).toBe('netns:4026531833');
    expect(interfaceId('netns:4026531833', 5)).toBe('netns:4026531833/if5');
  });
});
