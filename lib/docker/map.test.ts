import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Container as ContainerSchema, DockerNetwork as DockerNetworkSchema } from '../snapshot/schema';
import {
  bridgeNameOf, lowerMode, mapContainer, mapEndpoints, mapNetwork, mapPorts, networkModeOf, parseDockerProxyArgs,
  type ApiContainerInspect, type ApiNetwork,
} from './map';

// Real `docker inspect lab-api lab-sidecar lab-web lab-none lab-hostnet` and `docker network inspect bridge
// netatlas-lab-a` (Docker 20.10), with Config.Env removed before saving.
const fixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8')) as T;
const inspects = fixture<ApiContainerInspect[]>('containers.json');
const networks = fixture<ApiNetwork[]>('networks.json');

const inspectOf = (name: string) => structuredClone(inspects.find((c) => c.Name === `/${name}`)!);
const networkOf = (name: string) => structuredClone(networks.find((n) => n.Name === name)!);

const API_ID = 'bfe26fd0ee7b99b40c283a70c098cfaf8acd806279416826f8829922cb76a891';
const LAB_A_ID = 'f0376874e379de4469a584256038cfe2cb2b52894c06b633ccc462c2cea42d0d';

/** Resolves a container reference the way Docker does: full id, name, or id prefix. */
const resolve = (ref: string): string | null =>
  inspects.find((c) => c.Id === ref || c.Name === `/${ref}` || c.Id.startsWith(ref))?.Id ?? null;

const net = (over: Partial<ApiNetwork>): ApiNetwork => ({ Id: 'a'.repeat(64), Name: 'n', Driver: 'bridge', ...over });

describe('bridgeNameOf', () => {
  it('names the default bridge docker0 (from its option, and without it)', () => {
    const bridge = networkOf('bridge');
    expect(bridgeNameOf(bridge)).toBe('docker0');
    expect(bridgeNameOf({ ...bridge, Options: {} })).toBe('docker0');
  });

  it('names a user bridge br-<first 12 hex digits of the id>', () => {
    expect(bridgeNameOf(networkOf('netatlas-lab-a'))).toBe('br-f0376874e379');
  });

  it('honours com.docker.network.bridge.name, and ignores an empty one', () => {
    const labA = networkOf('netatlas-lab-a');
    expect(bridgeNameOf({ ...labA, Options: { 'com.docker.network.bridge.name': 'br-lab' } })).toBe('br-lab');
    expect(bridgeNameOf({ ...labA, Options: { 'com.docker.network.bridge.name': '' } })).toBe('br-f0376874e379');
  });

  it('has no bridge for other drivers', () => {
    for (const Driver of ['macvlan', 'ipvlan', 'overlay', 'host', 'null']) expect(bridgeNameOf(net({ Driver }))).toBeNull();
  });
});

