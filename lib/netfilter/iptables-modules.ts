/** Static knowledge about iptables: built-in chains per table, match modules, option spellings. */

/** Built-in chains of each standard table; other tables get the union (see {@link isBuiltinChain}). */
export const BUILTIN_CHAINS: Readonly<Record<string, readonly string[]>> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

const ALL_HOOK_CHAINS = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'];

export function isBuiltinChain(table: string, chain: string): boolean {
  return (BUILTIN_CHAINS[table] ?? ALL_HOOK_CHAINS).includes(chain);
}

/** Match modules of upstream iptables (libxt_*, libipt_*, libip6t_*) that this project recognises. */
export const KNOWN_MATCH_MODULES: ReadonlySet<string> = new Set([
  'addrtype', 'ah', 'bpf', 'cgroup', 'cluster', 'comment', 'connbytes', 'connlabel', 'connlimit', 'connmark',
  'conntrack', 'cpu', 'dccp', 'devgroup', 'dscp', 'dst', 'ecn', 'esp', 'eui64', 'frag', 'hashlimit', 'hbh',
  'helper', 'hl', 'icmp', 'icmp6', 'icmpv6', 'ipcomp', 'iprange', 'ipv6header', 'ipvs', 'l2tp', 'length',
  'limit', 'mac', 'mark', 'mh', 'multiport', 'nfacct', 'osf', 'owner', 'physdev', 'pkttype', 'policy', 'quota',
  'rateest', 'realm', 'recent', 'rpfilter', 'rt', 'sctp', 'set', 'socket', 'srh', 'state', 'statistic',
  'string', 'tcp', 'tcpmss', 'time', 'tos', 'ttl', 'u32', 'udp', 'udplite',
]);

/**
 * Protocols whose match iptables loads implicitly for `-p PROTO --dport …` without `-m PROTO`
 * (iptables-save always writes the `-m`, hand-written restore input may not).
 */
export const IMPLICIT_PROTOCOL_MATCHES: ReadonlySet<string> = new Set([
  'tcp', 'udp', 'udplite', 'icmp', 'icmpv6', 'ipv6-icmp', 'sctp', 'dccp',
]);

export type BuiltinField = 'source' | 'destination' | 'inInterface' | 'outInterface' | 'protocol';

/** Spellings of the built-in value matches, including getopt's accepted `--src`/`--dst`. */
export const BUILTIN_VALUE_OPTIONS: Readonly<Record<string, BuiltinField>> = {
  '-s': 'source',
  '--source': 'source',
  '--src': 'source',
  '-d': 'destination',
  '--destination': 'destination',
  '--dst': 'destination',
  '-i': 'inInterface',
  '--in-interface': 'inInterface',
  '-o': 'outInterface',
  '--out-interface': 'outInterface',
  '-p': 'protocol',
  '--protocol': 'protocol',
};

/** Canonical (iptables-save) order and flag of the built-in matches. */
export const BUILTIN_PRINT_ORDER: ReadonlyArray<readonly [BuiltinField, string]> = [
  ['source', '-s'],
  ['destination', '-d'],
  ['inInterface', '-i'],
  ['outInterface', '-o'],
  ['protocol', '-p'],
];

/** Options whose argument iptables-save writes with xtables_save_string (quoted unless `[A-Za-z0-9_-]+`). */
export const SAVE_STRING_OPTIONS: ReadonlySet<string> = new Set([
  'comment', 'log-prefix', 'nflog-prefix', 'ulog-prefix', 'string', 'hex-string',
]);
