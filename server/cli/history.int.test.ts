import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { labSnapshot } from '../../lib/history/corpus.test-helper';
import { removeContainer } from '../../lib/topology/synthetic';
import { openSqliteHistory } from '../history/sqlite-store';

// `netatlas history`, `snapshot --at/--save/--list/--delete` and `--snapshot REF` on rules and trace, against a
// real store in a temporary data directory (and the live lab for saving "live").

const root = join(import.meta.dirname, '../..');
const data = mkdtempSync(join(tmpdir(), 'netatlas-cli-history-'));
const cli = (args: string[], cwd = root) =>
  spawnSync(process.execPath, [join(root, 'bin/netatlas.mjs'), ...args, '--data', data], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });

// Two recorded moments: the lab as collected, then without lab-db.
const before = labSnapshot();
before.host.collectedAt = '2026-01-10T10:00:00.000Z';
const after = structuredClone(before);
removeContainer(after, 'lab-db');
after.host.collectedAt = '2026-01-10T10:05:00.000Z';
{
  const opened = openSqliteHistory(data);
  if (!opened.ok) throw new Error(opened.reason);
  opened.store.appendSync(before);
  opened.store.appendSync(after);
  opened.store.close();
}

describe('netatlas history and snapshot references', () => {
  it('prints the change log since a time, as text and JSON', () => {
    const text = cli(['history', '--since', '2026-01-10T09:00Z']);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/2026-01-10T10:05:00.000Z {2}container removed {2}lab-db/);
    const json = JSON.parse(cli(['history', '--since', '2026-01-10T09:00Z', '--json']).stdout) as { kind: string; action: string; subject: string }[];
    expect(json).toContainEqual(expect.objectContaining({ kind: 'container', action: 'removed', subject: 'lab-db' }));
    expect(cli(['history', '--since', 'yesterday']).status).toBe(2);
  });

  it('--stats prints what the store holds and its retention', () => {
    const r = cli(['history', '--stats']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/revisions {4}2 \(1 keyframes, 2 with structural changes\)/);
    expect(r.stdout).toContain('every change for 7 d, then one keyframe per 1 h to 90 d');
  });

  it('snapshot --at a time rebuilds the host as it was then', () => {
    const at = (t: string) => JSON.parse(cli(['snapshot', '--at', t, '--json']).stdout) as typeof before;
    expect(at('2026-01-10T10:02:00Z').docker!.containers.some((c) => c.name === 'lab-db')).toBe(true);
    expect(at('2026-01-10T10:06:00Z').docker!.containers.some((c) => c.name === 'lab-db')).toBe(false);
    const early = cli(['snapshot', '--at', '2026-01-10T09:00:00Z']);
    expect(early.status).toBe(1);
    expect(early.stderr).toContain('history starts after');
  });

  it('saves, lists, uses and deletes a named snapshot; rules and trace read it by name', () => {
    const saved = cli(['snapshot', '--save', 'pre-deploy', '--note', 'before the deploy', '--at', '2026-01-10T10:01Z']);
    expect(saved.status, saved.stderr).toBe(0);
    expect(cli(['snapshot', '--list']).stdout).toMatch(/^pre-deploy .* before the deploy$/m);
    expect(cli(['snapshot', '--save', 'pre-deploy']).stderr).toContain('exists already');
    expect(cli(['snapshot', '--save', 'live']).stderr).toContain('reserved');

    const rules = cli(['rules', '--snapshot', 'pre-deploy', '--json']);
    expect(rules.status, rules.stderr).toBe(0);
    expect(rules.stdout).toContain('published-port-dnat');
    const trace = cli(['trace', '--snapshot', 'pre-deploy', '--from', 'lab-api', '--to', 'lab-db:5432', '--json']);
    expect(trace.status, trace.stderr).toBe(0);
    expect(JSON.parse(trace.stdout)).toHaveProperty('outcome');

    expect(cli(['snapshot', '--delete', 'pre-deploy']).status).toBe(0);
    expect(cli(['snapshot', '--delete', 'pre-deploy']).status).toBe(1);
  });

  it('reads .json and .json.gz files, and refuses a word that is both a file and a saved name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netatlas-cli-ref-'));
    writeFileSync(join(dir, 'lab.json.gz'), gzipSync(JSON.stringify(before)));
    writeFileSync(join(dir, 'lab.json'), JSON.stringify(after));
    const gz = cli(['snapshot', '--at', 'lab.json.gz', '--json'], dir);
    expect(gz.status, gz.stderr).toBe(0);
    expect((JSON.parse(gz.stdout) as typeof before).docker!.containers.length).toBe(before.docker!.containers.length);
    expect(cli(['rules', '--snapshot', 'lab.json', '--json'], dir).status).toBe(0);

    expect(cli(['snapshot', '--save', 'both', '--at', 'lab.json'], dir).status).toBe(0);
    writeFileSync(join(dir, 'both'), JSON.stringify(after));
    const ambiguous = cli(['rules', '--snapshot', 'both'], dir);
    expect(ambiguous.status).toBe(1);
    expect(ambiguous.stderr).toContain("'both' is both a saved snapshot and a file here; write name:both");
    expect(cli(['rules', '--snapshot', 'name:both', '--json'], dir).status).toBe(0);
    expect(cli(['rules', '--snapshot', './both', '--json'], dir).status).toBe(0);
    writeFileSync(join(dir, 'broken.json'), '{"schemaVersion": 1');
    expect(cli(['rules', '--snapshot', 'broken.json'], dir).stderr).toMatch(/broken\.json: not a snapshot: not valid JSON/);
  });
});
