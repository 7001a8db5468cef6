import type { NftChain, NftTable } from '../snapshot/netfilter-schema';
import { hostAddress, isLoopback, splitEndpoint } from '../net/cidr';
import { addrtypePhrase, ctstatePhrase, ifacePhrase, type Namer, protoPortsText, specialAddress } from './describe-match';
import type { RuleRole } from './explain-types';
import { isIcmp, protocolName } from './match-vocabulary';
import { parseVmapElement, type NftParsed } from './nft-statements';

/**
 * Docker 29's nftables rules (`ip docker-bridges`, and `ip docker-dns` in a container's namespace), recognised by
 * chain, statement shape and Docker's own comments. Only rules whose every statement was read get here.
 */

/** The condition keys present are exactly these. */
function only(p: NftParsed, ...keys: string[]): boolean {
  return p.keys.size === keys.length && keys.every((k) => p.keys.has(k));
}

const verdict = (p: NftParsed, kind: string) => p.verdict?.kind === kind;
const established = (p: NftParsed) => !!p.ct && !p.ct.negated && ['ESTABLISHED,RELATED', 'RELATED,ESTABLISHED'].includes(p.ct.spec);

export interface DockerMatch {
  role: RuleRole;
  sentence: string;
}

/** The bridge a per-bridge chain is for: `filter-forward-in__bridge1` → bridge1. */
function chainBridge(chain: string): { kind: string; bridge: string } | null {
  const m = /^(filter-forward-in|filter-forward-out|nat-postrouting-in|nat-postrouting-out)__(.+)$/.exec(chain);
  return m ? { kind: m[1], bridge: m[2] } : null;
}

