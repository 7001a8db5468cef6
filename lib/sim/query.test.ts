import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSnapshot } from '../snapshot/schema';
import { protocolSuffix, resolveFrom, resolveQuery, resolveTo, type QueryInput } from './query';

const s = parseSnapshot(JSON.parse(readFileSync(new URL('../snapshot/__fixtures__/lab-snapshot.json', import.meta.url), 'utf8')));
const id = (name: string) => s.docker!.containers.find((c) => c.name === name)!.id;
const WEB = id('lab-web');
const DB = id('lab-db');
const DEMO = s.namespaces.find((n) => n.kind === 'named' && n.name === 'netatlas-demo')!.id;
const q = (f: Partial<QueryInput>): QueryInput => ({ from: '', to: '', ...f });

describe('resolveFrom', () => {
  it('host', () => {
    expect(resolveFrom(s, 'host')).toEqual({ ok: true, value: { kind: 'host' } });
    expect(resolveFrom(s, '  HOST ')).toEqual({ ok: true, value: { kind: 'host' } });
  });
  it('a container by name, /name, full id or id prefix', () => {
    for (const text of ['lab-web', '/lab-web', WEB, WEB.slice(0, 6), WEB.slice(0, 6).toUpperCase()]) {
      expect(resolveFrom(s, text), text).toEqual({ ok: true, value: { kind: 'container', containerId: WEB } });
    }
  });
  it('an outside client, with or without its interface; a plain address somebody owns is them', () => {
    expect(resolveFrom(s, '198.51.100.7@eth0')).toEqual({ ok: true, value: { kind: 'outside', ip: '198.51.100.7', iface: 'eth0' } });
    expect(resolveFrom(s, '198.51.100.7')).toEqual({ ok: true, value: { kind: 'outside', ip: '198.51.100.7', iface: null } });
    expect(resolveFrom(s, '198.18.0.2')).toEqual({ ok: true, value: { kind: 'container', containerId: WEB } });
    expect(resolveFrom(s, '192.0.2.2')).toEqual({ ok: true, value: { kind: 'host' } });
    expect(resolveFrom(s, '127.0.0.1')).toEqual({ ok: true, value: { kind: 'host' } });
    expect(resolveFrom(s, '198.19.255.2')).toEqual({ ok: true, value: { kind: 'namespace', namespaceId: DEMO } });
    expect(resolveFrom(s, '2001:db8::7@eth0')).toEqual({ ok: true, value: { kind: 'outside', ip: '2001:db8::7', iface: 'eth0' } });
  });
  it('an address held by a namespace two containers share is its owner, not the container:X sidecar', () => {
    const api = s.docker!.containers.find((c) => c.name === 'lab-api')!;
    const ip = api.endpoints.find((e) => e.ipv4)!.ipv4!;
    expect(resolveFrom(s, ip)).toEqual({ ok: true, value: { kind: 'container', containerId: api.id } });
  });
  it('an ip netns namespace by name or id', () => {
    expect(resolveFrom(s, 'netatlas-demo')).toEqual({ ok: true, value: { kind: 'namespace', namespaceId: DEMO } });
    expect(resolveFrom(s, DEMO)).toEqual({ ok: true, value: { kind: 'namespace', namespaceId: DEMO } });
  });
  it('errors', () => {
    expect(resolveFrom(s, '')).toMatchObject({ ok: false, error: expect.stringContaining('where the packet starts') });
    expect(resolveFrom(s, 'nosuch')).toMatchObject({ ok: false, error: expect.stringMatching(/^Unknown source "nosuch": .*\(containers: .*lab-db.*; namespaces: netatlas-demo\)\.$/) });
    expect(resolveFrom(s, '198.51.100.7@eth9')).toMatchObject({ ok: false, error: expect.stringMatching(/^The host has no interface named eth9 \(it has lo, .*eth0.*\)\.$/) });
    expect(resolveFrom(s, '198.51.100.7@bad/name')).toMatchObject({ ok: false, error: '"bad/name" is not an interface name.' });
    expect(resolveFrom(s, '300.1.1.1@eth0')).toMatchObject({ ok: false, error: expect.stringContaining('"300.1.1.1" is not an IP address') });
    expect(resolveFrom(s, '01.2.3.4')).toMatchObject({ ok: false, error: expect.stringContaining('Unknown source') });
    expect(resolveFrom(s, 'x'.repeat(500))).toMatchObject({ ok: false, error: expect.stringContaining('too long') });
    const stopped = { ...s, docker: { ...s.docker!, containers: s.docker!.containers.map((c) => (c.id === WEB ? { ...c, state: 'exited' } : c)) } };
    expect(resolveFrom(stopped, 'lab-web')).toEqual({ ok: false, error: 'lab-web is exited: it has no network to trace.' });
    expect(resolveFrom({ ...s, docker: null }, 'lab-web')).toMatchObject({ ok: false, error: expect.stringContaining('no Docker data') });
  });
});

