import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TraceResult } from '../../lib/sim/types';

// `netatlas trace` on the live lab, on a saved snapshot, and in batch. Ids come from docker inspect (ground truth);
// whether the simulator's verdicts match the kernel is server/paths/matrix.int.test.ts's business.

const root = join(import.meta.dirname, '../..');
const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/netatlas.mjs', 'trace', ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
const idOf = (name: string) => execFileSync('docker', ['inspect', '-f', '{{.Id}}', name], { encoding: 'utf8' }).trim();
const ok = (r: ReturnType<typeof cli>) => {
  expect(r.stderr.replace(/^npm warn.*\n/gm, '')).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
};

let dir: string;
let snapshotFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'netatlas-trace-'));
  snapshotFile = join(dir, 'snapshot.json');
  execFileSync(process.execPath, ['bin/netatlas.mjs', 'snapshot', '--out', snapshotFile], { cwd: root, stdio: 'ignore' });
});

describe('netatlas trace', () => {
  it('live, --json: resolves container names to ids and prints the TraceResult', () => {
    const r = JSON.parse(ok(cli('--from', 'lab-api', '--to', 'lab-db:80', '--json'))) as TraceResult;
    expect(r.query).toEqual({
      from: { kind: 'container', containerId: idOf('lab-api') },
      to: { kind: 'container', containerId: idOf('lab-db'), port: 80 },
      protocol: 'tcp',
    });
    expect(r.outcome).toMatchObject({ result: 'delivered', containerIds: [idOf('lab-db')], port: 80 });
    expect(r.steps.length).toBeGreaterThan(0);
    expect(r.summary.length).toBeGreaterThan(0);
  });

  it('live, text: the summary, numbered steps with rule positions and verdicts, and the outcome', () => {
    const out = ok(cli('--from', 'lab-worker', '--to', '198.19.255.2:80'));
    expect(out).toMatch(/^trace: lab-worker \(container\) → 198\.19\.255\.2:80\/tcp\n/);
    expect(out).toMatch(/\nsteps.*:\n +1\. /);
    // The lab's DOCKER-USER rule decides this one: its step names hook, table/chain, index and verdict.
    expect(out).toMatch(/rule +the host FORWARD filter\/DOCKER-USER #\d+ \[match\] .*netatlas-lab.*DROP/);
    expect(out).toMatch(/\noutcome: DROPPED in the host by filter\/DOCKER-USER #\d+: .*netatlas-lab/);
  });

  it('--verbose also lists the rules that did not match', () => {
    const args = ['--snapshot', snapshotFile, '--from', 'lab-noicc1', '--to', 'lab-noicc2:80'];
    const noMatch = (r: TraceResult) => r.steps.filter((x) => x.type === 'rule' && x.verdict === 'no-match').length;
    expect(noMatch(JSON.parse(ok(cli(...args, '--json'))) as TraceResult)).toBe(0);
    expect(noMatch(JSON.parse(ok(cli(...args, '--json', '--verbose'))) as TraceResult)).toBeGreaterThan(0);
    expect(ok(cli(...args, '--verbose'))).toMatch(/\[no-match\]/);
    expect(ok(cli(...args))).not.toMatch(/\[no-match\]/);
  });

  it('resolves host, an ip netns name, a plain IP (its owner) and IP@iface (a client outside)', () => {
    const q = (from: string, to: string) => (JSON.parse(ok(cli('--from', from, '--to', to, '--json'))) as TraceResult).query;
    const demoNs = `netns:${execFileSync('stat', ['-L', '-c', '%i', '/var/run/netns/netatlas-demo'], { encoding: 'utf8' }).trim()}`;
    expect(q('host', '127.0.0.1:18081')).toEqual({ from: { kind: 'host' }, to: { kind: 'ip', ip: '127.0.0.1', port: 18081 }, protocol: 'tcp' });
    expect(q('netatlas-demo', '198.19.255.1:18080/tcp').from).toEqual({ kind: 'namespace', namespaceId: demoNs });
    expect(q('198.19.255.2', 'lab-web').from).toEqual({ kind: 'namespace', namespaceId: demoNs });
    const dbIp = execFileSync('docker', ['inspect', '-f', '{{(index .NetworkSettings.Networks "netatlas-lab-a").IPAddress}}', 'lab-db'], { encoding: 'utf8' }).trim();
    expect(q(dbIp, 'lab-web:80').from).toEqual({ kind: 'container', containerId: idOf('lab-db') });
    expect(q('198.19.255.2@na-demo-h', '198.19.255.1:18080').from).toEqual({ kind: 'outside', ip: '198.19.255.2', iface: 'na-demo-h' });
    expect(q('lab-web', 'lab-db/icmp')).toMatchObject({ to: { kind: 'container', containerId: idOf('lab-db'), port: null }, protocol: 'icmp' });
  });

  it('--snapshot: answers from a saved snapshot as it does live', () => {
    for (const [from, to] of [['lab-api', 'lab-db:80'], ['host', '127.0.0.1:18081'], ['netatlas-demo', '198.19.255.1:18080'], ['lab-noicc1', 'lab-noicc2:80']]) {
      const saved = JSON.parse(ok(cli('--snapshot', snapshotFile, '--from', from, '--to', to, '--json'))) as TraceResult;
      const live = JSON.parse(ok(cli('--from', from, '--to', to, '--json'))) as TraceResult;
      expect(saved.query, `${from} → ${to}`).toEqual(live.query);
      expect(saved.outcome, `${from} → ${to}`).toEqual(live.outcome);
    }
  });

  it('--batch: one JSON line per query against one snapshot; bad lines answer an error and exit 2', () => {
    const batch = join(dir, 'queries.jsonl');
    const queries = [
      { from: 'lab-api', to: 'lab-db:80' },
      { from: 'host', to: '127.0.0.1:18081' },
      { from: 'no-such-container', to: 'lab-db:80' },
      { from: 'lab-web', to: '198.19.255.2:80' },
    ];
    writeFileSync(batch, queries.map((q) => JSON.stringify(q)).join('\n') + '\n\n{"from": "lab-web"}\n');
    const r = cli('--snapshot', snapshotFile, '--batch', batch);
    expect(r.status).toBe(2);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as TraceResult & { line?: number; error?: string });
    expect(lines).toHaveLength(5);
    expect(lines[2]).toEqual({ line: 3, error: expect.stringMatching(/--from 'no-such-container': Unknown source "no-such-container"/) });
    expect(lines[4]).toEqual({ line: 6, error: expect.stringMatching(/"from" and "to" must both be strings/) });
    expect(r.stderr).toMatch(/queries\.jsonl:3: --from 'no-such-container': Unknown source/);
    for (const i of [0, 1, 3]) {
      const single = JSON.parse(ok(cli('--snapshot', snapshotFile, '--from', queries[i].from, '--to', queries[i].to, '--json')));
      expect(lines[i]).toEqual(single);
    }
    // All good: exit 0, live.
    writeFileSync(batch, queries.filter((_, i) => i !== 2).map((q) => JSON.stringify(q)).join('\n'));
    const good = cli('--batch', batch);
    expect(good.status).toBe(0);
    expect(good.stdout.trim().split('\n').map((l) => (JSON.parse(l) as TraceResult).query.protocol)).toEqual(['tcp', 'tcp', 'tcp']);
  });

  it('exits 2 with a clear message on unknown names and malformed queries, 1 on an unreadable snapshot', () => {
    const cases: [string[], RegExp][] = [
      [['--from', 'lab-nope', '--to', 'lab-db'], /--from 'lab-nope': Unknown source "lab-nope".*\(containers: .*lab-db/],
      [['--from', 'lab-api', '--to', 'lab-nope:80'], /--to 'lab-nope:80': Unknown destination "lab-nope"/],
      [['--from', 'lab-api', '--to', 'lab-db:99999'], /--to 'lab-db:99999': Port 99999 is out of range/],
      [['--from', 'lab-api', '--to', 'lab-db:80/sctp'], /--to 'lab-db:80\/sctp': Unknown protocol "sctp"/],
      [['--from', 'lab-api', '--to', 'lab-db:80/icmp'], /--to 'lab-db:80\/icmp': ICMP has no ports/],
      [['--from', '198.19.255.2@no-such-if', '--to', 'lab-db'], /--from '198.19.255.2@no-such-if': The host has no interface named no-such-if \(it has .*lo/],
      [['--from', 'lab-api', '--to', 'netatlas-demo:80'], /--to 'netatlas-demo:80': "netatlas-demo" is a namespace: give one of its addresses \(198\.19\.255\.2/],
      [['--from', 'lab-api'], /needs --from and --to/],
    ];
    for (const [args, message] of cases) {
      const r = cli('--snapshot', snapshotFile, ...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"schemaVersion": 99}');
    const r = cli('--snapshot', bad, '--from', 'host', '--to', '127.0.0.1');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/made by a newer netatlas: schemaVersion 99 > 1/);
    expect(cli('--snapshot', join(dir, 'missing.json'), '--from', 'host', '--to', '127.0.0.1').stderr).toMatch(/cannot read/);
  });
});
