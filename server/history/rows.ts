import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Snapshot } from '../../lib/snapshot/schema';

/** What every history backend stores per revision, and the rules they share for chains and retention. */

export const pack = (v: unknown): Buffer => deflateRawSync(JSON.stringify(v));
export const unpack = <T>(b: Buffer): T => JSON.parse(inflateRawSync(b).toString('utf8')) as T;
export const atOf = (s: Snapshot) => {
  const t = Date.parse(s.host.collectedAt);
  return Number.isNaN(t) ? Date.now() : t;
};

/** What retention does to one revision. */
export type Decision = 'keep' | 'drop' | 'keyframe';

export interface ChainState {
  /** Deltas since the last keyframe, their bytes, and the keyframe's. */
  length: number;
  bytes: number;
  keyframeBytes: number;
}

/** A new chain starts with the first revision, after `every` deltas, or once the deltas outweigh the keyframe `weight`×. */
export const startsKeyframe = (chain: ChainState, delta: Buffer | null, every: number, weight: number) =>
  delta === null || chain.length + 1 > every || chain.bytes + delta.length > chain.keyframeBytes * weight;

/** Ids of the last row in each time bucket, plus every row `always` keeps. */
export function lastPerBucket<R extends { id: number; at: number }>(rows: R[], bucketMs: number, always: (r: R) => boolean): Set<number> {
  const keep = new Set<number>();
  for (let i = 0; i < rows.length; i++) {
    const bucket = Math.floor(rows[i].at / bucketMs);
    const next = rows[i + 1];
    if (always(rows[i]) || !next || Math.floor(next.at / bucketMs) !== bucket) keep.add(rows[i].id);
  }
  return keep;
}
