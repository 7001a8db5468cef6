import { hostname as osHostname, networkInterfaces } from 'node:os';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * "Only our own origin": which Host names this server answers to. A DNS-rebinding page reaches us under its own
 * name (Host: evil.example), so anything not in this set is refused before any work is done.
 */
export interface AllowedHosts {
  /** Lower-case names and addresses (IPv6 in brackets), accepted with our port (or none when it is the default). */
  names: Set<string>;
  port: number;
  defaultPort: number;
  /** A reverse proxy's name: accepted with any port unless one was given. */
  publicName?: { name: string; port?: number };
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export function isLoopbackBind(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function isWildcardBind(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

const bracket = (addr: string) => (addr.includes(':') && !addr.startsWith('[') ? `[${addr}]` : addr);

/** Split a Host header (or a URL host) into a lower-case name and an optional port. */
export function splitHost(value: string): { name: string; port?: number } | null {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(value.trim().toLowerCase());
  if (!m) return null;
  return { name: m[1], port: m[2] === undefined ? undefined : Number(m[2]) };
}

export function allowedHosts(opts: {
  bind: string; port: number; tls: boolean; publicName?: string;
  interfaces?: ReturnType<typeof networkInterfaces>; hostname?: string;
}): AllowedHosts {
  const names = new Set<string>();
  if (isLoopbackBind(opts.bind)) {
    for (const n of LOOPBACK_NAMES) names.add(n);
    names.add(bracket(opts.bind.toLowerCase()));
  } else if (isWildcardBind(opts.bind)) {
    for (const n of LOOPBACK_NAMES) names.add(n);
    for (const list of Object.values(opts.interfaces ?? networkInterfaces())) {
      for (const a of list ?? []) if (!a.address.toLowerCase().startsWith('fe80')) names.add(bracket(a.address.toLowerCase()));
    }
    const host = (opts.hostname ?? osHostname()).toLowerCase();
    names.add(host);
    names.add(host.split('.')[0]);
  } else {
    names.add(bracket(opts.bind.toLowerCase()));
    names.add((opts.hostname ?? osHostname()).toLowerCase());
  }
  const pub = opts.publicName ? splitHost(opts.publicName) : null;
  return { names, port: opts.port, defaultPort: opts.tls ? 443 : 80, publicName: pub ?? undefined };
}

export function hostAllowed(value: string | undefined, allowed: AllowedHosts): boolean {
  if (!value) return false;
  const h = splitHost(value);
  if (!h) return false;
  const pub = allowed.publicName;
  if (pub && h.name === pub.name && (pub.port === undefined || (h.port ?? allowed.defaultPort) === pub.port)) return true;
  return allowed.names.has(h.name) && (h.port ?? allowed.defaultPort) === allowed.port;
}

export type Screen = { ok: true } | { ok: false; status: 421 | 403; reason: string };

/**
 * Host, then Origin and Sec-Fetch-Site where a browser sent them. Cross-site requests are refused except plain
 * top-level navigations (following a link), which cannot read anything and carry no SameSite=Strict cookie.
 */
export function screenRequest(method: string, headers: IncomingHttpHeaders, allowed: AllowedHosts): Screen {
  if (!hostAllowed(headers.host, allowed)) return { ok: false, status: 421, reason: 'this server does not answer to that Host name' };
  const origin = headers.origin;
  const site = headers['sec-fetch-site'];
  // Under Referrer-Policy: no-referrer a browser's own form POST says `Origin: null`; Sec-Fetch-Site then decides.
  const opaque = origin === 'null' && site !== 'same-origin';
  if (opaque || (origin !== undefined && origin !== 'null' && !sameOrigin(origin, headers.host!))) return { ok: false, status: 403, reason: 'cross-origin requests are refused' };
  const navigation = headers['sec-fetch-mode'] === 'navigate' && headers['sec-fetch-dest'] === 'document' && (method === 'GET' || method === 'HEAD');
  if (site === 'cross-site' && !navigation) return { ok: false, status: 403, reason: 'cross-site requests are refused' };
  return { ok: true };
}

/** Origin names the same host and port the request was sent to (the Host header, already checked). */
export function sameOrigin(origin: string, host: string): boolean {
  if (!URL.canParse(origin)) return false; // 'null' and other opaque origins
  const url = new URL(origin);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const o = splitHost(url.host);
  const h = splitHost(host);
  if (!o || !h) return false;
  const oPort = o.port ?? (url.protocol === 'https:' ? 443 : 80);
  const hPort = h.port ?? oPort; // a Host without a port means the scheme's default, which Origin states
  return o.name === h.name && oPort === hPort;
}
