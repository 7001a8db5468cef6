import type { IptMatch, IptRule, IptTarget, NegatableValue, NftChain, NftRule, NftTable } from '../snapshot/netfilter-schema';
import { hostAddress, isLoopback, splitEndpoint } from '../net/cidr';
import {
  addrtypePhrase,
  ctstatePhrase,
  genericSentence,
  ifacePhrase,
  Namer,
  notUnderstood,
  protocolName,
  protoPortsText,
  specialAddress,
  type Family,
  type GenericWords,
} from './describe-match';
import type { ExplainContext, RuleExplanation, RuleOrigin, RuleRole } from './explain-types';

/**
 * Explanations of native nftables rules, read from the rule's `nft list` text. Docker 29's `docker-bridges`
 * tables (and the embedded DNS's `docker-dns`) are recognised by chain, statement shape and Docker's own
 * comments; any other rule is translated into the iptables model and worded by the generic describer, or, when a
 * statement is not one this reader knows, returned as not understood.
 */

interface Port {
  spec: string; // iptables spelling: 80, 8000:8010, 80,443
  negated: boolean;
}

/** One rule's statements, as far as they were read. */
export interface NftParsed {
  iif: NegatableValue | null;
  oif: NegatableValue | null;
  saddr: NegatableValue | null;
  daddr: NegatableValue | null;
  /** Named-set lookups: `ip daddr @docker-hosts`. */
  sets: Array<{ name: string; dir: 'src' | 'dst'; negated: boolean }>;
  proto: NegatableValue | null;
  sport: Port | null;
  dport: Port | null;
  ct: { spec: string; negated: boolean } | null;
  ctStatus: { spec: string; negated: boolean } | null;
  fib: Array<{ dir: 'src' | 'dst'; type: string; negated: boolean }>;
  mark: { value: string; negated: boolean } | null;
  vmap: { key: 'iifname' | 'oifname'; map: string } | null;
  verdict: { kind: string; arg: string | null } | null;
  comment: string | null;
  /** Which conditions are present, with `!` for negated ones: `!iif`, `daddr`, `dport`, `ct`, `fibdst` … */
  keys: Set<string>;
  unknown: string[];
}

const unquote = (s: string) => (s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s);

