import { readFileSync } from 'node:fs';
import { parseIptablesSave } from '../netfilter/iptables-parse';
import { parseRule } from '../netfilter/iptables-rule';
import { parseSnapshot, type DockerProxy, type Interface, type IptRule, type IptRuleset, type Namespace, type NftTable, type Snapshot } from '../snapshot/schema';

/** Snapshots for the simulator's tests: the real lab one, and small hand-built hosts around moby's documented rules. */

const labRaw = readFileSync(new URL('../snapshot/__fixtures__/lab-snapshot.json', import.meta.url), 'utf8');
/** A fresh copy each time: tests may edit it. */
export const labSnapshot = (): Snapshot => parseSnapshot(JSON.parse(labRaw));

export const containerId = (s: Snapshot, name: string) => {
  const c = s.docker!.containers.find((x) => x.name === name);
  if (!c) throw new Error(`no container ${name}`);
  return c.id;
};

export const hostNs = (s: Snapshot) => s.namespaces.find((n) => n.kind === 'host')!;

/** Inserts `-A CHAIN …` rule lines at the top of their chain in the host's IPv4 filter (or `table`) table. */
export function insertRules(s: Snapshot, lines: string[], table = 'filter'): void {
  const t = hostNs(s).netfilter!.ipv4!.tables.find((x) => x.name === table)!;
  for (const line of [...lines].reverse()) {
    const rule = parseRule(line) as IptRule;
    const chain = t.chains.find((c) => c.name === /^-A\s+(\S+)/.exec(line)![1])!;
    chain.rules.unshift(rule);
  }
}

/** moby's documented rules (`iptables -S` per table; the IPv4 blocks only). */
export function mobyRules(rel: string): IptRuleset {
  const text = readFileSync(new URL(`../../../shared/fixtures/netfilter/moby-docs/${rel}`, import.meta.url), 'utf8');
  return parseIptablesSave(text);
}

export function mobyText(rel: string): string {
  return readFileSync(new URL(`../../../shared/fixtures/netfilter/moby-docs/${rel}`, import.meta.url), 'utf8');
}

export const iface = (nsId: string, ifindex: number, name: string, kind: Interface['kind'], addrs: string[], extra: Partial<Interface> = {}): Interface => ({
  id: `${nsId}/if${ifindex}`,
  namespaceId: nsId,
  ifindex,
  name,
  kind,
  linkKind: kind === 'veth' || kind === 'bridge' ? kind : null,
  mac: null,
  mtu: 1500,
  flags: ['UP', 'LOWER_UP'],
  operstate: 'UP',
  master: null,
  addresses: addrs.map((a) => {
    const [address, len] = a.split('/');
    return { family: address.includes(':') ? 'inet6' : 'inet', address, prefixlen: Number(len), scope: address.startsWith('127.') || address === '::1' ? 'host' : 'global' };
  }),
  peer: null,
  parent: null,
  bridge: kind === 'bridge' ? { stp: false, vlanFiltering: false, ports: [] } : null,
  ...extra,
});

export const route = (dst: string, dev: string, via: string | null = null, src: string | null = null) => ({
  family: 'inet' as const, dst, gateway: via, dev, protocol: null, scope: null, prefsrc: src, metric: null, type: null,
});

export interface MiniContainer {
  name: string;
  ip: string;
  /** bridge1 (192.0.2.0/24) or docker0 (172.17.0.0/16). */
  bridge: 'bridge1' | 'docker0';
}

/**
 * The host of moby's iptables documentation: uplink eth0 203.0.113.2/24 (gateway .1), docker0 172.17.0.1/16,
 * bridge1 192.0.2.1/24, and containers (by default c1 = 192.0.2.2 on bridge1) behind veths.
 */
