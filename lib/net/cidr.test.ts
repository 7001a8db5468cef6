import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSnapshot } from '../snapshot/schema';
import { subnetOf } from './cidr';

describe('subnetOf, IPv4', () => {
  it.each([
    ['172.17.0.1', 16, '172.17.0.0/16'],
    ['198.18.0.1', 24, '198.18.0.0/24'],
    ['192.0.2.2', 24, '192.0.2.0/24'],
    ['198.19.255.2', 30, '198.19.255.0/30'],
    ['10.1.2.3', 8, '10.0.0.0/8'],
    ['10.255.255.255', 9, '10.128.0.0/9'],
    ['255.255.255.255', 31, '255.255.255.254/31'],
  ])('%s/%i → %s', (address, prefixlen, want) => {
    expect(subnetOf('inet', address, prefixlen)).toBe(want);
  });

  it('/32 is the address itself', () => {
    expect(subnetOf('inet', '198.18.1.3', 32)).toBe('198.18.1.3/32');
  });

  it('/0 is everything', () => {
    expect(subnetOf('inet', '198.18.1.3', 0)).toBe('0.0.0.0/0');
  });

  it.each([
    ['1.2.3', 24],
    ['1.2.3.4.5', 24],
    ['256.0.0.1', 24],
    ['1.2.3.x', 24],
    ['1.2.3.-1', 24],
    ['1.2.3.1234', 24],
    ['', 0],
    ['fd00::1', 24],
    ['1.2.3.4', 33],
    ['1.2.3.4', -1],
  ])('null for %j/%i', (address, prefixlen) => {
    expect(subnetOf('inet', address, prefixlen)).toBeNull();
  });
});

describe('subnetOf, IPv6', () => {
  it.each([
    ['fd00::2', 64, 'fd00::/64'],
    ['fe80::42:baff:fed0:58f5', 64, 'fe80::/64'],
    ['2001:db8:1:2:3:4:5:6', 48, '2001:db8:1::/48'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', 32, '2001:db8::/32'],
    ['2001:db8:abcd:12ff::1', 56, '2001:db8:abcd:1200::/56'],
    ['FD00:ABCD::1', 64, 'fd00:abcd::/64'],
    ['::ffff:192.0.2.1', 96, '::ffff:0:0/96'],
    ['::ffff:192.0.2.1', 120, '::ffff:c000:200/120'],
  ])('%s/%i → %s', (address, prefixlen, want) => {
    expect(subnetOf('inet6', address, prefixlen)).toBe(want);
  });

  it('/128 is the address itself, compressed', () => {
    expect(subnetOf('inet6', '::1', 128)).toBe('::1/128');
    expect(subnetOf('inet6', 'fe80:0:0:0:3cdc:13ff:fe77:5599', 128)).toBe('fe80::3cdc:13ff:fe77:5599/128');
  });

  it('/0 is everything', () => {
    expect(subnetOf('inet6', 'fd00::2', 0)).toBe('::/0');
  });

  it('formats per RFC 5952: longest zero run compressed, the first on a tie, never a single zero group', () => {
    expect(subnetOf('inet6', '2001:db8:0:1:1:1:1:1', 128)).toBe('2001:db8:0:1:1:1:1:1/128');
    expect(subnetOf('inet6', '2001:0:0:1:0:0:0:1', 128)).toBe('2001:0:0:1::1/128');
    expect(subnetOf('inet6', '2001:0:0:1:1:0:0:1', 128)).toBe('2001::1:1:0:0:1/128');
    expect(subnetOf('inet6', '1:2:3:4:5:6:7:0', 112)).toBe('1:2:3:4:5:6:7:0/112');
  });

  it('reads an embedded IPv4 tail without `::`', () => {
    expect(subnetOf('inet6', '0:0:0:0:0:ffff:1.2.3.4', 128)).toBe('::ffff:102:304/128');
  });

  it.each([
    ['1::2::3', 64],
    ['1:2:3:4:5:6:7', 64],
    ['1:2:3:4:5:6:7:8:9', 64],
    ['1:2:3:4::5:6:7:8', 64],
    ['12345::1', 64],
    ['fe80::g', 64],
    [':::', 64],
    ['::ffff:1.2.3.256', 96],
    ['1.2.3.4', 64],
    ['fd00::1', 129],
    ['fd00::1', -1],
  ])('null for %j/%i', (address, prefixlen) => {
    expect(subnetOf('inet6', address, prefixlen)).toBeNull();
  });
});

describe('subnetOf on the lab snapshot', () => {
  const raw = readFileSync(new URL('../snapshot/__fixtures__/lab-snapshot.json', import.meta.url), 'utf8');
  const s = parseSnapshot(JSON.parse(raw));
  const host = s.namespaces.find((n) => n.kind === 'host')!;

  it('a docker bridge address gives its docker network subnet', () => {
    const bridged = (s.docker?.networks ?? []).filter((n) => n.bridge);
    expect(bridged.map((n) => n.bridge).sort()).toEqual(['br-7bb242862bae', 'br-f0376874e379', 'docker0']);
    for (const net of bridged) {
      const a = host.interfaces.find((i) => i.name === net.bridge)?.addresses.find((x) => x.family === 'inet');
      expect(a, net.name).toBeDefined();
      expect(net.subnets.map((x) => x.subnet), net.name).toContain(subnetOf(a!.family, a!.address, a!.prefixlen));
    }
  });

  it('every interface address parses', () => {
    const addresses = s.namespaces.flatMap((n) => n.interfaces.flatMap((i) => i.addresses));
    expect(addresses.length).toBeGreaterThan(20);
    for (const a of addresses) expect(subnetOf(a.family, a.address, a.prefixlen), `${a.address}/${a.prefixlen}`).not.toBeNull();
  });
});