/** nft words, keeping `"quoted strings"` and `{ set, literals }` whole. */
function words(text: string): string[] {
  return [...text.matchAll(/"[^"]*"|\{[^}]*\}|\S+/g)].map((m) => m[0]);
}

/** nft wildcard `"br-*"` is iptables' `br-+`. */
const ifname = (v: string) => unquote(v).replace(/\*$/, '+');

/** `80` → 80, `8000-8010` → 8000:8010, `{ 80, 443 }` → 80,443. */
function portSpec(v: string): string {
  const inner = v.startsWith('{') ? v.slice(1, -1) : v;
  return inner
    .split(',')
    .map((x) => x.trim().replace('-', ':'))
    .filter(Boolean)
    .join(',');
}

const PORT_PROTOS = new Set(['tcp', 'udp', 'sctp', 'udplite', 'dccp']);
const SIMPLE_VERDICTS = new Set(['accept', 'drop', 'return', 'continue', 'queue', 'notrack']);
/** Words that begin a statement this reader knows: unreadable words run up to the next of these. */
const STATEMENT_START = new Set([
  ...SIMPLE_VERDICTS, ...PORT_PROTOS, 'iifname', 'oifname', 'ip', 'ip6', 'ct', 'fib', 'meta', 'mark', 'counter', 'comment',
  'jump', 'goto', 'reject', 'masquerade', 'redirect', 'snat', 'dnat', 'log',
]);

/** Reads a rule's statements; anything it does not know goes to `unknown`, word for word. */
export function parseNftStatements(text: string): NftParsed {
  const p: NftParsed = {
    iif: null, oif: null, saddr: null, daddr: null, sets: [], proto: null, sport: null, dport: null, ct: null,
    ctStatus: null, fib: [], mark: null, vmap: null, verdict: null, comment: null, keys: new Set(), unknown: [],
  };
  const t = words(text);
  let i = 0;
  const key = (k: string, negated: boolean) => p.keys.add(`${negated ? '!' : ''}${k}`);
  /** `[!=|==] value`; null when the operator is not one this reader handles. */
  const operand = (): { value: string; negated: boolean } | null => {
    let negated = false;
    if (t[i] === '!=') {
      negated = true;
      i++;
    } else if (t[i] === '==') i++;
    else if (/^(<|>|<=|>=)$/.test(t[i] ?? '')) return null;
    const value = t[i++];
    return value === undefined ? null : { value, negated };
  };
  /** Records the words from `from` on as unreadable, up to the next word that starts a known statement. */
  const fail = (from: number) => {
    while (i < t.length && !STATEMENT_START.has(t[i])) i++;
    p.unknown.push(`"${t.slice(from, i).join(' ')}"`);
  };

  while (i < t.length) {
    const start = i;
    const w = t[i++];
    if (w === 'counter') {
      if (t[i] === 'packets' && t[i + 2] === 'bytes') i += 4;
      continue;
    }
    if (w === 'comment') {
      p.comment = unquote(t[i++] ?? '');
      continue;
    }
    let word = w;
    if ((w === 'meta' && t[i] === 'mark' && t[i + 1] === 'set') || (w === 'mark' && t[i] === 'set')) {
      i += w === 'meta' ? 2 : 1;
      p.verdict = { kind: 'mark', arg: t[i++] ?? null };
      continue;
    }
    if (w === 'meta') {
      // `meta iifname` is `iifname`, `meta l4proto` the transport protocol, `meta mark` the firewall mark.
      if (!['iifname', 'oifname', 'l4proto', 'mark'].includes(t[i])) {
        i++;
        fail(start);
        continue;
      }
      word = t[i++];
    }
    if (word === 'iifname' || word === 'oifname') {
      if (t[i] === 'vmap' && t[i + 1]?.startsWith('@')) {
        p.vmap = { key: word, map: t[i + 1].slice(1) };
        i += 2;
        continue;
      }
      const o = operand();
      if (!o || o.value.startsWith('{')) {
        fail(start);
        continue;
      }
      const v = { value: ifname(o.value), negated: o.negated };
      if (word === 'iifname') p.iif = v;
      else p.oif = v;
      key(word === 'iifname' ? 'iif' : 'oif', o.negated);
      continue;
    }
    if ((word === 'ip' || word === 'ip6') && (t[i] === 'saddr' || t[i] === 'daddr')) {
      const which = t[i++];
      const o = operand();
      if (!o || o.value.startsWith('{')) {
        fail(start);
        continue;
      }
      if (o.value.startsWith('@')) {
        p.sets.push({ name: o.value.slice(1), dir: which === 'saddr' ? 'src' : 'dst', negated: o.negated });
        key(`${which}set`, o.negated);
        continue;
      }
      const v = { value: o.value, negated: o.negated };
      if (which === 'saddr') p.saddr = v;
      else p.daddr = v;
      key(which, o.negated);
      continue;
    }
    if ((word === 'ip' && t[i] === 'protocol') || (word === 'ip6' && t[i] === 'nexthdr') || word === 'l4proto') {
      if (word !== 'l4proto') i++;
      const o = operand();
      if (!o || o.value.startsWith('{') || (p.proto && p.proto.value !== o.value)) {
        fail(start);
        continue;
      }
      p.proto = { value: o.value, negated: o.negated };
      key('proto', o.negated);
      continue;
    }
    if (PORT_PROTOS.has(word) && (t[i] === 'dport' || t[i] === 'sport')) {
      const which = t[i++];
      const o = operand();
      if (!o || (p.proto && (p.proto.value !== word || p.proto.negated)) || o.value.startsWith('@')) {
        fail(start);
        continue;
      }
      p.proto = { value: word, negated: false };
      const port = { spec: portSpec(o.value), negated: o.negated };
      if (which === 'dport') p.dport = port;
      else p.sport = port;
      key(which, o.negated);
      continue;
    }
    if (word === 'ct' && (t[i] === 'state' || t[i] === 'status')) {
      const which = t[i++];
      const o = operand();
      if (!o) {
        fail(start);
        continue;
      }
      const spec = (o.value.startsWith('{') ? o.value.slice(1, -1) : o.value).replace(/\s+/g, '').toUpperCase();
      if (which === 'state') p.ct = { spec, negated: o.negated };
      else p.ctStatus = { spec, negated: o.negated };
      key(which === 'state' ? 'ct' : 'ctstatus', o.negated);
      continue;
    }
    if (word === 'fib' && (t[i] === 'saddr' || t[i] === 'daddr') && t[i + 1] === 'type') {
      const dir = t[i] === 'saddr' ? 'src' : 'dst';
      i += 2;
      const o = operand();
      if (!o || o.value.startsWith('{')) {
        fail(start);
        continue;
      }
      p.fib.push({ dir, type: o.value.toUpperCase(), negated: o.negated });
      key(`fib${dir}`, o.negated);
      continue;
    }
    if (word === 'mark') {
      const o = operand();
      if (!o) fail(start);
      else p.mark = o;
      continue;
    }
    // Verdicts and other statements.
    if (SIMPLE_VERDICTS.has(word)) {
      p.verdict = { kind: word, arg: null };
      continue;
    }
    if ((word === 'jump' || word === 'goto') && t[i]) {
      p.verdict = { kind: word, arg: t[i++] };
      continue;
    }
    if (word === 'reject') {
      let arg: string | null = null;
      if (t[i] === 'with') {
        // `with icmp type port-unreachable`, `with icmpx type admin-prohibited`, `with tcp reset`
        const parts = t.slice(i + 1, i + 4);
        const n = parts[0] === 'tcp' ? 2 : 3;
        arg = t.slice(i + 1, i + 1 + n).join(' ');
        i += 1 + n;
      }
      p.verdict = { kind: 'reject', arg };
      continue;
    }
    if (word === 'masquerade' || word === 'redirect') {
      let arg: string | null = null;
      if (t[i] === 'to') {
        arg = t[i + 1] ?? null;
        i += 2;
      }
      while (['random', 'fully-random', 'persistent'].includes(t[i])) i++;
      p.verdict = { kind: word, arg };
      continue;
    }
    if (word === 'snat' || word === 'dnat') {
      if (t[i] === 'ip' || t[i] === 'ip6') i++;
      if (t[i] !== 'to' || !t[i + 1]) {
        fail(start);
        continue;
      }
      p.verdict = { kind: word, arg: t[i + 1] };
      i += 2;
      while (['random', 'fully-random', 'persistent'].includes(t[i])) i++;
      continue;
    }
    if (word === 'log') {
      let prefix: string | null = null;
      while (t[i] === 'prefix' || t[i] === 'level' || t[i] === 'group' || t[i] === 'flags') {
        if (t[i] === 'prefix') prefix = unquote(t[i + 1] ?? '');
        i += t[i] === 'flags' ? 3 : 2;
      }
      p.verdict = { kind: 'log', arg: prefix };
      continue;
    }
    fail(start);
  }
  return p;
}

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
function toIptRule(p: NftParsed, text: string): IptRule {
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
  if (p.ctStatus)
    matches.push({ module: 'conntrack', options: [{ name: 'ctstatus', args: [p.ctStatus.spec], negated: p.ctStatus.negated }], known: true });
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

/** The condition keys present are exactly these. */
function only(p: NftParsed, ...keys: string[]): boolean {
  return p.keys.size === keys.length && keys.every((k) => p.keys.has(k));
}

const verdict = (p: NftParsed, kind: string) => p.verdict?.kind === kind;
const established = (p: NftParsed) => !!p.ct && !p.ct.negated && ['ESTABLISHED,RELATED', 'RELATED,ESTABLISHED'].includes(p.ct.spec);

interface DockerMatch {
  role: RuleRole;
  sentence: string;
}

/** The bridge a per-bridge chain is for: `filter-forward-in__bridge1` → bridge1. */
function chainBridge(chain: string): { kind: string; bridge: string } | null {
  const m = /^(filter-forward-in|filter-forward-out|nat-postrouting-in|nat-postrouting-out)__(.+)$/.exec(chain);
  return m ? { kind: m[1], bridge: m[2] } : null;
}

function dockerBridgesRule(n: Namer, table: NftTable, chain: NftChain, p: NftParsed): DockerMatch | null {
  const c = p.comment;
  const perBridge = chainBridge(chain.name);

  if (p.vmap && p.keys.size === 0 && !p.verdict) {
    const map = table.sets.find((s) => s.name === p.vmap!.map);
    const bridges = (map?.elements ?? []).map((e) => /^"?([^"\s]+)"?\s*:/.exec(e)?.[1]).filter((b): b is string => !!b);
    const named = bridges.map((b) => n.bridge(b));
    const list = named.length ? ` (${named.join(', ')})` : '';
    const into = p.vmap.key === 'oifname';
    const purpose: Record<string, string> = {
      'filter-forward-in-jumps': 'filter-forward-in chain, which decides what may go into it',
      'filter-forward-out-jumps': 'filter-forward-out chain, which decides what may leave it',
      'nat-postrouting-in-jumps': 'nat-postrouting-in chain, for source NAT of traffic going into it',
      'nat-postrouting-out-jumps': 'nat-postrouting-out chain, which masquerades traffic leaving it',
    };
    return {
      role: 'docker-bridge',
      sentence: `Traffic ${into ? 'going into' : 'coming from'} a Docker bridge${list} is sent to that bridge's ${purpose[p.vmap.map] ?? `chain listed in the map ${p.vmap.map}`}.`,
    };
  }

  switch (chain.name) {
    case 'nat-PREROUTING':
    case 'nat-OUTPUT': {
      const local = p.fib.length === 1 && p.fib[0].dir === 'dst' && p.fib[0].type === 'LOCAL' && !p.fib[0].negated;
      if (!local || !verdict(p, 'jump')) return null;
      const target = p.verdict!.arg;
      if (chain.name === 'nat-PREROUTING' && only(p, 'fibdst'))
        return {
          role: 'docker-nat-jump',
          sentence: `Incoming connections ${addrtypePhrase('LOCAL', 'dst', false)} go through ${target}, where published ports are redirected to containers.`,
        };
      if (chain.name === 'nat-OUTPUT' && only(p, '!daddr', 'fibdst') && isLoopback(p.daddr!.value))
        return {
          role: 'docker-nat-jump',
          sentence: `Connections this host opens that are ${addrtypePhrase('LOCAL', 'dst', false)}, not to ${n.address(p.daddr!.value)}, go through ${target}, so published ports also work from the host itself.`,
        };
      if (chain.name === 'nat-OUTPUT' && only(p, 'fibdst'))
        return {
          role: 'docker-nat-jump',
          sentence: `Connections this host opens that are ${addrtypePhrase('LOCAL', 'dst', false)}, loopback included, go through ${target}, so published ports also work from the host itself.`,
        };
      return null;
    }
    case 'nat-prerouting-and-output': {
      if (verdict(p, 'dnat') && p.dport && !p.dport.negated && p.proto && [...p.keys].every((k) => ['!iif', '!saddr', 'daddr', 'dport'].includes(k))) {
        if (p.saddr && !specialAddress(p.saddr.value)?.startsWith('link-local')) return null;
        if (p.daddr && !hostAddress(p.daddr.value)) return null;
        const hostPort = p.dport.spec.replace(':', '-');
        n.port(hostPort, p.proto.value);
        const from = [p.saddr ? `from anywhere except ${specialAddress(p.saddr.value)}` : '', p.iif ? ifacePhrase(n, p.iif, 'in', true) : ''].filter(Boolean);
        const to = p.verdict!.arg!;
        const target = n.endpoint(to);
        n.networkOf(splitEndpoint(to).address);
        return {
          role: 'published-port-dnat',
          sentence: `Connections ${from.length ? `${from.join(', ')}${from.length > 1 ? ',' : ''} ` : ''}for ${protoPortsText(p.proto.value, hostPort)} on ${p.daddr ? p.daddr.value : "one of this host's addresses"} are redirected to ${target}.`,
        };
      }
      if (verdict(p, 'return') && only(p, 'iif', 'daddr') && p.iif!.value === 'loopback0' && isLoopback(p.daddr!.value))
        return {
          role: 'docker-nat-return',
          sentence: `Connections to ${n.address(p.daddr!.value)} arriving on loopback0 (the loopback of WSL2's mirrored networking) are not redirected.`,
        };
      return null;
    }
    case 'raw-PREROUTING': {
      if (c === 'DROP DIRECT ACCESS' && verdict(p, 'drop') && only(p, 'daddr', '!iif') && hostAddress(p.daddr!.value)) {
        const ip = hostAddress(p.daddr!.value)!;
        const who = n.address(ip);
        n.networkOf(ip);
        return {
          role: 'direct-access-drop',
          sentence: `Packets addressed straight to ${who}, ${ifacePhrase(n, p.iif!, 'in', true)}, are dropped: from outside, the container can only be reached through its published ports.`,
        };
      }
      if (c === 'DROP REMOTE LOOPBACK' && verdict(p, 'drop') && only(p, '!iif', 'daddr', 'dport') && isLoopback(p.daddr!.value)) {
        n.port(p.dport!.spec, p.proto!.value);
        return {
          role: 'remote-loopback-drop',
          sentence: `Packets for ${p.daddr!.value} ${protoPortsText(p.proto!.value, p.dport!.spec)} that arrive on any interface except ${n.iface(p.iif!.value)} are dropped: a port published on ${p.daddr!.value} must not be reachable from other machines.`,
        };
      }
      if (c === 'ACCEPT WSL2 LOOPBACK' && verdict(p, 'accept') && only(p, 'iif', 'daddr', 'dport'))
        return {
          role: 'docker-other',
          sentence: `Packets for ${p.daddr!.value} ${protoPortsText(p.proto!.value, p.dport!.spec)} arriving on ${p.iif!.value} (the loopback of WSL2's mirrored networking) are accepted, so the port published there also works from Windows.`,
        };
      return null;
    }
  }

  if (!perBridge) return null;
  const bridge = n.bridge(perBridge.bridge);
  switch (perBridge.kind) {
    case 'filter-forward-in':
      if (only(p, 'ct') && established(p) && verdict(p, 'accept'))
        return { role: 'docker-ct', sentence: `Packets going into ${bridge} ${ctstatePhrase(p.ct!.spec, false)} are accepted, so replies reach its containers.` };
      if (c === 'ICC' && only(p, 'iif') && p.iif!.value === perBridge.bridge && (verdict(p, 'accept') || verdict(p, 'drop')))
        return verdict(p, 'accept')
          ? { role: 'icc-accept', sentence: `Traffic between containers on ${bridge} is accepted: inter-container communication is enabled.` }
          : { role: 'icc-drop', sentence: `Traffic between containers on ${bridge} is dropped: inter-container communication is disabled on this network.` };
      // On an internal network the rule before has dropped everything from outside, so what is left is ICC.
      if (c === 'ICC' && only(p) && (verdict(p, 'accept') || verdict(p, 'drop')))
        return verdict(p, 'accept')
          ? { role: 'icc-accept', sentence: `Other traffic into ${bridge}, which can only come from its own containers, is accepted: inter-container communication is enabled.` }
          : { role: 'icc-drop', sentence: `Other traffic into ${bridge}, which can only come from its own containers, is dropped: inter-container communication is disabled on this network.` };
      if (c === null && only(p, 'daddr', 'dport') && verdict(p, 'accept') && hostAddress(p.daddr!.value) && p.proto) {
        const ip = hostAddress(p.daddr!.value)!;
        const hostPorts = n.publishedAs(ip, p.dport!.spec, p.proto.value);
        for (const hp of hostPorts) n.port(hp, p.proto.value);
        const as = hostPorts.length ? ` as host port${hostPorts.length > 1 ? 's' : ''} ${hostPorts.join(', ')}` : '';
        return {
          role: 'published-port-accept',
          sentence: `Connections from outside ${bridge} to ${protoPortsText(p.proto.value, p.dport!.spec)} of ${n.address(ip)} are accepted, because that port is published${as}.`,
        };
      }
      if (c === 'UNPUBLISHED PORT DROP' && only(p) && verdict(p, 'drop'))
        return {
          role: 'unpublished-port-drop',
          sentence: `Any other traffic from outside ${bridge} into it is dropped: from outside, only its containers' published ports can be reached.`,
        };
      if (c === 'UNPROTECTED' && only(p) && verdict(p, 'accept'))
        return {
          role: 'unprotected-accept',
          sentence: `All traffic from outside ${bridge} into it is accepted, published port or not (gateway mode nat-unprotected).`,
        };
      if (c === 'ICMP' && only(p, 'proto') && verdict(p, 'accept') && ['icmp', 'ipv6-icmp', 'icmpv6'].includes(p.proto!.value))
        return {
          role: 'routed-accept',
          sentence: `${protocolName(p.proto!.value)} packets into ${bridge} are accepted from anywhere, so its containers answer ping and path-MTU messages (gateway mode routed).`,
        };
      if (c === 'INTERNAL NETWORK INGRESS' && only(p, '!iif') && p.iif!.value === perBridge.bridge && verdict(p, 'drop'))
        return {
          role: 'internal-network',
          sentence: `Traffic going into ${bridge} from any other interface is dropped: it is an internal network, unreachable from outside.`,
        };
      return null;
    case 'filter-forward-out':
      if (only(p, 'ct') && established(p) && verdict(p, 'accept'))
        return {
          role: 'conntrack-established',
          sentence: `Packets from ${bridge} ${ctstatePhrase(p.ct!.spec, false)} are accepted.`,
        };
      if (c === 'OUTGOING' && only(p) && verdict(p, 'accept'))
        return { role: 'outgoing-accept', sentence: `Traffic from containers on ${bridge} to anywhere else is accepted.` };
      if (c === 'INTERNAL NETWORK EGRESS' && only(p, '!oif') && p.oif!.value === perBridge.bridge && verdict(p, 'drop'))
        return {
          role: 'internal-network',
          sentence: `Traffic from ${bridge} to any other interface is dropped: it is an internal network, with no way out.`,
        };
      return null;
    case 'nat-postrouting-out':
      if ((c === 'MASQUERADE' || c === 'SNAT') && only(p, '!oif', 'saddr') && p.oif!.value === perBridge.bridge && (verdict(p, 'masquerade') || verdict(p, 'snat')))
        return {
          role: 'masquerade',
          sentence: `Traffic from ${n.address(p.saddr!.value)} ${ifacePhrase(n, p.oif!, 'out', true)} gets ${verdict(p, 'masquerade') ? "this host's address as its source (masquerade)" : `${p.verdict!.arg} as its source (SNAT)`}, so replies find their way back.`,
        };
      return null;
    case 'nat-postrouting-in': {
      if (c === 'MASQ TO OWN PORT' && only(p, 'saddr', 'daddr', 'dport') && verdict(p, 'masquerade') && p.saddr!.value === p.daddr!.value) {
        const ip = p.saddr!.value;
        n.networkOf(ip);
        return {
          role: 'hairpin-masquerade',
          sentence: `Connections from ${n.address(ip)} to itself on ${protoPortsText(p.proto!.value, p.dport!.spec)}, which happen when a container reaches its own published port through the host, are masqueraded, so the replies also pass back through the host's NAT (hairpin NAT).`,
        };
      }
      const fromHost = p.fib.length === 1 && p.fib[0].dir === 'src' && p.fib[0].type === 'LOCAL' && !p.fib[0].negated;
      if ((c === 'MASQUERADE FROM HOST' || c === 'SNAT FROM HOST') && fromHost && only(p, 'fibsrc') && (verdict(p, 'masquerade') || verdict(p, 'snat')))
        return {
          role: 'masquerade',
          sentence: `Traffic this host sends from one of its own addresses into ${bridge} (such as a connection to a port published on 127.0.0.1, redirected to a container) gets ${verdict(p, 'masquerade') ? `${bridge}'s own address as its source (masquerade)` : `${p.verdict!.arg} as its source (SNAT)`}, so the container can reply.`,
        };
      return null;
    }
    default:
      return null;
  }
}

/** Docker's embedded DNS in a container's namespace, with the nftables backend (`table ip docker-dns`). */
function dockerDnsRule(chain: NftChain, p: NftParsed): DockerMatch | null {
  if (chain.name === 'dns-dnat' && only(p, 'daddr', 'dport') && verdict(p, 'dnat') && p.proto)
    return {
      role: 'embedded-dns',
      sentence: `DNS queries over ${protocolName(p.proto.value)} to ${p.daddr!.value} port ${p.dport!.spec} are redirected to Docker's embedded DNS server, which listens on ${p.verdict!.arg}.`,
    };
  if (chain.name === 'dns-snat' && only(p, 'saddr', 'sport') && verdict(p, 'snat') && p.proto) {
    const port = (p.verdict!.arg ?? '').replace(/^:/, '');
    return {
      role: 'embedded-dns',
      sentence: `Replies of Docker's embedded DNS server (${protocolName(p.proto.value)} from ${p.saddr!.value} port ${p.sport!.spec}) get source port ${port}, so they look like they come from ${p.saddr!.value}:${port}.`,
    };
  }
  return null;
}

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
