import type { Counters, NftChain, NftRule, NftSet, NftTable } from '@/lib/snapshot/netfilter-schema';
import { renderElement, renderRule } from './nft-json-render';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : null);

/** Types whose values nft prints quoted (so rendered elements match `nft list` text). */
const STRING_TYPES = new Set(['ifname', 'string']);

function typeText(t: unknown): string {
  return Array.isArray(t) ? t.map(String).join(' . ') : String(t ?? '');
}

/**
 * Parses `nft -j list ruleset` (or `list table`). Accepts the parsed JSON or its text. Objects other than
 * tables, chains, rules, sets and maps (metainfo, flowtables, counters …) are ignored.
 */
export function parseNftJson(json: unknown): { tables: NftTable[] } {
  const doc = typeof json === 'string' ? (JSON.parse(json) as unknown) : json;
  const items = isObj(doc) && Array.isArray(doc.nftables) ? doc.nftables : [];
  const tables: NftTable[] = [];

  const table = (family: unknown, name: unknown): NftTable => {
    const f = String(family ?? 'ip');
    const n = String(name ?? '');
    let t = tables.find((x) => x.family === f && x.name === n);
    if (!t) tables.push((t = { family: f, name: n, chains: [], sets: [] }));
    return t;
  };
  // Rules may in principle precede their chain object; create the chain on first sight.
  const chain = (o: Obj): NftChain => {
    const t = table(o.family, o.table);
    const name = String(o.chain ?? o.name ?? '');
    let c = t.chains.find((x) => x.name === name);
    if (!c) t.chains.push((c = { name, type: null, hook: null, priority: null, policy: null, rules: [] }));
    return c;
  };

  for (const item of items) {
    if (!isObj(item)) continue;
    if (isObj(item.table)) {
      table(item.table.family, item.table.name);
    } else if (isObj(item.chain)) {
      const o = item.chain;
      const c = chain({ ...o, chain: o.name });
      c.type = str(o.type);
      c.hook = str(o.hook);
      c.priority = typeof o.prio === 'number' || typeof o.prio === 'string' ? o.prio : null;
      c.policy = str(o.policy);
    } else if (isObj(item.rule)) {
      chain(item.rule).rules.push(parseJsonRule(item.rule));
    } else if (isObj(item.set) || isObj(item.map)) {
      const kind = isObj(item.set) ? 'set' : 'map';
      const o = (item.set ?? item.map) as Obj;
      table(o.family, o.table).sets.push(parseJsonSet(o, kind));
    }
  }
  return { tables };
}

function parseJsonSet(o: Obj, kind: 'set' | 'map'): NftSet {
  const keyType = typeText(o.type);
  const type = kind === 'map' ? `${keyType} : ${typeText(o.map)}` : keyType;
  const quote = STRING_TYPES.has(keyType);
  const elems = Array.isArray(o.elem) ? o.elem : [];
  return { name: String(o.name ?? ''), kind, type, elements: elems.map((e) => renderElement(e, quote)) };
}

function parseJsonRule(o: Obj): NftRule {
  const expr = Array.isArray(o.expr) ? o.expr : [];
  const comment = str(o.comment);
  let counters: Counters | null = null;
  for (const e of expr) {
    if (isObj(e) && isObj(e.counter)) {
      const [p, b] = [int(e.counter.packets), int(e.counter.bytes)];
      if (p !== null && b !== null) counters = { packets: p, bytes: b };
    }
  }
  return { text: renderRule(expr, comment), handle: int(o.handle), counters, comment, expr };
}

const IPTABLES_NFT_TABLES: Readonly<Record<string, readonly string[]>> = {
  ip: ['filter', 'nat', 'mangle', 'raw', 'security'],
  ip6: ['filter', 'nat', 'mangle', 'raw', 'security'],
  // arptables-nft and ebtables-nft use the same approach in their families.
  arp: ['filter'],
  bridge: ['filter', 'nat', 'broute'],
};

function ruleUsesXt(r: NftRule): boolean {
  if (r.expr?.some((e) => isObj(e) && 'xt' in e)) return true;
  // nft prints xtables extensions it cannot translate as `xt match NAME` (older releases: `# xt_NAME`).
  return /(^|\s)(xt (match|target|watcher)\s|#\s*xt_)/.test(r.text);
}

/**
 * Heuristic: is this table one that iptables-nft (or arptables/ebtables-nft) manages? True for the legacy
 * table names of those tools' families, and, when the table is given, for any table with an `xt` rule.
 */
export function isIptablesNftTable(family: string, name: string, table?: NftTable): boolean {
  if (IPTABLES_NFT_TABLES[family]?.includes(name)) return true;
  return !!table?.chains.some((c) => c.rules.some(ruleUsesXt));
}
