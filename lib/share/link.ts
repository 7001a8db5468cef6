import { LIMITS } from '../limits';

/**
 * Share links (`/s/<id>`), the pure part: what an id looks like, when a link expires and whether it still opens.
 * The id is the capability itself (≥ 128 random bits, base64url); stores keep only its hash.
 */

/** 16 random bytes in base64url: 22 characters. Longer ids (more bytes) are accepted too. */
export const SHARE_ID_BYTES = 16;
export const SHARE_ID = /^[A-Za-z0-9_-]{22,64}$/;

const DAY_MS = 86_400_000;

export type Expiry = { ok: true; expiresAt: number } | { ok: false; error: string };

/** When a link made at `now` for `days` (default LIMITS.shareLinkDefaultDays) expires; whole days from 1 to the maximum. */
export function expiryOf(now: number, days: number = LIMITS.shareLinkDefaultDays): Expiry {
  if (!Number.isInteger(days) || days < 1 || days > LIMITS.shareLinkMaxDays) {
    return { ok: false, error: `a share link lasts 1 to ${LIMITS.shareLinkMaxDays} days, not ${days}` };
  }
  return { ok: true, expiresAt: now + days * DAY_MS };
}

export type LinkState = 'live' | 'expired' | 'revoked';

/** Revocation wins over expiry: a revoked link says so even after it would have expired. */
export function linkState(link: { expiresAt: number; revokedAt: number | null }, now: number): LinkState {
  if (link.revokedAt !== null) return 'revoked';
  return now < link.expiresAt ? 'live' : 'expired';
}
