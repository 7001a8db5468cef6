import type { Counters, NftChain, NftRule, NftSet, NftTable } from '../snapshot/netfilter-schema';

/**
 * Parser for `nft list ruleset` / `nft list table …` / `nft -a list …` text. Line based: nft prints one
 * statement per line, except that `{ … }` lists (set elements, anonymous sets, devices) may wrap, so a
 * line with unbalanced braces is joined with the following ones.
 */

export interface NftTextParseResult {
  tables: NftTable[];
  /** Lines that fit nowhere in the grammar (comments and blank lines are not listed). */
  unparsedLines: Array<{ line: number; text: string }>;
}

interface Line {
  no: number;
  original: string;
  /** Trimmed, without a trailing `# handle N`. */
  text: string;
  handle: number | null;
}

const HANDLE_SUFFIX = /\s*#\s*handle\s+(\d+)\s*$/;
const NAME = String.raw`("[^"]*"|\S+)`;
const TABLE_OPEN = new RegExp(String.raw`^table\s+(?:(\S+)\s+)?${NAME}\s*\{$`);
const BLOCK_OPEN = new RegExp(String.raw`^(chain|set|map)\s+${NAME}\s*\{$`);
/** Stateful objects and flowtables: valid inside a table, not modelled here. */
const OTHER_BLOCK = /^(flowtable|counter|quota|limit|secmark|synproxy|ct\s+(?:helper|timeout|expectation))\s+\S+\s*\{$/;

const unquote = (s: string) => (s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s);

/** Net count of `{` minus `}` outside double quotes. */
function braceDelta(s: string): number {
  let depth = 0;
  let inQuote = false;
  for (const c of s) {
    if (c === '"') inQuote = !inQuote;
    else if (!inQuote && c === '{') depth++;
    else if (!inQuote && c === '}') depth--;
  }
  return depth;
}

export function parseNftText(text: string): NftTable[] {
  return parseNftTextDetailed(text).tables;
}

export function parseNftTextDetailed(input: string): NftTextParseResult {
  const lines: Line[] = input.split(/\r?\n/).map((original, i) => {
    const h = HANDLE_SUFFIX.exec(original);
    // A header like `table ip t { # handle 3` only has its handle after the `{`.
    const text = (h ? original.slice(0, h.index) : original).trim();
    return { no: i + 1, original, text, handle: h ? Number(h[1]) : null };
  });
  const tables: NftTable[] = [];
  const unparsedLines: NftTextParseResult['unparsedLines'] = [];
  const fail = (l: Line) => unparsedLines.push({ line: l.no, text: l.original });
  const isSkippable = (l: Line) => l.text === '' || l.text.startsWith('#');

  /** Index just after the block opened on line `i` (the line with its closing brace). */
  const skipBlock = (i: number): number => {
    let depth = braceDelta(lines[i].text);
    let j = i + 1;
    while (j < lines.length && depth > 0) depth += braceDelta(lines[j++].text);
    return j;
  };

  /**
   * Joins line `i` with the following ones until its braces balance; returns the text, the next index and
   * the handle (`nft -a` writes it on the last physical line of a wrapped rule).
   */
  const logical = (i: number): [string, number, number | null] => {
    let text = lines[i].text;
    let handle = lines[i].handle;
    let depth = braceDelta(text);
    let j = i + 1;
    while (depth > 0 && j < lines.length) {
      text += ' ' + lines[j].text;
      handle = lines[j].handle ?? handle;
      depth += braceDelta(lines[j++].text);
    }
    return [text, j, handle];
  };

  const parseChain = (name: string, i: number): [NftChain, number] => {
    const chain: NftChain = { name, type: null, hook: null, priority: null, policy: null, rules: [] };
    while (i < lines.length) {
      const l = lines[i];
      if (l.text === '}') return [chain, i + 1];
      if (isSkippable(l)) {
        i++;
        continue;
      }
      const [text, next, handle] = logical(i);
      if (/^(type|policy)\s/.test(text)) parseChainSpec(chain, text);
      else if (/^devices\s*=/.test(text)) {
        /* netdev chain devices: not modelled */
      } else if (/^comment\s+"[^"]*"$/.test(text) && chain.rules.length === 0) {
        /* the chain's own comment, printed before its rules */
      } else chain.rules.push(parseNftRuleText(text, handle));
      i = next;
    }
    return [chain, i];
  };

  const parseSet = (name: string, kind: 'set' | 'map', i: number): [NftSet, number] => {
    const set: NftSet = { name, kind, type: '', elements: [] };
    while (i < lines.length) {
      const l = lines[i];
      if (l.text === '}') return [set, i + 1];
      if (isSkippable(l)) {
        i++;
        continue;
      }
      const [text, next] = logical(i);
      const type = /^(type|typeof)\s+(.+?);?$/.exec(text);
      const elements = /^elements\s*=\s*\{(.*)\}\s*;?$/.exec(text);
      if (type) set.type = type[1] === 'typeof' ? `typeof ${type[2]}` : type[2];
      else if (elements) set.elements = splitTopLevel(elements[1]);
      else if (!/^(flags|size|timeout|gc-interval|policy|auto-merge|counter|comment|quota)\b/.test(text)) fail(l);
      i = next;
    }
    return [set, i];
  };

  const parseTable = (table: NftTable, i: number): number => {
    while (i < lines.length) {
      const l = lines[i];
      if (l.text === '}') return i + 1;
      if (isSkippable(l) || /^(flags|comment)\s/.test(l.text)) {
        i++;
        continue;
      }
      const block = BLOCK_OPEN.exec(l.text);
      if (block) {
        const name = unquote(block[2]);
        if (block[1] === 'chain') {
          const [chain, next] = parseChain(name, i + 1);
          table.chains.push(chain);
          i = next;
        } else {
          const [set, next] = parseSet(name, block[1] as 'set' | 'map', i + 1);
          table.sets.push(set);
          i = next;
        }
        continue;
      }
      if (!OTHER_BLOCK.test(l.text)) fail(l);
      i = braceDelta(l.text) > 0 ? skipBlock(i) : i + 1;
    }
    return i;
  };

  let i = 0;
  while (i < lines.length) {
    const l = lines[i];
    if (isSkippable(l)) {
      i++;
      continue;
    }
    const open = TABLE_OPEN.exec(l.text);
    if (open) {
      // `nft list` always prints the family; nft's default for a missing one is `ip`.
      const table: NftTable = { family: open[1] ?? 'ip', name: unquote(open[2]), chains: [], sets: [] };
      tables.push(table);
      i = parseTable(table, i + 1);
      continue;
    }
    fail(l);
    i = braceDelta(l.text) > 0 ? skipBlock(i) : i + 1;
  }
  return { tables, unparsedLines };
}

