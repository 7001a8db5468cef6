import type { Namespace } from '../snapshot/schema';

export const DOCKER_NETNS_DIR = '/var/run/docker/netns/';

export interface DockerSandbox {
  role: 'overlay' | 'load-balancer' | 'ingress';
  networkId: string | null;
  networkName: string | null;
}

/**
 * What a namespace file under /var/run/docker/netns that belongs to no container is for. Docker names an overlay
 * network's namespace `1-` + the first 10 characters of the network id, its load balancer's `lb_` + 9, and the
 * routing mesh's `ingress_sbox`.
 */
export function dockerSandboxOf(
  fileName: string,
  networks: { id: string; name: string }[],
): DockerSandbox | null {
  const byPrefix = (prefix: string) => networks.find((n) => prefix.length > 0 && n.id.startsWith(prefix)) ?? null;
  let role: 'overlay' | 'load-balancer' | 'ingress';
  let net: { id: string; name: string } | null;
  if (fileName === 'ingress_sbox') [role, net] = ['ingress', networks.find((n) => n.name === 'ingress') ?? null];
  else if (/^\d+-/.test(fileName)) [role, net] = ['overlay', byPrefix(fileName.slice(fileName.indexOf('-') + 1))];
  else if (fileName.startsWith('lb_')) [role, net] = ['load-balancer', byPrefix(fileName.slice(3))];
  else return null;
  return { role, networkId: net?.id ?? null, networkName: net?.name ?? null };
}

/** The swarm sandbox a namespace is, when Docker made it for no container. */
export function dockerSandboxOfNamespace(ns: Namespace, networks: { id: string; name: string }[]): DockerSandbox | null {
  if (ns.containers.length > 0 || !ns.name || !ns.path?.startsWith(DOCKER_NETNS_DIR)) return null;
  return dockerSandboxOf(ns.name, networks);
}

/** How views name a swarm sandbox: `overlay netatlas-lab-overlay`, `ingress_sbox`, `load balancer of NET`. */
export function dockerSandboxLabel(sb: DockerSandbox, fileName: string): string {
  if (sb.role === 'ingress') return 'ingress_sbox';
  const net = sb.networkName ?? fileName;
  return sb.role === 'overlay' ? `overlay ${net}` : `load balancer of ${net}`;
}
