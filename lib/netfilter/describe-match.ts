import type { IptMatch, IptOption, IptRule, IptTarget, NegatableValue } from '../snapshot/netfilter-schema';
import { cidrContains, parseAddress, sameAddress, splitEndpoint } from '../net/cidr';
import type { ExplainContext, NamedObject } from './explain-types';
import {
  ADDR_TYPES,
  CT_STATUSES,
  ctStateList,
  ICMP_MODULES,
  icmpType,
  markSpec,
  parsePortSpec,
  PKT_TYPES,
  PORT_MODULES,
  portOption,
  portsText,
  protocolName,
  protocolNumber,
  tcpFlagBits,
} from './match-vocabulary';

/**
 * Plain-English wording of netfilter matches and targets, shared by every explanation (Docker's, kube-proxy's,
 * the user's, iptables and nftables). Everything that names a host object goes through a {@link Namer}, which
 * also collects the objects named, so the sentence and its `objects` cannot disagree.
 */

export type { Family } from '../net/cidr';
import type { Family } from '../net/cidr';

/** Docker's user-network bridges are `br-` + 12 hex digits of the network id: opaque, so the network is named too. */
const OPAQUE_BRIDGE = /^br-[0-9a-f]{12}$/;

export class Namer {
  readonly objects: NamedObject[] = [];
  /** Networks already named in the sentence being built, so a bridge is not annotated with one twice. */
  private readonly named = new Set<string>();
  /** Bridges a Docker rule names that no network of the context has (only tracked when it knows bridges). */
  readonly strayBridges: string[] = [];

  constructor(
    readonly ctx: ExplainContext,
    readonly family: Family = 'ipv4',
  ) {}

  add(o: NamedObject): void {
    if (!this.objects.some((x) => x.kind === o.kind && x.id === o.id)) this.objects.push(o);
  }

  /** An interface the rule's shape says is a Docker bridge. */
  bridge(name: string): string {
    if (name.endsWith('+')) return name;
    this.add({ kind: 'bridge', id: name, label: name });
    const b = this.ctx.bridges.get(name);
    if (!b) {
      if (this.ctx.bridges.size > 0 && !this.strayBridges.includes(name)) this.strayBridges.push(name);
      return name;
    }
    this.add({ kind: 'network', id: b.networkId, label: b.networkName });
    const annotate = OPAQUE_BRIDGE.test(name) && !this.named.has(b.networkId);
    this.named.add(b.networkId);
    return annotate ? `${name} (network ${b.networkName})` : name;
  }

  /** Any interface; one the context knows as a Docker bridge is named as such. */
  iface(name: string): string {
    if (this.ctx.bridges.has(name)) return this.bridge(name);
    if (!name.endsWith('+')) this.add({ kind: 'interface', id: name, label: name });
    return name;
  }

  /** The container owning this address (no prefix, or a host prefix), if the context knows it. */
  containerAt(address: string): { id: string; name: string } | undefined {
    const bare = address.split('/')[0];
    const direct = this.ctx.containersByIp.get(bare);
    if (direct) return direct;
    if (!bare.includes(':')) return undefined;
    for (const [ip, c] of this.ctx.containersByIp) if (sameAddress(ip, bare)) return c;
    return undefined;
  }

  /** The network with exactly this subnet, or (for a single address) the network whose subnet holds it. */
  networkFor(text: string): { id: string; name: string; bridge: string | null; subnet: string } | undefined {
    const exact = [...this.ctx.networksBySubnet].find(([subnet]) => subnet === text || sameAddress(subnet, text));
    if (exact) return { ...exact[1], subnet: exact[0] };
    const p = parseAddress(text);
    if (!p || p.prefix !== (p.v6 ? 128 : 32)) return undefined;
    const holder = [...this.ctx.networksBySubnet].find(([subnet]) => cidrContains(subnet, text));
    return holder ? { ...holder[1], subnet: holder[0] } : undefined;
  }

  private container(c: { id: string; name: string }): string {
    this.add({ kind: 'container', id: c.id, label: c.name });
    return c.name;
  }

  private network(n: { id: string; name: string; bridge: string | null }): string {
    this.add({ kind: 'network', id: n.id, label: n.name });
    this.named.add(n.id);
    if (n.bridge) this.add({ kind: 'bridge', id: n.bridge, label: n.bridge });
    return n.name;
  }

