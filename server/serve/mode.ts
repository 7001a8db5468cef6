import type { EnvelopeHeader } from '../../lib/share/envelope';
import type { Snapshot } from '../../lib/snapshot/schema';

/**
 * How this server process was started, for the pages and procedures Next runs (kept on globalThis: Next's bundles
 * and the serve layer are different module instances in one process).
 */
export interface ServeMode {
  /** Only this machine can reach the server (a loopback bind without --public-name): share links say so. */
  loopbackOnly: boolean;
  /** `netatlas open FILE`: the file every page shows instead of the live host (no hub, no collection). */
  file: { name: string; snapshot: Snapshot; header: EnvelopeHeader | null } | null;
}

const g = globalThis as typeof globalThis & { __netatlasServeMode?: ServeMode };

export function serveMode(): ServeMode {
  return g.__netatlasServeMode ?? { loopbackOnly: true, file: null };
}

export function setServeMode(mode: Partial<ServeMode>) {
  g.__netatlasServeMode = { ...serveMode(), ...mode };
}
