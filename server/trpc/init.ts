import { initTRPC } from '@trpc/server';

export const t = initTRPC.create({
  sse: {
    // Keep idle streams alive through proxies, and let the client notice a dead server.
    ping: { enabled: true, intervalMs: 5_000 },
    client: { reconnectAfterInactivityMs: 12_000 },
  },
});
