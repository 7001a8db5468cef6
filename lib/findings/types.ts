import type { Snapshot } from '../snapshot/schema';

/**
 * A finding: a misconfiguration the snapshot proves, with the evidence (facts from the snapshot, one per line) and
 * the fix. `objects` are the topology node ids it concerns (lib/topology/build.ts `ids`), for badges on the graph.
 */
export type FindingLevel = 'error' | 'warning' | 'info';

export interface FindingObject {
  /** The graph node id (ids.container(…), ids.bridge(…), ids.iface(…), ids.port(…)). */
  nodeId: string;
  label: string;
}

export interface Finding {
  /** Stable across revisions of the same host: the check's id and the objects it concerns. */
  id: string;
  check: string;
  level: FindingLevel;
  title: string;
  evidence: string[];
  fix: string;
  objects: FindingObject[];
}

/** What a check needs that a snapshot may lack; a check whose needs are unmet is skipped, saying why. */
export type Need = 'docker' | 'listeners';

export interface Check {
  id: string;
  needs: Need[];
  run(s: Snapshot): Finding[];
}

export interface FindingsReport {
  findings: Finding[];
  /** Checks that could not run on this snapshot, and why. */
  skipped: { check: string; why: string }[];
}
