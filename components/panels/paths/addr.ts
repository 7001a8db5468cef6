/** Address helpers for the packet-path panel; validation lives in lib/net/cidr. */
export { isIP, isIPv4, isIPv6, isLoopback } from '@/lib/net/cidr';

export const isWildcard = (ip: string) => ip === '0.0.0.0' || ip === '::' || ip === '';
