import { describe, expect, it } from 'vitest';
import { containerId, labSnapshot } from '../sim/fixtures.test-helper';
import type { Snapshot } from '../snapshot/schema';
import { containerDns, parseHosts, parseResolvConf } from './files';
import { resolveName } from './resolve';

describe('resolv.conf and hosts', () => {
  it('reads nameservers, the last search line, options; skips junk', () => {
    const rc = parseResolvConf('# generated\nnameserver 127.0.0.11\nsearch a.example\nsearch lab.example corp\noptions ndots:0 edns0\nnameserver not-an-ip\nnameserver 10.0.0.2 # trailing\n\x00\x01garbage\n');
    expect(rc).toEqual({ nameservers: ['127.0.0.11', '10.0.0.2'], search: ['lab.example', 'corp'], options: ['ndots:0', 'edns0'] });
  });

  it('keeps only the extra hosts entries: not the standard ones, not the container itself', () => {
    const hosts = '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nff02::2\tip6-allrouters\n198.18.0.3\tweb 5e1f lab-web\n198.18.0.2\tabc123\n10.9.9.9 db.internal # --add-host\nnonsense line\n';
    expect(parseHosts(hosts)).toHaveLength(6);
    const dns = containerDns({ text: 'nameserver 10.255.255.53\n' }, { text: hosts }, ['198.18.0.2']);
    expect(dns.extraHosts).toEqual([
      { address: '198.18.0.3', names: ['web', '5e1f', 'lab-web'] },
      { address: '10.9.9.9', names: ['db.internal'] },
    ]);
    expect(dns.problems).toEqual([]);
  });

  it('says what could not be read and keeps the rest', () => {
    const dns = containerDns({ error: 'not a regular file' }, { text: '10.1.1.1 x\n' }, []);
    expect(dns).toMatchObject({ nameservers: [], extraHosts: [{ address: '10.1.1.1', names: ['x'] }], problems: ['resolv.conf: not a regular file'] });
  });
});

function withDns(s: Snapshot, name: string, nameservers: string[], extraHosts: { address: string; names: string[] }[] = []) {
  const c = s.docker!.containers.find((x) => x.name === name)!;
  c.dns = { nameservers, search: [], options: [], extraHosts, problems: [] };
}

describe('resolveName: as the container would', () => {
  it('user-defined network: container names and aliases of the networks it shares, with the address there', () => {
    const s = labSnapshot();
    withDns(s, 'lab-db', ['127.0.0.11']);
    expect(resolveName(s, containerId(s, 'lab-db'), 'lab-api')).toEqual({
      ok: true, name: 'lab-api', addresses: ['198.18.1.2'], via: 'embedded-dns', network: 'netatlas-lab-a', containerId: containerId(s, 'lab-api'),
    });
    expect(resolveName(s, containerId(s, 'lab-db'), 'API.')).toMatchObject({ ok: true, addresses: ['198.18.1.2'] });
    // lab-worker shares lab-b with lab-api: the answer is lab-api's address there.
    expect(resolveName(s, containerId(s, 'lab-worker'), 'lab-api')).toMatchObject({ ok: true, addresses: ['198.18.2.2'], network: 'netatlas-lab-b' });
    // The alias 'api' exists on lab-a only.
    expect(resolveName(s, containerId(s, 'lab-worker'), 'api')).toMatchObject({
      ok: false,
      reason: 'api (an alias of lab-api) is known to the embedded DNS on netatlas-lab-a only, and lab-worker is on netatlas-lab-b: the embedded DNS answers only for containers on a shared user-defined network',
    });
  });

  it('a sidecar resolves through the namespace owner’s networks', () => {
    const s = labSnapshot();
    expect(resolveName(s, containerId(s, 'lab-sidecar'), 'lab-db')).toMatchObject({ ok: true, addresses: ['198.18.1.3'] });
  });

  it('the default bridge has no embedded DNS: it says so, and what to do', () => {
    const s = labSnapshot();
    withDns(s, 'lab-web', ['10.255.255.53']);
    expect(resolveName(s, containerId(s, 'lab-web'), 'lab-api')).toEqual({
      ok: false, name: 'lab-api', upstream: ['10.255.255.53'], known: true,
      reason: 'lab-web is on the default bridge: no embedded DNS; use a user-defined network or --add-host',
    });
  });

  it('/etc/hosts entries (--add-host, --link) come first', () => {
    const s = labSnapshot();
    withDns(s, 'lab-web', ['10.255.255.53'], [{ address: '198.18.1.2', names: ['lab-api', 'api'] }]);
    expect(resolveName(s, containerId(s, 'lab-web'), 'lab-api')).toMatchObject({ ok: true, via: 'hosts', addresses: ['198.18.1.2'], containerId: containerId(s, 'lab-api') });
  });

  it('no shared network, host network, unknown names', () => {
    const s = labSnapshot();
    withDns(s, 'lab-db', ['127.0.0.11', '10.255.255.53']);
    expect(resolveName(s, containerId(s, 'lab-db'), 'lab-worker')).toMatchObject({ ok: false, reason: expect.stringMatching(/^lab-worker is known to the embedded DNS on netatlas-lab-b only, and lab-db is on netatlas-lab-a/) });
    expect(resolveName(s, containerId(s, 'lab-db'), 'example.org')).toMatchObject({ ok: false, known: false, upstream: ['10.255.255.53'], reason: expect.stringMatching(/goes to 10\.255\.255\.53/) });
    expect(resolveName(s, containerId(s, 'lab-hostnet'), 'lab-db')).toMatchObject({ ok: false, reason: expect.stringMatching(/host's network/) });
    expect(resolveName(s, containerId(s, 'lab-none'), 'lab-db')).toMatchObject({ ok: false, reason: expect.stringMatching(/no network/) });
  });
});
