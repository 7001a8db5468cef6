import type { Counters, IptMatch, IptOption, IptRule, IptTarget } from '../snapshot/netfilter-schema';
import {
  BUILTIN_VALUE_OPTIONS,
  IMPLICIT_PROTOCOL_MATCHES,
  KNOWN_MATCH_MODULES,
} from './iptables-modules';
import { tokenizeWithPositions, type Token } from './tokenize';

/** One `-A`/`-I` line, split into the chain it goes to and the parsed rule. */
export interface ParsedRuleLine {
  command: 'append' | 'insert';
  chain: string;
  /** 1-based position of `-I CHAIN N`; null for `-A` and `-I` without a number (= head). */
  position: number | null;
  rule: IptRule;
}

const COUNTERS_PREFIX = /^\[(\d+):(\d+)\]\s*/;
const APPEND = new Set(['-A', '--append']);
const INSERT = new Set(['-I', '--insert']);
const SET_COUNTERS = new Set(['-c', '--set-counters']);
const DIGITS = /^\d+$/;

/** Unquoted `-x` / `--xyz`: a quoted token or a negative number (`-1`) is a value. */
function isOptionLike(t: Token | undefined): boolean {
  return !!t && !t.quoted && /^--?[A-Za-z]/.test(t.text);
}

function isBang(t: Token | undefined): boolean {
  return !!t && !t.quoted && t.text === '!';
}

/** A value an option can take: anything but an option or a `!` (which negates the next option). */
function isValue(t: Token | undefined): t is Token {
  return !!t && !isOptionLike(t) && !isBang(t);
}

/**
 * Parses a rule line: `[p:b] -A CHAIN …`, `-A CHAIN … -c p b …` or `-I CHAIN [N] …`.
 * Returns null when the line is not a rule command at all; odd arguments end up in `rule.unparsed`.
 */
export function parseRuleLine(line: string): ParsedRuleLine | null {
  let text = line.trim();
  let counters: Counters | null = null;
  const prefix = COUNTERS_PREFIX.exec(text);
  if (prefix) {
    counters = { packets: Number(prefix[1]), bytes: Number(prefix[2]) };
    text = text.slice(prefix[0].length);
  }

  const tokens = tokenizeWithPositions(text);
  const cmd = tokens[0];
  if (!cmd || cmd.quoted || !(APPEND.has(cmd.text) || INSERT.has(cmd.text))) return null;
  const chainTok = tokens[1];
  if (!isValue(chainTok)) return null;

  const command = APPEND.has(cmd.text) ? 'append' : 'insert';
  let bodyStart = 2;
  let position: number | null = null;
  if (command === 'insert' && tokens[2] && !tokens[2].quoted && DIGITS.test(tokens[2].text)) {
    position = Number(tokens[2].text);
    bodyStart = 3;
  }

  // `-c p b` may appear anywhere in a rule (iptables -S -v puts it before -j); it is not part of `raw`.
  const body: Token[] = [];
  const cuts: Array<[number, number]> = [];
  for (let i = bodyStart; i < tokens.length; i++) {
    const t = tokens[i];
    const [p, b] = [tokens[i + 1], tokens[i + 2]];
    if (!t.quoted && SET_COUNTERS.has(t.text) && p && b && DIGITS.test(p.text) && DIGITS.test(b.text)) {
      counters = { packets: Number(p.text), bytes: Number(b.text) };
      cuts.push([t.start, b.end]);
      i += 2;
    } else {
      body.push(t);
    }
  }

  const raw = cutSpans(text, cuts);
  return { command, chain: chainTok.text, position, rule: parseRuleBody(body, raw, counters) };
}

/** Parses a `-A CHAIN …` line into its rule; null if the line is no rule. */
export function parseRule(line: string): IptRule | null {
  return parseRuleLine(line)?.rule ?? null;
}

function cutSpans(text: string, cuts: Array<[number, number]>): string {
  let out = text;
  for (const [s, e] of [...cuts].reverse()) out = out.slice(0, s).trimEnd() + ' ' + out.slice(e).trimStart();
  return out.trim();
}