  /** "web (172.17.0.2)", "the bridge network (172.17.0.0/16)", "loopback (127.0.0.0/8)", "10.0.0.0/8". */
  address(text: string): string {
    const special = specialAddress(text);
    if (special) return special;
    const p = parseAddress(text);
    const bare = text.split('/')[0];
    if (p && p.prefix === (p.v6 ? 128 : 32)) {
      const c = this.containerAt(bare);
      if (c) return `${this.container(c)} (${bare})`;
      const net = this.networkFor(bare);
      if (net) return `${bare} (in the ${this.network(net)} network)`;
      return bare;
    }
    const net = this.networkFor(text);
    if (net) return `the ${this.network(net)} network (${text})`;
    return text;
  }

  /** Records the network (and bridge) an address belongs to, without wording it. */
  networkOf(address: string): void {
    const net = this.networkFor(address);
    if (!net) return;
    this.add({ kind: 'network', id: net.id, label: net.name });
    if (net.bridge) this.add({ kind: 'bridge', id: net.bridge, label: net.bridge });
  }

  /** " No current Docker network uses the bridge X." when a Docker-shaped rule names an unknown bridge. */
  strayNote(): string {
    if (this.strayBridges.length === 0) return '';
    const list = this.strayBridges.join(', ');
    return ` No current Docker network uses ${this.strayBridges.length > 1 ? 'the bridges' : 'the bridge'} ${list}, so this rule may be a leftover.`;
  }

  /** A NAT destination `ip[:port]` / `[ip6]:port`: "web (172.17.0.2:80)". */
  endpoint(text: string): string {
    const { address } = splitEndpoint(text);
    const c = address ? this.containerAt(address) : undefined;
    return c ? `${this.container(c)} (${text})` : text;
  }

  /** A published host port (`hostPort/proto`, as the UI identifies ports). */
  port(hostPort: string, protocol: string): void {
    const id = `${hostPort.replace(':', '-')}/${protocol.toLowerCase()}`;
    this.add({ kind: 'port', id, label: id });
  }

  /** Host ports under which a container publishes `containerPort/proto`, when the context knows them. */
  publishedAs(containerIp: string, containerPort: string, protocol: string): string[] {
    const c = this.containerAt(containerIp);
    const ports = c ? this.ctx.publishedPorts?.get(c.id) : undefined;
    if (!ports) return [];
    const hostPorts = ports
      .filter((p) => String(p.containerPort) === containerPort && p.protocol === protocol.toLowerCase())
      .map((p) => String(p.hostPort));
    return [...new Set(hostPorts)];
  }
}

/** Addresses with a meaning of their own. */
export function specialAddress(text: string): string | null {
  const p = parseAddress(text);
  if (!p) return null;
  if (p.prefix === 0) return 'anywhere';
  const bare = text.split('/')[0];
  const is = (cidr: string) => p.prefix === parseAddress(cidr)!.prefix && cidrContains(cidr, text);
  if (is('127.0.0.0/8')) return `loopback (${text})`;
  if (!p.v6 ? false : sameAddress(bare, '::1') && p.prefix === 128) return 'loopback (::1)';
  if (is('fe80::/10') || is('169.254.0.0/16')) return `link-local addresses (${text})`;
  if (is('224.0.0.0/4') || is('ff00::/8')) return `multicast addresses (${text})`;
  if (bare === '255.255.255.255') return 'the broadcast address 255.255.255.255';
  return null;
}

export { portsText, protocolName };

/** "TCP port 80", "UDP ports 53 and 5353". */
export function protoPortsText(protocol: string, spec: string): string {
  return `${protocolName(protocol)} ${portsText(spec)}`;
}

export function ifacePhrase(n: Namer, v: NegatableValue, dir: 'in' | 'out', asBridge = false): string {
  const verb = dir === 'in' ? 'arriving on' : 'leaving through';
  const name = v.value;
  if (name === '+') return v.negated ? `${verb} no interface at all` : `${verb} any interface`;
  if (name.endsWith('+')) {
    const prefix = name.slice(0, -1);
    return v.negated
      ? `${verb} any interface whose name does not start with ${prefix}`
      : `${verb} any interface whose name starts with ${prefix}`;
  }
  const named = asBridge ? n.bridge(name) : n.iface(name);
  return v.negated ? `${verb} any interface except ${named}` : `${verb} ${named}`;
}

export function addressPhrase(n: Namer, v: NegatableValue, dir: 'from' | 'to'): string {
  return `${v.negated ? 'not ' : ''}${dir} ${n.address(v.value)}`;
}

const STATE_WORDS: Record<string, string> = {
  NEW: 'open a new connection',
  ESTABLISHED: 'belong to an established connection',
  RELATED: 'are related to an existing connection',
  INVALID: 'conntrack considers invalid',
  UNTRACKED: 'are not tracked by conntrack',
  SNAT: 'had their source rewritten (SNAT)',
  DNAT: 'had their destination rewritten (DNAT)',
};

