import { describe, expect, it } from 'vitest';
import { allowedHosts, hostAllowed, sameOrigin, screenRequest } from './origin';

const ifaces = {
  lo: [{ address: '127.0.0.1', family: 'IPv4' }, { address: '::1', family: 'IPv6' }],
  eth0: [{ address: '192.0.2.10', family: 'IPv4' }, { address: '2001:db8::10', family: 'IPv6' }, { address: 'fe80::1', family: 'IPv6' }],
} as unknown as NonNullable<Parameters<typeof allowedHosts>[0]['interfaces']>;

describe('allowed Host names', () => {
  it('on loopback: the loopback names with our port, nothing else', () => {
    const a = allowedHosts({ bind: '127.0.0.1', port: 4100, tls: false, interfaces: ifaces, hostname: 'box' });
    for (const h of ['127.0.0.1:4100', 'localhost:4100', '[::1]:4100', 'LOCALHOST:4100']) expect(hostAllowed(h, a), h).toBe(true);
    for (const h of ['evil.example', 'evil.example:4100', '127.0.0.1', '127.0.0.1:80', 'box:4100', '192.0.2.10:4100', '127.0.0.1:4100@evil', undefined]) {
      expect(hostAllowed(h, a), String(h)).toBe(false);
    }
  });

  it("on a wildcard bind: the host's own addresses and names, plus the public name (any port unless given)", () => {
    const a = allowedHosts({ bind: '0.0.0.0', port: 4100, tls: false, publicName: 'atlas.example.org', interfaces: ifaces, hostname: 'box.lan' });
    for (const h of ['192.0.2.10:4100', '[2001:db8::10]:4100', 'box.lan:4100', 'box:4100', 'localhost:4100', 'atlas.example.org', 'atlas.example.org:8443']) {
      expect(hostAllowed(h, a), h).toBe(true);
    }
    for (const h of ['evil.example:4100', '[fe80::1]:4100', '192.0.2.11:4100', 'atlas.example.org.evil.example']) expect(hostAllowed(h, a), h).toBe(false);
    const withPort = allowedHosts({ bind: '::', port: 4100, tls: true, publicName: 'atlas.example.org:443', interfaces: ifaces, hostname: 'box' });
    expect(hostAllowed('atlas.example.org', withPort)).toBe(true);
    expect(hostAllowed('atlas.example.org:8443', withPort)).toBe(false);
  });

  it('on one address: that address, not the loopback names', () => {
    const a = allowedHosts({ bind: '198.19.255.1', port: 4100, tls: false, interfaces: ifaces, hostname: 'box' });
    expect(hostAllowed('198.19.255.1:4100', a)).toBe(true);
    expect(hostAllowed('localhost:4100', a)).toBe(false);
  });
});

describe('Origin and Sec-Fetch-Site', () => {
  const a = allowedHosts({ bind: '127.0.0.1', port: 4100, tls: false });
  const host = '127.0.0.1:4100';

  it('same origin is the Host with the scheme default filled in', () => {
    expect(sameOrigin('http://127.0.0.1:4100', host)).toBe(true);
    expect(sameOrigin('http://localhost:4100', host)).toBe(false);
    expect(sameOrigin('null', host)).toBe(false);
    expect(sameOrigin('file://', host)).toBe(false);
    expect(sameOrigin('https://atlas.example.org', 'atlas.example.org')).toBe(true);
  });

  it('refuses bad Host with 421 and cross-origin with 403, allows following a link', () => {
    expect(screenRequest('GET', { host: 'evil.example' }, a)).toMatchObject({ ok: false, status: 421 });
    expect(screenRequest('GET', { host, origin: 'http://evil.example' }, a)).toMatchObject({ ok: false, status: 403 });
    expect(screenRequest('POST', { host, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' }, a)).toMatchObject({ ok: false, status: 403 });
    expect(screenRequest('GET', { host, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' }, a)).toEqual({ ok: true });
    expect(screenRequest('GET', { host, 'sec-fetch-site': 'same-origin', origin: 'http://127.0.0.1:4100' }, a)).toEqual({ ok: true });
    // Our own form POST under Referrer-Policy: no-referrer; a sandboxed frame elsewhere also says null.
    expect(screenRequest('POST', { host, origin: 'null', 'sec-fetch-site': 'same-origin' }, a)).toEqual({ ok: true });
    expect(screenRequest('POST', { host, origin: 'null', 'sec-fetch-site': 'cross-site' }, a)).toMatchObject({ ok: false, status: 403 });
    expect(screenRequest('POST', { host, origin: 'null' }, a)).toMatchObject({ ok: false, status: 403 });
  });
});
