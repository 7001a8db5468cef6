import { parseAddress, subnetOf } from '../net/cidr';
import { hostPort as hostPortText } from '../snapshot/names';

/**
 * Addresses for the simulator: parsed once, compared as numbers. IPv4 keeps a uint32 `v4` beside the bigint so the
 * hot path (thousands of `-s/-d` matches per trace) stays off bigint arithmetic.
 */
export interface IP {
  v6: boolean;
  n: bigint;
  v4: number;
  /** Canonical text (RFC 5952 for IPv6), usable as a map key. */
  text: string;
}

export interface Net {
  v6: boolean;
  /** Prefix length, or -1 for a non-contiguous dotted mask. */
  len: number;
  net: bigint;
  mask: bigint;
  n4: number;
  m4: number;
  text: string;
}

const V4_ALL = 0xffffffffn;
const V6_ALL = (1n << 128n) - 1n;

function canonical(v6: boolean, n: bigint): string {
  if (!v6) return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');
  const hex = n.toString(16).padStart(32, '0');
  const groups = Array.from({ length: 8 }, (_, i) => hex.slice(i * 4, i * 4 + 4)).join(':');
  return (subnetOf('inet6', groups, 128) ?? groups).replace(/\/128$/, '');
}

export function makeIP(v6: boolean, n: bigint): IP {
  return { v6, n, v4: v6 ? 0 : Number(n), text: canonical(v6, n) };
}

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;
const dotted4 = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

/** Fast path for dotted IPv4 (rule sets are mostly that): [address, prefix length] or null. */
function v4(text: string): [number, number] | null {
  const m = V4.exec(text);
  if (!m) return null;
  const parts = [m[1], m[2], m[3], m[4]].map(Number);
  if (parts.some((x) => x > 255)) return null;
  const len = m[5] === undefined ? 32 : Number(m[5]);
  if (len > 32) return null;
  return [((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0, len];
}

/** A bare address (a `/32` or `/128` suffix is accepted); null for anything else. */
export function parseIP(text: string): IP | null {
  const f = v4(text.trim());
  if (f) return f[1] === 32 ? { v6: false, n: BigInt(f[0]), v4: f[0], text: dotted4(f[0]) } : null;
  const p = parseAddress(text.trim());
  if (!p || p.prefix !== (p.v6 ? 128 : 32)) return null;
  return makeIP(p.v6, p.value);
}

const netCache = new Map<string, Net | null>();

/** `10.0.0.0/8`, `10.0.0.1`, `0/0`, `10.0.0.0/255.0.0.0` (iptables prints non-prefix masks dotted). Memoised. */
export function parseNet(text: string): Net | null {
  let n = netCache.get(text);
  if (n === undefined) {
    if (netCache.size > 100_000) netCache.clear();
    netCache.set(text, (n = parseNetUncached(text)));
  }
  return n;
}

function parseNetUncached(text: string): Net | null {
  const t = text.trim();
  const f = v4(t);
  if (f) {
    const m4 = f[1] === 0 ? 0 : (0xffffffff << (32 - f[1])) >>> 0;
    const n4 = (f[0] & m4) >>> 0;
    return { v6: false, len: f[1], net: BigInt(n4), mask: BigInt(m4), n4, m4, text: `${dotted4(n4)}/${f[1]}` };
  }
  const dotted = /^([^/]+)\/(\d+\.\d+\.\d+\.\d+)$/.exec(t);
  let v6: boolean;
  let value: bigint;
  let mask: bigint;
  let len: number;
  if (dotted) {
    const a = parseAddress(dotted[1]);
    const m = parseAddress(dotted[2]);
    if (!a || !m || a.v6 || m.v6) return null;
    v6 = false;
    value = a.value;
    mask = m.value;
    const bits = mask.toString(2).padStart(32, '0');
    len = /^1*0*$/.test(bits) ? bits.indexOf('0') === -1 ? 32 : bits.indexOf('0') : -1;
  } else {
    const p = parseAddress(t);
    if (!p) return null;
    v6 = p.v6;
    value = p.value;
    len = p.prefix;
    const bits = v6 ? 128n : 32n;
    const all = v6 ? V6_ALL : V4_ALL;
    mask = len === 0 ? 0n : (all << (bits - BigInt(len))) & all;
  }
  const net = value & mask;
  return { v6, len, net, mask, n4: v6 ? 0 : Number(net), m4: v6 ? 0 : Number(mask), text: len >= 0 ? `${canonical(v6, net)}/${len}` : t };
}

export function inNet(a: IP, n: Net): boolean {
  if (a.v6 !== n.v6) return false;
  if (!a.v6) return ((a.v4 & n.m4) >>> 0) === n.n4;
  return (a.n & n.mask) === n.net;
}

export const sameIP = (a: IP, b: IP) => a.v6 === b.v6 && a.n === b.n;

export const LOOPBACK4 = parseNet('127.0.0.0/8')!;
export const LOOPBACK6 = parseNet('::1/128')!;
export const isLoopbackIP = (a: IP) => inNet(a, a.v6 ? LOOPBACK6 : LOOPBACK4);

/** `1.2.3.4:80`, `[fd00::1]:80`, `1.2.3.4` for messages. */
export const hostPort = (a: IP, port: number | null) => hostPortText(a.text, port);

/** Number of leading bits two addresses share (IPv6 source selection prefers the longest). */
export function commonPrefix(a: IP, b: IP): number {
  const bits = a.v6 ? 128 : 32;
  let x = a.n ^ b.n;
  let n = 0;
  while (x > 0n) {
    x >>= 1n;
    n++;
  }
  return bits - n;
}
