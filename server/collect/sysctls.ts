import type { Sysctls } from '../../lib/snapshot/schema';
import { readNumberFile, readSysctl } from './procfs';

/** The host sysctls that decide whether and how Docker's traffic is forwarded. */
export async function readSysctls(bridges: string[]): Promise<Sysctls> {
  const [ipv4Forward, ipv6Forward, bridgeNfCallIptables, bridgeNfCallIp6tables] = await Promise.all([
    readSysctl('net.ipv4.ip_forward'),
    readSysctl('net.ipv6.conf.all.forwarding'),
    readSysctl('net.bridge.bridge-nf-call-iptables'),
    readSysctl('net.bridge.bridge-nf-call-ip6tables'),
  ]);
  // By path, not by dotted key: interface names may contain dots. Keys in a stable order (snapshots compare as text).
  const sorted = [...bridges].sort();
  const values = await Promise.all(sorted.map((b) => readNumberFile(`/proc/sys/net/ipv4/conf/${b}/route_localnet`)));
  const routeLocalnet: Record<string, number> = {};
  sorted.forEach((b, i) => {
    if (values[i] !== null) routeLocalnet[b] = values[i]!;
  });
  return { ipv4Forward, ipv6Forward, bridgeNfCallIptables, bridgeNfCallIp6tables, routeLocalnet };
}
