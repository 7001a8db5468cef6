import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listenersFromRaw, parseProcNet } from './listeners';

// Captured from lab-api (a user-network container: httpd on :80, Docker's embedded DNS on 127.0.0.11) on x86-64.
const fixture = (f: string) => readFileSync(join(__dirname, '__fixtures__', `lab-api-proc-net-${f}.txt`), 'utf8');

describe('parseProcNet', () => {
  it('reads TCP listeners with their address, port and inode (little-endian words)', () => {
    const tcp = parseProcNet(fixture('tcp'), 'tcp', 'inet', true);
    expect(tcp).toHaveLength(1);
    expect(tcp[0]).toMatchObject({ protocol: 'tcp', family: 'inet', address: '127.0.0.11' });
    expect(tcp[0].port).toBeGreaterThan(1024);
    const tcp6 = parseProcNet(fixture('tcp6'), 'tcp', 'inet6', true);
    expect(tcp6).toEqual([{ protocol: 'tcp', family: 'inet6', address: '::', port: 80, inode: expect.any(Number) }]);
  });

  it('keeps bound UDP sockets and skips TCP sockets that do not listen', () => {
    const udp = parseProcNet(fixture('udp'), 'udp', 'inet', true);
    expect(udp.map((u) => u.address)).toEqual(['127.0.0.11']);
    const established = '  sl  local_address rem_address   st\n   0: 0100007F:0050 0100007F:C000 01 0 0 0 0 0 77 1\n';
    expect(parseProcNet(established, 'tcp', 'inet', true)).toEqual([]);
  });

  it('reads IPv6 words in host byte order', () => {
    // ::1 port 53, as a little-endian host writes it: the last word 01000000.
    const line = '  sl  local\n   0: 00000000000000000000000001000000:0035 00000000000000000000000000000000:0000 07 0 0 0 0 0 42 2\n';
    expect(parseProcNet(line, 'udp', 'inet6', true)[0]).toMatchObject({ address: '::1', port: 53, inode: 42 });
    expect(parseProcNet(line.replace('01000000:', '00000001:'), 'udp', 'inet6', false)[0].address).toBe('::1');
  });

  it('skips malformed lines instead of guessing', () => {
    expect(parseProcNet('header\n   0: zz:0050 0 0A 0 0 0 0 0 0 1\n   1: short\n', 'tcp', 'inet', true)).toEqual([]);
  });
});

describe('listenersFromRaw', () => {
  it('names the holders of each socket, spells addresses one way and orders the list', () => {
    const got = listenersFromRaw(
      [
        { protocol: 'udp', family: 'inet', address: '127.0.0.11', port: 40000, inode: 7 },
        { protocol: 'tcp', family: 'inet6', address: '::ffff:127.0.0.1', port: 80, inode: 9 },
        { protocol: 'tcp', family: 'inet', address: '0.0.0.0', port: 80, inode: 8 },
      ],
      new Map([
        [8, [{ pid: 20, comm: 'httpd' }, { pid: 10, comm: 'httpd' }]],
        [7, [{ pid: 5, comm: 'dockerd' }]],
      ]),
    );
    expect(got.map((l) => `${l.protocol} ${l.address}:${l.port}`)).toEqual(['tcp 0.0.0.0:80', 'tcp ::ffff:7f00:1:80', 'udp 127.0.0.11:40000']);
    expect(got[0].processes.map((p) => p.pid)).toEqual([10, 20]);
    expect(got[1].processes).toEqual([]); // unknown holder: an empty list, the socket is still listed
    expect(got[2].processes).toEqual([{ pid: 5, comm: 'dockerd' }]);
  });
});
