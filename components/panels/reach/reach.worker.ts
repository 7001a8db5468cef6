/// <reference lib="webworker" />
import { reachMatrix } from '@/lib/reach/matrix';
import type { Snapshot } from '@/lib/snapshot/schema';

// The reachability matrix off the main thread: thousands of simulated paths would stall panning for a second.
self.onmessage = (e: MessageEvent<{ id: number; snapshot: Snapshot }>) => {
  const t0 = performance.now();
  const matrix = reachMatrix(e.data.snapshot);
  self.postMessage({ id: e.data.id, matrix, ms: performance.now() - t0 });
};
