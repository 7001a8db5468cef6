import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Interface as InterfaceSchema, Route as RouteSchema } from '../snapshot/schema';
import { classifyLink, interfacesFromIp, rawVethPeers, routesFromIp, type IpAddrEntry, type IpLink, type IpRoute } from './ip-json';

// Real `ip -j` output captured on the lab host (host namespace and lab-api's namespace), trimmed to a few entries.
const fixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8')) as T;
const hostLinks = fixture<IpLink[]>('host-link.json');
const hostAddrs = fixture<IpAddrEntry[]>('host-addr.json');
const hostRoutes4 = fixture<IpRoute[]>('host-route4.json');
const hostRoutes6 = fixture<IpRoute[]>('host-route6.json');
const apiLinks = fixture<IpLink[]>('lab-api-link.json');
const apiAddrs = fixture<IpAddrEntry[]>('lab-api-addr.json');
const apiRoutes4 = fixture<IpRoute[]>('lab-api-route4.json');
const apiRoutes6 = fixture<IpRoute[]>('lab-api-route6.json');

const HOST = 'netns:4026531833';
const API = 'netns:4026532261';
const byName = (list: { name: string }[], name: string) => {
  const found = list.find((i) => i.name === name);
  if (!found) throw new Error(`no interface ${name}`);
  return found as ReturnType<typeof interfacesFromIp>[number];
};

/** A minimal link for hand-written cases of kinds the lab does not have. */
const link = (over: Partial<IpLink>): IpLink => ({ ifindex: 100, ifname: 'x', link_type: 'ether', ...over });

describe('classifyLink', () => {
  it('classifies the real host links', () => {
    expect(Object.fromEntries(hostLinks.map((l) => [l.ifname, classifyLink(l)]))).toEqual({
      lo: 'loopback',
      eth0: 'physical', // virtio NIC: no link kind, parentbus set
      docker0: 'bridge',
      'br-f0376874e379': 'bridge',
      veth4e00ea5: 'veth',
      veth48250fa: 'veth',
    });
  });

  it('classifies the container side of the veths as veth', () => {
    expect(apiLinks.map((l) => [l.ifname, classifyLink(l)])).toEqual([
      ['lo', 'loopback'],
      ['eth0', 'veth'],
      ['eth1', 'veth'],
    ]);
  });

  it.each<[string, Partial<IpLink>, string]>([
    ['macvlan', { linkinfo: { info_kind: 'macvlan', info_data: { mode: 'bridge' } }, link: 'eth0' }, 'macvlan'],
    ['ipvlan', { linkinfo: { info_kind: 'ipvlan', info_data: { mode: 'l2' } }, link: 'eth0' }, 'ipvlan'],
    ['vxlan', { linkinfo: { info_kind: 'vxlan', info_data: { id: 42, port: 4789 } } }, 'vxlan'],
    ['dummy', { linkinfo: { info_kind: 'dummy' } }, 'dummy'],
    ['wireguard', { link_type: 'none', linkinfo: { info_kind: 'wireguard' } }, 'wireguard'],
    ['macvtap → macvlan', { linkinfo: { info_kind: 'macvtap', info_data: { mode: 'bridge' } } }, 'macvlan'],
    ['ipvtap → ipvlan', { linkinfo: { info_kind: 'ipvtap' } }, 'ipvlan'],
    ['tun', { link_type: 'none', linkinfo: { info_kind: 'tun', info_data: { type: 'tun', pi: false } } }, 'tun'],
    ['tap', { linkinfo: { info_kind: 'tun', info_data: { type: 'tap', pi: false } } }, 'tap'],
    ['tun without info_data', { link_type: 'none', linkinfo: { info_kind: 'tun' } }, 'tun'],
    ['vlan → other', { linkinfo: { info_kind: 'vlan', info_data: { protocol: '802.1Q', id: 10 } }, link: 'eth0' }, 'other'],
    ['ifb → other', { linkinfo: { info_kind: 'ifb' } }, 'other'],
    ['no kind, ether → physical', { link_type: 'ether' }, 'physical'],
    ['no kind, parentbus only → physical', { link_type: 'infiniband', parentbus: 'pci' }, 'physical'],
    ['no kind, no bus, not ether → other', { link_type: 'ipip' }, 'other'],
    ['loopback wins over a kind', { link_type: 'loopback', linkinfo: { info_kind: 'dummy' } }, 'loopback'],
  ])('%s', (_label, over, kind) => {
    expect(classifyLink(link(over))).toBe(kind);
  });
});

