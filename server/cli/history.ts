import { writeFile } from 'node:fs/promises';
import { checkSnapshotName, parseTimeRef } from '../../lib/snapshot/ref';
import { summarize } from '../../lib/snapshot/summary';
import type { Snapshot } from '../../lib/snapshot/schema';
import { collectSnapshot, assertValid } from '../collect/collector';
import { dataDirOf, existingHistory, loadSnapshotRef } from '../history/load-ref';
import { openSqliteHistory } from '../history/sqlite-store';
import type { HistoryStats, LoggedChange } from '../history/store';
import { err, out } from '../safe-output';

/**
 * `netatlas history` (the change log, `--stats`) and the history side of `netatlas snapshot` (`--at`, `--save`,
 * `--list`, `--delete`). The server records history; these commands read it, and save or delete named snapshots.
 */

type Flags = Record<string, string | true>;

const fail = (cmd: string, msg: string, code = 1) => {
  err.text(`netatlas ${cmd}: ${msg}\n`);
  return code;
};
const str = (v: string | true | undefined) => (typeof v === 'string' ? v : undefined);
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MB`;
const dur = (ms: number) => (ms % 86_400_000 === 0 ? `${ms / 86_400_000} d` : ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : `${ms / 60_000} min`);

export async function historyCommand(flags: Flags): Promise<number> {
  const opened = existingHistory(dataDirOf(flags.data));
  if (!opened.ok) return fail('history', opened.reason);
  const store = opened.store;
  try {
    if (flags.stats) {
      const stats = await store.stats();
      if (flags.json) out.json(JSON.stringify(stats, null, 2) + '\n');
      else out.text(formatStats(stats));
      return 0;
    }
    const now = new Date();
    const since = parseTimeRef(str(flags.since) ?? '-1d', now);
    if (!since) return fail('history', `--since: '${String(flags.since)}' is not a time (e.g. -10m, -2h, -1d, 2026-11-30T14:00Z)`, 2);
    const changes = await store.changesSince(since, now);
    if (flags.json) out.json(JSON.stringify(changes, null, 2) + '\n');
    else out.text(formatChanges(changes, since));
    return 0;
  } finally {
    store.close();
  }
}

function formatChanges(changes: LoggedChange[], since: Date): string {
  if (changes.length === 0) return `no changes since ${since.toISOString()}\n`;
  return changes
    .map((c) => `${c.at.toISOString()}  ${c.kind} ${c.action}  ${c.subject}${c.detail ? `  (${c.detail})` : ''}\n`)
    .join('');
}

function formatStats(s: HistoryStats): string {
  const r = s.retention;
  const lines = [
    `store        ${s.path} (schema version ${s.schemaVersion})`,
    `revisions    ${s.revisions} (${s.keyframes} keyframes, ${s.structuralRevisions} with structural changes)`,
    `span         ${s.oldest?.toISOString() ?? '-'} → ${s.newest?.toISOString() ?? '-'}`,
    `size         ${mb(s.revisionBytes)} of revisions, ${mb(s.usedBytes)} of database pages in use`,
    `saved        ${s.saved} named snapshot(s), ${mb(s.savedBytes)} (never evicted)`,
    `retention    counters at full resolution for ${dur(r.fullCountersMs)}, then one per ${dur(r.thinnedCountersBucketMs)};`,
    `             every change for ${dur(r.everyChangeMs)}, then one keyframe per ${dur(r.coarseBucketMs)} to ${dur(r.maxAgeMs)};`,
    `             revisions capped at ${mb(r.maxBytes)} (oldest first)`,
  ];
  const p = s.lastPrune;
  if (p) lines.push(`last prune   ${p.at.toISOString()}: ${p.thinned} thinned, ${p.coarsened} folded into keyframes, ${p.expired} expired, ${p.evictedForSize} evicted for size`);
  return lines.join('\n') + '\n';
}

/** `netatlas snapshot` with --at, --save, --list or --delete. */
export async function snapshotHistoryCommand(flags: Flags): Promise<number> {
  const dir = dataDirOf(flags.data);
  const badName = typeof flags.save === 'string' ? checkSnapshotName(flags.save) : null;
  if (badName) return fail('snapshot', badName, 2);
  if (flags.list || typeof flags.delete === 'string') {
    const opened = existingHistory(dir);
    if (!opened.ok) return fail('snapshot', opened.reason);
    try {
      if (typeof flags.delete === 'string') {
        const gone = await opened.store.deleteSaved(flags.delete);
        return gone ? 0 : fail('snapshot', `no saved snapshot named '${flags.delete}'`);
      }
      const saved = await opened.store.listSaved();
      if (flags.json) out.json(JSON.stringify(saved, null, 2) + '\n');
      else for (const x of saved) out.text(`${x.name}  ${x.hostname}  ${x.at.toISOString()}  ${(x.bytes / 1024).toFixed(1)} KiB${x.note ? `  ${x.note}` : ''}\n`);
      return 0;
    } finally {
      opened.store.close();
    }
  }

  let snapshot: Snapshot;
  let label = 'live';
  if (typeof flags.at === 'string') {
    const loaded = await loadSnapshotRef(flags.at, dir);
    if (!loaded.ok) return fail('snapshot', loaded.error);
    snapshot = loaded.snapshot;
    label = loaded.label;
  } else {
    snapshot = assertValid(await collectSnapshot());
  }

  if (typeof flags.save === 'string') {
    // Saving creates the store if there is none yet: it is the one write this command makes.
    const opened = openSqliteHistory(dir);
    if (!opened.ok) return fail('snapshot', `cannot save: ${opened.reason}`);
    try {
      if (opened.store.hasSaved(flags.save)) {
        return fail('snapshot', `a snapshot named '${flags.save}' exists already (netatlas snapshot --delete ${flags.save} first)`);
      }
      const info = await opened.store.save(flags.save, str(flags.note) ?? '', snapshot);
      err.text(`saved ${label} as '${info.name}' (${(info.bytes / 1024).toFixed(1)} KiB) in ${opened.store.path}\n`);
    } finally {
      opened.store.close();
    }
  }
  const text = JSON.stringify(snapshot, null, 2) + '\n';
  if (typeof flags.out === 'string') await writeFile(flags.out, text);
  if (flags.json) out.json(text);
  else if (typeof flags.save !== 'string') out.text(`${label}\n${summarize(snapshot)}`);
  return 0;
}
