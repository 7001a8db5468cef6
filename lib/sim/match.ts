import type { IptMatch, IptOption, IptRule, NegatableValue } from '../snapshot/netfilter-schema';
import { inNet, parseIP, parseNet, type IP, type Net } from './addr';
import type { IpVersion, Pkt } from './packet';
import { addrType } from './routing';
import type { Cond, MatchCtx, Tri } from './rules';

/**
 * iptables matches compiled into conditions. The packet is always the first of its connection in its direction
 * (a SYN, or the SYN-ACK for the reply), so conntrack state, marks and TCP flags are known exactly. What the
 * snapshot cannot tell (ipset members, the owning uid, rates, randomness) answers "unknown, because …".
 */

const PROTO_NUM: Record<string, number> = {
  tcp: 6, udp: 17, icmp: 1, 'ipv6-icmp': 58, icmpv6: 58, icmp6: 58, sctp: 132, udplite: 136, gre: 47, esp: 50, ah: 51,
};

export const pktProtoNum = (p: Pkt) => (p.proto === 'tcp' ? 6 : p.proto === 'udp' ? 17 : p.family === 4 ? 1 : 58);

/** `-p` / nft `ip protocol`/`meta l4proto`: a name or number, `all`/`0` for any. */
export function protoCond(v: NegatableValue): Cond {
  const name = v.value.toLowerCase();
  if (name === 'all' || name === '0') return () => !v.negated;
  const num = /^\d+$/.test(name) ? Number(name) : PROTO_NUM[name];
  if (num === undefined) return () => `protocol ${v.value} is not one the simulator knows`;
  return (c) => (pktProtoNum(c.pkt) === num) !== v.negated;
}

/** `-i`/`-o` (and nft iifname/oifname, `*` already turned into `+`): a trailing `+` matches any suffix. */
export function ifaceCond(v: NegatableValue, which: 'in' | 'out'): Cond {
  const wild = v.value.endsWith('+');
  const base = wild ? v.value.slice(0, -1) : v.value;
  return (c) => {
    const name = which === 'in' ? c.io.inIf : c.io.outIf;
    return (wild ? name.startsWith(base) : name === base) !== v.negated;
  };
}

export function addrCond(v: NegatableValue, which: 'src' | 'dst'): Cond {
  const net = parseNet(v.value);
  if (!net) return () => `address ${v.value} is not understood`;
  return (c) => inNet(which === 'src' ? c.pkt.src : c.pkt.dst, net) !== v.negated;
}

const portCache = new Map<string, Array<[number, number]> | null>();

/** `80`, `8000:8010`, `:1024`, `1024:`, and for multiport `80,443,8000:8010` (nft ranges come as `a:b` too). */
export function parsePorts(spec: string): Array<[number, number]> | null {
  let r = portCache.get(spec);
  if (r === undefined) {
    if (portCache.size > 10_000) portCache.clear();
    portCache.set(spec, (r = parsePortsUncached(spec)));
  }
  return r;
}

function parsePortsUncached(spec: string): Array<[number, number]> | null {
  const out: Array<[number, number]> = [];
  for (const part of spec.split(',')) {
    const m = /^(\d*)(?::(\d*))?$/.exec(part.trim());
    if (!m || (m[1] === '' && m[2] === undefined)) return null;
    const lo = m[1] === '' ? 0 : Number(m[1]);
    const hi = m[2] === undefined ? lo : m[2] === '' ? 65535 : Number(m[2]);
    out.push([Math.min(lo, hi), Math.max(lo, hi)]);
  }
  return out;
}

/** Whether a port (known, a known range, or not given) lies in the ranges. */
export function portIn(p: number | null | [number, number], ranges: Array<[number, number]>): Tri {
  if (p === null) return 'the query gives no port';
  const [lo, hi] = typeof p === 'number' ? [p, p] : p;
  if (ranges.some(([a, b]) => a <= lo && hi <= b)) return true;
  if (ranges.every(([a, b]) => b < lo || hi < a)) return false;
  return `the source port is somewhere in ${lo}-${hi}, which the rule covers only in part`;
}

