import { describe, expect, it } from 'vitest';
import { isIPv4, isIPv6 } from './addr';
import { parseCustom, parseFrom, parseTo, type CustomForm } from './custom';
import { DB, labSnapshot, WEB } from './test-fixture.test-helper';

const s = labSnapshot();
const form = (f: Partial<CustomForm>): CustomForm => ({ from: '', to: '', port: '', protocol: '', ...f });

describe('addresses', () => {
  it('IPv4', () => {
    for (const ok of ['0.0.0.0', '198.51.100.7', '255.255.255.255']) expect(isIPv4(ok), ok).toBe(true);
    for (const bad of ['256.1.1.1', '1.2.3', '01.2.3.4', '1.2.3.4.5', 'a.b.c.d', '']) expect(isIPv4(bad), bad).toBe(false);
  });
  it('IPv6', () => {
    for (const ok of ['::', '::1', 'fd00::2', '2001:db8::7', '1:2:3:4:5:6:7:8', '::ffff:198.51.100.7', 'fe80::1:2:3:4:5:6']) expect(isIPv6(ok), ok).toBe(true);
    for (const bad of ['1:2:3:4:5:6:7:8:9', '1::2::3', 'g::1', ':::', '1:2:3:4:5:6:7', '12345::1', '::1.2.3']) expect(isIPv6(bad), bad).toBe(false);
  });
});

describe('parseFrom', () => {
  it('host', () => {
    expect(parseFrom(s, 'host')).toEqual({ ok: true, value: { kind: 'host' } });
    expect(parseFrom(s, '  HOST ')).toEqual({ ok: true, value: { kind: 'host' } });
  });
  it('a container by name, /name or id prefix', () => {
    expect(parseFrom(s, 'lab-web')).toEqual({ ok: true, value: { kind: 'container', containerId: WEB } });
    expect(parseFrom(s, '/lab-web')).toEqual({ ok: true, value: { kind: 'container', containerId: WEB } });
    expect(parseFrom(s, WEB.slice(0, 6))).toEqual({ ok: true, value: { kind: 'container', containerId: WEB } });
  });
  it('an outside client, with or without its interface', () => {
    expect(parseFrom(s, '198.51.100.7@eth0')).toEqual({ ok: true, value: { kind: 'outside', ip: '198.51.100.7', iface: 'eth0' } });
    expect(parseFrom(s, '198.51.100.7')).toEqual({ ok: true, value: { kind: 'outside', ip: '198.51.100.7', iface: null } });
    // A plain address somebody owns is them.
    expect(parseFrom(s, '198.18.0.2')).toEqual({ ok: true, value: { kind: 'container', containerId: WEB } });
    expect(parseFrom(s, '192.0.2.2')).toEqual({ ok: true, value: { kind: 'host' } });
    expect(parseFrom(s, '127.0.0.1')).toEqual({ ok: true, value: { kind: 'host' } });
    expect(parseFrom(s, '198.19.255.2')).toEqual({ ok: true, value: { kind: 'namespace', namespaceId: 'netns:4026532563' } });
    expect(parseFrom(s, '2001:db8::7@eth0')).toEqual({ ok: true, value: { kind: 'outside', ip: '2001:db8::7', iface: 'eth0' } });
  });
  it('an ip netns namespace by name', () => {
    expect(parseFrom(s, 'netatlas-demo')).toEqual({ ok: true, value: { kind: 'namespace', namespaceId: 'netns:4026532563' } });
  });
  it('errors', () => {
    expect(parseFrom(s, '')).toMatchObject({ ok: false, error: expect.stringContaining('where the packet starts') });
    expect(parseFrom(s, 'nosuch')).toMatchObject({ ok: false, error: expect.stringContaining('Unknown source "nosuch"') });
    expect(parseFrom(s, '198.51.100.7@eth9')).toMatchObject({ ok: false, error: 'The host has no interface named eth9.' });
    expect(parseFrom(s, '198.51.100.7@bad/name')).toMatchObject({ ok: false, error: expect.stringContaining('not an interface name') });
    expect(parseFrom(s, '300.1.1.1@eth0')).toMatchObject({ ok: false });
    expect(parseFrom(s, 'x'.repeat(500))).toMatchObject({ ok: false, error: expect.stringContaining('too long') });
  });
});

