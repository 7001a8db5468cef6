import { randomBytes, timingSafeEqual } from 'node:crypto';
export { CSRF_HEADER, CSRF_META } from '../../lib/web/csrf';

/**
 * The per-process CSRF secret. The page carries it (a meta tag app/layout.tsx renders) and the tRPC client sends
 * it back in CSRF_HEADER; another site can neither read the page nor set that header without a CORS preflight we
 * never answer. Kept on globalThis so the server wrapper and Next's bundles of this module share one value.
 */

const g = globalThis as typeof globalThis & { __netatlasCsrf?: string };

export function csrfSecret(): string {
  g.__netatlasCsrf ??= randomBytes(32).toString('base64url');
  return g.__netatlasCsrf;
}

export function csrfMatches(sent: string | null | undefined): boolean {
  if (!sent) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(csrfSecret());
  return a.length === b.length && timingSafeEqual(a, b);
}