/** `RELATED,ESTABLISHED` → "that belong to an established connection or are related to one". Null if unknown. */
export function ctstatePhrase(spec: string, negated: boolean): string | null {
  const states = ctStateList(spec, 'conntrack');
  if (!states) return null;
  const set = new Set(states);
  const words: string[] = [];
  if (set.has('ESTABLISHED') && set.has('RELATED')) {
    words.push('belong to an established connection or are related to one');
    set.delete('ESTABLISHED');
    set.delete('RELATED');
  }
  for (const s of states) if (set.has(s)) words.push(STATE_WORDS[s]);
  const joined = words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
  return negated ? `except those that ${joined}` : `that ${joined}`;
}

const ADDRTYPE_WORDS: Record<string, string> = {
  LOCAL: "one of this host's own addresses",
  UNICAST: 'a unicast address',
  BROADCAST: 'a broadcast address',
  MULTICAST: 'a multicast address',
  ANYCAST: 'an anycast address',
  BLACKHOLE: 'a blackholed address',
  UNREACHABLE: 'an unreachable address',
  PROHIBIT: 'a prohibited address',
  UNSPEC: 'an unspecified address',
  THROW: 'an address routed by a throw route',
  NAT: 'an address of a NAT route',
  XRESOLVE: 'an address resolved outside the kernel',
};

/** `--dst-type LOCAL` → "addressed to one of this host's own addresses". */
export function addrtypePhrase(types: string, dir: 'src' | 'dst', negated: boolean): string | null {
  const list = types.toUpperCase().split(',');
  if (!list.every((t) => ADDR_TYPES.has(t))) return null;
  const words = list.map((t) => ADDRTYPE_WORDS[t]);
  const what = words.join(' or ');
  return dir === 'dst'
    ? `${negated ? 'not ' : ''}addressed to ${what}`
    : `${negated ? 'not ' : ''}sent from ${what}`;
}

/** The words for one rule's conditions. */
export interface RuleWords {
  /** "TCP connections", "new connections", "traffic", "all traffic" (when nothing else narrows it). */
  subject: string;
  /** Conditions in reading order: "arriving on eth0", "from 10.0.0.1", "to port 22", "that belong to …". */
  phrases: string[];
  /** The `-m comment` text, if any. */
  comment: string | null;
  /** What could not be read ("match module geoip", "option --foo of conntrack", "unparsed: x"). Empty = all read. */
  unknown: string[];
}

interface Collected {
  dport: { spec: string; negated: boolean } | null;
  sport: { spec: string; negated: boolean } | null;
  anyPort: { spec: string; negated: boolean } | null;
  isNew: boolean;
}

