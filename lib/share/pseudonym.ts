import { isIPv4, isIPv6, parseAddress, splitEndpoint, subnetOf } from '../net/cidr';
import { sha256, toHex } from './sha256';

/**
 * Keyed, consistent pseudonyms for addresses and MACs (one key per export: the same address always gets the same
 * pseudonym within a file, and files made with different keys cannot be joined).
 *
 * Addresses use a Crypto-PAn-style prefix-preserving permutation: output bit i is input bit i XOR a keyed function of
 * the bits before it, so two addresses sharing an n-bit prefix share one after, and subnets, routes and rule prefixes
 * still contain the addresses they contained. Three refinements keep the snapshot meaningful:
 * - special blocks (loopback, unspecified, link-local IPv4, multicast, broadcast) stay as they are;
 * - private blocks (10/8, 172.16/12, 192.168/16, 100.64/10, 198.18/15, fc00::/7, fe80::/10) keep their block
 *   prefix and permute inside it, so a private address stays private;
 * - the lowest 8 (IPv4) or 16 (IPv6) bits are kept, as Netconan does for host bits: gateways stay .1 and small
 *   subnets (/30, /31) keep their network and broadcast addresses.
 * Other (public) addresses are permuted over the whole space, cycle-walking past the blocks above so a public
 * address never lands on a private or special one; such walked addresses may leave their original prefix.
 */

interface Block {
  value: bigint;
  prefix: number;
  keep: boolean;
}

const block = (cidr: string, keep: boolean): Block => {
  const p = parseAddress(cidr)!;
  return { value: p.value, prefix: p.prefix, keep };
};

const V4_BLOCKS = [
  ...['0.0.0.0/8', '127.0.0.0/8', '169.254.0.0/16', '224.0.0.0/4', '240.0.0.0/4'].map((c) => block(c, true)),
  ...['10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.168.0.0/16', '198.18.0.0/15'].map((c) => block(c, false)),
];
const V6_BLOCKS = [
  ...['::/128', '::1/128', 'ff00::/8', '::ffff:0:0/96'].map((c) => block(c, true)),
  ...['fc00::/7', 'fe80::/10'].map((c) => block(c, false)),
];

const inBlock = (value: bigint, width: number, b: Block) => value >> BigInt(width - b.prefix) === b.value >> BigInt(width - b.prefix);

export class AddressPseudonyms {
  private readonly bitCache = new Map<string, number>();
  private readonly cache = new Map<string, bigint>();

  constructor(private readonly key: string) {}

  private prfBit(prefixBits: string): number {
    let bit = this.bitCache.get(prefixBits);
    if (bit === undefined) {
      bit = sha256(`${this.key}|${prefixBits}`)[0] & 1;
      this.bitCache.set(prefixBits, bit);
    }
    return bit;
  }

  /** Permutes bits [from, width - keepLow) of `value`, each by the keyed function of all bits above it. */
  private permute(value: bigint, width: number, from: number, keepLow: number): bigint {
    const bits = value.toString(2).padStart(width, '0');
    let out = bits.slice(0, from);
    for (let i = from; i < width - keepLow; i++) out += String(Number(bits[i]) ^ this.prfBit(`${width}:${bits.slice(0, i)}`));
    return BigInt(`0b${out}${bits.slice(width - keepLow)}`);
  }

  private map(value: bigint, v6: boolean): bigint {
    const width = v6 ? 128 : 32;
    const keepLow = v6 ? 16 : 8;
    const blocks = v6 ? V6_BLOCKS : V4_BLOCKS;
    const own = blocks.find((b) => inBlock(value, width, b));
    if (own?.keep) return value;
    if (own) return this.permute(value, width, own.prefix, keepLow);
    let out = this.permute(value, width, 0, keepLow);
    while (blocks.some((b) => inBlock(out, width, b))) out = this.permute(out, width, 0, keepLow);
    return out;
  }

