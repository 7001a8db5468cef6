import { resolveSnapshotRef } from '../../lib/snapshot/ref';
import type { Snapshot } from '../../lib/snapshot/schema';
import type { HistoryStore } from '../history/store';
import { history, hub } from '../live/hub';
import { shareLinks } from '../share/links-store';

/**
 * A snapshot reference (lib/snapshot/ref.ts) as the dashboard server loads it: live is the hub's newest reading,
 * a time or a saved name comes from the server's history store, a share link from its links store. Files are not
 * read from a browser's request (it would let any page read the server's disk): the CLI compares files; the
 * dashboard compares files opened in the page (components/compare/CompareView.tsx).
 */
export type ServerLoaded = { ok: true; snapshot: Snapshot; label: string } | { ok: false; error: string };

export async function loadForCompare(text: string, now = new Date()): Promise<ServerLoaded> {
  const store: HistoryStore | null = history().history;
  const saved = new Set((await store?.listSaved())?.map((s) => s.name) ?? []);
  const r = resolveSnapshotRef(text, { fileExists: () => false, nameExists: (n) => saved.has(n) }, now);
  if (!r.ok) return r;
  const ref = r.ref;
  switch (ref.kind) {
    case 'live': {
      // The host as of now (a collection when the last one is older than the tick or a change was notified), not
      // the idle tick's last reading: `docker rm X` then "compare with live" must see X gone.
      const fresh = await hub().current();
      return { ok: true, snapshot: fresh.snapshot, label: `live (revision ${fresh.id})` };
    }
    case 'file':
      return { ok: false, error: 'the dashboard does not read files from the server: open them here (Open file…) or compare them with netatlas diff' };
    case 'share': {
      const links = shareLinks();
      return links.ok ? links.store.snapshotOf(ref.id) : { ok: false, error: links.reason };
    }
    case 'name': {
      const s = await store?.loadSaved(ref.name);
      return s ? { ok: true, snapshot: s, label: `saved '${ref.name}'` } : { ok: false, error: `no saved snapshot named '${ref.name}'` };
    }
    case 'time': {
      if (!store) return { ok: false, error: `no history to go back to (${statusReason()})` };
      const got = await store.snapshotAt(ref.at);
      if (!got) return { ok: false, error: `history starts after ${ref.at.toISOString()}` };
      return { ok: true, snapshot: got.snapshot, label: `as of ${got.at.toISOString()}` };
    }
  }
}

function statusReason(): string {
  const s = history().status;
  return s.on ? 'history is empty' : s.reason;
}