/** Describes one match module's options; returns phrases, or pushes to `unknown`. */
function describeModule(n: Namer, m: IptMatch, acc: Collected, unknown: string[], comment: (c: string) => void): string[] {
  if (!m.known) {
    unknown.push(`match module ${m.module}`);
    return [];
  }
  const out: string[] = [];
  const fail = (o: IptOption) => unknown.push(`${o.negated ? '! ' : ''}--${o.name} of match module ${m.module}`);
  const arg = (o: IptOption) => o.args.join(' ');
  const not = (o: IptOption) => (o.negated ? 'not ' : '');

  for (const o of m.options) {
    const a = arg(o);
    const port = portOption(m.module, o);
    if (port) {
      if (!parsePortSpec(port.spec)) fail(o);
      else acc[port.side === 'ports' ? 'anyPort' : port.side] = { spec: port.spec, negated: port.negated };
      continue;
    }
    switch (m.module) {
      case 'tcp':
      case 'udp':
      case 'udplite':
      case 'sctp':
      case 'dccp':
        if (m.module === 'tcp' && o.name === 'syn' && o.args.length === 0)
          out.push(o.negated ? 'that are not connection-opening SYN packets' : 'that open a TCP connection (SYN packets)');
        else if (m.module === 'tcp' && o.name === 'tcp-flags' && o.args.length === 2 && tcpFlagBits(o.args[0]) !== null && tcpFlagBits(o.args[1]) !== null)
          out.push(`${o.negated ? 'unless' : 'whose'} TCP flags ${o.args[0]} are exactly ${o.args[1] === 'NONE' ? 'all clear' : `${o.args[1]} set`}`);
        else if (m.module === 'tcp' && o.name === 'tcp-option' && o.args.length === 1) out.push(`${o.negated ? 'without' : 'with'} TCP option ${a}`);
        else fail(o);
        break;
      case 'icmp':
      case 'icmp6':
      case 'icmpv6': {
        const { option, family } = ICMP_MODULES[m.module];
        if (o.name === option && icmpType(a, family) !== null) out.push(`${o.negated ? 'other than' : 'of'} ${family === 4 ? 'ICMP' : 'ICMPv6'} type ${a}`);
        else fail(o);
        break;
      }
      case 'conntrack':
      case 'state': {
        if ((m.module === 'state' && o.name === 'state') || (m.module === 'conntrack' && o.name === 'ctstate')) {
          // "new connections" reads better than "traffic that opens a new connection".
          if (!ctStateList(a, m.module)) fail(o);
          else if (a.toUpperCase() === 'NEW' && !o.negated) acc.isNew = true;
          else {
            const p = ctstatePhrase(a, o.negated);
            if (p) out.push(p);
            else fail(o);
          }
        } else if (m.module === 'state') fail(o);
        else if (o.name === 'ctstatus' && o.args.length === 1 && a.toUpperCase().split(',').every((x) => CT_STATUSES.has(x))) out.push(`whose connection status is ${o.negated ? 'not ' : ''}${a}`);
        else if (o.name === 'ctorigdst') out.push(`whose connection was ${not(o)}originally addressed to ${n.address(a)}`);
        else if (o.name === 'ctorigsrc') out.push(`whose connection ${o.negated ? 'did not originally come' : 'originally came'} from ${n.address(a)}`);
        else if (o.name === 'ctreplsrc') out.push(`whose replies ${o.negated ? 'do not come' : 'come'} from ${n.address(a)}`);
        else if (o.name === 'ctrepldst') out.push(`whose replies ${o.negated ? 'do not go' : 'go'} to ${n.address(a)}`);
        else if (o.name === 'ctorigdstport' && parsePortSpec(a)) out.push(`whose connection was ${not(o)}originally to port ${a}`);
        else if (o.name === 'ctdir' && /^(ORIGINAL|REPLY)$/i.test(a)) out.push(`travelling in the ${a.toLowerCase()} direction`);
        else if (o.name === 'ctproto' && protocolNumber(a) !== null) out.push(`of ${o.negated ? 'connections other than ' : ''}${protocolName(a)} connections`);
        else fail(o);
        break;
      }
      case 'addrtype': {
        const dir = o.name === 'dst-type' ? 'dst' : o.name === 'src-type' ? 'src' : null;
        const p = dir ? addrtypePhrase(a, dir, o.negated) : null;
        if (p) out.push(p);
        else if (o.name === 'limit-iface-in' || o.name === 'limit-iface-out') out.push('(judged on the interface the packet uses)');
        else fail(o);
        break;
      }
      case 'comment':
        if (o.name === 'comment') comment(a);
        else fail(o);
        break;
      case 'mark':
        if (o.name === 'mark' && markSpec(a)) out.push(`${o.negated ? 'not ' : ''}carrying firewall mark ${a}`);
        else fail(o);
        break;
      case 'connmark':
        if (o.name === 'mark' && markSpec(a)) out.push(`whose connection ${o.negated ? 'does not carry' : 'carries'} mark ${a}`);
        else fail(o);
        break;
      case 'set':
        if (o.name === 'match-set' && o.args.length === 2) {
          const where = o.args[1]
            .split(',')
            .map((d) => (d === 'src' ? 'source' : d === 'dst' ? 'destination' : d))
            .join(' and ');
          out.push(`whose ${where} ${o.negated ? 'is not' : 'is'} in the ip set ${o.args[0]}`);
        } else fail(o);
        break;
      case 'limit':
        if (o.name === 'limit') out.push(`up to ${a}`);
        else if (o.name === 'limit-burst') out.push(`(bursts of up to ${a})`);
        else fail(o);
        break;
      case 'statistic':
        if (o.name === 'mode' && (a === 'random' || a === 'nth')) {
          /* worded by its probability / every */
        } else if (o.name === 'probability' && o.args.length === 1) {
          const pct = Math.round(Number(a) * 10000) / 100;
          out.push(`picked at random with probability ${Number.isFinite(pct) ? `${pct}%` : a}`);
        } else if (o.name === 'every') out.push(`every ${a}th packet`);
        else if (o.name === 'packet') out.push(`(starting at packet ${a})`);
        else fail(o);
        break;
      case 'recent':
        // Worded as a whole below: which list, what is done with it, and how recently.
        if (!['name', 'set', 'rcheck', 'update', 'remove', 'seconds', 'hitcount', 'rsource', 'rdest', 'mask', 'reap', 'rttl'].includes(o.name)) fail(o);
        break;
      case 'nfacct':
        if (o.name === 'nfacct-name') out.push(`(counted in the nfacct counter ${a})`);
        else fail(o);
        break;
      case 'physdev':
        if (o.name === 'physdev-in') out.push(`${o.negated ? 'not ' : ''}entering the bridge through port ${a}`);
        else if (o.name === 'physdev-out') out.push(`${o.negated ? 'not ' : ''}leaving the bridge through port ${a}`);
        else if (o.name === 'physdev-is-bridged') out.push(o.negated ? 'that are routed, not bridged' : 'that are bridged, not routed');
        else if (o.name === 'physdev-is-in') out.push(`${o.negated ? 'not ' : ''}entering through a bridge port`);
        else if (o.name === 'physdev-is-out') out.push(`${o.negated ? 'not ' : ''}leaving through a bridge port`);
        else fail(o);
        break;
      case 'pkttype':
        if (o.name === 'pkt-type' && PKT_TYPES.has(a.toLowerCase())) out.push(`${o.negated ? 'not ' : ''}sent as ${a}`);
        else fail(o);
        break;
      case 'iprange':
        if (o.name === 'src-range') out.push(`${o.negated ? 'not ' : ''}from addresses ${a}`);
        else if (o.name === 'dst-range') out.push(`${o.negated ? 'not ' : ''}to addresses ${a}`);
        else fail(o);
        break;
      case 'policy':
        if (o.name === 'dir' && (a === 'in' || a === 'out')) out.push(`(by the IPsec policy for ${a === 'in' ? 'decapsulation' : 'encapsulation'})`);
        else if (o.name === 'pol' && (a === 'none' || a === 'ipsec')) out.push(`that are ${(a === 'ipsec') !== o.negated ? '' : 'not '}IPsec-protected`);
        else fail(o);
        break;
      case 'mac':
        if (o.name === 'mac-source') out.push(`${o.negated ? 'not ' : ''}from MAC address ${a}`);
        else fail(o);
        break;
      case 'owner':
        if (o.name === 'uid-owner') out.push(`${o.negated ? 'not ' : ''}sent by user ${a}`);
        else if (o.name === 'gid-owner') out.push(`${o.negated ? 'not ' : ''}sent by group ${a}`);
        else if (o.name === 'socket-exists') out.push(o.negated ? 'not sent from a local socket' : 'sent from a local socket');
        else fail(o);
        break;
      case 'length':
        if (o.name === 'length') out.push(`${o.negated ? 'not ' : ''}${a.replace(':', '-')} bytes long`);
        else fail(o);
        break;
      case 'connlimit':
        if (o.name === 'connlimit-above') out.push(`when the source already has more than ${a} connections`);
        else if (o.name === 'connlimit-upto') out.push(`while the source has at most ${a} connections`);
        else if (o.name === 'connlimit-mask') out.push(`(counting per /${a} of sources)`);
        else if (o.name === 'connlimit-saddr' || o.name === 'connlimit-daddr') {
          /* the default grouping */
        } else fail(o);
        break;
      case 'ipvs':
        if (o.name === 'ipvs' && o.args.length === 0) out.push(o.negated ? 'not handled by IPVS' : 'handled by IPVS (the kernel load balancer)');
        else fail(o);
        break;
      case 'dscp':
        if (o.name === 'dscp') out.push(`${o.negated ? 'not ' : ''}marked with DSCP ${a}`);
        else fail(o);
        break;
      case 'helper':
        if (o.name === 'helper') out.push(`${o.negated ? 'not ' : ''}handled by the ${a} connection helper`);
        else fail(o);
        break;
      case 'ttl':
      case 'hl': {
        const what = m.module === 'ttl' ? 'TTL' : 'hop limit';
        const rel: Record<string, string> = { eq: 'equal to', lt: 'below', gt: 'above' };
        const k = o.name.replace(/^(ttl|hl)-/, '');
        if (rel[k]) out.push(`with a ${what} ${o.negated ? 'not ' : ''}${rel[k]} ${a}`);
        else fail(o);
        break;
      }
      case 'rpfilter':
        if (o.name === 'invert') out.push('that fail the reverse-path check');
        else if (['loose', 'validmark', 'accept-local'].includes(o.name)) out.push(`(reverse-path check, ${o.name})`);
        else fail(o);
        break;
      default:
        // A module iptables knows but this describer does not word: say so rather than leave it out.
        fail(o);
    }
  }
  if (m.module === 'rpfilter' && !m.options.some((o) => o.name === 'invert')) out.unshift('that pass the reverse-path check');
  if (m.module === 'recent') out.push(...recentPhrase(m));
  if (m.options.length === 0 && !PORT_MODULES.has(m.module) && !['icmp', 'icmp6', 'icmpv6', 'comment', 'rpfilter'].includes(m.module))
    unknown.push(`match module ${m.module} without options`);
  return out;
}

