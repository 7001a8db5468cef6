import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareSnapshots } from '../../lib/compare/compare';
import { makeEnvelope } from '../../lib/share/envelope';
import { Snapshot } from '../../lib/snapshot/schema';
import { ShareLinkStore } from '../share/links-store';
import { loadSnapshotRef } from './load-ref';

// A share link as a snapshot reference (`share:ID`, or the link's address), loaded from a real links store in a
// temp data directory, as `netatlas diff` and the compare page read it.
const lab = Snapshot.parse(JSON.parse(readFileSync(new URL('../../lib/snapshot/__fixtures__/lab-snapshot.json', import.meta.url), 'utf8')));
const root = mkdtempSync(join(tmpdir(), 'netatlas-load-share-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function linkIn(dir: string) {
  const store = ShareLinkStore.open(dir);
  try {
    const made = store.create(await makeEnvelope(lab), { expiresAt: Date.now() + 86_400_000, createdBy: 'default', source: 'live' });
    if ('error' in made) throw new Error(made.error);
    return made;
  } finally {
    store.close();
  }
}

describe('a share link as a snapshot reference', () => {
  it('loads what the link shares, by id or by address, and compares it with the original as unchanged', async () => {
    const dir = join(root, 'a');
    const { id } = await linkIn(dir);
    for (const text of [`share:${id}`, `http://127.0.0.1:7878/s/${id}`]) {
      const got = await loadSnapshotRef(text, dir);
      if (!got.ok) throw new Error(got.error);
      expect(got.ref).toEqual({ kind: 'share', id });
      expect(got.label).toContain('share link (live at');
      const c = compareSnapshots(lab, got.snapshot);
      expect(c.changes).toEqual([]);
      expect(c.reachability.changes).toEqual([]);
    }
  });

  it('says why when the link is revoked, unknown, or there is no links store (and creates none)', async () => {
    const dir = join(root, 'b');
    const made = await linkIn(dir);
    const store = ShareLinkStore.open(dir);
    store.revoke(made.info.key);
    store.close();
    expect(await loadSnapshotRef(`share:${made.id}`, dir)).toEqual({ ok: false, error: 'that share link is revoked' });
    expect(await loadSnapshotRef(`share:${'x'.repeat(22)}`, dir)).toEqual({ ok: false, error: 'no such share link here' });
    const empty = join(root, 'c');
    const none = await loadSnapshotRef(`share:${made.id}`, empty);
    expect(none.ok ? 'loaded' : none.error).toBe(`no share links in ${empty} (--data DIR names another)`);
    expect(existsSync(join(empty, 'shares.sqlite'))).toBe(false);
  });
});