export function mobyHost(opts: {
  ipv4?: IptRuleset | null;
  nftables?: NftTable[];
  containers?: MiniContainer[];
  proxies?: DockerProxy[];
  bridgeNf?: number | null;
  routeLocalnet?: Record<string, number>;
}): Snapshot {
  const H = 'netns:1';
  const containers = opts.containers ?? [{ name: 'c1', ip: '192.0.2.2', bridge: 'bridge1' }];
  const hostIfaces: Interface[] = [
    iface(H, 1, 'lo', 'loopback', ['127.0.0.1/8']),
    iface(H, 2, 'eth0', 'physical', ['203.0.113.2/24']),
    iface(H, 3, 'docker0', 'bridge', ['172.17.0.1/16']),
    iface(H, 4, 'bridge1', 'bridge', ['192.0.2.1/24']),
  ];
  const empty = { tables: [], unparsedLines: [] };
  const namespaces: Namespace[] = [];
  containers.forEach((c, k) => {
    const nsId = `netns:${100 + k}`;
    const hostIdx = 10 + k;
    const veth = `veth${k}`;
    const gw = c.bridge === 'bridge1' ? '192.0.2.1' : '172.17.0.1';
    const len = c.bridge === 'bridge1' ? 24 : 16;
    const subnet = c.bridge === 'bridge1' ? '192.0.2.0/24' : '172.17.0.0/16';
    hostIfaces.push(iface(H, hostIdx, veth, 'veth', [], { master: c.bridge, peer: { namespaceId: nsId, ifindex: 2, name: 'eth0' } }));
    namespaces.push({
      id: nsId, inode: 100 + k, kind: 'container', path: null, name: null, containers: [`id-${c.name}`],
      interfaces: [iface(nsId, 1, 'lo', 'loopback', ['127.0.0.1/8']), iface(nsId, 2, 'eth0', 'veth', [`${c.ip}/${len}`], { peer: { namespaceId: H, ifindex: hostIdx, name: veth } })],
      routes: [route('default', 'eth0', gw), route(subnet, 'eth0', null, c.ip)],
      netfilter: { ipv4: empty, ipv6: empty, nftables: [] },
    });
  });
  namespaces.unshift({
    id: H, inode: 1, kind: 'host', path: null, name: null, containers: [],
    interfaces: hostIfaces,
    routes: [
      route('default', 'eth0', '203.0.113.1'),
      route('203.0.113.0/24', 'eth0', null, '203.0.113.2'),
      route('172.17.0.0/16', 'docker0', null, '172.17.0.1'),
      route('192.0.2.0/24', 'bridge1', null, '192.0.2.1'),
    ],
    netfilter: { ipv4: opts.ipv4 === undefined ? empty : opts.ipv4, ipv6: empty, nftables: opts.nftables ?? [] },
  });
  const net = (id: string, name: string, bridge: string, subnet: string, gateway: string) => ({
    id, name, driver: 'bridge', scope: 'local', internal: false, attachable: false, ipv6: false,
    subnets: [{ subnet, gateway, ipRange: null }], options: {}, bridge, icc: true, masquerade: true, composeProject: null,
    containers: containers.filter((c) => c.bridge === bridge).map((c) => `id-${c.name}`),
  });
  const snapshot = {
    schemaVersion: 1,
    host: {
      hostname: 'docs', kernel: '6.1', collectedAt: '2025-01-01T00:00:00.000Z', collectionMs: 1,
      docker: { reachable: true, endpoint: 'unix:///var/run/docker.sock', version: '28.3.0', apiVersion: '1.51' },
      iptables: { active: 'nf_tables', version: null, legacyHasRules: false, nftHasRules: true, warning: null },
      sysctls: { ipv4Forward: 1, ipv6Forward: 0, bridgeNfCallIptables: opts.bridgeNf === undefined ? 1 : opts.bridgeNf, bridgeNfCallIp6tables: 1, routeLocalnet: opts.routeLocalnet ?? {} },
      problems: [],
    },
    namespaces,
    docker: {
      networks: [net('n0', 'bridge', 'docker0', '172.17.0.0/16', '172.17.0.1'), net('n1', 'bridge1', 'bridge1', '192.0.2.0/24', '192.0.2.1')],
      containers: containers.map((c, k) => ({
        id: `id-${c.name}`, name: c.name, image: 'x', state: 'running',
        networkMode: { kind: 'user', raw: c.bridge, sharedWith: null }, pid: 1000 + k, namespaceId: `netns:${100 + k}`, sandboxKey: null,
        endpoints: [{
          networkId: c.bridge === 'bridge1' ? 'n1' : 'n0', networkName: c.bridge === 'bridge1' ? 'bridge1' : 'bridge', driver: 'bridge', endpointId: `ep${k}`,
          ipv4: c.ip, ipv4PrefixLen: c.bridge === 'bridge1' ? 24 : 16, ipv6: null, ipv6PrefixLen: null, mac: null,
          gateway: c.bridge === 'bridge1' ? '192.0.2.1' : '172.17.0.1', ipv6Gateway: null, aliases: [],
          containerInterface: { namespaceId: `netns:${100 + k}`, ifindex: 2, name: 'eth0' }, hostInterface: { namespaceId: H, ifindex: 10 + k, name: `veth${k}` }, bridge: c.bridge,
        }],
        ports: [], composeProject: null, composeService: null,
      })),
    },
    dockerProxies: opts.proxies ?? [],
  };
  return parseSnapshot(snapshot);
}
