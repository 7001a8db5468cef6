import type { IptRule, NegatableValue } from '../snapshot/netfilter-schema';
import { hostAddress, isLoopback, splitEndpoint } from '../net/cidr';
import {
  addressPhrase,
  addrtypePhrase,
  ctstatePhrase,
  genericSentence,
  ifacePhrase,
  Namer,
  protocolName,
  protoPortsText,
  specialAddress,
  type Family,
} from './describe-match';
import type { ExplainContext, RuleExplanation, RuleOrigin, RuleRole } from './explain-types';
import { isBuiltinChain } from './iptables-modules';
import { isIcmp } from './match-vocabulary';

/**
 * Explanations of iptables rules. Docker's rules are recognised by their exact shape (chain, which built-in
 * matches are present and negated, which modules and options, which target) plus value checks, so a rule that
 * merely looks similar (an extra match, a comment, a wildcard interface) is not claimed for Docker. Then come
 * kube-proxy's and other firewall managers' rules (by chain, target or comment), then everything else as the
 * user's, worded by the generic describer.
 */

interface DockerMatch {
  role: RuleRole;
  sentence: string;
}

/**
 * The rule's structure without its values: `!i p PROTO(dport) jump:DNAT(to-destination)`. The port module
 * named like the protocol (`-p tcp -m tcp`) is written PROTO so one shape covers tcp, udp and sctp.
 */
export function ruleShape(r: IptRule): string {
  const parts: string[] = [];
  const b = (v: NegatableValue | null, k: string) => v && parts.push(`${v.negated ? '!' : ''}${k}`);
  b(r.source, 's');
  b(r.destination, 'd');
  b(r.inInterface, 'i');
  b(r.outInterface, 'o');
  b(r.protocol, 'p');
  if (r.fragment) parts.push(r.fragment.negated ? '!f' : 'f');
  const proto = r.protocol && !r.protocol.negated ? r.protocol.value.toLowerCase() : null;
  for (const m of r.matches) {
    const name = m.module === proto ? 'PROTO' : m.module;
    parts.push(`${name}(${m.options.map((o) => `${o.negated ? '!' : ''}${o.name}`).join(',')})`);
  }
  parts.push(r.target ? `${r.target.goto ? 'goto' : 'jump'}:${r.target.name}(${r.target.options.map((o) => o.name).join(',')})` : 'count');
  return parts.join(' ');
}

const PORT_PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);
const ISOLATION_1 = 'DOCKER-ISOLATION-STAGE-1';
const ISOLATION_2 = 'DOCKER-ISOLATION-STAGE-2';

/** Accessors for the values of a rule whose shape is already checked. */
class R {
  constructor(readonly r: IptRule) {}
  get s() { return this.r.source!.value; }
  get d() { return this.r.destination!.value; }
  get i() { return this.r.inInterface!.value; }
  get o() { return this.r.outInterface!.value; }
  get p() { return this.r.protocol!.value.toLowerCase(); }
  /** First argument of a module's (or the target's, module '') option. */
  opt(module: string, name: string): string {
    const holder = module === '' ? this.r.target : this.r.matches.find((m) => m.module === module);
    return holder?.options.find((o) => o.name === name)?.args.join(' ') ?? '';
  }
  /** The port spec of the protocol match, as iptables writes it (`80`, `8000:8010`). */
  port(name: 'dport' | 'sport'): string { return this.opt(this.p, name); }
  get target() { return this.r.target?.name ?? ''; }
  /** Interfaces Docker writes are plain names, never `+` wildcards. */
  plain(...names: string[]) { return names.every((x) => x !== '' && !x.endsWith('+')); }
  portProto() { return PORT_PROTOCOLS.has(this.p); }
  host(v: string) { return hostAddress(v); }
  loopback(v: string) { return isLoopback(v); }
  ctstate() { return this.opt('conntrack', 'ctstate').toUpperCase(); }
  established() { return ['RELATED,ESTABLISHED', 'ESTABLISHED,RELATED'].includes(this.ctstate()); }
  addrtype(dir: 'src-type' | 'dst-type') {
    const m = this.r.matches.find((x) => x.module === 'addrtype');
    return m?.options.length === 1 && m.options[0].name === dir && !m.options[0].negated && m.options[0].args.join() === 'LOCAL';
  }
}

/** Swarm's load-balancer and ingress sandboxes, and containers (their sandboxes), hold Docker rules of their own. */
function inDockerSandbox(ctx: ExplainContext): boolean {
  const ns = ctx.namespace;
  return !!ns && (ns.kind === 'container' || ns.name === 'ingress_sbox' || /^lb_/.test(ns.name ?? ''));
}

