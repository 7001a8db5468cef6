'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { useState, type ReactNode } from 'react';
import type { AppRouter } from '@/server/trpc/router';
import { LIMITS } from '@/lib/limits';
import { CSRF_HEADER, CSRF_META } from '@/lib/web/csrf';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** The per-process secret the server put in the page; writes must send it back. */
function csrfHeaders(): Record<string, string> {
  const v = document.querySelector<HTMLMetaElement>(`meta[name="${CSRF_META}"]`)?.content;
  return v ? { [CSRF_HEADER]: v } : {};
}

/**
 * Under the site's Referrer-Policy: no-referrer a POST says `Origin: null`, and plain-HTTP origins off loopback
 * get no Sec-Fetch-Site either, so writes could not prove they are same-origin; this request's own policy fixes it.
 */
const sameOriginReferrer: typeof fetch = (input, init) => fetch(input, { ...init, referrerPolicy: 'same-origin' });

/**
 * Queries go over batched HTTP (at most LIMITS.batchSize per request, the server's cap), subscriptions over
 * server-sent events (which reconnect on their own).
 */
export function TrpcProviders({ children }: { children: ReactNode }) {
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { staleTime: Infinity } } }));
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === 'subscription',
          true: httpSubscriptionLink({ url: '/api/trpc' }),
          false: httpBatchLink({ url: '/api/trpc', maxItems: LIMITS.batchSize, headers: csrfHeaders, fetch: sameOriginReferrer }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
