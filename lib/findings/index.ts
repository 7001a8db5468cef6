import type { Snapshot } from '../snapshot/schema';
import { bothIptablesBackends, bridgeNfOff, ipForwardOff } from './host-checks';
import { macvlanHostIsolation } from './macvlan';
import { mtuMismatch } from './mtu';
import { defaultBridgeNames } from './names';
import { dockerUserShadowsPort, loopbackOnlyListener, loopbackPublished } from './ports';
import type { Check, Finding, FindingLevel, FindingsReport, Need } from './types';

export type { Check, Finding, FindingLevel, FindingObject, FindingsReport } from './types';

/** Every check, in the order findings are listed within a level. */
export const CHECKS: Check[] = [
  ipForwardOff,
  bridgeNfOff,
  bothIptablesBackends,
  loopbackOnlyListener,
  dockerUserShadowsPort,
  defaultBridgeNames,
  macvlanHostIsolation,
  mtuMismatch,
  loopbackPublished,
];

const LEVEL_RANK: Record<FindingLevel, number> = { error: 0, warning: 1, info: 2 };

function unmet(s: Snapshot, need: Need): string | null {
  if (need === 'docker') return s.docker ? null : 'Docker could not be reached when the snapshot was taken';
  // Absent: taken by a netatlas that did not read them; null: they could not be read there.
  return s.namespaces.some((n) => Array.isArray(n.listeners)) ? null : 'the snapshot has no listening sockets';
}

/** Runs every check whose needs the snapshot meets: errors first, then warnings, then info. */
export function findingsOf(s: Snapshot, checks: Check[] = CHECKS): FindingsReport {
  const findings: Finding[] = [];
  const skipped: FindingsReport['skipped'] = [];
  for (const check of checks) {
    const why = check.needs.map((n) => unmet(s, n)).find((w) => w !== null);
    if (why) skipped.push({ check: check.id, why });
    else findings.push(...check.run(s));
  }
  findings.sort((a, b) => LEVEL_RANK[a.level] - LEVEL_RANK[b.level]);
  return { findings, skipped };
}

/** Finding ids per graph node id, for badges. */
export function findingsByNode(findings: Finding[]): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const f of findings) for (const o of f.objects) out.set(o.nodeId, [...(out.get(o.nodeId) ?? []), f]);
  return out;
}