function dockerNat(n: Namer, chain: string, x: R, shape: string): DockerMatch | null {
  switch (chain) {
    case 'PREROUTING':
    case 'OUTPUT': {
      const fromHost = chain === 'OUTPUT';
      const who = fromHost ? 'Connections this host opens that are' : 'Incoming connections';
      if (shape === 'addrtype(dst-type) jump:DOCKER()' && x.addrtype('dst-type'))
        return {
          role: 'docker-nat-jump',
          sentence: fromHost
            ? `${who} ${addrtypePhrase('LOCAL', 'dst', false)}, loopback included, go through Docker's DOCKER chain, so published ports also work from the host itself, even on 127.0.0.1.`
            : `${who} ${addrtypePhrase('LOCAL', 'dst', false)} go through Docker's DOCKER chain, where published ports are redirected to containers.`,
        };
      if (fromHost && shape === '!d addrtype(dst-type) jump:DOCKER()' && x.addrtype('dst-type') && x.loopback(x.d))
        return {
          role: 'docker-nat-jump',
          sentence: `${who} ${addrtypePhrase('LOCAL', 'dst', false)}, ${addressPhrase(n, x.r.destination!, 'to')}, go through Docker's DOCKER chain, so published ports also work from the host itself.`,
        };
      if (shape === 'addrtype(dst-type) jump:DOCKER-INGRESS()' && x.addrtype('dst-type'))
        return {
          role: 'swarm',
          sentence: `${who} ${addrtypePhrase('LOCAL', 'dst', false)} go through swarm's DOCKER-INGRESS chain, where ports published by swarm services are handed to the routing mesh.`,
        };
      // Embedded DNS, inside a container's namespace: queries to 127.0.0.11 go to Docker's chains.
      if (fromHost && shape === 'd jump:DOCKER_OUTPUT()')
        return { role: 'embedded-dns', sentence: `Traffic to ${x.d.split('/')[0]}, Docker's embedded DNS address, goes through the DOCKER_OUTPUT chain, which passes DNS queries to the DNS server Docker runs for this container.` };
      if (chain === 'PREROUTING' && shape === 'd p PROTO(dport) jump:REDIRECT(to-ports)' && x.portProto() && x.host(x.d) && inDockerSandbox(n.ctx))
        return {
          role: 'swarm',
          sentence: `Connections to this container's ingress address ${x.host(x.d)} for ${protoPortsText(x.p, x.port('dport'))} (published by a swarm service) are redirected to its port ${x.opt('', 'to-ports')}.`,
        };
      return null;
    }
    case 'POSTROUTING': {
      if (shape === 'd jump:DOCKER_POSTROUTING()')
        return { role: 'embedded-dns', sentence: `Traffic to ${x.d.split('/')[0]}, Docker's embedded DNS address, goes through the DOCKER_POSTROUTING chain, which gives the DNS server's replies their usual source port 53.` };
      const snatTo = x.opt('', 'to-source');
      const newSource = (of: string) =>
        x.target === 'MASQUERADE' ? `gets ${of} as its source (masquerade)` : `gets ${snatTo} as its source (SNAT)`;
      if ((shape === 's !o jump:MASQUERADE()' || shape === 's !o jump:SNAT(to-source)') && x.plain(x.o) && !x.host(x.s))
        return {
          role: 'masquerade',
          sentence: `Traffic from ${n.address(x.s)} ${ifacePhrase(n, x.r.outInterface!, 'out', true)} ${newSource("this host's address")}, so replies find their way back.`,
        };
      if ((shape === 'o addrtype(src-type) jump:MASQUERADE()' || shape === 'o addrtype(src-type) jump:SNAT(to-source)') && x.plain(x.o) && x.addrtype('src-type')) {
        const bridge = n.bridge(x.o);
        return {
          role: 'masquerade',
          sentence: `Traffic this host sends from one of its own addresses into ${bridge} (such as a connection to a port published on 127.0.0.1, redirected to a container) ${newSource(`${bridge}'s own address`)}, so the container can reply.`,
        };
      }
      if (shape === 's d p PROTO(dport) jump:MASQUERADE()' && x.portProto() && x.host(x.s) && x.host(x.s) === x.host(x.d)) {
        const ip = x.host(x.s)!;
        const who = n.address(ip);
        n.networkOf(ip);
        const stale = n.ctx.containersByIp.size > 0 && !n.containerAt(ip) ? ` No current container has the address ${ip}, so this rule may be a leftover.` : '';
        return {
          role: 'hairpin-masquerade',
          sentence: `Connections from ${who} to itself on ${protoPortsText(x.p, x.port('dport'))}, which happen when a container reaches its own published port through the host, are masqueraded, so the replies also pass back through the host's NAT (hairpin NAT).${stale}`,
        };
      }
      if (shape === 'd ipvs(ipvs) jump:SNAT(to-source)')
        return {
          role: 'swarm',
          sentence: `Connections the swarm load balancer (IPVS) sends into ${n.address(x.d)} get ${snatTo} as their source, so the service's tasks send their replies back through the load balancer.`,
        };
      return null;
    }
    case 'DOCKER': {
      if (shape === 'i jump:RETURN()' && x.plain(x.i))
        return {
          role: 'docker-nat-return',
          sentence: `Connections coming from ${n.bridge(x.i)} leave the DOCKER chain here unchanged: Docker's port redirections are for traffic from outside the bridge.`,
        };
      if (shape === 'd i jump:RETURN()' && x.i === 'loopback0' && x.loopback(x.d))
        return {
          role: 'docker-nat-return',
          sentence: `Connections to ${n.address(x.d)} arriving on loopback0 (the loopback of WSL2's mirrored networking) leave the DOCKER chain unchanged.`,
        };
      const dnat = /^(!s )?(d )?(!i )?p PROTO\(dport\) jump:DNAT\(to-destination\)$/.exec(shape);
      if (dnat && x.portProto() && (!dnat[1] || specialAddress(x.s)?.startsWith('link-local')) && (!dnat[2] || x.host(x.d)) && (!dnat[3] || x.plain(x.i))) {
        const hostPort = x.port('dport');
        n.port(hostPort, x.p);
        const from = [
          dnat[1] ? `from anywhere except ${specialAddress(x.s)}` : '',
          dnat[3] ? ifacePhrase(n, x.r.inInterface!, 'in', true) : '',
        ].filter(Boolean);
        const to = x.opt('', 'to-destination');
        const where = dnat[2] ? x.host(x.d)! : "one of this host's addresses";
        const target = n.endpoint(to);
        n.networkOf(splitEndpoint(to).address);
        return {
          role: 'published-port-dnat',
          sentence: `Connections ${from.length ? `${from.join(', ')}${from.length > 1 ? ',' : ''} ` : ''}for ${protoPortsText(x.p, hostPort)} on ${where} are redirected to ${target}.`,
        };
      }
      return null;
    }
    case 'DOCKER-INGRESS':
      if (shape === 'p PROTO(dport) jump:DNAT(to-destination)' && x.portProto()) {
        n.port(x.port('dport'), x.p);
        return {
          role: 'swarm',
          sentence: `Connections for ${protoPortsText(x.p, x.port('dport'))} on one of this host's addresses, published by a swarm service, are handed to the swarm routing mesh at ${n.endpoint(x.opt('', 'to-destination'))}.`,
        };
      }
      if (shape === 'jump:RETURN()')
        return { role: 'swarm', sentence: "Other connections leave swarm's DOCKER-INGRESS chain unchanged." };
      return null;
    case 'DOCKER_OUTPUT':
      if (shape === 'd p PROTO(dport) jump:DNAT(to-destination)' && x.portProto())
        return {
          role: 'embedded-dns',
          sentence: `DNS queries over ${protocolName(x.p)} to ${x.host(x.d) ?? x.d} port ${x.port('dport')} are redirected to Docker's embedded DNS server, which listens on ${x.opt('', 'to-destination')}.`,
        };
      return null;
    case 'DOCKER_POSTROUTING':
      if (shape === 's p PROTO(sport) jump:SNAT(to-source)' && x.portProto()) {
        const ip = x.host(x.s) ?? x.s;
        const port = x.opt('', 'to-source').replace(/^:/, '');
        return {
          role: 'embedded-dns',
          sentence: `Replies of Docker's embedded DNS server (${protocolName(x.p)} from ${ip} port ${x.port('sport')}) get source port ${port}, so they look like they come from ${ip}:${port}.`,
        };
      }
      return null;
    default:
      return null;
  }
}

