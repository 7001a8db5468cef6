import { compareSnapshots, FAIL_ON, hasChangeOf, scopeComparison, type FailOn } from '../../lib/compare/compare';
import { formatComparison } from '../../lib/compare/format';
import { dataDirOf, loadSnapshotRef } from '../history/load-ref';

/**
 * `netatlas diff A B`: what changed between two snapshots (any references: live, a time, a saved name, a file) and
 * which flows it broke or opened. `--fail-on KIND` exits 1 when such a change exists, for CI jobs; 2 is for
 * references that cannot be loaded and bad options, so a pipeline tells "it changed" from "it could not tell".
 */

type Flags = Record<string, string | true>;

const fail = (msg: string) => {
  process.stderr.write(`netatlas diff: ${msg}\n`);
  return 2;
};

export async function diffCommand(flags: Flags): Promise<number> {
  if (typeof flags.a !== 'string' || typeof flags.b !== 'string') return fail('needs two snapshot references: netatlas diff A B (e.g. before.json live)');
  let failOn: FailOn | null = null;
  if (flags['fail-on'] !== undefined) {
    const v = flags['fail-on'];
    if (typeof v !== 'string' || !FAIL_ON.includes(v as FailOn)) return fail(`--fail-on takes ${FAIL_ON.join(', ')}`);
    failOn = v as FailOn;
  }
  const dir = dataDirOf(flags.data);
  const now = new Date();
  // One after the other: both may be `live`, and two collections at once would only compete for the machine.
  const a = await loadSnapshotRef(flags.a, dir, now);
  if (!a.ok) return fail(`A: ${a.error}`);
  const b = await loadSnapshotRef(flags.b, dir, now);
  if (!b.ok) return fail(`B: ${b.error}`);
  const whole = compareSnapshots(a.snapshot, b.snapshot);
  const only = typeof flags.only === 'string' ? flags.only.split(',').map((x) => x.trim()).filter(Boolean) : null;
  if (flags.only !== undefined && !only?.length) return fail('--only takes container or network names, separated by commas');
  const comparison = only ? scopeComparison(whole, only) : whole;
  const failed = failOn !== null && hasChangeOf(comparison, failOn);
  const label = (l: typeof a & { ok: true }) => `${l.label} (${l.snapshot.host.collectedAt})`;
  if (flags.json) {
    const side = (l: typeof a & { ok: true }) => ({ label: l.label, collectedAt: l.snapshot.host.collectedAt, hostname: l.snapshot.host.hostname });
    process.stdout.write(JSON.stringify({ a: side(a), b: side(b), only, ...comparison, failOn, failed }, null, 2) + '\n');
  } else {
    process.stdout.write(formatComparison(comparison, label(a), label(b)));
    if (only) process.stdout.write(`\n(only what concerns ${only.join(', ')}: ${whole.changes.length - comparison.changes.length} other changes and ${whole.reachability.changes.length - comparison.reachability.changes.length} other flow changes left out)\n`);
    if (failed) process.stdout.write(`\nfailing: there are ${failOn} changes (--fail-on ${failOn})\n`);
  }
  return failed ? 1 : 0;
}