describe('parseTo', () => {
  it('an IP with port and protocol', () => {
    expect(parseTo(s, '198.18.1.3:80/tcp')).toEqual({ ok: true, value: { target: { kind: 'ip', ip: '198.18.1.3', port: 80 }, protocol: 'tcp' } });
    expect(parseTo(s, '198.18.1.3')).toEqual({ ok: true, value: { target: { kind: 'ip', ip: '198.18.1.3', port: null }, protocol: null } });
    expect(parseTo(s, '[fd00::2]:18080/TCP')).toEqual({ ok: true, value: { target: { kind: 'ip', ip: 'fd00::2', port: 18080 }, protocol: 'tcp' } });
    expect(parseTo(s, 'fd00::2')).toEqual({ ok: true, value: { target: { kind: 'ip', ip: 'fd00::2', port: null }, protocol: null } });
  });
  it('a container, with a port', () => {
    expect(parseTo(s, 'lab-db:5432')).toEqual({ ok: true, value: { target: { kind: 'container', containerId: DB, port: 5432 }, protocol: null } });
  });
  it('errors', () => {
    expect(parseTo(s, '198.18.1.3:99999')).toMatchObject({ ok: false, error: 'Port 99999 is out of range: use 1 to 65535.' });
    expect(parseTo(s, '198.18.1.3:http')).toMatchObject({ ok: false, error: expect.stringContaining('not a port') });
    expect(parseTo(s, '198.18.1.3:80/sctp')).toMatchObject({ ok: false, error: expect.stringContaining('Unknown protocol') });
    expect(parseTo(s, 'host')).toMatchObject({ ok: false, error: expect.stringContaining('give one of its addresses') });
    expect(parseTo(s, 'nosuch:80')).toMatchObject({ ok: false, error: expect.stringContaining('Unknown destination "nosuch"') });
    expect(parseTo(s, '[1.2.3.4]:80')).toMatchObject({ ok: false, error: expect.stringContaining('not an IPv6 address') });
  });
});

describe('parseCustom', () => {
  it('a whole query, the port and protocol taken from the destination', () => {
    expect(parseCustom(s, form({ from: 'lab-web', to: '198.18.1.3:80/tcp' }))).toEqual({
      ok: true,
      query: { from: { kind: 'container', containerId: WEB }, to: { kind: 'ip', ip: '198.18.1.3', port: 80 }, protocol: 'tcp' },
    });
  });
  it('or from their own fields', () => {
    expect(parseCustom(s, form({ from: '198.51.100.7@eth0', to: '192.0.2.2', port: '18080', protocol: 'tcp' }))).toEqual({
      ok: true,
      query: { from: { kind: 'outside', ip: '198.51.100.7', iface: 'eth0' }, to: { kind: 'ip', ip: '192.0.2.2', port: 18080 }, protocol: 'tcp' },
    });
    expect(parseCustom(s, form({ from: 'host', to: 'lab-db', protocol: 'icmp' }))).toEqual({
      ok: true,
      query: { from: { kind: 'host' }, to: { kind: 'container', containerId: DB, port: null }, protocol: 'icmp' },
    });
  });
  it('says what is wrong, per field', () => {
    expect(parseCustom(s, form({}))).toEqual({
      ok: false,
      errors: { from: expect.stringContaining('where the packet starts'), to: expect.stringContaining('where the packet goes') },
    });
    expect(parseCustom(s, form({ from: 'host', to: '198.18.1.3', protocol: 'tcp' }))).toEqual({ ok: false, errors: { port: 'tcp needs a destination port (1–65535).' } });
    expect(parseCustom(s, form({ from: 'host', to: '198.18.1.3', port: '80', protocol: 'icmp' }))).toEqual({
      ok: false,
      errors: { port: 'ICMP has no ports: leave the port empty.' },
    });
    expect(parseCustom(s, form({ from: 'host', to: '198.18.1.3:80', port: '81' }))).toEqual({
      ok: false,
      errors: { port: 'The destination says port 80 but the port field says 81.' },
    });
    expect(parseCustom(s, form({ from: 'host', to: '198.18.1.3:53/udp', protocol: 'tcp' }))).toEqual({
      ok: false,
      errors: { protocol: 'The destination says /udp but the protocol chosen is tcp.' },
    });
    expect(parseCustom(s, form({ from: '198.51.100.7@eth0', to: '[fd00::2]:80' }))).toEqual({
      ok: false,
      errors: { to: 'The source is IPv4 but the destination is IPv6.' },
    });
    expect(parseCustom(s, form({ from: 'host', to: '198.18.1.3', port: '0' }))).toEqual({ ok: false, errors: { port: 'Port 0 is out of range: use 1 to 65535.' } });
  });
});