/** Why forwarded traffic passes through each of Docker's chains. */
const CHAIN_PURPOSE: Record<string, { role: RuleRole; purpose: string }> = {
  'DOCKER-USER': { role: 'docker-user', purpose: "the chain where you can put your own rules ahead of Docker's" },
  'DOCKER-FORWARD': { role: 'docker-forward', purpose: "where Docker's own forwarding rules start" },
  'DOCKER-CT': { role: 'docker-forward', purpose: 'which accepts packets of established connections into Docker bridges' },
  'DOCKER-INTERNAL': { role: 'docker-forward', purpose: 'which keeps internal networks cut off from the outside' },
  'DOCKER-BRIDGE': { role: 'docker-forward', purpose: 'which passes traffic into each Docker bridge to the DOCKER chain' },
  [ISOLATION_1]: { role: 'docker-jump', purpose: 'which keeps Docker networks apart from one another' },
  'DOCKER-ISOLATION': { role: 'docker-jump', purpose: 'which keeps Docker networks apart from one another' },
  'DOCKER-INGRESS': { role: 'swarm', purpose: 'which accepts traffic for ports published by swarm services' },
};

function internalSentence(n: Namer, x: R, shape: string): DockerMatch | null {
  // Internal networks: nothing may enter from outside the subnet, nothing may leave for outside it.
  const inbound = /^!s (!i )?o jump:DROP\(\)$/.exec(shape);
  if (inbound && x.plain(x.o) && (!inbound[1] || x.i === x.o))
    return {
      role: 'internal-network',
      sentence: `Traffic going into ${n.bridge(x.o)} that does not come from ${n.address(x.s)} is dropped: it is an internal network, unreachable from outside.`,
    };
  const outbound = /^!d i (!o )?jump:DROP\(\)$/.exec(shape);
  if (outbound && x.plain(x.i) && (!outbound[1] || x.i === x.o))
    return {
      role: 'internal-network',
      sentence: `Traffic from ${n.bridge(x.i)} to anywhere outside ${n.address(x.d)} is dropped: it is an internal network, with no way out.`,
    };
  return null;
}