describe('mapNetwork', () => {
  it('maps the real default bridge', () => {
    const n = mapNetwork(networkOf('bridge'), ['c1']);
    expect(DockerNetworkSchema.parse(n)).toEqual(n);
    expect(n).toMatchObject({
      id: 'bbbefa398488a97d0978205fafa1dbd7972bc21344386db36bff8e414df8fcee',
      name: 'bridge',
      driver: 'bridge',
      scope: 'local',
      internal: false,
      attachable: false,
      ipv6: false,
      subnets: [{ subnet: '198.18.0.0/24', gateway: '198.18.0.1', ipRange: null }],
      bridge: 'docker0',
      icc: true,
      masquerade: true,
      composeProject: null,
      containers: ['c1'],
    });
    expect(n.options['com.docker.network.bridge.default_bridge']).toBe('true');
  });

  it('maps the real user network: no gateway in IPAM, no options → icc and masquerade default on', () => {
    const n = mapNetwork(networkOf('netatlas-lab-a'), []);
    expect(n).toMatchObject({
      id: LAB_A_ID,
      subnets: [{ subnet: '198.18.1.0/24', gateway: null, ipRange: null }],
      options: {},
      bridge: 'br-f0376874e379',
      icc: true,
      masquerade: true,
    });
  });

  it('reads icc and masquerade options set to false, the way Docker parses booleans', () => {
    for (const off of ['false', 'False', 'FALSE', '0', 'f']) {
      const n = mapNetwork(net({
        Options: { 'com.docker.network.bridge.enable_icc': off, 'com.docker.network.bridge.enable_ip_masquerade': off },
      }), []);
      expect([off, n.icc, n.masquerade]).toEqual([off, false, false]);
    }
    const on = mapNetwork(net({ Options: { 'com.docker.network.bridge.enable_icc': 'true', 'com.docker.network.bridge.enable_ip_masquerade': '1' } }), []);
    expect([on.icc, on.masquerade]).toEqual([true, true]);
  });

  it('has no icc/masquerade notion for non-bridge drivers', () => {
    const n = mapNetwork(net({ Driver: 'macvlan', Options: { parent: 'eth0', 'com.docker.network.bridge.enable_icc': 'false' } }), []);
    expect(n).toMatchObject({ driver: 'macvlan', bridge: null, icc: null, masquerade: null, options: { parent: 'eth0' } });
  });

  it('macvlan and ipvlan modes, with Docker’s defaults', () => {
    const mode = (Driver: string, Options: Record<string, string> = {}) => lowerMode(mapNetwork(net({ Driver, Options: { parent: 'eth0', ...Options } }), []));
    expect([mode('macvlan'), mode('macvlan', { macvlan_mode: 'private' }), mode('ipvlan'), mode('ipvlan', { ipvlan_mode: 'l3' }), mode('bridge')])
      .toEqual(['bridge', 'private', 'l2', 'l3', null]);
  });

  it('an ipvlan container: its endpoint carries the driver, its network mode is ipvlan', () => {
    const nets = [net({ Id: '3'.repeat(64), Name: 'ipv', Driver: 'ipvlan', Options: { parent: 'eth0', ipvlan_mode: 'l3' } })];
    const c = mapContainer(
      {
        Id: 'c'.repeat(64), Name: '/ipv1', HostConfig: { NetworkMode: 'ipv' }, State: { Status: 'running', Pid: 7 },
        NetworkSettings: { Networks: { ipv: { NetworkID: '3'.repeat(64), IPAddress: '198.18.9.2', IPPrefixLen: 24, MacAddress: '' } } },
      },
      nets, () => null, null,
    );
    expect(c.networkMode).toEqual({ kind: 'ipvlan', raw: 'ipv', sharedWith: null });
    // ipvlan children share the parent's MAC: Docker reports none, so the join goes by address.
    expect(c.endpoints).toMatchObject([{ driver: 'ipvlan', ipv4: '198.18.9.2', mac: null, networkName: 'ipv' }]);
  });

  it('reads subnets with ip ranges, a null IPAM config, defaults, and the compose project label', () => {
    const n = mapNetwork(net({
      Name: 'proj_default', Scope: 'swarm', Internal: true, Attachable: true, EnableIPv6: true,
      IPAM: { Config: [{ Subnet: '10.5.0.0/16', Gateway: '10.5.0.1', IPRange: '10.5.1.0/24' }, { Gateway: '10.9.0.1' }] },
      Labels: { 'com.docker.compose.project': 'proj' },
    }), []);
    expect(n).toMatchObject({
      scope: 'swarm', internal: true, attachable: true, ipv6: true, composeProject: 'proj',
      subnets: [{ subnet: '10.5.0.0/16', gateway: '10.5.0.1', ipRange: '10.5.1.0/24' }],
    });
    expect(mapNetwork(net({ IPAM: { Config: null }, Options: null, Labels: null }), [])).toMatchObject({
      subnets: [], options: {}, composeProject: null, scope: 'local',
    });
  });
});

