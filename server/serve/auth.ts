import type { IncomingMessage } from 'node:http';
import { LIMITS } from '../../lib/limits';
import type { StoredToken, TokenStore } from './tokens';

export const COOKIE = 'netatlas_token';
/** What a token may look like: generated ones are base64url; explicit ones must be at least as safe in a cookie. */
export const TOKEN_SYNTAX = /^[A-Za-z0-9._~+/=-]{16,512}$/;

/** The token a request presents: `Authorization: Bearer` (API clients) or the login cookie (browsers). */
export function presentedToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  return cookieValue(req.headers.cookie, COOKIE);
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Tokens are cookie-safe by construction (TOKEN_SYNTAX), so the value goes in as it is. */
export function sessionCookie(token: string, secure: boolean): string {
  return `${COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** Failed token attempts per client address in a fixed window; beyond the limit, attempts are refused unread. */
export class FailureLimiter {
  private readonly failures = new Map<string, { count: number; until: number }>();

  constructor(private readonly limit: number = LIMITS.failedLoginsPerWindow, private readonly windowMs: number = LIMITS.failedLoginWindowMs) {}

  /** Milliseconds this address must wait, or 0. */
  blockedFor(address: string, now = Date.now()): number {
    const f = this.failures.get(address);
    if (!f || f.until <= now) return 0;
    return f.count >= this.limit ? f.until - now : 0;
  }

  fail(address: string, now = Date.now()) {
    const f = this.failures.get(address);
    if (!f || f.until <= now) this.failures.set(address, { count: 1, until: now + this.windowMs });
    else f.count++;
    if (this.failures.size > 10_000) for (const [a, v] of this.failures) if (v.until <= now) this.failures.delete(a);
  }
}

export type AuthResult =
  | { kind: 'ok'; token: StoredToken }
  | { kind: 'missing' }
  | { kind: 'wrong' }
  | { kind: 'limited'; retryAfterMs: number };

/** Checks a presented token; a wrong one counts against the client address. */
export function authenticate(token: string | undefined, address: string, store: TokenStore, limiter: FailureLimiter): AuthResult {
  if (token === undefined || token === '') return { kind: 'missing' };
  const wait = limiter.blockedFor(address);
  if (wait > 0) return { kind: 'limited', retryAfterMs: wait };
  const found = store.verify(token);
  if (found) return { kind: 'ok', token: found };
  limiter.fail(address);
  return { kind: 'wrong' };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The small page browsers get instead of a bare 401: a form posting the token (so it never sits in a URL). Its
 * referrer policy is same-origin rather than the site's no-referrer, because under no-referrer a form POST says
 * `Origin: null` and plain-HTTP origins get no Sec-Fetch-Site to vouch for it instead.
 */
export function loginPage(message: string, next: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="referrer" content="same-origin"><title>netatlas — log in</title><style>body{font:15px system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}
input{font:inherit;width:100%;box-sizing:border-box;margin:.5rem 0;padding:.4rem}button{font:inherit;padding:.4rem 1rem}</style></head>
<body><h1>netatlas</h1><p>${escapeHtml(message)}</p>
<form method="post" action="/login"><input type="hidden" name="next" value="${escapeHtml(next)}">
<label>Token <input type="password" name="token" autocomplete="current-password" autofocus></label>
<button type="submit">Log in</button></form>
<p>The login URL printed when the server started logs you in directly.</p></body></html>`;
}

/** Where to go after logging in: a local path only, never another site. */
export function safeNext(next: string | null | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') && !next.startsWith('/login') ? next : '/';
}
