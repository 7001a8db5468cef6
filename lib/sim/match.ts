import {
  ADDR_TYPES,
  CT_STATUSES,
  ctStateList,
  ICMP_MODULES,
  icmpType,
  markSpec,
  notEvaluable,
  parsePortSpec,
  PKT_TYPES,
  portOption,
  protocolNumber,
  TCP_FLAGS,
  tcpFlagBits,
  type PortRange,
} from '../netfilter/match-vocabulary';
import type { IptMatch, IptOption, IptRule, NegatableValue } from '../snapshot/netfilter-schema';
import { inNet, parseIP, parseNet, type IP, type Net } from './addr';
import type { IpVersion, Pkt } from './packet';
import { addrType } from './routing';
import type { Cond, MatchCtx, Tri } from './rules';

/**
 * iptables matches compiled into conditions. The packet is always the first of its connection in its direction
 * (a SYN, or the SYN-ACK for the reply), so conntrack state, marks and TCP flags are known exactly. What the
 * snapshot cannot tell (ipset members, the owning uid, rates, randomness: `NOT_EVALUABLE` in the shared match
 * vocabulary) answers "unknown, because …". What the vocabulary does not know is an {@link unread} condition.
 */

/** Conditions standing for a match the simulator could not read (as opposed to one it cannot decide). */
const UNREAD = new WeakSet<Cond>();
/** Conditions standing for a match the vocabulary says no snapshot can decide. */
const UNDECIDABLE = new WeakSet<Cond>();

/** A condition for something not read: it answers "cannot tell" with the reason. */
export function unread(why: string): Cond {
  const c: Cond = () => why;
  UNREAD.add(c);
  return c;
}

function undecidable(why: string): Cond {
  const c: Cond = () => why;
  UNDECIDABLE.add(c);
  return c;
}

/** How a compiled condition came about: read and evaluated, not read, or read but not decidable from a snapshot. */
export function condReading(c: Cond): 'evaluated' | 'unread' | 'undecidable' {
  return UNREAD.has(c) ? 'unread' : UNDECIDABLE.has(c) ? 'undecidable' : 'evaluated';
}

export const pktProtoNum = (p: Pkt) => (p.proto === 'tcp' ? 6 : p.proto === 'udp' ? 17 : p.family === 4 ? 1 : 58);

/** `-p` / nft `ip protocol`/`meta l4proto`: a name or number, `all`/`0` for any. */
export function protoCond(v: NegatableValue): Cond {
  const num = protocolNumber(v.value);
  if (num === 'any') return () => !v.negated;
  if (num === null) return unread(`protocol ${v.value} is not one the simulator knows`);
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
  if (!net) return unread(`address ${v.value} is not understood`);
  return (c) => inNet(which === 'src' ? c.pkt.src : c.pkt.dst, net) !== v.negated;
}

/** Whether a port (known, a known range, or not given) lies in the ranges. */
export function portIn(p: number | null | [number, number], ranges: readonly PortRange[]): Tri {
  if (p === null) return 'the query gives no port';
  const [lo, hi] = typeof p === 'number' ? [p, p] : p;
  if (ranges.some(([a, b]) => a <= lo && hi <= b)) return true;
  if (ranges.every(([a, b]) => b < lo || hi < a)) return false;
  return `the source port is somewhere in ${lo}-${hi}, which the rule covers only in part`;
}

const not = (t: Tri, negated: boolean): Tri => (typeof t === 'string' ? t : t !== negated);

export function portCond(which: 'sport' | 'dport' | 'ports', spec: string, negated: boolean): Cond {
  const ranges = parsePortSpec(spec);
  if (!ranges) return unread(`port ${spec} is not understood`);
  return (c) => {
    if (which !== 'ports') return not(portIn(which === 'sport' ? c.pkt.sport : c.pkt.dport, ranges), negated);
    // multiport --ports: either port.
    const d = portIn(c.pkt.dport, ranges);
    const s = portIn(c.pkt.sport, ranges);
    const either: Tri = d === true || s === true ? true : d === false && s === false ? false : typeof d === 'string' ? d : (s as string);
    return not(either, negated);
  };
}

/** The first packet is a SYN; the first reply a SYN-ACK. */
const pktFlags = (p: Pkt) => (p.dir === 'orig' ? TCP_FLAGS.SYN : TCP_FLAGS.SYN | TCP_FLAGS.ACK);

