import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeEnvelope } from '../../lib/share/envelope';
import { gzip } from '../../lib/share/gzip';
import { loadSnapshotFile, writeExport } from './snapshot-file';

const labText = readFileSync(new URL('../../lib/snapshot/__fixtures__/lab-snapshot.json', import.meta.url), 'utf8');

describe('snapshot files on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netatlas-share-'));

  it('exports are written 0600, also over an existing wider file, and leave no temp file', async () => {
    const path = join(dir, 'a.netatlas.json.gz');
    writeFileSync(path, 'old', { mode: 0o644 });
    await writeExport(path, await gzip(JSON.stringify(await makeEnvelope(JSON.parse(labText)))));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['a.netatlas.json.gz']);
    const r = await loadSnapshotFile(path);
    expect(r.ok && r.snapshot.docker!.containers.length).toBe(JSON.parse(labText).docker.containers.length);
  });

  it('a missing file and a bad one give messages that name the file', async () => {
    expect(await loadSnapshotFile(join(dir, 'missing.json'))).toMatchObject({ ok: false, error: expect.stringMatching(/^cannot read .*missing\.json/) });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"schemaVersion": 7}');
    expect(await loadSnapshotFile(bad)).toEqual({ ok: false, error: `${bad}: made by a newer netatlas: schemaVersion 7 > 1; upgrade netatlas to open it` });
  });
});