describe('networkModeOf', () => {
  const nets = [
    ...networks,
    net({ Id: '1'.repeat(64), Name: 'lan', Driver: 'macvlan' }),
    net({ Id: '2'.repeat(64), Name: 'l3', Driver: 'ipvlan' }),
    net({ Id: '3'.repeat(64), Name: 'mesh', Driver: 'overlay' }),
    net({ Id: '4'.repeat(64), Name: 'plug', Driver: 'weave' }),
  ];

  it.each([
    ['default', 'bridge'], ['bridge', 'bridge'], ['host', 'host'], ['none', 'none'],
    ['netatlas-lab-a', 'user'], [LAB_A_ID, 'user'], ['f0376874e379', 'user'],
    ['lan', 'macvlan'], ['l3', 'ipvlan'], ['mesh', 'overlay'], ['plug', 'other'], ['no-such-network', 'other'],
  ])('%s → %s', (raw, kind) => {
    expect(networkModeOf(raw, nets, resolve)).toEqual({ kind, raw, sharedWith: null });
  });

  it('resolves container:ID (as Docker stores it) and container:NAME', () => {
    const sidecar = inspectOf('lab-sidecar').HostConfig!.NetworkMode!;
    expect(sidecar).toBe(`container:${API_ID}`);
    expect(networkModeOf(sidecar, nets, resolve)).toEqual({ kind: 'container', raw: sidecar, sharedWith: API_ID });
    expect(networkModeOf('container:lab-api', nets, resolve)).toEqual({ kind: 'container', raw: 'container:lab-api', sharedWith: API_ID });
    expect(networkModeOf('container:bfe26fd0ee7b', nets, resolve).sharedWith).toBe(API_ID);
    expect(networkModeOf('container:gone', nets, resolve)).toEqual({ kind: 'container', raw: 'container:gone', sharedWith: null });
  });

  it('prefers an exact network name over another network whose id starts with it', () => {
    const tricky = [net({ Id: 'cafe' + '0'.repeat(60), Name: 'x', Driver: 'macvlan' }), net({ Id: 'b'.repeat(64), Name: 'cafe', Driver: 'bridge' })];
    expect(networkModeOf('cafe', tricky, resolve).kind).toBe('user');
  });
});

describe('mapPorts', () => {
  it('maps the real lab-web bindings, IPv6 included, sorted by host port then address', () => {
    expect(mapPorts(inspectOf('lab-web').NetworkSettings!.Ports)).toEqual([
      { containerPort: 80, protocol: 'tcp', hostIp: '::', hostPort: 18080 },
      { containerPort: 80, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 18080 },
      { containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 18081 },
    ]);
  });

  it('skips exposed-but-unpublished ports (null bindings) and a null map', () => {
    expect(mapPorts({ '443/tcp': null, '53/udp': [{ HostIp: '::1', HostPort: '5353' }, { HostIp: '', HostPort: '53' }] })).toEqual([
      { containerPort: 53, protocol: 'udp', hostIp: '0.0.0.0', hostPort: 53 },
      { containerPort: 53, protocol: 'udp', hostIp: '::1', hostPort: 5353 },
    ]);
    expect(mapPorts(null)).toEqual([]);
    expect(mapPorts(undefined)).toEqual([]);
    expect(mapPorts(inspectOf('lab-api').NetworkSettings!.Ports)).toEqual([]);
  });

  it('reads sctp', () => {
    expect(mapPorts({ '9999/sctp': [{ HostIp: '0.0.0.0', HostPort: '9999' }] })[0].protocol).toBe('sctp');
  });
});

