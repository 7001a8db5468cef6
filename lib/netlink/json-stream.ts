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
