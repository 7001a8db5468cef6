import { describe, expect, it } from 'vitest';
import { rawVethPeers } from '../netlink/ip-json';
import { joinEndpoints, resolveVethPeers, type RawVethPeers } from './joins';
import type { Container, Endpoint, Interface, Namespace } from './schema';
import { interfaceId } from './schema';

// ---- small builders for hand-made namespaces and containers ----

function iface(namespaceId: string, ifindex: number, name: string, over: Partial<Interface> = {}): Interface {
  return {
    id: interfaceId(namespaceId, ifindex),
    namespaceId,
    ifindex,
    name,
    kind: 'veth',
    linkKind: 'veth',
    mac: null,
    mtu: 1500,
    flags: ['UP'],
    operstate: 'UP',
    master: null,
    addresses: [],
    peer: null,
    parent: null,
    bridge: null,
    ...over,
  };
}

const inet = (address: string, prefixlen = 16) => ({ family: 'inet' as const, address, prefixlen, scope: 'global' });

function ns(id: string, kind: Namespace['kind'], interfaces: Interface[], containers: string[] = []): Namespace {
  return { id, inode: Number(id.split(':')[1]), kind, path: null, name: null, containers, interfaces, routes: [], netfilter: null };
}

/** Raw peers as `ip` reports them: ifindex → [peer ifindex, nsid or null]. */
const raw = (entries: [number, number, number | null][]): RawVethPeers =>
  new Map(entries.map(([ifindex, peerIfindex, netnsid]) => [ifindex, { peerIfindex, netnsid }]));

function endpoint(over: Partial<Endpoint>): Endpoint {
  return {
    networkId: 'net-bridge',
    networkName: 'bridge',
    driver: 'bridge',
    endpointId: 'ep',
    ipv4: null,
    ipv4PrefixLen: null,
    ipv6: null,
    ipv6PrefixLen: null,
    mac: null,
    gateway: null,
    ipv6Gateway: null,
    aliases: [],
    containerInterface: null,
    hostInterface: null,
    bridge: null,
    ...over,
  };
}

function container(id: string, namespaceId: string | null, endpoints: Endpoint[], over: Partial<Container> = {}): Container {
  return {
    id,
    name: id,
    image: 'busybox',
    state: 'running',
    networkMode: { kind: 'bridge', raw: 'default', sharedWith: null },
    pid: 1234,
    namespaceId,
    sandboxKey: null,
    endpoints,
    ports: [],
    composeProject: null,
    composeService: null,
    ...over,
  };
}

// ---- a host with docker0 and two containers whose eth0 share ifindex 5 ----

const HOST = 'netns:1';
const C1 = 'netns:100';
const C2 = 'netns:200';

function world() {
  const host = ns(HOST, 'host', [
    iface(HOST, 1, 'lo', { kind: 'loopback', linkKind: null, mac: '00:00:00:00:00:00', addresses: [inet('127.0.0.1', 8)] }),
    iface(HOST, 2, 'eth0', { kind: 'physical', linkKind: null, mac: '52:54:00:00:00:01', addresses: [inet('192.0.2.2', 24)] }),
    iface(HOST, 3, 'docker0', {
      kind: 'bridge', linkKind: 'bridge', mac: '02:42:00:00:00:01', addresses: [inet('172.17.0.1')],
      bridge: { stp: false, vlanFiltering: false, ports: ['vethA', 'vethB'] },
    }),
    iface(HOST, 10, 'vethA', { master: 'docker0', mac: 'aa:00:00:00:00:0a' }),
    iface(HOST, 11, 'vethB', { master: 'docker0', mac: 'aa:00:00:00:00:0b' }),
    iface(HOST, 12, 'vethGone', { mac: 'aa:00:00:00:00:0c' }), // its peer lives in a namespace we did not read
  ]);
  const c1 = ns(C1, 'container', [
    iface(C1, 1, 'lo', { kind: 'loopback', linkKind: null, mac: '00:00:00:00:00:00' }),
    iface(C1, 5, 'eth0', { mac: '02:42:ac:11:00:02', addresses: [inet('172.17.0.2')] }),
  ], ['web']);
  const c2 = ns(C2, 'container', [
    iface(C2, 1, 'lo', { kind: 'loopback', linkKind: null, mac: '00:00:00:00:00:00' }),
    iface(C2, 5, 'eth0', { mac: '02:42:ac:11:00:03', addresses: [inet('172.17.0.3'), { family: 'inet6', address: 'fd00:17::3', prefixlen: 64, scope: 'global' }] }),
    // A veth pair with both ends inside this namespace: `ip` gives no nsid.
    iface(C2, 8, 'inA'),
    iface(C2, 9, 'inB'),
  ], ['app']);
  const rawPeers = new Map<string, RawVethPeers>([
    // The host's nsids: 1 = C1, 2 = C2, 3 = not read.
    [HOST, raw([[10, 5, 1], [11, 5, 2], [12, 7, 3]])],
    [C1, raw([[5, 10, 0]])],
    [C2, raw([[5, 11, 0], [8, 9, null], [9, 8, null]])],
  ]);
  return { namespaces: [host, c1, c2], rawPeers, host, c1, c2 };
}

