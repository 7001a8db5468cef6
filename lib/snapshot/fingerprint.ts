import type { Snapshot } from './schema';

/**
 * What makes two snapshots "the same state": everything but when and how fast they were taken. Counters are
 * included on purpose: moving counters are a change the rule panels show.
 */
export function snapshotFingerprint(s: Snapshot): string {
  return JSON.stringify({ ...s, host: { ...s.host, collectedAt: null, collectionMs: null } });
}
