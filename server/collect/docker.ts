import Docker from 'dockerode';
import type { ApiContainerInspect, ApiNetwork } from '../../lib/docker/map';
import type { FileText } from '../../lib/dns/files';
import type { Problem } from '../../lib/snapshot/schema';
import { shortId } from '../../lib/snapshot/names';
import { readContainerFile } from './dns-files';
import { mapLimit } from './exec';

export interface DockerEndpointConfig {
  /** What we show the user: unix:///var/run/docker.sock or tcp://… */
  endpoint: string;
  options: Docker.DockerOptions;
}

/** DOCKER_HOST as the docker CLI reads it; default /var/run/docker.sock. */
export function dockerEndpoint(env = process.env.DOCKER_HOST): DockerEndpointConfig {
  if (!env || env.startsWith('unix://')) {
    const socketPath = env ? env.slice('unix://'.length) : '/var/run/docker.sock';
    return { endpoint: `unix://${socketPath}`, options: { socketPath } };
  }
  const url = new URL(env.replace(/^tcp:/, 'http:'));
  return { endpoint: env, options: { host: url.hostname, port: Number(url.port || 2375), protocol: 'http' } };
}

/** A container's inspection, with its resolv.conf and hosts files read at the same time (null when not running). */
export interface InspectRead extends ApiContainerInspect {
  dnsFiles: { resolvConf: FileText; hosts: FileText } | null;
}

export interface DockerRead {
  version: string | null;
  apiVersion: string | null;
  networks: ApiNetwork[];
  containers: InspectRead[];
}

type RawInspect = ApiContainerInspect & { Config?: unknown; ResolvConfPath?: string; HostsPath?: string };

/** Keep only what lib/docker/map reads: the environment and the rest of the config never leave this function. */
function whitelist(c: RawInspect): ApiContainerInspect {
  const cfg = (c.Config ?? {}) as { Image?: string; Labels?: Record<string, string> | null };
  return {
    Id: c.Id,
    Name: c.Name,
    Config: { Image: cfg.Image, Labels: cfg.Labels ?? null },
    State: { Status: c.State?.Status, Pid: c.State?.Pid },
    HostConfig: { NetworkMode: c.HostConfig?.NetworkMode },
    NetworkSettings: {
      SandboxKey: c.NetworkSettings?.SandboxKey,
      Ports: c.NetworkSettings?.Ports ?? null,
      Networks: c.NetworkSettings?.Networks ?? null,
    },
  };
}

export function describeDockerError(e: unknown, endpoint: string): string {
  const err = e as { code?: string; statusCode?: number; message?: string };
  if (err.code === 'ENOENT') return `Docker is not reachable at ${endpoint}: no such socket (is dockerd running?)`;
  if (err.code === 'ECONNREFUSED') return `Docker is not reachable at ${endpoint}: connection refused (is dockerd running?)`;
  if (err.code === 'EACCES') return `Docker is not reachable at ${endpoint}: permission denied (run as root or join the docker group)`;
  return `Docker API error at ${endpoint}: ${err.message ?? String(e)}`;
}

const isNotFound = (e: unknown) => (e as { statusCode?: number }).statusCode === 404;

/**
 * An inspection unanswered this long is given up (dockerd holds a container's lock while it removes it, and a
 * removal can hang for good): the snapshot goes on without that container and says so.
 */
const INSPECT_TIMEOUT_MS = 5_000;
/** A container whose inspection timed out is not asked again for this long, unless a Docker event names it. */
export const STALLED_RETRY_MS = 60_000;

/**
 * Reads networks and containers. `cache` holds earlier inspections; the caller empties entries on Docker events.
 * A container that disappears between the list and its inspection is reported and skipped. `signal` aborts the
 * requests in flight (the collector closing: a busy dockerd must not hold up a server's exit).
 */
export async function readDocker(
  docker: Docker,
  cache: Map<string, InspectRead>,
  problems: Problem[],
  signal?: AbortSignal,
  stalled: Map<string, number> = new Map(),
): Promise<DockerRead> {
  const [version, networks, list] = await Promise.all([
    // dockerode's version() takes options like every call, but its types do not say so.
    (docker.version as (opts: { abortSignal?: AbortSignal }) => ReturnType<Docker['version']>).call(docker, { abortSignal: signal }),
    docker.listNetworks({ abortSignal: signal }) as unknown as Promise<ApiNetwork[]>,
    docker.listContainers({ all: true, abortSignal: signal }),
  ]);
  const seen = new Set(list.map((c) => c.Id));
  for (const id of cache.keys()) if (!seen.has(id)) cache.delete(id);
  const inspected = await mapLimit(list, 8, async (item) => {
    const cached = cache.get(item.Id);
    if (cached && cached.State?.Status === item.State) return cached;
    const name = item.Names?.[0]?.replace(/^\//, '') ?? shortId(item.Id);
    const since = stalled.get(item.Id);
    if (since !== undefined && Date.now() - since < STALLED_RETRY_MS) {
      problems.push({ source: 'docker', subject: item.Id, severity: 'warning', message: `container ${name}: dockerd did not answer its inspection (asked again within a minute)` });
      return null;
    }
    const timeout = AbortSignal.timeout(INSPECT_TIMEOUT_MS);
    try {
      const abortSignal = signal ? AbortSignal.any([signal, timeout]) : timeout;
      const raw = (await docker.getContainer(item.Id).inspect({ abortSignal })) as unknown as RawInspect;
      stalled.delete(item.Id);
      const live = raw.State?.Status === 'running' || raw.State?.Status === 'paused';
      const dnsFiles = live
        ? { resolvConf: await readContainerFile(raw.ResolvConfPath), hosts: await readContainerFile(raw.HostsPath) }
        : null;
      const c: InspectRead = { ...whitelist(raw), dnsFiles };
      cache.set(item.Id, c);
      return c;
    } catch (e) {
      if (timeout.aborted && !signal?.aborted) {
        stalled.set(item.Id, Date.now());
        problems.push({ source: 'docker', subject: item.Id, severity: 'warning', message: `container ${name}: dockerd did not answer its inspection within ${INSPECT_TIMEOUT_MS / 1000} s; shown without it` });
        return null;
      }
      if (!isNotFound(e)) throw e;
      problems.push({
        source: 'docker',
        subject: item.Id,
        severity: 'info',
        message: `container ${name} disappeared while it was being read`,
      });
      return null;
    }
  });
  return {
    version: version.Version ?? null,
    apiVersion: version.ApiVersion ?? null,
    networks,
    containers: inspected.filter((c): c is InspectRead => c !== null),
  };
}
