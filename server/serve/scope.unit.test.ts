import { describe, expect, it } from 'vitest';
import { resourceOf, scopeAllows, type Scope } from './scope';

describe('what a credential may reach', () => {
  const agent: Scope = { kind: 'agent', host: 'alpha' };
  const full: Scope = { kind: 'full' };
  const share: Scope = { kind: 'share', snapshotId: 'A'.repeat(22) };
  const paths = ['/', '/summary', '/api/trpc/snapshot.current', '/api/fleet/v1/hosts', '/api/fleet/v1/hosts/alpha/latest', '/_next/static/x.js', `/s/${'A'.repeat(22)}`];

  it("an agent's token writes its own host and reaches nothing else, not even static files", () => {
    expect(resourceOf('/api/fleet/v1/hosts/alpha/ingest')).toEqual({ kind: 'ingest', host: 'alpha' });
    expect(scopeAllows(agent, resourceOf('/api/fleet/v1/hosts/alpha/ingest'))).toBe(true);
    expect(scopeAllows(agent, resourceOf('/api/fleet/v1/hosts/beta/ingest'))).toBe(false);
    for (const p of paths) expect(scopeAllows(agent, resourceOf(p)), p).toBe(false);
  });

  it('only agents write: a full token and a share link write no host; an escaped name is no host', () => {
    expect(scopeAllows(full, resourceOf('/api/fleet/v1/hosts/alpha/ingest'))).toBe(false);
    expect(scopeAllows(share, resourceOf('/api/fleet/v1/hosts/alpha/ingest'))).toBe(false);
    expect(resourceOf('/api/fleet/v1/hosts/al%2Fpha/ingest')).toEqual({ kind: 'live' });
    for (const p of paths) expect(scopeAllows(full, resourceOf(p)), p).toBe(true);
  });
});