describe('resolveTo', () => {
  it('an IP with port and protocol, IPv6 in brackets', () => {
    expect(resolveTo(s, '198.18.1.3:80/tcp')).toEqual({ ok: true, value: { target: { kind: 'ip', ip: '198.18.1.3', port: 80 }, protocol: 'tcp' } });
    expect(resolveTo(s, '198.18.1.3')).toEqual({ ok: true, value: { target: { kind: 'ip', ip: '198.18.1.3', port: null }, protocol: null } });
    expect(resolveTo(s, '[fd00::2]:18080/TCP')).toEqual({ ok: true, value: { target: { kind: 'ip', ip: 'fd00::2', port: 18080 }, protocol: 'tcp' } });
    expect(resolveTo(s, 'fd00::2')).toEqual({ ok: true, value: { target: { kind: 'ip', ip: 'fd00::2', port: null }, protocol: null } });
    expect(resolveTo(s, '[fd00::2]/udp')).toEqual({ ok: true, value: { target: { kind: 'ip', ip: 'fd00::2', port: null }, protocol: 'udp' } });
  });
  it('a container, with a port', () => {
    expect(resolveTo(s, 'lab-db:5432')).toEqual({ ok: true, value: { target: { kind: 'container', containerId: DB, port: 5432 }, protocol: null } });
    expect(resolveTo(s, 'lab-db/icmp')).toEqual({ ok: true, value: { target: { kind: 'container', containerId: DB, port: null }, protocol: 'icmp' } });
  });
  it('errors', () => {
    expect(resolveTo(s, '198.18.1.3:99999')).toMatchObject({ ok: false, error: 'Port 99999 is out of range: use 1 to 65535.' });
    expect(resolveTo(s, '198.18.1.3:http')).toMatchObject({ ok: false, error: '"http" is not a port: use a number from 1 to 65535.' });
    expect(resolveTo(s, '198.18.1.3:80/sctp')).toMatchObject({ ok: false, error: 'Unknown protocol "sctp": use tcp, udp or icmp.' });
    expect(resolveTo(s, 'host')).toMatchObject({ ok: false, error: expect.stringContaining('give one of its addresses') });
    expect(resolveTo(s, 'nosuch:80')).toMatchObject({ ok: false, error: expect.stringMatching(/^Unknown destination "nosuch": .*192\.0\.2\.10:80\/tcp \(containers: .*lab-db/) });
    expect(resolveTo(s, '[1.2.3.4]:80')).toMatchObject({ ok: false, error: '"1.2.3.4" is not an IPv6 address.' });
    expect(resolveTo(s, 'netatlas-demo:80')).toMatchObject({ ok: false, error: '"netatlas-demo" is a namespace: give one of its addresses (198.19.255.2).' });
    expect(resolveTo(s, ':80')).toMatchObject({ ok: false, error: expect.stringContaining('before the port') });
  });
  it('the protocol a destination ends with', () => {
    expect(protocolSuffix('lab-db:53/UDP')).toBe('udp');
    expect(protocolSuffix('lab-db:53/')).toBeNull();
    expect(protocolSuffix('lab-db:53')).toBeNull();
  });
});

describe('resolveQuery', () => {
  it('a whole query, the port and protocol taken from the destination', () => {
    expect(resolveQuery(s, q({ from: 'lab-web', to: '198.18.1.3:80/tcp' }))).toEqual({
      ok: true,
      query: { from: { kind: 'container', containerId: WEB }, to: { kind: 'ip', ip: '198.18.1.3', port: 80 }, protocol: 'tcp' },
    });
    // No port: traced anyway (the simulator says which port rules it could not evaluate).
    expect(resolveQuery(s, q({ from: 'host', to: '198.18.1.3' }))).toEqual({
      ok: true,
      query: { from: { kind: 'host' }, to: { kind: 'ip', ip: '198.18.1.3', port: null }, protocol: 'tcp' },
    });
  });
  it('or from their own fields', () => {
    expect(resolveQuery(s, q({ from: '198.51.100.7@eth0', to: '192.0.2.2', port: '18080', protocol: 'tcp' }))).toEqual({
      ok: true,
      query: { from: { kind: 'outside', ip: '198.51.100.7', iface: 'eth0' }, to: { kind: 'ip', ip: '192.0.2.2', port: 18080 }, protocol: 'tcp' },
    });
    expect(resolveQuery(s, q({ from: 'host', to: 'lab-db', protocol: 'icmp' }))).toEqual({
      ok: true,
      query: { from: { kind: 'host' }, to: { kind: 'container', containerId: DB, port: null }, protocol: 'icmp' },
    });
  });
  it('says what is wrong, per field', () => {
    expect(resolveQuery(s, q({}))).toEqual({
      ok: false,
      errors: { from: expect.stringContaining('where the packet starts'), to: expect.stringContaining('where the packet goes') },
    });
    expect(resolveQuery(s, q({ from: 'host', to: '198.18.1.3', port: '80', protocol: 'icmp' }))).toEqual({ ok: false, errors: { port: 'ICMP has no ports: give none.' } });
    expect(resolveQuery(s, q({ from: 'host', to: '198.18.1.3:80/icmp' }))).toEqual({ ok: false, errors: { port: 'ICMP has no ports: give none.' } });
    expect(resolveQuery(s, q({ from: 'host', to: '198.18.1.3:80', port: '81' }))).toEqual({ ok: false, errors: { port: 'The destination says port 80 but the port field says 81.' } });
    expect(resolveQuery(s, q({ from: 'host', to: '198.18.1.3:53/udp', protocol: 'tcp' }))).toEqual({
      ok: false,
      errors: { protocol: 'The destination says /udp but the protocol chosen is tcp.' },
    });
    expect(resolveQuery(s, q({ from: 'host', to: '198.18.1.3', protocol: 'sctp' }))).toEqual({ ok: false, errors: { protocol: 'Unknown protocol "sctp": use tcp, udp or icmp.' } });
    expect(resolveQuery(s, q({ from: '198.51.100.7@eth0', to: '[fd00::2]:80' }))).toEqual({ ok: false, errors: { to: 'The source is IPv4 but the destination is IPv6.' } });
    expect(resolveQuery(s, q({ from: 'host', to: '198.18.1.3', port: '0' }))).toEqual({ ok: false, errors: { port: 'Port 0 is out of range: use 1 to 65535.' } });
  });
});

describe('resolveQuery with resolveNames: a destination name as the source container resolves it', () => {
  // The lab with DNS files read (lab-db gets an --add-host line here: `198.18.0.2 web`).
  const raw = JSON.parse(readFileSync(new URL('../findings/__fixtures__/lab-macvlan-snapshot.json', import.meta.url), 'utf8'));
  const dbRaw = raw.docker.containers.find((c: { name: string }) => c.name === 'lab-db');
  dbRaw.dns.extraHosts = [{ address: '198.18.0.2', names: ['web'] }];
  const m = parseSnapshot(raw);
  const mid = (name: string) => m.docker!.containers.find((c) => c.name === name)!.id;
  const named = (from: string, to: string) => resolveQuery(m, { from, to }, { resolveNames: true });

  it('an alias becomes the address the embedded DNS answers on the shared network', () => {
    const r = named('lab-db', 'api:80/udp');
    expect(r.ok && r.query).toEqual({ from: { kind: 'container', containerId: mid('lab-db') }, to: { kind: 'ip', ip: '198.18.1.2', port: 80 }, protocol: 'udp' });
    expect(r.ok && r.resolution).toMatchObject({ ok: true, via: 'embedded-dns', network: 'netatlas-lab-a', containerId: mid('lab-api') });
  });

  it('an /etc/hosts name becomes its address', () => {
    const r = named('lab-db', 'web:8080');
    expect(r.ok && r.query.to).toEqual({ kind: 'ip', ip: '198.18.0.2', port: 8080 });
    expect(r.ok && r.resolution).toMatchObject({ ok: true, via: 'hosts', addresses: ['198.18.0.2'] });
  });

  it("a container's own name stays the container, with how (or why not) the source resolves it", () => {
    const ok = named('lab-db', 'lab-api:80');
    expect(ok.ok && ok.query.to).toEqual({ kind: 'container', containerId: mid('lab-api'), port: 80 });
    expect(ok.ok && ok.resolution).toMatchObject({ ok: true, via: 'embedded-dns' });
    const bridge = named('lab-web', 'lab-api:80');
    expect(bridge.ok && bridge.query.to).toEqual({ kind: 'container', containerId: mid('lab-api'), port: 80 });
    expect(bridge.ok && bridge.resolution).toMatchObject({ ok: false, reason: 'lab-web is on the default bridge: no embedded DNS; use a user-defined network or --add-host' });
  });

  it('a known name the source cannot resolve, and that is no container, is an error of `to` with the reason', () => {
    expect(named('lab-worker', 'api:80')).toEqual({
      ok: false,
      errors: { to: expect.stringMatching(/^api \(an alias of lab-api\) is known to the embedded DNS on netatlas-lab-a only, and lab-worker is on netatlas-lab-b/) },
    });
  });

  it('names nobody has, addresses, and sources that are not containers read as without it', () => {
    expect(named('lab-db', 'nosuch:80')).toEqual({ ok: false, errors: { to: expect.stringMatching(/^Unknown destination "nosuch"/) } });
    expect(named('host', 'api:80')).toEqual({ ok: false, errors: { to: expect.stringMatching(/^Unknown destination "api"/) } });
    expect(named('lab-db', '198.18.1.2:80')).toEqual(resolveQuery(m, { from: 'lab-db', to: '198.18.1.2:80' }));
    // Without the option an alias is not a destination, and no resolution is attached.
    expect(resolveQuery(m, { from: 'lab-db', to: 'api:80' })).toEqual({ ok: false, errors: { to: expect.stringMatching(/^Unknown destination "api"/) } });
    expect(resolveQuery(m, { from: 'lab-db', to: 'lab-api:80' })).not.toHaveProperty('resolution');
  });
});
