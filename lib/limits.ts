/**
 * Size limits for untrusted input, documented in docs/limits.md. The access branch brings the one limits table
 * (`LIMITS`); until it merges these live here under their own names, for the lead to reconcile.
 */

/**
 * A ruleset dump read by `netatlas rules --file` (iptables-save, iptables -S, nft list, nft -j): refused before
 * reading when a file is larger (stdin and devices: reading stops just past it). Big enough for 400k rules.
 */
export const RULE_DUMP_MAX_BYTES = 64 * 1024 * 1024;
