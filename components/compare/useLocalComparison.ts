'use client';

import { useEffect, useRef, useState } from 'react';
import type { Comparison } from '@/lib/compare/compare';
import type { Snapshot } from '@/lib/snapshot/schema';

/** The comparison of two snapshots the page holds, computed in a web worker; null until it answers. */
export function useLocalComparison(a: Snapshot | null, b: Snapshot | null): Comparison | null {
  const worker = useRef<Worker | null>(null);
  const asked = useRef(0);
  const [answer, setAnswer] = useState<{ id: number; comparison: Comparison } | null>(null);

  useEffect(() => {
    const w = new Worker(new URL('./compare.worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent<{ id: number; comparison: Comparison }>) => setAnswer(e.data);
    worker.current = w;
    return () => {
      w.terminate();
      worker.current = null;
    };
  }, []);

  useEffect(() => {
    if (!a || !b || !worker.current) return;
    asked.current += 1;
    worker.current.postMessage({ id: asked.current, a, b });
  }, [a, b]);

  // Only the answer to the latest question: an older one would show the wrong pair.
  return answer && answer.id === asked.current && a && b ? answer.comparison : null;
}