describe('mapEndpoints', () => {
  it('maps lab-api on two networks; a network missing from the list has driver null', () => {
    const eps = mapEndpoints(inspectOf('lab-api'), networks);
    expect(eps).toEqual([
      {
        networkId: LAB_A_ID,
        networkName: 'netatlas-lab-a',
        driver: 'bridge',
        endpointId: 'a5853f8626a5cfe627181e7d520ff5cf11a22ae4e5d6f7ba169d5cceb3eb04c5',
        ipv4: '198.18.1.2',
        ipv4PrefixLen: 24,
        ipv6: null,
        ipv6PrefixLen: null,
        mac: '02:42:c6:12:01:02',
        gateway: '198.18.1.1',
        ipv6Gateway: null,
        aliases: ['api', 'bfe26fd0ee7b'],
        containerInterface: null,
        hostInterface: null,
        bridge: null,
      },
      expect.objectContaining({ networkName: 'netatlas-lab-b', driver: null, ipv4: '198.18.2.2', mac: '02:42:c6:12:02:02' }),
    ]);
  });

  it('turns the empty strings of a none endpoint into nulls', () => {
    const [e] = mapEndpoints(inspectOf('lab-none'), [net({ Id: '0e96c4e4388e9bf24eaee79eab892dc816a64baeeb9067e1e7db9b813daecdb5', Name: 'none', Driver: 'null' })]);
    expect(e).toMatchObject({ networkName: 'none', driver: 'null', ipv4: null, ipv4PrefixLen: null, mac: null, gateway: null, aliases: [] });
  });

  it('finds the network by name when the endpoint has no id, merges DNS names into aliases, reads IPv6', () => {
    const [e] = mapEndpoints({
      Id: 'x', Name: '/x',
      NetworkSettings: {
        Networks: {
          'netatlas-lab-a': {
            IPAddress: '198.18.1.9', IPPrefixLen: 24, GlobalIPv6Address: 'fd00:1::9', GlobalIPv6PrefixLen: 64,
            IPv6Gateway: 'fd00:1::1', Aliases: ['x', 'web'], DNSNames: ['web', 'x.lab'],
          },
        },
      },
    }, networks);
    expect(e).toMatchObject({
      networkId: LAB_A_ID, driver: 'bridge', endpointId: '', ipv6: 'fd00:1::9', ipv6PrefixLen: 64,
      ipv6Gateway: 'fd00:1::1', aliases: ['x', 'web', 'x.lab'],
    });
  });
});

