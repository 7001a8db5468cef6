import { z } from 'zod';
import type { Snapshot } from '../../lib/snapshot/schema';
import { checkSnapshotName } from '../../lib/snapshot/ref';
import { defaultDataDir } from '../history/data-dir';
import { existingHistory } from '../history/load-ref';
import { hub } from '../live/hub';
import { serveMode } from '../serve/mode';

/**
 * What a share link is made from. Not the reference grammar's file form: a browser must not name files on the
 * server. `current` is what this server's main view shows (the live host, or the file `netatlas open` serves);
 * `time` and `name` are history moments and saved snapshots (the time-travel view passes these).
 */
export const ShareSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('current') }),
  z.object({ kind: z.literal('time'), at: z.string().datetime({ offset: true }) }),
  z.object({ kind: z.literal('name'), name: z.string().refine((n) => checkSnapshotName(n) === null, 'not a snapshot name') }),
]);
export type ShareSource = z.infer<typeof ShareSource>;

export type Resolved = { ok: true; snapshot: Snapshot; label: string } | { ok: false; error: string };

export async function resolveShareSource(source: ShareSource): Promise<Resolved> {
  if (source.kind === 'current') {
    const file = serveMode().file;
    if (file) return { ok: true, snapshot: file.snapshot, label: `file ${file.name}` };
    return { ok: true, snapshot: (await hub().latest()).snapshot, label: 'live' };
  }
  const opened = existingHistory(process.env.NETATLAS_DATA || defaultDataDir());
  if (!opened.ok) return { ok: false, error: opened.reason };
  try {
    if (source.kind === 'name') {
      const s = await opened.store.loadSaved(source.name);
      return s ? { ok: true, snapshot: s, label: `saved '${source.name}'` } : { ok: false, error: `no saved snapshot named '${source.name}'` };
    }
    const got = opened.store.snapshotAtSync(new Date(source.at));
    if (!got) return { ok: false, error: `history starts after ${source.at}` };
    return { ok: true, snapshot: got.snapshot, label: `as of ${got.at.toISOString()}` };
  } finally {
    opened.store.close();
  }
}
