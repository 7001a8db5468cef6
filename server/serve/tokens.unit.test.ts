import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { authenticate, FailureLimiter, safeNext } from './auth';
import { resourceOf, scopeAllows } from './scope';
import { TokenStore } from './tokens';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'netatlas-tokens-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the token store', () => {
  it('keeps named tokens as hashes only, 0600 in a 0700 directory, and survives a reopen', async () => {
    const data = tmp();
    const store = await TokenStore.open(data);
    const a = await store.add('laptop');
    const b = await store.add('agent-host2');
    const file = join(data, 'auth', 'tokens.json');
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(a);
    expect(text).not.toContain(b);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(data, 'auth')).mode & 0o777).toBe(0o700);
    const again = await TokenStore.open(data);
    expect(again.verify(a)?.name).toBe('laptop');
    expect(again.verify(b)?.name).toBe('agent-host2');
    expect(again.verify(a + 'x')).toBeUndefined();
    await expect(again.add('laptop')).rejects.toThrow(/exists/);
  });

  it('revokes one token by name and keeps the others', async () => {
    const data = tmp();
    const store = await TokenStore.open(data);
    const a = await store.add('one');
    const b = await store.add('two');
    expect(await store.revoke('one')).toBe(true);
    expect(await store.revoke('one')).toBe(false);
    const reopened = await TokenStore.open(data);
    expect(reopened.verify(a)).toBeUndefined();
    expect(reopened.verify(b)?.name).toBe('two');
  });

  it('refuses a file that is not a token store instead of overwriting it', async () => {
    const data = tmp();
    await TokenStore.open(data);
    writeFileSync(join(data, 'auth', 'tokens.json'), '{"version":1,"tokens":[{"name":"x","hash":"plaintext"}]}');
    await expect(TokenStore.open(data)).rejects.toThrow(/not a netatlas token store/);
  });
});

describe('authentication', () => {
  it('limits failed attempts per address, then refuses even a right token until the window passes', () => {
    const store = TokenStore.inMemory();
    store.addExplicit('given', 'the-right-token-0123456789');
    const limiter = new FailureLimiter(3, 60_000);
    expect(authenticate(undefined, 'a', store, limiter)).toEqual({ kind: 'missing' });
    for (let i = 0; i < 3; i++) expect(authenticate('wrong', 'a', store, limiter).kind).toBe('wrong');
    expect(authenticate('the-right-token-0123456789', 'a', store, limiter).kind).toBe('limited');
    expect(authenticate('the-right-token-0123456789', 'b', store, limiter).kind).toBe('ok'); // per address
    const now = Date.now();
    expect(limiter.blockedFor('a', now)).toBeGreaterThan(0);
    expect(limiter.blockedFor('a', now + 60_001)).toBe(0);
  });

  it('redirects after login only to a local path', () => {
    expect(safeNext('/summary?sel=x')).toBe('/summary?sel=x');
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', '/login?token=x', null]) expect(safeNext(bad)).toBe('/');
  });
});

describe('scopes', () => {
  it('a share link reads its one frozen snapshot (and static files), nothing live, no other share', () => {
    const id = 'abc123abc123abc123abc1';
    const share = { kind: 'share', snapshotId: id } as const;
    expect(scopeAllows(share, resourceOf(`/s/${id}`))).toBe(true);
    expect(scopeAllows(share, resourceOf('/_next/static/chunks/x.js'))).toBe(true);
    expect(scopeAllows(share, resourceOf('/favicon.svg'))).toBe(true);
    const other = 'zzz123abc123abc123abc1';
    for (const p of [`/s/${other}`, '/', '/summary', '/api/trpc/snapshot.current', '/api/trpc/live.revisions', '/api/trpc/shares.list', '/api/offline-assets', `/s/${id}/../x`, '/s/', '/s/abc123', `/s/${id}x/y`]) {
      expect(scopeAllows(share, resourceOf(p)), p).toBe(false);
    }
    for (const p of ['/', `/s/${id}`, '/api/trpc/snapshot.current']) expect(scopeAllows({ kind: 'full' }, resourceOf(p))).toBe(true);
  });
});
