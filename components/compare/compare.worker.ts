/// <reference lib="webworker" />
import { compareSnapshots } from '@/lib/compare/compare';
import type { Snapshot } from '@/lib/snapshot/schema';

// A comparison with a file opened in the page, off the main thread: two reachability matrices.
self.onmessage = (e: MessageEvent<{ id: number; a: Snapshot; b: Snapshot }>) => {
  self.postMessage({ id: e.data.id, comparison: compareSnapshots(e.data.a, e.data.b) });
};