/** `type filter hook forward priority filter; policy accept;` (clauses may also come on separate lines). */
function parseChainSpec(chain: NftChain, text: string): void {
  for (const clause of text.split(';').map((c) => c.trim())) {
    const spec = /^type\s+(\S+)(?:\s+hook\s+(\S+))?(?:\s+device\s+(?:"[^"]*"|\S+))?(?:\s+devices\s*=\s*\{[^}]*\})?(?:\s+priority\s+(.+))?$/.exec(clause);
    const policy = /^policy\s+(\S+)$/.exec(clause);
    if (spec) {
      chain.type = spec[1];
      chain.hook = spec[2] ?? null;
      chain.priority = spec[3] === undefined ? null : /^-?\d+$/.test(spec[3].trim()) ? Number(spec[3]) : spec[3].trim();
    } else if (policy) {
      chain.policy = policy[1];
    }
  }
}

/** Splits `a, "b" : jump c, { d, e }` at commas that are not inside quotes or nested braces. */
export function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inQuote = false;
  let cur = '';
  for (const c of s) {
    if (c === '"') inQuote = !inQuote;
    if (!inQuote && (c === '{' || c === '(')) depth++;
    if (!inQuote && (c === '}' || c === ')')) depth--;
    if (!inQuote && depth === 0 && c === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out.map((e) => e.replace(/\s+/g, ' '));
}

/** Words and quoted strings of a rule at brace depth 0, so that a set element's counter is not the rule's. */
function topLevelWords(text: string): string[] {
  const words: string[] = [];
  const re = /"[^"]*"|[{}]|[^\s{}"]+/g;
  let depth = 0;
  for (const m of text.matchAll(re)) {
    if (m[0] === '{') depth++;
    else if (m[0] === '}') depth--;
    else if (depth === 0) words.push(m[0]);
  }
  return words;
}

/** Builds an NftRule from one rule's text (already without its `# handle N`). */
export function parseNftRuleText(text: string, handle: number | null): NftRule {
  const words = topLevelWords(text);
  let counters: Counters | null = null;
  let comment: string | null = null;
  for (let k = 0; k < words.length; k++) {
    if (words[k] === 'counter' && words[k + 1] === 'packets' && words[k + 3] === 'bytes') {
      const [p, b] = [Number(words[k + 2]), Number(words[k + 4])];
      if (Number.isInteger(p) && Number.isInteger(b)) counters = { packets: p, bytes: b };
    }
    if (words[k] === 'comment' && words[k + 1]?.startsWith('"')) comment = unquote(words[k + 1]);
  }
  return { text, handle, counters, comment, expr: null };
}
