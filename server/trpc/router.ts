import { tracked, TRPCError } from '@trpc/server';
import { z } from 'zod';
import { hub } from '../live/hub';
import { publicProcedure, router } from './init';
import { serveMode } from '../serve/mode';
import { sharesRouter } from './shares';
import { streamSlots } from './streams';

export const appRouter = router({
  snapshot: router({
    /** The latest revision of the live host, collected at most one tick ago even when nobody watches. */
    current: publicProcedure.query(async () => {
      noLiveInOpenMode();
      const r = await hub().current();
      return { revision: r.id, snapshot: r.snapshot };
    }),
  }),
  shares: sharesRouter,
  live: router({
    /**
     * Revisions as server-sent events. Each is tracked by its id, so a reconnecting client sends `lastEventId`
     * and resumes without missing the latest state. At most LIMITS.streamSubscribers streams are open at once.
     */
    revisions: publicProcedure
      .input(z.object({ lastEventId: z.string().nullish() }).optional())
      .subscription(({ input, signal }) => {
        noLiveInOpenMode();
        const release = streamSlots().take(signal);
        if (!release) {
          throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: `too many live viewers (at most ${streamSlots().limit} streams at once)` });
        }
        const last = input?.lastEventId ? Number(input.lastEventId) : null;
        return follow(Number.isFinite(last) ? last : null, release, signal);
      }),
  }),
});

/** `netatlas open FILE` shows a file and never collects this host. */
function noLiveInOpenMode() {
  const file = serveMode().file;
  if (file) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: `this server shows the file ${file.name} (netatlas open); it has no live view` });
}

async function* follow(last: number | null, release: () => void, signal: AbortSignal | undefined) {
  try {
    for await (const r of hub().revisionsSince(last, signal)) yield tracked(String(r.id), { revision: r.id, snapshot: r.snapshot });
  } finally {
    release();
  }
}

export type AppRouter = typeof appRouter;
