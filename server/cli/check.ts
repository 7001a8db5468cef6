import { findingsOf } from '../../lib/findings';
import { formatFindings } from '../../lib/findings/format';
import { loadSnapshot } from './trace';
import { err, out } from '../safe-output';

/** `netatlas check [--json] [--snapshot REF] [--data DIR]`: the findings; exit 1 when any is an error. */
export async function checkCommand(flags: Record<string, string | true>): Promise<number> {
  const snapshot = await loadSnapshot(typeof flags.snapshot === 'string' ? flags.snapshot : undefined, typeof flags.data === 'string' ? flags.data : undefined);
  if (typeof snapshot === 'string') {
    err.text(`netatlas check: ${snapshot}\n`);
    return 2;
  }
  const report = findingsOf(snapshot);
  if (flags.json) out.json(JSON.stringify(report, null, 2) + '\n');
  else out.text(formatFindings(report));
  return report.findings.some((f) => f.level === 'error') ? 1 : 0;
}
