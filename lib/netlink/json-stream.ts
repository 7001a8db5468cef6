/**
 * Split text holding several JSON values one after another (as `ip -j -batch` prints them) into one string per
 * value. Tracks brackets outside strings; whitespace between values is dropped.
 */
export function splitJsonValues(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === ']' || c === '}') {
      if (--depth === 0) out.push(text.slice(start, i + 1));
    }
  }
  return out;
}

/**
 * JSON.parse for tool output that may hold raw control bytes inside strings: iproute2 escapes only some of them,
 * so an interface named `\e]0;x\a` makes `ip -j` print invalid JSON. Such bytes are escaped (`\u001b`) first,
 * which keeps the odd name exactly; anything else invalid still throws.
 */
export function parseJsonLenient(text: string): unknown {
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      else if (c < 0x20) {
        out += text.slice(from, i) + `\\u${c.toString(16).padStart(4, '0')}`;
        from = i + 1;
      }
    } else if (c === 0x22) inString = true;
  }
  return JSON.parse(from === 0 ? text : out + text.slice(from));
}
