/**
 * The one table of limits (documented in docs/limits.md). Code cites these constants instead of inventing its
 * own numbers; change a value here and in the doc together.
 */
export const LIMITS = {
  /** Largest request body the server reads (tRPC POSTs, the login form). */
  requestBodyBytes: 1 * 1024 * 1024,
  /** Largest snapshot or dump file accepted by an import. */
  importFileBytes: 64 * 1024 * 1024,
  /** Largest ruleset dump (iptables-save, nft list) explained from a file or an upload. */
  ruleDumpBytes: 32 * 1024 * 1024,
  /** Live streams open at once (all viewers together); one more gets a clear TOO_MANY_REQUESTS error. */
  streamSubscribers: 64,
  /** Procedures in one batched tRPC request; the client batches at most this many too. */
  batchSize: 10,
  /** Failed token attempts per client address per window before it gets 429. */
  failedLoginsPerWindow: 10,
  failedLoginWindowMs: 60_000,
} as const;
