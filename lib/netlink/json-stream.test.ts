import { describe, expect, it } from 'vitest';
import { splitJsonValues } from './json-stream';

describe('splitJsonValues', () => {
  it('splits arrays printed one after another', () => {
    const parts = splitJsonValues('[{"a":1}]\n[]\n[{"b":"x]"}]');
    expect(parts.map((p) => JSON.parse(p))).toEqual([[{ a: 1 }], [], [{ b: 'x]' }]]);
  });

  it('is not fooled by brackets and escaped quotes inside strings', () => {
    const parts = splitJsonValues('[{"ifalias":"a \\"[quoted]\\" {name}"}][1]');
    expect(parts).toHaveLength(2);
    expect(JSON.parse(parts[0])[0].ifalias).toBe('a "[quoted]" {name}');
  });

  it('returns nothing for empty output', () => {
    expect(splitJsonValues('\n')).toEqual([]);
  });
});