/** Turns the arguments after `-A CHAIN` into the structured rule. */
export function parseRuleBody(tokens: Token[], raw: string, counters: Counters | null): IptRule {
  const rule: IptRule = {
    raw,
    counters,
    source: null,
    destination: null,
    inInterface: null,
    outInterface: null,
    protocol: null,
    fragment: null,
    matches: [],
    target: null,
    unparsed: [],
  };
  // Where `--option`s go: the latest `-m` module, or the target once `-j`/`-g` was seen.
  let current: IptMatch | IptTarget | null = null;
  let negate: Token | null = null;

  const reject = (...ts: Array<Token | null | undefined>) => {
    for (const t of ts) if (t) rule.unparsed.push(t.text);
  };

  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i];
    if (isBang(t)) {
      reject(negate); // `! !` : the first one has nothing to negate
      negate = t;
      i++;
      continue;
    }
    if (!isOptionLike(t)) {
      reject(negate, t);
      negate = null;
      i++;
      continue;
    }

    const field = BUILTIN_VALUE_OPTIONS[t.text];
    if (field) {
      // Old syntax `-s ! 10.0.0.0/8` puts the `!` after the option.
      const oldNeg = isBang(tokens[i + 1]) && isValue(tokens[i + 2]);
      const valueTok = tokens[i + (oldNeg ? 2 : 1)];
      const width = !isValue(valueTok) ? 1 : oldNeg ? 3 : 2;
      // A repeated option, a missing value or a double negation (`! -s ! x`) is an error for iptables too.
      if (!isValue(valueTok) || rule[field] !== null || (negate && oldNeg)) reject(negate, ...tokens.slice(i, i + width));
      else rule[field] = { value: valueTok.text, negated: !!negate || oldNeg };
      i += width;
      negate = null;
      continue;
    }

    if (t.text === '-f' || t.text === '--fragment') {
      if (rule.fragment) reject(negate, t);
      else rule.fragment = { negated: !!negate };
      negate = null;
      i++;
      continue;
    }

    if (t.text === '-m' || t.text === '--match') {
      const nameTok = tokens[i + 1];
      reject(negate); // a module cannot be negated as a whole
      negate = null;
      if (!isValue(nameTok)) {
        reject(t);
        i++;
        continue;
      }
      const match: IptMatch = { module: nameTok.text, options: [], known: KNOWN_MATCH_MODULES.has(nameTok.text) };
      rule.matches.push(match);
      current = match;
      i += 2;
      continue;
    }

    if (t.text === '-j' || t.text === '--jump' || t.text === '-g' || t.text === '--goto') {
      const nameTok = tokens[i + 1];
      reject(negate);
      negate = null;
      if (!isValue(nameTok) || rule.target) {
        reject(t, isValue(nameTok) ? nameTok : null);
        i += isValue(nameTok) ? 2 : 1;
        continue;
      }
      rule.target = { name: nameTok.text, goto: t.text === '-g' || t.text === '--goto', options: [] };
      current = rule.target;
      i += 2;
      continue;
    }

    // A module or target option: `--name arg…`, negated by a preceding `!` or (old syntax) `--name ! arg`.
    const start = i;
    let j = i + 1;
    let oldNeg = false;
    if (isBang(tokens[j]) && isValue(tokens[j + 1])) {
      oldNeg = true;
      j++;
    }
    const args: string[] = [];
    while (isValue(tokens[j])) args.push(tokens[j++].text);
    i = j;

    if (!t.text.startsWith('--')) {
      // Single-dash options other than the ones above (-4, -6, …) are not modelled.
      reject(negate, ...tokens.slice(start, j));
      negate = null;
      continue;
    }
    if (!current) current = implicitProtocolMatch(rule);
    if (!current) {
      reject(negate, ...tokens.slice(start, j));
      negate = null;
      continue;
    }
    const option: IptOption = { name: t.text.slice(2), args, negated: !!negate || oldNeg };
    current.options.push(option);
    negate = null;
  }
  reject(negate);
  return rule;
}

/** `-p tcp --dport 80` without `-m tcp`: iptables loads the protocol's match itself. */
function implicitProtocolMatch(rule: IptRule): IptMatch | null {
  const proto = rule.protocol;
  if (!proto || proto.negated) return null;
  const name = proto.value.toLowerCase();
  if (!IMPLICIT_PROTOCOL_MATCHES.has(name)) return null;
  const module = name === 'ipv6-icmp' ? 'icmpv6' : name;
  const match: IptMatch = { module, options: [], known: KNOWN_MATCH_MODULES.has(module) };
  rule.matches.push(match);
  return match;
}
