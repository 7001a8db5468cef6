import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '@/server/trpc/router';

// Streams (SSE) must never be cached or statically rendered.
export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const handler = (req: Request) => fetchRequestHandler({ endpoint: '/api/trpc', req, router: appRouter, createContext: () => ({}) });

export { handler as GET, handler as POST };
