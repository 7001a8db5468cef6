import { parseNftStatements, parseVmapElement, type NftParsed } from '../netfilter/nft-statements';
import type { NftSet, NftTable } from '../snapshot/netfilter-schema';
import { inNet, parseIP, parseNet, type IP, type Net } from './addr';
import type { IpVersion } from './packet';
import { addrCond, ctStatusCond, ifaceCond, portCond, protoCond, stateCond, unread } from './match';
import { addrType } from './routing';
import { lazyChain, Rule, type CChain, type Cond, type CRule, type CTarget, type CTable } from './rules';
import { natSpec } from './targets';

/**
 * Native nftables rules (Docker 29's `ip docker-bridges`, firewalld, hand-written tables), read from their `nft
 * list` text with the shared statement reader (lib/netfilter/nft-statements.ts). What it cannot read makes the rule's match unknown.
 */

/** Whether a table applies to a family's packets. */
export function nftTableFamilies(t: NftTable): IpVersion[] {
  if (t.family === 'ip') return [4];
  if (t.family === 'ip6') return [6];
  if (t.family === 'inet') return [4, 6];
  return [];
}

/** An nft set's elements as networks; null when one of them is not an address, prefix or range this reads. */
function setNets(s: NftSet): Array<Net | [IP, IP]> | null {
  const out: Array<Net | [IP, IP]> = [];
  for (const e of s.elements) {
    const text = e.replace(/\s+(timeout|expires)\s+\S+/g, '').trim();
    const range = /^(\S+)\s*-\s*(\S+)$/.exec(text);
    if (range) {
      const lo = parseIP(range[1]);
      const hi = parseIP(range[2]);
      if (!lo || !hi) return null;
      out.push([lo, hi]);
      continue;
    }
    const n = parseNet(text);
    if (!n) return null;
    out.push(n);
  }
  return out;
}

const inSet = (a: IP, els: Array<Net | [IP, IP]>) =>
  els.some((e) => (Array.isArray(e) ? a.v6 === e[0].v6 && a.n >= e[0].n && a.n <= e[1].n : inNet(a, e)));

/** `jump X`, `goto X`, `accept`, `drop`, `return`, `continue` as a target (verdict-map elements, simple verdicts). */
function simpleVerdict(kind: string, arg: string | null, chains: Set<string>): CTarget {
  switch (kind) {
    case 'accept':
      return { kind: 'accept', label: 'accept' };
    case 'drop':
      return { kind: 'drop', label: 'drop' };
    case 'return':
      return { kind: 'return', label: 'return' };
    case 'continue':
      return { kind: 'none', label: 'continue' };
    case 'jump':
    case 'goto':
      if (arg && chains.has(arg)) return { kind, chain: arg, label: `${kind} ${arg}` };
      return { kind: 'unknown', why: `${kind} to ${arg}, which is not a chain of this table`, label: `${kind} ${arg}` };
    default:
      return { kind: 'unknown', why: `verdict ${kind} is not simulated`, label: kind };
  }
}

function vmapTarget(table: NftTable, p: NftParsed, chains: Set<string>): CTarget {
  const { key, map } = p.vmap!;
  const set = table.sets.find((s) => s.name === map);
  const label = `${key} vmap @${map}`;
  if (!set) return { kind: 'unknown', why: `verdict map ${map} is not in the table`, label };
  const entries = new Map<string, CTarget>();
  for (const e of set.elements) {
    const el = parseVmapElement(e);
    if (!el) return { kind: 'unknown', why: `element ${e} of verdict map ${map} is not understood`, label };
    entries.set(el.key, simpleVerdict(el.verdict, el.arg, chains));
  }
  return { kind: 'vmap', key: key === 'iifname' ? 'iif' : 'oif', map: entries, label };
}