const unknownOpt = (module: string, o: IptOption): Cond => unread(`-m ${module} --${o.name} is not understood by the simulator`);

/** A port option of any module (tcp, udp, multiport …) as the shared vocabulary reads it; null if it is none. */
function portOptionCond(m: IptMatch, o: IptOption): Cond | null {
  const p = portOption(m.module, o);
  return p && portCond(p.side, p.spec, p.negated);
}

const protoIs = { tcp: (c: MatchCtx) => c.pkt.proto === 'tcp', udp: (c: MatchCtx) => c.pkt.proto === 'udp' };

function tcpUdpConds(proto: 'tcp' | 'udp', m: IptMatch): Cond[] {
  const conds: Cond[] = [protoIs[proto]];
  for (const o of m.options) {
    const port = portOptionCond(m, o);
    const undecided = notEvaluable(m, o);
    if (port) conds.push(port);
    else if (undecided) conds.push(undecidable(`-m ${m.module} --${o.name} is not evaluated by the simulator: ${undecided}`));
    else if (proto === 'tcp' && ((o.name === 'syn' && o.args.length === 0) || (o.name === 'tcp-flags' && o.args.length === 2))) {
      const mask = o.name === 'syn' ? 0x17 : tcpFlagBits(o.args[0]);
      const comp = o.name === 'syn' ? TCP_FLAGS.SYN : tcpFlagBits(o.args[1]);
      if (mask === null || comp === null) conds.push(unread(`--tcp-flags ${o.args.join(' ')} is not understood`));
      else conds.push((c) => ((pktFlags(c.pkt) & mask) === comp) !== o.negated);
    } else conds.push(unknownOpt(m.module, o));
  }
  return conds;
}

function icmpConds(m: IptMatch): Cond[] {
  const { option, family: fam } = ICMP_MODULES[m.module];
  const conds: Cond[] = [(c) => c.pkt.proto === 'icmp' && c.pkt.family === fam];
  for (const o of m.options) {
    const spec = o.args[0] ?? '';
    const num = o.name === option && o.args.length === 1 ? icmpType(spec, fam) : null;
    if (num === null) {
      conds.push(o.name === option ? unread(`ICMP type ${spec} is not understood`) : unknownOpt(m.module, o));
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

export function stateCond(spec: string, negated: boolean, module: 'state' | 'conntrack' | 'nft'): Cond {
  const wanted = ctStateList(spec, module);
  if (!wanted) return unread(`conntrack state ${spec} is not understood`);
  return (c) => {
    const have = ctStates(c.pkt);
    return wanted.some((w) => have.has(w)) !== negated;
  };
}

function ctAddr(spec: string, negated: boolean, pick: (p: Pkt) => IP | null): Cond {
  const net = parseNet(spec);
  if (!net) return unread(`address ${spec} is not understood`);
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
        return stateCond(arg, o.negated, 'conntrack');
      case 'ctproto':
        return protoCond({ value: arg, negated: o.negated });
      case 'ctdir':
        if (!/^(ORIGINAL|REPLY)$/i.test(arg)) return unread(`--ctdir ${arg} is not understood`);
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
        const ranges = parsePortSpec(arg);
        if (!ranges) return unread(`port ${arg} is not understood`);
        return (c) => not(c.pkt.ct ? portIn(c.pkt.ct.origDport, ranges) : 'no conntrack entry', o.negated);
      }
      case 'ctstatus':
        return ctStatusCond(arg, o.negated);
      default:
        return unknownOpt('conntrack', o);
    }
  });
}

/** `--ctstatus` (and nft `ct status`, in iptables' spelling). */
export function ctStatusCond(spec: string, negated: boolean): Cond {
  const st = spec.toUpperCase().split(',');
  if (!st.every((x) => CT_STATUSES.has(x))) return unread(`--ctstatus ${spec} is not understood`);
  // A first packet's entry is not yet confirmed, has seen no reply and is not assured: NONE (no bit set) holds.
  const holdsFirst = st.includes('NONE');
  return (c) => (c.pkt.dir === 'orig' ? holdsFirst !== negated : `--ctstatus ${spec} on a reply is not evaluated by the simulator`);
}

