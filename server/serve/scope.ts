/**
 * What a credential may read. A full token sees everything; a share link (`/s/<id>`, the share issue) grants one
 * frozen snapshot and the static files its page needs, nothing live. Per-agent scopes (many hosts) come later.
 */
export type Scope = { kind: 'full' } | { kind: 'share'; snapshotId: string };

/** What a request asks for, decided from its path alone. */
export type Resource = { kind: 'static' } | { kind: 'share'; snapshotId: string } | { kind: 'live' };

const SHARE_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function resourceOf(pathname: string): Resource {
  if (pathname.startsWith('/_next/static/')) return { kind: 'static' };
  const share = /^\/s\/([^/]+)\/?$/.exec(pathname);
  if (share && SHARE_ID.test(share[1])) return { kind: 'share', snapshotId: share[1] };
  return { kind: 'live' };
}

export function scopeAllows(scope: Scope, resource: Resource): boolean {
  if (scope.kind === 'full') return true;
  if (resource.kind === 'static') return true;
  return resource.kind === 'share' && resource.snapshotId === scope.snapshotId;
}
