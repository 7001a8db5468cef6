import type { ContainerDns } from '../snapshot/schema';
import { isIP } from '../net/cidr';

/**
 * A container's resolv.conf and /etc/hosts, as text from the host-side copies Docker keeps. The container can write
 * both files, so everything here is untrusted: unknown lines are skipped, values are kept only when well-formed.
 */

export interface ResolvConf {
  nameservers: string[];
  search: string[];
  options: string[];
}

export interface HostsEntry {
  address: string;
  names: string[];
}

/** resolv(5): the last `search`/`domain` line wins; `nameserver` lines add up; `options` add up. */
export function parseResolvConf(text: string): ResolvConf {
  const out: ResolvConf = { nameservers: [], search: [], options: [] };
  for (const raw of text.split('\n')) {
    const words = raw.replace(/[#;].*$/, '').trim().split(/\s+/).filter(Boolean);
    const [key, ...args] = words;
    if (key === 'nameserver' && args[0] && isIP(args[0])) out.nameservers.push(args[0]);
    else if (key === 'search' || key === 'domain') out.search = args;
    else if (key === 'options') out.options.push(...args);
  }
  return out;
}

export function parseHosts(text: string): HostsEntry[] {
  const out: HostsEntry[] = [];
  for (const raw of text.split('\n')) {
    const [address, ...names] = raw.replace(/#.*$/, '').trim().split(/\s+/).filter(Boolean);
    if (address && names.length && isIP(address)) out.push({ address, names });
  }
  return out;
}

/** The names every Docker hosts file carries. */
const STANDARD_NAMES = new Set(['localhost', 'ip6-localhost', 'ip6-loopback', 'ip6-localnet', 'ip6-mcastprefix', 'ip6-allnodes', 'ip6-allrouters']);

/** A file read from the host: its text, or why it could not be read. */
export type FileText = { text: string } | { error: string };

/**
 * The snapshot's view of a container's DNS. `ownAddresses`: the container's endpoint addresses, whose hosts lines
 * (its own hostname) Docker writes itself and are not "extra".
 */
export function containerDns(resolvConf: FileText, hosts: FileText, ownAddresses: string[]): ContainerDns {
  const problems: string[] = [];
  const rc = 'text' in resolvConf ? parseResolvConf(resolvConf.text) : { nameservers: [], search: [], options: [] };
  if ('error' in resolvConf) problems.push(`resolv.conf: ${resolvConf.error}`);
  if ('error' in hosts) problems.push(`hosts: ${hosts.error}`);
  const own = new Set(ownAddresses);
  const extraHosts = ('text' in hosts ? parseHosts(hosts.text) : [])
    .filter((e) => !own.has(e.address) && !e.names.every((n) => STANDARD_NAMES.has(n)));
  return { ...rc, extraHosts, problems };
}
