import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readIpvs } from './ipvs-read';
import { NativeReader } from './native-reader';
import { ShellPool } from './shell-pool';

// The IPVS read against the real kernel, in a namespace the test makes (swarm's ingress_sbox is read the same way,
// by path). This machine's kernel has no IPVS: both readers must say so, the same way, and still read the
// namespace's forwarding. On a kernel with IPVS a fresh namespace has an empty table.

const NS = `na-ipvs-${randomBytes(3).toString('hex')}`;
const PATH = `/var/run/netns/${NS}`;
let native: NativeReader;
let pool: ShellPool;

beforeAll(() => {
  execFileSync('ip', ['netns', 'add', NS]);
  execFileSync('ip', ['netns', 'exec', NS, 'sysctl', '-qw', 'net.ipv4.ip_forward=0']);
  const n = NativeReader.open();
  if (typeof n === 'string') throw new Error(n);
  native = n;
  pool = new ShellPool(1);
});

afterAll(async () => {
  await Promise.all([native?.close(), pool?.close()]);
  execFileSync('sh', ['-c', `ip netns del ${NS} 2>/dev/null || true`]);
});

const kernelHasIpvs = existsSync('/proc/net/ip_vs');
const expected = kernelHasIpvs
  ? { services: [], reason: null, warning: null, ipv4Forward: 0 }
  : { services: null, reason: 'kernel has no IPVS (/proc/net/ip_vs absent)', warning: null, ipv4Forward: 0 };

describe('reading a namespace\'s IPVS table', () => {
  it('the native reader (setns, /proc/net/ip_vs from inside)', async () => {
    expect(await readIpvs(native, () => pool, PATH)).toEqual(expected);
  });

  it('the shell path (nsenter, a shell loop) says the same', async () => {
    expect(await readIpvs(null, () => pool, PATH)).toEqual(expected);
  });

  it('a namespace that is gone is a failure with the reason, not an empty table', async () => {
    const r = await readIpvs(native, () => pool, '/var/run/netns/na-ipvs-does-not-exist');
    expect(r.services).toBeNull();
    expect(r.reason).toMatch(/^cannot read \/proc\/net\/ip_vs: open: No such file or directory/);
  });
});
