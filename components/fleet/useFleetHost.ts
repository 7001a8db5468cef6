'use client';

import { useEffect, useState } from 'react';
import { receive, startStream, type LiveMessage, type StreamState } from '@/lib/history/stream';
import { useTRPCClient } from '@/components/live/trpc';

/** How often a fleet host's newest state is asked for. */
const POLL_MS = 2_000;

/** One answer of `fleet.since` taken into what we hold (lib/history/stream: the live stream's own rules). */
function take(held: StreamState | null, messages: LiveMessage[]): StreamState | null {
  let next = held;
  for (const m of messages) next = next ? receive(next, m) : m.kind === 'whole' ? startStream(m.revision, m.snapshot) : null;
  return next;
}

/**
 * A fleet host's newest state (`serve --hub`, `?host=`; null: none, this server's own host is shown), followed by polling `fleet.since` with the revision we
 * hold: an unchanged host answers nothing, a changed one its deltas, and a whole snapshot comes only when we hold
 * none or fell out of step. Like the live stream, `structureAt` moves only with the structure, so counters alone
 * never rebuild the graph.
 */
export function useFleetHost(host: string | null): { state: StreamState | null; error: string | null } {
  const client = useTRPCClient();
  const [state, setState] = useState<StreamState | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (host === null) return;
    let held: StreamState | null = null;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        // Out of step (a delta based on something else): ask for a whole snapshot.
        const r = await client.fleet.since.query({ host, revision: held && held.resync === null ? held.revision : null });
        if (stopped) return;
        if (!r.ok) setError(r.error);
        else {
          setError(null);
          const next = take(held, r.messages as LiveMessage[]);
          if (next !== held) setState((held = next));
        }
      } catch {
        // The server is restarting or unreachable: the next poll tries again.
      }
      if (!stopped) timer = setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [host, client]);
  return { state, error };
}
