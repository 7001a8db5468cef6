import type { IptMatch, IptRule, IptTarget } from '../snapshot/netfilter-schema';
import type { NftParsed } from './nft-statements';

/**
 * An nft rule's statements in the iptables model (matches, a target), so the generic describer words native
 * nftables rules with the same vocabulary as iptables ones.
 */

/** `icmp type port-unreachable` → iptables' `icmp-port-unreachable`, so both read alike (unknown ones stay unknown). */
function rejectWith(arg: string): string {
  if (arg === 'tcp reset') return 'tcp-reset';
  const m = /^(icmp|icmpx|icmpv6) type (\S+)$/.exec(arg);
  if (!m) return arg;
  const type = m[2] === 'prot-unreachable' ? 'proto-unreachable' : m[1] === 'icmpv6' && m[2] === 'admin-prohibited' ? 'adm-prohibited' : m[2];
  return `${m[1] === 'icmpv6' ? 'icmp6' : 'icmp'}-${type}`;
}

/** nft verdicts and statements as the iptables targets the generic describer knows. */
const TARGET_OF_VERDICT: Record<string, string> = {
  accept: 'ACCEPT', drop: 'DROP', return: 'RETURN', notrack: 'NOTRACK', masquerade: 'MASQUERADE', snat: 'SNAT',
  dnat: 'DNAT', redirect: 'REDIRECT', reject: 'REJECT', log: 'LOG', mark: 'MARK', queue: 'NFQUEUE',
};

/** The same conditions as an iptables rule, so that the generic describer words nft rules too. */
export function toIptRule(p: NftParsed, text: string): IptRule {
  const matches: IptMatch[] = [];
  if (p.proto && !p.proto.negated && (p.dport || p.sport)) {
    const options = [
      ...(p.sport ? [{ name: 'sport', args: [p.sport.spec], negated: p.sport.negated }] : []),
      ...(p.dport ? [{ name: 'dport', args: [p.dport.spec], negated: p.dport.negated }] : []),
    ];
    // Lists of ports are a multiport match in iptables terms.
    const multi = [p.sport, p.dport].some((x) => x?.spec.includes(','));
    matches.push(
      multi
        ? { module: 'multiport', options: options.map((o) => ({ ...o, name: `${o.name}s` })), known: true }
        : { module: p.proto.value.toLowerCase(), options, known: true },
    );
  }
  if (p.ct) matches.push({ module: 'conntrack', options: [{ name: 'ctstate', args: [p.ct.spec], negated: p.ct.negated }], known: true });
  if (p.ctStatus) {
    // nft's `ct status dnat` is iptables' virtual `--ctstate DNAT`; the other bits are `--ctstatus SEEN_REPLY` ….
    const virtual = p.ctStatus.spec.split(',').every((x) => x === 'DNAT' || x === 'SNAT');
    const option = virtual
      ? { name: 'ctstate', args: [p.ctStatus.spec], negated: p.ctStatus.negated }
      : { name: 'ctstatus', args: [p.ctStatus.spec.replace(/-/g, '_')], negated: p.ctStatus.negated };
    matches.push({ module: 'conntrack', options: [option], known: true });
  }
  for (const f of p.fib)
    matches.push({ module: 'addrtype', options: [{ name: f.dir === 'dst' ? 'dst-type' : 'src-type', args: [f.type], negated: f.negated }], known: true });
  for (const s of p.sets)
    matches.push({ module: 'set', options: [{ name: 'match-set', args: [s.name, s.dir], negated: s.negated }], known: true });
  if (p.mark) matches.push({ module: 'mark', options: [{ name: 'mark', args: [p.mark.value], negated: p.mark.negated }], known: true });
  if (p.comment !== null) matches.push({ module: 'comment', options: [{ name: 'comment', args: [p.comment], negated: false }], known: true });

  const v = p.verdict;
  const opt = (name: string, arg: string | null) => (arg ? [{ name, args: [arg], negated: false }] : []);
  // `continue` goes on to the next rule: in iptables terms, a rule without a target.
  const target: IptTarget | null = !v || v.kind === 'continue'
    ? null
    : v.kind === 'jump' || v.kind === 'goto'
      ? { name: v.arg ?? '?', goto: v.kind === 'goto', options: [] }
      : {
          name: TARGET_OF_VERDICT[v.kind] ?? v.kind.toUpperCase(),
          goto: false,
          options:
            v.kind === 'snat' ? opt('to-source', v.arg)
            : v.kind === 'dnat' ? opt('to-destination', v.arg)
            : v.kind === 'redirect' || v.kind === 'masquerade' ? opt('to-ports', v.arg?.replace(/^:/, '') ?? null)
            : v.kind === 'log' ? opt('log-prefix', v.arg)
            : v.kind === 'mark' ? opt('set-mark', v.arg)
            : v.kind === 'reject' ? opt('reject-with', v.arg && rejectWith(v.arg))
            : [],
        };
  return {
    raw: text, counters: null, source: p.saddr, destination: p.daddr, inInterface: p.iif, outInterface: p.oif,
    protocol: p.proto, fragment: null, matches, target, unparsed: [],
  };
}
