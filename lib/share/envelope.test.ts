import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../snapshot/schema';
import { ENVELOPE_VERSION, jsonDepthExceeds, makeEnvelope, readSnapshotFile } from './envelope';
import { gzip } from './gzip';
import { migrateSnapshot } from './migrations';

const labText = readFileSync(new URL('../snapshot/__fixtures__/lab-snapshot.json', import.meta.url), 'utf8');
const lab = () => JSON.parse(labText);

async function expectError(input: Uint8Array | string, pattern: RegExp, opts = {}) {
  const r = await readSnapshotFile(input, opts);
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.error).toMatch(pattern);
}

describe('readSnapshotFile', () => {
  it('reads a bare schemaVersion-1 snapshot (what snapshot --out wrote) as text and as bytes', async () => {
    for (const input of [labText, new TextEncoder().encode(labText)]) {
      const r = await readSnapshotFile(input);
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      expect(r.envelope).toBeNull();
      expect(r.snapshot.docker?.containers.map((c) => c.name)).toEqual(lab().docker.containers.map((c: { name: string }) => c.name));
    }
  });

  it('round-trips an envelope, plain and gzip, with its header', async () => {
    const env = await makeEnvelope(lab());
    expect(env.host.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    const text = JSON.stringify(env);
    const zipped = await gzip(text);
    expect([zipped[0], zipped[1]]).toEqual([0x1f, 0x8b]);
    for (const input of [text, zipped]) {
      const r = await readSnapshotFile(input);
      if (!r.ok) throw new Error(r.error);
      expect(r.envelope).toMatchObject({ format: 'netatlas-snapshot', envelopeVersion: ENVELOPE_VERSION, host: env.host, capturedAt: lab().host.collectedAt });
      expect(r.snapshot).toEqual(lab());
    }
  });

  it('the fingerprint follows the state, not the collection time', async () => {
    const a = await makeEnvelope(lab());
    const later = lab();
    later.host.collectedAt = '2030-01-01T00:00:00Z';
    expect((await makeEnvelope(later)).host.fingerprint).toBe(a.host.fingerprint);
    later.docker.containers.pop();
    expect((await makeEnvelope(later)).host.fingerprint).not.toBe(a.host.fingerprint);
  });

  it('refuses newer versions with a message that names them', async () => {
    await expectError(JSON.stringify({ ...lab(), schemaVersion: SCHEMA_VERSION + 2 }), new RegExp(`newer netatlas: schemaVersion ${SCHEMA_VERSION + 2} > ${SCHEMA_VERSION}`));
    const env = await makeEnvelope(lab());
    await expectError(JSON.stringify({ ...env, envelopeVersion: 9 }), /newer netatlas: envelopeVersion 9 > 1/);
  });

  it('drops fields the schema does not know (an import cannot smuggle data past validation)', async () => {
    const s = lab();
    s.docker.containers[0].env = ['SECRET=1'];
    const r = await readSnapshotFile(JSON.stringify(s));
    if (!r.ok) throw new Error(r.error);
    expect('env' in r.snapshot.docker!.containers[0]).toBe(false);
  });

  describe('hostile and broken input', () => {
    it('wrong types name the path', async () => {
      const s = lab();
      s.namespaces[0].interfaces[0].mtu = 'big';
      await expectError(JSON.stringify(s), /invalid snapshot: .*namespaces\.0\.interfaces\.0\.mtu/);
      await expectError('[1,2]', /expected a JSON object/);
      await expectError('"x"', /expected a JSON object/);
      await expectError('{"format":"other"}', /not a netatlas snapshot: format "other"/);
      await expectError('{"hello":1}', /neither an envelope/);
      await expectError(JSON.stringify({ ...lab(), schemaVersion: '1' }), /schemaVersion is "1"/);
    });

    it('an envelope whose header and snapshot disagree is refused', async () => {
      const env = await makeEnvelope(lab());
      await expectError(JSON.stringify({ ...env, schemaVersion: 0 }), /it says schemaVersion 0/);
      await expectError(JSON.stringify({ ...env, snapshot: [] }), /holds no snapshot object/);
      await expectError(JSON.stringify({ ...env, host: { name: 5 } }), /invalid snapshot envelope: host/);
    });

    it('truncated gzip, broken JSON, invalid UTF-8', async () => {
      const zipped = await gzip(JSON.stringify(await makeEnvelope(lab())));
      await expectError(zipped.slice(0, zipped.length / 2), /damaged gzip/);
      await expectError(labText.slice(0, 5000), /not valid JSON/);
      await expectError(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), /not UTF-8/);
    });

    it('deep nesting is refused before JSON.parse', async () => {
      const bomb = '['.repeat(100_000) + ']'.repeat(100_000);
      await expectError(bomb, /nested deeper than 64/);
      // Brackets inside strings are text, not nesting.
      expect(jsonDepthExceeds(JSON.stringify({ a: '[[[[[[[[[[' }), 3)).toBe(false);
      expect(jsonDepthExceeds('{"a":"\\"[[[["}', 2)).toBe(false);
      expect(jsonDepthExceeds('[[[]]]', 2)).toBe(true);
    });

    it('files over the limit are refused without being parsed or inflated', async () => {
      const huge = JSON.stringify({ ...lab(), host: { ...lab().host, hostname: 'x'.repeat(200_000) } });
      await expectError(huge, /file too large/, { maxBytes: 100_000 });
      await expectError(new TextEncoder().encode(huge), /file too large: \d+ bytes/, { maxBytes: 100_000 });
      // A gzip bomb: small on disk, large inflated.
      const bomb = await gzip(' '.repeat(5_000_000));
      expect(bomb.length).toBeLessThan(100_000);
      await expectError(bomb, /inflates to more than 100000 bytes/, { maxBytes: 100_000 });
    });

    it('a huge string under the limit is only data', async () => {
      const s = lab();
      s.docker.containers[0].name = '</script><script>alert(1)</script>'.repeat(10_000);
      const r = await readSnapshotFile(JSON.stringify(s));
      expect(r.ok && r.snapshot.docker!.containers[0].name.length).toBe(340_000);
    });
  });
});

