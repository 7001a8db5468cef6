'use client';

import { useMemo, useRef, useState } from 'react';
import { Dashboard } from '@/components/Dashboard';
import type { LiveStatus } from '@/components/dashboard/StatusBadge';
import { TimeTravelBar } from '@/components/history/TimeTravelBar';
import { HistoryPanel } from '@/components/history/HistoryPanel';
import { useTimeTravel, type PastView } from '@/components/history/useTimeTravel';
import { fetchOfflineAssets } from '@/components/share/export-file';
import type { OpenedFile } from '@/components/share/open-file';
import type { ShareProps } from '@/components/share/ShareBar';
import { ShareLinks } from '@/components/share/ShareLinks';
import type { ShareSource } from '@/server/share/share-source';
import { useLiveStream, type LiveState } from './useLiveStream';

export type { LiveState };
export type { LiveStatus };

const CURRENT: ShareSource = { kind: 'current' };

/** What a link to the moment on screen is made from: the saved snapshot by name, else the moment it was collected. */
function sourceOf(past: PastView | null): ShareSource {
  if (!past) return CURRENT;
  return past.ref.startsWith('name:') ? { kind: 'name', name: past.ref.slice('name:'.length) } : { kind: 'time', at: past.snapshot.host.collectedAt };
}

/**
 * Follows the live stream and, when the URL names a moment (`?at=`), shows the host as it was then instead. A file
 * opened from disk replaces either (read-only) until "Back to live"; the stream keeps running meanwhile.
 */
export function LiveDashboard({ initial }: { initial: LiveState }) {
  const live = useLiveStream(initial);
  const travel = useTimeTravel();
  const connectedOnce = useRef(false);
  if (live.subscription === 'pending') connectedOnce.current = true;
  const status: LiveStatus =
    live.subscription === 'pending'
      ? live.snapshot.host.docker.reachable
        ? 'live'
        : 'docker-unreachable'
      : connectedOnce.current
        ? 'reconnecting'
        : 'connecting';
  const [opened, setOpened] = useState<OpenedFile | null>(null);
  const past = travel.past;
  const source = useMemo(() => sourceOf(past), [past]);
  // Links are made on the server from what it has (the live host, history, saved snapshots), never from a file the
  // browser opened, so they are offered for those views only.
  const share = useMemo<ShareProps>(
    () => ({
      loadAssets: fetchOfflineAssets, onOpen: setOpened, opened, onClose: () => setOpened(null),
      linksMenu: opened ? undefined : (redact, setRedact) => <ShareLinks source={source} redact={redact} setRedact={setRedact} />,
    }),
    [opened, source],
  );
  // Keyed by the file: another host's picture starts from a fresh layout, fitted, not from the boxes of this one.
  if (opened) return <Dashboard key={`file ${opened.name}`} snapshot={opened.snapshot} status="file" lastChange={opened.snapshot.host.collectedAt} share={share} />;
  return (
    <Dashboard
      snapshot={past ? past.snapshot : live.snapshot}
      status={status}
      lastChange={live.snapshot.host.collectedAt}
      share={share}
      past={past !== null}
      structureKey={past ? `past ${past.ref} ${past.at}` : `live ${live.structureAt}`}
      timeline={<TimeTravelBar travel={travel} liveAt={live.snapshot.host.collectedAt} />}
      historyPanel={<HistoryPanel travel={travel} liveAt={live.snapshot.host.collectedAt} />}
    />
  );
}
