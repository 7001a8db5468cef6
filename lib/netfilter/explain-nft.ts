import type { NftChain, NftRule, NftTable } from '../snapshot/netfilter-schema';
import { genericSentence, Namer, notUnderstood, type Family, type GenericWords } from './describe-match';
import { dockerBridgesRule, dockerDnsRule } from './explain-nft-docker';
import type { ExplainContext, RuleExplanation, RuleOrigin } from './explain-types';
import { parseNftStatements } from './nft-statements';
import { toIptRule } from './nft-translate';

/**
 * Explanations of native nftables rules, read from the rule's `nft list` text by the shared statement reader.
 * Docker's own tables are recognised by their exact shapes (`explain-nft-docker.ts`); any other rule is translated
 * into the iptables model (`nft-translate.ts`) and worded by the generic describer, or, when a statement is not one
 * the reader knows, returned as not understood.
 */

/** Who owns a table by its name. */
function tableOwner(table: NftTable): RuleOrigin | null {
  if (/^docker[-_]/.test(table.name)) return 'docker';
  if (/^kube-proxy$/.test(table.name)) return 'kube-proxy';
  if (/^(firewalld|ufw)/.test(table.name)) return 'system';
  return null;
}

/** Explains one native nftables rule from its text. Never throws. */
export function explainNftRule(ctx: ExplainContext, table: NftTable, chain: NftChain, rule: NftRule): RuleExplanation {
  const family: Family = table.family === 'ip6' ? 'ipv6' : 'ipv4';
  const p = parseNftStatements(rule.text);
  const owner = tableOwner(table);
  // Docker's rules are matched only when every statement was read: a shape is never guessed around a gap.
  if (owner === 'docker' && p.unknown.length === 0) {
    const n = new Namer(ctx, family);
    const m = table.name === 'docker-dns' ? dockerDnsRule(chain, p) : table.name === 'docker-bridges' ? dockerBridgesRule(n, table, chain, p) : null;
    if (m) return { ...m, sentence: m.sentence + n.strayNote(), origin: 'docker', objects: n.objects, understood: true };
  }

  const n = new Namer(ctx, family);
  let words: GenericWords;
  if (p.vmap) {
    // A verdict map outside Docker's table: name the map and what it dispatches on.
    const map = table.sets.find((s) => s.name === p.vmap!.map);
    const readable = `Sends traffic to the verdict listed for its ${p.vmap.key === 'iifname' ? 'incoming' : 'outgoing'} interface in the map ${p.vmap.map}${map ? ` (${map.elements.join('; ')})` : ''}.`;
    words = notUnderstood(readable, [...p.unknown, ...(p.keys.size > 0 || p.verdict ? ['conditions next to a verdict map'] : [])]);
  } else {
    const g = genericSentence(n, toIptRule(p, rule.text), chain.hook !== null);
    words = notUnderstood(g.readable, [...p.unknown, ...g.unknown]);
  }
  const { sentence } = words;
  const ok = words.understood;
  const base = { sentence, objects: n.objects, understood: ok };
  if (owner === 'docker') {
    return { ...base, sentence: ok ? `${sentence} It is in Docker's ${table.family} ${table.name} table, but not a rule netatlas knows Docker to write.` : sentence, role: 'docker-other', origin: 'docker' };
  }
  if (owner === 'kube-proxy') return { ...base, role: 'kube-proxy', origin: 'kube-proxy' };
  if (owner === 'system') return { ...base, role: 'system', origin: 'system' };
  if (!ok) return { ...base, role: 'unexplained', origin: 'unknown' };
  return { ...base, role: 'user', origin: 'user' };
}
