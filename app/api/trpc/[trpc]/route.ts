import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { LIMITS } from '@/lib/limits';
import { appRouter } from '@/server/trpc/router';

// Streams (SSE) must never be cached or statically rendered.
export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

// Batches are capped: one request must not multiply work (a ×900 batch of snapshot.current was 78 MB).
const handler = (req: Request) =>
  fetchRequestHandler({
    endpoint: '/api/trpc', req, router: appRouter, maxBatchSize: LIMITS.batchSize,
    createContext: () => ({ headers: req.headers }),
  });

export { handler as GET, handler as POST };
