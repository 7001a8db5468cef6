/**
 * Splitting of iptables rule lines into arguments, following iptables-restore's own tokenizer
 * (add_param_to_argv): whitespace separates, `"…"` groups, and inside quotes a backslash escapes the next
 * character (iptables-save writes `\"`, `\\` and `\'`). Outside quotes a backslash is literal.
 */

export interface Token {
  text: string;
  /** True when any part of the token was quoted: such a token is always a value, never an option or `!`. */
  quoted: boolean;
  /** Offsets of the token in the input line, [start, end). */
  start: number;
  end: number;
}

export function tokenizeWithPositions(line: string): Token[] {
  const tokens: Token[] = [];
  let text = '';
  let quoted = false;
  let start = -1;
  let i = 0;

  const flush = (end: number) => {
    if (start >= 0) tokens.push({ text, quoted, start, end });
    text = '';
    quoted = false;
    start = -1;
  };

  while (i < line.length) {
    const c = line[i];
    if (c === '"') {
      if (start < 0) start = i;
      quoted = true;
      i++;
      // An unterminated quote runs to the end of the line rather than failing.
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length) i++;
        text += line[i];
        i++;
      }
      i++; // closing quote
      // iptables-restore ends the argument at the closing quote, even if more text follows directly.
      flush(Math.min(i, line.length));
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      flush(i);
      i++;
      continue;
    }
    if (start < 0) start = i;
    text += c;
    i++;
  }
  flush(line.length);
  return tokens;
}

/** The arguments of an iptables rule line, unquoted. */
export function tokenize(line: string): string[] {
  return tokenizeWithPositions(line).map((t) => t.text);
}

const SAFE_UNQUOTED = /^[A-Za-z0-9_\-./:,@%+=^~|[\]]+$/;
const SAVE_STRING_SAFE = /^[A-Za-z0-9_-]+$/;

function quote(value: string): string {
  return `"${value.replace(/["\\']/g, (m) => `\\${m}`)}"`;
}

/**
 * Quotes an argument so that {@link tokenize} gives it back unchanged and never mistakes it for an option.
 * `saveString` mimics xtables_save_string (used for comments, log prefixes …): quote unless purely `[A-Za-z0-9_-]`.
 */
export function quoteArg(value: string, saveString = false): string {
  const needsQuote =
    value === '' ||
    value === '!' ||
    value.startsWith('-') ||
    !(saveString ? SAVE_STRING_SAFE : SAFE_UNQUOTED).test(value);
  return needsQuote ? quote(value) : value;
}
