'use client';

import { useSubscription } from '@trpc/tanstack-react-query';
import { useEffect, useReducer, useRef } from 'react';
import type { Snapshot } from '@/lib/snapshot/schema';
import { receive, receiveFetched, startStream, type LiveMessage, type StreamState } from '@/lib/history/stream';
import { useTRPC, useTRPCClient } from './trpc';

export interface LiveState {
  revision: number;
  /** The SSE event id of `revision`: where the stream resumes from. */
  eventId: string;
  snapshot: Snapshot;
}

type Action = { from: 'stream'; msg: LiveMessage } | { from: 'fetch'; msg: Extract<LiveMessage, { kind: 'whole' }> };

const reduce = (s: StreamState, a: Action): StreamState => (a.from === 'stream' ? receive(s, a.msg) : receiveFetched(s, a.msg));

/** A failed fetch of the whole snapshot is retried after this long (the server may be restarting). */
const RETRY_MS = 2_000;

/**
 * The hub's revisions over SSE, starting from the one the server rendered the page with: deltas applied to what we
 * hold (lib/history/stream.ts), and a whole snapshot fetched whenever the stream and we are out of step.
 */
export function useLiveStream(initial: LiveState) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [state, dispatch] = useReducer(reduce, initial, (i) => startStream(i.revision, i.snapshot));
  const sub = useSubscription(
    trpc.live.revisions.subscriptionOptions(
      // The server resumes after this id; on reconnects the link substitutes the last id it received.
      { lastEventId: initial.eventId },
      { onData: (envelope) => dispatch({ from: 'stream', msg: envelope.data as LiveMessage }) },
    ),
  );

  const fetching = useRef(false);
  useEffect(() => {
    if (state.resync === null || fetching.current) return;
    fetching.current = true;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const fetchWhole = () =>
      client.snapshot.current
        .query()
        .then((r) => {
          fetching.current = false;
          dispatch({ from: 'fetch', msg: { kind: 'whole', revision: r.revision, snapshot: r.snapshot as Snapshot } });
        })
        .catch(() => {
          retry = setTimeout(fetchWhole, RETRY_MS);
        });
    void fetchWhole();
    return () => {
      // Back in step (a whole snapshot came down the stream) or unmounted: stop retrying. A fetch in flight may
      // still land; receiveFetched ignores it once we are in step.
      if (retry) clearTimeout(retry);
      fetching.current = false;
    };
  }, [state.resync, client]);

  return { revision: state.revision, snapshot: state.snapshot, structureAt: state.structureAt, resync: state.resync, subscription: sub.status };
}
