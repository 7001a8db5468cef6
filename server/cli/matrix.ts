import { formatReach } from '../../lib/reach/format';
import { reachMatrix } from '../../lib/reach/matrix';
import { err, out } from '../safe-output';
import { loadSnapshot } from './trace';

type Flags = Record<string, string | true>;

/** `netatlas matrix`: who reaches whom on this host (or in another snapshot, --snapshot REF), by the simulator. */
export async function matrixCommand(flags: Flags): Promise<number> {
  const s = await loadSnapshot(
    typeof flags.snapshot === 'string' ? flags.snapshot : undefined,
    typeof flags.data === 'string' ? flags.data : undefined,
  );
  if (typeof s === 'string') {
    err.text(`netatlas matrix: ${s}\n`);
    return 1;
  }
  const m = reachMatrix(s);
  if (flags.json) out.json(JSON.stringify(m, null, 2) + '\n');
  else out.text(formatReach(m));
  return 0;
}
