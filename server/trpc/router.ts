import { tracked } from '@trpc/server';
import { z } from 'zod';
import { hub } from '../live/hub';
import { t } from './init';
import { compareRouter } from './routers/compare';

export const appRouter = t.router({
  compare: compareRouter,
  snapshot: t.router({
    /** The latest revision of the live host. */
    current: t.procedure.query(async () => {
      const r = await hub().latest();
      return { revision: r.id, snapshot: r.snapshot };
    }),
  }),
  live: t.router({
    /**
     * Revisions as server-sent events. Each is tracked by its id, so a reconnecting client sends `lastEventId`
     * and resumes without missing the latest state.
     */
    revisions: t.procedure
      .input(z.object({ lastEventId: z.string().nullish() }).optional())
      .subscription(async function* ({ input, signal }) {
        const last = input?.lastEventId ? Number(input.lastEventId) : null;
        for await (const r of hub().revisionsSince(Number.isFinite(last) ? last : null, signal)) {
          yield tracked(String(r.id), { revision: r.id, snapshot: r.snapshot });
        }
      }),
  }),
});

export type AppRouter = typeof appRouter;
