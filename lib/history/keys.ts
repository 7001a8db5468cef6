import type {
  Container, DockerNetwork, DockerProxy, Endpoint, Interface, IptChain, IptRule, IptTable, Namespace, NftChain, NftRule, NftSet,
  NftTable, PublishedPort, Route,
} from '../snapshot/schema';

/**
 * Which lists of a snapshot are matched by key in a delta, by which key, and which fields are counters.
 * A key must be unique within its list once numbered by occurrence (`listKeys`), and stable over time for the
 * same object; objects or lists not described here are compared as values (replaced whole when they differ).
 */
export type Shape = ObjectShape | ListShape | { kind: 'counter' };
export interface ObjectShape {
  kind: 'object';
  fields: Record<string, Shape>;
}
export interface ListShape {
  kind: 'list';
  key: (item: never) => string;
  item?: Shape;
}

const object = (fields: Record<string, Shape>): ObjectShape => ({ kind: 'object', fields });
const list = <T>(key: (item: T) => string, item?: Shape): ListShape => ({ kind: 'list', key: key as (item: never) => string, item });
const counter: Shape = { kind: 'counter' };

/**
 * A namespace: its inode plus what the kernel does not reuse — Docker's sandbox id or `ip netns` name, else its
 * first container, else the path it was entered by (`/proc/PID/ns/net`). Inodes alone repeat (`unshare -n` eight
 * times in a row gave repeated inodes), so a container restarted into a new namespace never matches the old one.
 */
export const namespaceKey = (n: Namespace): string =>
  n.kind === 'host' ? 'host' : `${n.inode}/${n.name ?? n.containers[0] ?? n.path ?? ''}`;

export const interfaceKey = (i: Interface): string => String(i.ifindex);
/** Routes have no identity beyond their content; duplicates are numbered by occurrence. */
export const routeKey = (r: Route): string =>
  `${r.family} ${r.type ?? ''} ${r.dst} ${r.gateway ?? ''} ${r.dev ?? ''} ${r.metric ?? ''} ${r.protocol ?? ''} ${r.scope ?? ''} ${r.prefsrc ?? ''}`;
/** A rule is its text in its chain (table and chain come from the path); identical rules are numbered in order. */
export const iptRuleKey = (r: IptRule): string => r.raw;
export const nftRuleKey = (r: NftRule): string => r.text;
export const portKey = (p: PublishedPort): string => `${p.protocol}/${p.hostIp}/${p.hostPort}/${p.containerPort}`;
export const proxyKey = (p: DockerProxy): string => `${p.protocol}/${p.hostIp}/${p.hostPort}/${p.containerIp}/${p.containerPort}`;

const iptRuleset = object({
  tables: list((t: IptTable) => t.name, object({
    chains: list((c: IptChain) => c.name, object({
      counters: counter,
      rules: list(iptRuleKey, object({ counters: counter })),
    })),
  })),
});

const nftTables = list((t: NftTable) => `${t.family}/${t.name}`, object({
  chains: list((c: NftChain) => c.name, object({ rules: list(nftRuleKey, object({ counters: counter })) })),
  sets: list((s: NftSet) => s.name),
}));

export const snapshotKeys: ObjectShape = object({
  host: object({ collectedAt: counter, collectionMs: counter }),
  namespaces: list(namespaceKey, object({
    interfaces: list(interfaceKey),
    routes: list(routeKey),
    netfilter: object({ ipv4: iptRuleset, ipv6: iptRuleset, nftables: nftTables }),
  })),
  docker: object({
    networks: list((n: DockerNetwork) => n.id),
    containers: list((c: Container) => c.id, object({
      endpoints: list((e: Endpoint) => e.networkId),
      ports: list(portKey),
    })),
  }),
  dockerProxies: list(proxyKey),
});