describe('mapContainer', () => {
  it('maps lab-web: default bridge, endpoint and published ports', () => {
    const c = mapContainer(inspectOf('lab-web'), networks, resolve, 'netns:42');
    expect(ContainerSchema.parse(c)).toEqual(c);
    expect(c).toMatchObject({
      id: '0bff5e38633b6131486f9294ac3cc5d89d65d34f06ec71247d332e44472cb0a2',
      name: 'lab-web',
      image: 'netatlas-lab/busybox:1',
      state: 'running',
      networkMode: { kind: 'bridge', raw: 'default', sharedWith: null },
      pid: 8951,
      namespaceId: 'netns:42',
      sandboxKey: '/var/run/docker/netns/74f47be6a843',
      composeProject: null,
      composeService: null,
    });
    expect(c.endpoints.map((e) => [e.networkName, e.driver, e.ipv4, e.mac])).toEqual([['bridge', 'bridge', '198.18.0.2', '02:42:c6:12:00:02']]);
    expect(c.ports.map((p) => `${p.hostIp}:${p.hostPort}`)).toEqual([':::18080', '0.0.0.0:18080', '127.0.0.1:18081']);
  });

  it('maps lab-sidecar: shares lab-api, has no sandbox key and no endpoints', () => {
    const c = mapContainer(inspectOf('lab-sidecar'), networks, resolve, null);
    expect(c).toMatchObject({ name: 'lab-sidecar', networkMode: { kind: 'container', sharedWith: API_ID }, sandboxKey: null, endpoints: [], ports: [] });
  });

  it('maps lab-hostnet and lab-none modes', () => {
    expect(mapContainer(inspectOf('lab-hostnet'), networks, resolve, null).networkMode.kind).toBe('host');
    expect(mapContainer(inspectOf('lab-none'), networks, resolve, null).networkMode.kind).toBe('none');
  });

  it('has pid null for a stopped container, and reads compose labels', () => {
    const web = inspectOf('lab-web');
    web.State = { Status: 'exited', Pid: 0 };
    web.Config = { ...web.Config, Labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' } };
    expect(mapContainer(web, networks, resolve, null)).toMatchObject({ state: 'exited', pid: null, composeProject: 'shop', composeService: 'web' });
  });

  it('defaults missing fields', () => {
    expect(mapContainer({ Id: 'abc', Name: 'bare' }, [], resolve, null)).toMatchObject({
      name: 'bare', image: '', state: 'unknown', pid: null, sandboxKey: null, endpoints: [], ports: [],
      networkMode: { kind: 'bridge', raw: 'default', sharedWith: null },
    });
  });

  it('never copies environment variables into the result', () => {
    const withEnv = inspectOf('lab-api') as ApiContainerInspect & { Config: Record<string, unknown> };
    withEnv.Config.Env = ['PATH=/bin', 'NETATLAS_LAB_SECRET=must-never-be-collected'];
    const out = JSON.stringify(mapContainer(withEnv, networks, resolve, null));
    expect(out).not.toContain('NETATLAS_LAB_SECRET');
    expect(out).not.toContain('must-never-be-collected');
    expect(out).not.toContain('PATH=/bin');
    expect(out).toContain('lab-api'); // and the rest is there
  });
});

describe('parseDockerProxyArgs', () => {
  // The real command lines of the lab's docker-proxy processes.
  it.each([
    ['127.0.0.1', 18081],
    ['0.0.0.0', 18080],
    ['::', 18080],
  ])('reads `-flag value` with host ip %s', (hostIp, hostPort) => {
    const argv = ['/usr/sbin/docker-proxy', '-proto', 'tcp', '-host-ip', hostIp, '-host-port', String(hostPort),
      '-container-ip', '198.18.0.2', '-container-port', '80'];
    expect(parseDockerProxyArgs(argv)).toEqual({ protocol: 'tcp', hostIp, hostPort, containerIp: '198.18.0.2', containerPort: 80 });
  });

  it('reads `-flag=value` and `--flag value` forms, mixed', () => {
    expect(parseDockerProxyArgs(['docker-proxy', '-proto=udp', '--host-ip', '::1', '-host-port=5353', '--container-ip=172.17.0.3', '-container-port', '53']))
      .toEqual({ protocol: 'udp', hostIp: '::1', hostPort: 5353, containerIp: '172.17.0.3', containerPort: 53 });
  });

  it.each<[string, string[]]>([
    ['an empty command line', []],
    ['a missing flag', ['docker-proxy', '-proto', 'tcp', '-host-ip', '0.0.0.0', '-host-port', '80', '-container-port', '80']],
    ['a non-numeric port', ['docker-proxy', '-proto', 'tcp', '-host-ip', '0.0.0.0', '-host-port', 'http', '-container-ip', '172.17.0.2', '-container-port', '80']],
    ['a hexadecimal port', ['docker-proxy', '-proto', 'tcp', '-host-ip', '0.0.0.0', '-host-port', '0x50', '-container-ip', '172.17.0.2', '-container-port', '80']],
    ['a fractional port', ['docker-proxy', '-proto', 'tcp', '-host-ip', '0.0.0.0', '-host-port', '80.5', '-container-ip', '172.17.0.2', '-container-port', '80']],
    ['a flag with no value at the end', ['docker-proxy', '-proto', 'tcp', '-host-ip', '0.0.0.0', '-host-port', '80', '-container-ip', '172.17.0.2', '-container-port']],
    ['an empty `=` value', ['docker-proxy', '-proto=tcp', '-host-ip=0.0.0.0', '-host-port=', '-container-ip=172.17.0.2', '-container-port=80']],
    ['a flag whose value is the next flag', ['docker-proxy', '-proto', 'tcp', '-host-ip', '-host-port', '80', '-container-ip', '172.17.0.2', '-container-port', '80']],
    ['not docker-proxy at all', ['sleep', '2147483647']],
  ])('returns null for %s', (_label, argv) => {
    expect(parseDockerProxyArgs(argv)).toBeNull();
  });
});
