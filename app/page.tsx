import { Suspense } from 'react';
import { LiveDashboard } from '@/components/live/LiveDashboard';
import { TrpcProviders } from '@/components/live/trpc';
import { hub } from '@/server/live/hub';

// Every request starts from the hub's latest revision; the page then follows the live stream.
export const dynamic = 'force-dynamic';

export default async function Page() {
  const h = hub();
  const r = await h.latest();
  return (
    <TrpcProviders>
      <Suspense>
        <LiveDashboard initial={{ revision: r.id, eventId: h.eventId(r.id), snapshot: r.snapshot }} />
      </Suspense>
    </TrpcProviders>
  );
}
