import { INGEST_PATH, isHostName } from '../../lib/fleet/protocol';
import { SHARE_ID } from '../../lib/share/link';

/**
 * What a credential may do. A full token reads everything (the UI, the API, the fleet's hosts); a share link
 * (`/s/<id>`) grants one frozen snapshot and the static files its page needs, nothing live: not `/`, not the API,
 * not another link; an agent token (`serve --hub`) writes its own host's states and reads nothing, not even static
 * files.
 */
export type Scope = { kind: 'full' } | { kind: 'share'; snapshotId: string } | { kind: 'agent'; host: string };

/** What a request asks for, decided from its path alone. */
export type Resource =
  | { kind: 'static' }
  | { kind: 'share'; snapshotId: string }
  | { kind: 'ingest'; host: string }
  | { kind: 'live' };

export function resourceOf(pathname: string): Resource {
  if (pathname.startsWith('/_next/static/') || pathname === '/favicon.svg') return { kind: 'static' };
  const share = /^\/s\/([^/]+)\/?$/.exec(pathname);
  if (share && SHARE_ID.test(share[1])) return { kind: 'share', snapshotId: share[1] };
  // A host name needs no escaping (isHostName), so the path segment is the name as it is.
  const ingest = INGEST_PATH.exec(pathname);
  if (ingest && isHostName(ingest[1])) return { kind: 'ingest', host: ingest[1] };
  return { kind: 'live' };
}

export function scopeAllows(scope: Scope, resource: Resource): boolean {
  if (scope.kind === 'agent') return resource.kind === 'ingest' && resource.host === scope.host;
  // Only agents write a host's states: a reader's token, leaked, cannot forge a host's history.
  if (resource.kind === 'ingest') return false;
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
