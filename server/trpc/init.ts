import { initTRPC, TRPCError } from '@trpc/server';
import { CSRF_HEADER } from '../../lib/web/csrf';
import { csrfMatches } from '../serve/csrf';
import { sameOrigin } from '../serve/origin';

/** What every procedure can see: the request's headers (for the write guard). */
export interface Context {
  headers: Headers;
}

const t = initTRPC.context<Context>().create({
  sse: {
    // Keep idle streams alive through proxies, and let the client notice a dead server.
    ping: { enabled: true, intervalMs: 5_000 },
    client: { reconnectAfterInactivityMs: 12_000 },
  },
});

export const router = t.router;
export const publicProcedure = t.procedure;

/**
 * Every state-changing procedure: same-origin (Origin, or Sec-Fetch-Site, must say so; a request with neither
 * is not from a page) plus the page's CSRF secret. Off loopback the server has already required the token.
 */
export const writeProcedure = t.procedure.use(({ ctx, next }) => {
  const why = writeRefusal(ctx.headers);
  if (why) throw new TRPCError({ code: 'FORBIDDEN', message: why });
  return next();
});

export function writeRefusal(headers: Headers): string | null {
  const origin = headers.get('origin') === 'null' ? null : headers.get('origin'); // opaque: Sec-Fetch-Site decides
  const site = headers.get('sec-fetch-site');
  const host = headers.get('host') ?? '';
  if (origin !== null ? !sameOrigin(origin, host) : site !== 'same-origin') return 'writes must come from this dashboard (same origin)';
  if (!csrfMatches(headers.get(CSRF_HEADER))) return `writes need the page's ${CSRF_HEADER} header`;
  return null;
}
