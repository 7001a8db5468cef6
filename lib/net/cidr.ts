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
