import { SCHEMA_VERSION } from '../snapshot/schema';

/**
 * Snapshot schema migrations: `MIGRATIONS[n]` turns a version-n snapshot (as parsed JSON) into version n+1. Each is
 * pure and tested on a saved file of version n. Version 1 is the first published schema, so the table is empty
 * until SCHEMA_VERSION is bumped; whoever bumps it adds the step from the old version here.
 */
export type Migration = (snapshot: Record<string, unknown>) => Record<string, unknown>;
export type MigrationTable = Readonly<Record<number, Migration>>;

export const MIGRATIONS: MigrationTable = {};

export type MigrationResult =
  | { ok: true; snapshot: Record<string, unknown>; from: number }
  | { ok: false; error: string };

/** Brings a snapshot of any known older version up to `target`; refuses newer and unknown versions. */
export function migrateSnapshot(
  snapshot: Record<string, unknown>,
  target: number = SCHEMA_VERSION,
  table: MigrationTable = MIGRATIONS,
): MigrationResult {
  const from = snapshot.schemaVersion;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 1) {
    return { ok: false, error: `not a snapshot: schemaVersion is ${JSON.stringify(from) ?? 'missing'}, expected a whole number ≥ 1` };
  }
  if (from > target) return { ok: false, error: `made by a newer netatlas: schemaVersion ${from} > ${target}; upgrade netatlas to open it` };
  let current = snapshot;
  for (let v = from; v < target; v++) {
    const step = table[v];
    if (!step) return { ok: false, error: `no migration from snapshot schemaVersion ${v} to ${v + 1}` };
    current = { ...step(current), schemaVersion: v + 1 };
  }
  return { ok: true, snapshot: current, from };
}