/** `-m recent`: "whose source address is in the list X, seen in the last N seconds". */
function recentPhrase(m: IptMatch): string[] {
  const has = (n: string) => m.options.some((o) => o.name === n);
  const arg = (n: string) => m.options.find((o) => o.name === n)?.args.join(' ');
  const list = `the "recent" list ${arg('name') ?? 'DEFAULT'}`;
  const addr = has('rdest') ? 'destination address' : 'source address';
  const negated = m.options.some((o) => o.negated);
  if (has('set')) return [`(remembering their ${addr} in ${list})`];
  if (has('remove')) return [`(removing their ${addr} from ${list})`];
  const when = [arg('seconds') ? `in the last ${arg('seconds')} seconds` : '', arg('hitcount') ? `at least ${arg('hitcount')} times` : '']
    .filter(Boolean)
    .join(' ');
  return [`whose ${addr} ${negated ? 'is not' : 'is'} in ${list}${when ? `, seen ${when}` : ''}`];
}

/** Subject of a sentence: what kind of traffic the rule looks at (always plural, to agree with the phrases). */
function subjectOf(protocol: NegatableValue | null, isNew: boolean): string {
  const proto = protocol && !protocol.negated && protocol.value.toLowerCase() !== 'all' ? protocolName(protocol.value) : null;
  if (isNew) return `new ${proto ? `${proto} ` : ''}connections`;
  if (!proto) return 'packets';
  if (proto === 'TCP' || proto === 'SCTP') return `${proto} connections`;
  return `${proto} packets`;
}

