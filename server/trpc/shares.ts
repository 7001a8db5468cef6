import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { LIMITS } from '../../lib/limits';
import { makeEnvelope } from '../../lib/share/envelope';
import { expiryOf } from '../../lib/share/link';
import { describeRedaction, redactSnapshot, REDACTION_OPTIONS } from '../../lib/share/redact';
import { shareLinks, type ShareLinkStore } from '../share/links-store';
import { resolveShareSource, ShareSource } from '../share/share-source';
import { serveMode } from '../serve/mode';
import { PRINCIPAL_HEADER } from '../serve/scope';
import { publicProcedure, router, writeProcedure } from './init';

function store(): ShareLinkStore {
  const links = shareLinks();
  if (!links.ok) throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: links.reason });
  return links.store;
}

/**
 * Share links: make one from a snapshot (redacted here, with the options the Export menu shows), list them, revoke
 * one. The id is returned once, by `create`; the list names links by the hash the store keeps.
 */
export const sharesRouter = router({
  create: writeProcedure
    .input(z.object({
      source: ShareSource,
      redact: z.array(z.enum(REDACTION_OPTIONS)).max(REDACTION_OPTIONS.length),
      expiresInDays: z.number().int().min(1).max(LIMITS.shareLinkMaxDays).default(LIMITS.shareLinkDefaultDays),
    }))
    .mutation(async ({ input, ctx }) => {
      const now = Date.now();
      const expiry = expiryOf(now, input.expiresInDays);
      if (!expiry.ok) throw new TRPCError({ code: 'BAD_REQUEST', message: expiry.error });
      const source = await resolveShareSource(input.source);
      if (!source.ok) throw new TRPCError({ code: 'NOT_FOUND', message: source.error });
      const options = new Set(input.redact);
      const shared = options.size ? redactSnapshot(source.snapshot, options) : source.snapshot;
      const envelope = await makeEnvelope(shared, { applied: [...options], described: options.size ? describeRedaction(options) : [] });
      const made = store().create(envelope, { expiresAt: expiry.expiresAt, createdBy: ctx.headers.get(PRINCIPAL_HEADER) ?? 'local', source: source.label, now });
      if ('error' in made) throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: made.error });
      return { path: `/s/${made.id}`, link: made.info };
    }),
  list: publicProcedure.query(() => ({ links: store().list(), loopbackOnly: serveMode().loopbackOnly })),
  revoke: writeProcedure.input(z.object({ key: z.string().regex(/^[0-9a-f]{64}$/) })).mutation(({ input }) => ({ revoked: store().revoke(input.key) })),
});
