/// <reference lib="webworker" />
import { compareSnapshots, listedForPage } from '@/lib/compare/compare';
import type { Snapshot } from '@/lib/snapshot/schema';

// A comparison with a file opened in the page, off the main thread: two reachability matrices; the page gets what
// compare.diff would send it (listedForPage), not tens of thousands of new flows copied across.
self.onmessage = (e: MessageEvent<{ id: number; a: Snapshot; b: Snapshot }>) => {
  self.postMessage({ id: e.data.id, comparison: listedForPage(compareSnapshots(e.data.a, e.data.b)) });
};
