import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `netatlas diff before.json live --fail-on reachability` against the real lab: a snapshot to a file, a real
// change (a container disconnected from the network its peer reaches it on), the diff names the broken flow and
// exits 1; the change undone, it exits 0. Everything made here is labelled netatlas.lab=1 and removed in afterAll.

const root = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'netatlas-diff-'));
const before = join(dir, 'before.json');
const NET = 'netatlas-i16-it';
const SERVER = 'i16-it-server';
const PEER = 'i16-it-peer';
const SERVER_IP = '198.18.164.11';
const IMAGE = 'netatlas-lab/busybox:1';
const FLOW = `${PEER} → ${SERVER}@${NET}:80/tcp`;

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const quiet = (...args: string[]) => spawnSync('docker', args, { encoding: 'utf8' });
const cli = (args: string[]) =>
  spawnSync(process.execPath, [join(root, 'bin/netatlas.mjs'), ...args, '--data', dir], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });

function cleanUp() {
  quiet('rm', '-f', SERVER, PEER);
  quiet('network', 'rm', NET);
}

beforeAll(() => {
  cleanUp();
  execFileSync('bash', [join(root, 'e2e/lab/lab.sh'), 'up'], { stdio: 'ignore' }); // the image
  docker('network', 'create', '--label', 'netatlas.lab=1', '--subnet', '198.18.164.0/24', NET);
  docker('run', '-d', '--name', SERVER, '--label', 'netatlas.lab=1', '--network', NET, '--ip', SERVER_IP, IMAGE);
  docker('run', '-d', '--name', PEER, '--label', 'netatlas.lab=1', '--network', NET, '--ip', '198.18.164.12', IMAGE);
});

afterAll(cleanUp);

describe('netatlas diff against the live lab', () => {
  it('names the flow a real change broke and exits 1; exits 0 once the change is undone', { timeout: 600_000 }, () => {
    const snap = cli(['snapshot', '--out', before]);
    expect(snap.status, snap.stderr).toBe(0);

    docker('network', 'disconnect', NET, SERVER);
    try {
      const broken = cli(['diff', before, 'live', '--fail-on', 'reachability']);
      expect(broken.status, broken.stderr).toBe(1);
      expect(broken.stdout).toContain(`BROKEN  ${FLOW}`);
      expect(broken.stdout).toContain(`endpoint removed: ${SERVER} on ${NET}`);
      expect(broken.stdout).toContain('failing: there are reachability changes (--fail-on reachability)');

      const json = JSON.parse(cli(['diff', before, 'live', '--json', '--only', SERVER]).stdout) as {
        failed: boolean;
        reachability: { changes: { key: string; kind: string; before: { verdict: string } | null; after: unknown }[] };
        changes: { kind: string; action: string; subject: string }[];
      };
      expect(json.reachability.changes).toContainEqual(expect.objectContaining({ key: FLOW, kind: 'broken', before: expect.objectContaining({ verdict: 'delivered' }), after: null }));
      expect(json.changes).toContainEqual(expect.objectContaining({ kind: 'endpoint', action: 'removed', subject: `${SERVER} on ${NET}` }));
    } finally {
      docker('network', 'connect', '--ip', SERVER_IP, NET, SERVER);
    }

    // Others change this shared host too (their tests' containers come and go): the "nothing broke" answer is for
    // what this test changed. The unscoped run above already showed the broken flow is found among everything.
    const undone = cli(['diff', before, 'live', '--fail-on', 'reachability', '--only', `${SERVER},${PEER},${NET}`]);
    expect(undone.status, undone.stdout + undone.stderr).toBe(0);
    expect(undone.stdout).not.toContain('BROKEN');
    expect(undone.stdout).toMatch(/Reachability: 0 broken, 0 opened/);
  });

  it('says why when a reference cannot be loaded, with exit 2 (not 1, which means "it changed")', () => {
    const r = cli(['diff', join(dir, 'missing.json'), 'live']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('netatlas diff: A: cannot read');
    expect(cli(['diff', before]).status).toBe(2);
    expect(cli(['diff', before, before, '--fail-on', 'everything']).stderr).toContain('--fail-on takes reachability, structure, rules');
  });
});
