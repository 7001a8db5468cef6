import type { NftTable } from '../snapshot/netfilter-schema';

/**
 * `iptables-save -c` output rebuilt from the nft listing of iptables-nft's tables, for a strict subset of rules: the
 * shapes Docker puts in container namespaces (embedded DNS: address and port matches, counters, jump, DNAT/SNAT,
 * MASQUERADE, ACCEPT/DROP/RETURN). iptables-nft keeps no text of its own to save, so iptables-save does this same
 * translation in a process; doing it here saves one process per container. Anything outside the subset, however
 * small, returns null, and the caller runs iptables-save: the result is exact or absent, never approximate.
 *
 * Layout as iptables-nft 1.8 saves: tables in its table order; every built-in chain of the table (whether nft has
 * it or not) with its policy, then user chains by name; rules chain by chain in that order.
 */
const TABLE_ORDER = ['mangle', 'security', 'raw', 'filter', 'nat'];
const BUILTINS: Record<string, string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};
const VERDICTS: Record<string, string> = { accept: 'ACCEPT', drop: 'DROP', return: 'RETURN' };

export function iptablesSaveFromNft(tables: NftTable[], jsonTables: NftTable[], family: 'ip' | 'ip6'): string | null {
  const mine = tables.filter((t) => t.family === family);
  // The text listing prints nothing for xtables matches it cannot translate (`-m comment` becomes ""): so each rule
  // must also pass the JSON listing's check, which names every expression.
  const json = new Map(jsonTables.filter((t) => t.family === family).map((t) => [t.name, t]));
  if (mine.some((t) => !BUILTINS[t.name])) return null;
  let out = '';
  for (const name of TABLE_ORDER) {
    const t = mine.find((x) => x.name === name);
    if (!t) continue;
    if (t.sets.length) return null;
    const builtins = BUILTINS[name];
    const byName = new Map(t.chains.map((c) => [c.name, c]));
    const jsonChains = new Map((json.get(name)?.chains ?? []).map((c) => [c.name, c]));
    const user = t.chains.filter((c) => !builtins.includes(c.name)).map((c) => c.name).sort();
    const order = [...builtins, ...user];
    out += `*${name}\n`;
    for (const c of builtins) {
      const chain = byName.get(c);
      // A built-in name used otherwise; or a policy someone set (iptables -P gives the chain counters, which the
      // listing does not show: iptables-nft's own untouched chains have none, hence the [0:0]).
      if (chain && (chain.hook === null || chain.policy !== 'accept')) return null;
      out += `:${c} ACCEPT [0:0]\n`;
    }
    for (const c of user) {
      if (byName.get(c)!.hook !== null) return null;
      out += `:${c} - [0:0]\n`;
    }
    for (const c of order) {
      const rules = byName.get(c)?.rules ?? [];
      const exprs = jsonChains.get(c)?.rules ?? [];
      if (exprs.length !== rules.length) return null;
      for (const [k, r] of rules.entries()) {
        if (r.comment !== null || !r.counters || !exprsKnown(exprs[k].expr)) return null;
        const body = ruleToIptables(r.text, family);
        if (body === null) return null;
        out += `[${r.counters.packets}:${r.counters.bytes}] -A ${c}${body}\n`;
      }
    }
    out += 'COMMIT\n';
  }
  return out;
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

/** Every expression of a rule (from nft -j) is one whose text form ruleToIptables reads. */
function exprsKnown(expr: unknown[] | null): boolean {
  if (!expr) return false;
  return expr.every((e) => {
    if (!isObj(e)) return false;
    const [k, v] = Object.entries(e)[0] ?? [];
    if (Object.keys(e).length !== 1 || !isObj(v) && v !== null) return false;
    switch (k) {
      case 'match': {
        const left = isObj(v) && isObj(v.left) ? v.left : null;
        const payload = left && isObj(left.payload) ? left.payload : null;
        const meta = left && isObj(left.meta) ? left.meta : null;
        if (payload) return ['ip', 'ip6', 'tcp', 'udp'].includes(String(payload.protocol)) && ['saddr', 'daddr', 'sport', 'dport', 'protocol'].includes(String(payload.field));
        return !!meta && ['l4proto', 'iifname', 'oifname'].includes(String(meta.key));
      }
      case 'xt':
        return isObj(v) && v.type === 'target' && ['DNAT', 'SNAT', 'MASQUERADE'].includes(String(v.name));
      case 'counter':
      case 'jump':
      case 'goto':
      case 'accept':
      case 'drop':
      case 'return':
      case 'dnat':
      case 'snat':
      case 'masquerade':
        return true;
      default:
        return false;
    }
  });
}

/** The part of `-A CHAIN …` after the chain name, or null when the rule leaves the known subset. */
export function ruleToIptables(text: string, family: 'ip' | 'ip6'): string | null {
  if (/\s\s/.test(text.trim())) return null; // an expression nft printed as nothing
  const tok = text.trim().split(/\s+/);
  const host = family === 'ip' ? 32 : 128;
  const addr = (a: string) => (a.includes('/') ? a : `${a}/${host}`);
  let src = '';
  let dst = '';
  let iif = '';
  let oif = '';
  let proto: string | null = null;
  const ports: { sport?: string; dport?: string } = {};
  let target: string | null = null;
  let i = 0;
  const neg = () => (tok[i] === '!=' ? (i++, '! ') : '');
  const portValue = (v: string | undefined) => (v && /^\d+(-\d+)?$/.test(v) ? v.replace('-', ':') : null);
  while (i < tok.length) {
    const t = tok[i++];
    if (t === family && (tok[i] === 'saddr' || tok[i] === 'daddr')) {
      const field = tok[i++];
      const n = neg();
      const v = tok[i++];
      if (!v || !/^[0-9a-f.:]+(\/\d+)?$/i.test(v)) return null;
      if (field === 'saddr') src = ` ${n}-s ${addr(v)}`;
      else dst = ` ${n}-d ${addr(v)}`;
    } else if (t === 'iifname' || t === 'oifname') {
      const n = neg();
      const m = /^"([^"*\\]+)"$/.exec(tok[i++] ?? '');
      if (!m) return null;
      if (t === 'iifname') iif = ` ${n}-i ${m[1]}`;
      else oif = ` ${n}-o ${m[1]}`;
    } else if ((t === 'meta' && tok[i] === 'l4proto') || (t === 'ip' && tok[i] === 'protocol' && family === 'ip')) {
      i++;
      const p = tok[i++];
      if ((p !== 'tcp' && p !== 'udp') || (proto && proto !== p)) return null;
      proto = p;
    } else if ((t === 'tcp' || t === 'udp') && (tok[i] === 'sport' || tok[i] === 'dport')) {
      const field = tok[i++] as 'sport' | 'dport';
      if ((proto && proto !== t) || ports[field] !== undefined || tok[i] === '!=') return null;
      proto = t;
      const v = portValue(tok[i++]);
      if (v === null) return null;
      ports[field] = v;
    } else if (t === 'counter') {
      // counter packets P bytes B: the counters are written in front, as iptables-save -c does
      if (tok[i] !== 'packets' || tok[i + 2] !== 'bytes') return null;
      i += 4;
    } else if (target === null && i === tok.length && VERDICTS[t]) {
      target = ` -j ${VERDICTS[t]}`;
    } else if (target === null && (t === 'jump' || t === 'goto') && i === tok.length - 1) {
      target = ` ${t === 'jump' ? '-j' : '-g'} ${tok[i++]}`;
    } else if (target === null && t === 'masquerade' && i === tok.length) {
      target = ' -j MASQUERADE';
    } else if (target === null && (t === 'dnat' || t === 'snat') && tok[i] === 'to' && i === tok.length - 2) {
      const to = tok[i + 1];
      i += 2;
      if (!/^[0-9.]*(:\d+(-\d+)?)?$/.test(to) || to === '' || family !== 'ip') return null;
      target = t === 'dnat' ? ` -j DNAT --to-destination ${to}` : ` -j SNAT --to-source ${to}`;
    } else return null;
  }
  const p = proto ? ` -p ${proto}` : '';
  const m = ports.sport !== undefined || ports.dport !== undefined
    ? ` -m ${proto}${ports.sport !== undefined ? ` --sport ${ports.sport}` : ''}${ports.dport !== undefined ? ` --dport ${ports.dport}` : ''}`
    : '';
  return `${src}${dst}${iif}${oif}${p}${m}${target ?? ''}`;
}
