import { SnapshotSummary } from '@/components/SnapshotSummary';
import { hub } from '@/server/live/hub';

export const dynamic = 'force-dynamic';

export default async function Page() {
  const r = await hub().latest();
  return <SnapshotSummary snapshot={r.snapshot} />;
}
