/**
 * Text that reaches an operator's terminal must not be able to drive it. Names, comments and labels come from
 * containers, dumps and files (untrusted), so every character a terminal could act on is replaced by a visible
 * escape: C0 controls (ESC starts every escape sequence, BEL ends OSC titles, CR rewrites the line), DEL, C1
 * controls U+0080–U+009F (a terminal may take U+009B as CSI) and the bidi overrides and isolates U+202A–U+202E,
 * U+2066–U+2069 (they reorder what is shown, as in "Trojan Source"). Newline and tab are kept: the output's own
 * layout uses them, and a single string cannot tell our newlines from a quoted one.
 */

// One class, kept in sync with the doc above; \n (0x0a) and \t (0x09) are deliberately absent.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const hex = (c: string, width: number) => c.charCodeAt(0).toString(16).padStart(width, '0');

/** Plain text: `\e` becomes the four characters `\x1b`, U+202E becomes `\u202e`. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => (c.charCodeAt(0) <= 0xff ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`));
}

/**
 * JSON text: JSON.stringify already writes C0 controls as `\u00XX` but leaves DEL, C1 and bidi controls raw;
 * they become `\uXXXX` escapes too, so the document still parses back to the same strings.
 */
export function terminalSafeJson(json: string): string {
  return json.replace(UNSAFE, (c) => `\\u${hex(c, 4)}`);
}

/** Whether text holds anything {@link terminalSafe} would escape. */
export function hasTerminalControls(text: string): boolean {
  return UNSAFE_ONE.test(text);
}

const UNSAFE_ONE = new RegExp(UNSAFE.source); // not global: no lastIndex state between calls