const not = (t: Tri, negated: boolean): Tri => (typeof t === 'string' ? t : t !== negated);

export function portCond(which: 'sport' | 'dport' | 'any', spec: string, negated: boolean): Cond {
  const ranges = parsePorts(spec);
  if (!ranges) return () => `port ${spec} is not understood`;
  return (c) => {
    if (which !== 'any') return not(portIn(which === 'sport' ? c.pkt.sport : c.pkt.dport, ranges), negated);
    // multiport --ports: either port.
    const d = portIn(c.pkt.dport, ranges);
    const s = portIn(c.pkt.sport, ranges);
    const either: Tri = d === true || s === true ? true : d === false && s === false ? false : typeof d === 'string' ? d : (s as string);
    return not(either, negated);
  };
}

const TCP_FLAGS: Record<string, number> = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16, URG: 32, ECE: 64, CWR: 128 };
function flagBits(spec: string): number | null {
  if (spec === 'ALL') return 255;
  if (spec === 'NONE') return 0;
  let n = 0;
  for (const f of spec.split(',')) {
    if (!(f in TCP_FLAGS)) return null;
    n |= TCP_FLAGS[f];
  }
  return n;
}

/** The first packet is a SYN; the first reply a SYN-ACK. */
const pktFlags = (p: Pkt) => (p.dir === 'orig' ? TCP_FLAGS.SYN : TCP_FLAGS.SYN | TCP_FLAGS.ACK);

const unknownOpt = (module: string, o: IptOption): Cond => () => `-m ${module} --${o.name} is not evaluated by the simulator`;

const DPORT = new Set(['dport', 'destination-port', 'dports']);
const SPORT = new Set(['sport', 'source-port', 'sports']);
const protoIs = { tcp: (c: MatchCtx) => c.pkt.proto === 'tcp', udp: (c: MatchCtx) => c.pkt.proto === 'udp' };

function tcpUdpConds(proto: 'tcp' | 'udp', m: IptMatch): Cond[] {
  const conds: Cond[] = [protoIs[proto]];
  for (const o of m.options) {
    const arg = o.args.length === 1 ? o.args[0] : o.args.join(' ');
    if (DPORT.has(o.name)) conds.push(portCond('dport', arg, o.negated));
    else if (SPORT.has(o.name)) conds.push(portCond('sport', arg, o.negated));
    else if (proto === 'tcp' && (o.name === 'syn' || o.name === 'tcp-flags')) {
      const mask = o.name === 'syn' ? 0x17 : flagBits(o.args[0] ?? '');
      const comp = o.name === 'syn' ? TCP_FLAGS.SYN : flagBits(o.args[1] ?? '');
      if (mask === null || comp === null) conds.push(() => `--tcp-flags ${arg} is not understood`);
      else conds.push((c) => ((pktFlags(c.pkt) & mask) === comp) !== o.negated);
    } else conds.push(unknownOpt(m.module, o));
  }
  return conds;
}

const ICMP_TYPES: Record<string, number> = { 'echo-request': 8, 'echo-reply': 0, any: -1 };
const ICMP6_TYPES: Record<string, number> = { 'echo-request': 128, 'echo-reply': 129, any: -1 };

function icmpConds(m: IptMatch, fam: IpVersion): Cond[] {
  const conds: Cond[] = [(c) => c.pkt.proto === 'icmp' && c.pkt.family === fam];
  for (const o of m.options) {
    if (o.name !== 'icmp-type' && o.name !== 'icmpv6-type') {
      conds.push(unknownOpt(m.module, o));
      continue;
    }
    const spec = (o.args[0] ?? '').toLowerCase();
    const names = fam === 4 ? ICMP_TYPES : ICMP6_TYPES;
    const num = /^\d+(\/\d+)?$/.test(spec) ? Number(spec.split('/')[0]) : names[spec];
    if (num === undefined) {
      conds.push(() => `ICMP type ${spec} is not evaluated by the simulator`);
      continue;
    }
    conds.push((c) => {
      if (num === -1) return !o.negated;
      const type = c.pkt.dir === 'orig' ? (fam === 4 ? 8 : 128) : fam === 4 ? 0 : 129;
      return (type === num) !== o.negated;
    });
  }
  return conds;
}

