import { tracked } from '@trpc/server';
import { z } from 'zod';
import { hub } from '../live/hub';
import { t } from './init';
import { historyRouter } from './routers/history';

export const appRouter = t.router({
  snapshot: t.router({
    /** The latest revision of the live host. */
    current: t.procedure.query(async () => {
      const h = hub();
      const r = await h.latest();
      return { revision: r.id, eventId: h.eventId(r.id), snapshot: r.snapshot };
    }),
  }),
  live: t.router({
    /**
     * Revisions as server-sent events: a whole snapshot, then deltas (lib/history/stream.ts). Each is tracked by
     * its event id, so a reconnecting client sends `lastEventId` and gets only the deltas it missed (or the whole
     * latest snapshot when the server no longer has them, or restarted).
     */
    revisions: t.procedure
      .input(z.object({ lastEventId: z.string().nullish() }).optional())
      .subscription(async function* ({ input, signal }) {
        const h = hub();
        for await (const m of h.messagesSince(h.revisionOfEventId(input?.lastEventId), signal)) {
          yield tracked(h.eventId(m.revision), m);
        }
      }),
  }),
  history: historyRouter,
});

export type AppRouter = typeof appRouter;
