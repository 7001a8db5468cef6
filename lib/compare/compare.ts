import { diffSnapshots } from '../history/delta';
import type { Snapshot } from '../snapshot/schema';
import { compareChanges, type SemanticChange } from './changes';
import { countNew, diffReach, type ReachDiff } from './reach-diff';

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

/**
 * The part of a comparison that concerns some containers or networks (by name): changes that name them, flows
 * from or to them. For a pipeline that answers for its own services on a host others change too.
 */
export function scopeComparison(c: Comparison, names: string[]): Comparison {
  const want = new Set(names);
  const hit = (x: { containers: string[]; networks: string[] }) => x.containers.some((n) => want.has(n)) || x.networks.some((n) => want.has(n));
  const named = (x: SemanticChange) => (x.object.type === 'container' || x.object.type === 'network') && want.has(x.object.name);
  // Old index → new index, so flows still point at their related entries.
  const index = new Map<number, number>();
  const changes: SemanticChange[] = [];
  c.changes.forEach((x, i) => {
    if (!hit(x.concerns) && !named(x)) return;
    index.set(i, changes.length);
    changes.push(x);
  });
  const flows = c.reachability.changes
    .filter((f) => hit(f.ends))
    .map((f) => ({ ...f, related: f.related.filter((i) => index.has(i)).map((i) => index.get(i)!) }));
  return { changes, reachability: { ...c.reachability, newFlows: countNew(flows), changes: flows } };
}

/** New flows a page lists; the rest are counted (`reachability.newFlows`). */
export const NEW_FLOWS_LISTED = 200;

/**
 * A comparison as the compare view shows it: every broken, opened and changed flow, and of the new ones (a source
 * or target only in B) the first NEW_FLOWS_LISTED, delivered first. A host that grew has tens of thousands of new
 * flows — 50 MB of answer at 240 containers — which `netatlas diff --json` lists and no page reads.
 */
export function listedForPage(c: Comparison): Comparison {
  const all = c.reachability.changes;
  const fresh = all.filter((f) => f.kind === 'new');
  const listed = [...fresh.filter((f) => f.after?.verdict === 'delivered'), ...fresh.filter((f) => f.after?.verdict !== 'delivered')].slice(0, NEW_FLOWS_LISTED);
  return { ...c, reachability: { ...c.reachability, changes: [...all.filter((f) => f.kind !== 'new'), ...listed] } };
}
