import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSnapshotFile } from '../../lib/share/envelope';
import { embeddedSnapshotBytes } from '../../lib/share/html';

// `netatlas snapshot --snapshot FILE --out …` on the saved lab snapshot: file in, files out, no host needed.

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = join(root, 'lib/snapshot/__fixtures__/lab-snapshot.json');
const cli = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/netatlas.mjs'), 'snapshot', '--snapshot', fixture, ...args], { encoding: 'utf8' });

describe('netatlas snapshot --out', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netatlas-cli-share-'));

  it('writes each format by its ending, 0600, readable again; --redact applies and is recorded', async () => {
    for (const name of ['a.json', 'a.netatlas.json.gz', 'a.html', 'a.svg']) {
      const r = cli('--out', join(dir, name), '--redact', 'names,addresses');
      expect(r.status, r.stderr).toBe(0);
      expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
    }
    const html = readFileSync(join(dir, 'a.html'), 'utf8');
    const data = embeddedSnapshotBytes(/id="netatlas-snapshot">([^<]*)</.exec(html)![1])!;
    for (const input of [readFileSync(join(dir, 'a.json')), readFileSync(join(dir, 'a.netatlas.json.gz')), data]) {
      const r = await readSnapshotFile(new Uint8Array(input));
      if (!r.ok) throw new Error(r.error);
      expect(r.envelope?.redaction.applied).toEqual(['names', 'addresses']);
      expect(JSON.stringify(r.snapshot)).not.toContain('"lab-web"');
    }
    const svg = readFileSync(join(dir, 'a.svg'), 'utf8');
    expect(svg).toContain('container-1');
    expect(svg).not.toContain('lab-web');
  }, 180_000);

  it('--redact-preview prints what would leave; bad options and endings exit 2', () => {
    const preview = execFileSync(process.execPath, [join(root, 'bin/netatlas.mjs'), 'snapshot', '--redact-preview', '--redact', 'macs'], { encoding: 'utf8' });
    expect(preview).toMatch(/redacted: MAC addresses/);
    expect(preview).toMatch(/kept: IP addresses/);
    expect(cli('--out', join(dir, 'x.txt')).stderr).toMatch(/cannot tell the format of .*x\.txt/);
    expect(cli('--out', join(dir, 'x.json'), '--redact', 'secrets').status).toBe(2);
  }, 60_000);
});