export function dockerBridgesRule(n: Namer, table: NftTable, chain: NftChain, p: NftParsed): DockerMatch | null {
  const c = p.comment;
  const perBridge = chainBridge(chain.name);

  if (p.vmap && p.keys.size === 0 && !p.verdict) {
    const map = table.sets.find((s) => s.name === p.vmap!.map);
    const bridges = (map?.elements ?? []).map((e) => parseVmapElement(e)?.key).filter((b): b is string => !!b);
    const named = bridges.map((b) => n.bridge(b));
    const list = named.length ? ` (${named.join(', ')})` : '';
    const into = p.vmap.key === 'oifname';
    const purpose: Record<string, string> = {
      'filter-forward-in-jumps': 'filter-forward-in chain, which decides what may go into it',
      'filter-forward-out-jumps': 'filter-forward-out chain, which decides what may leave it',
      'nat-postrouting-in-jumps': 'nat-postrouting-in chain, for source NAT of traffic going into it',
      'nat-postrouting-out-jumps': 'nat-postrouting-out chain, which masquerades traffic leaving it',
    };
    return {
      role: 'docker-bridge',
      sentence: `Traffic ${into ? 'going into' : 'coming from'} a Docker bridge${list} is sent to that bridge's ${purpose[p.vmap.map] ?? `chain listed in the map ${p.vmap.map}`}.`,
    };
  }

  switch (chain.name) {
    case 'nat-PREROUTING':
    case 'nat-OUTPUT': {
      const local = p.fib.length === 1 && p.fib[0].dir === 'dst' && p.fib[0].type === 'LOCAL' && !p.fib[0].negated;
      if (!local || !verdict(p, 'jump')) return null;
      const target = p.verdict!.arg;
      if (chain.name === 'nat-PREROUTING' && only(p, 'fibdst'))
        return {
          role: 'docker-nat-jump',
          sentence: `Incoming connections ${addrtypePhrase('LOCAL', 'dst', false)} go through ${target}, where published ports are redirected to containers.`,
        };
      if (chain.name === 'nat-OUTPUT' && only(p, '!daddr', 'fibdst') && isLoopback(p.daddr!.value))
        return {
          role: 'docker-nat-jump',
          sentence: `Connections this host opens that are ${addrtypePhrase('LOCAL', 'dst', false)}, not to ${n.address(p.daddr!.value)}, go through ${target}, so published ports also work from the host itself.`,
        };
      if (chain.name === 'nat-OUTPUT' && only(p, 'fibdst'))
        return {
          role: 'docker-nat-jump',
          sentence: `Connections this host opens that are ${addrtypePhrase('LOCAL', 'dst', false)}, loopback included, go through ${target}, so published ports also work from the host itself.`,
        };
      return null;
    }
    case 'nat-prerouting-and-output': {
      if (verdict(p, 'dnat') && p.dport && !p.dport.negated && p.proto && [...p.keys].every((k) => ['!iif', '!saddr', 'daddr', 'dport'].includes(k))) {
        if (p.saddr && !specialAddress(p.saddr.value)?.startsWith('link-local')) return null;
        if (p.daddr && !hostAddress(p.daddr.value)) return null;
        n.port(p.dport.spec, p.proto.value);
        const from = [p.saddr ? `from anywhere except ${specialAddress(p.saddr.value)}` : '', p.iif ? ifacePhrase(n, p.iif, 'in', true) : ''].filter(Boolean);
        const to = p.verdict!.arg!;
        const target = n.endpoint(to);
        n.networkOf(splitEndpoint(to).address);
        return {
          role: 'published-port-dnat',
          sentence: `Connections ${from.length ? `${from.join(', ')}${from.length > 1 ? ',' : ''} ` : ''}for ${protoPortsText(p.proto.value, p.dport.spec)} on ${p.daddr ? p.daddr.value : "one of this host's addresses"} are redirected to ${target}.`,
        };
      }
      if (verdict(p, 'return') && only(p, 'iif', 'daddr') && p.iif!.value === 'loopback0' && isLoopback(p.daddr!.value))
        return {
          role: 'docker-nat-return',
          sentence: `Connections to ${n.address(p.daddr!.value)} arriving on loopback0 (the loopback of WSL2's mirrored networking) are not redirected.`,
        };
      return null;
    }
    case 'raw-PREROUTING': {
      if (c === 'DROP DIRECT ACCESS' && verdict(p, 'drop') && only(p, 'daddr', '!iif') && hostAddress(p.daddr!.value)) {
        const ip = hostAddress(p.daddr!.value)!;
        const who = n.address(ip);
        n.networkOf(ip);
        return {
          role: 'direct-access-drop',
          sentence: `Packets addressed straight to ${who}, ${ifacePhrase(n, p.iif!, 'in', true)}, are dropped: from outside, the container can only be reached through its published ports.`,
        };
      }
      if (c === 'DROP REMOTE LOOPBACK' && verdict(p, 'drop') && only(p, '!iif', 'daddr', 'dport') && isLoopback(p.daddr!.value)) {
        n.port(p.dport!.spec, p.proto!.value);
        return {
          role: 'remote-loopback-drop',
          sentence: `Packets for ${p.daddr!.value} ${protoPortsText(p.proto!.value, p.dport!.spec)} that arrive on any interface except ${n.iface(p.iif!.value)} are dropped: a port published on ${p.daddr!.value} must not be reachable from other machines.`,
        };
      }
      if (c === 'ACCEPT WSL2 LOOPBACK' && verdict(p, 'accept') && only(p, 'iif', 'daddr', 'dport'))
        return {
          role: 'docker-other',
          sentence: `Packets for ${p.daddr!.value} ${protoPortsText(p.proto!.value, p.dport!.spec)} arriving on ${p.iif!.value} (the loopback of WSL2's mirrored networking) are accepted, so the port published there also works from Windows.`,
        };
      return null;
    }
  }

  if (!perBridge) return null;
  const bridge = n.bridge(perBridge.bridge);
  switch (perBridge.kind) {
    case 'filter-forward-in':
      if (only(p, 'ct') && established(p) && verdict(p, 'accept'))
        return { role: 'docker-ct', sentence: `Packets going into ${bridge} ${ctstatePhrase(p.ct!.spec, false)} are accepted, so replies reach its containers.` };
      if (c === 'ICC' && only(p, 'iif') && p.iif!.value === perBridge.bridge && (verdict(p, 'accept') || verdict(p, 'drop')))
        return verdict(p, 'accept')
          ? { role: 'icc-accept', sentence: `Traffic between containers on ${bridge} is accepted: inter-container communication is enabled.` }
          : { role: 'icc-drop', sentence: `Traffic between containers on ${bridge} is dropped: inter-container communication is disabled on this network.` };
      // On an internal network the rule before has dropped everything from outside, so what is left is ICC.
      if (c === 'ICC' && only(p) && (verdict(p, 'accept') || verdict(p, 'drop')))
        return verdict(p, 'accept')
          ? { role: 'icc-accept', sentence: `Other traffic into ${bridge}, which can only come from its own containers, is accepted: inter-container communication is enabled.` }
          : { role: 'icc-drop', sentence: `Other traffic into ${bridge}, which can only come from its own containers, is dropped: inter-container communication is disabled on this network.` };
      if (c === null && only(p, 'daddr', 'dport') && verdict(p, 'accept') && hostAddress(p.daddr!.value) && p.proto) {
        const ip = hostAddress(p.daddr!.value)!;
        const hostPorts = n.publishedAs(ip, p.dport!.spec, p.proto.value);
        for (const hp of hostPorts) n.port(hp, p.proto.value);
        const as = hostPorts.length ? ` as host port${hostPorts.length > 1 ? 's' : ''} ${hostPorts.join(', ')}` : '';
        return {
          role: 'published-port-accept',
          sentence: `Connections from outside ${bridge} to ${protoPortsText(p.proto.value, p.dport!.spec)} of ${n.address(ip)} are accepted, because that port is published${as}.`,
        };
      }
      if (c === 'UNPUBLISHED PORT DROP' && only(p) && verdict(p, 'drop'))
        return {
          role: 'unpublished-port-drop',
          sentence: `Any other traffic from outside ${bridge} into it is dropped: from outside, only its containers' published ports can be reached.`,
        };
      if (c === 'UNPROTECTED' && only(p) && verdict(p, 'accept'))
        return {
          role: 'unprotected-accept',
          sentence: `All traffic from outside ${bridge} into it is accepted, published port or not (gateway mode nat-unprotected).`,
        };
      if (c === 'ICMP' && only(p, 'proto') && verdict(p, 'accept') && isIcmp(p.proto!.value))
        return {
          role: 'routed-accept',
          sentence: `${protocolName(p.proto!.value)} packets into ${bridge} are accepted from anywhere, so its containers answer ping and path-MTU messages (gateway mode routed).`,
        };
      if (c === 'INTERNAL NETWORK INGRESS' && only(p, '!iif') && p.iif!.value === perBridge.bridge && verdict(p, 'drop'))
        return {
          role: 'internal-network',
          sentence: `Traffic going into ${bridge} from any other interface is dropped: it is an internal network, unreachable from outside.`,
        };
      return null;
    case 'filter-forward-out':
      if (only(p, 'ct') && established(p) && verdict(p, 'accept'))
        return {
          role: 'conntrack-established',
          sentence: `Packets from ${bridge} ${ctstatePhrase(p.ct!.spec, false)} are accepted.`,
        };
      if (c === 'OUTGOING' && only(p) && verdict(p, 'accept'))
        return { role: 'outgoing-accept', sentence: `Traffic from containers on ${bridge} to anywhere else is accepted.` };
      if (c === 'INTERNAL NETWORK EGRESS' && only(p, '!oif') && p.oif!.value === perBridge.bridge && verdict(p, 'drop'))
        return {
          role: 'internal-network',
          sentence: `Traffic from ${bridge} to any other interface is dropped: it is an internal network, with no way out.`,
        };
      return null;
    case 'nat-postrouting-out':
      if ((c === 'MASQUERADE' || c === 'SNAT') && only(p, '!oif', 'saddr') && p.oif!.value === perBridge.bridge && (verdict(p, 'masquerade') || verdict(p, 'snat')))
        return {
          role: 'masquerade',
          sentence: `Traffic from ${n.address(p.saddr!.value)} ${ifacePhrase(n, p.oif!, 'out', true)} gets ${verdict(p, 'masquerade') ? "this host's address as its source (masquerade)" : `${p.verdict!.arg} as its source (SNAT)`}, so replies find their way back.`,
        };
      return null;
    case 'nat-postrouting-in': {
      if (c === 'MASQ TO OWN PORT' && only(p, 'saddr', 'daddr', 'dport') && verdict(p, 'masquerade') && p.saddr!.value === p.daddr!.value) {
        const ip = p.saddr!.value;
        n.networkOf(ip);
        return {
          role: 'hairpin-masquerade',
          sentence: `Connections from ${n.address(ip)} to itself on ${protoPortsText(p.proto!.value, p.dport!.spec)}, which happen when a container reaches its own published port through the host, are masqueraded, so the replies also pass back through the host's NAT (hairpin NAT).`,
        };
      }
      const fromHost = p.fib.length === 1 && p.fib[0].dir === 'src' && p.fib[0].type === 'LOCAL' && !p.fib[0].negated;
      if ((c === 'MASQUERADE FROM HOST' || c === 'SNAT FROM HOST') && fromHost && only(p, 'fibsrc') && (verdict(p, 'masquerade') || verdict(p, 'snat')))
        return {
          role: 'masquerade',
          sentence: `Traffic this host sends from one of its own addresses into ${bridge} (such as a connection to a port published on 127.0.0.1, redirected to a container) gets ${verdict(p, 'masquerade') ? `${bridge}'s own address as its source (masquerade)` : `${p.verdict!.arg} as its source (SNAT)`}, so the container can reply.`,
        };
      return null;
    }
    default:
      return null;
  }
}

/** Docker's embedded DNS in a container's namespace, with the nftables backend (`table ip docker-dns`). */
export function dockerDnsRule(chain: NftChain, p: NftParsed): DockerMatch | null {
  if (chain.name === 'dns-dnat' && only(p, 'daddr', 'dport') && verdict(p, 'dnat') && p.proto)
    return {
      role: 'embedded-dns',
      sentence: `DNS queries over ${protocolName(p.proto.value)} to ${p.daddr!.value} port ${p.dport!.spec} are redirected to Docker's embedded DNS server, which listens on ${p.verdict!.arg}.`,
    };
  if (chain.name === 'dns-snat' && only(p, 'saddr', 'sport') && verdict(p, 'snat') && p.proto) {
    const port = (p.verdict!.arg ?? '').replace(/^:/, '');
    return {
      role: 'embedded-dns',
      sentence: `Replies of Docker's embedded DNS server (${protocolName(p.proto.value)} from ${p.saddr!.value} port ${p.sport!.spec}) get source port ${port}, so they look like they come from ${p.saddr!.value}:${port}.`,
    };
  }
  return null;
}
