'use client';

import { useState } from 'react';

/**
 * The value before the current one (by identity): the previous snapshot revision, for live counter rates.
 * Null until a second revision arrives.
 */
export function usePreviousRevision<T>(current: T | null): T | null {
  const [kept, setKept] = useState<{ current: T | null; previous: T | null }>({ current, previous: null });
  // Derived state from props, updated during render (React's documented pattern), so rates never lag a frame.
  if (current !== kept.current) {
    const next = { current, previous: kept.current };
    setKept(next);
    return next.previous;
  }
  return kept.previous;
}
