import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeEnvelope } from '../../lib/share/envelope';
import { LIMITS } from '../../lib/limits';
import { Snapshot } from '../../lib/snapshot/schema';
import { keyOf, ShareLinkStore } from './links-store';

// The store on a real SQLite file in a temp directory (no host access): ids, expiry, revoke, the live-link cap.
const lab = Snapshot.parse(JSON.parse(readFileSync(new URL('../../lib/snapshot/__fixtures__/lab-snapshot.json', import.meta.url), 'utf8')));
const dir = mkdtempSync(join(tmpdir(), 'netatlas-links-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.parse('2026-11-30T12:00:00Z');
const DAY = 86_400_000;

describe('the share link store', () => {
  it('stores a link 0600 under the hash of its id and gives the snapshot back while it is live', async () => {
    const store = ShareLinkStore.open(dir);
    try {
      const made = store.create(await makeEnvelope(lab), { expiresAt: T0 + DAY, createdBy: 'default', source: 'live', now: T0 });
      if ('error' in made) throw new Error(made.error);
      expect(made.info.key).toBe(keyOf(made.id));
      expect(statSync(store.path).mode & 0o777).toBe(0o600);
      const opened = store.open(made.id, T0 + 1);
      expect(opened.state).toBe('live');
      if (opened.state === 'live') expect(opened.envelope.snapshot).toEqual(lab);
      expect(store.state(made.id, T0 + DAY)).toBe('expired');
      expect(store.open(made.id, T0 + DAY).state).toBe('expired');
      expect(store.state(`${made.id.slice(0, -1)}${made.id.endsWith('A') ? 'B' : 'A'}`, T0)).toBe('unknown');
      expect(store.state('not an id', T0)).toBe('unknown');
    } finally {
      store.close();
    }
  });

  it('revokes at once, drops the snapshot, and keeps answering "revoked" (a second revoke changes nothing)', async () => {
    const store = ShareLinkStore.open(dir);
    try {
      const made = store.create(await makeEnvelope(lab), { expiresAt: T0 + 7 * DAY, createdBy: 'default', source: 'live', now: T0 });
      if ('error' in made) throw new Error(made.error);
      expect(store.revoke(made.info.key, T0 + 1)).toBe(true);
      expect(store.open(made.id, T0 + 2).state).toBe('revoked');
      expect(store.revoke(made.info.key, T0 + 3)).toBe(false);
      expect(store.list(T0 + 4).find((l) => l.key === made.info.key)).toMatchObject({ state: 'revoked', source: 'live', createdBy: 'default' });
    } finally {
      store.close();
    }
  });

  it(`refuses a link beyond ${LIMITS.shareLinksLive} live ones, and forgets links dead for 30 days`, async () => {
    const fresh = mkdtempSync(join(dir, 'cap-'));
    const store = ShareLinkStore.open(fresh);
    try {
      const envelope = await makeEnvelope(lab);
      const ids: string[] = [];
      for (let i = 0; i < LIMITS.shareLinksLive; i++) {
        const made = store.create(envelope, { expiresAt: T0 + DAY, createdBy: 'x', source: 'live', now: T0 });
        if ('error' in made) throw new Error(made.error);
        ids.push(made.id);
      }
      const over = store.create(envelope, { expiresAt: T0 + DAY, createdBy: 'x', source: 'live', now: T0 });
      expect('error' in over && over.error).toContain(`at most ${LIMITS.shareLinksLive}`);
      // Once they expire, new links can be made; 30 days later the old rows are gone (and the ids say unknown).
      expect('id' in store.create(envelope, { expiresAt: T0 + 2 * DAY, createdBy: 'x', source: 'live', now: T0 + DAY })).toBe(true);
      expect(store.list(T0 + 33 * DAY)).toHaveLength(0);
      expect(store.state(ids[0], T0 + 33 * DAY)).toBe('unknown');
    } finally {
      store.close();
    }
  });
});