describe('interfacesFromIp on the real host namespace', () => {
  const ifaces = interfacesFromIp(HOST, hostLinks, hostAddrs);

  it('returns one schema-valid interface per link, in order, with namespaced ids', () => {
    expect(ifaces.map((i) => i.name)).toEqual(['lo', 'eth0', 'docker0', 'br-f0376874e379', 'veth4e00ea5', 'veth48250fa']);
    for (const i of ifaces) {
      expect(InterfaceSchema.parse(i)).toEqual(i);
      expect(i.id).toBe(`${HOST}/if${i.ifindex}`);
      expect(i.namespaceId).toBe(HOST);
    }
  });

  it('gives bridges their ports and STP/VLAN-filtering flags', () => {
    expect(byName(ifaces, 'docker0').bridge).toEqual({ stp: false, vlanFiltering: false, ports: ['veth4e00ea5'] });
    expect(byName(ifaces, 'br-f0376874e379').bridge).toEqual({ stp: false, vlanFiltering: false, ports: ['veth48250fa'] });
    expect(byName(ifaces, 'eth0').bridge).toBeNull();
    expect(byName(ifaces, 'veth4e00ea5').bridge).toBeNull();
  });

  it('records the master of enslaved veths, and leaves peers for the join step', () => {
    const veth = byName(ifaces, 'veth4e00ea5');
    expect(veth).toMatchObject({ kind: 'veth', linkKind: 'veth', master: 'docker0', peer: null, parent: null });
    expect(byName(ifaces, 'veth48250fa').master).toBe('br-f0376874e379');
    expect(ifaces.every((i) => i.peer === null)).toBe(true);
  });

  it('carries over MTU, operstate, flags and MAC', () => {
    const eth0 = byName(ifaces, 'eth0');
    expect(eth0).toMatchObject({
      kind: 'physical',
      linkKind: null,
      mtu: 1400,
      operstate: 'UP',
      mac: '02:fc:00:00:00:01',
      master: null,
    });
    expect(eth0.flags).toEqual(['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP']);
    const lo = byName(ifaces, 'lo');
    expect(lo).toMatchObject({ kind: 'loopback', mtu: 65536, operstate: 'UNKNOWN', mac: '00:00:00:00:00:00' });
  });

  it('merges addresses by ifindex, with family, prefix length and scope', () => {
    expect(byName(ifaces, 'eth0').addresses).toEqual([
      { family: 'inet', address: '192.0.2.2', prefixlen: 24, scope: 'global' },
      { family: 'inet6', address: 'fd00::2', prefixlen: 64, scope: 'global' },
      { family: 'inet6', address: 'fe80::fc:ff:fe00:1', prefixlen: 64, scope: 'link' },
    ]);
    expect(byName(ifaces, 'lo').addresses).toEqual([
      { family: 'inet', address: '127.0.0.1', prefixlen: 8, scope: 'host' },
      { family: 'inet6', address: '::1', prefixlen: 128, scope: 'host' },
    ]);
    expect(byName(ifaces, 'docker0').addresses.map((a) => `${a.address}/${a.prefixlen}`)).toEqual([
      '198.18.0.1/24',
      'fe80::42:67ff:fe9f:5880/64',
    ]);
    expect(byName(ifaces, 'veth4e00ea5').addresses).toEqual([
      { family: 'inet6', address: 'fe80::dca4:9cff:fe10:753a', prefixlen: 64, scope: 'link' },
    ]);
  });
});

describe('interfacesFromIp on the real lab-api namespace', () => {
  const ifaces = interfacesFromIp(API, apiLinks, apiAddrs);

  it('has lo and two veth legs with their container addresses', () => {
    expect(ifaces.map((i) => [i.id, i.name, i.kind])).toEqual([
      [`${API}/if1`, 'lo', 'loopback'],
      [`${API}/if25`, 'eth0', 'veth'],
      [`${API}/if27`, 'eth1', 'veth'],
    ]);
    expect(byName(ifaces, 'eth0')).toMatchObject({
      mac: '02:42:c6:12:01:02',
      mtu: 1500,
      operstate: 'UP',
      master: null,
      peer: null,
      addresses: [{ family: 'inet', address: '198.18.1.2', prefixlen: 24, scope: 'global' }],
    });
    expect(byName(ifaces, 'eth1').addresses.map((a) => a.address)).toEqual(['198.18.2.2']);
  });
});

