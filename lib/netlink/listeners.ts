import { canonicalAddress, formatAddress } from '../net/cidr';
import type { Listener } from '../snapshot/schema';

/** A listening TCP or bound, unconnected UDP socket as a reader saw it, before its owners are known. */
export interface RawListener {
  protocol: 'tcp' | 'udp';
  family: 'inet' | 'inet6';
  address: string;
  port: number;
  inode: number;
}

export interface SocketOwner {
  pid: number;
  comm: string;
}

const TCP_LISTEN = 0x0a;
const TCP_CLOSE = 0x07;

/**
 * Parse one of /proc/net/{tcp,tcp6,udp,udp6} (the shell path's source): TCP sockets in LISTEN, unconnected UDP
 * sockets with a local port. Addresses there are hex words in the host's byte order, hence `littleEndian`.
 */
export function parseProcNet(text: string, protocol: 'tcp' | 'udp', family: 'inet' | 'inet6', littleEndian: boolean): RawListener[] {
  const out: RawListener[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [addrHex, portHex] = f[1].split(':');
    const state = parseInt(f[3], 16);
    const port = parseInt(portHex, 16);
    const inode = Number(f[9]);
    if (!/^[0-9A-Fa-f]+$/.test(addrHex ?? '') || addrHex.length !== (family === 'inet' ? 8 : 32)) continue;
    if (!Number.isInteger(port) || port === 0 || !Number.isInteger(inode)) continue;
    // TCP: listeners; UDP: unconnected sockets (state CLOSE), the ones that take datagrams from anyone.
    if (state !== (protocol === 'tcp' ? TCP_LISTEN : TCP_CLOSE)) continue;
    let value = 0n;
    for (let w = 0; w < addrHex.length; w += 8) {
      const word = addrHex.slice(w, w + 8);
      const bytes = littleEndian ? word.match(/../g)!.reverse().join('') : word;
      value = (value << 32n) | BigInt(`0x${bytes}`);
    }
    out.push({ protocol, family, address: formatAddress(family === 'inet6', value), port, inode });
  }
  return out;
}

/** Raw listeners with the processes holding each socket, in a stable order. */
export function listenersFromRaw(raw: RawListener[], owners: Map<number, SocketOwner[]>): Listener[] {
  return raw
    .map((r) => ({
      protocol: r.protocol,
      family: r.family,
      address: canonicalAddress(r.address) ?? r.address,
      port: r.port,
      inode: r.inode,
      processes: [...(owners.get(r.inode) ?? [])].sort((a, b) => a.pid - b.pid),
    }))
    .sort((a, b) => a.protocol.localeCompare(b.protocol) || a.family.localeCompare(b.family) || a.port - b.port || a.address.localeCompare(b.address) || a.inode - b.inode);
}
