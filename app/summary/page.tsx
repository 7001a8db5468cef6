import { SnapshotSummary } from '@/components/SnapshotSummary';
import { hub } from '@/server/live/hub';
import { serveMode } from '@/server/serve/mode';

// The plain tables view (like `brctl show` and `docker ps`): handy for copying, and a fallback without JS.
export const dynamic = 'force-dynamic';

export default async function SummaryPage() {
  // Nobody subscribes here: never the idle tick's old reading (hub().current() collects when stale).
  const snapshot = serveMode().file?.snapshot ?? (await hub().current()).snapshot;
  return <SnapshotSummary snapshot={snapshot} />;
}
