'use client';

import { useSubscription } from '@trpc/tanstack-react-query';
import { useMemo, useRef, useState } from 'react';
import type { Snapshot } from '@/lib/snapshot/schema';
import { Dashboard } from '@/components/Dashboard';
import { fetchOfflineAssets } from '@/components/share/export-file';
import type { OpenedFile } from '@/components/share/open-file';
import type { ShareProps } from '@/components/share/ShareBar';
import { ShareLinks } from '@/components/share/ShareLinks';
import { useTRPC } from './trpc';

export interface LiveState {
  revision: number;
  snapshot: Snapshot;
}

const CURRENT = { kind: 'current' } as const;

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
  // A file opened from disk replaces the view (read-only) until "Back to live"; the stream keeps running meanwhile.
  const [opened, setOpened] = useState<OpenedFile | null>(null);
  // Links are made on the server from what it shows (the live host), so they are offered for that view only.
  const share = useMemo<ShareProps>(
    () => ({
      loadAssets: fetchOfflineAssets, onOpen: setOpened, opened, onClose: () => setOpened(null),
      linksMenu: opened ? undefined : (redact, setRedact) => <ShareLinks source={CURRENT} redact={redact} setRedact={setRedact} />,
    }),
    [opened],
  );
  if (opened) return <Dashboard snapshot={opened.snapshot} status="file" lastChange={opened.snapshot.host.collectedAt} share={share} />;
  return <Dashboard snapshot={state.snapshot} status={status} lastChange={lastChange} share={share} />;
}