/** Words for all of a rule's conditions (built-in matches, modules, comment, unparsed tokens). */
export function describeMatches(n: Namer, rule: IptRule): RuleWords {
  const unknown: string[] = [];
  let comment: string | null = null;
  const acc: Collected = { dport: null, sport: null, anyPort: null, isNew: false };
  const modulePhrases = rule.matches.flatMap((m) =>
    describeModule(n, m, acc, unknown, (c) => (comment = comment === null ? c : `${comment}; ${c}`)),
  );

  const phrases: string[] = [];
  if (rule.protocol && protocolNumber(rule.protocol.value) === null) unknown.push(`protocol ${rule.protocol.value}`);
  if (rule.protocol?.negated) phrases.push(`that are not ${protocolName(rule.protocol.value)}`);
  // "from 10.0.0.1 on port 53", "to 172.30.0.42 on port 80": an address and its port read as one place.
  const place = (v: NegatableValue | null, port: Collected['dport'], dir: 'from' | 'to') => {
    const portWords = port ? `${port.negated ? 'not ' : ''}${portsText(port.spec)}` : null;
    if (v && portWords && !v.negated) phrases.push(`${dir} ${n.address(v.value)} on ${portWords}`);
    else {
      if (v) phrases.push(addressPhrase(n, v, dir));
      if (portWords) phrases.push(`${dir} ${portWords}`);
    }
  };
  // Reading order: where from, which way in and out, where to.
  place(rule.source, acc.sport, 'from');
  if (rule.inInterface) phrases.push(ifacePhrase(n, rule.inInterface, 'in'));
  if (rule.outInterface) phrases.push(ifacePhrase(n, rule.outInterface, 'out'));
  place(rule.destination, acc.dport, 'to');
  if (acc.anyPort) phrases.push(`${acc.anyPort.negated ? 'not ' : ''}to or from ${portsText(acc.anyPort.spec)}`);
  if (rule.fragment) phrases.push(rule.fragment.negated ? 'that are unfragmented or first fragments' : 'that are second or later fragments');
  phrases.push(...modulePhrases);
  for (const t of rule.unparsed) unknown.push(`"${t}"`);

  let subject = subjectOf(rule.protocol, acc.isNew);
  if (subject === 'packets' && phrases.length === 0) subject = 'all traffic';
  return { subject, phrases, comment, unknown };
}

