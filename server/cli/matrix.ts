import { formatReach } from '../../lib/reach/format';
import { reachMatrix } from '../../lib/reach/matrix';
import { loadSnapshot } from './trace';

type Flags = Record<string, string | true>;

/** `netatlas matrix`: who reaches whom on this host (or in a saved snapshot), by the simulator. */
export async function matrixCommand(flags: Flags): Promise<number> {
  const s = await loadSnapshot(typeof flags.snapshot === 'string' ? flags.snapshot : undefined);
  if (typeof s === 'string') {
    process.stderr.write(`netatlas matrix: ${s}\n`);
    return 1;
  }
  const m = reachMatrix(s);
  process.stdout.write(flags.json ? JSON.stringify(m, null, 2) + '\n' : formatReach(m));
  return 0;
}
