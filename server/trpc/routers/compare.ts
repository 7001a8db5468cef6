import { z } from 'zod';
import { compareSnapshots, listedForPage } from '../../../lib/compare/compare';
import { loadForCompare } from '../../compare/load';
import { history } from '../../live/hub';
import { publicProcedure, router } from '../init';

/** A reference as typed: short, untrusted text, read only by the reference grammar. */
const Ref = z.string().trim().min(1).max(300);

export const compareRouter = router({
  /**
   * Two snapshots compared (lib/compare): the change list and the reachability changes (new flows as the page
   * lists them: `listedForPage`), plus both snapshots so the page can draw their union. A reference that cannot be loaded is an answer with its error, not a throw.
   */
  diff: publicProcedure.input(z.object({ a: Ref, b: Ref })).query(async ({ input }) => {
    const now = new Date();
    const [a, b] = await Promise.all([loadForCompare(input.a, now), loadForCompare(input.b, now)]);
    if (!a.ok || !b.ok) return { ok: false as const, errors: { a: a.ok ? null : a.error, b: b.ok ? null : b.error } };
    return {
      ok: true as const,
      a: { label: a.label, snapshot: a.snapshot },
      b: { label: b.label, snapshot: b.snapshot },
      comparison: listedForPage(compareSnapshots(a.snapshot, b.snapshot)),
    };
  }),
  /**
   * One side alone, for a comparison the page makes itself because the other side is a file opened in the page
   * (files never travel to the server).
   */
  load: publicProcedure.input(z.object({ ref: Ref })).query(({ input }) => loadForCompare(input.ref)),
  /** What can be picked: saved snapshots and the span of the history. */
  sources: publicProcedure.query(async () => {
    const store = history().history;
    const saved = (await store?.listSaved()) ?? [];
    const stats = store ? await store.stats() : null;
    return {
      saved: saved.map((s) => ({ name: s.name, note: s.note, at: s.at.toISOString() })),
      history: stats && stats.oldest && stats.newest ? { oldest: stats.oldest.toISOString(), newest: stats.newest.toISOString() } : null,
    };
  }),
});
