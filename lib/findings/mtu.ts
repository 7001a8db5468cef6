import type { Container, DockerNetwork, Interface, Snapshot } from '../snapshot/schema';
import { bridgeObject, containerObject, hostNamespace, interfaceAt, interfaceObject, runningContainers, uplinks } from './context';
import type { Check, Finding } from './types';

/**
 * MTU mismatch along a path: a container whose eth0 sends bigger packets than its bridge or the host's uplink can
 * carry. Packets are then dropped or fragmented at the smaller link; when the ICMP "fragmentation needed" does not
 * come back (firewalls, NAT), big transfers hang while small requests work. One finding per network and kind.
 */

interface Member {
  c: Container;
  ifc: Interface;
}

function members(s: Snapshot, n: DockerNetwork): Member[] {
  return runningContainers(s).flatMap((c) => {
    const e = c.endpoints.find((x) => x.networkId === n.id);
    const ifc = e ? interfaceAt(s, e.containerInterface) : null;
    return ifc ? [{ c, ifc }] : [];
  });
}

function finding(s: Snapshot, n: DockerNetwork, over: Member[], link: Interface, what: 'bridge' | 'uplink'): Finding {
  const mtus = [...new Set(over.map((m) => m.ifc.mtu))].sort((a, b) => b - a);
  return {
    id: `mtu-mismatch:${n.name}:${what}:${link.name}`,
    check: 'mtu-mismatch',
    level: 'warning',
    title: `MTU mismatch: containers on ${n.name} send larger packets than ${what === 'bridge' ? `the bridge ${link.name}` : `the uplink ${link.name}`} carries`,
    evidence: [
      ...over.map((m) => `${m.c.name}: ${m.ifc.name} MTU ${m.ifc.mtu}`),
      `${what === 'bridge' ? 'bridge' : 'uplink (default route)'} ${link.name}: MTU ${link.mtu}`,
      'large packets are dropped or fragmented there; if the ICMP "fragmentation needed" is lost, big transfers hang while small ones work',
    ],
    fix:
      n.name === 'bridge'
        ? `set "mtu": ${link.mtu} in /etc/docker/daemon.json and restart Docker (the default bridge takes its MTU from there)`
        : `recreate ${n.name} with -o com.docker.network.driver.mtu=${link.mtu} (or set it in the compose file's network driver_opts); MTU ${mtus.join('/')} is too large`,
    objects: [bridgeObject(n), interfaceObject(s, link), ...over.map((m) => containerObject(m.c))],
  };
}

export const mtuMismatch: Check = {
  id: 'mtu-mismatch',
  needs: ['docker'],
  run(s) {
    const host = hostNamespace(s);
    if (!host) return [];
    const out: Finding[] = [];
    const up = uplinks(s);
    for (const n of s.docker?.networks ?? []) {
      if (n.driver !== 'bridge' || !n.bridge) continue;
      const ms = members(s, n);
      const br = host.interfaces.find((i) => i.name === n.bridge);
      const overBridge = br ? ms.filter((m) => m.ifc.mtu > br.mtu) : [];
      if (br && overBridge.length) out.push(finding(s, n, overBridge, br, 'bridge'));
      if (n.internal) continue; // nothing leaves an internal network
      for (const u of up) {
        const over = ms.filter((m) => m.ifc.mtu > u.mtu);
        if (over.length) out.push(finding(s, n, over, u, 'uplink'));
      }
    }
    return out;
  },
};
