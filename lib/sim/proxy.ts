import type { DockerProxy } from '../snapshot/schema';
import { hostPort, parseIP, sameIP } from './addr';
import { portOf, type Pkt } from './packet';
import type { Prepared } from './view';

/**
 * docker-proxy (the userland proxy): a process in the host namespace listening on a published port. A connection
 * delivered to it ends there; the proxy opens a second one, from the host, to the container.
 *
 * Docker starts one proxy per address family (0.0.0.0 and ::, the latter IPv6-only), so an IPv4 connection is
 * only taken by an IPv4 listener: its exact address or 0.0.0.0.
 */
export function findProxy(p: Prepared, pkt: Pkt): DockerProxy | null {
  const port = portOf(pkt);
  if (port === null || pkt.proto === 'icmp') return null;
  const wildcard = pkt.family === 4 ? '0.0.0.0' : '::';
  let any: DockerProxy | null = null;
  for (const x of p.proxies) {
    if (x.protocol !== pkt.proto || x.hostPort !== port) continue;
    if (x.hostIp === wildcard || x.hostIp === '') any ??= x;
    else {
      const ip = parseIP(x.hostIp);
      if (ip && sameIP(ip, pkt.dst)) return x;
    }
  }
  return any;
}

export const proxyListen = (x: DockerProxy) => {
  const ip = parseIP(x.hostIp);
  return ip ? hostPort(ip, x.hostPort) : `${x.hostIp}:${x.hostPort}`;
};
