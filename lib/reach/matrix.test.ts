import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSnapshot, type Snapshot } from '../snapshot/schema';
import { tracePath } from '../sim/trace';
import { cellOf, reachMatrix, reachSources, reachTargets } from './matrix';

const raw = readFileSync(new URL('../snapshot/__fixtures__/lab-snapshot.json', import.meta.url), 'utf8');
const lab = (): Snapshot => parseSnapshot(JSON.parse(raw));

describe('reachability matrix on the lab', () => {
  const s = lab();
  const m = reachMatrix(s);
  const row = (label: string) => m.sources.findIndex((x) => x.label === label);
  const col = (label: string) => m.targets.findIndex((x) => x.label === label);
  const cell = (src: string, t: string) => {
    const [i, j] = [row(src), col(t)];
    expect(i, src).toBeGreaterThanOrEqual(0);
    expect(j, t).toBeGreaterThanOrEqual(0);
    return m.cells[i][j];
  };

  it('has one row per container namespace (a sidecar shares its owner\'s), the host and a client outside', () => {
    expect(m.sources.map((x) => x.label)).toEqual(['lab-api + lab-sidecar', 'lab-db', 'lab-none', 'lab-web', 'lab-worker', 'host', 'outside (203.0.113.7)']);
  });

  it('has the published ports at the container and via the host\'s address and loopback, and an address outside', () => {
    expect(m.targets.map((t) => t.label)).toEqual([
      'lab-web:80', '192.0.2.2:18080 → lab-web', '127.0.0.1:18080 → lab-web', '127.0.0.1:18081 → lab-web', 'outside 198.51.100.7:443',
    ]);
  });

  it('says delivered, or dropped naming the isolation rule, as the simulator does', () => {
    const across = cell('lab-api + lab-sidecar', 'lab-web:80')!;
    expect(across.verdict).toBe('dropped');
    expect(across.rule?.chain).toBe('DOCKER-ISOLATION-STAGE-2');
    expect(across.why).toContain('DOCKER-ISOLATION-STAGE-2');
    expect(across.why).toContain('isolated');
    expect(cell('lab-web', 'lab-web:80')!.verdict).toBe('delivered');
    expect(cell('host', '127.0.0.1:18081 → lab-web')!.verdict).toBe('delivered');
    expect(cell('outside (203.0.113.7)', '192.0.2.2:18080 → lab-web')!.verdict).toBe('delivered');
  });

  it('leaves loopback targets empty from anywhere but the host', () => {
    for (const src of m.sources) expect(cell(src.label, '127.0.0.1:18081 → lab-web') === null).toBe(!src.hostNamespace);
  });

  it('every cell is the simulator\'s answer for its query', () => {
    m.cells.flat().forEach((c) => {
      if (!c) return;
      const again = cellOf(tracePath(s, c.query));
      expect(again.verdict).toBe(c.verdict);
      expect(again.why).toBe(c.why);
    });
  });

  it('takes targets from listening sockets when the snapshot has them', () => {
    const t = lab();
    const db = t.docker!.containers.find((c) => c.name === 'lab-db')!;
    const ns = t.namespaces.find((n) => n.id === db.namespaceId)!;
    ns.listeners = [{ protocol: 'tcp', family: 'inet', address: '0.0.0.0', port: 5432, inode: 1, processes: [{ pid: 7, comm: 'postgres' }] }];
    const labels = reachTargets(t).map((x) => x.label);
    expect(labels).toContain('lab-db:5432');
    expect(reachSources(t).length).toBe(m.sources.length);
  });
});

describe('cellOf for a port nothing listens on', () => {
  it('is refused, not dropped, with the reason the simulator gave', () => {
    const query = { from: { kind: 'host' as const }, to: { kind: 'ip' as const, ip: '198.18.0.2', port: 81 }, protocol: 'tcp' as const };
    const outcome = { result: 'refused' as const, namespaceId: 'netns:1', containerIds: [], destination: '198.18.0.2:81', seenSource: '198.18.0.1', why: 'nothing listens on tcp port 81', nearby: [] };
    const cell = cellOf({ query, outcome, steps: [] } as unknown as Parameters<typeof cellOf>[0]);
    expect(cell.verdict).toBe('refused');
    expect(cell.why).toContain('nothing listens on tcp port 81');
    expect(cell.rule).toBeNull();
  });
});
