/**
 * Where this process finds the host's files. On the host they are where the kernel and Docker put them; an agent in
 * a container sees them where they were mounted (the host's /proc at /host/proc, say, since a swarm service cannot
 * share the host's PID namespace). Snapshots always name the host's own paths (`/proc/PID/ns/net`,
 * `/var/run/docker/netns/X`), so a snapshot does not depend on where it was collected; `local()` turns such a path
 * into the one to open here.
 */
export interface HostPaths {
  /** The host's procfs (its PID namespace's): process scans, /proc/PID/ns/net, docker-proxy's cmdline. */
  proc: string;
  /** Docker's namespace files (/var/run/docker/netns on the host). */
  dockerNetns: string;
  /** `ip netns` namespace files (/var/run/netns on the host). */
  netns: string;
}

export const DEFAULT_HOST_PATHS: HostPaths = { proc: '/proc', dockerNetns: '/var/run/docker/netns', netns: '/var/run/netns' };

/** The environment variables that set each path (flags of `netatlas agent` set the same). */
export const HOST_PATH_ENV: Record<keyof HostPaths, string> = {
  proc: 'NETATLAS_PROC_ROOT',
  dockerNetns: 'NETATLAS_DOCKER_NETNS',
  netns: 'NETATLAS_NETNS_DIR',
};

/** Given paths first, then the environment, then the defaults; each must be absolute. */
export function hostPaths(given: Partial<HostPaths> = {}, env: Record<string, string | undefined> = process.env): HostPaths {
  const out = { ...DEFAULT_HOST_PATHS };
  for (const key of Object.keys(out) as (keyof HostPaths)[]) {
    const v = given[key] ?? env[HOST_PATH_ENV[key]];
    if (v === undefined || v === '') continue;
    if (!v.startsWith('/')) throw new Error(`${HOST_PATH_ENV[key]}: '${v}' is not an absolute path`);
    out[key] = v.length > 1 ? v.replace(/\/+$/, '') : v;
  }
  return out;
}

// The host's spellings of each directory (/var/run is a symlink to /run on current distributions; Docker writes
// SandboxKey under /var/run).
const PREFIXES: [string, keyof HostPaths][] = [
  ['/proc/', 'proc'],
  ['/var/run/docker/netns/', 'dockerNetns'],
  ['/run/docker/netns/', 'dockerNetns'],
  ['/var/run/netns/', 'netns'],
  ['/run/netns/', 'netns'],
];

/** A host path (as a snapshot or Docker names it) as this process reaches it; other paths are returned unchanged. */
export function localPath(paths: HostPaths, hostPath: string): string {
  for (const [prefix, key] of PREFIXES) {
    if (hostPath.startsWith(prefix)) return `${paths[key]}/${hostPath.slice(prefix.length)}`;
  }
  return hostPath;
}