const REJECT_WITH: Record<string, string> = {
  'icmp-port-unreachable': 'an ICMP port-unreachable error',
  'icmp-host-unreachable': 'an ICMP host-unreachable error',
  'icmp-net-unreachable': 'an ICMP network-unreachable error',
  'icmp-proto-unreachable': 'an ICMP protocol-unreachable error',
  'icmp-host-prohibited': 'an ICMP host-prohibited error',
  'icmp-net-prohibited': 'an ICMP network-prohibited error',
  'icmp-admin-prohibited': 'an ICMP administratively-prohibited error',
  'icmp6-port-unreachable': 'an ICMPv6 port-unreachable error',
  'icmp6-adm-prohibited': 'an ICMPv6 administratively-prohibited error',
  'icmp6-no-route': 'an ICMPv6 no-route error',
  'icmp6-addr-unreachable': 'an ICMPv6 address-unreachable error',
  'tcp-reset': 'a TCP reset',
};

export interface TargetWords {
  /** Builds the sentence (without final period) from "subject conditions". */
  apply: (what: string) => string;
  unknown: string[];
}

/** Words for what a rule does. `builtinChain`: RETURN from a built-in chain means "the policy decides". */
export function describeTarget(n: Namer, target: IptTarget | null, builtinChain: boolean): TargetWords {
  const unknown: string[] = [];
  if (!target) return { apply: (w) => `Counts ${w} (the rule has no action; packets go on to the next rule)`, unknown };
  const opts = new Map(target.options.map((o) => [o.name, o]));
  const arg = (name: string) => opts.get(name)?.args.join(' ');
  const only = (...names: string[]) => {
    for (const o of target.options) if (!names.includes(o.name)) unknown.push(`option --${o.name} of target ${target.name}`);
  };
  const chainName = target.name;
  switch (target.name) {
    case 'ACCEPT':
      only();
      return { apply: (w) => `Accepts ${w}`, unknown };
    case 'DROP':
      only();
      return { apply: (w) => `Drops ${w}`, unknown };
    case 'REJECT': {
      only('reject-with');
      const w = arg('reject-with');
      const reply = w ? (REJECT_WITH[w] ?? w) : null;
      if (w && !REJECT_WITH[w]) unknown.push(`reject type ${w}`);
      return { apply: (x) => `Rejects ${x}${reply ? ` (replying with ${reply})` : ''}`, unknown };
    }
    case 'RETURN':
      only();
      return {
        apply: (w) =>
          builtinChain ? `Stops this chain for ${w}: the chain's policy decides` : `Returns ${w} to the chain that jumped here`,
        unknown,
      };
    case 'LOG': {
      only('log-prefix', 'log-level', 'log-tcp-sequence', 'log-tcp-options', 'log-ip-options', 'log-uid');
      const prefix = arg('log-prefix');
      return { apply: (w) => `Logs ${w}${prefix ? ` with the prefix "${prefix}"` : ''} to the kernel log, then goes on`, unknown };
    }
    case 'NFLOG':
      only('nflog-group', 'nflog-prefix', 'nflog-range', 'nflog-size', 'nflog-threshold');
      return { apply: (w) => `Copies ${w} to the netfilter log group ${arg('nflog-group') ?? '0'}, then goes on`, unknown };
    case 'MASQUERADE': {
      only('to-ports', 'random', 'random-fully');
      const ports = arg('to-ports');
      return {
        apply: (w) =>
          `Masquerades ${w}: the source becomes the address of the interface it leaves through${ports ? `, with a source port from ${ports}` : ''}`,
        unknown,
      };
    }
    case 'SNAT': {
      only('to-source', 'random', 'random-fully', 'persistent');
      const to = arg('to-source');
      if (!to) unknown.push('SNAT without --to-source');
      return { apply: (w) => `Rewrites the source of ${w} to ${to} (SNAT)`, unknown };
    }
    case 'DNAT': {
      only('to-destination', 'random', 'persistent');
      const to = arg('to-destination');
      if (!to) unknown.push('DNAT without --to-destination');
      return { apply: (w) => `Redirects ${w} to ${n.endpoint(to ?? '?')} (DNAT)`, unknown };
    }
    case 'REDIRECT': {
      only('to-ports', 'random');
      const to = arg('to-ports');
      return { apply: (w) => `Redirects ${w} to ${to ? portsText(to) : 'the same port'} on this host`, unknown };
    }
    case 'MARK':
    case 'CONNMARK': {
      const what = target.name === 'MARK' ? 'firewall mark' : 'connection mark';
      const set = arg('set-xmark') ?? arg('set-mark');
      const orMark = arg('or-mark');
      const xorMark = arg('xor-mark');
      const andMark = arg('and-mark');
      only('set-xmark', 'set-mark', 'or-mark', 'xor-mark', 'and-mark', ...(target.name === 'CONNMARK' ? ['save-mark', 'restore-mark', 'mask', 'nfmask', 'ctmask'] : []));
      if (set) {
        // iptables-save prints `--set-mark 0x100` as `--set-xmark 0x100/0xffffffff`.
        const value = set.replace(/\/0xffffffff$/i, '');
        return { apply: (w) => `Sets the ${what} ${value} on ${w}`, unknown };
      }
      if (orMark) return { apply: (w) => `Sets the bits ${orMark} of the ${what} on ${w}`, unknown };
      if (xorMark) return { apply: (w) => `Flips the bits ${xorMark} of the ${what} on ${w}`, unknown };
      if (andMark) return { apply: (w) => `Keeps only the bits ${andMark} of the ${what} on ${w}`, unknown };
      if (opts.has('save-mark')) return { apply: (w) => `Copies the packet's firewall mark to the connection for ${w}`, unknown };
      if (opts.has('restore-mark')) return { apply: (w) => `Copies the connection's mark back to the packet for ${w}`, unknown };
      unknown.push(`${target.name} without a mark`);
      return { apply: (w) => `Changes the ${what} of ${w}`, unknown };
    }
    case 'CHECKSUM':
      only('checksum-fill');
      return { apply: (w) => `Fills in the checksum of ${w}`, unknown };
    case 'NOTRACK':
      only();
      return { apply: (w) => `Exempts ${w} from connection tracking`, unknown };
    case 'CT':
      only('notrack');
      if (!opts.has('notrack')) unknown.push('CT target options');
      return { apply: (w) => `Exempts ${w} from connection tracking`, unknown };
    case 'TCPMSS': {
      only('clamp-mss-to-pmtu', 'set-mss');
      const mss = arg('set-mss');
      return { apply: (w) => `Sets the TCP maximum segment size of ${w} to ${mss ?? 'fit the path MTU'}`, unknown };
    }
    default:
      if (/^[A-Z0-9]+$/.test(chainName) && KNOWN_UNWORDED_TARGETS.has(chainName)) {
        unknown.push(`target ${chainName}`);
        return { apply: (w) => `Applies the ${chainName} target to ${w}`, unknown };
      }
      // Anything else is a chain (user chains may be upper case too: DOCKER, INTERNAL).
      if (target.options.length > 0) unknown.push(`options of target ${chainName}`);
      return target.goto
        ? { apply: (w) => `Sends ${w} on to chain ${chainName} for good (goto: they do not come back to this chain)`, unknown }
        : { apply: (w) => `Sends ${w} through chain ${chainName}`, unknown };
  }
}

