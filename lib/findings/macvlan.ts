import { tracePath } from '../sim/trace';
import { containerObject, hostNamespace, interfaceObject, runningContainers } from './context';
import type { Check, Finding } from './types';

/**
 * A macvlan/ipvlan container cannot talk to its own host through the parent (nor the host to it), unless the host
 * has a macvlan interface of its own on that parent (the usual "shim" workaround). Proved with the simulator: the
 * host's attempt to reach the container ends in the typed macvlan isolation outcome.
 */
export const macvlanHostIsolation: Check = {
  id: 'macvlan-host-isolation',
  needs: ['docker'],
  run(s) {
    const host = hostNamespace(s);
    if (!host) return [];
    const out: Finding[] = [];
    for (const c of runningContainers(s)) {
      for (const e of c.endpoints) {
        if ((e.driver !== 'macvlan' && e.driver !== 'ipvlan') || !e.ipv4) continue;
        const parent = s.docker?.networks.find((n) => n.id === e.networkId)?.options.parent;
        const parentIf = parent ? host.interfaces.find((i) => i.name === parent) : undefined;
        if (!parentIf) continue;
        const r = tracePath(s, { from: { kind: 'host' }, to: { kind: 'ip', ip: e.ipv4, port: null }, protocol: 'icmp' });
        if (r.outcome.result !== 'no-route' || !r.outcome.isolation) continue;
        const hostAddrs = parentIf.addresses.filter((a) => a.scope !== 'link').map((a) => a.address);
        out.push({
          id: `macvlan-host-isolation:${c.name}:${e.networkName}`,
          check: 'macvlan-host-isolation',
          level: 'warning',
          title: `${c.name} (${e.driver} on ${parent}) and this host cannot reach each other`,
          evidence: [
            `${c.name} is at ${e.ipv4} on ${e.networkName}, a ${e.driver} network whose parent is the host's ${parent}${hostAddrs.length ? ` (the host's own address there: ${hostAddrs.join(', ')})` : ''}`,
            `${e.driver} children talk to the parent's network and to each other, but frames between a child and its own host never cross the parent`,
            r.summary,
          ],
          fix: `give the host its own ${e.driver} interface on ${parent} (ip link add mv-shim link ${parent} type ${e.driver}${e.driver === 'macvlan' ? ' mode bridge' : ''}; an address in ${e.networkName}'s subnet; a route to ${e.ipv4} through it), or put ${c.name} on a bridge network too`,
          objects: [containerObject(c), interfaceObject(s, parentIf)],
        });
      }
    }
    return out;
  },
};
