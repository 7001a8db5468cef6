import { describe, expect, it } from 'vitest';
import { parseJsonLenient, splitJsonValues } from './json-stream';

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

describe('parseJsonLenient', () => {
  it('keeps names with raw control bytes, as iproute2 prints them', () => {
    // What `ip -j link` prints for an interface named ESC ] 0 ; P W N BEL: the bytes raw inside the string.
    const text = '[{"ifindex":2,"ifname":"\x1b]0;PWN\x07"},{"ifindex":3,"ifname":"\x1b[31mRED","alias":"tab\\there"}]';
    expect(() => JSON.parse(text)).toThrow();
    expect(parseJsonLenient(text)).toEqual([
      { ifindex: 2, ifname: '\x1b]0;PWN\x07' },
      { ifindex: 3, ifname: '\x1b[31mRED', alias: 'tab\there' },
    ]);
  });

  it('leaves valid JSON as it is and still refuses broken JSON', () => {
    expect(parseJsonLenient('{"a":"\\u001b"}')).toEqual({ a: '\x1b' });
    expect(() => parseJsonLenient('[{"a":1}')).toThrow();
  });
});
