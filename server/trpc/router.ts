import { tracked, TRPCError } from '@trpc/server';
import { z } from 'zod';
import { hub } from '../live/hub';
import { publicProcedure, router } from './init';
import { serveMode } from '../serve/mode';
import { compareRouter } from './routers/compare';
import { fleetRouter } from './routers/fleet';
import { historyRouter } from './routers/history';
import { sharesRouter } from './shares';
import { streamSlots } from './streams';

export const appRouter = router({
  compare: compareRouter,
  snapshot: router({
    /** The latest revision of the live host, collected at most one tick ago even when nobody watches. */
    current: publicProcedure.query(async () => {
      noLiveInOpenMode();
      const r = await hub().current();
      return { revision: r.id, eventId: hub().eventId(r.id), snapshot: r.snapshot };
    }),
  }),
  shares: sharesRouter,
  live: router({
    /**
     * Revisions as server-sent events: a whole snapshot, then deltas (lib/history/stream.ts). Each is tracked by
     * its event id, so a reconnecting client sends `lastEventId` and gets only the deltas it missed (or the whole
     * latest snapshot when the server no longer has them, or restarted). At most LIMITS.streamSubscribers streams
     * are open at once.
     */
    revisions: publicProcedure
      .input(z.object({ lastEventId: z.string().nullish() }).optional())
      .subscription(({ input, signal }) => {
        noLiveInOpenMode();
        const release = streamSlots().take(signal);
        if (!release) {
          throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: `too many live viewers (at most ${streamSlots().limit} streams at once)` });
        }
        return follow(input?.lastEventId ?? null, release, signal);
      }),
  }),
  history: historyRouter,
  fleet: fleetRouter,
});

/** `netatlas open FILE` shows a file and never collects this host. */
function noLiveInOpenMode() {
  const file = serveMode().file;
  if (file) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: `this server shows the file ${file.name} (netatlas open); it has no live view` });
}

async function* follow(last: string | null, release: () => void, signal: AbortSignal | undefined) {
  const h = hub();
  try {
    for await (const m of h.messagesSince(h.revisionOfEventId(last), signal)) yield tracked(h.eventId(m.revision), m);
  } finally {
    release();
  }
}

export type AppRouter = typeof appRouter;
