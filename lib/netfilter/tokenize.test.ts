import { describe, expect, it } from 'vitest';
import { quoteArg, tokenize, tokenizeWithPositions } from './tokenize';

describe('tokenize', () => {
  it('splits on runs of whitespace', () => {
    expect(tokenize('  -A\tINPUT   -j  ACCEPT ')).toEqual(['-A', 'INPUT', '-j', 'ACCEPT']);
  });

  it('groups double-quoted strings', () => {
    expect(tokenize('-m comment --comment "ns2/svc2:p80 has no endpoints" -j REJECT')).toEqual([
      '-m', 'comment', '--comment', 'ns2/svc2:p80 has no endpoints', '-j', 'REJECT',
    ]);
  });

  it('unescapes \\" \\\\ and \\\' inside quotes, keeps backslashes outside', () => {
    expect(tokenize(String.raw`--comment "foo \"bar\" \\ it\'s" a\b`)).toEqual(['--comment', `foo "bar" \\ it's`, 'a\\b']);
  });

  it('keeps an empty quoted string and marks quoted tokens', () => {
    const t = tokenizeWithPositions('--x "" "-j" -j');
    expect(t.map((x) => [x.text, x.quoted])).toEqual([['--x', false], ['', true], ['-j', true], ['-j', false]]);
  });

  it('records token offsets', () => {
    expect(tokenizeWithPositions('-A  "a b" c').map((t) => [t.start, t.end])).toEqual([[0, 2], [4, 9], [10, 11]]);
  });

  it('runs an unterminated quote to the end of the line instead of failing', () => {
    expect(tokenize('--comment "open end')).toEqual(['--comment', 'open end']);
  });
});

describe('quoteArg', () => {
  it('leaves plain values alone and quotes what would not survive tokenize', () => {
    expect(quoteArg('192.0.2.2:80')).toBe('192.0.2.2:80');
    expect(quoteArg('RELATED,ESTABLISHED')).toBe('RELATED,ESTABLISHED');
    expect(quoteArg('a b')).toBe('"a b"');
    expect(quoteArg('')).toBe('""');
    expect(quoteArg('!')).toBe('"!"');
    expect(quoteArg('--not-an-option')).toBe('"--not-an-option"');
    expect(quoteArg('say "hi"')).toBe(String.raw`"say \"hi\""`);
  });

  it('quotes like xtables_save_string in save-string mode', () => {
    expect(quoteArg('kube-dns', true)).toBe('kube-dns');
    expect(quoteArg('ns2/svc2:p80', true)).toBe('"ns2/svc2:p80"');
  });

  it('round-trips awkward strings through tokenize', () => {
    for (const s of ['a b', 'x"y', 'back\\slash', "it's", '', '!', '-1', '--x', '\t']) {
      expect(tokenize(`--opt ${quoteArg(s)}`)).toEqual(['--opt', s]);
    }
  });
});