/** conntrack states of the packet: NEW for a first packet, ESTABLISHED for its reply, plus the DNAT/SNAT virtual states. */
export function ctStates(p: Pkt): Set<string> {
  if (!p.ct) return new Set(['UNTRACKED']);
  if (p.ct.untracked) return new Set(['UNTRACKED']);
  const s = new Set([p.dir === 'orig' ? 'NEW' : 'ESTABLISHED']);
  if (p.ct.dnat) s.add('DNAT');
  if (p.ct.snat) s.add('SNAT');
  return s;
}

export function stateCond(spec: string, negated: boolean, virtual: boolean): Cond {
  const wanted = spec.toUpperCase().split(',').map((x) => x.trim()).filter(Boolean);
  const known = new Set(['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED', ...(virtual ? ['SNAT', 'DNAT'] : [])]);
  const bad = wanted.find((w) => !known.has(w));
  if (bad) return () => `conntrack state ${bad} is not understood`;
  return (c) => {
    const have = ctStates(c.pkt);
    return wanted.some((w) => have.has(w)) !== negated;
  };
}

function ctAddr(spec: string, negated: boolean, pick: (p: Pkt) => IP | null): Cond {
  const net = parseNet(spec);
  if (!net) return () => `address ${spec} is not understood`;
  return (c) => {
    const a = pick(c.pkt);
    return a === null ? 'no conntrack entry' : inNet(a, net) !== negated;
  };
}

function conntrackConds(m: IptMatch): Cond[] {
  return m.options.map((o): Cond => {
    const arg = o.args.join(' ');
    switch (o.name) {
      case 'ctstate':
        return stateCond(arg, o.negated, true);
      case 'ctproto':
        return protoCond({ value: arg, negated: o.negated });
      case 'ctdir':
        return (c) => (arg.toUpperCase() === (c.pkt.dir === 'orig' ? 'ORIGINAL' : 'REPLY')) !== o.negated;
      case 'ctorigsrc':
        return ctAddr(arg, o.negated, (p) => p.ct?.origSrc ?? null);
      case 'ctorigdst':
        return ctAddr(arg, o.negated, (p) => p.ct?.origDst ?? null);
      case 'ctreplsrc':
        return ctAddr(arg, o.negated, (p) => (p.ct ? p.ct.dnat?.ip ?? p.ct.origDst : null));
      case 'ctrepldst':
        return ctAddr(arg, o.negated, (p) => (p.ct ? p.ct.snat?.ip ?? p.ct.origSrc : null));
      case 'ctorigdstport': {
        const ranges = parsePorts(arg);
        if (!ranges) return () => `port ${arg} is not understood`;
        return (c) => not(c.pkt.ct ? portIn(c.pkt.ct.origDport, ranges) : 'no conntrack entry', o.negated);
      }
      case 'ctstatus': {
        // A first packet's entry is not yet confirmed, has seen no reply and is not assured.
        const st = arg.toUpperCase().split(',');
        if (st.some((x) => !['EXPECTED', 'SEEN_REPLY', 'ASSURED', 'CONFIRMED'].includes(x)))
          return () => `--ctstatus ${arg} is not evaluated by the simulator`;
        return (c) => (c.pkt.dir === 'orig' ? o.negated : `--ctstatus ${arg} on a reply is not evaluated by the simulator`);
      }
      default:
        return unknownOpt('conntrack', o);
    }
  });
}