/** Extension targets iptables has that are not worded above; they are never mistaken for chains. */
const KNOWN_UNWORDED_TARGETS = new Set([
  'AUDIT', 'CLASSIFY', 'CLUSTERIP', 'CONNSECMARK', 'DSCP', 'ECN', 'HMARK', 'IDLETIMER', 'LED', 'NETMAP', 'NFQUEUE',
  'QUEUE', 'RATEEST', 'SECMARK', 'SET', 'SYNPROXY', 'TEE', 'TOS', 'TPROXY', 'TRACE', 'TTL', 'HL', 'ULOG', 'SAME',
  'MIRROR', 'NPT', 'DNPT', 'SNPT',
]);

export interface GenericWords {
  sentence: string;
  /** The sentence for the parts that could be read (equal to `sentence` when everything was). */
  readable: string;
  understood: boolean;
  unknown: string[];
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * A full sentence for any rule, from its matches and target: "Drops TCP connections from 192.168.1.254.".
 * When part of it is unreadable the sentence says so first, and names what it could not read.
 */
export function genericSentence(n: Namer, rule: IptRule, builtinChain: boolean): GenericWords {
  const w = describeMatches(n, rule);
  const t = describeTarget(n, rule.target, builtinChain);
  const what = [w.subject, ...w.phrases].join(' ');
  let sentence = capitalize(t.apply(what));
  if (w.comment !== null) sentence += ` (comment: "${w.comment}")`;
  const unknown = [...w.unknown, ...t.unknown];
  return notUnderstood(`${sentence}.`, unknown);
}

/** The wording for a rule with unreadable parts: say so first, then what could be read. */
export function notUnderstood(readable: string, unknown: string[]): GenericWords {
  if (unknown.length === 0) return { sentence: readable, readable, understood: true, unknown };
  return {
    sentence: `Not fully understood: netatlas cannot read ${unknown.join(', ')}. What it can read: ${readable}`,
    readable,
    understood: false,
    unknown,
  };
}
