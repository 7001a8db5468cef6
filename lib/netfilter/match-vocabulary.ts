import type { IptMatch, IptOption } from '../snapshot/netfilter-schema';

/**
 * The iptables match vocabulary every reader of rules shares (the explainer, the attribution, the simulator):
 * option spellings and their aliases, port specs, protocol names and numbers, ICMP types, conntrack states and
 * which matches a simulator cannot evaluate from a snapshot, and why. A match is read here or not at all.
 */

/** An inclusive port range; a single port is `[p, p]`. */
export type PortRange = readonly [number, number];

const portCache = new Map<string, PortRange[] | null>();

/**
 * iptables port specs: `80`, `8000:8010`, open ranges `:1024` / `1024:`, and multiport lists `80,443,8000:8010`.
 * Null when a part is not a number or range (service names such as `ssh` are not resolved: no /etc/services here).
 */
export function parsePortSpec(spec: string): PortRange[] | null {
  let r = portCache.get(spec);
  if (r === undefined) {
    if (portCache.size > 10_000) portCache.clear();
    portCache.set(spec, (r = parsePortSpecUncached(spec)));
  }
  return r;
}

function parsePortSpecUncached(spec: string): PortRange[] | null {
  const out: PortRange[] = [];
  for (const part of spec.split(',')) {
    const m = /^(\d*)(?::(\d*))?$/.exec(part.trim());
    if (!m || (m[1] === '' && m[2] === undefined)) return null;
    const lo = m[1] === '' ? 0 : Number(m[1]);
    const hi = m[2] === undefined ? lo : m[2] === '' ? 65535 : Number(m[2]);
    if (lo > 65535 || hi > 65535) return null;
    out.push([Math.min(lo, hi), Math.max(lo, hi)]);
  }
  return out;
}

/** nft's spelling of ports in iptables': `8000-8010` → `8000:8010`, `{ 80, 443 }` → `80,443`. */
export function nftPortSpec(v: string): string {
  const inner = v.startsWith('{') ? v.slice(1, -1) : v;
  return inner
    .split(',')
    .map((x) => x.trim().replace('-', ':'))
    .filter(Boolean)
    .join(',');
}

/** Whether a port spec names this port. */
export function portSpecHas(spec: string, port: number): boolean {
  return (parsePortSpec(spec) ?? []).some(([a, b]) => a <= port && port <= b);
}