/** The per-bridge FORWARD rules, in FORWARD (up to 28.0.0) or DOCKER-FORWARD (28.0.1+). */
function bridgeForward(n: Namer, x: R, shape: string): DockerMatch | null {
  if (shape === 'i !o jump:ACCEPT()' && x.plain(x.i) && x.i === x.o)
    return { role: 'outgoing-accept', sentence: `Traffic from containers on ${n.bridge(x.i)} to anywhere outside that bridge is accepted.` };
  if (shape === 'i jump:ACCEPT()' && x.plain(x.i))
    return {
      role: 'outgoing-accept',
      sentence: `Traffic from containers on ${n.bridge(x.i)} is accepted, whether it goes to other containers on the same bridge or anywhere else.`,
    };
  if (shape === 'i o jump:ACCEPT()' && x.plain(x.i) && x.i === x.o)
    return { role: 'icc-accept', sentence: `Traffic between containers on ${n.bridge(x.i)} is accepted: inter-container communication is enabled.` };
  if (shape === 'i o jump:DROP()' && x.plain(x.i) && x.i === x.o)
    return {
      role: 'icc-drop',
      sentence: `Traffic between containers on ${n.bridge(x.i)} is dropped: inter-container communication is disabled on this network.`,
    };
  if (shape === 'o conntrack(ctstate) jump:ACCEPT()' && x.plain(x.o) && x.established())
    return {
      role: 'docker-ct',
      sentence: `Packets going into ${n.bridge(x.o)} ${ctstatePhrase(x.ctstate(), false)} are accepted, so replies reach its containers.`,
    };
  if (shape === 'o jump:DOCKER()' && x.plain(x.o))
    return {
      role: 'docker-bridge',
      sentence: `Traffic going into ${n.bridge(x.o)} goes through the DOCKER chain, which decides what may reach its containers from outside.`,
    };
  return null;
}

/** 28.0.0 matched "to any Docker bridge" with an ipset of the bridges' subnets. */
function extBridgeSet(x: R): string | null {
  const m = x.r.matches.find((k) => k.module === 'set');
  const o = m?.options[0];
  return o && !o.negated && /^docker-ext-bridges-v[46]$/.test(o.args[0]) && o.args[1] === 'dst' ? o.args[0] : null;
}

