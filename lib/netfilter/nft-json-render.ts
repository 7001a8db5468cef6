/**
 * Best-effort rendering of `nft -j` expressions back into nft's text syntax. Anything not covered is
 * written as `<unrendered: KEY>` so that a reader sees the gap instead of a guess.
 */

type Json = unknown;

const isObj = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The single key of an nft JSON object like `{"meta": {…}}`. */
const soleKey = (v: Record<string, Json>) => Object.keys(v)[0] ?? '';

/** Meta keys nft prints without the `meta` keyword (meta_key_is_unqualified). */
const UNQUALIFIED_META = new Set(['iif', 'oif', 'iifname', 'oifname', 'iifgroup', 'oifgroup']);
/** Keys whose values nft prints as quoted strings. */
const STRING_KEYS = new Set(['iifname', 'oifname', 'ibrname', 'obrname', 'ibriport', 'obriport', 'sdif', 'sdifname']);
const VERDICTS = new Set(['accept', 'drop', 'continue', 'return', 'queue']);
const BINOPS = new Set(['&', '|', '^', '<<', '>>']);

const unrendered = (key: string) => `<unrendered: ${key}>`;

/** True if values compared with this expression are strings nft quotes (interface names). */
export function isStringValued(e: Json): boolean {
  return isObj(e) && isObj(e.meta) && STRING_KEYS.has(String(e.meta.key));
}

export function renderExpr(e: Json, quoteStrings = false): string {
  if (typeof e === 'string') return quoteStrings && !e.startsWith('@') ? `"${e}"` : e;
  if (typeof e === 'number' || typeof e === 'boolean') return String(e);
  if (Array.isArray(e)) return e.map((x) => renderExpr(x, quoteStrings)).join(',');
  if (!isObj(e)) return unrendered(String(e));
  const key = soleKey(e);
  const v = e[key];
  const o = isObj(v) ? v : {};
  const r = (x: Json) => renderExpr(x, quoteStrings);

  switch (key) {
    case 'payload':
      return 'protocol' in o ? `${o.protocol} ${o.field}` : `@${o.base},${o.offset},${o.len}`;
    case 'meta':
      return UNQUALIFIED_META.has(String(o.key)) ? String(o.key) : `meta ${o.key}`;
    case 'ct':
      return ['ct', o.dir, o.family, o.key].filter((x) => x !== undefined).join(' ');
    case 'fib':
      return `fib ${(Array.isArray(o.flags) ? o.flags : [o.flags]).join(' . ')} ${o.result}`;
    case 'rt':
      return `rt ${o.family ? `${o.family} ` : ''}${o.key}`;
    case 'socket':
      return `socket ${o.key}`;
    case 'numgen':
      return `numgen ${o.mode} mod ${o.mod}${o.offset ? ` offset ${o.offset}` : ''}`;
    case 'prefix':
      return `${r(o.addr)}/${o.len}`;
    case 'range':
      return Array.isArray(v) ? `${r(v[0])}-${r(v[1])}` : unrendered(key);
    case 'set':
      if (typeof v === 'string') return v;
      return `{ ${(Array.isArray(v) ? v : [v]).map((x) => renderElement(x, quoteStrings)).join(', ')} }`;
    case 'concat':
      return Array.isArray(v) ? v.map((x) => r(x)).join(' . ') : unrendered(key);
    case 'map':
      return `${renderExpr(o.key)} map ${renderExpr(o.data)}`;
    case 'elem':
      return r(o.val);
    case 'jump':
    case 'goto':
      return `${key} ${o.target}`;
    default:
      if (VERDICTS.has(key) && v === null) return key;
      if (BINOPS.has(key) && Array.isArray(v)) return `${renderExpr(v[0])} ${key} ${renderExpr(v[1])}`;
      return unrendered(key);
  }
}