/** `80` / `8000:8010` / `80,443,1000:2000` → "port 80" / "ports 8000-8010" / "ports 80, 443 and 1000-2000". */
export function portsText(spec: string): string {
  const ranges = parsePortSpec(spec);
  if (!ranges) return `port ${spec}`;
  const items = ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`));
  if (ranges.length === 1 && ranges[0][0] === ranges[0][1]) return `port ${items[0]}`;
  const list = items.length === 1 ? items[0] : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
  return `ports ${list}`;
}

/** Which port a port option is about: the destination, the source, or either (multiport `--ports`). */
export type PortSide = 'dport' | 'sport' | 'ports';

/** Modules whose `--dport`/`--sport` match the transport header's ports. */
export const PORT_MODULES: ReadonlySet<string> = new Set(['tcp', 'udp', 'udplite', 'sctp', 'dccp']);

const PROTOCOL_PORT_OPTIONS: Readonly<Record<string, PortSide>> = {
  dport: 'dport', 'destination-port': 'dport', sport: 'sport', 'source-port': 'sport',
};
/** multiport's options; getopt also takes an unambiguous prefix, and hand-written rules do say `--dport 80,443`. */
const MULTIPORT_OPTIONS: Readonly<Record<string, PortSide>> = {
  dports: 'dport', 'destination-ports': 'dport', dport: 'dport', 'destination-port': 'dport',
  sports: 'sport', 'source-ports': 'sport', sport: 'sport', 'source-port': 'sport',
  ports: 'ports', port: 'ports',
};

/** A port option of a match, read: which side and the spec, or null when the option is no port option of the module. */
export function portOption(module: string, o: IptOption): { side: PortSide; spec: string; negated: boolean } | null {
  const side = module === 'multiport' ? MULTIPORT_OPTIONS[o.name] : PORT_MODULES.has(module) ? PROTOCOL_PORT_OPTIONS[o.name] : undefined;
  if (!side || o.args.length !== 1) return null;
  return { side, spec: o.args[0], negated: o.negated };
}

/** IP protocol numbers by the names iptables, nft and /etc/protocols use, with how a sentence names them. */
const PROTOCOLS: Readonly<Record<string, { number: number; label: string }>> = {
  icmp: { number: 1, label: 'ICMP' },
  igmp: { number: 2, label: 'IGMP' },
  tcp: { number: 6, label: 'TCP' },
  udp: { number: 17, label: 'UDP' },
  gre: { number: 47, label: 'GRE' },
  esp: { number: 50, label: 'ESP' },
  ah: { number: 51, label: 'AH' },
  icmpv6: { number: 58, label: 'ICMPv6' },
  'ipv6-icmp': { number: 58, label: 'ICMPv6' },
  icmp6: { number: 58, label: 'ICMPv6' },
  sctp: { number: 132, label: 'SCTP' },
  udplite: { number: 136, label: 'UDP-Lite' },
  dccp: { number: 33, label: 'DCCP' },
};
const BY_NUMBER = new Map(Object.values(PROTOCOLS).map((p) => [p.number, p.label]));

/** A protocol spec read: `any` for `all`/`0`, a number, or null when the name is not one known here. */
export function protocolNumber(spec: string): number | 'any' | null {
  const name = spec.toLowerCase();
  if (name === 'all' || name === '0') return 'any';
  if (/^\d+$/.test(name)) return Number(name) <= 255 ? Number(name) : null;
  return PROTOCOLS[name]?.number ?? null;
}

/** ICMP or ICMPv6, by name or number. */
export const isIcmp = (spec: string) => [1, 58].includes(protocolNumber(spec) as number);

/** "TCP", "ICMPv6", "protocol 99". */
export function protocolName(spec: string): string {
  const lower = spec.toLowerCase();
  if (PROTOCOLS[lower]) return PROTOCOLS[lower].label;
  if (/^\d+$/.test(lower)) return BY_NUMBER.get(Number(lower)) ?? `protocol ${lower}`;
  return lower.toUpperCase();
}

/** ICMP and ICMPv6 type names (iptables `--icmp-type`/`--icmpv6-type`) and their type numbers. */
const ICMP_TYPES: Readonly<Record<string, number>> = {
  any: -1, 'echo-reply': 0, pong: 0, 'destination-unreachable': 3, 'network-unreachable': 3, 'host-unreachable': 3,
  'protocol-unreachable': 3, 'port-unreachable': 3, 'fragmentation-needed': 3, 'source-route-failed': 3,
  'network-unknown': 3, 'host-unknown': 3, 'network-prohibited': 3, 'host-prohibited': 3, 'TOS-network-unreachable': 3,
  'TOS-host-unreachable': 3, 'communication-prohibited': 3, 'host-precedence-violation': 3,
  'precedence-cutoff': 3, 'source-quench': 4, redirect: 5, 'network-redirect': 5, 'host-redirect': 5,
  'TOS-network-redirect': 5, 'TOS-host-redirect': 5, 'echo-request': 8, ping: 8, 'router-advertisement': 9,
  'router-solicitation': 10, 'time-exceeded': 11, 'ttl-exceeded': 11, 'ttl-zero-during-transit': 11,
  'ttl-zero-during-reassembly': 11, 'parameter-problem': 12, 'ip-header-bad': 12, 'required-option-missing': 12,
  'timestamp-request': 13, 'timestamp-reply': 14, 'address-mask-request': 17, 'address-mask-reply': 18,
};
const ICMPV6_TYPES: Readonly<Record<string, number>> = {
  'destination-unreachable': 1, 'no-route': 1, 'communication-prohibited': 1, 'beyond-scope': 1,
  'address-unreachable': 1, 'port-unreachable': 1, 'failed-policy': 1, 'reject-route': 1, 'packet-too-big': 2,
  'time-exceeded': 3, 'ttl-exceeded': 3, 'ttl-zero-during-transit': 3, 'ttl-zero-during-reassembly': 3,
  'parameter-problem': 4, 'bad-header': 4, 'unknown-header-type': 4, 'unknown-option': 4, 'echo-request': 128,
  ping: 128, 'echo-reply': 129, pong: 129, 'mld-listener-query': 130, 'mld-listener-report': 131,
  'mld-listener-done': 132, 'mld-listener-reduction': 132, 'router-solicitation': 133, 'router-advertisement': 134,
  'neighbour-solicitation': 135, 'neighbor-solicitation': 135, 'neighbour-advertisement': 136,
  'neighbor-advertisement': 136, redirect: 137,
};

/** `--icmp-type echo-request` / `8` / `3/3` → the type number (-1 for `any`); null when not a type known here. */
export function icmpType(spec: string, family: 4 | 6): number | null {
  const m = /^(\d+)(?:\/\d+)?$/.exec(spec);
  if (m) return Number(m[1]) <= 255 ? Number(m[1]) : null;
  return (family === 4 ? ICMP_TYPES : ICMPV6_TYPES)[spec] ?? (family === 4 ? ICMP_TYPES : ICMPV6_TYPES)[spec.toLowerCase()] ?? null;
}

/** The ICMP option of each ICMP module, and its family. */
export const ICMP_MODULES: Readonly<Record<string, { option: string; family: 4 | 6 }>> = {
  icmp: { option: 'icmp-type', family: 4 },
  icmp6: { option: 'icmpv6-type', family: 6 },
  icmpv6: { option: 'icmpv6-type', family: 6 },
};

/** TCP header flag bits. */
export const TCP_FLAGS: Readonly<Record<string, number>> = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16, URG: 32, ECE: 64, CWR: 128 };

/** `--tcp-flags` masks: `SYN,ACK`, `ALL`, `NONE` → bits; null when a flag is not one of TCP's. */
export function tcpFlagBits(spec: string): number | null {
  if (spec === 'ALL') return 255;
  if (spec === 'NONE') return 0;
  let n = 0;
  for (const f of spec.split(',')) {
    if (!(f in TCP_FLAGS)) return null;
    n |= TCP_FLAGS[f];
  }
  return n;
}

/** `--mark value[/mask]` (also connmark's): numbers, decimal or 0x; null when not. */
export function markSpec(spec: string): { value: number; mask: number } | null {
  const [v, m, extra] = spec.split('/');
  const num = (x: string) => (/^(0x[0-9a-f]+|\d+)$/i.test(x) ? Number(x) : NaN);
  const value = num(v);
  const mask = m === undefined ? 0xffffffff : num(m);
  return extra === undefined && Number.isFinite(value) && Number.isFinite(mask) ? { value, mask } : null;
}

/** `-m pkttype --pkt-type` values. */
export const PKT_TYPES: ReadonlySet<string> = new Set(['unicast', 'broadcast', 'multicast']);

/** conntrack states; SNAT and DNAT are conntrack's virtual states (`-m conntrack --ctstate` only; nft has `ct status`). */
const CT_STATES = ['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED'];
const CT_VIRTUAL_STATES = ['SNAT', 'DNAT'];

/** `RELATED,ESTABLISHED` → the states, upper case; null when one is not a state of this module. */
export function ctStateList(spec: string, module: 'state' | 'conntrack' | 'nft'): string[] | null {
  const states = spec.toUpperCase().split(',').map((x) => x.trim()).filter(Boolean);
  const known = module === 'conntrack' ? [...CT_STATES, ...CT_VIRTUAL_STATES] : CT_STATES;
  return states.length > 0 && states.every((s) => known.includes(s)) ? states : null;
}

/** `--ctstatus` values. */
export const CT_STATUSES: ReadonlySet<string> = new Set(['NONE', 'EXPECTED', 'SEEN_REPLY', 'ASSURED', 'CONFIRMED']);

/** `--src-type`/`--dst-type` address types (the kernel's route types). */
export const ADDR_TYPES: ReadonlySet<string> = new Set([
  'UNSPEC', 'UNICAST', 'LOCAL', 'BROADCAST', 'ANYCAST', 'MULTICAST', 'BLACKHOLE', 'UNREACHABLE', 'PROHIBIT', 'THROW', 'NAT', 'XRESOLVE',
]);

/**
 * Matches whose outcome a snapshot cannot decide, and why. The explainer words them; the simulator answers
 * "uncertain" for a rule that has one, with this reason. This list is the one place that says so.
 */
export const NOT_EVALUABLE: Readonly<Record<string, string>> = {
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
  helper: 'which connection helper handles a connection is not simulated',
  dscp: 'the DSCP field of a packet is not simulated',
  length: 'packet lengths are not simulated',
  ttl: 'the TTL of a packet is not simulated',
  hl: 'the hop limit of a packet is not simulated',
};

/** Options a simulator cannot decide inside a module it otherwise evaluates. */
const NOT_EVALUABLE_OPTIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  tcp: { 'tcp-option': 'the TCP options of a packet are not simulated' },
  // `--ipvs` (handled by IPVS) is decided where the namespace's IPVS table is in the snapshot; the rest is not.
  ipvs: Object.fromEntries(
    ['vproto', 'vaddr', 'vport', 'vdir', 'vmethod', 'vportctl'].map((o) => [o, 'which virtual service an IPVS connection belongs to is not simulated']),
  ),
};

/** Address types a snapshot's addresses and routes decide; the others come from route types not simulated. */
const DECIDABLE_ADDR_TYPES: ReadonlySet<string> = new Set(['LOCAL', 'UNICAST', 'BROADCAST', 'MULTICAST']);

/** Why a match (or one of its options) cannot be evaluated from a snapshot; null when it can. */
export function notEvaluable(m: Pick<IptMatch, 'module'>, o?: IptOption): string | null {
  const whole = NOT_EVALUABLE[m.module];
  if (whole || !o) return whole ?? null;
  if (m.module === 'addrtype' && (o.name === 'src-type' || o.name === 'dst-type')) {
    const types = (o.args[0] ?? '').toUpperCase().split(',');
    return types.every((t) => DECIDABLE_ADDR_TYPES.has(t)) ? null : 'blackhole, unreachable, prohibit and other route types are not simulated';
  }
  return NOT_EVALUABLE_OPTIONS[m.module]?.[o.name] ?? null;
}
