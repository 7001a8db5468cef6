'use client';

import { useRef } from 'react';
import { Dashboard } from '@/components/Dashboard';
import type { LiveStatus } from '@/components/dashboard/StatusBadge';
import { TimeTravelBar } from '@/components/history/TimeTravelBar';
import { HistoryPanel } from '@/components/history/HistoryPanel';
import { useTimeTravel } from '@/components/history/useTimeTravel';
import { useLiveStream, type LiveState } from './useLiveStream';

export type { LiveState };
export type { LiveStatus };

/** Follows the live stream and, when the URL names a moment (`?at=`), shows the host as it was then instead. */
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
  const past = travel.past;
  return (
    <Dashboard
      snapshot={past ? past.snapshot : live.snapshot}
      status={status}
      lastChange={live.snapshot.host.collectedAt}
      past={past !== null}
      structureKey={past ? `past ${past.ref} ${past.at}` : `live ${live.structureAt}`}
      timeline={<TimeTravelBar travel={travel} liveAt={live.snapshot.host.collectedAt} />}
      historyPanel={<HistoryPanel travel={travel} liveAt={live.snapshot.host.collectedAt} />}
    />
  );
}
