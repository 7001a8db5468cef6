import { Suspense } from 'react';
import { LiveDashboard } from '@/components/live/LiveDashboard';
import { TrpcProviders } from '@/components/live/trpc';
import { FixedSnapshot } from '@/components/share/FixedSnapshot';
import { hub } from '@/server/live/hub';
import { serveMode } from '@/server/serve/mode';

// The page's head (and so its scripts) goes out at once; the dashboard, rendered from the hub's latest revision,
// follows in the Suspense boundary when that revision exists (a fresh server is still collecting), and then
// follows the live stream. Under `netatlas open FILE` it shows that file instead, and the hub is never started.
export const dynamic = 'force-dynamic';

export default function Page() {
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
  return (
    <TrpcProviders>
      <Suspense>
        <LiveFromHub />
      </Suspense>
    </TrpcProviders>
  );
}

async function LiveFromHub() {
  const h = hub();
  const r = await h.latest();
  return <LiveDashboard initial={{ revision: r.id, eventId: h.eventId(r.id), snapshot: r.snapshot }} />;
}
