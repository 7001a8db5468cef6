import { initTRPC } from '@trpc/server';

export const t = initTRPC.create({
  sse: {
    // Keep idle streams alive through proxies, and let the client notice a dead server.
    ping: { enabled: true, intervalMs: 5_000 },
    client: { reconnectAfterInactivityMs: 12_000 },
  },
});

export const router = t.router;
export const publicProcedure = t.procedure;

/**
 * Every procedure that writes (saves or deletes anything) is built from this one, so the access layer of
 * `netatlas serve` (tokens, the CSRF secret) guards all writes in one place. Today it is the public procedure.
 */
export const writeProcedure = t.procedure;
