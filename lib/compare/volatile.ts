import type { Listener, Namespace, Snapshot } from '../snapshot/schema';

/**
 * What changes every time without meaning anything (SuzieQ's lesson: normalise before diffing, or every poll is a
 * change): kernel bridge names of a recreated network, Docker's embedded-DNS ports (random per sandbox start),
 * IPv6 link-local addresses (derived from random MACs).
 */

/** Bridge name → `{network NAME}`, for rule texts that name a network's bridge. */
export function bridgeAliases(s: Snapshot): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of s.docker?.networks ?? []) if (n.bridge) out.set(n.bridge, `{network ${n.name}}`);
  return out;
}

/** The chains where Docker writes a container's embedded-DNS NAT, whose ports are picked at random. */
const DNS_CHAINS = new Set(['DOCKER_OUTPUT', 'DOCKER_POSTROUTING']);
/** The options of those rules that carry the random port. */
const DNS_PORT_OPTIONS = new Set(['--to-destination', '--to-source', '--sport', '--dport']);

/**
 * A rule's identity for pairing across snapshots: its text with bridge names read as their networks and, in a
 * container's DNS chains, the embedded DNS server's port left out. Tokens are compared whole (nft quotes names).
 */
export function ruleIdentity(text: string, ns: Namespace, chain: string, bridges: Map<string, string>): string {
  const dns = ns.kind === 'container' && DNS_CHAINS.has(chain);
  const tokens = text.split(' ');
  return tokens
    .map((t, i) => {
      if (dns && i > 0 && DNS_PORT_OPTIONS.has(tokens[i - 1])) {
        if (/^\d+$/.test(t)) return '{dns port}';
        if (t.startsWith('127.0.0.11:')) return '127.0.0.11:{dns port}';
      }
      const bare = t.length > 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
      return bridges.get(bare) ?? t;
    })
    .join(' ');
}

/** Docker's embedded DNS server inside a container's namespace: it listens on a new random port every start. */
export const isVolatileListener = (ns: Namespace, l: Listener) => ns.kind === 'container' && l.address === '127.0.0.11';

/** IPv6 link-local (fe80::/10): a veth's comes from its random MAC. */
export const isLinkLocal = (address: string) => /^fe[89ab][0-9a-f]:/i.test(address);
