/** Small, strict address helpers for the packet-path panel (pure). */

export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

/** RFC 4291 text forms: up to 8 hex groups, at most one `::`, optionally ending in a dotted IPv4 address. */
export function isIPv6(s: string): boolean {
  if (!s.includes(':') || s.length > 45) return false;
  let text = s;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    // A dotted IPv4 tail stands for the last two groups.
    if (!isIPv4(tail)) return false;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  if (![...left, ...right].every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const count = left.length + right.length;
  return halves.length === 2 ? count <= 7 : count === 8;
}

export const isIP = (s: string) => isIPv4(s) || isIPv6(s);

/** `ip:port`, with IPv6 in brackets. */
export const hostPort = (ip: string, port: number) => `${ip.includes(':') ? `[${ip}]` : ip}:${port}`;

export const isWildcard = (ip: string) => ip === '0.0.0.0' || ip === '::' || ip === '';
export const isLoopback = (ip: string) => ip === '::1' || /^127\./.test(ip);