function dockerFilter(n: Namer, chain: string, x: R, shape: string): DockerMatch | null {
  // Jumps into Docker's chains, from FORWARD or from DOCKER-FORWARD.
  const jump = /^jump:([A-Z0-9_-]+)\(\)$/.exec(shape);
  if (jump && (chain === 'FORWARD' || chain === 'DOCKER-FORWARD') && CHAIN_PURPOSE[jump[1]] && jump[1] !== chain) {
    const { role, purpose } = CHAIN_PURPOSE[jump[1]];
    const fromDockerForward = chain === 'DOCKER-FORWARD' && role === 'docker-jump';
    return {
      role: fromDockerForward ? 'docker-forward' : role,
      sentence: `${jump[1] === 'DOCKER-USER' ? 'All forwarded traffic first' : 'Forwarded traffic'} goes through ${jump[1]}, ${purpose}.`,
    };
  }
  switch (chain) {
    case 'FORWARD':
    case 'DOCKER-FORWARD':
    case 'DOCKER-CT':
    case 'DOCKER-BRIDGE': {
      const allowed: Record<string, string[]> = {
        FORWARD: ['outgoing-accept', 'icc-accept', 'icc-drop', 'docker-ct', 'docker-bridge'],
        'DOCKER-FORWARD': ['outgoing-accept', 'icc-accept', 'icc-drop'],
        'DOCKER-CT': ['docker-ct'],
        'DOCKER-BRIDGE': ['docker-bridge'],
      };
      const m = bridgeForward(n, x, shape);
      if (m && allowed[chain].includes(m.role)) return m;
      const set = chain === 'FORWARD' ? extBridgeSet(x) : null;
      if (set && shape === 'set(match-set) conntrack(ctstate) jump:ACCEPT()' && x.established())
        return {
          role: 'docker-ct',
          sentence: `Packets going to a Docker bridge network (the ip set ${set} lists their subnets) ${ctstatePhrase(x.ctstate(), false)} are accepted, so replies reach the containers.`,
        };
      if (set && shape === 'set(match-set) jump:DOCKER()')
        return {
          role: 'docker-bridge',
          sentence: `Traffic going to a Docker bridge network (the ip set ${set} lists their subnets) goes through the DOCKER chain, which decides what may reach containers from outside.`,
        };
      return null;
    }
    case 'DOCKER-USER':
      return shape === 'jump:RETURN()'
        ? { role: 'docker-user', sentence: "End of DOCKER-USER: forwarded traffic that your rules above did not stop goes on to Docker's rules." }
        : null;
    case 'DOCKER': {
      const published = /^d !i o p PROTO\(dport\) jump:ACCEPT\(\)$/.test(shape);
      if (published && x.plain(x.i) && x.i === x.o && x.portProto() && x.host(x.d)) {
        const ip = x.host(x.d)!;
        const port = x.port('dport');
        const hostPorts = n.publishedAs(ip, port, x.p);
        for (const hp of hostPorts) n.port(hp, x.p);
        const as = hostPorts.length ? ` as host port${hostPorts.length > 1 ? 's' : ''} ${hostPorts.join(', ')}` : '';
        return {
          role: 'published-port-accept',
          sentence: `Connections from outside ${n.bridge(x.o)} to ${protoPortsText(x.p, port)} of ${n.address(ip)} are accepted, because that port is published${as}.`,
        };
      }
      if (shape === '!i o jump:DROP()' && x.plain(x.i) && x.i === x.o)
        return {
          role: 'unpublished-port-drop',
          sentence: `Any other traffic from outside ${n.bridge(x.o)} into it is dropped: from outside, only its containers' published ports can be reached.`,
        };
      if (shape === '!i o jump:ACCEPT()' && x.plain(x.i) && x.i === x.o)
        return {
          role: 'unprotected-accept',
          sentence: `All traffic from outside ${n.bridge(x.o)} into it is accepted, published port or not (gateway mode nat-unprotected).`,
        };
      if (shape === 'o p jump:ACCEPT()' && x.plain(x.o) && isIcmp(x.p))
        return {
          role: 'routed-accept',
          sentence: `${protocolName(x.p)} packets into ${n.bridge(x.o)} are accepted from anywhere, so its containers answer ping and path-MTU messages (gateway mode routed).`,
        };
      const link = /^s d i o p PROTO\((dport|sport)\) jump:ACCEPT\(\)$/.exec(shape);
      if (link && x.plain(x.i) && x.i === x.o && x.portProto() && x.host(x.s) && x.host(x.d)) {
        const bridge = n.bridge(x.i);
        const src = n.address(x.host(x.s)!);
        const dst = n.address(x.host(x.d)!);
        return {
          role: 'legacy-link',
          sentence:
            link[1] === 'dport'
              ? `Connections on ${bridge} from ${src} to ${dst} for ${protoPortsText(x.p, x.port('dport'))} are accepted: a legacy --link between the two containers.`
              : `Replies on ${bridge} from ${src}'s ${protoPortsText(x.p, x.port('sport'))} to ${dst} are accepted: a legacy --link between the two containers.`,
        };
      }
      return null;
    }
    case ISOLATION_1: {
      if (shape === `i !o jump:${ISOLATION_2}()` && x.plain(x.i) && x.i === x.o)
        return {
          role: 'isolation-stage-1',
          sentence: `Traffic from ${n.bridge(x.i)} to any other interface goes on to ${ISOLATION_2}, which drops it if that interface is another Docker network's bridge.`,
        };
      if (shape === 'jump:RETURN()')
        return { role: 'isolation-stage-1', sentence: `End of ${ISOLATION_1}: traffic that passed the isolation checks goes back to the forwarding rules.` };
      if (shape === 'i conntrack(ctstate) jump:ACCEPT()' && x.plain(x.i) && x.established())
        return {
          role: 'routed-accept',
          sentence: `Packets from ${n.bridge(x.i)} ${ctstatePhrase(x.ctstate(), false)} are accepted before the isolation checks, so its containers can answer connections from other networks (gateway mode routed).`,
        };
      if (shape === 'o jump:RETURN()' && x.plain(x.o))
        return {
          role: 'routed-accept',
          sentence: `Traffic into ${n.bridge(x.o)} skips the isolation checks, so other networks can reach it (gateway mode routed).`,
        };
      return internalSentence(n, x, shape);
    }
    case ISOLATION_2:
      if (shape === 'o jump:DROP()' && x.plain(x.o))
        return {
          role: 'isolation-stage-2',
          sentence: `Traffic that comes from another Docker bridge and would go into ${n.bridge(x.o)} is dropped: Docker networks are isolated from one another.`,
        };
      if (shape === 'jump:RETURN()')
        return { role: 'isolation-stage-2', sentence: `End of ${ISOLATION_2}: traffic not going into another Docker bridge goes on.` };
      return null;
    case 'DOCKER-ISOLATION': // Docker before 17.06: one stage, one rule per pair of bridges.
      if (shape === 'i o jump:DROP()' && x.plain(x.i, x.o) && x.i !== x.o)
        return {
          role: 'isolation-stage-2',
          sentence: `Traffic from ${n.bridge(x.i)} to ${n.bridge(x.o)} is dropped: Docker networks are isolated from one another.`,
        };
      if (shape === 'jump:RETURN()')
        return { role: 'isolation-stage-2', sentence: 'End of DOCKER-ISOLATION: traffic between a bridge and anything else goes on.' };
      return null;
    case 'DOCKER-INTERNAL':
      return internalSentence(n, x, shape);
    case 'DOCKER-INGRESS': {
      if (shape === 'p PROTO(dport) jump:ACCEPT()' && x.portProto())
        return {
          role: 'swarm',
          sentence: `Forwarded connections for ${protoPortsText(x.p, x.port('dport'))}, published by a swarm service, are accepted.`,
        };
      if (shape === 'p PROTO(sport) conntrack(ctstate) jump:ACCEPT()' && x.portProto() && x.established())
        return {
          role: 'swarm',
          sentence: `Replies from ${protoPortsText(x.p, x.port('sport'))} of a swarm service ${ctstatePhrase(x.ctstate(), false)} are accepted.`,
        };
      if (shape === 'jump:RETURN()')
        return { role: 'swarm', sentence: "Other traffic leaves swarm's DOCKER-INGRESS chain and goes on to Docker's other rules." };
      return null;
    }
    case 'INPUT':
    case 'OUTPUT': {
      // A swarm service container on the ingress network lets in only its published ports.
      if (!inDockerSandbox(n.ctx)) return null;
      const input = chain === 'INPUT';
      if (input && shape === 'd p PROTO(dport) conntrack(ctstate) jump:ACCEPT()' && x.portProto() && x.ctstate() === 'NEW,ESTABLISHED')
        return { role: 'swarm', sentence: `Connections to ${n.address(x.d)} for ${protoPortsText(x.p, x.port('dport'))}, a port published by a swarm service, are let in.` };
      if (!input && shape === 's p PROTO(sport) conntrack(ctstate) jump:ACCEPT()' && x.portProto() && x.ctstate() === 'ESTABLISHED')
        return { role: 'swarm', sentence: `Replies from ${n.address(x.s)}'s ${protoPortsText(x.p, x.port('sport'))}, a port published by a swarm service, are let out.` };
      if (shape === (input ? 'd p jump:DROP()' : 's p jump:DROP()'))
        return {
          role: 'swarm',
          sentence: `Any other ${protocolName(x.p)} traffic ${input ? `to ${n.address(x.d)}` : `from ${n.address(x.s)}`} (this container's address on the swarm ingress network) is dropped.`,
        };
      return null;
    }
    default:
      return null;
  }
}

