import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { applyDelta, type SnapshotDelta } from '../history/delta';
import { parseSnapshot, type Snapshot } from '../snapshot/schema';

/**
 * Pairs of real lab snapshots (`netatlas snapshot --json` before and after a real change to the lab, undone
 * afterwards), stored as the first snapshot and the delta to the second. See __fixtures__/README.md.
 */
export const SCENARIOS = ['connect', 'rule', 'port', 'restart', 'icc'] as const;
export type Scenario = (typeof SCENARIOS)[number];

const at = (name: string) => new URL(`./__fixtures__/${name}`, import.meta.url);

export function labPair(scenario: Scenario): { before: Snapshot; after: Snapshot } {
  const before = parseSnapshot(JSON.parse(gunzipSync(readFileSync(at(`${scenario}.before.json.gz`))).toString('utf8')));
  const delta = JSON.parse(readFileSync(at(`${scenario}.after.delta.json`), 'utf8')) as SnapshotDelta;
  return { before, after: parseSnapshot(applyDelta(before, delta)) };
}
