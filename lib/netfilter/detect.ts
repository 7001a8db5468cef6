import type { IptRuleset, NftTable } from '@/lib/snapshot/netfilter-schema';
import { parseIptablesSave } from './iptables-parse';
import { parseNftJson } from './nft-json-parse';
import { parseNftText } from './nft-text-parse';
import { lines } from '../text/lines';

export type RulesetFormat = 'iptables-save' | 'iptables-S' | 'nft-text' | 'nft-json' | 'unknown';

export interface ParsedRuleset {
  format: RulesetFormat;
  /** iptables dumps (the text does not say whether it came from iptables or ip6tables). */
  ipv4?: IptRuleset;
  nft?: NftTable[];
}

function parseJsonDoc(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export type DumpText = { ok: true; text: string } | { ok: false; why: string };

/**
 * A dump's bytes as text, or why they are not a dump at all: rulesets are text, so a NUL byte or invalid UTF-8
 * means binary data (a PNG, /dev/urandom, /dev/zero), refused before any parser sees it.
 */
export function dumpText(bytes: Uint8Array): DumpText {
  if (bytes.indexOf(0) >= 0) return { ok: false, why: 'contains NUL bytes: binary data, not a ruleset dump' };
  const text = decodeUtf8(bytes);
  return text === null ? { ok: false, why: 'is not UTF-8 text: binary data, not a ruleset dump' } : { ok: true, text };
}

const fatalDecoder = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return fatalDecoder.decode(bytes);
  } catch {
    return null; // TextDecoder's only way to say "not UTF-8"
  }
}

/** An iptables-save / -S line: table header, chain declaration, policy, new chain, rule, COMMIT. */
const IPTABLES_LINE = /^(?:\*\S+|:\S+\s+\S+.*|COMMIT|(?:\[\d+:\d+\]\s*)?-[APNIX]\s+\S+.*|--(?:append|insert|policy|new-chain)\s+\S+.*)$/;

/**
 * Share of significant lines (not blank, not comments) an iptables dump must have in its own syntax: a text that
 * merely contains a `*filter` line among garbage is not a dump.
 */
export const MIN_IPTABLES_LINE_SHARE = 0.5;

/** Guesses the dump format from its first significant lines. */
export function detectRulesetFormat(text: string): RulesetFormat {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const doc = parseJsonDoc(trimmed);
    if (typeof doc === 'object' && doc !== null && Array.isArray((doc as { nftables?: unknown }).nftables))
      return 'nft-json';
  }
  // One pass over the lines, no array of them: a dump can have hundreds of thousands.
  let nft = false, save = false, dashS = false, significant = 0, iptablesLike = 0;
  for (const raw of lines(trimmed)) {
    const l = raw.trim();
    if (l === '' || l.startsWith('#')) continue;
    significant++;
    if (IPTABLES_LINE.test(l)) iptablesLike++;
    nft ||= /^table\s+(?:(?:ip|ip6|inet|arp|bridge|netdev)\s+)?\S+\s*\{/.test(l);
    save ||= /^\*\S+$/.test(l) || /^:\S+\s+\S+/.test(l) || /^\[\d+:\d+\]\s*-A\s/.test(l);
    dashS ||= /^-[PNA]\s+\S+/.test(l);
  }
  if (nft) return 'nft-text';
  if (iptablesLike < significant * MIN_IPTABLES_LINE_SHARE) return 'unknown';
  if (save) return 'iptables-save';
  if (dashS) return 'iptables-S';
  return 'unknown';
}

/** Detects the format and parses with the matching parser. */
export function parseRulesetText(text: string): ParsedRuleset {
  const format = detectRulesetFormat(text);
  switch (format) {
    case 'iptables-save':
    case 'iptables-S':
      return { format, ipv4: parseIptablesSave(text) };
    case 'nft-text':
      return { format, nft: parseNftText(text) };
    case 'nft-json':
      return { format, nft: parseNftJson(parseJsonDoc(text.trim())).tables };
    default:
      return { format };
  }
}
