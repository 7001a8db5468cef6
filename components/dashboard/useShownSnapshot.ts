'use client';

import { useState } from 'react';
import type { Snapshot } from '@/lib/snapshot/schema';
import type { LiveStatus } from './StatusBadge';

/**
 * The snapshot to draw. While reconnecting (null) the last one stays up; while Docker is unreachable a snapshot
 * without Docker data would erase every container, so the last one that had them stays up instead.
 */
export function useShownSnapshot(snapshot: Snapshot | null, status: LiveStatus): { shown: Snapshot | null; stale: boolean } {
  const [kept, setKept] = useState({ last: snapshot, withDocker: snapshot?.docker ? snapshot : null });
  // Derived state from props, updated during render (React's documented pattern), so no frame shows stale data.
  if (snapshot && snapshot !== kept.last) setKept({ last: snapshot, withDocker: snapshot.docker ? snapshot : kept.withDocker });

  const base = snapshot ?? kept.last;
  const shown = status === 'docker-unreachable' && !base?.docker && kept.withDocker ? kept.withDocker : base;
  return { shown, stale: shown !== null && shown !== snapshot };
}