function markCond(spec: string, negated: boolean, which: 'mark' | 'ctmark'): Cond {
  const [v, m] = spec.split('/');
  const value = Number(v);
  const mask = m === undefined ? 0xffffffff : Number(m);
  if (!Number.isFinite(value) || !Number.isFinite(mask)) return () => `mark ${spec} is not understood`;
  return (c) => {
    const cur = which === 'mark' ? c.pkt.mark : c.pkt.ct?.ctmark ?? 0;
    return (((cur & mask) >>> 0) === value >>> 0) !== negated;
  };
}

function addrtypeConds(m: IptMatch): Cond[] {
  const limitIn = m.options.find((o) => o.name === 'limit-iface-in');
  const limitOut = m.options.find((o) => o.name === 'limit-iface-out');
  return m.options
    .filter((o) => o !== limitIn && o !== limitOut)
    .map((o): Cond => {
      if (o.name !== 'src-type' && o.name !== 'dst-type') return unknownOpt('addrtype', o);
      const types = (o.args[0] ?? '').toUpperCase().split(',');
      const modelled = ['LOCAL', 'UNICAST', 'BROADCAST', 'MULTICAST'];
      return (c) => {
        const dev = limitIn ? c.io.inIf : limitOut ? c.io.outIf : null;
        const t = addrType(c.view, o.name === 'src-type' ? c.pkt.src : c.pkt.dst, dev || null);
        if (types.some((x) => !modelled.includes(x)) && !types.includes(t)) return `address type ${o.args[0]} is not evaluated by the simulator`;
        return types.includes(t) !== o.negated;
      };
    });
}

function physdevConds(m: IptMatch): Cond[] {
  return m.options.map((o): Cond => {
    const name = o.args[0] ?? '';
    const wild = name.endsWith('+');
    const base = wild ? name.slice(0, -1) : name;
    const eq = (dev: string | null) => dev !== null && (wild ? dev.startsWith(base) : dev === base);
    switch (o.name) {
      case 'physdev-in':
        return (c) => (c.io.physIn === null ? o.negated : eq(c.io.physIn) !== o.negated);
      case 'physdev-out':
        return (c) => (c.io.physOut === null ? o.negated : eq(c.io.physOut) !== o.negated);
      case 'physdev-is-in':
        return (c) => (c.io.physIn !== null) !== o.negated;
      case 'physdev-is-out':
        return (c) => (c.io.physOut !== null) !== o.negated;
      case 'physdev-is-bridged':
        return (c) => c.io.bridged !== o.negated;
      default:
        return unknownOpt('physdev', o);
    }
  });
}

function rangeCond(spec: string, negated: boolean, which: 'src' | 'dst'): Cond {
  const [a, b] = spec.split('-');
  const lo = parseIP(a ?? '');
  const hi = parseIP(b ?? a ?? '');
  if (!lo || !hi) return () => `address range ${spec} is not understood`;
  return (c) => {
    const x = which === 'src' ? c.pkt.src : c.pkt.dst;
    return (x.v6 === lo.v6 && x.n >= lo.n && x.n <= hi.n) !== negated;
  };
}

const WHY_NOT: Record<string, string> = {
  set: 'ipset members are not in the snapshot',
  owner: 'which user or process owns the socket is not in the snapshot',
  limit: 'a rate limit depends on the traffic before this packet',
  hashlimit: 'a rate limit depends on the traffic before this packet',
  connlimit: 'it depends on how many connections exist',
  statistic: 'it picks packets at random or by count',
  recent: "it depends on the module's list of recently seen addresses",
  socket: 'it depends on the sockets open in the namespace',
  string: 'it inspects the payload',
  u32: 'it inspects raw packet bytes',
  bpf: 'it runs a BPF program',
  time: 'it depends on the time of day',
  quota: 'it depends on traffic counted so far',
  connbytes: 'it depends on traffic counted so far',
  cgroup: 'the socket’s cgroup is not in the snapshot',
  rpfilter: 'reverse-path filtering is not simulated',
  mac: 'MAC addresses of the sender are not simulated',
};

