import { describe, expect, it } from 'vitest';
import { hasTerminalControls, terminalSafe, terminalSafeJson } from './terminal-safe';

describe('terminalSafe', () => {
  it('turns an OSC title + clear-screen comment into visible text with no control byte left', () => {
    const hostile = '\u001b]0;PWNED\u0007\u001b[2J';
    const safe = terminalSafe(`-A INPUT -m comment --comment "${hostile}" -j ACCEPT`);
    expect(safe).toBe('-A INPUT -m comment --comment "\\x1b]0;PWNED\\x07\\x1b[2J" -j ACCEPT');
    expect(hasTerminalControls(safe)).toBe(false);
  });

  it('escapes every C0 but newline and tab, DEL, every C1, and the bidi overrides and isolates', () => {
    const c0 = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).filter((c) => c !== '\n' && c !== '\t');
    const c1 = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(0x80 + i));
    const bidi = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];
    for (const c of [...c0, '\u007f', ...c1, ...bidi]) {
      expect(hasTerminalControls(c)).toBe(true);
      expect(terminalSafe(c)).toMatch(/^\\(x[0-9a-f]{2}|u[0-9a-f]{4})$/);
    }
    expect(terminalSafe('\u009b31m')).toBe('\\x9b31m');
    expect(terminalSafe('a\u202eb')).toBe('a\\u202eb');
  });

  it('leaves ordinary text alone: layout, non-ASCII letters, arrows and emoji', () => {
    const text = 'Chain DOCKER ↳ accept\tété 🐳 ü\n';
    expect(terminalSafe(text)).toBe(text);
    expect(hasTerminalControls(text)).toBe(false);
  });
});

describe('terminalSafeJson', () => {
  it('keeps JSON valid and equal in meaning while no raw control character remains', () => {
    const value = { comment: '\u001b]0;PWNED\u0007', c1: '\u009b2J', del: 'x\u007f', bidi: '\u202eevil' };
    const json = terminalSafeJson(JSON.stringify(value));
    expect(hasTerminalControls(json)).toBe(false);
    expect(JSON.parse(json)).toEqual(value);
    expect(json).toContain('\\u001b');
  });
});
