import { describe, expect, it } from 'vitest';
import { LIMITS } from '../limits';
import { expiryOf, linkState, SHARE_ID } from './link';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-30T12:00:00Z');

describe('share link expiry', () => {
  it('defaults to 7 days and allows whole days up to 90', () => {
    expect(expiryOf(NOW)).toEqual({ ok: true, expiresAt: NOW + 7 * DAY });
    expect(expiryOf(NOW, 1)).toEqual({ ok: true, expiresAt: NOW + DAY });
    expect(expiryOf(NOW, LIMITS.shareLinkMaxDays)).toEqual({ ok: true, expiresAt: NOW + 90 * DAY });
  });

  it('refuses no expiry, a longer one, fractions and nonsense', () => {
    for (const days of [0, -1, 91, 365, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const r = expiryOf(NOW, days);
      expect(r.ok, String(days)).toBe(false);
      if (!r.ok) expect(r.error).toContain('1 to 90 days');
    }
  });
});

describe('share link state', () => {
  it('is live until the expiry instant, then expired', () => {
    const link = { expiresAt: NOW + DAY, revokedAt: null };
    expect(linkState(link, NOW)).toBe('live');
    expect(linkState(link, NOW + DAY - 1)).toBe('live');
    expect(linkState(link, NOW + DAY)).toBe('expired');
  });

  it('says revoked from the moment it is revoked, even once it would have expired', () => {
    expect(linkState({ expiresAt: NOW + DAY, revokedAt: NOW }, NOW)).toBe('revoked');
    expect(linkState({ expiresAt: NOW + DAY, revokedAt: NOW }, NOW + 2 * DAY)).toBe('revoked');
  });
});

describe('share ids', () => {
  it('accept base64url of 16 bytes or more, nothing shorter or with other characters', () => {
    expect(SHARE_ID.test('A'.repeat(22))).toBe(true);
    expect(SHARE_ID.test('a-b_c'.padEnd(43, 'x'))).toBe(true);
    for (const bad of ['A'.repeat(21), 'A'.repeat(65), 'A'.repeat(21) + '=', 'A'.repeat(21) + '/', 'A'.repeat(21) + '.', '']) expect(SHARE_ID.test(bad), bad).toBe(false);
  });
});