function dockerRaw(n: Namer, chain: string, x: R, shape: string): DockerMatch | null {
  if (chain !== 'PREROUTING') return null;
  const drop = /^d !i (p PROTO\(dport\) )?jump:DROP\(\)$/.exec(shape);
  if (drop && x.host(x.d) && x.plain(x.i) && (!drop[1] || x.portProto())) {
    const ip = x.host(x.d)!;
    const port = drop[1] ? x.port('dport') : null;
    if (x.loopback(ip)) {
      if (!port) return null;
      n.port(port, x.p);
      return {
        role: 'remote-loopback-drop',
        sentence: `Packets for ${ip} ${protoPortsText(x.p, port)} that arrive on any interface except ${n.iface(x.i)} are dropped: a port published on ${ip} must not be reachable from other machines.`,
      };
    }
    const who = n.address(ip);
    n.networkOf(ip);
    const iface = ifacePhrase(n, x.r.inInterface!, 'in', true);
    if (!port)
      return {
        role: 'direct-access-drop',
        sentence: `Packets addressed straight to ${who}, ${iface}, are dropped: from outside, the container can only be reached through its published ports.`,
      };
    const hostPorts = n.publishedAs(ip, port, x.p);
    return {
      role: 'direct-access-drop',
      sentence: `Packets addressed straight to ${who} ${protoPortsText(x.p, port)}, ${iface}, are dropped: from outside, that port can only be reached through the host port it is published as${hostPorts.length ? ` (${hostPorts.join(', ')})` : ''}.`,
    };
  }
  if (shape === 'd i p PROTO(dport) jump:ACCEPT()' && x.i === 'loopback0' && x.host(x.d) && x.loopback(x.d) && x.portProto())
    return {
      role: 'docker-other',
      sentence: `Packets for ${x.host(x.d)} ${protoPortsText(x.p, x.port('dport'))} arriving on loopback0 (the loopback of WSL2's mirrored networking) are accepted, so the port published there also works from Windows.`,
    };
  return null;
}

