import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Snapshot } from '../../lib/snapshot/schema';
import { resolveSnapshotRef, type SnapshotRef } from '../../lib/snapshot/ref';
import { collectSnapshot } from '../collect/collector';
import { ShareLinkStore } from '../share/links-store';
import { loadSnapshotFile } from '../share/snapshot-file';
import { defaultDataDir } from './data-dir';
import { openSqliteHistory, type SqliteHistoryStore } from './sqlite-store';

/** `--data DIR` or the default state directory. */
export const dataDirOf = (flag: string | true | undefined): string => (typeof flag === 'string' ? flag : defaultDataDir());

export type Loaded = { ok: true; snapshot: Snapshot; ref: SnapshotRef; label: string } | { ok: false; error: string };

/** The store in `dir` if one exists there (reading never creates one), or why not. */
export function existingHistory(dir: string): { ok: true; store: SqliteHistoryStore } | { ok: false; reason: string } {
  if (!existsSync(join(dir, 'history.sqlite'))) return { ok: false, reason: `no history in ${dir} (netatlas serve records it; --data DIR names another)` };
  return openSqliteHistory(dir);
}

const isFile = (p: string) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/**
 * Resolve a snapshot reference (lib/snapshot/ref.ts) against this machine — files on disk, saved names in the
 * store — and load it: collect live, rebuild from history, read a saved one or a file (.json, .json.gz).
 */
export async function loadSnapshotRef(text: string, dataDir: string, now = new Date()): Promise<Loaded> {
  const opened = existingHistory(dataDir);
  const store = opened.ok ? opened.store : null;
  try {
    const r = resolveSnapshotRef(text, { fileExists: isFile, nameExists: (n) => store?.hasSaved(n) ?? false }, now);
    if (!r.ok) return { ok: false, error: r.error };
    const ref = r.ref;
    switch (ref.kind) {
      case 'live':
        return { ok: true, ref, snapshot: await collectSnapshot(), label: 'live' };
      case 'file': {
        // The one file reader (envelopes, gzip, size limit, migrations, validation).
        const read = await loadSnapshotFile(ref.path);
        return read.ok ? { ok: true, ref, snapshot: read.snapshot, label: ref.path } : read;
      }
      case 'share': {
        // Reading never creates the links store either.
        if (!existsSync(join(dataDir, 'shares.sqlite'))) return { ok: false, error: `no share links in ${dataDir} (--data DIR names another)` };
        const links = ShareLinkStore.open(dataDir);
        try {
          const got = links.snapshotOf(ref.id);
          return got.ok ? { ok: true, ref, snapshot: got.snapshot, label: got.label } : got;
        } finally {
          links.close();
        }
      }
      case 'name': {
        const s = await store!.loadSaved(ref.name);
        return s ? { ok: true, ref, snapshot: s, label: `saved '${ref.name}'` } : { ok: false, error: `no saved snapshot named '${ref.name}'` };
      }
      default: {
        // ref.kind === 'time'
        if (!store) return { ok: false, error: opened.ok ? 'no history' : opened.reason };
        const got = store.snapshotAtSync(ref.at);
        if (!got) return { ok: false, error: `history starts after ${ref.at.toISOString()}` };
        return { ok: true, ref, snapshot: got.snapshot, label: `as of ${got.at.toISOString()} (revision ${got.revision})` };
      }
    }
  } finally {
    store?.close();
  }
}