/** A set or map element: `[key, value]` pairs are map entries, `key : value` in nft's syntax. */
export function renderElement(e: Json, quoteStrings = false): string {
  if (Array.isArray(e) && e.length === 2) return `${renderExpr(e[0], quoteStrings)} : ${renderExpr(e[1])}`;
  if (isObj(e) && isObj(e.elem) && typeof e.elem.comment === 'string')
    return `${renderExpr(e.elem.val, quoteStrings)} comment "${e.elem.comment}"`;
  return renderExpr(e, quoteStrings);
}

function renderNat(kind: string, o: Record<string, Json>): string {
  const parts = [kind];
  if (typeof o.family === 'string') parts.push(o.family);
  const addr = o.addr === undefined ? '' : renderExpr(o.addr);
  const port = o.port === undefined ? '' : renderExpr(o.port);
  // An IPv6 address needs brackets before a port, as in nft's own output.
  const a = port && addr.includes(':') && !addr.includes(' ') ? `[${addr}]` : addr;
  if (addr || port) parts.push('to', `${a}${port ? `:${port}` : ''}`);
  if (Array.isArray(o.flags)) parts.push(o.flags.join(','));
  else if (typeof o.flags === 'string') parts.push(o.flags);
  return parts.join(' ');
}

/** Renders one statement of a rule's `expr` array. */
export function renderStatement(s: Json): string {
  if (!isObj(s)) return unrendered(String(s));
  const key = soleKey(s);
  const v = s[key];
  const o = isObj(v) ? v : {};

  switch (key) {
    case 'match': {
      const left = renderExpr(o.left);
      const right = renderExpr(o.right, isStringValued(o.left));
      // `==` and set/flag membership (`in`) are implicit in nft's syntax.
      return o.op === '==' || o.op === 'in' ? `${left} ${right}` : `${left} ${o.op} ${right}`;
    }
    case 'counter':
      if (typeof v === 'string') return `counter name "${v}"`;
      return isObj(v) && typeof o.packets === 'number' ? `counter packets ${o.packets} bytes ${o.bytes}` : 'counter';
    case 'vmap':
      return `${renderExpr(o.key)} vmap ${renderExpr(o.data)}`;
    case 'dnat':
    case 'snat':
    case 'masquerade':
    case 'redirect':
      return renderNat(key, o);
    case 'reject':
      if (!isObj(v)) return 'reject';
      if (o.type === 'tcp reset') return 'reject with tcp reset';
      return o.expr !== undefined ? `reject with ${o.type} ${o.expr}` : 'reject';
    case 'log': {
      const parts = ['log'];
      if (typeof o.prefix === 'string') parts.push(`prefix "${o.prefix}"`);
      if (o.level !== undefined) parts.push(`level ${o.level}`);
      if (o.group !== undefined) parts.push(`group ${o.group}`);
      return parts.join(' ');
    }
    case 'limit': {
      const unit = o.rate_unit && o.rate_unit !== 'packets' ? ` ${o.rate_unit}` : '';
      const burst = o.burst ? ` burst ${o.burst} ${o.burst_unit ?? 'packets'}` : '';
      return `limit rate ${o.inv ? 'over ' : ''}${o.rate}${unit}/${o.per}${burst}`;
    }
    case 'mangle':
      return `${renderExpr(o.key)} set ${renderExpr(o.value, isStringValued(o.key))}`;
    case 'notrack':
      return 'notrack';
    case 'xt':
      return `xt ${o.type} ${o.name}`;
    case 'queue':
      return o.num !== undefined ? `queue num ${renderExpr(o.num)}` : 'queue';
    default:
      // Verdicts and other bare expressions render the same as in an expression position.
      return renderExpr(s);
  }
}

/** The rule's text as `nft list` would print it, as far as the renderer knows the statements. */
export function renderRule(expr: Json[], comment: string | null): string {
  const text = expr.map(renderStatement).join(' ');
  return comment !== null ? `${text} comment "${comment}"` : text;
}