function dockerMangle(n: Namer, chain: string, x: R, shape: string): DockerMatch | null {
  if (chain === 'POSTROUTING' && shape === 'p PROTO(sport) jump:CHECKSUM(checksum-fill)' && x.p === 'sctp')
    return {
      role: 'docker-other',
      sentence: `SCTP packets from port ${x.port('sport')} get their checksum filled in: Docker's workaround for veth devices that leave SCTP checksums to hardware.`,
    };
  if (!inDockerSandbox(n.ctx)) return null;
  // Swarm: IPVS picks the service by firewall mark, set on published ports (ingress) and on virtual IPs.
  const mark = x.opt('', 'set-xmark') || x.opt('', 'set-mark');
  const value = mark.replace(/\/0xffffffff$/i, '');
  if (chain === 'PREROUTING' && /^p PROTO\(dport\) jump:MARK\((set-xmark|set-mark)\)$/.test(shape) && x.portProto())
    return {
      role: 'swarm',
      sentence: `Connections for ${protoPortsText(x.p, x.port('dport'))} (published by a swarm service) get firewall mark ${value}, which tells the IPVS load balancer which service they are for.`,
    };
  if ((chain === 'INPUT' || chain === 'OUTPUT') && /^d jump:MARK\((set-xmark|set-mark)\)$/.test(shape) && x.host(x.d))
    return {
      role: 'swarm',
      sentence: `Traffic to ${n.address(x.d)}, a swarm service's virtual IP, gets firewall mark ${value}, which tells the IPVS load balancer which service it is for.`,
    };
  return null;
}

function dockerRule(n: Namer, table: string, chain: string, rule: IptRule): DockerMatch | null {
  if (rule.unparsed.length > 0 || rule.matches.some((m) => !m.known)) return null;
  const shape = ruleShape(rule);
  const x = new R(rule);
  switch (table) {
    case 'nat':
      return dockerNat(n, chain, x, shape);
    case 'filter':
      return dockerFilter(n, chain, x, shape);
    case 'raw':
      return dockerRaw(n, chain, x, shape);
    case 'mangle':
      return dockerMangle(n, chain, x, shape);
    default:
      return null;
  }
}