const get = (n: Namespace, name: string) => n.interfaces.find((i) => i.name === name)!;
const peerOf = (i: Interface) => (i.peer ? `${i.peer.namespaceId}/${i.peer.name}` : null);

describe('resolveVethPeers', () => {
  it('pairs veths whose ifindexes collide across namespaces by the back-pointer, both ways', () => {
    const w = world();
    resolveVethPeers(w.namespaces, w.rawPeers);
    expect(peerOf(get(w.host, 'vethA'))).toBe(`${C1}/eth0`);
    expect(peerOf(get(w.host, 'vethB'))).toBe(`${C2}/eth0`);
    expect(get(w.c1, 'eth0').peer).toEqual({ namespaceId: HOST, ifindex: 10, name: 'vethA' });
    expect(get(w.c2, 'eth0').peer).toEqual({ namespaceId: HOST, ifindex: 11, name: 'vethB' });
  });

  it('pairs the two ends of a veth inside one namespace (netnsid null)', () => {
    const w = world();
    resolveVethPeers(w.namespaces, w.rawPeers);
    expect(get(w.c2, 'inA').peer).toEqual({ namespaceId: C2, ifindex: 9, name: 'inB' });
    expect(get(w.c2, 'inB').peer).toEqual({ namespaceId: C2, ifindex: 8, name: 'inA' });
  });

  it('pairs a same-namespace veth from what ip -j prints for it (the peer by name, no link_index), without a problem', () => {
    // `ip -n X -j -d link` for `ip link add name va type veth peer name vb`, trimmed to the fields read.
    const links = [
      { ifindex: 1, ifname: 'lo', flags: [], mtu: 65536, operstate: 'UNKNOWN', link_type: 'loopback' },
      { ifindex: 2, link: 'va', ifname: 'vb', flags: [], mtu: 1500, operstate: 'DOWN', link_type: 'ether', linkinfo: { info_kind: 'veth' } },
      { ifindex: 3, link: 'vb', ifname: 'va', flags: [], mtu: 1500, operstate: 'DOWN', link_type: 'ether', linkinfo: { info_kind: 'veth' } },
    ];
    const N = 'netns:4026532999';
    const space = ns(N, 'named', [iface(N, 2, 'vb'), iface(N, 3, 'va')]);
    expect(resolveVethPeers([space], new Map([[N, rawVethPeers(links)]]))).toEqual([]);
    expect(space.interfaces[0].peer).toEqual({ namespaceId: N, ifindex: 3, name: 'va' });
    expect(space.interfaces[1].peer).toEqual({ namespaceId: N, ifindex: 2, name: 'vb' });
  });

  it('warns about a veth whose peer namespace was not read, and leaves its peer null', () => {
    const w = world();
    const problems = resolveVethPeers(w.namespaces, w.rawPeers);
    expect(problems).toEqual([
      {
        source: 'netlink',
        subject: `${HOST}/if12`,
        severity: 'warning',
        message: 'veth vethGone: its peer (ifindex 7) is in a namespace netatlas could not read',
      },
    ]);
    expect(get(w.host, 'vethGone').peer).toBeNull();
  });

  it('does not touch non-veths, nor namespaces without raw peer data', () => {
    const w = world();
    w.rawPeers.delete(C1);
    const problems = resolveVethPeers(w.namespaces, w.rawPeers);
    // Without C1's side, vethA has no end naming it back.
    expect(get(w.host, 'vethA').peer).toBeNull();
    expect(get(w.c1, 'eth0').peer).toBeNull();
    expect(problems.map((p) => p.subject)).toEqual([`${HOST}/if10`, `${HOST}/if12`]);
    expect(get(w.host, 'docker0').peer).toBeNull();
    expect(get(w.host, 'lo').peer).toBeNull();
  });

  it('refuses a same-namespace match when ip gave an nsid, and a cross-namespace one when it gave none', () => {
    // X in A says "my peer is 2 in another namespace" but the only ifindex 2 naming 1 back is in A itself.
    const A = 'netns:7';
    const B = 'netns:8';
    const a = ns(A, 'other', [iface(A, 1, 'x'), iface(A, 2, 'y')]);
    const b = ns(B, 'other', [iface(B, 3, 'z')]);
    const problems = resolveVethPeers([a, b], new Map([
      [A, raw([[1, 2, 4], [2, 1, 4]])],
      [B, raw([[3, 4, null]])],
    ]));
    expect(a.interfaces.map((i) => i.peer)).toEqual([null, null]);
    expect(problems.map((p) => p.message)).toEqual([
      'veth x: its peer (ifindex 2) is in a namespace netatlas could not read',
      'veth y: its peer (ifindex 1) is in a namespace netatlas could not read',
      'veth z: its peer (ifindex 4) is in a namespace netatlas could not read',
    ]);
  });

  it('leaves a peer unresolved, with a warning, when two pairs reuse the same ifindexes', () => {
    // P(5)↔Q(6) and R(5)↔S(6), each end in its own namespace: from ifindexes alone the pairs cannot be told apart.
    const [P, Q, R, S] = ['netns:11', 'netns:12', 'netns:13', 'netns:14'];
    const spaces = [ns(P, 'other', [iface(P, 5, 'p')]), ns(Q, 'other', [iface(Q, 6, 'q')]),
      ns(R, 'other', [iface(R, 5, 'r')]), ns(S, 'other', [iface(S, 6, 's')])];
    const problems = resolveVethPeers(spaces, new Map([
      [P, raw([[5, 6, 0]])], [Q, raw([[6, 5, 0]])], [R, raw([[5, 6, 0]])], [S, raw([[6, 5, 0]])],
    ]));
    expect(spaces.flatMap((n) => n.interfaces.map((i) => i.peer))).toEqual([null, null, null, null]);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatchObject({ source: 'netlink', subject: `${P}/if5`, severity: 'warning' });
    expect(problems[0].message).toBe('veth p: 2 possible peers with ifindex 6; left unresolved');
  });

  it('does not pair an end with a veth that itself has several candidates', () => {
    // The host's h(10) names ifindex 5; both c1's and c2's eth0 (ifindex 5) name 10 back (c2's real peer was not read).
    // c1 alone sees one candidate, but so does c2: pairing either would be a guess, and both would claim h.
    const spaces = [
      ns(HOST, 'host', [iface(HOST, 10, 'h')]),
      ns(C1, 'container', [iface(C1, 5, 'eth0')]),
      ns(C2, 'container', [iface(C2, 5, 'eth0')]),
    ];
    const problems = resolveVethPeers(spaces, new Map([
      [HOST, raw([[10, 5, 1]])], [C1, raw([[5, 10, 0]])], [C2, raw([[5, 10, 0]])],
    ]));
    expect(spaces.map((n) => n.interfaces[0].peer)).toEqual([null, null, null]);
    expect(problems.map((p) => p.subject)).toEqual([`${HOST}/if10`, `${C1}/if5`, `${C2}/if5`]);
    expect(problems.every((p) => p.severity === 'warning' && /left unresolved/.test(p.message))).toBe(true);
    expect(problems[1].message).toBe(`veth eth0: its peer candidate ${HOST}/if10 does not pair back uniquely; left unresolved`);
  });

  it('does not let a stray cross-namespace claim steal one end of an in-namespace pair', () => {
    // C2 has inA(8)↔inB(9) with no nsid; C1 has a veth 9 naming 8 in some other (unread) namespace.
    const w = world();
    w.c1.interfaces.push(iface(C1, 9, 'stray'));
    w.rawPeers.get(C1)!.set(9, { peerIfindex: 8, netnsid: 5 });
    const problems = resolveVethPeers(w.namespaces, w.rawPeers);
    expect(get(w.c2, 'inA').peer?.name).toBe('inB');
    expect(get(w.c2, 'inB').peer?.name).toBe('inA');
    expect(get(w.c1, 'stray').peer).toBeNull();
    expect(problems.map((p) => p.subject)).toContain(`${C1}/if9`);
  });
});

