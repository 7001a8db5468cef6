import { SnapshotSummary } from '@/components/SnapshotSummary';
import { hub } from '@/server/live/hub';

// The plain tables view (like `brctl show` and `docker ps`): handy for copying, and a fallback without JS.
export const dynamic = 'force-dynamic';

export default async function SummaryPage() {
  const r = await hub().current(); // nobody subscribes here: never the idle tick's old reading
  return <SnapshotSummary snapshot={r.snapshot} />;
}
