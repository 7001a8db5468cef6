/**
 * The one table of limits (documented in docs/limits.md). Code cites these constants instead of inventing its
 * own numbers; change a value here and in the doc together.
 */
export const LIMITS = {
  /** Largest request body the server reads (tRPC POSTs, the login form). */
  requestBodyBytes: 1 * 1024 * 1024,
  /** Largest batch an agent may POST to a hub (a whole snapshot plus up to 200 deltas). */
  ingestBodyBytes: 64 * 1024 * 1024,
  /** Largest snapshot file accepted by an import (gzip as stored, and the JSON text after decompression). */
  importFileBytes: 32 * 1024 * 1024,
  /** JSON nesting depth accepted in a snapshot file; the schema itself needs under 15 (nft `expr` adds a few). */
  importJsonDepth: 64,
  /** Largest ruleset dump (iptables-save, nft list) explained from a file or an upload: a 50 MB dump must fit. */
  ruleDumpBytes: 64 * 1024 * 1024,
  /** Live streams open at once (all viewers together); one more gets a clear TOO_MANY_REQUESTS error. */
  streamSubscribers: 64,
  /** Procedures in one batched tRPC request; the client batches at most this many too. */
  batchSize: 10,
  /** Failed token attempts per client address per window before it gets 429. */
  failedLoginsPerWindow: 10,
  failedLoginWindowMs: 60_000,
  /** Share links (`/s/<id>`): the expiry a new link gets, the longest one may have, and how many may be live at once. */
  shareLinkDefaultDays: 7,
  shareLinkMaxDays: 90,
  shareLinksLive: 200,
} as const;

/** Short names the share/import code uses. */
export const MAX_SNAPSHOT_FILE_BYTES = LIMITS.importFileBytes;
export const MAX_SNAPSHOT_JSON_DEPTH = LIMITS.importJsonDepth;
/** `netatlas rules --file`: refused before reading when larger (stdin and devices: reading stops just past it). */
export const RULE_DUMP_MAX_BYTES = LIMITS.ruleDumpBytes;
