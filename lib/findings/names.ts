import { hasEmbeddedDns } from '../dns/resolve';
import type { Container, Snapshot } from '../snapshot/schema';
import { containerObject, runningContainers } from './context';
import type { Check, Finding } from './types';

/**
 * Containers on the default bridge that refer to each other by name. The default bridge has no embedded DNS, so a
 * name there resolves only through an /etc/hosts line (--link, --add-host): provable from the container's hosts
 * file. Environment variables, where such names usually sit, are never collected, so nothing else is claimed.
 */

const onDefaultBridgeOnly = (s: Snapshot, c: Container) =>
  c.endpoints.some((e) => e.networkName === 'bridge') &&
  !c.endpoints.some((e) => {
    const n = s.docker?.networks.find((x) => x.id === e.networkId);
    return n ? hasEmbeddedDns(n) : e.networkName !== 'bridge';
  });

export const defaultBridgeNames: Check = {
  id: 'default-bridge-names',
  needs: ['docker'],
  run(s) {
    const running = runningContainers(s);
    const out: Finding[] = [];
    for (const c of running) {
      if (!c.dns || !onDefaultBridgeOnly(s, c)) continue;
      for (const h of c.dns.extraHosts) {
        const target = running.find((t) => t.id !== c.id && h.names.includes(t.name));
        if (!target) continue;
        const now = target.endpoints.flatMap((e) => [e.ipv4, e.ipv6].filter((a): a is string => !!a));
        const stale = !now.includes(h.address);
        out.push({
          id: `default-bridge-names:${c.name}:${target.name}`,
          check: 'default-bridge-names',
          level: stale ? 'error' : 'info',
          title: stale
            ? `${c.name} resolves ${target.name} to an address it no longer has`
            : `${c.name} reaches ${target.name} by name only through an /etc/hosts line`,
          evidence: [
            `${c.name} is on the default bridge, which has no embedded DNS`,
            `its /etc/hosts (--link or --add-host) says: ${h.address} ${h.names.join(' ')}`,
            stale ? `${target.name} is at ${now.join(', ') || 'no address'} now` : `${target.name} is at ${h.address} now; the line goes stale when it gets another address (a restart can do that)`,
          ],
          fix: `put ${c.name} and ${target.name} on a user-defined network (docker network create …; docker network connect …) and drop the --link/--add-host: its embedded DNS follows address changes`,
          objects: [containerObject(c), containerObject(target)],
        });
      }
    }
    return out;
  },
};