describe('interfacesFromIp on hand-written links', () => {
  it('keeps the parent of a macvlan but never of a veth', () => {
    const ifaces = interfacesFromIp('netns:1', [
      link({ ifindex: 2, ifname: 'eth0' }),
      link({ ifindex: 3, ifname: 'mv0', link: 'eth0', linkinfo: { info_kind: 'macvlan', info_data: { mode: 'bridge' } } }),
      link({ ifindex: 4, ifname: 'vA', link: 'vB', link_index: 5, linkinfo: { info_kind: 'veth' } }),
    ], []);
    expect(ifaces.map((i) => [i.name, i.kind, i.parent])).toEqual([
      ['eth0', 'physical', null],
      ['mv0', 'macvlan', 'eth0'],
      ['vA', 'veth', null],
    ]);
  });

  it('has no MAC for link_type none, and defaults missing keys', () => {
    const [wg] = interfacesFromIp('netns:1', [
      { ifindex: 7, ifname: 'wg0', link_type: 'none', address: 'ignored', linkinfo: { info_kind: 'wireguard' } },
    ], []);
    expect(wg).toMatchObject({ kind: 'wireguard', linkKind: 'wireguard', mac: null, mtu: 0, flags: [], operstate: 'UNKNOWN', addresses: [] });
  });

  it('reports STP on and unknown STP for a bridge without info_data, and an empty port list', () => {
    const ifaces = interfacesFromIp('netns:1', [
      link({ ifindex: 2, ifname: 'br0', linkinfo: { info_kind: 'bridge', info_data: { stp_state: 1, vlan_filtering: 1 } } }),
      link({ ifindex: 3, ifname: 'br1', linkinfo: { info_kind: 'bridge' } }),
      link({ ifindex: 4, ifname: 'tap0', master: 'br0', linkinfo: { info_kind: 'tun', info_data: { type: 'tap' } } }),
      link({ ifindex: 5, ifname: 'dummy0', master: 'br0', linkinfo: { info_kind: 'dummy' } }),
    ], []);
    expect(ifaces[0].bridge).toEqual({ stp: true, vlanFiltering: true, ports: ['tap0', 'dummy0'] });
    expect(ifaces[1].bridge).toEqual({ stp: null, vlanFiltering: null, ports: [] });
  });

  it('drops non-IP address families and defaults a missing scope to null', () => {
    const [i] = interfacesFromIp('netns:1', [link({ ifindex: 9, ifname: 'eth9' })], [
      {
        ifindex: 9,
        ifname: 'eth9',
        addr_info: [
          { family: 'inet', local: '10.0.0.1', prefixlen: 8 },
          { family: 'mpls', local: '100', prefixlen: 20 },
        ],
      },
      { ifindex: 10, ifname: 'other', addr_info: [{ family: 'inet', local: '10.9.9.9', prefixlen: 32, scope: 'global' }] },
    ]);
    expect(i.addresses).toEqual([{ family: 'inet', address: '10.0.0.1', prefixlen: 8, scope: null }]);
  });
});

