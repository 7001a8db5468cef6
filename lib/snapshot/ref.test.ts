import { describe, expect, it } from 'vitest';
import { checkSnapshotName, formatSnapshotRef, resolveSnapshotRef, type RefFacts, type RefResult } from './ref';

const now = new Date('2026-11-30T12:00:00.000Z');
const facts = (files: string[] = [], names: string[] = []): RefFacts => ({
  fileExists: (p) => files.includes(p),
  nameExists: (n) => names.includes(n),
});
const ok = (r: RefResult) => {
  if (!r.ok) throw new Error(`expected a reference, got: ${r.error}`);
  return r.ref;
};
const err = (r: RefResult) => {
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.ref)}`);
  return r.error;
};

describe('snapshot references', () => {
  it('reads live', () => {
    expect(ok(resolveSnapshotRef('live', facts(), now))).toEqual({ kind: 'live' });
  });

  it('reads relative times in every unit', () => {
    const cases: [string, number][] = [['-90s', 90_000], ['-10m', 600_000], ['-2h', 7_200_000], ['-1d', 86_400_000], ['-1w', 604_800_000]];
    for (const [text, ago] of cases) {
      expect(ok(resolveSnapshotRef(text, facts(), now))).toEqual({ kind: 'time', at: new Date(now.getTime() - ago) });
    }
  });

  it('reads ISO 8601 moments with offsets, fractions and a space for T', () => {
    expect(ok(resolveSnapshotRef('2026-11-30T10:02:31Z', facts(), now))).toEqual({ kind: 'time', at: new Date('2026-11-30T10:02:31Z') });
    expect(ok(resolveSnapshotRef('2026-11-30T10:02:31.250+01:00', facts(), now))).toEqual({ kind: 'time', at: new Date('2026-11-30T09:02:31.250Z') });
    expect(ok(resolveSnapshotRef('2026-11-30 10:02Z', facts(), now))).toEqual({ kind: 'time', at: new Date('2026-11-30T10:02:00Z') });
    const local = ok(resolveSnapshotRef('2026-11-29', facts(), now));
    expect(local).toEqual({ kind: 'time', at: new Date(2026, 10, 29) });
  });

  it('refuses malformed and future times with a reason', () => {
    expect(err(resolveSnapshotRef('-10x', facts(), now))).toMatch(/not a time/);
    expect(err(resolveSnapshotRef('-m', facts(), now))).toMatch(/not a time/);
    expect(err(resolveSnapshotRef('2026-12-01T00:00:00Z', facts(), now))).toMatch(/in the future/);
    expect(err(resolveSnapshotRef('2026-13-45T00:00Z', facts(), now))).toMatch(/no saved snapshot or file/);
  });

  it('reads saved names and files, and says which one it could not find', () => {
    expect(ok(resolveSnapshotRef('before-deploy', facts([], ['before-deploy']), now))).toEqual({ kind: 'name', name: 'before-deploy' });
    expect(ok(resolveSnapshotRef('snap.json', facts(['snap.json']), now))).toEqual({ kind: 'file', path: 'snap.json' });
    expect(ok(resolveSnapshotRef('/tmp/x/snap.json.gz', facts(['/tmp/x/snap.json.gz']), now))).toEqual({ kind: 'file', path: '/tmp/x/snap.json.gz' });
    expect(ok(resolveSnapshotRef('dump', facts(['dump']), now))).toEqual({ kind: 'file', path: 'dump' });
    expect(err(resolveSnapshotRef('missing.json', facts(), now))).toBe('cannot read missing.json: no such file');
    expect(err(resolveSnapshotRef('nothing', facts(), now))).toMatch(/no saved snapshot or file called 'nothing'/);
    expect(err(resolveSnapshotRef('', facts(), now))).toMatch(/empty/);
  });

  it('answers a word that is both a saved name and a file with an error naming both ways out', () => {
    const e = err(resolveSnapshotRef('prod', facts(['prod'], ['prod']), now));
    expect(e).toContain('name:prod');
    expect(e).toContain('./prod');
    expect(ok(resolveSnapshotRef('name:prod', facts(['prod'], ['prod']), now))).toEqual({ kind: 'name', name: 'prod' });
    expect(ok(resolveSnapshotRef('./prod', facts(['./prod'], ['prod']), now))).toEqual({ kind: 'file', path: './prod' });
    expect(ok(resolveSnapshotRef('file:prod', facts(['prod'], ['prod']), now))).toEqual({ kind: 'file', path: 'prod' });
  });

  it('flags a file whose name reads as a time', () => {
    expect(err(resolveSnapshotRef('-1d', facts(['-1d']), now))).toContain('file:-1d');
  });

  it('checks names for saving', () => {
    expect(checkSnapshotName('before-deploy.v2')).toBeNull();
    expect(checkSnapshotName('live')).toMatch(/reserved/);
    expect(checkSnapshotName('x.json')).toMatch(/file name/);
    expect(checkSnapshotName('2026-11-30')).toMatch(/time/);
    expect(checkSnapshotName('-x')).toMatch(/not a snapshot name/);
    expect(checkSnapshotName('a/b')).toMatch(/not a snapshot name/);
    expect(checkSnapshotName('x'.repeat(65))).toMatch(/not a snapshot name/);
  });

  it('formats a reference back to text that reads the same', () => {
    const f = facts(['snap.json'], ['prod']);
    for (const text of ['live', '-10m', 'prod', 'snap.json', `share:${'k'.repeat(22)}`]) {
      const ref = ok(resolveSnapshotRef(text, f, now));
      expect(ok(resolveSnapshotRef(formatSnapshotRef(ref), f, now))).toEqual(ref);
    }
  });

  it('reads a share link by its id or its whole address, never as a file', () => {
    const id = 'AbCdEfGhIjKlMnOpQrStUv';
    const f = facts([`http://127.0.0.1:7878/s/${id}`]);
    expect(ok(resolveSnapshotRef(`share:${id}`, f, now))).toEqual({ kind: 'share', id });
    expect(ok(resolveSnapshotRef(`http://127.0.0.1:7878/s/${id}`, f, now))).toEqual({ kind: 'share', id });
    expect(ok(resolveSnapshotRef(`https://atlas.example:443/s/${id}/?x=1`, f, now))).toEqual({ kind: 'share', id });
    expect(err(resolveSnapshotRef('share:short', f, now))).toContain("'short' is not a share link id");
    expect(err(resolveSnapshotRef(`http://127.0.0.1/s/${id}<x`, f, now))).toContain('is not a share link id');
    // Not a link's address: a path with /s/ in it is still a file.
    expect(ok(resolveSnapshotRef(`./s/${id}`, facts([`./s/${id}`]), now))).toEqual({ kind: 'file', path: `./s/${id}` });
  });
});