describe('migrations', () => {
  // A made-up history (v1 → v2 renames a field, v2 → v3 adds one): the engine is what is tested, since the real
  // table is empty until SCHEMA_VERSION moves past 1.
  const table = {
    1: (s: Record<string, unknown>) => {
      const { dockerProxies, ...rest } = s;
      return { ...rest, proxies: dockerProxies };
    },
    2: (s: Record<string, unknown>) => ({ ...s, findings: [] }),
  };

  it('applies each step in order and records the version it started from', () => {
    const r = migrateSnapshot({ schemaVersion: 1, dockerProxies: [1] }, 3, table);
    expect(r).toEqual({ ok: true, from: 1, snapshot: { schemaVersion: 3, proxies: [1], findings: [] } });
    expect(migrateSnapshot({ schemaVersion: 2, proxies: [] }, 3, table)).toEqual({ ok: true, from: 2, snapshot: { schemaVersion: 3, proxies: [], findings: [] } });
  });

  it('does not modify its input', () => {
    const input = { schemaVersion: 1, dockerProxies: [1] };
    migrateSnapshot(input, 3, table);
    expect(input).toEqual({ schemaVersion: 1, dockerProxies: [1] });
  });

  it('refuses gaps, newer and nonsense versions', () => {
    expect(migrateSnapshot({ schemaVersion: 1 }, 3, { 2: table[2] })).toEqual({ ok: false, error: 'no migration from snapshot schemaVersion 1 to 2' });
    expect(migrateSnapshot({ schemaVersion: 4 }, 3, table)).toMatchObject({ ok: false, error: expect.stringMatching(/schemaVersion 4 > 3/) });
    expect(migrateSnapshot({ schemaVersion: 0 }, 3, table)).toMatchObject({ ok: false });
    expect(migrateSnapshot({ schemaVersion: 1.5 }, 3, table)).toMatchObject({ ok: false });
  });
});