describe('routesFromIp', () => {
  it('maps the real host IPv4 routes, with nulls for absent keys', () => {
    const routes = routesFromIp('inet', hostRoutes4);
    for (const r of routes) expect(RouteSchema.parse(r)).toEqual(r);
    expect(routes[0]).toEqual({
      family: 'inet', dst: 'default', gateway: '192.0.2.1', dev: 'eth0',
      protocol: null, scope: null, prefsrc: null, metric: null, type: null,
    });
    expect(routes.find((r) => r.dev === 'docker0')).toEqual({
      family: 'inet', dst: '198.18.0.0/24', gateway: null, dev: 'docker0',
      protocol: 'kernel', scope: 'link', prefsrc: '198.18.0.1', metric: null, type: null,
    });
  });

  it('maps the real host IPv6 routes with their metrics', () => {
    const routes = routesFromIp('inet6', hostRoutes6);
    expect(routes.every((r) => r.family === 'inet6')).toBe(true);
    expect(routes.find((r) => r.dst === 'default')).toMatchObject({ gateway: 'fd00::1', dev: 'eth0', metric: 1024 });
    expect(routes.find((r) => r.dst === 'fd00::/64')).toMatchObject({ protocol: 'kernel', metric: 256 });
  });

  it('maps the container routes (default via the bridge gateway) and an empty IPv6 table', () => {
    expect(routesFromIp('inet', apiRoutes4).map((r) => [r.dst, r.gateway, r.dev])).toEqual([
      ['default', '198.18.1.1', 'eth0'],
      ['198.18.1.0/24', null, 'eth0'],
      ['198.18.2.0/24', null, 'eth1'],
    ]);
    expect(routesFromIp('inet6', apiRoutes6)).toEqual([]);
  });

  it('keeps the route type', () => {
    expect(routesFromIp('inet', [{ dst: '203.0.113.0/24', type: 'blackhole' }])[0]).toMatchObject({ type: 'blackhole', dev: null });
  });
});

describe('rawVethPeers', () => {
  it('reads the host ends: peer ifindex and nsid', () => {
    expect([...rawVethPeers(hostLinks)]).toEqual([
      [24, { peerIfindex: 23, netnsid: 0 }],
      [26, { peerIfindex: 25, netnsid: 1 }],
    ]);
  });

  it('reads the container ends, which name the host ends back', () => {
    const api = rawVethPeers(apiLinks);
    expect([...api]).toEqual([
      [25, { peerIfindex: 26, netnsid: 0 }],
      [27, { peerIfindex: 28, netnsid: 0 }],
    ]);
    // lab-api eth0 (25) ↔ host veth48250fa (26): each names the other.
    expect(rawVethPeers(hostLinks).get(api.get(25)!.peerIfindex)?.peerIfindex).toBe(25);
  });

  it('pairs ends that name each other, as ip prints a pair inside one namespace (link name, no link_index)', () => {
    const peers = rawVethPeers([
      link({ ifindex: 2, ifname: 'vb', link: 'va', linkinfo: { info_kind: 'veth' } }),
      link({ ifindex: 3, ifname: 'va', link: 'vb', linkinfo: { info_kind: 'veth' } }),
      link({ ifindex: 4, ifname: 'vz', link: 'gone', linkinfo: { info_kind: 'veth' } }),
    ]);
    expect([...peers]).toEqual([
      [2, { peerIfindex: 3, netnsid: null }],
      [3, { peerIfindex: 2, netnsid: null }],
    ]);
  });

  it('gives netnsid null for a pair inside one namespace, and skips non-veths and veths without link_index', () => {
    const peers = rawVethPeers([
      link({ ifindex: 4, ifname: 'vA', link_index: 5, linkinfo: { info_kind: 'veth' } }),
      link({ ifindex: 5, ifname: 'vB', link_index: 4, linkinfo: { info_kind: 'veth' } }),
      link({ ifindex: 6, ifname: 'vC', linkinfo: { info_kind: 'veth' } }),
      link({ ifindex: 7, ifname: 'mv0', link_index: 2, linkinfo: { info_kind: 'macvlan' } }),
    ]);
    expect([...peers]).toEqual([
      [4, { peerIfindex: 5, netnsid: null }],
      [5, { peerIfindex: 4, netnsid: null }],
    ]);
  });
  it('pairs ends inside one namespace as ip prints them: the peer by name (`vA@vB`), odd names included', () => {
    const esc = '\x1b]0;PWN\x07';
    const red = '\x1b[31mRED';
    const peers = rawVethPeers([
      link({ ifindex: 8, ifname: esc, link: red, linkinfo: { info_kind: 'veth' } }),
      link({ ifindex: 9, ifname: red, link: esc, linkinfo: { info_kind: 'veth' } }),
      link({ ifindex: 10, ifname: 'vOrphan', link: 'gone', linkinfo: { info_kind: 'veth' } }),
    ]);
    expect([...peers]).toEqual([
      [8, { peerIfindex: 9, netnsid: null }],
      [9, { peerIfindex: 8, netnsid: null }],
    ]);
  });
});
