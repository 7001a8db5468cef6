import type { IptRuleset, NftTable } from '@/lib/snapshot/netfilter-schema';
import { parseIptablesSave } from './iptables-parse';
import { parseNftJson } from './nft-json-parse';
import { parseNftText } from './nft-text-parse';

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

/** Guesses the dump format from its first significant lines. */
export function detectRulesetFormat(text: string): RulesetFormat {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const doc = parseJsonDoc(trimmed);
    if (typeof doc === 'object' && doc !== null && Array.isArray((doc as { nftables?: unknown }).nftables))
      return 'nft-json';
  }
  const lines = trimmed.split(/\r?\n/).map((l) => l.trim());
  const has = (re: RegExp) => lines.some((l) => re.test(l));
  if (has(/^table\s+(?:(?:ip|ip6|inet|arp|bridge|netdev)\s+)?\S+\s*\{/)) return 'nft-text';
  if (has(/^\*\S+$/) || has(/^:\S+\s+\S+/) || has(/^\[\d+:\d+\]\s*-A\s/)) return 'iptables-save';
  if (has(/^-[PNA]\s+\S+/)) return 'iptables-S';
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
