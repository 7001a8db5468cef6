import { findingsOf } from '../../lib/findings';
import { formatFindings } from '../../lib/findings/format';
import { loadSnapshot } from './trace';

/** `netatlas check [--json] [--snapshot REF] [--data DIR]`: the findings; exit 1 when any is an error. */
export async function checkCommand(flags: Record<string, string | true>): Promise<number> {
  const snapshot = await loadSnapshot(typeof flags.snapshot === 'string' ? flags.snapshot : undefined, typeof flags.data === 'string' ? flags.data : undefined);
  if (typeof snapshot === 'string') {
    process.stderr.write(`netatlas check: ${snapshot}\n`);
    return 2;
  }
  const report = findingsOf(snapshot);
  process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : formatFindings(report));
  return report.findings.some((f) => f.level === 'error') ? 1 : 0;
}
