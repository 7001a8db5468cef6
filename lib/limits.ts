/**
 * Size limits for untrusted input. The access issue's limits table (docs/limits.md) owns these numbers; this file
 * holds the ones sharing needs until the two are reconciled.
 */

/** A snapshot file (gzip as stored, and the JSON text after decompression): refused before parsing when larger. */
export const MAX_SNAPSHOT_FILE_BYTES = 32 * 1024 * 1024;

/** JSON nesting depth accepted in a snapshot file; the schema itself needs under 15 (nft `expr` adds a few). */
export const MAX_SNAPSHOT_JSON_DEPTH = 64;