function markCond(spec: string, negated: boolean, which: 'mark' | 'ctmark'): Cond {
  const mark = markSpec(spec);
  if (!mark) return unread(`mark ${spec} is not understood`);
  const { value, mask } = mark;
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
      if (!types.every((t) => ADDR_TYPES.has(t))) return unread(`address type ${o.args[0]} is not understood`);
      const undecided = notEvaluable(m, o);
      const cond: Cond = (c) => {
        const dev = limitIn ? c.io.inIf : limitOut ? c.io.outIf : null;
        const t = addrType(c.view, o.name === 'src-type' ? c.pkt.src : c.pkt.dst, dev || null);
        // A type it models (LOCAL …) in the list decides; otherwise the address may have one it does not.
        if (undecided && !types.includes(t)) return `address type ${o.args[0]} is not evaluated by the simulator: ${undecided}`;
        return types.includes(t) !== o.negated;
      };
      if (undecided) UNDECIDABLE.add(cond);
      return cond;
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
  if (!lo || !hi) return unread(`address range ${spec} is not understood`);
  return (c) => {
    const x = which === 'src' ? c.pkt.src : c.pkt.dst;
    return (x.v6 === lo.v6 && x.n >= lo.n && x.n <= hi.n) !== negated;
  };
}

function moduleConds(m: IptMatch): Cond[] {
  if (!m.known) return [unread(`module ${m.module} is not one netatlas understands`)];
  const undecided = notEvaluable(m);
  if (undecided) return [undecidable(`-m ${m.module} is not evaluated by the simulator: ${undecided}`)];
  switch (m.module) {
    case 'comment':
    case 'nfacct':
      return [];
    case 'tcp':
    case 'udp':
      return tcpUdpConds(m.module, m);
    case 'icmp':
    case 'icmp6':
    case 'icmpv6':
      return icmpConds(m);
    case 'multiport':
      return m.options.map((o): Cond => portOptionCond(m, o) ?? unknownOpt('multiport', o));
    case 'addrtype':
      return addrtypeConds(m);
    case 'conntrack':
      return conntrackConds(m);
    case 'state':
      return m.options.map((o) => (o.name === 'state' ? stateCond(o.args.join(','), o.negated, 'state') : unknownOpt('state', o)));
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
        const a = o.args[0] ?? '';
        if (o.name === 'dir' && (a === 'in' || a === 'out')) return () => true;
        if (o.name === 'pol' && (a === 'none' || a === 'ipsec')) return () => (a === 'none') !== o.negated;
        return unknownOpt('policy', o);
      });
    case 'pkttype':
      return m.options.map((o): Cond => {
        const t = (o.args[0] ?? '').toLowerCase();
        if (o.name !== 'pkt-type' || !PKT_TYPES.has(t)) return unknownOpt('pkttype', o);
        // br_netfilter marks a bridged frame "otherhost" after PREROUTING: not a plain unicast any more.
        return (c) => (c.io.bridged && c.hook !== 'PREROUTING' ? 'the packet type of a bridged frame is not simulated' : (t === 'unicast') !== o.negated);
      });
    case 'ipvs':
      return m.options.map((o): Cond => {
        const undecided = notEvaluable(m, o);
        if (undecided) return undecidable(`-m ipvs --${o.name} is not evaluated by the simulator: ${undecided}`);
        if (o.name !== 'ipvs' || o.args.length) return unknownOpt('ipvs', o);
        // Only where the namespace's IPVS table was read can "not handled by IPVS" be told from "not known".
        return (c) => (c.view.ns.ipvs ? (c.pkt.ipvs === true) !== o.negated : `the IPVS table of ${c.view.label} is not in the snapshot`);
      });
    case 'sctp':
    case 'dccp':
    case 'udplite':
    case 'esp':
    case 'ah':
      // Only TCP, UDP and ICMP are traced: a match on another protocol's header never holds (its options are still read).
      return [() => false, ...m.options.map((o) => portOptionCond(m, o) ?? unknownOpt(m.module, o))];
    default:
      return [unread(`-m ${m.module} is not evaluated by the simulator`)];
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
  if (r.unparsed.length) conds.push(unread(`part of the rule was not understood: ${r.unparsed.join(' ')}`));
  return conds;
}

export type { MatchCtx, Net };
