import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Headers every response carries. The CSP allows scripts only from our origin and inline ones carrying this
 * request's nonce: Next reads the nonce from the request's own `content-security-policy` header and puts it on
 * its bootstrap scripts (app/layout.tsx puts it on the theme script), so pages must render per request.
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    // React sets style attributes and Next inlines critical CSS; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export const NONCE_HEADER = 'x-netatlas-nonce';

/** Sets the response headers and hands the nonce to Next through the request (overwriting anything sent). */
export function applySecurityHeaders(req: IncomingMessage, res: ServerResponse, tls: boolean) {
  const nonce = randomBytes(16).toString('base64');
  const csp = contentSecurityPolicy(nonce);
  req.headers['content-security-policy'] = csp;
  req.headers[NONCE_HEADER] = nonce;
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  if (tls) res.setHeader('Strict-Transport-Security', 'max-age=31536000');
}
