import { z } from 'zod';
import type { Snapshot } from '../../../lib/snapshot/schema';
import { checkSnapshotName, resolveSnapshotRef, writtenAsFile } from '../../../lib/snapshot/ref';
import { isHostName } from '../../../lib/fleet/protocol';
import { fleetHub } from '../../fleet/current';
import { history, hub } from '../../live/hub';
import type { HistoryStore, LoggedChange, SavedSnapshotInfo } from '../../history/store';
import { publicProcedure, router, writeProcedure } from '../init';

/**
 * Time travel, the change log and saved snapshots for the page. A moment is named with the one reference grammar
 * (lib/snapshot/ref.ts): `-10m`, an ISO time, a saved name, `live`. The server never reads files for the page.
 * Expected failures (history off, nothing recorded yet, a taken name) are results, not exceptions.
 */

export type Fail = { ok: false; error: string };
export type PastSnapshot = { ok: true; live: false; label: string; revision: number | null; at: string; snapshot: Snapshot };
export type AtResult = PastSnapshot | { ok: true; live: true } | Fail;
export type ChangeEntry = Omit<LoggedChange, 'at'> & { at: string };
export type SavedEntry = Omit<SavedSnapshotInfo, 'at' | 'savedAt'> & { at: string; savedAt: string };

const REF = z.string().trim().min(1).max(200);
const MAX_CHANGES = 2_000;

/** `host`: a fleet host's history (`serve --hub`); without it, this host's. */
const HOST = z.object({ host: z.string().refine(isHostName, 'not a host name').optional() });

async function store(host?: string): Promise<{ ok: true; store: HistoryStore } | Fail> {
  if (host !== undefined) {
    const fleet = fleetHub();
    if (!fleet) return { ok: false, error: 'this server is not a fleet hub (serve --hub)' };
    const st = await fleet.history(host);
    return st ? { ok: true, store: st } : { ok: false, error: `no host named ${host} has reported` };
  }
  const h = history();
  const status = h.status;
  if (!status.on) return { ok: false, error: `history is off: ${status.reason}` };
  return h.history ? { ok: true, store: h.history } : { ok: false, error: 'history is off' };
}

const savedEntry = (s: SavedSnapshotInfo): SavedEntry => ({ ...s, at: s.at.toISOString(), savedAt: s.savedAt.toISOString() });

/** The snapshot a reference names: the live host, a moment of the history, or a saved snapshot. */
async function snapshotOf(text: string, host?: string, now = new Date()): Promise<AtResult> {
  if (writtenAsFile(text)) return { ok: false, error: 'the page does not open snapshot files (netatlas snapshot --at FILE --save NAME makes one a saved snapshot)' };
  const opened = await store(host);
  const names = opened.ok ? new Set((await opened.store.listSaved()).map((s) => s.name)) : new Set<string>();
  const r = resolveSnapshotRef(text, { fileExists: () => false, nameExists: (n) => names.has(n) }, now);
  if (!r.ok) return r;
  const ref = r.ref;
  if (ref.kind === 'live') return { ok: true, live: true };
  if (ref.kind === 'file') return { ok: false, error: 'the page does not open snapshot files' };
  if (ref.kind === 'share') return { ok: false, error: 'a share link is not a moment of this history: open it at its address' };
  if (!opened.ok) return opened;
  if (ref.kind === 'name') {
    const s = await opened.store.loadSaved(ref.name);
    if (!s) return { ok: false, error: `no saved snapshot named '${ref.name}'` };
    return { ok: true, live: false, label: `saved '${ref.name}'`, revision: null, at: s.host.collectedAt, snapshot: s };
  }
  const got = await opened.store.snapshotAt(ref.at);
  if (!got) return { ok: false, error: `history starts after ${ref.at.toISOString()}` };
  return { ok: true, live: false, label: got.at.toISOString(), revision: got.revision, at: got.at.toISOString(), snapshot: got.snapshot };
}

export const historyRouter = router({
  /** Whether history is on (and why not), and the span it covers. */
  status: publicProcedure.input(HOST.optional()).query(async ({ input }) => {
    const s = history().status;
    if (!s.on && input?.host === undefined) return { on: false as const, reason: s.reason };
    const opened = await store(input?.host);
    if (!opened.ok) return { on: false as const, reason: opened.error };
    const st = await opened.store.stats();
    return { on: true as const, oldest: st.oldest?.toISOString() ?? null, newest: st.newest?.toISOString() ?? null, revisions: st.revisions };
  }),

  /** The host as it was at a moment (or a saved snapshot, or live). */
  at: publicProcedure.input(HOST.extend({ ref: REF })).query(({ input }) => snapshotOf(input.ref, input.host)),

  /** The change log between two moments (default: until now), oldest first; the newest MAX_CHANGES if more. */
  changes: publicProcedure
    .input(HOST.extend({ since: z.iso.datetime({ offset: true }), until: z.iso.datetime({ offset: true }).optional() }))
    .query(async ({ input }): Promise<{ ok: true; changes: ChangeEntry[]; truncated: boolean } | Fail> => {
      const opened = await store(input.host);
      if (!opened.ok) return opened;
      const all = await opened.store.changesSince(new Date(input.since), input.until ? new Date(input.until) : new Date());
      const kept = all.slice(-MAX_CHANGES);
      return { ok: true, changes: kept.map((c) => ({ ...c, at: c.at.toISOString() })), truncated: kept.length < all.length };
    }),

  saved: publicProcedure.input(HOST.optional()).query(async ({ input }): Promise<{ ok: true; saved: SavedEntry[] } | Fail> => {
    const opened = await store(input?.host);
    if (!opened.ok) return opened;
    return { ok: true, saved: (await opened.store.listSaved()).map(savedEntry) };
  }),

  /** Save the live host, or the host at a moment (`at`, a reference), under a name. */
  save: writeProcedure
    .input(HOST.extend({ name: z.string().trim().min(1).max(64), note: z.string().max(2_000).default(''), at: REF.optional() }))
    .mutation(async ({ input }): Promise<{ ok: true; saved: SavedEntry } | Fail> => {
      const opened = await store(input.host);
      if (!opened.ok) return opened;
      const bad = checkSnapshotName(input.name);
      if (bad) return { ok: false, error: bad };
      if ((await opened.store.listSaved()).some((s) => s.name === input.name)) {
        return { ok: false, error: `a snapshot named '${input.name}' exists already` };
      }
      const live = async () => (input.host === undefined ? (await hub().latest()).snapshot : await fleetHub()?.latest(input.host));
      const past = input.at && input.at !== 'live' ? await snapshotOf(input.at, input.host) : null;
      if (past && !past.ok) return past;
      const snapshot = past && !past.live ? past.snapshot : await live();
      if (!snapshot) return { ok: false, error: `no host named ${input.host} has reported` };
      return { ok: true, saved: savedEntry(await opened.store.save(input.name, input.note, snapshot)) };
    }),

  deleteSaved: writeProcedure
    .input(HOST.extend({ name: z.string().min(1).max(64) }))
    .mutation(async ({ input }): Promise<{ ok: true; deleted: boolean } | Fail> => {
      const opened = await store(input.host);
      if (!opened.ok) return opened;
      return { ok: true, deleted: await opened.store.deleteSaved(input.name) };
    }),
});