const KUBE_NAME = /^KUBE-/;
/** kube-proxy comments: `ns/svc:port …`, "kubernetes …", ClusterIP/NodePort wording, "handle pod connecting to self". */
const KUBE_COMMENT = /(^|\s)[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?:[-\w]*|\bkubernetes\b|\bkube-|\bClusterIPs?\b|\bNodePorts?\b|\bpod connecting to self\b/i;
/** Chains of other firewall managers: ufw, fail2ban, libvirt, firewalld (iptables backend). */
const SYSTEM_NAME = /^(ufw6?-|f2b-|LIBVIRT_|INPUT_direct$|OUTPUT_direct$|FORWARD_direct$|FORWARD_(IN|OUT)_ZONES|INPUT_ZONES|IN_\w+|FWDI_|FWDO_|PRE_\w+|POST_\w+)/;
/** Docker's chains: DOCKER, DOCKER-*, and the embedded DNS's DOCKER_OUTPUT / DOCKER_POSTROUTING. */
const DOCKER_CHAIN = /^DOCKER([-_].*)?$/;

function comments(rule: IptRule): string[] {
  return rule.matches.filter((m) => m.module === 'comment').flatMap((m) => m.options.map((o) => o.args.join(' ')));
}

/** Who a rule belongs to by its chain, target or comment, when that is clear without its shape. */
function ownerByName(chain: string, rule: IptRule): 'kube-proxy' | 'system' | null {
  const target = rule.target?.name ?? '';
  if (KUBE_NAME.test(chain) || KUBE_NAME.test(target) || comments(rule).some((c) => KUBE_COMMENT.test(c))) return 'kube-proxy';
  if (SYSTEM_NAME.test(chain) || SYSTEM_NAME.test(target)) return 'system';
  return null;
}

/**
 * Explains one iptables rule. `family` picks loopback and ICMP wording; `table`/`chain` are where the rule
 * sits. Never throws; anything it cannot read comes back with `understood: false` and says what.
 */
export function explainIptablesRule(
  ctx: ExplainContext,
  family: Family,
  table: string,
  chain: string,
  rule: IptRule,
): RuleExplanation {
  const owner = ownerByName(chain, rule);
  if (!owner) {
    const n = new Namer(ctx, family);
    const docker = dockerRule(n, table, chain, rule);
    if (docker) return { ...docker, sentence: docker.sentence + n.strayNote(), origin: 'docker', objects: n.objects, understood: true };
  }

  const n = new Namer(ctx, family);
  const words = genericSentence(n, rule, isBuiltinChain(table, chain));
  const base = { sentence: words.sentence, objects: n.objects, understood: words.understood };
  if (owner === 'kube-proxy') return { ...base, role: 'kube-proxy', origin: 'kube-proxy' };
  if (owner === 'system') return { ...base, role: 'system', origin: 'system' };
  // DOCKER-USER is the user's own chain inside Docker's rules.
  if (chain === 'DOCKER-USER') return { ...base, role: 'user', origin: 'user' };
  if (!words.understood) return { ...base, role: 'unexplained', origin: 'unknown' };
  const note = DOCKER_CHAIN.test(chain) ? ` It sits in Docker's ${chain} chain, but it is not a rule Docker writes.` : '';
  return { ...base, sentence: base.sentence + note, role: 'user', origin: 'user' };
}

/**
 * Explains a chain's policy (what happens to packets that reach its end): `policy` is ACCEPT/DROP for built-in
 * chains, null (or `-`) for user chains.
 */
export function explainChainPolicy(table: string, chain: string, policy: string | null): RuleExplanation {
  const origin: RuleOrigin = KUBE_NAME.test(chain) ? 'kube-proxy' : DOCKER_CHAIN.test(chain) ? 'docker' : SYSTEM_NAME.test(chain) ? 'system' : 'unknown';
  const base = { role: 'chain-policy' as const, objects: [], understood: true };
  if (policy === null || policy === '-')
    return {
      ...base,
      origin: isBuiltinChain(table, chain) ? 'unknown' : origin === 'unknown' ? 'user' : origin,
      sentence: `Packets that reach the end of chain ${chain} go back to the chain that sent them here.`,
    };
  const p = policy.toUpperCase();
  const fate: Record<string, string> = { ACCEPT: 'accepted', DROP: 'dropped', QUEUE: 'queued to user space', RETURN: 'returned' };
  const where = `the built-in ${chain} chain of the ${table} table`;
  if (!fate[p])
    return { ...base, origin: 'unknown', understood: false, sentence: `Not fully understood: the policy ${policy} of ${where} is not one netatlas knows.` };
  const docker =
    table === 'filter' && chain === 'FORWARD' && p === 'DROP'
      ? ' Docker sets this policy when it turns on IP forwarding itself, so that the host does not route for anyone else.'
      : '';
  return { ...base, origin: 'unknown', sentence: `Packets that reach the end of ${where} without a verdict are ${fate[p]} (policy ${p}).${docker}` };
}