function nftTarget(table: NftTable, p: NftParsed, chains: Set<string>): CTarget {
  if (p.vmap) return vmapTarget(table, p, chains);
  const v = p.verdict;
  if (!v) return { kind: 'none', label: 'continue' };
  switch (v.kind) {
    case 'reject':
      return { kind: 'reject', label: `reject${v.arg ? ` with ${v.arg}` : ''}` };
    case 'notrack':
      return { kind: 'notrack', label: 'notrack' };
    case 'log':
      return { kind: 'continue', label: 'log' };
    case 'queue':
      return { kind: 'unknown', why: 'queue hands the packet to a program in user space, which decides', label: 'queue' };
    case 'masquerade':
    case 'redirect': {
      const port = v.arg ? Number(v.arg.replace(/^:/, '')) : null;
      if (port !== null && !Number.isInteger(port)) return { kind: 'unknown', why: `${v.kind} to ${v.arg} is not understood`, label: v.kind };
      return v.kind === 'redirect' ? { kind: 'redirect', port, label: `redirect${port !== null ? ` to :${port}` : ''}` } : { kind: 'masquerade', port: null, label: 'masquerade' };
    }
    case 'dnat':
    case 'snat':
      return natSpec(v.arg ?? '', v.kind);
    case 'mark': {
      const value = Number(v.arg);
      if (!Number.isFinite(value)) return { kind: 'unknown', why: `meta mark set ${v.arg} is not understood`, label: 'meta mark set' };
      return { kind: 'mark', apply: (_m, ct) => [value >>> 0, ct], label: `meta mark set ${v.arg}` };
    }
    default:
      return simpleVerdict(v.kind, v.arg, chains);
  }
}

/** The conditions of one parsed nft rule. */
export function nftConds(table: NftTable, p: NftParsed, fam: IpVersion): Cond[] {
  const conds: Cond[] = [];
  if (p.iif) conds.push(ifaceCond(p.iif, 'in'));
  if (p.oif) conds.push(ifaceCond(p.oif, 'out'));
  if (p.proto) conds.push(protoCond(p.proto));
  // `ip saddr` in an inet table only holds for IPv4 packets (and `ip6 saddr` for IPv6): the address says which.
  for (const [v, which] of [[p.saddr, 'src'], [p.daddr, 'dst']] as const) {
    if (!v) continue;
    const v6 = v.value.includes(':');
    conds.push(v6 !== (fam === 6) ? () => false : addrCond(v, which));
  }
  for (const s of p.sets) {
    const set = table.sets.find((x) => x.name === s.name);
    const els = set ? setNets(set) : null;
    if (!els) conds.push(unread(`set @${s.name} ${set ? 'has elements the simulator does not read' : 'is not in the table'}`));
    else conds.push((c) => inSet(s.dir === 'src' ? c.pkt.src : c.pkt.dst, els) !== s.negated);
  }
  if (p.sport) conds.push(portCond('sport', p.sport.spec, p.sport.negated));
  if (p.dport) conds.push(portCond('dport', p.dport.spec, p.dport.negated));
  if (p.ct) conds.push(stateCond(p.ct.spec, p.ct.negated, 'nft'));
  if (p.ctStatus) {
    const st = p.ctStatus.spec.split(',');
    const neg = p.ctStatus.negated;
    if (st.every((x) => x === 'DNAT' || x === 'SNAT'))
      conds.push((c) => st.some((x) => (x === 'DNAT' ? !!c.pkt.ct?.dnat : !!c.pkt.ct?.snat)) !== neg);
    else conds.push(ctStatusCond(st.join(',').replace(/-/g, '_'), neg));
  }
  for (const f of p.fib) {
    const types = f.type.split(',');
    conds.push((c) => types.includes(addrType(c.view, f.dir === 'src' ? c.pkt.src : c.pkt.dst)) !== f.negated);
  }
  if (p.mark) {
    const value = Number(p.mark.value);
    const neg = p.mark.negated;
    conds.push(Number.isFinite(value) ? (c) => (c.pkt.mark === value >>> 0) !== neg : unread(`mark ${p.mark!.value} is not understood`));
  }
  if (p.unknown.length) conds.push(unread(`nft statement ${p.unknown.join(', ')} is not understood`));
  return conds;
}

/** One nft table as the simulator runs it. */
export function compileNftTable(table: NftTable, fam: IpVersion, explain: (chain: string, index: number) => string | null): CTable {
  const names = new Set(table.chains.map((c) => c.name));
  const chains = new Map<string, CChain>();
  for (const ch of table.chains) {
    const compile = (): CRule[] =>
      ch.rules.map((r, index) => {
        const p = parseNftStatements(r.text);
        return new Rule(index, r.text, nftConds(table, p, fam), nftTarget(table, p, names), ch.name, explain);
      });
    const policy = ch.hook ? (ch.policy === 'drop' ? 'drop' : 'accept') : null;
    chains.set(
      ch.name,
      lazyChain(
        {
          name: ch.name,
          policy,
          policyText: policy ? `policy ${policy}` : null,
          policyExplain: () => (policy ? `Packets that reach the end of base chain ${ch.name} are ${policy === 'drop' ? 'dropped' : 'accepted'} (policy ${policy}).` : null),
        },
        compile,
      ),
    );
  }
  return { kind: 'nft', name: `${table.family} ${table.name}`, chains };
}
