import type { NegatableValue, NftRule, NftTable } from '../snapshot/netfilter-schema';
import { nftPortSpec, PORT_MODULES } from './match-vocabulary';

/**
 * The one reader of nft rule text (`nft list` output): the explainer, the traversal, the rule panel, the
 * attribution and the simulator all see a rule through {@link parseNftStatements}. Ports come out in iptables'
 * spelling and interface wildcards as iptables' `+`, so the shared match vocabulary reads both alike.
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

const PORT_PROTOS = PORT_MODULES;
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
      const port = { spec: nftPortSpec(o.value), negated: o.negated };
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

/** One element of a verdict map: `"br-x" : jump chain`; null when not in that shape (or a wildcard key). */
export function parseVmapElement(element: string): { key: string; verdict: string; arg: string | null } | null {
  const m = /^"?([^"\s]+)"?\s*:\s*(jump|goto|accept|drop|return|continue)(?:\s+(\S+))?$/.exec(element.trim());
  if (!m || m[1].includes('*')) return null;
  return { key: m[1], verdict: m[2], arg: m[3] ?? null };
}

/** Chains an nft rule jumps or goes to, directly or through a verdict map's elements, in order, each once. */
export function nftJumpTargets(table: NftTable, rule: NftRule | NftParsed): string[] {
  const p = 'text' in rule ? parseNftStatements(rule.text) : rule;
  const names: string[] = [];
  if (p.verdict && (p.verdict.kind === 'jump' || p.verdict.kind === 'goto') && p.verdict.arg) names.push(p.verdict.arg);
  if (p.vmap) {
    for (const el of table.sets.find((s) => s.name === p.vmap!.map)?.elements ?? []) {
      const e = parseVmapElement(el);
      if (e && (e.verdict === 'jump' || e.verdict === 'goto') && e.arg) names.push(e.arg);
    }
  }
  return [...new Set(names)];
}
