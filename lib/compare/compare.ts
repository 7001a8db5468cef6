import { diffSnapshots } from '../history/delta';
import type { Snapshot } from '../snapshot/schema';
import { compareChanges, type SemanticChange } from './changes';
import { diffReach, type ReachDiff } from './reach-diff';

/**
 * Two snapshots compared: what changed (the semantic change list) and what it broke or opened (differential
 * reachability). What `netatlas diff`, the `compare.diff` query and the compare view all read.
 */
export interface Comparison {
  changes: SemanticChange[];
  reachability: ReachDiff;
}

export type FailOn = 'reachability' | 'structure' | 'rules';
export const FAIL_ON: readonly FailOn[] = ['reachability', 'structure', 'rules'];

export function compareSnapshots(a: Snapshot, b: Snapshot): Comparison {
  const changes = compareChanges(a, b, diffSnapshots(a, b));
  return { changes, reachability: diffReach(a, b, changes) };
}

/**
 * Whether a comparison holds a change of that kind: a flow that broke or opened (not one that is dropped for
 * another reason now, nor a flow of something new), any structural change, any rule change.
 */
export function hasChangeOf(c: Comparison, kind: FailOn): boolean {
  if (kind === 'reachability') return c.reachability.changes.some((f) => f.kind === 'broken' || f.kind === 'opened');
  const area = kind === 'rules' ? 'rules' : 'structure';
  return c.changes.some((x) => x.area === area);
}
