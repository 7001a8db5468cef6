/** IPv4/IPv6 address and prefix arithmetic (bigint based, no dependencies), shared by panels, rules and paths. */
/** The network prefix an interface address lives in, e.g. 172.17.0.1/16 → 172.17.0.0/16. Null when unparsable. */
export function subnetOf(family: 'inet' | 'inet6', address: string, prefixlen: number): string | null {
  const bits = family === 'inet' ? 32 : 128;
  const n = family === 'inet' ? parseV4(address) : parseV6(address);
  if (n === null || prefixlen < 0 || prefixlen > bits) return null;
  const mask = prefixlen === 0 ? 0n : ((1n << BigInt(prefixlen)) - 1n) << BigInt(bits - prefixlen);
  const net = n & mask;
  return `${family === 'inet' ? formatV4(net) : formatV6(net)}/${prefixlen}`;
}

function parseV4(s: string): bigint | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let n = 0n;
  for (const p of parts) {
    const v = Number(p);
    if (!/^\d{1,3}$/.test(p) || v > 255) return null;
    n = (n << 8n) | BigInt(v);
  }
  return n;
}

function parseV6(s: string): bigint | null {
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const group = (h: string) => (h === '' ? [] : h.split(':'));
  const head = group(halves[0]);
  const tail = halves.length === 2 ? group(halves[1]) : [];
  // An embedded IPv4 tail (::ffff:1.2.3.4) stands for two groups.
  const last = tail.length ? tail : head;
  if (last.length && last[last.length - 1].includes('.')) {
    const v4 = parseV4(last.pop() as string);
    if (v4 === null) return null;
    last.push((v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16));
  }
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return n;
}

const formatV4 = (n: bigint) => [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');

function formatV6(n: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => ((n >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  // Compress the longest run of zero groups (RFC 5952).
  let best = [-1, 0];
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best[1] && j - i > 1) best = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  if (best[0] < 0) return groups.join(':');
  return `${groups.slice(0, best[0]).join(':')}::${groups.slice(best[0] + best[1]).join(':')}`;
}

export interface ParsedAddress {
  v6: boolean;
  value: bigint;
  /** Prefix length; 32/128 for a bare address. */
  prefix: number;
}

/** `10.0.0.0/8`, `10.0.0.1`, `fd00::/64`, `fd00::1`; iptables' `0/0` is the IPv4 "anywhere". */
export function parseAddress(text: string): ParsedAddress | null {
  const [addr, len, extra] = text.split('/');
  if (extra !== undefined) return null;
  const v6 = addr.includes(':');
  const value = addr === '0' ? 0n : v6 ? parseV6(addr) : parseV4(addr);
  if (value === null) return null;
  const bits = v6 ? 128 : 32;
  const prefix = len === undefined ? bits : /^\d+$/.test(len) && Number(len) <= bits ? Number(len) : -1;
  if (prefix < 0) return null;
  return { v6, value, prefix };
}

/** Whether `inner` (address or prefix) lies within `outer` (prefix). */
export function cidrContains(outer: string, inner: string): boolean {
  const o = parseAddress(outer);
  const i = parseAddress(inner);
  if (!o || !i || o.v6 !== i.v6 || i.prefix < o.prefix) return false;
  const bits = BigInt(o.v6 ? 128 : 32);
  const shift = bits - BigInt(o.prefix);
  return o.value >> shift === i.value >> shift;
}

/** The address of a single-host value (`1.2.3.4`, `1.2.3.4/32`, `fd00::1/128`), or null for a wider prefix. */
export function hostAddress(text: string): string | null {
  const p = parseAddress(text);
  if (!p || p.prefix !== (p.v6 ? 128 : 32)) return null;
  return text.split('/')[0];
}

/** Same address, whatever the spelling (`fd00::1` vs `fd00:0::1`). */
export function sameAddress(a: string, b: string): boolean {
  const x = parseAddress(a);
  const y = parseAddress(b);
  return !!x && !!y && x.v6 === y.v6 && x.value === y.value && x.prefix === y.prefix;
}

/** Splits `1.2.3.4:80`, `[fd00::1]:80`, `1.2.3.4`, `1.2.3.4:80-90`, `:53` into address and port part. */
export function splitEndpoint(text: string): { address: string; port: string | null } {
  const v6 = /^\[([^\]]+)\](?::(.+))?$/.exec(text);
  if (v6) return { address: v6[1], port: v6[2] ?? null };
  const colons = (text.match(/:/g) ?? []).length;
  if (colons === 1) {
    const [address, port] = text.split(':');
    return { address, port };
  }
  return { address: text, port: null };
}

/** Whether an address or prefix lies in loopback (127.0.0.0/8, ::1). */
export function isLoopback(text: string): boolean {
  return cidrContains('127.0.0.0/8', text) || cidrContains('::1/128', text);
}

/** A dotted-quad IPv4 address, strictly (no prefix, no leading zeros, no `0` shorthand). */
export function isIPv4(s: string): boolean {
  return /^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}$/.test(s) && parseAddress(s) !== null;
}

/** An RFC 4291 IPv6 address (no prefix, no zone), with `::` and a dotted IPv4 tail allowed. */
export function isIPv6(s: string): boolean {
  return s.includes(':') && !s.includes('/') && s.length <= 45 && parseAddress(s) !== null;
}

export const isIP = (s: string) => isIPv4(s) || isIPv6(s);

/** The one address-family type of netatlas (rule dumps, panels, trace steps). The simulator indexes by `IpVersion`. */
export type Family = 'ipv4' | 'ipv6';
export const familyOfAddress = (ip: string): Family => (ip.includes(':') ? 'ipv6' : 'ipv4');

/** The one spelling netatlas stores an address in (RFC 5952 for IPv6, also for IPv4-mapped ones). */
export function formatAddress(v6: boolean, value: bigint): string {
  return v6 ? formatV6(value) : formatV4(value);
}

/** `text` respelled canonically (`::ffff:127.0.0.1` → `::ffff:7f00:1`); null when it is not an address. */
export function canonicalAddress(text: string): string | null {
  const p = parseAddress(text);
  return p && p.prefix === (p.v6 ? 128 : 32) ? formatAddress(p.v6, p.value) : null;
}
