import { SHARE_ID } from '../../lib/share/link';

/**
 * What a credential may read. A full token sees everything; a share link (`/s/<id>`) grants one frozen snapshot
 * and the static files its page needs, nothing live: not `/`, not the API, not another link. Per-agent scopes
 * (many hosts) come later.
 */
export type Scope = { kind: 'full' } | { kind: 'share'; snapshotId: string };

/** What a request asks for, decided from its path alone. */
export type Resource = { kind: 'static' } | { kind: 'share'; snapshotId: string } | { kind: 'live' };

export function resourceOf(pathname: string): Resource {
  if (pathname.startsWith('/_next/static/') || pathname === '/favicon.svg') return { kind: 'static' };
  const share = /^\/s\/([^/]+)\/?$/.exec(pathname);
  if (share && SHARE_ID.test(share[1])) return { kind: 'share', snapshotId: share[1] };
  return { kind: 'live' };
}

export function scopeAllows(scope: Scope, resource: Resource): boolean {
  if (scope.kind === 'full') return true;
  if (resource.kind === 'static') return true;
  return resource.kind === 'share' && resource.snapshotId === scope.snapshotId;
}

/**
 * The share capability a browser carries after opening `/s/<id>`: the id in an HttpOnly cookie, so the page's
 * scripts and styles load without a token. Strict: another site cannot make the browser send it.
 */
export const SHARE_COOKIE = 'netatlas_share';

export function shareCookie(id: string, secure: boolean): string {
  return `${SHARE_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** Set by the server on every request it admits (any value a client sent is replaced): what the page may show. */
export const SCOPE_HEADER = 'x-netatlas-scope';
/** The token's name (or `local` on loopback), for "who made this link". */
export const PRINCIPAL_HEADER = 'x-netatlas-principal';
