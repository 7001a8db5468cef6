/**
 * A change on the host reaching the screen: a Docker event or netlink notification, a collection, the SSE stream,
 * a render. Sized for a cold, busy 2-core machine; the latency itself is printed by the specs, not asserted.
 */
export const LIVE = { timeout: 30_000 } as const;
