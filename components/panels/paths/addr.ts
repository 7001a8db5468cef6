/** Address helpers for the packet-path panel; validation lives in lib/net/cidr. */
export { isIP, isIPv4, isIPv6, isLoopback } from '@/lib/net/cidr';

/** `ip:port`, with IPv6 in brackets. */
export const hostPort = (ip: string, port: number) => `${ip.includes(':') ? `[${ip}]` : ip}:${port}`;

export const isWildcard = (ip: string) => ip === '0.0.0.0' || ip === '::' || ip === '';
