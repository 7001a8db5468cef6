import type { FleetHub } from './hub';

/**
 * The fleet hub of `netatlas serve --hub`, for the procedures Next runs (kept on globalThis: Next's bundles and the
 * serve layer are different module instances in one process). Type-only import: Next's bundle never loads `pg`.
 */
const g = globalThis as typeof globalThis & { __netatlasFleet?: FleetHub | null };

export function fleetHub(): FleetHub | null {
  return g.__netatlasFleet ?? null;
}

export function setFleetHub(hub: FleetHub | null) {
  g.__netatlasFleet = hub;
}
