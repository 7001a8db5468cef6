import { z } from 'zod';

/**
 * What an agent sends a hub (`POST /api/fleet/v1/hosts/HOST/ingest`, Bearer token scoped `agent:HOST`): a batch of
 * its host's states in order, numbered from 1 within the agent's session (a random id per agent process). The first
 * state the hub does not hold is a whole snapshot; each later one a delta (lib/history/delta) from the one before.
 * The hub answers with the last number it holds for that session; an agent resends everything after it. When the
 * hub cannot use a delta (it restarted, or has another session for the host) it says `resync`, and the agent sends
 * its first unacknowledged state whole. Snapshots and deltas are checked by the hub as untrusted input.
 */

export const INGEST_PATH = /^\/api\/fleet\/v1\/hosts\/([^/]+)\/ingest$/;
export const ingestPath = (host: string) => `/api/fleet/v1/hosts/${encodeURIComponent(host)}/ingest`;

export const IngestItem = z.object({
  seq: z.number().int().positive(),
  /** Exactly one of the two. Validated further by the hub (parseSnapshot, tryApplyDelta). */
  snapshot: z.unknown().optional(),
  delta: z.unknown().optional(),
});
export type IngestItem = z.infer<typeof IngestItem>;

export const IngestBatch = z.object({
  session: z.string().min(8).max(64),
  items: z.array(IngestItem).max(10_000),
});
export type IngestBatch = z.infer<typeof IngestBatch>;

export interface IngestReply {
  /** The last state of this session the hub holds (null: none). */
  acked: number | null;
  /** The hub could not continue from a delta: send the first unacknowledged state whole. */
  resync: boolean;
  /** Why it stopped early, when it did. */
  error?: string;
}

/** A token's scope: `agent:HOST` writes HOST's history and nothing else; `read` reads every host. */
export type Scope = { kind: 'agent'; host: string } | { kind: 'read' };

export function parseScope(text: string): Scope | null {
  if (text === 'read') return { kind: 'read' };
  const m = /^agent:(.+)$/.exec(text);
  return m && isHostName(m[1]) ? { kind: 'agent', host: m[1] } : null;
}

/** Host names as hubs key them: what hostnames and swarm node names look like, nothing that needs escaping. */
export const isHostName = (s: string) => /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(s);
