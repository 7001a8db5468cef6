import type { Container, DockerNetwork, Endpoint, Snapshot } from '../snapshot/schema';

/**
 * How a container would resolve a name: its /etc/hosts extra entries first (as libc reads them), then Docker's
 * embedded DNS (127.0.0.11), which answers with the container names and network aliases of the user-defined networks
 * the container is on — on each network only for the containers on it. The default bridge has no embedded DNS.
 * Anything else would go to the upstream resolvers, which the snapshot cannot answer for.
 */

export const EMBEDDED_DNS = '127.0.0.11';

export type NameResolution =
  | {
      ok: true;
      name: string;
      addresses: string[];
      via: 'hosts' | 'embedded-dns';
      /** The network whose embedded DNS answers (via 'embedded-dns'). */
      network: string | null;
      /** The container the name belongs to, when it is one. */
      containerId: string | null;
    }
  | {
      ok: false;
      name: string;
      /** Why the container cannot resolve it, and what would. */
      reason: string;
      /** The resolvers the query would go to instead (the container's nameservers other than the embedded DNS). */
      upstream: string[];
      /** Whether the name is some running container's name or alias (one the source just cannot resolve). */
      known: boolean;
    };

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The container whose endpoints a container uses (`--network container:X` shares X's). */
function networkOwner(s: Snapshot, c: Container): Container {
  const id = c.networkMode.sharedWith;
  return (id && s.docker?.containers.find((x) => x.id === id)) || c;
}

const addressesOf = (e: Endpoint) => [e.ipv4, e.ipv6].filter((a): a is string => !!a);

/** Networks with an embedded DNS: every user-defined one (not the default bridge, host or none). */
export function hasEmbeddedDns(n: Pick<DockerNetwork, 'name' | 'driver'>): boolean {
  return n.name !== 'bridge' && n.driver !== 'host' && n.driver !== 'null';
}

/** Whether `name` names `c` on network `networkId` for the embedded DNS: its name or an alias there. */
function answersFor(c: Container, networkId: string, name: string): Endpoint | null {
  const e = c.endpoints.find((x) => x.networkId === networkId);
  if (!e) return null;
  return same(c.name, name) || e.aliases.some((a) => same(a, name)) ? e : null;
}

export function resolveName(s: Snapshot, fromId: string, rawName: string): NameResolution {
  const name = rawName.replace(/\.$/, '');
  const all = s.docker?.containers ?? [];
  const from = all.find((c) => c.id === fromId);
  if (!from) throw new Error(`no container ${fromId} in the snapshot`);
  const upstream = (from.dns?.nameservers ?? []).filter((n) => n !== EMBEDDED_DNS);
  // A container:X sharer has no endpoint of its own: the embedded DNS knows only X.
  const running = all.filter((c) => c.state === 'running' && c.networkMode.kind !== 'container');
  const target = running.find((c) => same(c.name, name) || c.endpoints.some((e) => e.aliases.some((a) => same(a, name))));
  const fail = (reason: string): NameResolution => ({ ok: false, name, reason, upstream, known: target !== undefined });

  const hosts = (from.dns?.extraHosts ?? []).filter((h) => h.names.some((n) => same(n, name)));
  if (hosts.length) {
    const owner = all.find((c) => same(c.name, name));
    return { ok: true, name, addresses: [...new Set(hosts.map((h) => h.address))], via: 'hosts', network: null, containerId: owner?.id ?? null };
  }

  const owner = networkOwner(s, from);
  const networks = s.docker?.networks ?? [];
  const userNets = owner.endpoints.filter((e) => {
    const n = networks.find((x) => x.id === e.networkId);
    return n ? hasEmbeddedDns(n) : e.networkName !== 'bridge';
  });
  for (const e of userNets) {
    const hits = running.flatMap((c) => {
      const ep = answersFor(c, e.networkId, name);
      return ep ? [{ c, ep }] : [];
    });
    const addresses = [...new Set(hits.flatMap((h) => addressesOf(h.ep)))];
    if (addresses.length) {
      return { ok: true, name, addresses, via: 'embedded-dns', network: e.networkName, containerId: hits.length === 1 ? hits[0].c.id : null };
    }
  }

  const upstreamWords = upstream.length ? `the name goes to ${upstream.join(', ')}` : 'there is no other resolver';
  if (owner.networkMode.kind === 'host') {
    return fail(`${from.name} uses the host's network: it resolves through the host's resolvers, which know no container names${target ? `; reach ${target.name} at a published port or its address` : ''}`);
  }
  if (owner.networkMode.kind === 'none' || owner.endpoints.length === 0) return fail(`${from.name} has no network: it cannot resolve or reach ${name}`);
  if (!target) return fail(`no container or alias named ${name} on ${from.name}'s networks; ${upstreamWords}, which the snapshot cannot answer for`);
  if (userNets.length === 0) return fail(`${from.name} is on the default bridge: no embedded DNS; use a user-defined network or --add-host`);
  // The networks on whose embedded DNS the name exists: all of the target's for its name, the alias's own for an alias.
  const known = target.endpoints.filter((e) => same(target.name, name) || e.aliases.some((a) => same(a, name))).map((e) => e.networkName);
  const mine = owner.endpoints.map((e) => e.networkName).join(', ');
  const what = same(target.name, name) ? target.name : `${name} (an alias of ${target.name})`;
  return fail(
    `${what} is known to the embedded DNS on ${known.join(', ')} only, and ${from.name} is on ${mine}: the embedded DNS answers only for containers on a shared user-defined network`,
  );
}
