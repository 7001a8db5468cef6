import { SnapshotSummary } from '@/components/SnapshotSummary';
import { hub } from '@/server/live/hub';

// Every request reads the live host (through the shared hub's caches).
export const dynamic = 'force-dynamic';

export default async function Page() {
  const snapshot = await hub().current();
  return <SnapshotSummary snapshot={snapshot} />;
}
