import { describe, expect, it } from 'vitest';
import { hostPaths, localPath } from './host-paths';

describe('host paths', () => {
  it('maps the host spellings of each directory to where it is mounted, and leaves other paths alone', () => {
    const p = hostPaths({ proc: '/host/proc/', dockerNetns: '/host/docker-netns' }, {});
    expect(p).toEqual({ proc: '/host/proc', dockerNetns: '/host/docker-netns', netns: '/var/run/netns' });
    expect(localPath(p, '/proc/42/ns/net')).toBe('/host/proc/42/ns/net');
    expect(localPath(p, '/var/run/docker/netns/ingress_sbox')).toBe('/host/docker-netns/ingress_sbox');
    expect(localPath(p, '/run/docker/netns/1-abc')).toBe('/host/docker-netns/1-abc');
    expect(localPath(p, '/run/netns/x')).toBe('/var/run/netns/x');
    expect(localPath(p, '/var/lib/docker/containers/x/hosts')).toBe('/var/lib/docker/containers/x/hosts');
    expect(localPath(p, '/procfs/1')).toBe('/procfs/1');
  });

  it('takes the environment when no flag is given, and refuses a relative path naming its variable', () => {
    expect(hostPaths({}, { NETATLAS_PROC_ROOT: '/h/proc', NETATLAS_NETNS_DIR: '' }).proc).toBe('/h/proc');
    expect(hostPaths({ proc: '/flag' }, { NETATLAS_PROC_ROOT: '/env' }).proc).toBe('/flag');
    expect(() => hostPaths({}, { NETATLAS_DOCKER_NETNS: 'rel' })).toThrow("NETATLAS_DOCKER_NETNS: 'rel' is not an absolute path");
  });
});