  /** A bare address (`172.17.0.2`, `fd00::2`); anything else is returned unchanged. */
  address(text: string): string {
    if (!isIPv4(text) && !isIPv6(text)) return text;
    const p = parseAddress(text)!;
    const key = `${p.v6 ? 6 : 4}:${p.value}`;
    let mapped = this.cache.get(key);
    if (mapped === undefined) {
      mapped = this.map(p.value, p.v6);
      this.cache.set(key, mapped);
    }
    return subnetOf(p.v6 ? 'inet6' : 'inet', formatBare(mapped, p.v6), p.v6 ? 128 : 32)!.split('/')[0];
  }

  /** A prefix `a/len` (the network part is mapped, host bits cleared), a bare address, or `default`. */
  prefix(text: string): string {
    const [addr, len, extra] = text.split('/');
    if (len === undefined || extra !== undefined || !/^\d+$/.test(len)) return this.address(text);
    if (!isIPv4(addr) && !isIPv6(addr)) return text;
    return subnetOf(addr.includes(':') ? 'inet6' : 'inet', this.address(addr), Number(len)) ?? text;
  }

  /** Any value a rule may hold: lists (`a,b`), ranges (`a-b`), `a:port`, `[v6]:port`, prefixes. */
  value(text: string): string {
    if (text.includes(',')) return text.split(',').map((t) => this.value(t)).join(',');
    const mapped = this.prefix(text);
    if (mapped !== text) return mapped;
    const dash = text.indexOf('-');
    if (dash > 0 && !text.includes(':')) return `${this.value(text.slice(0, dash))}-${this.value(text.slice(dash + 1))}`;
    const { address, port } = splitEndpoint(text);
    if (port !== null && address !== text) {
      const a = this.value(address);
      return text.startsWith('[') ? `[${a}]:${port}` : `${a}:${port}`;
    }
    return text;
  }

  /**
   * Every address or prefix inside free rule text (nft rules, set elements): maximal runs of address characters
   * bounded by anything else are mapped when they parse as an address or prefix.
   */
  inText(text: string): string {
    let out = '';
    let i = 0;
    while (i < text.length) {
      if (!isAddressChar(text[i]) || (i > 0 && isWordChar(text[i - 1]))) {
        out += text[i++];
        continue;
      }
      let j = i;
      while (j < text.length && isAddressChar(text[j])) j++;
      const run = text.slice(i, j);
      out += j < text.length && isWordChar(text[j]) ? run : this.value(run);
      i = j;
    }
    return out;
  }
}

const isAddressChar = (c: string) => /[0-9a-fA-F:./]/.test(c);
const isWordChar = (c: string) => /[0-9A-Za-z_]/.test(c);

function formatBare(value: bigint, v6: boolean): string {
  if (!v6) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
  return Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');
}

/** MACs: locally administered unicast pseudonyms, the same for the same MAC; all-zero and broadcast stay. */
export class MacPseudonyms {
  constructor(private readonly key: string) {}

  mac(text: string): string {
    const norm = text.toLowerCase();
    if (norm === '00:00:00:00:00:00' || norm === 'ff:ff:ff:ff:ff:ff') return norm;
    const h = sha256(`${this.key}|mac|${norm}`);
    h[0] = (h[0] & 0xfc) | 0x02;
    return toHex(h.slice(0, 6)).match(/../g)!.join(':');
  }
}

/** Names by kind: `container-1`, `network-2` …, numbered in order of first appearance; the same name, the same pseudonym. */
export class NamePseudonyms {
  private readonly maps = new Map<string, Map<string, string>>();

  name(kind: string, original: string): string {
    let m = this.maps.get(kind);
    if (!m) this.maps.set(kind, (m = new Map()));
    let p = m.get(original);
    if (p === undefined) m.set(original, (p = `${kind}-${m.size + 1}`));
    return p;
  }

  /** The pseudonym already given, if any (aliases reuse container names' pseudonyms). */
  known(kind: string, original: string): string | null {
    return this.maps.get(kind)?.get(original) ?? null;
  }
}
