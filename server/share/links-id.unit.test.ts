import { describe, expect, it } from 'vitest';
import { SHARE_ID } from '../../lib/share/link';
import { keyOf, newShareId } from './links-store';

describe('share link ids', () => {
  it('carry 128 random bits as base64url, never repeat, and are stored as their SHA-256 only', () => {
    const ids = Array.from({ length: 2000 }, newShareId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(SHARE_ID);
      expect(Buffer.from(id, 'base64url').length).toBeGreaterThanOrEqual(16);
    }
    // Every bit position takes both values across ids: the bytes are random, not a counter or a timestamp.
    const bytes = ids.map((id) => Buffer.from(id, 'base64url'));
    for (let bit = 0; bit < 128; bit++) {
      const ones = bytes.filter((b) => (b[bit >> 3] >> (bit & 7)) & 1).length;
      expect(ones, `bit ${bit}`).toBeGreaterThan(800);
      expect(ones, `bit ${bit}`).toBeLessThan(1200);
    }
    expect(keyOf(ids[0])).toMatch(/^[0-9a-f]{64}$/);
    expect(keyOf(ids[0])).not.toContain(ids[0]);
  });
});