function moduleConds(m: IptMatch): Cond[] {
  if (!m.known) return [() => `module ${m.module} is not one netatlas understands`];
  switch (m.module) {
    case 'comment':
    case 'nfacct':
      return [];
    case 'tcp':
    case 'udp':
      return tcpUdpConds(m.module, m);
    case 'icmp':
      return icmpConds(m, 4);
    case 'icmp6':
    case 'icmpv6':
      return icmpConds(m, 6);
    case 'multiport':
      return m.options.map((o): Cond => {
        const arg = o.args.join(',');
        if (['dports', 'destination-ports'].includes(o.name)) return portCond('dport', arg, o.negated);
        if (['sports', 'source-ports'].includes(o.name)) return portCond('sport', arg, o.negated);
        if (o.name === 'ports') return portCond('any', arg, o.negated);
        return unknownOpt('multiport', o);
      });
    case 'addrtype':
      return addrtypeConds(m);
    case 'conntrack':
      return conntrackConds(m);
    case 'state':
      return m.options.map((o) => (o.name === 'state' ? stateCond(o.args.join(','), o.negated, false) : unknownOpt('state', o)));
    case 'mark':
      return m.options.map((o) => (o.name === 'mark' ? markCond(o.args[0] ?? '', o.negated, 'mark') : unknownOpt('mark', o)));
    case 'connmark':
      return m.options.map((o) => (o.name === 'mark' ? markCond(o.args[0] ?? '', o.negated, 'ctmark') : unknownOpt('connmark', o)));
    case 'physdev':
      return physdevConds(m);
    case 'iprange':
      return m.options.map((o) =>
        o.name === 'src-range' || o.name === 'dst-range' ? rangeCond(o.args[0] ?? '', o.negated, o.name === 'src-range' ? 'src' : 'dst') : unknownOpt('iprange', o),
      );
    case 'policy':
      // No IPsec in the snapshot: `--pol none` holds, `--pol ipsec` does not.
      return m.options.map((o): Cond => {
        if (o.name === 'dir') return () => true;
        if (o.name === 'pol') return () => ((o.args[0] ?? '') === 'none') !== o.negated;
        return unknownOpt('policy', o);
      });
    case 'pkttype':
      return m.options.map((o): Cond => {
        const t = (o.args[0] ?? '').toLowerCase();
        // br_netfilter marks a bridged frame "otherhost" after PREROUTING: not a plain unicast any more.
        return (c) => (c.io.bridged && c.hook !== 'PREROUTING' ? 'the packet type of a bridged frame is not simulated' : (t === 'unicast') !== o.negated);
      });
    case 'sctp':
    case 'dccp':
    case 'udplite':
    case 'esp':
    case 'ah':
      // Only TCP, UDP and ICMP are traced: a match on another protocol's header never holds.
      return [() => false];
    default:
      return [() => `-m ${m.module} is not evaluated by the simulator${WHY_NOT[m.module] ? `: ${WHY_NOT[m.module]}` : ''}`];
  }
}

/** All conditions of an iptables rule, cheapest first. */
export function iptConds(r: IptRule): Cond[] {
  const conds: Cond[] = [];
  if (r.inInterface) conds.push(ifaceCond(r.inInterface, 'in'));
  if (r.outInterface) conds.push(ifaceCond(r.outInterface, 'out'));
  if (r.protocol) conds.push(protoCond(r.protocol));
  if (r.source) conds.push(addrCond(r.source, 'src'));
  if (r.destination) conds.push(addrCond(r.destination, 'dst'));
  // A first packet is never a non-first fragment.
  if (r.fragment) conds.push(() => r.fragment!.negated);
  for (const m of r.matches) conds.push(...moduleConds(m));
  if (r.unparsed.length) conds.push(() => `part of the rule was not understood: ${r.unparsed.join(' ')}`);
  return conds;
}

export type { MatchCtx, Net };
