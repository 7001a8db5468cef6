'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useState } from 'react';
import type { Snapshot } from '@/lib/snapshot/schema';
import { parseTimeRef } from '@/lib/snapshot/ref';
import { useHostInput } from '@/components/fleet/chosen-host';
import { useTRPC } from '@/components/live/trpc';

export interface PastView {
  /** What the URL says (`?at=`): an ISO time or `name:NAME`. */
  ref: string;
  /** When the snapshot shown was collected, and what it is ("saved 'before-deploy'", or the time). */
  at: string;
  label: string;
  snapshot: Snapshot;
}

export interface TimeTravel {
  /** The `?at=` reference, or null when live. */
  ref: string | null;
  /** The past snapshot on screen (the previous one stays while the next loads), or null when live. */
  past: PastView | null;
  loading: boolean;
  error: string | null;
  /** Show a moment (a reference: `-10m`, an ISO time, a saved name) or, with null or `live`, the live host. */
  goTo: (ref: string | null) => void;
}

/**
 * `?at=` in the URL names the moment on screen, so a link points at it. Relative times are turned into the moment
 * they mean when chosen (a link to `-10m` would drift); the server resolves the reference with the one grammar.
 */
export function useTimeTravel(): TimeTravel {
  const trpc = useTRPC();
  const hostInput = useHostInput();
  const pathname = usePathname();
  // Local first, the URL follows (as in useViewState); a URL we did not write (a pasted link, back) is adopted.
  const urlRef = useSearchParams().get('at') || null;
  const [ref, setRef] = useState(urlRef);
  useEffect(() => setRef(urlRef), [urlRef]);
  const q = useQuery(trpc.history.at.queryOptions({ ref: ref ?? 'live', ...hostInput }, { enabled: ref !== null && ref !== 'live', placeholderData: keepPreviousData }));

  const goTo = useCallback(
    (next: string | null) => {
      const text = next?.trim() ?? '';
      const p = new URLSearchParams(window.location.search);
      const at = !text || text === 'live' ? null : (parseTimeRef(text, new Date())?.toISOString() ?? text);
      setRef(at);
      if (at === null) p.delete('at');
      else p.set('at', at);
      const qs = p.toString();
      window.history.replaceState(window.history.state, '', qs ? `${pathname}?${qs}` : pathname);
    },
    [pathname],
  );

  if (ref === null || ref === 'live') return { ref: null, past: null, loading: false, error: null, goTo };
  const data = q.data;
  const past: PastView | null =
    data?.ok && !data.live ? { ref, at: data.at, label: data.label, snapshot: data.snapshot as Snapshot } : null;
  const error = q.error ? q.error.message : data && !data.ok ? data.error : null;
  return { ref, past, loading: q.isFetching, error, goTo };
}