describe('joinEndpoints', () => {
  function joined() {
    const w = world();
    resolveVethPeers(w.namespaces, w.rawPeers);
    return w;
  }

  it('joins by MAC, case-insensitively, through the veth to the bridge', () => {
    const w = joined();
    const web = container('web', C1, [endpoint({ mac: '02:42:AC:11:00:02', ipv4: '172.17.0.99' })]);
    expect(joinEndpoints([web], w.namespaces)).toEqual([]);
    expect(web.endpoints[0]).toMatchObject({
      containerInterface: { namespaceId: C1, ifindex: 5, name: 'eth0' },
      hostInterface: { namespaceId: HOST, ifindex: 10, name: 'vethA' },
      bridge: 'docker0',
    });
  });

  it('falls back to the address when the MAC matches nothing, over IPv4 or IPv6', () => {
    const w = joined();
    const v4 = container('app', C2, [endpoint({ mac: '02:42:ff:ff:ff:ff', ipv4: '172.17.0.3' })]);
    const v6 = container('app6', C2, [endpoint({ ipv6: 'fd00:17::3' })]);
    expect(joinEndpoints([v4, v6], w.namespaces)).toEqual([]);
    for (const c of [v4, v6]) {
      expect(c.endpoints[0].containerInterface).toEqual({ namespaceId: C2, ifindex: 5, name: 'eth0' });
      expect(c.endpoints[0].hostInterface).toEqual({ namespaceId: HOST, ifindex: 11, name: 'vethB' });
      expect(c.endpoints[0].bridge).toBe('docker0');
    }
  });

  it('prefers the MAC over the address', () => {
    const w = joined();
    get(w.c2, 'inA').mac = '02:42:0a:0a:0a:0a';
    const c = container('app', C2, [endpoint({ mac: '02:42:0A:0A:0A:0A', ipv4: '172.17.0.3' })]);
    joinEndpoints([c], w.namespaces);
    expect(c.endpoints[0].containerInterface?.name).toBe('inA');
    // inA's peer is inB, in the same namespace, which has no master.
    expect(c.endpoints[0].hostInterface?.name).toBe('inB');
    expect(c.endpoints[0].bridge).toBeNull();
  });

  it('never matches the loopback by MAC', () => {
    const w = joined();
    const c = container('odd', C1, [endpoint({ mac: '00:00:00:00:00:00', ipv4: '172.17.0.2' })]);
    joinEndpoints([c], w.namespaces);
    expect(c.endpoints[0].containerInterface?.name).toBe('eth0');
  });

  it('sets only the container interface when it has no resolved peer (e.g. macvlan)', () => {
    const w = joined();
    w.c1.interfaces.push(iface(C1, 20, 'eth1', { kind: 'macvlan', linkKind: 'macvlan', mac: '02:42:c0:a8:00:10' }));
    const c = container('web', C1, [endpoint({ driver: 'macvlan', networkName: 'lan', mac: '02:42:c0:a8:00:10' })]);
    expect(joinEndpoints([c], w.namespaces)).toEqual([]);
    expect(c.endpoints[0]).toMatchObject({ containerInterface: { ifindex: 20, name: 'eth1' }, hostInterface: null, bridge: null });
  });

  it('skips host and none endpoints without problems', () => {
    const w = joined();
    const none = ns('netns:300', 'container', [iface('netns:300', 1, 'lo', { kind: 'loopback', linkKind: null })], ['none']);
    const hostnet = container('hostnet', HOST, [endpoint({ networkName: 'host', driver: 'host' })], {
      networkMode: { kind: 'host', raw: 'host', sharedWith: null },
    });
    const isolated = container('none', 'netns:300', [endpoint({ networkName: 'none', driver: 'null' })], {
      networkMode: { kind: 'none', raw: 'none', sharedWith: null },
    });
    expect(joinEndpoints([hostnet, isolated], [...w.namespaces, none])).toEqual([]);
    for (const c of [hostnet, isolated]) expect(c.endpoints[0]).toMatchObject({ containerInterface: null, hostInterface: null, bridge: null });
  });

  it('warns when a running container has an endpoint no interface carries', () => {
    const w = joined();
    const c = container('ghost', C1, [endpoint({ networkName: 'backend', mac: '02:42:de:ad:be:ef', ipv4: '10.99.0.2' })]);
    expect(joinEndpoints([c], w.namespaces)).toEqual([
      {
        source: 'join',
        subject: 'ghost',
        severity: 'warning',
        message: 'ghost: no interface in its namespace carries the endpoint on backend (10.99.0.2)',
      },
    ]);
    expect(c.endpoints[0].containerInterface).toBeNull();
  });

  it('says nothing for a stopped container, or one whose namespace is unknown', () => {
    const w = joined();
    const lost = endpoint({ mac: '02:42:de:ad:be:ef', ipv4: '10.99.0.2' });
    const stopped = container('stopped', C1, [lost], { state: 'exited' });
    const nowhere = container('nowhere', null, [{ ...lost }]);
    const unread = container('unread', 'netns:999', [{ ...lost }]);
    expect(joinEndpoints([stopped, nowhere, unread], w.namespaces)).toEqual([]);
  });

  it('joins every endpoint of a container with two networks', () => {
    const w = joined();
    get(w.c2, 'inA').addresses = [inet('10.1.0.2', 24)];
    const c = container('app', C2, [
      endpoint({ networkName: 'bridge', mac: '02:42:ac:11:00:03' }),
      endpoint({ networkName: 'inner', ipv4: '10.1.0.2' }),
    ]);
    expect(joinEndpoints([c], w.namespaces)).toEqual([]);
    expect(c.endpoints.map((e) => [e.containerInterface?.name, e.hostInterface?.name, e.bridge])).toEqual([
      ['eth0', 'vethB', 'docker0'],
      ['inA', 'inB', null],
    ]);
  });
});
