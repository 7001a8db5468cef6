import { Suspense } from 'react';
import { LiveDashboard } from '@/components/live/LiveDashboard';
import { TrpcProviders } from '@/components/live/trpc';
import { FixedSnapshot } from '@/components/share/FixedSnapshot';
import { hub } from '@/server/live/hub';
import { serveMode } from '@/server/serve/mode';

// Every request starts from the hub's latest revision; the page then follows the live stream. Under
// `netatlas open FILE` it shows that file instead, and the hub is never started.
export const dynamic = 'force-dynamic';

export default async function Page() {
  const file = serveMode().file;
  if (file) {
    return (
      <TrpcProviders>
        <Suspense>
          <FixedSnapshot file={file} offlineAssets links />
        </Suspense>
      </TrpcProviders>
    );
  }
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
