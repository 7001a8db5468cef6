'use client';

import { useSubscription } from '@trpc/tanstack-react-query';
import { useRef, useState } from 'react';
import type { Snapshot } from '@/lib/snapshot/schema';
import { Dashboard } from '@/components/Dashboard';
import { useTRPC } from './trpc';

export interface LiveState {
  revision: number;
  snapshot: Snapshot;
}

export type LiveStatus = 'live' | 'reconnecting' | 'docker-unreachable' | 'connecting';

/** Follows the hub's revisions over SSE, starting from the one the server rendered the page with. */
export function LiveDashboard({ initial }: { initial: LiveState }) {
  const trpc = useTRPC();
  const [state, setState] = useState(initial);
  const [lastChange, setLastChange] = useState<string | null>(initial.snapshot.host.collectedAt);
  const connectedOnce = useRef(false);
  const sub = useSubscription(
    trpc.live.revisions.subscriptionOptions(
      // The server resumes after this id; on reconnects the link substitutes the last id it received.
      { lastEventId: String(initial.revision) },
      {
        onData: (envelope) => {
          setState(envelope.data);
          setLastChange(envelope.data.snapshot.host.collectedAt);
        },
      },
    ),
  );
  if (sub.status === 'pending') connectedOnce.current = true;
  const status: LiveStatus =
    sub.status === 'pending'
      ? state.snapshot.host.docker.reachable
        ? 'live'
        : 'docker-unreachable'
      : connectedOnce.current
        ? 'reconnecting'
        : 'connecting';
  return <Dashboard snapshot={state.snapshot} status={status} lastChange={lastChange} />;
}
