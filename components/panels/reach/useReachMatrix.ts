'use client';

import { useEffect, useRef, useState } from 'react';
import type { ReachMatrix } from '@/lib/reach/matrix';
import type { Snapshot } from '@/lib/snapshot/schema';

export interface ReachState {
  matrix: ReachMatrix | null;
  /** How long the worker took for the matrix shown. */
  ms: number | null;
  computing: boolean;
}

/** The matrix for `snapshot`, computed in a web worker; the previous answer stays shown while the next is computed. */
export function useReachMatrix(snapshot: Snapshot | null): ReachState {
  const worker = useRef<Worker | null>(null);
  const asked = useRef(0);
  const [state, setState] = useState<ReachState>({ matrix: null, ms: null, computing: false });

  useEffect(() => {
    const w = new Worker(new URL('./reach.worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent<{ id: number; matrix: ReachMatrix; ms: number }>) => {
      // Only the answer to the latest question: an older one would flash stale cells.
      if (e.data.id === asked.current) setState({ matrix: e.data.matrix, ms: e.data.ms, computing: false });
    };
    worker.current = w;
    return () => {
      w.terminate();
      worker.current = null;
    };
  }, []);

  useEffect(() => {
    if (!snapshot || !worker.current) return;
    asked.current += 1;
    setState((s) => ({ ...s, computing: true }));
    worker.current.postMessage({ id: asked.current, snapshot });
  }, [snapshot]);

  return state;
}
